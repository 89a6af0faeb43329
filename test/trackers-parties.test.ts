import { describe, expect, it } from 'vitest';
import type { ReferenceDataFile } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { codes, lines, loadOrg, runImport, tempStoreForEachTest } from './helpers.js';
import { acmeOrgPlus, byLogId, STANDARD, standard, tv, tx } from './trackers-fixtures.js';
import { trackerValues } from '../src/profiles/trackers/tracker-values.js';

/**
 * Trackers profile, rules 3–4 and the shared configuration: who a row is for (customerIdentifier,
 * appendCountryCode, userGroup2Enabled, userGroup2IdentifierType) and at which store
 * (storesByExternalId, replaceInvalidStoreWith).
 */

let store: Store;
tempStoreForEachTest((t) => {
  store = t.store;
});

/**
 * acmeOrg plus customer 1004, primary of a second group 502, more bills of customer 1001
 * (90030–90034), and group bills: 90040 of group 501, 90041 of group 502, and two bills of group
 * 501 with one number on one day (90042 by 1001, 90043 by 1002).
 */
function org(): ReferenceDataFile {
  return acmeOrgPlus({
    customers: [{ userId: 1004, mobile: '919876543213', email: 'kiran@example.com', externalId: 'CUST-1004', cards: [{ number: '4000123412341236', externalId: 'CARD-1004' }] }],
    userGroups: [{ groupId: 502, externalId: 'FLEET-502', primaryUserId: 1004, memberUserIds: [] }],
    transactions: [
      ...[0, 1, 2, 3, 4].map((i) => tx(90030 + i, `P-${i}`, '2025-05-01T10:00:00', 'S001', 1001)),
      tx(90040, 'G-1', '2025-05-02T10:00:00', 'S001', 1001, 501),
      tx(90041, 'G-1', '2025-05-02T10:00:00', 'S001', 1004, 502),
      tx(90042, 'G-DUP', '2025-05-03T10:00:00', 'S001', 1001, 501),
      tx(90043, 'G-DUP', '2025-05-03T12:00:00', 'S001', 1002, 501),
    ],
  });
}

describe('customerIdentifier', () => {
  it('MOBILE: drops spaces, dashes, dots, brackets and a leading + or 00; a number without country code is INVALID_IDENTIFIER', async () => {
    await loadOrg(store, org());
    const csv = lines(
      'Mobile,Loyalty Log Id,Tracked Value',
      '+91 98765-43210,90030,1',
      '0091 (98765) 43210,90031,2',
      '91.98765.43210,90032,3',
      '98765.43210,90033,4',
      'abc,90033,5',
      '+91 98765 00000,90033,6',
    );
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 6, valid: 3, rejected: 3, imported: 3, errorCounts: { INVALID_IDENTIFIER: 2, CUSTOMER_NOT_FOUND: 1 } });
    expect(codes(rejections)).toEqual([
      [5, 'INVALID_IDENTIFIER', 'customer'],
      [6, 'INVALID_IDENTIFIER', 'customer'],
      [7, 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    expect(rejections[0]!.message).toContain('98765.43210');
    expect(rejections[2]!.message).toContain('+91 98765 00000');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90030, value: '1', user: 1001 }),
      tv(job.id, { row: 3, tx: 90031, value: '2', user: 1001 }),
      tv(job.id, { row: 4, tx: 90032, value: '3', user: 1001 }),
    ]);
  });

  it("MOBILE with appendCountryCode: a national number gets the org's calling code; one with a country code keeps it", async () => {
    await loadOrg(store, org());
    const csv = lines(
      'Mobile,Loyalty Log Id,Tracked Value',
      '98765 43210,90030,1',
      '+91 98765-43210,90031,2',
      '919876543210,90032,3',
      '98765-43211,90001,4',
      '12345,90033,5',
    );
    const { job, rejections } = await runImport(store, byLogId({ appendCountryCode: true }), csv);
    expect(job.counts).toEqual({ total: 5, valid: 4, rejected: 1, imported: 4, errorCounts: { INVALID_IDENTIFIER: 1 } });
    expect(codes(rejections)).toEqual([[6, 'INVALID_IDENTIFIER', 'customer']]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 5, tx: 90001, value: '4', user: 1002 }),
      tv(job.id, { row: 2, tx: 90030, value: '1', user: 1001 }),
      tv(job.id, { row: 3, tx: 90031, value: '2', user: 1001 }),
      tv(job.id, { row: 4, tx: 90032, value: '3', user: 1001 }),
    ]);
  });

  it('MOBILE with appendCountryCode: a number written with + or 00 already has its country code and keeps it', async () => {
    const base = org();
    // +960 771 2345 is a Maldives mobile; its digits 9607712345 are also a valid Indian mobile number.
    await loadOrg(store, {
      ...base,
      customers: [...(base.customers ?? []), { userId: 1005, mobile: '9607712345', cards: [] }],
      transactions: [...(base.transactions ?? []), tx(90050, 'SG-1', '2025-05-01T10:00:00', 'S001', 1005), tx(90051, 'SG-2', '2025-05-01T10:00:00', 'S001', 1005)],
    });
    const csv = lines('Mobile,Loyalty Log Id,Tracked Value', '+960 771 2345,90050,1', '00960 771 2345,90051,2');
    const { job, rejections } = await runImport(store, byLogId({ appendCountryCode: true }), csv);
    expect(codes(rejections)).toEqual([]);
    expect(job.status).toBe('COMPLETED');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90050, value: '1', user: 1005 }),
      tv(job.id, { row: 3, tx: 90051, value: '2', user: 1005 }),
    ]);
  });

  it('EMAIL: compared case-insensitively; something that is not an address is INVALID_IDENTIFIER', async () => {
    await loadOrg(store, org());
    const csv = lines('Email,Loyalty Log Id,Tracked Value', 'ASHA@Example.COM,90030,1', 'Ravi@example.com,90001,2', 'asha.example.com,90031,3', 'nobody@example.com,90031,4');
    const { job, rejections } = await runImport(store, byLogId({ customerIdentifier: 'EMAIL' }), csv);
    expect(job.autoMapped).toEqual({ customer: 'Email', loyaltyLogId: 'Loyalty Log Id', trackedValue: 'Tracked Value' });
    expect(job.counts).toEqual({ total: 4, valid: 2, rejected: 2, imported: 2, errorCounts: { INVALID_IDENTIFIER: 1, CUSTOMER_NOT_FOUND: 1 } });
    expect(codes(rejections)).toEqual([
      [4, 'INVALID_IDENTIFIER', 'customer'],
      [5, 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 3, tx: 90001, value: '2', user: 1002 }),
      tv(job.id, { row: 2, tx: 90030, value: '1', user: 1001 }),
    ]);
  });

  it('EXTERNAL_ID: compared exactly', async () => {
    await loadOrg(store, org());
    const csv = lines('External ID,Loyalty Log Id,Tracked Value', 'CUST-1001,90030,1', 'cust-1001,90031,2', 'CUST-9999,90031,3');
    const { job, rejections } = await runImport(store, byLogId({ customerIdentifier: 'EXTERNAL_ID' }), csv);
    expect(job.autoMapped).toEqual({ customer: 'External ID', loyaltyLogId: 'Loyalty Log Id', trackedValue: 'Tracked Value' });
    expect(job.counts).toEqual({ total: 3, valid: 1, rejected: 2, imported: 1, errorCounts: { CUSTOMER_NOT_FOUND: 2 } });
    expect(codes(rejections)).toEqual([
      [3, 'CUSTOMER_NOT_FOUND', 'customer'],
      [4, 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90030, value: '1', user: 1001 })]);
  });

  it('USER_ID: a positive integer, else INVALID_IDENTIFIER', async () => {
    await loadOrg(store, org());
    const csv = lines('User ID,Loyalty Log Id,Tracked Value', '1001,90030,1', 'abc,90031,2', '0,90031,3', '-1001,90031,4', '1001.5,90031,5', '9999,90031,6', '1002,90001,7');
    const { job, rejections } = await runImport(store, byLogId({ customerIdentifier: 'USER_ID' }), csv);
    expect(job.autoMapped).toEqual({ customer: 'User ID', loyaltyLogId: 'Loyalty Log Id', trackedValue: 'Tracked Value' });
    expect(job.counts).toEqual({ total: 7, valid: 2, rejected: 5, imported: 2, errorCounts: { INVALID_IDENTIFIER: 4, CUSTOMER_NOT_FOUND: 1 } });
    expect(codes(rejections)).toEqual([
      [3, 'INVALID_IDENTIFIER', 'customer'],
      [4, 'INVALID_IDENTIFIER', 'customer'],
      [5, 'INVALID_IDENTIFIER', 'customer'],
      [6, 'INVALID_IDENTIFIER', 'customer'],
      [7, 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 8, tx: 90001, value: '7', user: 1002 }),
      tv(job.id, { row: 2, tx: 90030, value: '1', user: 1001 }),
    ]);
  });

  it('matches the customer column automatically by the configured identifier only', async () => {
    await loadOrg(store, org());
    const { job } = await runImport(store, byLogId({ customerIdentifier: 'EMAIL' }), lines('Mobile,Loyalty Log Id,Tracked Value', '919876543210,90030,1'));
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MISSING_COLUMN');
    expect(job.fileError?.message).toMatch(/"customer"/);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });
});

describe('the store', () => {
  it('rejects STORE_NOT_FOUND naming the value: stores are matched by code, not till code or external id', async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543210,B-2,2025-03-02,S099,1', '919876543210,B-2,2025-03-02,S001-T1,2', '919876543210,B-2,2025-03-02,BLR-001,3', '919876543210,B-2,2025-03-02,S001,4');
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.counts).toEqual({ total: 4, valid: 1, rejected: 3, imported: 1, errorCounts: { STORE_NOT_FOUND: 3 } });
    expect(codes(rejections)).toEqual([
      [2, 'STORE_NOT_FOUND', 'storeCode'],
      [3, 'STORE_NOT_FOUND', 'storeCode'],
      [4, 'STORE_NOT_FOUND', 'storeCode'],
    ]);
    expect(rejections[0]!.message).toContain('"S099"');
    expect(rejections[0]!.value).toBe('S099');
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 5, tx: 90002, value: '4', user: 1001 })]);
  });

  it('storesByExternalId: the store column holds external ids', async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543210,B-2,2025-03-02,BLR-001,1', '919876543212,B-3,2025-03-02,S002,2');
    const { job, rejections } = await runImport(store, standard({ storesByExternalId: true }), csv);
    expect(job.counts).toEqual({ total: 2, valid: 1, rejected: 1, imported: 1, errorCounts: { STORE_NOT_FOUND: 1 } });
    expect(codes(rejections)).toEqual([[3, 'STORE_NOT_FOUND', 'storeCode']]);
    expect(rejections[0]!.message).toContain('"S002"');
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90002, value: '1', user: 1001 })]);
  });

  it('replaceInvalidStoreWith: a store cell that matches nothing is replaced; a valid one is kept', async () => {
    await loadOrg(store, org());
    const csv = lines(
      STANDARD,
      '919876543212,B-3,2025-03-02,S999,1', // B-3 is at S002, the replacement
      '919876543210,B-2,2025-03-02,S001,2', // valid cell, kept
      '919876543210,B-2,2025-03-02,S998,3', // replaced by S002, where B-2 is not
      '919876543210,B-2,2025-03-02,,4', // an empty cell is a missing value, not a store that matches nothing
    );
    const { job, rejections } = await runImport(store, standard({ replaceInvalidStoreWith: 'S002' }), csv);
    expect(job.counts).toEqual({ total: 4, valid: 2, rejected: 2, imported: 2, errorCounts: { TRANSACTION_NOT_FOUND: 1, MISSING_VALUE: 1 } });
    expect(codes(rejections)).toEqual([
      [4, 'TRANSACTION_NOT_FOUND', 'billNumber'],
      [5, 'MISSING_VALUE', 'storeCode'],
    ]);
    expect(rejections[0]!.message).toContain('"S002"');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 3, tx: 90002, value: '2', user: 1001 }),
      tv(job.id, { row: 2, tx: 90003, value: '1', user: 1003 }),
    ]);
  });

  it('replaceInvalidStoreWith with storesByExternalId: an unknown external id is replaced by the store code', async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543212,B-3,2025-03-02,BLR-999,1');
    const { job, rejections } = await runImport(store, standard({ storesByExternalId: true, replaceInvalidStoreWith: 'S002' }), csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90003, value: '1', user: 1003 })]);
  });

  it.each(['STANDARD_FIELDS', 'LOYALTY_LOG_ID'])('refuses a template whose replaceInvalidStoreWith is not a store of the org (%s)', async (billIdentification) => {
    await loadOrg(store, org());
    const template = { org: 'acme', name: 'refused', profile: 'TRACKERS', config: { tracker: 'Spend 2025', billIdentification, replaceInvalidStoreWith: 'S999' } };
    await expect(saveTemplate(template, store)).rejects.toMatchObject({ code: 'INVALID_TEMPLATE', message: expect.stringMatching(/replaceInvalidStoreWith.*S999/) });
    expect(await store.findTemplate('acme', 'refused')).toBeNull();
  });
});

describe('userGroup2Enabled', () => {
  const GROUP_BY_LOG_ID = 'User Group2 Identifier,Loyalty Log Id,Tracked Value';

  it.each([
    // type, a cell naming group 501, one naming group 502, one naming no group (a non-primary member where that applies)
    ['GROUP_ID', '501', '502', '503'],
    ['EXTERNAL_ID', 'FLEET-501', 'FLEET-502', 'FLEET-503'],
    ['PRIMARY_USER_ID', '1001', '1004', '1002'],
    ['PRIMARY_USER_MOBILE', '+91 98765-43210', '919876543213', '919876543211'],
    ['PRIMARY_USER_EMAIL', 'ASHA@example.com', 'kiran@example.com', 'ravi@example.com'],
    ['PRIMARY_USER_EXTERNAL_ID', 'CUST-1001', 'CUST-1004', 'CUST-1002'],
    ['PRIMARY_USER_CARD_NO', '4000123412341234', '4000123412341236', '4000123412341235'],
  ])('userGroup2IdentifierType %s: finds the group, stores its groupId, else GROUP_NOT_FOUND', async (type, g501, g502, none) => {
    await loadOrg(store, org());
    const csv = lines(GROUP_BY_LOG_ID, `${g501},90001,1.5`, `${g502},90041,2`, `${none},90040,3`);
    const { job, rejections } = await runImport(store, byLogId({ userGroup2Enabled: true, userGroup2IdentifierType: type }), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 3, valid: 2, rejected: 1, imported: 2, errorCounts: { GROUP_NOT_FOUND: 1 } });
    expect(codes(rejections)).toEqual([[4, 'GROUP_NOT_FOUND', 'group']]);
    expect(rejections[0]!.message).toContain(none);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90001, value: '1.5', user: null, group: 501 }),
      tv(job.id, { row: 3, tx: 90041, value: '2', user: null, group: 502 }),
    ]);
  });

  it('PRIMARY_USER_MOBILE reads the mobile as customers are read, appendCountryCode included', async () => {
    await loadOrg(store, org());
    const csv = lines(GROUP_BY_LOG_ID, '98765 43210,90001,1');
    const { job, rejections } = await runImport(store, byLogId({ userGroup2Enabled: true, userGroup2IdentifierType: 'PRIMARY_USER_MOBILE', appendCountryCode: true }), csv);
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90001, value: '1', user: null, group: 501 })]);
  });

  it.each([
    ['GROUP_ID', 'abc'],
    ['PRIMARY_USER_ID', '0'],
    ['PRIMARY_USER_MOBILE', 'abc'],
    ['PRIMARY_USER_EMAIL', 'not-an-email'],
  ])('userGroup2IdentifierType %s: a cell of the wrong form is INVALID_IDENTIFIER', async (type, cell) => {
    await loadOrg(store, org());
    const { job, rejections } = await runImport(store, byLogId({ userGroup2Enabled: true, userGroup2IdentifierType: type }), lines(GROUP_BY_LOG_ID, `${cell},90001,1`));
    expect(job.counts).toEqual({ total: 1, valid: 0, rejected: 1, imported: 0, errorCounts: { INVALID_IDENTIFIER: 1 } });
    expect(codes(rejections)).toEqual([[2, 'INVALID_IDENTIFIER', 'group']]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });

  it('the group is mandatory: an empty cell is MISSING_VALUE, a missing column fails the job; the customer column may be absent', async () => {
    await loadOrg(store, org());
    const groups = byLogId({ userGroup2Enabled: true });
    const empty = await runImport(store, groups, lines(GROUP_BY_LOG_ID, ',90001,1', '501,90040,2'));
    expect(empty.job.counts).toEqual({ total: 2, valid: 1, rejected: 1, imported: 1, errorCounts: { MISSING_VALUE: 1 } });
    expect(codes(empty.rejections)).toEqual([[2, 'MISSING_VALUE', 'group']]);
    expect(empty.rejections[0]!.message).toContain('User Group2 Identifier');
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(empty.job.id, { row: 3, tx: 90040, value: '2', user: null, group: 501 })]);

    const noColumn = await runImport(store, groups, lines('Mobile,Loyalty Log Id,Tracked Value', '919876543211,90001,1'));
    expect(noColumn.job.status).toBe('FAILED');
    expect(noColumn.job.fileError?.code).toBe('MISSING_COLUMN');
    expect(noColumn.job.fileError?.message).toMatch(/"group"/);
  });

  it('the customer is optional, but when present must be a member of the row group (NOT_GROUP_MEMBER)', async () => {
    await loadOrg(store, org());
    const csv = lines(
      'User Group2 Identifier,Mobile,Loyalty Log Id,Tracked Value',
      '501,919876543211,90001,1', // 1002, a member of 501
      '501,,90040,2', // no customer
      '501,919876543212,90042,3', // 1003, in no group
      '501,919876543213,90042,4', // 1004, in group 502
      '501,919876543299,90042,5', // no such customer
      '999,919876543210,90042,6', // no such group
      '501,919876543210,90042,7', // 1001, the primary member
      '501,abc,90042,8', // not a mobile
    );
    const { job, rejections } = await runImport(store, byLogId({ userGroup2Enabled: true }), csv);
    expect(job.counts).toEqual({
      total: 8,
      valid: 3,
      rejected: 5,
      imported: 3,
      errorCounts: { NOT_GROUP_MEMBER: 2, CUSTOMER_NOT_FOUND: 1, GROUP_NOT_FOUND: 1, INVALID_IDENTIFIER: 1 },
    });
    expect(codes(rejections)).toEqual([
      [4, 'NOT_GROUP_MEMBER', 'customer'],
      [5, 'NOT_GROUP_MEMBER', 'customer'],
      [6, 'CUSTOMER_NOT_FOUND', 'customer'],
      [7, 'GROUP_NOT_FOUND', 'group'],
      [9, 'INVALID_IDENTIFIER', 'customer'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90001, value: '1', user: 1002, group: 501 }),
      tv(job.id, { row: 3, tx: 90040, value: '2', user: null, group: 501 }),
      tv(job.id, { row: 8, tx: 90042, value: '7', user: 1001, group: 501 }),
    ]);
  });

  it("the transaction must be the row group's (its groupId), whoever of the group made it", async () => {
    await loadOrg(store, org());
    const csv = lines(
      GROUP_BY_LOG_ID,
      '502,90001,1', // group 501's bill
      '501,90002,2', // made by 1001, primary of 501, but not a group bill
      '501,90043,3', // made by 1002 for group 501
    );
    const { job, rejections } = await runImport(store, byLogId({ userGroup2Enabled: true }), csv);
    expect(job.counts).toEqual({ total: 3, valid: 1, rejected: 2, imported: 1, errorCounts: { TRANSACTION_CUSTOMER_MISMATCH: 2 } });
    expect(codes(rejections)).toEqual([
      [2, 'TRANSACTION_CUSTOMER_MISMATCH', 'loyaltyLogId'],
      [3, 'TRANSACTION_CUSTOMER_MISMATCH', 'loyaltyLogId'],
    ]);
    expect(rejections[0]!.message).toMatch(/user group 501/);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 4, tx: 90043, value: '3', user: null, group: 501 })]);
  });

  it("with STANDARD_FIELDS, the bill is looked up among the group's transactions", async () => {
    await loadOrg(store, org());
    const csv = lines(
      'User Group2 Identifier,Bill Number,Transaction Date,Store Code,Tracked Value',
      '501,B-1,2025-03-01,S001,1',
      '501,G-DUP,2025-05-03,S001,2', // two bills of group 501 that day
      '502,B-1,2025-03-01,S001,3', // group 501's bill
      '502,G-1,2025-05-02,S001,4', // G-1 exists for both groups that day: 502's is 90041
    );
    const { job, rejections } = await runImport(store, standard({ userGroup2Enabled: true }), csv);
    expect(codes(rejections)).toEqual([
      [3, 'AMBIGUOUS_TRANSACTION', 'billNumber'],
      [4, 'TRANSACTION_CUSTOMER_MISMATCH', 'billNumber'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90001, value: '1', user: null, group: 501 }),
      tv(job.id, { row: 5, tx: 90041, value: '4', user: null, group: 502 }),
    ]);
  });

  it("without groups the same bill is the customer's alone: 1001's G-DUP is not ambiguous", async () => {
    await loadOrg(store, org());
    const { job, rejections } = await runImport(store, standard(), lines(STANDARD, '919876543210,G-DUP,2025-05-03,S001,1'));
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90042, value: '1', user: 1001 })]);
  });
});
