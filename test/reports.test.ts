import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeErrorReport, writeSuccessReport } from '../src/jobs/reports.js';
import type { Store } from '../src/store/port.js';
import { acmeOrg, loadOrg, runImport, tempStore } from './helpers.js';
import { promotionTemplate } from './promotion-fixtures.js';
import { trackerValues } from '../src/profiles/trackers/tracker-values.js';

/**
 * The job's reports (spec: jobs.md, "Reports"): the error report an operator fixes and imports
 * again, and the success report of what each imported row resolved to.
 */

const HEADER = 'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value';
const TEMPLATE = { config: { tracker: 'Spend 2025' } };

let store: Store;
let dir: string;

beforeEach(async () => {
  const t = await tempStore();
  store = t.store;
  dir = t.dir;
  await loadOrg(store);
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A report's text: UTF-8 (a byte-order mark allowed), every byte valid. */
function readUtf8(file: string): string {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(fs.readFileSync(file));
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

function parseCsv(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe('the error report', () => {
  it("holds the file's header, the rejected rows' cells as they were, and row_number, error_code, error_message", async () => {
    const csv = [
      HEADER, // 1
      '919876543211,B-1,2025-03-01 10:15,S001,12.50', // 2 valid
      '=SUM(A1:A9),B-2,2025-03-02,S001,3', // 3 INVALID_IDENTIFIER
      '+91 98765 43210,B-2,2025-03-02,@S001,3', // 4 STORE_NOT_FOUND (the mobile is customer 1001's)
      '+919999999999,B-3,2025-03-02,S002,-12.5', // 5 CUSTOMER_NOT_FOUND
      '919876543212,"B-3, part ""two""",2025-03-02,Café Süd,7', // 6 STORE_NOT_FOUND
      '919876543212,B-3,2025-03-02,S002,-x1', // 7 INVALID_NUMBER
      '919876543212,B-3,2025-03-02,S002,7', // 8 valid
    ].join('\r\n');
    const { job } = await runImport(store, TEMPLATE, csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');

    const file = path.join(dir, 'errors.csv');
    expect(await writeErrorReport(store, job, file)).toBe(5);
    const text = readUtf8(file);
    const rows = parseCsv(text);
    expect(rows.map((r) => r.slice(0, 7))).toEqual([
      ['Mobile', 'Bill Number', 'Transaction Date', 'Store Code', 'Tracked Value', 'row_number', 'error_code'],
      ["'=SUM(A1:A9)", 'B-2', '2025-03-02', 'S001', '3', '3', 'INVALID_IDENTIFIER'],
      ["'+91 98765 43210", 'B-2', '2025-03-02', "'@S001", '3', '4', 'STORE_NOT_FOUND'],
      ['+919999999999', 'B-3', '2025-03-02', 'S002', '-12.5', '5', 'CUSTOMER_NOT_FOUND'],
      ['919876543212', 'B-3, part "two"', '2025-03-02', 'Café Süd', '7', '6', 'STORE_NOT_FOUND'],
      ['919876543212', 'B-3', '2025-03-02', 'S002', "'-x1", '7', 'INVALID_NUMBER'],
    ]);
    expect(rows[0]).toEqual(['Mobile', 'Bill Number', 'Transaction Date', 'Store Code', 'Tracked Value', 'row_number', 'error_code', 'error_message']);
    for (const r of rows) expect(r).toHaveLength(8);
    // Messages name the value.
    expect(rows[1]![7]).toContain('"=SUM(A1:A9)"');
    expect(rows[2]![7]).toContain('Store "@S001" matches no store code');
    expect(rows[3]![7]).toContain('"+919999999999"');
    expect(rows[4]![7]).toContain('"Café Süd"');
    expect(rows[5]![7]).toContain('"-x1"');
    // A signed number is a number: written as it was, with no quote before it.
    expect(text).toContain('\r\n+919999999999,B-3,2025-03-02,S002,-12.5,5,CUSTOMER_NOT_FOUND,');
    expect(text).not.toContain("'-12.5");
    expect(text).not.toContain("'+919999999999");
    // UTF-8, not Latin-1.
    expect(fs.readFileSync(file).includes(Buffer.from('Café Süd', 'utf8'))).toBe(true);
  });

  it('can be fixed and imported as the next file with the same template, its extra columns ignored', async () => {
    const csv = [
      HEADER,
      '919876543211,B-1,2025-03-01 10:15,S001,12.50', // 2 valid
      '=HYPERLINK("x"),B-2,2025-03-02,S001,3', // 3 INVALID_IDENTIFIER
      '+91 98765 43212,B-3,2025-03-02,S999,7', // 4 STORE_NOT_FOUND (the mobile is customer 1003's, written guarded)
    ].join('\n');
    const first = await runImport(store, TEMPLATE, csv);
    expect(first.job.counts).toMatchObject({ total: 3, valid: 1, rejected: 2 });
    const report = path.join(dir, 'errors.csv');
    await writeErrorReport(store, first.job, report);

    // The operator fixes the two wrong cells, leaves the guarded mobile alone, and uploads the report as it is.
    const rows = parseCsv(readUtf8(report));
    expect(rows.map((r) => [r[0], r[3], r[5], r[6]])).toEqual([
      ['Mobile', 'Store Code', 'row_number', 'error_code'],
      ["'=HYPERLINK(\"x\")", 'S001', '3', 'INVALID_IDENTIFIER'],
      ["'+91 98765 43212", 'S999', '4', 'STORE_NOT_FOUND'],
    ]);
    rows[1]![0] = '919876543210';
    rows[2]![3] = 'S002';
    const fixed = `\ufeff${Papa.unparse(rows, { newline: '\r\n' })}\r\n`;

    const second = await runImport(store, TEMPLATE, fixed, { fileName: 'errors-fixed.csv' });
    expect(second.job.templateVersion).toBe(first.job.templateVersion);
    expect(second.job.status).toBe('COMPLETED');
    expect(second.job.counts).toEqual({ total: 2, valid: 2, rejected: 0, imported: 2, errorCounts: {} });
    expect(second.rejections).toEqual([]);
    expect(Object.keys(second.job.autoMapped ?? {}).sort()).toEqual(['billNumber', 'customer', 'storeCode', 'trackedValue', 'transactionDate']);
    expect((await trackerValues(store, 'acme', 11)).map((v) => [v.loyaltyLogId, v.value, v.userId, v.jobId, v.rowNumber])).toEqual([
      [90001, '12.5', 1002, first.job.id, 2],
      [90002, '3', 1001, second.job.id, 2],
      [90003, '7', 1003, second.job.id, 3],
    ]);
  });

  it('made from a file that is an error report, replaces its three columns instead of adding them again', async () => {
    const csv = [
      HEADER,
      '919876543211,B-1,2025-03-01 10:15,S001,12.50', // 2 valid
      '919999999999,B-2,2025-03-02,S001,3', // 3 CUSTOMER_NOT_FOUND
      '919876543210,B-2,2025-03-02,S999,4', // 4 STORE_NOT_FOUND
    ].join('\n');
    const first = await runImport(store, TEMPLATE, csv);
    const report1 = path.join(dir, 'errors-1.csv');
    await writeErrorReport(store, first.job, report1);

    // The operator fixes the store of one row and uploads the report; the other row fails again.
    const rows1 = parseCsv(readUtf8(report1));
    rows1[2]![3] = 'S001';
    const second = await runImport(store, TEMPLATE, `${Papa.unparse(rows1, { newline: '\r\n' })}\r\n`, { fileName: 'errors-1.csv' });
    expect(second.job.counts).toMatchObject({ total: 2, valid: 1, rejected: 1 });
    const report2 = path.join(dir, 'errors-2.csv');
    expect(await writeErrorReport(store, second.job, report2)).toBe(1);
    const rows2 = parseCsv(readUtf8(report2));
    expect(rows2[0]).toEqual([...HEADER.split(','), 'row_number', 'error_code', 'error_message']);
    expect(rows2.slice(1).map((r) => r.slice(0, 7))).toEqual([['919999999999', 'B-2', '2025-03-02', 'S001', '3', '2', 'CUSTOMER_NOT_FOUND']]);
    expect(rows2[1]).toHaveLength(8);

    // Once more, with the columns re-cased by a spreadsheet: still one set, at the end.
    rows2[0] = rows2[0]!.map((h) => (h.startsWith('error') || h === 'row_number' ? h.toUpperCase() : h));
    const third = await runImport(store, TEMPLATE, `${Papa.unparse(rows2, { newline: '\r\n' })}\r\n`, { fileName: 'errors-2.csv' });
    expect(third.job.header).toEqual([...HEADER.split(','), 'ROW_NUMBER', 'ERROR_CODE', 'ERROR_MESSAGE']);
    const report3 = path.join(dir, 'errors-3.csv');
    expect(await writeErrorReport(store, third.job, report3)).toBe(1);
    expect(parseCsv(readUtf8(report3))).toEqual([rows2[0]!.slice(0, 5).concat(['row_number', 'error_code', 'error_message']), rows2[1]!.slice(0, 5).concat(['2', 'CUSTOMER_NOT_FOUND', rows2[1]![7]!])]);
  });

  it('keeps the cells of a short row from an error report, padded under the header', async () => {
    const csv = [`${HEADER},row_number,error_code,error_message`, '919999999999,B-2,2025-03-02', '919876543210,B-2,2025-03-02,S999,4,4,STORE_NOT_FOUND,old message'].join('\n');
    const { job } = await runImport(store, TEMPLATE, csv);
    const file = path.join(dir, 'errors.csv');
    expect(await writeErrorReport(store, job, file)).toBe(2);
    expect(parseCsv(readUtf8(file)).map((r) => r.slice(0, 7))).toEqual([
      [...HEADER.split(','), 'row_number', 'error_code'],
      ['919999999999', 'B-2', '2025-03-02', '', '', '2', 'WRONG_COLUMN_COUNT'],
      ['919876543210', 'B-2', '2025-03-02', 'S999', '4', '3', 'STORE_NOT_FOUND'],
    ]);
  });

  it('holds only the header for a job with no rejected rows', async () => {
    const { job } = await runImport(store, TEMPLATE, [HEADER, '919876543211,B-1,2025-03-01,S001,1'].join('\n'));
    const file = path.join(dir, 'errors.csv');
    expect(await writeErrorReport(store, job, file)).toBe(0);
    expect(parseCsv(readUtf8(file))).toEqual([[...HEADER.split(','), 'row_number', 'error_code', 'error_message']]);
  });
});

describe('the success report', () => {
  it('lists row_number and what each imported row resolved to', async () => {
    const csv = [
      HEADER,
      '919876543211,B-1,2025-03-01 10:15,S001,12.50', // 2 → transaction 90001 of customer 1002
      '919999999999,B-2,2025-03-02,S001,3', // 3 rejected
      '919876543210,B-2,2025-03-02,S001,-4.750', // 4 → transaction 90002 of customer 1001
    ].join('\n');
    const { job } = await runImport(store, TEMPLATE, csv);
    const file = path.join(dir, 'success.csv');
    expect(await writeSuccessReport(store, job, file)).toBe(2);
    expect(parseCsv(readUtf8(file))).toEqual([
      ['row_number', 'user_id', 'group_id', 'loyalty_log_id', 'item_id', 'tracked_value'],
      ['2', '1002', '', '90001', '', '12.5'],
      ['4', '1001', '', '90002', '', '-4.75'],
    ]);
  });

  it('names the line item for a LINEITEM tracker and the group for a group import', async () => {
    const items = await runImport(store, { name: 'items', config: { tracker: 'Items 2025' } }, [`${HEADER},Item Id`, '919876543211,B-1,2025-03-01,S001,3,70002'].join('\n'));
    const itemsFile = path.join(dir, 'items.csv');
    expect(await writeSuccessReport(store, items.job, itemsFile)).toBe(1);
    expect(parseCsv(readUtf8(itemsFile))[1]).toEqual(['2', '1002', '', '90001', '70002', '3']);

    const groups = await runImport(
      store,
      { name: 'groups', config: { tracker: 'Spend 2025', userGroup2Enabled: true, userGroup2IdentifierType: 'GROUP_ID' } },
      ['Group ID,Bill Number,Transaction Date,Store Code,Tracked Value', '501,B-1,2025-03-01,S001,9'].join('\n'),
    );
    expect(groups.job.status).toBe('COMPLETED');
    const groupsFile = path.join(dir, 'groups.csv');
    expect(await writeSuccessReport(store, groups.job, groupsFile)).toBe(1);
    expect(parseCsv(readUtf8(groupsFile))[1]).toEqual(['2', '', '501', '90001', '', '9']);
  });

  it('guards cells from the org\'s data that would start a formula, and leaves numbers alone', async () => {
    const org = acmeOrg();
    org.stores = [...(org.stores ?? []), { code: '@SUM(1+1)', externalId: 'EXT-9', name: 'Formula store', tills: ['=HYPERLINK("http://x.example","open")'] }];
    await loadOrg(store, org);
    const csv = ['Customer,Store,Points', '919876543210,"=HYPERLINK(""http://x.example"",""open"")",10', '919876543211,S001,2.5'].join('\n');
    const { job } = await runImport(store, promotionTemplate({ promotionIdentifier: '-PROMO+1' }), csv);
    expect(job.status).toBe('COMPLETED');
    const file = path.join(dir, 'success.csv');
    expect(await writeSuccessReport(store, job, file)).toBe(2);
    const rows = parseCsv(readUtf8(file));
    expect(rows[0]).toEqual(['row_number', 'user_id', 'group_id', 'points', 'promotion_identifier', 'store_code', 'till_code', 'issued_at', 'expires_at']);
    expect(rows.slice(1).map((r) => r.slice(0, 7))).toEqual([
      ['2', '1001', '', '10', "'-PROMO+1", "'@SUM(1+1)", `'=HYPERLINK("http://x.example","open")`],
      ['3', '1002', '', '2.5', "'-PROMO+1", 'S001', ''],
    ]);
  });

  it('lists no rows for a dry run, which imported nothing', async () => {
    const { job } = await runImport(store, TEMPLATE, [HEADER, '919876543211,B-1,2025-03-01,S001,1'].join('\n'), { dryRun: true });
    expect(job.status).toBe('VALIDATED');
    const file = path.join(dir, 'success.csv');
    expect(await writeSuccessReport(store, job, file)).toBe(0);
    expect(parseCsv(readUtf8(file))).toEqual([['row_number', 'user_id', 'group_id', 'loyalty_log_id', 'item_id', 'tracked_value']]);
  });
});
