import { once } from 'node:events';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import Papa from 'papaparse';
import { profileOf } from '../profiles/registry.js';
import type { ProfileKey } from '../profiles/types.js';
import type { JobRecord, Store } from '../store/port.js';
import { templateSchema } from '../templates/schema.js';

/**
 * The job's reports, as CSV files an operator opens in a spreadsheet. The error report is the
 * file's header and every rejected row's cells as they were, plus row_number, error_code and
 * error_message, written with the template's CSV settings (delimiter, quote, header, the rows
 * skipped at the top and bottom), so that the report itself, fixed, imports as the next file
 * with the same template: its extra columns are ignored.
 */

const BOM = '\ufeff';
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const END_MARKER = 'end of error report';

/** Guards a cell against spreadsheet formula injection: `=cmd()` is written as `'=cmd()`. */
export function guardCell(cell: string): string {
  return FORMULA_START.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}

/**
 * The error report of a job as CSV text, in pieces, byte-order mark first: what a file, a
 * terminal or an HTTP response takes. Returns how many rows it held.
 */
export async function* errorReportCsv(store: Store, job: JobRecord): AsyncGenerator<string, number> {
  const version = await store.getTemplateVersion(job.templateId, job.templateVersion);
  const parsed = templateSchema.safeParse(version?.body);
  const csv = parsed.success ? parsed.data.csv : { delimiter: ',', quote: '"', escape: '"', header: true, skipTop: 0, skipBottom: 0 };
  const unparse = (rows: string[][]) => `${Papa.unparse(rows, { delimiter: csv.delimiter, quoteChar: csv.quote, escapeChar: csv.escape, newline: '\r\n' })}\r\n`;
  // A short row is padded so that the three columns stand under their own headers.
  const width = job.header?.length ?? 0;
  yield BOM + '\r\n'.repeat(csv.skipTop);
  if (csv.header && job.header) yield unparse([[...job.header, 'row_number', 'error_code', 'error_message'].map(guardCell)]);
  let count = 0;
  for await (const page of store.rejections(job.id)) {
    yield unparse(page.map((r) => [...padded(r.cells, width).map(guardCell), String(r.rowNumber), r.code, guardCell(r.message)]));
    count += page.length;
  }
  // The rows the template skips at the bottom, so that no rejected row is skipped instead.
  for (let i = 0; i < csv.skipBottom; i++) yield unparse([[END_MARKER]]);
  return count;
}

/** The success report of a job as CSV text, in pieces, byte-order mark first; returns its row count. */
export async function* successReportCsv(store: Store, job: JobRecord): AsyncGenerator<string, number> {
  const report = profileOf(job.profile as ProfileKey).successReport;
  yield `${BOM}${Papa.unparse([report.columns as string[]])}\r\n`;
  let count = 0;
  if (!job.dryRun) {
    for await (const page of report.rows(store, job.id)) {
      yield `${Papa.unparse(page.map((row) => row.map((v) => (v === null ? '' : String(v)))))}\r\n`;
      count += page.length;
    }
  }
  return count;
}

/** Writes the error report of a job; returns how many rows it holds. */
export async function writeErrorReport(store: Store, job: JobRecord, file: string): Promise<number> {
  return writeCsv(file, (write) => drain(errorReportCsv(store, job), write));
}

/** Writes the success report of a job: what each imported row resolved to. */
export async function writeSuccessReport(store: Store, job: JobRecord, file: string): Promise<number> {
  return writeCsv(file, (write) => drain(successReportCsv(store, job), write));
}

/** Hands every piece of a report to `write`; returns the report's row count. */
async function drain(pieces: AsyncGenerator<string, number>, write: (text: string) => Promise<void>): Promise<number> {
  for (;;) {
    const next = await pieces.next();
    if (next.done) return next.value;
    await write(next.value);
  }
}

/** Writes a UTF-8 file (the pieces carry the byte-order mark spreadsheets need); any write error is thrown. */
async function writeCsv(file: string, produce: (write: (text: string) => Promise<void>) => Promise<number>): Promise<number> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let failure: Error | null = null;
  out.on('error', (e) => {
    failure ??= e;
  });
  const write = async (text: string) => {
    if (failure) throw failure;
    if (text && !out.write(text)) await once(out, 'drain');
  };
  try {
    const count = await produce(write);
    out.end();
    await finished(out);
    return count;
  } catch (error) {
    out.destroy();
    throw new Error(`Cannot write the report "${file}": ${(failure ?? (error as Error)).message}`);
  }
}

function padded(cells: string[], width: number): string[] {
  return cells.length >= width ? cells : [...cells, ...new Array<string>(width - cells.length).fill('')];
}
