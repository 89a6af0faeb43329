import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/port.js';
import { codes, loadOrg, runImport, tempStore } from './helpers.js';
import { trackerValues } from '../src/profiles/trackers/tracker-values.js';

/**
 * The CSV reader end to end: files of every dialect and encoding the spec names, imported with a
 * Trackers template into a real store (a SQLite file, or PostgreSQL), checked through what the job records (its status,
 * counts and rejections) and what it wrote (tracker values).
 */

let store: Store | undefined;
let storeDir: string | undefined;

afterEach(async () => {
  await store?.close();
  if (storeDir) fs.rmSync(storeDir, { recursive: true, force: true });
  store = undefined;
  storeDir = undefined;
});

async function acmeStore(): Promise<Store> {
  const temp = await tempStore();
  store = temp.store;
  storeDir = temp.dir;
  await loadOrg(store);
  return store;
}

const TRACKER = { tracker: 'Spend 2025' };

/** The tracker values of tracker 11 ("Spend 2025") as [rowNumber, loyaltyLogId, value, userId]. */
async function spendValues(s: Store): Promise<Array<[number, number, string, number | null]>> {
  const values = await trackerValues(s, 'acme', 11);
  return values.map((v): [number, number, string, number | null] => [v.rowNumber, v.loyaltyLogId, v.value, v.userId]).sort((a, b) => a[0] - b[0]);
}

const HEADER = ['Mobile', 'Bill Number', 'Transaction Date', 'Store Code', 'Tracked Value', 'Note'];

interface Dialect {
  delimiter: string;
  quote: string;
  escape: string;
  eol: string;
}

/**
 * One file in a dialect. Rows: 1 header; 2 valid (B-1); 3 blank; 4 a bad value, with a quoted
 * note holding the delimiter and quotes; 5 only delimiters and spaces (blank); 6 four cells;
 * 7 valid (B-2); 8 valid (B-3, quoted).
 */
function trackerFile(d: Dialect): string {
  const { delimiter: sep, quote: q, escape: e } = d;
  const lines = [
    HEADER.join(sep),
    ['919876543211', 'B-1', '2025-03-01', 'S001', '12.50', 'Café'].join(sep),
    '',
    ['919876543210', 'B-2', '2025-03-02', 'S001', 'abc', `${q}x${sep} ${e}${q}y${e}${q}${q}`].join(sep),
    ` ${sep}${sep} ${sep}${sep}${sep}`,
    ['919876543212', 'B-3', '2025-03-02', 'Café'].join(sep),
    ['919876543210', 'B-2', '2025-03-02', 'S001', '3', 'ok'].join(sep),
    [` 919876543212 `, `${q}B-3${q}`, '2025-03-02', 'S002', '7', `${q} ok ${q}`].join(sep),
  ];
  return lines.join(d.eol) + d.eol;
}

const COMMA: Dialect = { delimiter: ',', quote: '"', escape: '"', eol: '\n' };

function withBom(bom: number[], body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(bom), body]);
}

function utf16be(text: string): Buffer {
  const b = Buffer.from(text, 'utf16le');
  b.swap16();
  return b;
}

const CASES: Array<{ name: string; dialect: Dialect; csv: Record<string, unknown>; bytes: (text: string) => Buffer }> = [
  { name: 'UTF-8 with \\n', dialect: COMMA, csv: {}, bytes: (t) => Buffer.from(t, 'utf8') },
  { name: 'UTF-8 with \\r\\n', dialect: { ...COMMA, eol: '\r\n' }, csv: {}, bytes: (t) => Buffer.from(t, 'utf8') },
  { name: 'UTF-8 with a byte-order mark', dialect: { ...COMMA, eol: '\r\n' }, csv: {}, bytes: (t) => withBom([0xef, 0xbb, 0xbf], Buffer.from(t, 'utf8')) },
  { name: 'UTF-16LE with a byte-order mark', dialect: { ...COMMA, eol: '\r\n' }, csv: {}, bytes: (t) => withBom([0xff, 0xfe], Buffer.from(t, 'utf16le')) },
  { name: 'UTF-16BE with a byte-order mark', dialect: COMMA, csv: {}, bytes: (t) => withBom([0xfe, 0xff], utf16be(t)) },
  { name: 'Latin-1', dialect: { ...COMMA, eol: '\r\n' }, csv: { encoding: 'latin1' }, bytes: (t) => Buffer.from(t, 'latin1') },
  { name: "';' as delimiter", dialect: { ...COMMA, delimiter: ';' }, csv: { delimiter: ';' }, bytes: (t) => Buffer.from(t, 'utf8') },
  { name: 'tab as delimiter', dialect: { ...COMMA, delimiter: '\t', eol: '\r\n' }, csv: { delimiter: '\t' }, bytes: (t) => Buffer.from(t, 'utf8') },
  { name: "' as quote and escape", dialect: { ...COMMA, quote: "'", escape: "'" }, csv: { quote: "'", escape: "'" }, bytes: (t) => Buffer.from(t, 'utf8') },
  { name: '\\ as escape', dialect: { ...COMMA, escape: '\\' }, csv: { escape: '\\' }, bytes: (t) => Buffer.from(t, 'utf8') },
];

describe('CSV files end to end', () => {
  for (const c of CASES) {
    it(`reads ${c.name}: rejects the bad rows by their row numbers and imports the others`, async () => {
      const s = await acmeStore();
      const text = trackerFile(c.dialect);
      const { job, rejections } = await runImport(s, { csv: c.csv, config: TRACKER }, c.bytes(text), { chunkRows: 2 });

      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(job.fileError).toBeNull();
      expect(job.header).toEqual(HEADER);
      expect(job.counts).toMatchObject({ total: 5, valid: 3, rejected: 2, imported: 3, errorCounts: { INVALID_NUMBER: 1, WRONG_COLUMN_COUNT: 1 } });
      expect(codes(rejections)).toEqual([
        [4, 'INVALID_NUMBER', 'trackedValue'],
        [6, 'WRONG_COLUMN_COUNT', null],
      ]);
      const { delimiter: sep, quote: q } = c.dialect;
      expect(rejections[0]!.value).toBe('abc');
      expect(rejections[0]!.cells).toEqual(['919876543210', 'B-2', '2025-03-02', 'S001', 'abc', `x${sep} ${q}y${q}`]);
      expect(rejections[1]!.cells).toEqual(['919876543212', 'B-3', '2025-03-02', 'Café']);
      expect(await spendValues(s)).toEqual([
        [2, 90001, '12.5', 1002],
        [7, 90002, '3', 1001],
        [8, 90003, '7', 1003],
      ]);
    });
  }
});

describe('row numbers end to end', () => {
  it('with skipTop 2 and blank lines, reports a bad row at its spreadsheet row', async () => {
    const s = await acmeStore();
    const csv = [
      'Acme POS export',
      'Period: March 2025',
      'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value',
      '919876543211,B-1,2025-03-01,S001,12.50',
      '',
      '',
      '919876543210,B-2,2025-03-02,S001,1,5',
      '919876543212,B-3,2025-03-02,S002,abc',
      '919876543210,B-2,2025-03-02,S001,3',
    ].join('\r\n');
    const { job, rejections } = await runImport(s, { csv: { skipTop: 2 }, config: TRACKER }, csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(codes(rejections)).toEqual([
      [7, 'WRONG_COLUMN_COUNT', null],
      [8, 'INVALID_NUMBER', 'trackedValue'],
    ]);
    expect(await spendValues(s)).toEqual([
      [4, 90001, '12.5', 1002],
      [9, 90002, '3', 1001],
    ]);
  });

  // jobs.md, "Row numbers": "the row's position as a spreadsheet shows the file [...] a blank line
  // is a row too; a quoted cell that spans several lines is still one row". A spreadsheet shows
  // the two-line note of line 4–5 on row 4 alone, so the blank line after it is row 5 and the bad
  // row (line 7 of the file) is row 6.
  it('with skipTop 2, blank lines and a multi-line cell before a bad row, reports the bad row at its spreadsheet row', async () => {
    const s = await acmeStore();
    const csv = [
      'Acme POS export',
      'Period: March 2025',
      'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value,Note',
      '919876543211,B-1,2025-03-01,S001,12.50,"checked by',
      'the manager"',
      '',
      '919876543212,B-3,2025-03-02,S002,abc,',
      '919876543210,B-2,2025-03-02,S001,3,',
    ].join('\n');
    const { job, rejections } = await runImport(s, { csv: { skipTop: 2 }, config: TRACKER }, csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(codes(rejections)).toEqual([[6, 'INVALID_NUMBER', 'trackedValue']]);
    expect(await spendValues(s)).toEqual([
      [4, 90001, '12.5', 1002],
      [7, 90002, '3', 1001],
    ]);
  });

  it('ignores the last skipBottom rows, with blank lines among and after them', async () => {
    const s = await acmeStore();
    const csv = [
      'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value',
      '919876543211,B-1,2025-03-01,S001,12.50',
      '919876543210,B-2,2025-03-02,S001,3',
      'Total,,,,15.50',
      '',
      'Exported by POS 3.2',
      '',
      '',
    ].join('\n');
    const { job, rejections } = await runImport(s, { csv: { skipBottom: 2 }, config: TRACKER }, csv);
    expect(job.status).toBe('COMPLETED');
    expect(job.counts).toMatchObject({ total: 2, valid: 2, rejected: 0, imported: 2 });
    expect(rejections).toEqual([]);
    expect(await spendValues(s)).toEqual([
      [2, 90001, '12.5', 1002],
      [3, 90002, '3', 1001],
    ]);
  });

  it('without skipBottom, rejects the footer rows by their row numbers', async () => {
    const s = await acmeStore();
    const csv = [
      'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value',
      '919876543211,B-1,2025-03-01,S001,12.50',
      '919876543210,B-2,2025-03-02,S001,3',
      'Total,,,,15.50',
      '',
      'Exported by POS 3.2',
      '',
    ].join('\n');
    const { job, rejections } = await runImport(s, { config: TRACKER }, csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(codes(rejections)).toEqual([
      [4, 'MISSING_VALUE', 'billNumber'],
      [6, 'WRONG_COLUMN_COUNT', null],
    ]);
  });

  it('reads a file without a header, mapped by column numbers, from row 1 (after skipTop)', async () => {
    const s = await acmeStore();
    const csv = ['Acme POS export', '919876543211,B-1,2025-03-01,S001,12.50', '919876543210,,2025-03-02,S001,3', '919876543210,B-2,2025-03-02,S001,3', ''].join('\n');
    const mapping = { customer: 1, billNumber: 2, transactionDate: 3, storeCode: 4, trackedValue: 5 };
    const { job, rejections } = await runImport(s, { csv: { header: false, skipTop: 1 }, mapping, config: TRACKER }, csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.header).toBeNull();
    expect(codes(rejections)).toEqual([[3, 'MISSING_VALUE', 'billNumber']]);
    expect(await spendValues(s)).toEqual([
      [2, 90001, '12.5', 1002],
      [4, 90002, '3', 1001],
    ]);
  });
});

describe('values end to end', () => {
  it('imports a tracked value written with a leading +', async () => {
    const s = await acmeStore();
    const csv = ['Mobile,Bill Number,Transaction Date,Store Code,Tracked Value', '919876543211,B-1,2025-03-01,S001,+2.50', '919876543210,B-2,2025-03-02,S001,-1'].join('\n');
    const { job, rejections } = await runImport(s, { config: TRACKER }, csv);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect(await spendValues(s)).toEqual([
      [2, 90001, '2.5', 1002],
      [3, 90002, '-1', 1001],
    ]);
  });
});

describe('columns end to end', () => {
  for (const billHeader of ['Bill No', 'bill_number', 'BillNumber']) {
    it(`matches the header "${billHeader}" to billNumber automatically and records the match`, async () => {
      const s = await acmeStore();
      const csv = [`Mobile,${billHeader},Date,Store,Value`, '919876543211,B-1,2025-03-01,S001,12.50'].join('\n');
      const { job } = await runImport(s, { config: TRACKER }, csv);
      expect(job.status).toBe('COMPLETED');
      expect(job.autoMapped).toEqual({ customer: 'Mobile', billNumber: billHeader, transactionDate: 'Date', storeCode: 'Store', trackedValue: 'Value' });
      expect(await spendValues(s)).toEqual([[2, 90001, '12.5', 1002]]);
    });
  }

  it('fails with MISSING_COLUMN naming the field and the header when a mapped header is not in the file', async () => {
    const s = await acmeStore();
    const csv = ['Mobile,Bill Number,Transaction Date,Store Code,Tracked Value', '919876543211,B-1,2025-03-01,S001,12.50'].join('\n');
    const { job } = await runImport(s, { mapping: { trackedValue: 'Amount' }, config: TRACKER }, csv);
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MISSING_COLUMN');
    expect(job.fileError?.message).toMatch(/^Field "trackedValue" is mapped to header "Amount", which is not in the file/);
    expect(await spendValues(s)).toEqual([]);
  });
});

describe('files that cannot be read', () => {
  it('fails a file with an unclosed quote near the end of a few thousand rows, naming its line and writing nothing', async () => {
    const s = await acmeStore();
    const lines = ['Mobile,Bill Number,Transaction Date,Store Code,Tracked Value', '919876543211,B-1,2025-03-01,S001,12.50'];
    for (let line = 3; line < 3000; line++) lines.push(`919876543210,"B-2",2025-03-02,S001,${line}`);
    lines.push('919876543212,"B-3,2025-03-02,S002,7');
    lines.push('919876543210,B-2,2025-03-02,S001,1', '919876543210,B-2,2025-03-02,S001,2', '');
    const { job, rejections } = await runImport(s, { config: TRACKER }, lines.join('\r\n'));

    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MALFORMED_CSV');
    expect(job.fileError?.message).toMatch(/\bline 3000\b/);
    expect(job.counts).toMatchObject({ total: 0, valid: 0, rejected: 0, imported: 0 });
    expect(rejections).toEqual([]);
    expect(await trackerValues(s, 'acme', 11)).toEqual([]);
  });

  it('fails a file with text after a closing quote, naming its line and writing nothing', async () => {
    const s = await acmeStore();
    const csv = ['Mobile,Bill Number,Transaction Date,Store Code,Tracked Value', '919876543211,B-1,2025-03-01,S001,12.50', '', '919876543210,"B-2"x,2025-03-02,S001,3'].join('\n');
    const { job, rejections } = await runImport(s, { config: TRACKER }, csv);
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('MALFORMED_CSV');
    expect(job.fileError?.message).toMatch(/\bline 4\b/);
    expect(rejections).toEqual([]);
    expect(await trackerValues(s, 'acme', 11)).toEqual([]);
  });

  it('fails a file with bytes that are not UTF-8, and reads the same bytes as Latin-1 when told to', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Mobile,Bill Number,Transaction Date,Store Code,Tracked Value,Note\n919876543211,B-1,2025-03-01,S001,12.50,Caf', 'latin1'),
      Buffer.from([0xe9]),
      Buffer.from('\n', 'latin1'),
    ]);
    const s = await acmeStore();
    const failed = await runImport(s, { config: TRACKER }, bytes);
    expect(failed.job.status).toBe('FAILED');
    expect(failed.job.fileError?.code).toBe('MALFORMED_CSV');
    expect(await trackerValues(s, 'acme', 11)).toEqual([]);

    const latin1 = await runImport(s, { csv: { encoding: 'latin1' }, config: TRACKER }, bytes);
    expect(latin1.job.status).toBe('COMPLETED');
    expect(await spendValues(s)).toEqual([[2, 90001, '12.5', 1002]]);
  });

  it('fails a file whose only rows after the header are blank with EMPTY_FILE', async () => {
    const s = await acmeStore();
    const { job } = await runImport(s, { config: TRACKER }, 'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value\r\n\r\n,,,,\r\n');
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('EMPTY_FILE');
  });
});
