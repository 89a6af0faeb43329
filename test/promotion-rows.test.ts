import { describe, expect, it } from 'vitest';
import type { FileError } from '../src/core/error-codes.js';
import type { ReferenceDataFile } from '../src/org/reference-data.js';
import type { GroupKeyKind } from '../src/domain/customers.js';
import type { Store } from '../src/store/port.js';
import { acmeOrg, codes, lines, loadOrg, runImport, templateRefusal, tempStoreForEachTest } from './helpers.js';
import { MAPPING, promotionTemplate } from './promotion-fixtures.js';
import { ledger as ledgerOfOrg } from '../src/profiles/customer-promotion/ledger.js';

/**
 * Customer Promotion (spec: profiles.md, "Customer Promotion" and "Shared configuration"): its
 * rules row by row. Who a row awards (customerIdentifier, userGroup2Enabled,
 * userGroup2IdentifierType), at which store or till (storesByExternalId, replaceInvalidStoreWith),
 * how many points, and the order in which a row's first failing rule is reported.
 */

let store: Store;
tempStoreForEachTest(async (t) => {
  store = t.store;
  await loadOrg(store, org());
});

/**
 * acmeOrg plus: customer 1004 (primary of group 502) and 1005 (a member of 502); store S003 whose
 * external id is "S001" (another store's code); store K01 and store S009 whose till is "K01"
 * (a till code equal to a store code).
 */
function org(): ReferenceDataFile {
  const base = acmeOrg();
  return acmeOrg({
    stores: [
      ...(base.stores ?? []),
      { code: 'S003', externalId: 'S001', name: 'Koramangala', tills: [] },
      { code: 'K01', externalId: 'KIOSK-01', name: 'Airport kiosk', tills: [] },
      { code: 'S009', externalId: 'BLR-009', name: 'Whitefield', tills: ['K01'] },
    ],
    customers: [
      ...(base.customers ?? []),
      { userId: 1004, mobile: '919876543213', email: 'lata@example.com', externalId: 'CUST-1004', cards: [{ number: '4000123412341236', externalId: 'CARD-1004' }] },
      { userId: 1005, mobile: '919876543214', email: 'omar@example.com', externalId: 'CUST-1005', cards: [] },
    ],
    userGroups: [
      { groupId: 501, externalId: 'FLEET-501', primaryUserId: 1001, memberUserIds: [1002] },
      { groupId: 502, externalId: 'FLEET-502', primaryUserId: 1004, memberUserIds: [1005] },
    ],
  });
}

/** A Customer Promotion template with `config` over a promotion name. */
function promo(config: Record<string, unknown> = {}, mapping: Record<string, unknown> = MAPPING): Record<string, unknown> {
  return promotionTemplate(config, { mapping });
}

/** The org's ledger as [rowNumber, userId, groupId, points, storeCode, tillCode] in row order. */
async function ledger(): Promise<Array<[number, number | null, number | null, string, string, string | null]>> {
  const entries = await ledgerOfOrg(store, { orgId: 'acme' });
  return entries.map((e) => [e.rowNumber, e.userId, e.groupId, e.points, e.storeCode, e.tillCode]);
}

function refusal(input: Record<string, unknown>): Promise<FileError> {
  return templateRefusal(store, { org: 'acme', name: 'refused', ...input });
}

describe('customerIdentifier', () => {
  const cases: Array<{
    kind: string;
    config?: Record<string, unknown>;
    cells: string[];
    awarded: Array<[number, number]>;
    rejected: Array<[number, string]>;
  }> = [
    {
      kind: 'MOBILE',
      cells: ['919876543210', '+91 98765-43211', '0091 (98765) 43212', '919999999999', 'abc', '12'],
      awarded: [
        [2, 1001],
        [3, 1002],
        [4, 1003],
      ],
      rejected: [
        [5, 'CUSTOMER_NOT_FOUND'],
        [6, 'INVALID_IDENTIFIER'],
        [7, 'INVALID_IDENTIFIER'],
      ],
    },
    {
      kind: 'MOBILE',
      config: { appendCountryCode: true },
      cells: ['9876543210', '98765 43211', '919876543212', '9999999999', '1234'],
      awarded: [
        [2, 1001],
        [3, 1002],
        [4, 1003],
      ],
      rejected: [
        [5, 'CUSTOMER_NOT_FOUND'],
        [6, 'INVALID_IDENTIFIER'],
      ],
    },
    {
      kind: 'EMAIL',
      cells: ['ASHA@Example.COM', 'ravi@example.com', 'nobody@example.com', 'not-an-email', 'ravi@example'],
      awarded: [
        [2, 1001],
        [3, 1002],
      ],
      rejected: [
        [4, 'CUSTOMER_NOT_FOUND'],
        [5, 'INVALID_IDENTIFIER'],
        [6, 'INVALID_IDENTIFIER'],
      ],
    },
    {
      kind: 'EXTERNAL_ID',
      cells: ['CUST-1002', 'cust-1002', '1002', 'CARD-1002'],
      awarded: [[2, 1002]],
      rejected: [
        [3, 'CUSTOMER_NOT_FOUND'],
        [4, 'CUSTOMER_NOT_FOUND'],
        [5, 'CUSTOMER_NOT_FOUND'],
      ],
    },
    {
      kind: 'USER_ID',
      cells: ['1003', '1004', '9999', '0', '-4', '10.5', 'abc'],
      awarded: [
        [2, 1003],
        [3, 1004],
      ],
      rejected: [
        [4, 'CUSTOMER_NOT_FOUND'],
        [5, 'INVALID_IDENTIFIER'],
        [6, 'INVALID_IDENTIFIER'],
        [7, 'INVALID_IDENTIFIER'],
        [8, 'INVALID_IDENTIFIER'],
      ],
    },
    {
      kind: 'CARD_NUMBER',
      cells: ['4000123412341235', '4000123412341236', 'CARD-1002', '4000123412341299'],
      awarded: [
        [2, 1002],
        [3, 1004],
      ],
      rejected: [
        [4, 'CUSTOMER_NOT_FOUND'],
        [5, 'CUSTOMER_NOT_FOUND'],
      ],
    },
    {
      kind: 'CARD_EXTERNAL_ID',
      cells: ['CARD-1001', 'CARD-1004', 'card-1001', '4000123412341234'],
      awarded: [
        [2, 1001],
        [3, 1004],
      ],
      rejected: [
        [4, 'CUSTOMER_NOT_FOUND'],
        [5, 'CUSTOMER_NOT_FOUND'],
      ],
    },
  ];

  for (const c of cases) {
    const title = `${c.kind}${c.config ? ` with ${JSON.stringify(c.config)}` : ''}: awards the customer the cell names, CUSTOMER_NOT_FOUND or INVALID_IDENTIFIER otherwise`;
    it(title, async () => {
      const csv = lines('Customer,Store,Points', ...c.cells.map((cell, i) => `"${cell}",S001,${i + 1}`));
      const { job, rejections } = await runImport(store, promo({ customerIdentifier: c.kind, ...c.config }), csv);
      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(codes(rejections)).toEqual(c.rejected.map(([row, code]) => [row, code, 'customer']));
      expect(rejections.map((r) => r.value)).toEqual(c.rejected.map(([row]) => c.cells[row - 2]));
      expect(await ledger()).toEqual(c.awarded.map(([row, userId]) => [row, userId, null, String(row - 1), 'S001', null]));
      expect(job.counts).toMatchObject({ total: c.cells.length, valid: c.awarded.length, rejected: c.rejected.length, imported: c.awarded.length });
    });
  }

  it('matches a "Card External ID" header to the customer field automatically, and says so', async () => {
    const csv = lines('Card External ID,Store,Points', 'CARD-1002,S001,5');
    const { job, rejections } = await runImport(store, promo({ customerIdentifier: 'CARD_EXTERNAL_ID' }, {}), csv);
    expect(codes(rejections)).toEqual([]);
    expect(job.status).toBe('COMPLETED');
    expect(job.autoMapped).toMatchObject({ customer: 'Card External ID', storeCode: 'Store', points: 'Points' });
    expect(await ledger()).toEqual([[2, 1002, null, '5', 'S001', null]]);
  });

  it("matches headers that are the fields' labels without any mapping", async () => {
    const csv = lines('Mobile/Email/External ID/User ID/Card Number/Card External ID,Till IUN Or Store Ext Id (Store Code),Points', '919876543211,S001-T1,5');
    const { job, rejections } = await runImport(store, promo({}, {}), csv);
    expect(codes(rejections)).toEqual([]);
    expect(job.autoMapped).toEqual({
      customer: 'Mobile/Email/External ID/User ID/Card Number/Card External ID',
      storeCode: 'Till IUN Or Store Ext Id (Store Code)',
      points: 'Points',
    });
    expect(await ledger()).toEqual([[2, 1002, null, '5', 'S001', 'S001-T1']]);
    const groups = lines('User Group2 Identifier (Fleet Group Identifier),Till IUN Or Store Ext Id (Store Code),Points', '502,S002,6');
    const grouped = await runImport(store, promo({ userGroup2Enabled: true }, {}), groups);
    expect(codes(grouped.rejections)).toEqual([]);
    expect(grouped.job.autoMapped).toMatchObject({ group: 'User Group2 Identifier (Fleet Group Identifier)' });
    expect((await ledger()).slice(1)).toEqual([[2, null, 502, '6', 'S002', null]]);
  });

  it('refuses a customerIdentifier the profile does not have', async () => {
    const error = await refusal(promo({ customerIdentifier: 'LOYALTY_ID' }));
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('customerIdentifier');
  });
});

describe('the till-or-store column', () => {
  it('matches a till code (setting the till and its store), else a store code; a till code wins over an equal store code', async () => {
    const csv = lines(
      'Customer,Store,Points',
      '919876543210,S001-T2,1', // 2 till of S001
      '919876543210,S001,2', // 3 store code
      '919876543210,K01,3', // 4 till "K01" of S009 wins over store K01
      '919876543210,S002-T1,4', // 5 till of S002
      '919876543210,BLR-002,5', // 6 an external id is not a code
      '919876543210,S099,6', // 7
    );
    const { job, rejections } = await runImport(store, promo(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(codes(rejections)).toEqual([
      [6, 'STORE_NOT_FOUND', 'storeCode'],
      [7, 'STORE_NOT_FOUND', 'storeCode'],
    ]);
    expect(rejections[1]!.value).toBe('S099');
    expect(rejections[1]!.message).toContain('"S099"');
    expect(await ledger()).toEqual([
      [2, 1001, null, '1', 'S001', 'S001-T2'],
      [3, 1001, null, '2', 'S001', null],
      [4, 1001, null, '3', 'S009', 'K01'],
      [5, 1001, null, '4', 'S002', 'S002-T1'],
    ]);
  });

  it('with storesByExternalId matches only store external ids: not store codes, not till codes', async () => {
    const csv = lines(
      'Customer,Store,Points',
      '919876543210,BLR-002,1', // 2 → S002
      '919876543210,S001,2', // 3 → S003, whose external id is "S001"
      '919876543210,KIOSK-01,3', // 4 → K01, no till
      '919876543210,S002,4', // 5 a store code only
      '919876543210,S001-T1,5', // 6 a till code only
      '919876543210,K01,6', // 7 a till and a store code, not an external id
    );
    const { rejections } = await runImport(store, promo({ storesByExternalId: true }), csv);
    expect(codes(rejections)).toEqual([
      [5, 'STORE_NOT_FOUND', 'storeCode'],
      [6, 'STORE_NOT_FOUND', 'storeCode'],
      [7, 'STORE_NOT_FOUND', 'storeCode'],
    ]);
    expect(await ledger()).toEqual([
      [2, 1001, null, '1', 'S002', null],
      [3, 1001, null, '2', 'S003', null],
      [4, 1001, null, '3', 'K01', null],
    ]);
  });

  it('replaceInvalidStoreWith puts a value that matches nothing on the replacement store, with no till', async () => {
    const csv = lines(
      'Customer,Store,Points',
      '919876543210,S099,1', // 2 replaced
      '919876543210,S001-T1,2', // 3 a till: kept
      '919876543210,S001,3', // 4 a store: kept
      '919876543210,BLR-001,4', // 5 an external id matches nothing here: replaced
    );
    const { job, rejections } = await runImport(store, promo({ replaceInvalidStoreWith: 'S002' }), csv);
    expect(job.status).toBe('COMPLETED');
    expect(codes(rejections)).toEqual([]);
    expect(await ledger()).toEqual([
      [2, 1001, null, '1', 'S002', null],
      [3, 1001, null, '2', 'S001', 'S001-T1'],
      [4, 1001, null, '3', 'S001', null],
      [5, 1001, null, '4', 'S002', null],
    ]);
  });

  it('replaceInvalidStoreWith applies with storesByExternalId too', async () => {
    const csv = lines('Customer,Store,Points', '919876543210,S001-T1,1', '919876543210,BLR-001,2');
    const { rejections } = await runImport(store, promo({ storesByExternalId: true, replaceInvalidStoreWith: 'K01' }), csv);
    expect(codes(rejections)).toEqual([]);
    expect(await ledger()).toEqual([
      [2, 1001, null, '1', 'K01', null],
      [3, 1001, null, '2', 'S001', null],
    ]);
  });

  it('refuses a template whose replaceInvalidStoreWith is not a store of the org, naming the key', async () => {
    const error = await refusal(promo({ replaceInvalidStoreWith: 'S999' }));
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('replaceInvalidStoreWith');
    expect(error.message).toContain('S999');
  });

  it('refuses a replacement that is only a till code', async () => {
    const error = await refusal(promo({ replaceInvalidStoreWith: 'S001-T1' }));
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('replaceInvalidStoreWith');
  });

  it('fails the job with MISSING_COLUMN when the file has no till-or-store column', async () => {
    const { job } = await runImport(store, promo({}, { customer: 'Customer', points: 'Points' }), lines('Customer,Points', '919876543210,5'));
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MISSING_COLUMN');
    expect(job.fileError?.message).toContain('storeCode');
    expect(await ledger()).toEqual([]);
  });
});

describe('userGroup2Enabled', () => {
  const kinds: Array<{ kind: GroupKeyKind; g501: string; g502: string; notFound: string[]; invalid?: string }> = [
    { kind: 'GROUP_ID', g501: '501', g502: '502', notFound: ['599'], invalid: 'abc' },
    { kind: 'EXTERNAL_ID', g501: 'FLEET-501', g502: 'FLEET-502', notFound: ['FLEET-599', '501'] },
    // A member who is not the primary does not name the group.
    { kind: 'PRIMARY_USER_ID', g501: '1001', g502: '1004', notFound: ['1002', '1003'], invalid: 'abc' },
    { kind: 'PRIMARY_USER_MOBILE', g501: '919876543210', g502: '+91 98765 43213', notFound: ['919876543211', '919876543212'], invalid: 'abc' },
    { kind: 'PRIMARY_USER_EMAIL', g501: 'asha@example.com', g502: 'LATA@example.com', notFound: ['ravi@example.com', 'meera@example.com'] },
    { kind: 'PRIMARY_USER_EXTERNAL_ID', g501: 'CUST-1001', g502: 'CUST-1004', notFound: ['CUST-1002', 'CUST-1005'] },
    { kind: 'PRIMARY_USER_CARD_NO', g501: '4000123412341234', g502: '4000123412341236', notFound: ['4000123412341235', 'CARD-1001'] },
  ];

  for (const k of kinds) {
    it(`${k.kind}: awards the group the cell names, GROUP_NOT_FOUND otherwise; the customer column may be absent`, async () => {
      const cells = [k.g501, k.g502, ...k.notFound, ...(k.invalid ? [k.invalid] : [])];
      const csv = lines('Group,Store,Points', ...cells.map((cell, i) => `"${cell}",S001-T1,${i + 1}`));
      const { job, rejections } = await runImport(
        store,
        promo({ userGroup2Enabled: true, userGroup2IdentifierType: k.kind }, { group: 'Group', storeCode: 'Store', points: 'Points' }),
        csv,
      );
      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(codes(rejections)).toEqual([
        ...k.notFound.map((_, i): [number, string, string] => [4 + i, 'GROUP_NOT_FOUND', 'group']),
        ...(k.invalid ? [[4 + k.notFound.length, 'INVALID_IDENTIFIER', 'group'] as [number, string, string]] : []),
      ]);
      expect(rejections[0]!.value).toBe(k.notFound[0]);
      expect(await ledger()).toEqual([
        [2, null, 501, '1', 'S001', 'S001-T1'],
        [3, null, 502, '2', 'S001', 'S001-T1'],
      ]);
    });
  }

  it('awards a group row that names a member to the group and that member; a non-member is NOT_GROUP_MEMBER', async () => {
    const csv = lines(
      'Group,Customer,Store,Points',
      '501,,S001,5', // 2 the group alone
      '501,919876543211,S001,6', // 3 member 1002
      '501,919876543210,S001,7', // 4 the primary is a member too
      '502,919876543214,S002,8', // 5 member 1005 of 502
      '501,919876543212,S001,9', // 6 1003 is in no group
      '501,919876543213,S001,10', // 7 1004 is in group 502
      ',919876543210,S001,11', // 8 the group is mandatory
      '599,919876543210,S001,12', // 9
      '501,919999999999,S001,13', // 10
      '501,abc,S001,14', // 11
    );
    const { job, rejections } = await runImport(
      store,
      promo({ userGroup2Enabled: true }, { group: 'Group', customer: 'Customer', storeCode: 'Store', points: 'Points' }),
      csv,
    );
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(codes(rejections)).toEqual([
      [6, 'NOT_GROUP_MEMBER', 'customer'],
      [7, 'NOT_GROUP_MEMBER', 'customer'],
      [8, 'MISSING_VALUE', 'group'],
      [9, 'GROUP_NOT_FOUND', 'group'],
      [10, 'CUSTOMER_NOT_FOUND', 'customer'],
      [11, 'INVALID_IDENTIFIER', 'customer'],
    ]);
    expect(await ledger()).toEqual([
      [2, null, 501, '5', 'S001', null],
      [3, 1002, 501, '6', 'S001', null],
      [4, 1001, 501, '7', 'S001', null],
      [5, 1005, 502, '8', 'S002', null],
    ]);
    expect(job.counts.errorCounts).toEqual({ NOT_GROUP_MEMBER: 2, MISSING_VALUE: 1, GROUP_NOT_FOUND: 1, CUSTOMER_NOT_FOUND: 1, INVALID_IDENTIFIER: 1 });
  });

  it('fails the job with MISSING_COLUMN when groups are enabled and the file has no group column', async () => {
    const { job } = await runImport(store, promo({ userGroup2Enabled: true }), lines('Customer,Store,Points', '919876543211,S001,5'));
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MISSING_COLUMN');
    expect(job.fileError?.message).toContain('group');
    expect(await ledger()).toEqual([]);
  });

  it('refuses a userGroup2IdentifierType the spec does not list', async () => {
    const error = await refusal(promo({ userGroup2Enabled: true, userGroup2IdentifierType: 'PRIMARY_USER_CARD_EXTERNAL_ID' }));
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('userGroup2IdentifierType');
  });
});

describe('points', () => {
  it('stores points exactly as decimal strings, from one millionth to a twelve-digit whole part', async () => {
    const csv = lines(
      'Customer,Store,Points',
      '919876543210,S001,0.000001',
      '919876543210,S001,12.50',
      '919876543210,S001,123456789012.123456',
      '919876543210,S001,0.1',
      '919876543210,S001,7',
    );
    const { job, rejections } = await runImport(store, promo(), csv);
    expect(codes(rejections)).toEqual([]);
    expect(job.status).toBe('COMPLETED');
    expect((await ledger()).map(([row, , , points]) => [row, points])).toEqual([
      [2, '0.000001'],
      [3, '12.5'],
      [4, '123456789012.123456'],
      [5, '0.1'],
      [6, '7'],
    ]);
  });

  it('rejects points that are not a decimal greater than zero with at most 6 decimals (INVALID_POINTS); empty is MISSING_VALUE', async () => {
    const csv = lines(
      'Customer,Store,Points',
      '919876543210,S001,0', // 2
      '919876543210,S001,-5', // 3
      '919876543210,S001,abc', // 4
      '919876543210,S001,"1,5"', // 5
      '919876543210,S001,1.1234567', // 6
      '919876543210,S001,0.000', // 7
      '919876543210,S001,1e3', // 8
      '919876543210,S001,-0.000001', // 9
      '919876543210,S001,', // 10
      '919876543210,S001,1.123456', // 11 valid
    );
    const { job, rejections } = await runImport(store, promo(), csv);
    expect(codes(rejections)).toEqual([
      [2, 'INVALID_POINTS', 'points'],
      [3, 'INVALID_POINTS', 'points'],
      [4, 'INVALID_POINTS', 'points'],
      [5, 'INVALID_POINTS', 'points'],
      [6, 'INVALID_POINTS', 'points'],
      [7, 'INVALID_POINTS', 'points'],
      [8, 'INVALID_POINTS', 'points'],
      [9, 'INVALID_POINTS', 'points'],
      [10, 'MISSING_VALUE', 'points'],
    ]);
    expect(rejections.slice(0, 8).map((r) => r.value)).toEqual(['0', '-5', 'abc', '1,5', '1.1234567', '0.000', '1e3', '-0.000001']);
    expect(await ledger()).toEqual([[11, 1001, null, '1.123456', 'S001', null]]);
    expect(job.counts).toMatchObject({ total: 10, valid: 1, rejected: 9, imported: 1, errorCounts: { INVALID_POINTS: 8, MISSING_VALUE: 1 } });
  });
});

describe('rule order and awards', () => {
  it('reports the first failing rule: missing values, then points, then the customer, then the store', async () => {
    const csv = lines(
      'Customer,Store,Points',
      ',S099,abc', // 2 customer empty
      '919876543210,,abc', // 3 store empty
      '919876543210,S001,', // 4 points empty
      '919999999999,S099,abc', // 5 bad points before an unknown customer and store
      'abc,S001,0', // 6 bad points before an invalid identifier
      '919999999999,S099,5', // 7 unknown customer before unknown store
      '919876543210,S099,5', // 8
    );
    const { rejections } = await runImport(store, promo(), csv);
    expect(codes(rejections)).toEqual([
      [2, 'MISSING_VALUE', 'customer'],
      [3, 'MISSING_VALUE', 'storeCode'],
      [4, 'MISSING_VALUE', 'points'],
      [5, 'INVALID_POINTS', 'points'],
      [6, 'INVALID_POINTS', 'points'],
      [7, 'CUSTOMER_NOT_FOUND', 'customer'],
      [8, 'STORE_NOT_FOUND', 'storeCode'],
    ]);
    expect(await ledger()).toEqual([]);
  });

  it('awards the same customer twice in one file as two entries, not a duplicate', async () => {
    const csv = lines('Customer,Store,Points', '919876543210,S001,10', '919876543211,S001,3', '919876543210,S001,10', '919876543210,S001-T1,2.5');
    const { job, rejections } = await runImport(store, promo(), csv);
    expect(codes(rejections)).toEqual([]);
    expect(job.status).toBe('COMPLETED');
    expect(job.counts).toMatchObject({ total: 4, valid: 4, rejected: 0, imported: 4, errorCounts: {} });
    expect(await ledger()).toEqual([
      [2, 1001, null, '10', 'S001', null],
      [3, 1002, null, '3', 'S001', null],
      [4, 1001, null, '10', 'S001', null],
      [5, 1001, null, '2.5', 'S001', 'S001-T1'],
    ]);
  });

  it('writes each accepted row as one entry and nothing for rejected rows, across chunks', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => (i % 3 === 2 ? '919999999999,S001,1' : `91987654321${i % 3},S001,${i + 1}`));
    const { job, rejections } = await runImport(store, promo(), lines('Customer,Store,Points', ...rows), { chunkRows: 4 });
    expect(codes(rejections)).toEqual([4, 7, 10].map((r) => [r, 'CUSTOMER_NOT_FOUND', 'customer']));
    const entries = await ledger();
    expect(entries.map(([row, user, , points]) => [row, user, points])).toEqual([
      [2, 1001, '1'],
      [3, 1002, '2'],
      [5, 1001, '4'],
      [6, 1002, '5'],
      [8, 1001, '7'],
      [9, 1002, '8'],
      [11, 1001, '10'],
      [12, 1002, '11'],
    ]);
    expect(job.counts).toMatchObject({ total: 11, valid: 8, rejected: 3, imported: 8 });
  });
});
