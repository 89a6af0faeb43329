import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJob, runJob } from '../src/jobs/runner.js';
import type { ReferenceDataFile } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { codes, lines, loadOrg, runImport, tempStoreForEachTest } from './helpers.js';
import { acmeOrgPlus, BY_LOG_ID, byLogId, STANDARD, standard, tv, tx } from './trackers-fixtures.js';
import { trackerValues } from '../src/profiles/trackers/tracker-values.js';

/**
 * Trackers profile, rules 5–7 and the `tracker` / `billIdentification` configuration:
 * how a row finds its transaction (and line item), and the tracker's type and window.
 */

let store: Store;
let dir: string;
tempStoreForEachTest((t) => {
  ({ store, dir } = t);
});

/** acmeOrg plus bills that share numbers across days and stores, a duplicated bill, and window edges. */
function org(): ReferenceDataFile {
  return acmeOrgPlus({
    transactions: [
      tx(90010, 'B-DUP', '2025-04-01T09:00:00', 'S001', 1001),
      tx(90011, 'B-DUP', '2025-04-01T18:00:00', 'S001', 1001),
      tx(90012, 'B-7', '2025-04-02T10:00:00', 'S001', 1001),
      tx(90013, 'B-7', '2025-04-03T10:00:00', 'S001', 1001),
      tx(90014, 'B-7', '2025-04-02T10:00:00', 'S002', 1001),
      tx(90016, 'B-SHARED', '2025-04-05T10:00:00', 'S001', 1001),
      tx(90017, 'B-SHARED', '2025-04-05T11:00:00', 'S001', 1003),
      // UTC 2024-12-31, but 2025-01-01 01:30 in Asia/Kolkata: inside the 2025 window.
      tx(90020, 'W-1', '2024-12-31T20:00:00Z', 'S001', 1001),
      // UTC 2025-12-31, but 2026-01-01 01:30 in Asia/Kolkata: outside the 2025 window.
      tx(90021, 'W-2', '2025-12-31T20:00:00Z', 'S001', 1001),
      tx(90022, 'W-3', '2025-12-31T23:59:00', 'S001', 1001),
      tx(90023, 'W-4', '2025-01-01T00:00:00', 'S001', 1001),
    ],
    trackers: [{ id: 14, name: 'Points 2025', type: 'POINTS', windowStart: '2025-01-01', windowEnd: '2025-12-31' }],
  });
}

describe('billIdentification STANDARD_FIELDS', () => {
  it('finds the transaction by bill number, store and calendar day; the same bill on another day or at another store does not match', async () => {
    await loadOrg(store, org());
    const csv = lines(
      STANDARD,
      '919876543210,B-7,2025-04-02 08:00,S001,1',
      '919876543210,B-7,2025-04-03,S001,2',
      '919876543210,B-7,2025-04-02,S002,3',
      '919876543210,B-7,2025-04-04,S001,4',
      '919876543210,B-7,2025-04-03,S002,5',
      '919876543210,B-404,2025-04-02,S001,6',
    );
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 6, valid: 3, rejected: 3, imported: 3, errorCounts: { TRANSACTION_NOT_FOUND: 3 } });
    expect(codes(rejections)).toEqual([
      [5, 'TRANSACTION_NOT_FOUND', 'billNumber'],
      [6, 'TRANSACTION_NOT_FOUND', 'billNumber'],
      [7, 'TRANSACTION_NOT_FOUND', 'billNumber'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90012, value: '1', user: 1001 }),
      tv(job.id, { row: 3, tx: 90013, value: '2', user: 1001 }),
      tv(job.id, { row: 4, tx: 90014, value: '3', user: 1001 }),
    ]);
  });

  it("takes the calendar day of a transactionDate written with an offset in the org's timezone", async () => {
    await loadOrg(store, org());
    const csv = lines(
      STANDARD,
      // 20:00 UTC on 1 March is 01:30 on 2 March in Asia/Kolkata: bill B-2 of 2025-03-02.
      '919876543210,B-2,2025-03-01T20:00:00Z,S001,7',
      // 20:00 UTC on 2 April is 3 April locally: B-7 of the 3rd (90013), not of the 2nd (90012).
      '919876543210,B-7,2025-04-02T20:00:00Z,S001,8',
      // 23:00 at -05:00 on 1 April is 09:30 on 2 April locally: 90012.
      '919876543210,B-7,2025-04-01T23:00:00-05:00,S001,9',
      // 20:00 UTC on 2 March is 3 March locally: B-2 has no bill that day.
      '919876543210,B-2,2025-03-02T20:00:00Z,S001,10',
    );
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toMatchObject({ total: 4, valid: 3, rejected: 1, imported: 3 });
    expect(codes(rejections)).toEqual([[5, 'TRANSACTION_NOT_FOUND', 'billNumber']]);
    expect(rejections[0]!.message).toContain('2025-03-03');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90002, value: '7', user: 1001 }),
      tv(job.id, { row: 4, tx: 90012, value: '9', user: 1001 }),
      tv(job.id, { row: 3, tx: 90013, value: '8', user: 1001 }),
    ]);
  });

  it("uses the org's own timezone: in America/Los_Angeles 05:00 UTC on 2 March is still 1 March", async () => {
    const base = org();
    await loadOrg(store, { ...base, org: { ...base.org, timezone: 'America/Los_Angeles' } });
    const csv = lines(STANDARD, '919876543211,B-1,2025-03-02T05:00:00Z,S001,1', '919876543210,B-2,2025-03-02T05:00:00Z,S001,2');
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(codes(rejections)).toEqual([[3, 'TRANSACTION_NOT_FOUND', 'billNumber']]);
    expect(rejections[0]!.message).toContain('2025-03-01');
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90001, value: '1', user: 1002 })]);
  });

  it('reads transactionDate with the template dateFormat', async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543210,B-2,02/03/2025 11:00,S001,1', '919876543210,B-7,2025-04-02,S001,2');
    const { job, rejections } = await runImport(store, { ...standard(), csv: { dateFormat: 'dd/MM/yyyy HH:mm' } }, csv);
    expect(job.counts).toMatchObject({ total: 2, valid: 1, rejected: 1, imported: 1 });
    expect(codes(rejections)).toEqual([[3, 'INVALID_DATE', 'transactionDate']]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90002, value: '1', user: 1001 })]);
  });

  it("rejects AMBIGUOUS_TRANSACTION when two transactions of the row's customer share bill, store and day", async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543210,B-DUP,2025-04-01,S001,5', '919876543210,B-2,2025-03-02,S001,6');
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 2, valid: 1, rejected: 1, imported: 1, errorCounts: { AMBIGUOUS_TRANSACTION: 1 } });
    expect(codes(rejections)).toEqual([[2, 'AMBIGUOUS_TRANSACTION', 'billNumber']]);
    expect(rejections[0]!.message).toMatch(/90010, 90011/);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 3, tx: 90002, value: '6', user: 1001 })]);
  });

  it("counts only the row's customer's transactions: the same bill, store and day of two customers is not ambiguous", async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543210,B-SHARED,2025-04-05,S001,1', '919876543212,B-SHARED,2025-04-05,S001,2');
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90016, value: '1', user: 1001 }),
      tv(job.id, { row: 3, tx: 90017, value: '2', user: 1003 }),
    ]);
  });

  it("rejects TRANSACTION_CUSTOMER_MISMATCH when the bill found is another customer's", async () => {
    await loadOrg(store, org());
    // B-1 of 2025-03-01 at S001 is customer 1002's; 919876543210 is customer 1001.
    const csv = lines(STANDARD, '919876543210,B-1,2025-03-01,S001,5', '919876543211,B-1,2025-03-01,S001,6');
    const { job, rejections } = await runImport(store, standard(), csv);
    expect(job.counts).toEqual({ total: 2, valid: 1, rejected: 1, imported: 1, errorCounts: { TRANSACTION_CUSTOMER_MISMATCH: 1 } });
    expect(codes(rejections)).toEqual([[2, 'TRANSACTION_CUSTOMER_MISMATCH', 'billNumber']]);
    expect(rejections[0]!.message).toMatch(/customer 1002/);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 3, tx: 90001, value: '6', user: 1002 })]);
  });
});

describe('billIdentification LOYALTY_LOG_ID', () => {
  it('finds the transaction by its id; an unknown id and another customer’s transaction are rejected', async () => {
    await loadOrg(store, org());
    const csv = lines(BY_LOG_ID, '919876543210,90002,5', '919876543210,99999,1', '919876543210,90001,2', '919876543210,90011,3');
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 4, valid: 2, rejected: 2, imported: 2, errorCounts: { TRANSACTION_NOT_FOUND: 1, TRANSACTION_CUSTOMER_MISMATCH: 1 } });
    expect(codes(rejections)).toEqual([
      [3, 'TRANSACTION_NOT_FOUND', 'loyaltyLogId'],
      [4, 'TRANSACTION_CUSTOMER_MISMATCH', 'loyaltyLogId'],
    ]);
    expect(rejections[0]!.message).toContain('99999');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 2, tx: 90002, value: '5', user: 1001 }),
      tv(job.id, { row: 5, tx: 90011, value: '3', user: 1001 }),
    ]);
  });

  it('neither needs nor checks a store column', async () => {
    await loadOrg(store, org());
    const csv = lines('Mobile,Loyalty Log Id,Store Code,Tracked Value', '919876543210,90002,S999,5');
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90002, value: '5', user: 1001 })]);
  });

  it('does not need bill, date or store columns, but fails MISSING_COLUMN without a loyaltyLogId column', async () => {
    await loadOrg(store, org());
    const csv = lines(STANDARD, '919876543210,B-2,2025-03-02,S001,5');
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MISSING_COLUMN');
    expect(job.fileError?.message).toMatch(/"loyaltyLogId"/);
    expect(job.counts).toMatchObject({ total: 0, valid: 0, rejected: 0, imported: 0 });
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });

  it("does not see another org's transactions, customers or stores", async () => {
    await loadOrg(store, org());
    await loadOrg(store, {
      org: { id: 'zeta', name: 'Zeta', baseCountry: 'IN', timezone: 'Asia/Kolkata' },
      stores: [
        { code: 'S001', externalId: 'Z-001', name: 'Z', tills: [] },
        { code: 'Z-ONLY', externalId: 'Z-002', name: 'Z2', tills: [] },
      ],
      customers: [
        { userId: 1001, mobile: '919876543210', email: 'asha@example.com', externalId: 'CUST-1001', cards: [] },
        { userId: 2001, mobile: '919811111111', cards: [] },
      ],
      transactions: [tx(95001, 'B-Z', '2025-03-01T10:00:00', 'S001', 1001)],
    });
    const byId = await runImport(store, byLogId(), lines(BY_LOG_ID, '919876543210,95001,5', '919811111111,90002,6'));
    expect(codes(byId.rejections)).toEqual([
      [2, 'TRANSACTION_NOT_FOUND', 'loyaltyLogId'],
      [3, 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    const byBill = await runImport(store, standard(), lines(STANDARD, '919876543210,B-Z,2025-03-01,S001,5', '919876543210,B-2,2025-03-02,Z-ONLY,6'));
    expect(codes(byBill.rejections)).toEqual([
      [2, 'TRANSACTION_NOT_FOUND', 'billNumber'],
      [3, 'STORE_NOT_FOUND', 'storeCode'],
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
    expect(await trackerValues(store, 'zeta', 11)).toEqual([]);
  });
});

describe('the tracker and its type', () => {
  it('a BILL tracker records no line item, and ignores an Item Id column', async () => {
    await loadOrg(store, org());
    const csv = lines('Mobile,Loyalty Log Id,Item Id,Tracked Value', '919876543210,90002,70003,4');
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(job.id, { row: 2, tx: 90002, value: '4', user: 1001 })]);
  });

  it('a LINEITEM tracker keys values by transaction and item: two items of one transaction are both accepted', async () => {
    await loadOrg(store, org());
    const csv = lines(
      'Mobile,Loyalty Log Id,Item Id,Tracked Value',
      '919876543211,90001,70001,1',
      '919876543211,90001,70002,2',
      // 70003 is a line item of 90002, not of 90001.
      '919876543211,90001,70003,3',
      '919876543211,90001,79999,4',
      '919876543211,90001,70001,5',
    );
    const { job, rejections } = await runImport(store, byLogId('Items 2025'), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 5, valid: 2, rejected: 3, imported: 2, errorCounts: { LINE_ITEM_NOT_FOUND: 2, DUPLICATE_IN_FILE: 1 } });
    expect(codes(rejections)).toEqual([
      [4, 'LINE_ITEM_NOT_FOUND', 'itemId'],
      [5, 'LINE_ITEM_NOT_FOUND', 'itemId'],
      [6, 'DUPLICATE_IN_FILE', 'itemId'],
    ]);
    expect(rejections[0]!.message).toMatch(/70003/);
    expect(await trackerValues(store, 'acme', 12)).toEqual([
      tv(job.id, { row: 2, tx: 90001, item: 70001, value: '1', user: 1002, tracker: 12 }),
      tv(job.id, { row: 3, tx: 90001, item: 70002, value: '2', user: 1002, tracker: 12 }),
    ]);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });

  it('a LINEITEM tracker finds the item after the bill with STANDARD_FIELDS', async () => {
    await loadOrg(store, org());
    const csv = lines('Mobile,Bill Number,Transaction Date,Store Code,Item Id,Tracked Value', '919876543211,B-1,2025-03-01,S001,70002,9.25');
    const { job, rejections } = await runImport(store, standard('Items 2025'), csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 12)).toEqual([tv(job.id, { row: 2, tx: 90001, item: 70002, value: '9.25', user: 1002, tracker: 12 })]);
  });

  it('a LINEITEM tracker fails the job with MISSING_COLUMN when the file has no itemId column', async () => {
    await loadOrg(store, org());
    const { job, rejections } = await runImport(store, byLogId('Items 2025'), lines(BY_LOG_ID, '919876543211,90001,1'));
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MISSING_COLUMN');
    expect(job.fileError?.message).toMatch(/"itemId"/);
    expect(rejections).toEqual([]);
    expect(await trackerValues(store, 'acme', 12)).toEqual([]);
  });

  it('a LINEITEM tracker rejects an empty itemId cell with MISSING_VALUE naming the field', async () => {
    await loadOrg(store, org());
    const csv = lines('Mobile,Loyalty Log Id,Item Id,Tracked Value', '919876543211,90001,,1', '919876543211,90001,70001,2');
    const { job, rejections } = await runImport(store, byLogId('Items 2025'), csv);
    expect(job.counts).toEqual({ total: 2, valid: 1, rejected: 1, imported: 1, errorCounts: { MISSING_VALUE: 1 } });
    expect(codes(rejections)).toEqual([[2, 'MISSING_VALUE', 'itemId']]);
    expect(rejections[0]!.message).toMatch(/Item Id/);
    expect(await trackerValues(store, 'acme', 12)).toEqual([tv(job.id, { row: 3, tx: 90001, item: 70001, value: '2', user: 1002, tracker: 12 })]);
  });

  it('names the tracker by id as well as by name', async () => {
    await loadOrg(store, org());
    // Tracker 12 is the LINEITEM one: without an item column the job fails, which a BILL tracker would not.
    const lineItem = await runImport(store, byLogId(12), lines(BY_LOG_ID, '919876543211,90001,1'));
    expect(lineItem.job.fileError?.code).toBe('MISSING_COLUMN');
    const bill = await runImport(store, byLogId(11), lines(BY_LOG_ID, '919876543211,90001,1'));
    expect(bill.job.status).toBe('COMPLETED');
    expect(await trackerValues(store, 'acme', 11)).toEqual([tv(bill.job.id, { row: 2, tx: 90001, value: '1', user: 1002 })]);
  });

  it.each([
    ['a VISITS tracker', 'Visits', /VISITS/],
    ['a POINTS tracker', 'Points 2025', /POINTS/],
    ['an unknown tracker name', 'No such tracker', /No such tracker/],
    ['an unknown tracker id', 99, /99/],
  ] as const)('refuses a template naming %s (INVALID_TEMPLATE)', async (_what, tracker, message) => {
    await loadOrg(store, org());
    const template = { org: 'acme', name: 'refused', profile: 'TRACKERS', config: { tracker } };
    await expect(saveTemplate(template, store)).rejects.toMatchObject({ code: 'INVALID_TEMPLATE', message: expect.stringMatching(message) });
    await expect(saveTemplate(template, store)).rejects.toMatchObject({ message: expect.stringMatching(/config\.tracker/) });
    expect(await store.findTemplate('acme', 'refused')).toBeNull();
  });

  it.each([
    ['billIdentification', { tracker: 'Spend 2025', billIdentification: 'BILL_NO' }],
    ['customerIdentifier', { tracker: 'Spend 2025', customerIdentifier: 'CARD_NUMBER' }],
    ['tracker', {}],
    ['trackerName', { tracker: 'Spend 2025', trackerName: 'x' }],
  ] as const)('refuses a template whose config key %s is wrong (INVALID_TEMPLATE naming it)', async (key, config) => {
    await loadOrg(store, org());
    await expect(saveTemplate({ org: 'acme', name: 'refused', profile: 'TRACKERS', config }, store)).rejects.toMatchObject({
      code: 'INVALID_TEMPLATE',
      message: expect.stringContaining(key),
    });
  });

  it('checks the tracker again when a job starts: a tracker that became POINTS fails the job with INVALID_TEMPLATE', async () => {
    await loadOrg(store, org());
    const saved = await saveTemplate({ org: 'acme', name: 'spend', profile: 'TRACKERS', config: byLogId().config }, store);
    const base = org();
    await loadOrg(store, { ...base, trackers: (base.trackers ?? []).map((t) => (t.id === 11 ? { ...t, type: 'POINTS' as const } : t)) });
    const file = path.join(dir, 'import.csv');
    fs.writeFileSync(file, lines(BY_LOG_ID, '919876543210,90002,5'));
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file });
    const job = await runJob(store, created.id);
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('INVALID_TEMPLATE');
    expect(job.fileError?.message).toMatch(/POINTS/);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
  });
});

describe('the tracker window', () => {
  it('accepts only transactions whose local date lies inside the window, edges included', async () => {
    await loadOrg(store, org());
    const csv = lines(
      BY_LOG_ID,
      '919876543210,90004,1', // 2024-12-31 23:00 local: the day before the window
      '919876543210,90020,2', // 2024-12-31 20:00 UTC = 2025-01-01 local: inside
      '919876543210,90021,3', // 2025-12-31 20:00 UTC = 2026-01-01 local: outside
      '919876543210,90022,4', // 2025-12-31 23:59 local: the last day, inside
      '919876543210,90023,5', // 2025-01-01 00:00 local: the first day, inside
    );
    const { job, rejections } = await runImport(store, byLogId(), csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toEqual({ total: 5, valid: 3, rejected: 2, imported: 3, errorCounts: { OUTSIDE_TRACKER_WINDOW: 2 } });
    expect(codes(rejections)).toEqual([
      [2, 'OUTSIDE_TRACKER_WINDOW', 'loyaltyLogId'],
      [4, 'OUTSIDE_TRACKER_WINDOW', 'loyaltyLogId'],
    ]);
    expect(rejections[0]!.message).toContain('2024-12-31');
    expect(rejections[1]!.message).toContain('2026-01-01');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      tv(job.id, { row: 3, tx: 90020, value: '2', user: 1001 }),
      tv(job.id, { row: 5, tx: 90022, value: '4', user: 1001 }),
      tv(job.id, { row: 6, tx: 90023, value: '5', user: 1001 }),
    ]);
  });

  it('applies the window of the configured tracker', async () => {
    const base = org();
    await loadOrg(store, {
      ...base,
      trackers: [...(base.trackers ?? []), { id: 15, name: 'March 2025', type: 'BILL', windowStart: '2025-03-02', windowEnd: '2025-03-31' }],
    });
    const csv = lines(BY_LOG_ID, '919876543211,90001,1', '919876543210,90002,2', '919876543210,90012,3');
    const { job, rejections } = await runImport(store, byLogId('March 2025'), csv);
    expect(codes(rejections)).toEqual([
      [2, 'OUTSIDE_TRACKER_WINDOW', 'loyaltyLogId'],
      [4, 'OUTSIDE_TRACKER_WINDOW', 'loyaltyLogId'],
    ]);
    expect(await trackerValues(store, 'acme', 15)).toEqual([tv(job.id, { row: 3, tx: 90002, value: '2', user: 1001, tracker: 15 })]);
  });
});
