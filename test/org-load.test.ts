import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER_KEY_KINDS } from '../src/core/identifiers.js';
import { checkReferenceData, loadReferenceData, type ReferenceDataFile } from '../src/org/reference-data.js';
import type { Key } from '../src/domain/customers.js';
import type { Store } from '../src/store/port.js';
import { ReferenceDataError } from '../src/store/reference-data-error.js';
import { acmeOrg, tempStore } from './helpers.js';

/**
 * The reference-data file (spec: domain.md, "The reference-data file"): loading is idempotent,
 * updates what changed, and refuses a file that breaks a rule whole, naming the entry.
 */

let store: Store;
let dir: string;

beforeEach(async () => {
  ({ store, dir } = await tempStore());
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every key a file names, by kind: what `dump` looks the org up by. */
interface Keys {
  userIds: number[];
  mobiles: string[];
  emails: string[];
  externalIds: string[];
  cardNumbers: string[];
  cardExternalIds: string[];
  groupIds: number[];
  groupExternalIds: string[];
  loyaltyLogIds: number[];
  itemIds: number[];
}

function keysOf(files: ReferenceDataFile[]): Keys {
  const k: Keys = { userIds: [], mobiles: [], emails: [], externalIds: [], cardNumbers: [], cardExternalIds: [], groupIds: [], groupExternalIds: [], loyaltyLogIds: [], itemIds: [] };
  for (const f of files) {
    for (const c of f.customers ?? []) {
      k.userIds.push(c.userId);
      if (c.mobile) k.mobiles.push(c.mobile);
      if (c.email) k.emails.push(c.email.toLowerCase());
      if (c.externalId) k.externalIds.push(c.externalId);
      for (const card of c.cards ?? []) {
        k.cardNumbers.push(card.number);
        if (card.externalId) k.cardExternalIds.push(card.externalId);
      }
    }
    for (const g of f.userGroups ?? []) {
      k.groupIds.push(g.groupId);
      if (g.externalId) k.groupExternalIds.push(g.externalId);
    }
    for (const t of f.transactions ?? []) {
      k.loyaltyLogIds.push(t.loyaltyLogId);
      k.userIds.push(t.userId);
      for (const li of t.lineItems ?? []) k.itemIds.push(li.itemId);
    }
  }
  const unique = <T>(list: T[]) => [...new Set(list)];
  return Object.fromEntries(Object.entries(k).map(([kind, list]) => [kind, unique(list as unknown[])])) as unknown as Keys;
}

/**
 * What the store holds of the acme org, read through the store: the org, its stores, tills,
 * trackers, programs (with their expiry strategies) and promotions whole, and its customers,
 * cards, groups, transactions and line items as found by every key that any file of this suite
 * names (and `files`), so that a row written, changed or removed under any of them shows.
 */
async function dump(...files: ReferenceDataFile[]) {
  const keys = keysOf([acmeOrg(), acmeWithChanges(), ...cases.map(([, file]) => file()), ...files]);
  const byKind: Record<(typeof CUSTOMER_KEY_KINDS)[number], Key[]> = {
    MOBILE: keys.mobiles,
    EMAIL: keys.emails,
    EXTERNAL_ID: keys.externalIds,
    USER_ID: keys.userIds,
    CARD_NUMBER: keys.cardNumbers,
    CARD_EXTERNAL_ID: keys.cardExternalIds,
  };
  const customers: Array<[string, Key, number, number | null]> = [];
  for (const kind of CUSTOMER_KEY_KINDS) for (const m of await store.findCustomers('acme', kind, byKind[kind])) customers.push([kind, m.key, m.userId, m.groupId]);
  const groups: Array<[string, Key, number]> = [];
  for (const [kind, list] of [
    ['GROUP_ID', keys.groupIds],
    ['EXTERNAL_ID', keys.groupExternalIds],
    ['PRIMARY_USER_ID', keys.userIds],
  ] as const) {
    for (const m of await store.findGroups('acme', kind, list)) groups.push([kind, m.key, m.groupId]);
  }
  const order = (a: unknown[], b: unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));
  return {
    org: await store.getOrg('acme'),
    stores: await store.listStores('acme'),
    tills: await store.listTills('acme'),
    customers: customers.sort(order),
    groups: groups.sort(order),
    transactions: (await store.findTransactionsById('acme', keys.loyaltyLogIds)).sort((a, b) => a.loyaltyLogId - b.loyaltyLogId),
    lineItems: (await store.findLineItems('acme', keys.itemIds)).sort((a, b) => a.itemId - b.itemId),
    trackers: await store.listTrackers('acme'),
    programs: await store.listPrograms('acme'),
    promotions: await store.listPromotions('acme'),
  };
}

type Dump = Awaited<ReturnType<typeof dump>>;

/** A store that holds nothing of the org. */
const EMPTY: Dump = { org: null, stores: [], tills: [], customers: [], groups: [], transactions: [], lineItems: [], trackers: [], programs: [], promotions: [] };

async function refusal(input: unknown): Promise<ReferenceDataError> {
  try {
    await loadReferenceData(input, store);
  } catch (error) {
    expect(error).toBeInstanceOf(ReferenceDataError);
    return error as ReferenceDataError;
  }
  throw new Error('the file was loaded; it should have been refused');
}

/** acme with changes that are fine on their own: a new store and a new email for customer 1001. */
function acmeWithChanges(extra: Partial<ReferenceDataFile> = {}): ReferenceDataFile {
  const org = acmeOrg();
  return {
    ...org,
    stores: [...org.stores!, { code: 'S003', externalId: 'BLR-003', name: 'Koramangala', tills: ['S003-T1'] }],
    customers: org.customers!.map((c) => (c.userId === 1001 ? { ...c, email: 'asha.new@example.com' } : c)),
    ...extra,
  };
}

/** Files that break a rule, each on its own, with what the refusal names. */
const dupMobile = () => {
  const f = acmeWithChanges();
  return { ...f, customers: [...f.customers!, { userId: 1004, mobile: '919876543210', email: 'dup@example.com' }] };
};
const unknownCustomer = () => {
  const f = acmeWithChanges();
  return {
    ...f,
    transactions: [...f.transactions!, { loyaltyLogId: 90009, billNumber: 'B-9', date: '2025-04-01T10:00:00', storeCode: 'S001', userId: 9999, amount: '1.00' }],
  };
};
const unknownStore = () => {
  const f = acmeWithChanges();
  return {
    ...f,
    transactions: [...f.transactions!, { loyaltyLogId: 90009, billNumber: 'B-9', date: '2025-04-01T10:00:00', storeCode: 'S999', userId: 1003, amount: '1.00' }],
  };
};
const twoGroups = () => ({
  ...acmeWithChanges(),
  userGroups: [
    { groupId: 501, externalId: 'FLEET-501', primaryUserId: 1001, memberUserIds: [1002] },
    { groupId: 502, externalId: 'FLEET-502', primaryUserId: 1003, memberUserIds: [1002] },
  ],
});
const badZone = () => {
  const f = acmeWithChanges();
  return { ...f, org: { ...f.org, timezone: 'Asia/Calcutta_' } };
};

const badAmount = () => {
  const f = acmeWithChanges();
  return { ...f, transactions: [{ ...f.transactions![0]!, amount: [] as unknown as string }] };
};

const noOrg = () => {
  const { org: _org, ...rest } = acmeWithChanges();
  return rest as ReferenceDataFile;
};

const cases: Array<[string, () => ReferenceDataFile, string[]]> = [
  ['a mobile twice in the file', dupMobile, ['customer 1004', 'mobile', '919876543210']],
  ['a transaction of an unknown customer', unknownCustomer, ['transaction 90009', '9999']],
  ['a transaction at an unknown store', unknownStore, ['transaction 90009', 'S999']],
  ['a member in two groups', twoGroups, ['user group 502', '1002', '501']],
  ['a timezone that is not an IANA zone', badZone, ['timezone']],
  ['a transaction whose amount is of the wrong kind, named by its own id', badAmount, ['transactions[0] (loyaltyLogId 90001).amount']],
  ['a file without its org', noOrg, ['org: missing: it must be a JSON object']],
];

describe('loading a reference-data file', () => {
  it('loads what the file holds and reports it by kind', async () => {
    const counts = await loadReferenceData(acmeOrg(), store);
    expect(counts).toEqual({ org: 'acme', stores: 2, customers: 3, userGroups: 1, transactions: 4, trackers: 3, programs: 1, promotions: 1 });
    const d = await dump();
    const customersBy = (kind: string) => d.customers.filter(([k]) => k === kind).map(([, key, userId, groupId]) => [key, userId, groupId]);
    expect(d.org).toEqual({ id: 'acme', name: 'Acme Retail', baseCountry: 'IN', timezone: 'Asia/Kolkata' });
    expect(d.stores.map((s) => s.code)).toEqual(['S001', 'S002']);
    expect(d.tills).toEqual([
      { code: 'S001-T1', storeCode: 'S001' },
      { code: 'S001-T2', storeCode: 'S001' },
      { code: 'S002-T1', storeCode: 'S002' },
    ]);
    expect(customersBy('USER_ID')).toEqual([
      [1001, 1001, 501],
      [1002, 1002, 501],
      [1003, 1003, null],
    ]);
    expect(customersBy('CARD_NUMBER')).toEqual([
      ['4000123412341234', 1001, 501],
      ['4000123412341235', 1002, 501],
    ]);
    expect(customersBy('EMAIL').map(([key]) => key)).toEqual(['asha@example.com', 'meera@example.com', 'ravi@example.com']);
    expect(d.groups.filter(([k]) => k === 'GROUP_ID')).toEqual([['GROUP_ID', 501, 501]]);
    expect(d.transactions.map((t) => t.loyaltyLogId)).toEqual([90001, 90002, 90003, 90004]);
    expect(d.lineItems).toEqual([
      { itemId: 70001, loyaltyLogId: 90001 },
      { itemId: 70002, loyaltyLogId: 90001 },
      { itemId: 70003, loyaltyLogId: 90002 },
    ]);
    expect(d.trackers.map((t) => t.id)).toEqual([11, 12, 13]);
    expect(d.programs.map((p) => [p.id, p.expiryStrategies.map((e) => e.id)])).toEqual([[1, [1, 4]]]);
    expect(d.promotions).toEqual([{ identifier: 'SUMMER-25', name: 'Summer bonus', programId: 1 }]);
    // A date without an offset is local time in the org's timezone.
    expect(d.transactions.find((t) => t.loyaltyLogId === 90004)).toMatchObject({ localDate: '2024-12-31', userId: 1001, groupId: null, storeCode: 'S001' });
    // The amount is kept as the checked file gives it (the store never reads it back).
    expect((await checkReferenceData(acmeOrg(), store)).transactions.find((t) => t.loyaltyLogId === 90004)?.amount).toBe('10');
  });

  it('changes nothing when the same file is loaded twice', async () => {
    await loadReferenceData(acmeOrg(), store);
    const first = await dump();
    await loadReferenceData(acmeOrg(), store);
    expect(await dump()).toEqual(first);
  });

  it("updates a customer's email, and only that", async () => {
    await loadReferenceData(acmeOrg(), store);
    const org = acmeOrg();
    const changed = { ...org, customers: org.customers!.map((c) => (c.userId === 1001 ? { ...c, email: 'Asha.K@Example.com' } : c)) };
    const before = await dump(changed);
    await loadReferenceData(changed, store);
    const after = await dump(changed);
    // Customer 1001 is found by the new email, lowercased, and no longer by the old one.
    expect(after.customers.filter(([, , userId]) => userId === 1001)).toEqual([
      ['CARD_EXTERNAL_ID', 'CARD-1001', 1001, 501],
      ['CARD_NUMBER', '4000123412341234', 1001, 501],
      ['EMAIL', 'asha.k@example.com', 1001, 501],
      ['EXTERNAL_ID', 'CUST-1001', 1001, 501],
      ['MOBILE', '919876543210', 1001, 501],
      ['USER_ID', 1001, 1001, 501],
    ]);
    expect(before.customers.filter(([kind, , userId]) => kind === 'EMAIL' && userId === 1001)).toEqual([['EMAIL', 'asha@example.com', 1001, 501]]);
    expect(after.customers.filter(([, , userId]) => userId !== 1001)).toEqual(before.customers.filter(([, , userId]) => userId !== 1001));
    expect({ ...after, customers: [] }).toEqual({ ...before, customers: [] });
  });

  it('adds to an org without removing what a smaller file leaves out', async () => {
    await loadReferenceData(acmeOrg(), store);
    await loadReferenceData({ org: acmeOrg().org, stores: [{ code: 'S003', tills: [] }] }, store);
    const d = await dump();
    expect(d.stores.map((s) => s.code)).toEqual(['S001', 'S002', 'S003']);
    expect(d.customers.filter(([kind]) => kind === 'USER_ID').map(([, userId]) => userId)).toEqual([1001, 1002, 1003]);
    expect(d.transactions).toHaveLength(4);
  });
});

describe('a file that breaks a rule is refused whole, naming the entry', () => {
  it.each(cases)('refuses %s into an empty store, writing nothing', async (_what, file, named) => {
    const error = await refusal(file());
    for (const part of named) expect(error.message).toContain(part);
    expect(await dump()).toEqual(EMPTY);
  });

  it.each(cases)('refuses %s over a loaded org, changing nothing', async (_what, file, named) => {
    await loadReferenceData(acmeOrg(), store);
    const before = await dump();
    expect(before.customers.length).toBeGreaterThan(0);
    const error = await refusal(file());
    for (const part of named) expect(error.message).toContain(part);
    expect(await dump()).toEqual(before);
  });

  /** acmeWithChanges without customer 1002, with a new customer 1005 whose mobile is 1002's (who stays in the store). */
  const mobileOfAnother = (): ReferenceDataFile => {
    const f = acmeWithChanges();
    return { ...f, customers: [...f.customers!.filter((c) => c.userId !== 1002), { userId: 1005, mobile: '919876543211' }] };
  };

  it("refuses a mobile that is already another existing customer's, saying so, changing nothing", async () => {
    await loadReferenceData(acmeOrg(), store);
    const file = mobileOfAnother();
    const before = await dump(file);
    const error = await refusal(file);
    expect(error.message).toContain('mobile');
    expect(error.message).toContain('already used by another entry');
    expect(await dump(file)).toEqual(before);
  });

  it("names the entry whose mobile is already another existing customer's", async () => {
    await loadReferenceData(acmeOrg(), store);
    const error = await refusal(mobileOfAnother());
    expect(error.message).toContain('customer 1005');
  });

  it('refuses a member of a new group who is in an existing group and not in the file, changing nothing', async () => {
    await loadReferenceData(acmeOrg(), store);
    const f = acmeWithChanges();
    const file = { ...f, customers: f.customers!.filter((c) => c.userId !== 1002), userGroups: [{ groupId: 502, primaryUserId: 1003, memberUserIds: [1002] }] };
    const before = await dump(file);
    const error = await refusal(file);
    expect(error.message).toContain('user group 502');
    expect(error.message).toContain('1002');
    expect(error.message).toContain('501');
    expect(await dump(file)).toEqual(before);
  });

  it('refuses a member of a new group who is in an existing group and also in the file, changing nothing', async () => {
    await loadReferenceData(acmeOrg(), store);
    // The file lists customer 1002 (unchanged) and puts them in group 502; the org has them in 501.
    const file = { ...acmeWithChanges(), userGroups: [{ groupId: 502, primaryUserId: 1003, memberUserIds: [1002] }] };
    const before = await dump(file);
    const error = await refusal(file);
    expect(error.message).toContain('user group 502');
    expect(error.message).toContain('1002');
    expect(error.message).toContain('501');
    expect(await dump(file)).toEqual(before);
  });
});
