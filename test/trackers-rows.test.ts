import { describe, expect, it } from 'vitest';
import type { ReferenceDataFile } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { codes, lines, loadOrg, runImport, tempStoreForEachTest } from './helpers.js';
import { acmeOrgPlus, BY_LOG_ID, byLogId, STANDARD, standard, tv, tx } from './trackers-fixtures.js';
import { trackerValues } from '../src/profiles/trackers/tracker-values.js';

/**
 * Trackers profile, rules 1, 2 and 8, the order of the rules, and what the template and the job
 * add around them: mandatory columns, defaults, automatic column matching, chunks and dry runs.
 */

let store: Store;
tempStoreForEachTest((t) => {
  store = t.store;
});

/** acmeOrg plus bills R-0..R-4 of customer 1001 (90030–90034), and a second BILL tracker. */
function org(): ReferenceDataFile {
  return acmeOrgPlus({
    transactions: [0, 1, 2, 3, 4].map((i) => tx(90030 + i, `R-${i}`, '2025-05-01T10:00:00', 'S001', 1001)),
    trackers: [{ id: 15, name: 'Spend 2025 bis', type: 'BILL', windowStart: '2025-01-01', windowEnd: '2025-12-31' }],
  });
}

describe('mandatory columns', () => {
  const COLUMNS = { customer: 'Mobile', billNumber: 'Bill Number', transactionDate: 'Transaction Date', storeCode: 'Store Code', trackedValue: 'Tracked Value' };
  const ROW = { customer: '919876543210', billNumber: 'B-2', transactionDate: '2025-03-02', storeCode: 'S001', trackedValue: '1' };

  it.each(Object.keys(COLUMNS))('STANDARD_FIELDS: a file without a %s column fails with MISSING_COLUMN naming the field', async (missing) => {
    await loadOrg(store, org());
    const keys = Object.keys(COLUMNS).filter((k) => k !== missing) as Array<keyof typeof COLUMNS>;
    const csv = lines(keys.map((k) => COLUMNS[k]).join(','), keys.map((k) => ROW[k]).join(','));
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MISSING_COLUMN');
    expect(job.fileError?.message).toContain(`"${missing}"`);
    expect(job.counts).toEqual({ total: 0, valid: 0, rejected: 0, imported: 0, errorCounts: {} });
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });

  it('the default configuration is MOBILE and STANDARD_FIELDS', async () => {
    await loadOrg(store, org());
    const byId = await runImport(store, { config: { tracker: 'Spend 2025' } }, lines(BY_LOG_ID, '919876543210,90002,1'));
    expect(byId.job.fileError?.code).toBe('MISSING_COLUMN');
    expect(byId.job.fileError?.message).toContain('"billNumber"');
    const std = await runImport(store, { config: { tracker: 'Spend 2025' } }, lines(STANDARD, '919876543210,B-2,2025-03-02,S001,1'));
    expect(std.job.status).toBe('COMPLETED');
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(std.job.id, { row: 2, tx: 90002, value: '1', user: 1001 })]);
  });
});

describe('rule 1: every mandatory field has a value', () => {
  it('rejects an empty mandatory cell with MISSING_VALUE, the message naming the field', async () => {
    await loadOrg(store, org());
    const csv = lines(
      STANDARD,
      ',B-2,2025-03-02,S001,1',
      '919876543210,,2025-03-02,S001,1',
      '919876543210,B-2,,S001,1',
      '919876543210,B-2,2025-03-02,,1',
      '919876543210,B-2,2025-03-02,S001,',
      '919876543210,B-2,2025-03-02,S001,2',
    );
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 6, valid: 1, rejected: 5, imported: 1, errorCounts: { MISSING_VALUE: 5 } });
    expect(codes(rejections)).toEqual([
      [2, 'MISSING_VALUE', 'customer'],
      [3, 'MISSING_VALUE', 'billNumber'],
      [4, 'MISSING_VALUE', 'transactionDate'],
      [5, 'MISSING_VALUE', 'storeCode'],
      [6, 'MISSING_VALUE', 'trackedValue'],
    ]);
    expect(rejections.map((r) => r.message)).toEqual([
      expect.stringContaining('Mobile/Email/External ID/User ID'),
      expect.stringContaining('Bill Number'),
      expect.stringContaining('Transaction Date'),
      expect.stringContaining('Store Code'),
      expect.stringContaining('Tracked Value'),
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 7, tx: 90002, value: '2', user: 1001 })]);
  });

  it('LOYALTY_LOG_ID: an empty loyaltyLogId is MISSING_VALUE', async () => {
    await loadOrg(store, org());
    const { rejections } = await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543210,,1'));
    expect(codes(rejections)).toEqual([[2, 'MISSING_VALUE', 'loyaltyLogId']]);
  });
});

describe('rule 2: values parse', () => {
  it('trackedValue is a decimal with at most 6 decimals, negative allowed, stored in canonical form', async () => {
    await loadOrg(store, org());
    const csv = lines(
      BY_LOG_ID,
      '919876543210,90030,-3.50',
      '919876543210,90031,007.100',
      '919876543210,90032,0.000001',
      '919876543210,90033,"1,5"',
      '919876543210,90033,abc',
      '919876543210,90033,1.1234567',
      '919876543210,90033,1e3',
      '919876543210,90034,123456789012.123456',
    );
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.counts).toEqual({ total: 8, valid: 4, rejected: 4, imported: 4, errorCounts: { INVALID_NUMBER: 4 } });
    expect(codes(rejections)).toEqual([
      [5, 'INVALID_NUMBER', 'trackedValue'],
      [6, 'INVALID_NUMBER', 'trackedValue'],
      [7, 'INVALID_NUMBER', 'trackedValue'],
      [8, 'INVALID_NUMBER', 'trackedValue'],
    ]);
    expect(rejections.map((r) => r.value)).toEqual(['1,5', 'abc', '1.1234567', '1e3']);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90030, value: '-3.5', user: 1001 }),
      tv(job.id, { row: 3, tx: 90031, value: '7.1', user: 1001 }),
      tv(job.id, { row: 4, tx: 90032, value: '0.000001', user: 1001 }),
      tv(job.id, { row: 9, tx: 90034, value: '123456789012.123456', user: 1001 }),
    ]);
  });

  it('rejected cells keep every character through the chunk write: tabs, line breaks, backslashes, \\N, quotes, empty cells', async () => {
    await loadOrg(store, org());
    const awkward = ['a\tb', 'line\nbreak', 'cr\r\nlf', 'back\\slash', '\\N', 'say ""hi""', '€ ünï', ''];
    const csv = lines(BY_LOG_ID, ...awkward.map((v, i) => `919876543210,9003${i % 5},"${v}"`));
    const { rejections } = await runImport(store, byLogId(), csv);
    const read = awkward.map((v) => v.replace(/""/g, '"'));
    expect(rejections.map((r) => r.value)).toEqual(read.map((v) => (v === '' ? null : v)));
    expect(rejections.map((r) => r.cells[2])).toEqual(read);
    expect(rejections.map((r) => r.code)).toEqual([...read.slice(0, -1).map(() => 'INVALID_NUMBER'), 'MISSING_VALUE']);
  });

  it('a trackedValue written with a plus sign is a decimal: the row is accepted, the job does not crash', async () => {
    await loadOrg(store, org());
    const csv = lines(BY_LOG_ID, '919876543210,90030,+5', '919876543210,90031,+0.25', '919876543210,90032,2');
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90030, value: '5', user: 1001 }),
      tv(job.id, { row: 3, tx: 90031, value: '0.25', user: 1001 }),
      tv(job.id, { row: 4, tx: 90032, value: '2', user: 1001 }),
    ]);
  });

  it('loyaltyLogId and itemId are positive integers, else INVALID_NUMBER', async () => {
    await loadOrg(store, org());
    const csv = lines(
      'Mobile,Loyalty Log Id,Item Id,Tracked Value',
      '919876543211,abc,70001,1',
      '919876543211,0,70001,1',
      '919876543211,9000.1,70001,1',
      '919876543211,-90001,70001,1',
      '919876543211,90001,x,1',
      '919876543211,90001,-70001,1',
      '919876543211,90001,70001,1',
    );
    const { job, rejections } = await runImport(store, byLogId('Items 2025'), csv);
    expect(codes(rejections)).toEqual([
      [2, 'INVALID_NUMBER', 'loyaltyLogId'],
      [3, 'INVALID_NUMBER', 'loyaltyLogId'],
      [4, 'INVALID_NUMBER', 'loyaltyLogId'],
      [5, 'INVALID_NUMBER', 'loyaltyLogId'],
      [6, 'INVALID_NUMBER', 'itemId'],
      [7, 'INVALID_NUMBER', 'itemId'],
    ]);
    expect(await trackerValues(store, 'acme', 12)).toEqual([tv(job.id, { row: 8, tx: 90001, item: 70001, value: '1', user: 1002, tracker: 12 })]);
  });

  it('transactionDate that is not a date is INVALID_DATE', async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543210,B-2,2025-02-30,S001,1', '919876543210,B-2,02/03/2025,S001,1', '919876543210,B-2,2025-03-02 25:00,S001,1', '919876543210,B-2,2025-03-02 11:00,S001,1');
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.counts).toEqual({ total: 4, valid: 1, rejected: 3, imported: 1, errorCounts: { INVALID_DATE: 3 } });
    expect(codes(rejections)).toEqual([
      [2, 'INVALID_DATE', 'transactionDate'],
      [3, 'INVALID_DATE', 'transactionDate'],
      [4, 'INVALID_DATE', 'transactionDate'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 5, tx: 90002, value: '1', user: 1001 })]);
  });
});

describe('the order of the rules', () => {
  it('a row with several faults reports the first failing rule in the spec order', async () => {
    await loadOrg(store, org());
    const csv = lines(
      STANDARD,
      '919876543210,,not-a-date,S001,1', // 1 before 2: MISSING_VALUE
      '919999999999,B-2,2025-03-02,S001,abc', // 2 before 3: INVALID_NUMBER
      'abc,B-2,2025-03-02,S001,abc', // 2 before 3: INVALID_NUMBER, not INVALID_IDENTIFIER
      '919999999999,B-2,2025-03-02,S999,1', // 3 before 4: CUSTOMER_NOT_FOUND
      '919876543210,B-404,2025-03-02,S999,1', // 4 before 5: STORE_NOT_FOUND
      '919876543210,B-OLD,2024-12-31,S001,1', // 7: OUTSIDE_TRACKER_WINDOW
      '919876543210,B-OLD,2024-12-31,S001,2', // 7 before 8: OUTSIDE_TRACKER_WINDOW, not DUPLICATE_IN_FILE
    );
    const { rejections } = await runImport(store, standard(), csv);
    expect(codes(rejections)).toEqual([
      [2, 'MISSING_VALUE', 'billNumber'],
      [3, 'INVALID_NUMBER', 'trackedValue'],
      [4, 'INVALID_NUMBER', 'trackedValue'],
      [5, 'CUSTOMER_NOT_FOUND', 'customer'],
      [6, 'STORE_NOT_FOUND', 'storeCode'],
      [7, 'OUTSIDE_TRACKER_WINDOW', 'transactionDate'],
      [8, 'OUTSIDE_TRACKER_WINDOW', 'transactionDate'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });

  it('for a LINEITEM tracker: the customer mismatch before the line item, the line item before the window', async () => {
    await loadOrg(store, org());
    const csv = lines(
      'Mobile,Loyalty Log Id,Item Id,Tracked Value',
      '919876543210,90001,70003,1', // 90001 is 1002's, and 70003 is not its item: TRANSACTION_CUSTOMER_MISMATCH
      '919876543210,90004,70003,1', // 90004 is outside the window and has no item 70003: LINE_ITEM_NOT_FOUND
    );
    const { rejections } = await runImport(store, byLogId('Items 2025'), csv);
    expect(codes(rejections)).toEqual([
      [2, 'TRANSACTION_CUSTOMER_MISMATCH', 'loyaltyLogId'],
      [3, 'LINE_ITEM_NOT_FOUND', 'itemId'],
    ]);
  });

  it('the transaction is checked before ALREADY_TRACKED', async () => {
    await loadOrg(store, org());
    const first = await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543211,90001,1'));
    expect(first.job.status).toBe('COMPLETED');
    const second = await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543210,90001,2', '919876543211,90001,3'));
    expect(codes(second.rejections)).toEqual([
      [2, 'TRANSACTION_CUSTOMER_MISMATCH', 'loyaltyLogId'],
      [3, 'ALREADY_TRACKED', 'trackedValue'],
    ]);
  });
});

describe('rule 8: no value recorded yet, and once per file', () => {
  it('rejects ALREADY_TRACKED for a transaction a previous job tracked, and keeps the value recorded', async () => {
    await loadOrg(store, org());
    const first = await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543210,90002,5', '919876543210,90030,6'));
    expect(first.job.status).toBe('COMPLETED');
    const second = await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543210,90031,8', '919876543210,90002,9'));
    expect(second.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(second.job.counts).toEqual({ total: 2, valid: 1, rejected: 1, imported: 1, errorCounts: { ALREADY_TRACKED: 1 } });
    expect(codes(second.rejections)).toEqual([[3, 'ALREADY_TRACKED', 'trackedValue']]);
    expect(second.rejections[0]!.message).toContain(first.job.id);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(first.job.id, { row: 2, tx: 90002, value: '5', user: 1001 }),
      tv(first.job.id, { row: 3, tx: 90030, value: '6', user: 1001 }),
      tv(second.job.id, { row: 2, tx: 90031, value: '8', user: 1001 }),
    ]);
  });

  it('the same file imported again on purpose (allowDuplicate) is ALREADY_TRACKED row by row, and changes nothing', async () => {
    await loadOrg(store, org());
    const csv = lines(BY_LOG_ID, '919876543210,90002,5', '919876543210,90030,6');
    const first = await runImport(store, byLogId(), csv);
    const refused = await runImport(store, byLogId(), csv);
    expect(refused.job.status).toBe('FAILED');
    expect(refused.job.fileError?.code).toBe('DUPLICATE_FILE');
    const again = await runImport(store, byLogId(), csv, { allowDuplicate: true });
    expect(again.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(again.job.counts).toEqual({ total: 2, valid: 0, rejected: 2, imported: 0, errorCounts: { ALREADY_TRACKED: 2 } });
    expect(codes(again.rejections)).toEqual([
      [2, 'ALREADY_TRACKED', 'trackedValue'],
      [3, 'ALREADY_TRACKED', 'trackedValue'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(first.job.id, { row: 2, tx: 90002, value: '5', user: 1001 }),
      tv(first.job.id, { row: 3, tx: 90030, value: '6', user: 1001 }),
    ]);
  });

  it('ALREADY_TRACKED is per tracker: another tracker may record the same transaction', async () => {
    await loadOrg(store, org());
    const first = await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543210,90002,5'));
    const second = await runImport(store, byLogId('Spend 2025 bis'), lines(BY_LOG_ID, '919876543210,90002,7'));
    expect(second.job.status).toBe('COMPLETED');
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(first.job.id, { row: 2, tx: 90002, value: '5', user: 1001 })]);
    expect(await trackerValues(store, 'acme', 15)).toEqual([tv(second.job.id, { row: 2, tx: 90002, value: '7', user: 1001, tracker: 15 })]);
  });

  it('a LINEITEM tracker is ALREADY_TRACKED per item', async () => {
    await loadOrg(store, org());
    const header = 'Mobile,Loyalty Log Id,Item Id,Tracked Value';
    const first = await runImport(store, byLogId('Items 2025'), lines(header, '919876543211,90001,70001,1'));
    const second = await runImport(store, byLogId('Items 2025'), lines(header, '919876543211,90001,70001,2', '919876543211,90001,70002,3'));
    expect(codes(second.rejections)).toEqual([[2, 'ALREADY_TRACKED', 'trackedValue']]);
    expect(await trackerValues(store, 'acme', 12)).toEqual([
      tv(first.job.id, { row: 2, tx: 90001, item: 70001, value: '1', user: 1002, tracker: 12 }),
      tv(second.job.id, { row: 3, tx: 90001, item: 70002, value: '3', user: 1002, tracker: 12 }),
    ]);
  });

  it('rejects DUPLICATE_IN_FILE for a second row of the same transaction; the first stands', async () => {
    await loadOrg(store, org());
    const csv = lines(
      STANDARD,
      '919876543210,B-2,2025-03-02,S001,1',
      '919876543210,R-0,2025-05-01,S001,2',
      // the same bill, its date written in UTC
      '919876543210,B-2,2025-03-01T20:00:00Z,S001,3',
    );
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.counts).toEqual({ total: 3, valid: 2, rejected: 1, imported: 2, errorCounts: { DUPLICATE_IN_FILE: 1 } });
    expect(codes(rejections)).toEqual([[4, 'DUPLICATE_IN_FILE', 'billNumber']]);
    // The message names the field and the value of the row, then the transaction they found.
    expect(rejections[0]!.message).toBe('Bill Number "B-2": an earlier row of this file already tracks transaction 90002; the first one stands');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90002, value: '1', user: 1001 }),
      tv(job.id, { row: 3, tx: 90030, value: '2', user: 1001 }),
    ]);
  });

  const ACROSS_CHUNKS = lines(
    BY_LOG_ID,
    '919876543210,90002,1',
    '919876543210,90030,2',
    '919876543210,90031,3',
    '919876543210,90002,4', // a duplicate of row 2, in the second chunk
    '919876543210,90030,5', // a duplicate of row 3, in the third chunk
  );

  it('rejects DUPLICATE_IN_FILE, not ALREADY_TRACKED, when the rows fall in different chunks', async () => {
    await loadOrg(store, org());
    const { job, rejections } = await runImport(store, byLogId(), ACROSS_CHUNKS, { chunkRows: 2 });
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 5, valid: 3, rejected: 2, imported: 3, errorCounts: { DUPLICATE_IN_FILE: 2 } });
    expect(codes(rejections)).toEqual([
      [5, 'DUPLICATE_IN_FILE', 'loyaltyLogId'],
      [6, 'DUPLICATE_IN_FILE', 'loyaltyLogId'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90002, value: '1', user: 1001 }),
      tv(job.id, { row: 3, tx: 90030, value: '2', user: 1001 }),
      tv(job.id, { row: 4, tx: 90031, value: '3', user: 1001 }),
    ]);
  });

  it('a dry run also rejects DUPLICATE_IN_FILE across chunks, and writes nothing', async () => {
    await loadOrg(store, org());
    const { job, rejections } = await runImport(store, byLogId(), ACROSS_CHUNKS, { chunkRows: 2, dryRun: true });
    expect(job.status).toBe('VALIDATED');
    expect(job.counts).toEqual({ total: 5, valid: 3, rejected: 2, imported: 0, errorCounts: { DUPLICATE_IN_FILE: 2 } });
    expect(codes(rejections)).toEqual([
      [5, 'DUPLICATE_IN_FILE', 'loyaltyLogId'],
      [6, 'DUPLICATE_IN_FILE', 'loyaltyLogId'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });
});

describe('dry run', () => {
  it('reports the same rejections and counts as the import, and writes no tracker value', async () => {
    await loadOrg(store, org());
    await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543210,90034,1'));
    const csv = lines(
      BY_LOG_ID,
      '919876543210,90002,1',
      '919876543210,90002,2', // DUPLICATE_IN_FILE
      '919876543210,90034,3', // ALREADY_TRACKED
      '919876543210,90004,4', // OUTSIDE_TRACKER_WINDOW
      '919876543210,90001,5', // TRANSACTION_CUSTOMER_MISMATCH
      '919999999999,90030,6', // CUSTOMER_NOT_FOUND
      '919876543210,90030,x', // INVALID_NUMBER
      '919876543210,90031,8',
    );
    const expected: Array<[number, string, string | null]> = [
      [3, 'DUPLICATE_IN_FILE', 'loyaltyLogId'],
      [4, 'ALREADY_TRACKED', 'trackedValue'],
      [5, 'OUTSIDE_TRACKER_WINDOW', 'loyaltyLogId'],
      [6, 'TRANSACTION_CUSTOMER_MISMATCH', 'loyaltyLogId'],
      [7, 'CUSTOMER_NOT_FOUND', 'customer'],
      [8, 'INVALID_NUMBER', 'trackedValue'],
    ];
    const dry = await runImport(store, byLogId(), csv, { dryRun: true, chunkRows: 3 });
    expect(dry.job.status).toBe('VALIDATED');
    expect(dry.job.counts).toMatchObject({ total: 8, valid: 2, rejected: 6, imported: 0 });
    expect(codes(dry.rejections)).toEqual(expected);
    expect((await trackerValues(store, 'acme', 11)).map((v) => v.loyaltyLogId)).toEqual([90034]);

    const real = await runImport(store, byLogId(), csv, { chunkRows: 3 });
    expect(real.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(real.job.counts).toMatchObject({ total: 8, valid: 2, rejected: 6, imported: 2 });
    expect(real.job.counts.errorCounts).toEqual(dry.job.counts.errorCounts);
    expect(codes(real.rejections)).toEqual(expected);
    expect(real.rejections.map((r) => r.message)).toEqual(dry.rejections.map((r) => r.message));
    expect((await trackerValues(store, 'acme', 11)).filter((v) => v.jobId === real.job.id)).toEqual([
      tv(real.job.id, { row: 2, tx: 90002, value: '1', user: 1001 }),
      tv(real.job.id, { row: 9, tx: 90031, value: '8', user: 1001 }),
    ]);
  });
});

describe('template defaults and column matching', () => {
  it('a default store code fills empty store cells, and stands in for an absent store column', async () => {
    await loadOrg(store, org());
    const withColumn = await runImport(
      store,
      { ...standard(), defaults: { storeCode: 'S001' } },
      lines(STANDARD, '919876543210,B-2,2025-03-02,,1', '919876543212,B-3,2025-03-02,S002,2', '919876543212,B-3,2025-03-02,,3'),
    );
    // Row 4 gets S001, where B-3 is not.
    expect(codes(withColumn.rejections)).toEqual([[4, 'TRANSACTION_NOT_FOUND', 'billNumber']]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(withColumn.job.id, { row: 2, tx: 90002, value: '1', user: 1001 }),
      tv(withColumn.job.id, { row: 3, tx: 90003, value: '2', user: 1003 }),
    ]);

    const withoutColumn = await runImport(
      store,
      { ...standard(), defaults: { storeCode: 'S001' } },
      lines('Mobile,Bill Number,Transaction Date,Tracked Value', '919876543210,R-0,2025-05-01,4'),
    );
    expect(withoutColumn.job.status).toBe('COMPLETED');
    expect((await trackerValues(store, 'acme', 11)).filter((v) => v.jobId === withoutColumn.job.id)).toEqual([
      tv(withoutColumn.job.id, { row: 2, tx: 90030, value: '4', user: 1001 }),
    ]);
  });

  it('matches unmapped columns automatically by label and common spellings, and reports them in job.autoMapped', async () => {
    await loadOrg(store, org());
    const csv = lines('Mobile No,bill_number,Bill Date,Store,Amount Tracked', '919876543210,B-2,2025-03-02,S001,1');
    const { job, rejections } = await runImport(store, { ...standard(), mapping: { trackedValue: 'amount tracked' } }, csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(job.autoMapped).toEqual({ customer: 'Mobile No', billNumber: 'bill_number', transactionDate: 'Bill Date', storeCode: 'Store' });
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90002, value: '1', user: 1001 })]);
  });

  it('matches Item Id, Loyalty Log Id and the group column automatically', async () => {
    await loadOrg(store, org());
    const csv = lines('Group ID,Txn Id,Item,Tracker Value', '501,90001,70002,2');
    const { job, rejections } = await runImport(store, { config: { tracker: 'Items 2025', billIdentification: 'LOYALTY_LOG_ID', userGroup2Enabled: true } }, csv);
    expect(rejections).toEqual([]);
    expect(job.autoMapped).toEqual({ group: 'Group ID', loyaltyLogId: 'Txn Id', itemId: 'Item', trackedValue: 'Tracker Value' });
    expect(await trackerValues(store, 'acme', 12)).toEqual([
      { trackerId: 12, loyaltyLogId: 90001, itemId: 70002, value: '2', userId: null, groupId: 501, jobId: job.id, rowNumber: 2 },
    ]);
  });

  it('maps a field to a column number', async () => {
    await loadOrg(store, org());
    const csv = lines('Phone,Log,Val', '919876543210,90002,3');
    const { job, rejections } = await runImport(store, { ...byLogId(), mapping: { loyaltyLogId: 2, trackedValue: 3 } }, csv);
    expect(rejections).toEqual([]);
    expect(job.autoMapped).toEqual({ customer: 'Phone' });
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90002, value: '3', user: 1001 })]);
  });
});
