import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeErrorReport } from '../src/jobs/reports.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import type { ReferenceDataFile } from '../src/org/reference-data.js';
import type { JobRecord, Rejection } from '../src/domain/jobs.js';
import { type StoredTrackerValue, trackerValuesOfJob } from '../src/profiles/trackers/tracker-values.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { acmeOrg, codes, loadOrg, tempStore } from './helpers.js';

/**
 * The error report follows the template's CSV settings (spec: jobs.md, "Reports": "An operator
 * fixes the cells and imports the report itself as the next file (the extra columns are
 * ignored)"; design.md, "Reports: … the template's delimiter for the error report"): delimiter,
 * quote and escape, the rows skipped at the top and bottom, and a file without a header. The
 * report is fixed in its own text and imported with the same template; the rows it held are
 * accepted, numbered as the report file shows them.
 */

let store: Store;
let dir: string;

/** acmeOrg with bills B-10 … B-17 and "B;20" of customer 1003 (mobile 919876543212) at store S002. */
function org(): ReferenceDataFile {
  const base = acmeOrg();
  const bill = (loyaltyLogId: number, billNumber: string) => ({
    loyaltyLogId,
    billNumber,
    date: '2025-03-05T10:00:00',
    storeCode: 'S002',
    userId: 1003,
    groupId: null,
    amount: '100.00',
    lineItems: [],
  });
  return acmeOrg({
    transactions: [...base.transactions!, ...Array.from({ length: 8 }, (_, i) => bill(90010 + i, `B-1${i}`)), bill(90020, 'B;20')],
  });
}

beforeEach(async () => {
  ({ store, dir } = await tempStore());
  await loadOrg(store, org());
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let files = 0;

async function importFile(templateId: string, file: string): Promise<{ job: JobRecord; rejections: Rejection[]; values: StoredTrackerValue[] }> {
  const created = await createJob(store, { orgId: 'acme', template: templateId, filePath: file });
  const job = await runJob(store, created.id);
  const rejections: Rejection[] = [];
  for await (const page of store.rejections(job.id)) rejections.push(...page);
  const values: StoredTrackerValue[] = [];
  for await (const page of trackerValuesOfJob(store, job.id)) values.push(...page);
  return { job, rejections, values };
}

function write(content: string): string {
  const file = path.join(dir, `file-${++files}.csv`);
  fs.writeFileSync(file, content);
  return file;
}

/** The report's lines after its byte-order mark (every report line ends in CRLF). */
function linesOf(text: string): string[] {
  expect(text.startsWith('\ufeff')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(1, -2).split('\r\n');
}

/** The 1-based row of the report file (as a spreadsheet shows it) whose line starts with `prefix`. */
function rowOf(lines: string[], prefix: string): number {
  const index = lines.findIndex((l) => l.startsWith(prefix));
  expect(index, `a line starting ${prefix}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

const MAPPING = { customer: 'Mobile', billNumber: 'Bill No', transactionDate: 'Date', storeCode: 'Store', trackedValue: 'Value' };

/** A semicolon export with two title rows, a header and a trailer row; the rows noted are rejected. */
const SEMICOLON_FILE = [
  'Daily POS export', // 1 skipped
  'generated 2025-03-06', // 2 skipped
  'Mobile;Bill No;Date;Store;Value', // 3 header
  '919876543212;B-10;2025-03-05;S002;10', // 4 valid
  "919876543212;'B;20';2025-03-05;S099;20", // 5 STORE_NOT_FOUND
  '919876543212;B-11;2025-02-30;S002;11', // 6 INVALID_DATE
  '919876543212;B-12;2025-03-05;S002;12,5', // 7 INVALID_NUMBER
  '919876543212;B-13;2025-03-05;S002;13', // 8 valid
  '919999999999;B-14;2025-03-05;S002;14', // 9 CUSTOMER_NOT_FOUND
  'TOTAL;6', // 10 skipped at the bottom
].join('\r\n');

describe.each([
  { title: "quote ' (the escape left at its default)", csv: { delimiter: ';', quote: "'", skipTop: 2, skipBottom: 1 } },
  { title: "quote and escape '", csv: { delimiter: ';', quote: "'", escape: "'", skipTop: 2, skipBottom: 1 } },
])('an error report in the template’s own CSV settings: delimiter ;, $title, skipTop 2, skipBottom 1', ({ csv }) => {
  it('is written with ;, two blank rows after the byte-order mark, the header, the rejected rows and one filler row', async () => {
    const saved = await saveTemplate({ org: 'acme', name: 'Semicolon export', profile: 'TRACKERS', csv, mapping: MAPPING, config: { tracker: 'Spend 2025' } }, store);
    const first = await importFile(saved.id, write(SEMICOLON_FILE));
    expect(first.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(first.job.counts).toEqual({ total: 6, valid: 2, rejected: 4, imported: 2, errorCounts: { STORE_NOT_FOUND: 1, INVALID_DATE: 1, INVALID_NUMBER: 1, CUSTOMER_NOT_FOUND: 1 } });
    expect(codes(first.rejections)).toEqual([
      [5, 'STORE_NOT_FOUND', 'storeCode'],
      [6, 'INVALID_DATE', 'transactionDate'],
      [7, 'INVALID_NUMBER', 'trackedValue'],
      [9, 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    expect(first.rejections[0]!.cells).toEqual(['919876543212', 'B;20', '2025-03-05', 'S099', '20']);

    const report = path.join(dir, 'errors.csv');
    expect(await writeErrorReport(store, first.job, report)).toBe(4);
    const text = fs.readFileSync(report, 'utf8');
    expect(text.startsWith('\ufeff\r\n\r\nMobile;Bill No;Date;Store;Value;row_number;error_code;error_message\r\n')).toBe(true);
    const lines = linesOf(text);
    expect(lines.slice(0, 3)).toEqual(['', '', 'Mobile;Bill No;Date;Store;Value;row_number;error_code;error_message']);
    // The rejected rows, one a line, cells as they were, the delimiter ;, a cell holding ; quoted with '.
    expect(lines[3]!.startsWith("919876543212;'B;20';2025-03-05;S099;20;5;STORE_NOT_FOUND;")).toBe(true);
    expect(lines[4]!.startsWith('919876543212;B-11;2025-02-30;S002;11;6;INVALID_DATE;')).toBe(true);
    expect(lines[5]!.startsWith('919876543212;B-12;2025-03-05;S002;12,5;7;INVALID_NUMBER;')).toBe(true);
    expect(lines[6]!.startsWith('919999999999;B-14;2025-03-05;S002;14;9;CUSTOMER_NOT_FOUND;')).toBe(true);
    // One filler row, which skipBottom 1 drops, so that no rejected row is dropped instead.
    expect(lines).toHaveLength(8);
    expect(lines[7]).toBe('end of error report');

    // The operator fixes the bad cells in the report's own text and imports the report itself.
    const fixed = text
      .replace(";S099;20;5;", ";S002;20;5;")
      .replace(';2025-02-30;S002;11;6;', ';2025-03-05;S002;11;6;')
      .replace(';12,5;7;', ';12.5;7;')
      .replace('\r\n919999999999;B-14;', '\r\n919876543212;B-14;');
    expect(fixed).not.toBe(text);
    fs.writeFileSync(report, fixed);
    const fixedLines = linesOf(fixed);
    const second = await importFile(saved.id, report);
    expect(second.job.status, JSON.stringify(second.job.fileError)).toBe('COMPLETED');
    expect(second.job.fileError).toBeNull();
    expect(second.rejections).toEqual([]);
    expect(second.job.counts).toEqual({ total: 4, valid: 4, rejected: 0, imported: 4, errorCounts: {} });
    expect(second.job.autoMapped).toEqual({});
    expect(second.values.map((v) => [v.rowNumber, v.loyaltyLogId, v.value, v.userId])).toEqual([
      [rowOf(fixedLines, "919876543212;'B;20';"), 90020, '20', 1003],
      [rowOf(fixedLines, '919876543212;B-11;'), 90011, '11', 1003],
      [rowOf(fixedLines, '919876543212;B-12;'), 90012, '12.5', 1003],
      [rowOf(fixedLines, '919876543212;B-14;'), 90014, '14', 1003],
    ]);
    expect(second.values.map((v) => v.rowNumber)).toEqual([4, 5, 6, 7]);
  });
});

describe('an error report of a file without a header', () => {
  it('has no header row, and imported with the same template (columns by number) accepts its fixed rows', async () => {
    const saved = await saveTemplate(
      {
        org: 'acme',
        name: 'No header',
        profile: 'TRACKERS',
        csv: { header: false },
        mapping: { customer: 1, billNumber: 2, transactionDate: 3, storeCode: 4, trackedValue: 5 },
        config: { tracker: 'Spend 2025' },
      },
      store,
    );
    const source = [
      '919876543212,B-15,2025-03-05,S002,15', // 1 valid
      '919876543212,B-16,2025-03-05,S099,16', // 2 STORE_NOT_FOUND
      '919876543212,B-17,2025-13-05,S002,17', // 3 INVALID_DATE
      '919876543212,B-13,2025-03-05,S002', // 4 WRONG_COLUMN_COUNT
    ].join('\n');
    const first = await importFile(saved.id, write(source));
    expect(first.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(codes(first.rejections)).toEqual([
      [2, 'STORE_NOT_FOUND', 'storeCode'],
      [3, 'INVALID_DATE', 'transactionDate'],
      [4, 'WRONG_COLUMN_COUNT', null],
    ]);
    expect(first.job.header).toBeNull();

    const report = path.join(dir, 'errors.csv');
    expect(await writeErrorReport(store, first.job, report)).toBe(3);
    const text = fs.readFileSync(report, 'utf8');
    const lines = linesOf(text);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.startsWith('919876543212,B-16,2025-03-05,S099,16,2,STORE_NOT_FOUND,')).toBe(true);
    expect(lines[1]!.startsWith('919876543212,B-17,2025-13-05,S002,17,3,INVALID_DATE,')).toBe(true);
    // The short row (padded or not: the spec leaves it open without a header).
    expect(lines[2]).toMatch(/^919876543212,B-13,2025-03-05,S002,,?4,WRONG_COLUMN_COUNT,/);

    // Fixed: the store, the date, and the missing value (the short row gets its fifth cell).
    const fixed = text
      .replace(',S099,16,2,', ',S002,16,2,')
      .replace(',2025-13-05,S002,17,3,', ',2025-03-05,S002,17,3,')
      .replace(/,B-13,2025-03-05,S002,,?4,/, ',B-13,2025-03-05,S002,13,4,');
    expect(fixed).not.toBe(text);
    fs.writeFileSync(report, fixed);
    const second = await importFile(saved.id, report);
    expect(second.job.status, JSON.stringify(second.job.fileError)).toBe('COMPLETED');
    expect(second.rejections).toEqual([]);
    expect(second.job.counts).toEqual({ total: 3, valid: 3, rejected: 0, imported: 3, errorCounts: {} });
    expect(second.values.map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual([
      [1, 90016, '16'],
      [2, 90017, '17'],
      [3, 90013, '13'],
    ]);
  });
});

describe('an error report of a template whose escape is not its quote', () => {
  it('reads back with the template: a message holding quotes does not break the fixed report', async () => {
    const saved = await saveTemplate(
      { org: 'acme', name: 'Backslash escapes', profile: 'TRACKERS', csv: { escape: '\\' }, mapping: MAPPING, config: { tracker: 'Spend 2025' } },
      store,
    );
    const source = [
      'Mobile,Bill No,Date,Store,Value', // 1
      '919876543212,"B-10",2025-03-05,S002,10', // 2 valid
      '919876543212,B-11,2025-03-05,S099,11', // 3 STORE_NOT_FOUND; its message quotes "S099"
    ].join('\n');
    const first = await importFile(saved.id, write(source));
    expect(codes(first.rejections)).toEqual([[3, 'STORE_NOT_FOUND', 'storeCode']]);
    expect(first.rejections[0]!.message).toContain('"S099"');

    const report = path.join(dir, 'errors.csv');
    await writeErrorReport(store, first.job, report);
    const text = fs.readFileSync(report, 'utf8');
    const fixed = text.replace(',S099,11,3,', ',S002,11,3,');
    expect(fixed).not.toBe(text);
    fs.writeFileSync(report, fixed);
    const second = await importFile(saved.id, report);
    expect(second.job.status, JSON.stringify(second.job.fileError)).toBe('COMPLETED');
    expect(second.values.map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual([[2, 90011, '11']]);
  });
});
