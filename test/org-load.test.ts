import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadReferenceData, type ReferenceDataFile } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { ReferenceDataError } from '../src/store/reference-data-error.js';
import { acmeOrg, tempStore } from './helpers.js';

/**
 * The reference-data file (spec: domain.md, "The reference-data file"): loading is idempotent,
 * updates what changed, and refuses a file that breaks a rule whole, naming the entry.
 */

const TABLES = [
  'orgs',
  'stores',
  'tills',
  'customers',
  'cards',
  'user_groups',
  'transactions',
  'line_items',
  'trackers',
  'programs',
  'expiry_strategies',
  'promotions',
] as const;

type Dump = Record<(typeof TABLES)[number], string[]>;

let store: Store;
let dbFile: string;
let dir: string;

beforeEach(async () => {
  const t = await tempStore();
  store = t.store;
  dbFile = t.file;
  dir = t.dir;
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every row of every reference-data table, through a separate read-only connection. */
function dump(): Dump {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(
      TABLES.map((t) => [
        t,
        db
          .prepare(`SELECT * FROM ${t}`)
          .all()
          .map((r) => JSON.stringify(r))
          .sort(),
      ]),
    ) as Dump;
  } finally {
    db.close();
  }
}

function rows(sqlText: string, ...params: unknown[]): unknown[] {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sqlText).all(...params);
  } finally {
    db.close();
  }
}

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

describe('loading a reference-data file', () => {
  it('loads what the file holds and reports it by kind', async () => {
    const counts = await loadReferenceData(acmeOrg(), store);
    expect(counts).toEqual({ org: 'acme', stores: 2, customers: 3, userGroups: 1, transactions: 4, trackers: 3, programs: 1, promotions: 1 });
    const d = dump();
    expect(Object.fromEntries(TABLES.map((t) => [t, d[t].length]))).toEqual({
      orgs: 1,
      stores: 2,
      tills: 3,
      customers: 3,
      cards: 2,
      user_groups: 1,
      transactions: 4,
      line_items: 3,
      trackers: 3,
      programs: 1,
      expiry_strategies: 2,
      promotions: 1,
    });
    expect(rows('SELECT user_id, group_id FROM customers ORDER BY user_id')).toEqual([
      { user_id: 1001, group_id: 501 },
      { user_id: 1002, group_id: 501 },
      { user_id: 1003, group_id: null },
    ]);
    // A date without an offset is local time in the org's timezone.
    expect(rows('SELECT loyalty_log_id, local_date, amount FROM transactions WHERE loyalty_log_id = 90004')).toEqual([
      { loyalty_log_id: 90004, local_date: '2024-12-31', amount: '10' },
    ]);
  });

  it('changes nothing when the same file is loaded twice', async () => {
    await loadReferenceData(acmeOrg(), store);
    const first = dump();
    await loadReferenceData(acmeOrg(), store);
    expect(dump()).toEqual(first);
  });

  it("updates a customer's email, and only that", async () => {
    await loadReferenceData(acmeOrg(), store);
    const before = dump();
    const org = acmeOrg();
    await loadReferenceData({ ...org, customers: org.customers!.map((c) => (c.userId === 1001 ? { ...c, email: 'Asha.K@Example.com' } : c)) }, store);
    const after = dump();
    expect(rows('SELECT user_id, mobile, email, external_id, group_id FROM customers WHERE user_id = 1001')).toEqual([
      { user_id: 1001, mobile: '919876543210', email: 'asha.k@example.com', external_id: 'CUST-1001', group_id: 501 },
    ]);
    expect(after.customers).toHaveLength(3);
    for (const t of TABLES) if (t !== 'customers') expect(after[t]).toEqual(before[t]);
    expect(after.customers.filter((r) => !r.includes('"user_id":1001'))).toEqual(before.customers.filter((r) => !r.includes('"user_id":1001')));
  });

  it('adds to an org without removing what a smaller file leaves out', async () => {
    await loadReferenceData(acmeOrg(), store);
    await loadReferenceData({ org: acmeOrg().org, stores: [{ code: 'S003', tills: [] }] }, store);
    expect(dump().stores).toHaveLength(3);
    expect(dump().customers).toHaveLength(3);
  });
});

describe('a file that breaks a rule is refused whole, naming the entry', () => {
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

  const cases: Array<[string, () => ReferenceDataFile, string[]]> = [
    ['a mobile twice in the file', dupMobile, ['customer 1004', 'mobile', '919876543210']],
    ['a transaction of an unknown customer', unknownCustomer, ['transaction 90009', '9999']],
    ['a transaction at an unknown store', unknownStore, ['transaction 90009', 'S999']],
    ['a member in two groups', twoGroups, ['user group 502', '1002', '501']],
    ['a timezone that is not an IANA zone', badZone, ['timezone']],
  ];

  it.each(cases)('refuses %s into an empty store, writing nothing', async (_what, file, named) => {
    const error = await refusal(file());
    for (const part of named) expect(error.message).toContain(part);
    const d = dump();
    for (const t of TABLES) expect(d[t], t).toEqual([]);
  });

  it.each(cases)('refuses %s over a loaded org, changing nothing', async (_what, file, named) => {
    await loadReferenceData(acmeOrg(), store);
    const before = dump();
    const error = await refusal(file());
    for (const part of named) expect(error.message).toContain(part);
    expect(dump()).toEqual(before);
  });

  it("refuses a mobile that is already another existing customer's, changing nothing", async () => {
    await loadReferenceData(acmeOrg(), store);
    const before = dump();
    const f = acmeWithChanges();
    // Customer 1005 is new; 919876543211 is customer 1002's, who is not in this file.
    const file = { ...f, customers: [...f.customers!.filter((c) => c.userId !== 1002), { userId: 1005, mobile: '919876543211' }] };
    const error = await refusal(file);
    expect(error.message).toContain('customer 1005');
    expect(error.message).toContain('mobile');
    expect(dump()).toEqual(before);
  });

  it('refuses a member of a new group who is in an existing group and not in the file, changing nothing', async () => {
    await loadReferenceData(acmeOrg(), store);
    const before = dump();
    const f = acmeWithChanges();
    const error = await refusal({
      ...f,
      customers: f.customers!.filter((c) => c.userId !== 1002),
      userGroups: [{ groupId: 502, primaryUserId: 1003, memberUserIds: [1002] }],
    });
    expect(error.message).toContain('user group 502');
    expect(error.message).toContain('1002');
    expect(error.message).toContain('501');
    expect(dump()).toEqual(before);
  });

  it('refuses a member of a new group who is in an existing group and also in the file, changing nothing', async () => {
    await loadReferenceData(acmeOrg(), store);
    const before = dump();
    // The file lists customer 1002 (unchanged) and puts them in group 502; the org has them in 501.
    const error = await refusal({ ...acmeWithChanges(), userGroups: [{ groupId: 502, primaryUserId: 1003, memberUserIds: [1002] }] });
    expect(error.message).toContain('user group 502');
    expect(error.message).toContain('1002');
    expect(error.message).toContain('501');
    expect(dump()).toEqual(before);
  });
});
