import { once } from 'node:events';
import fs from 'node:fs';
import Papa from 'papaparse';
import { profileOf } from '../profiles/registry.js';
import type { ProfileKey } from '../profiles/types.js';
import type { JobRecord, Store } from '../store/port.js';

/**
 * The job's reports, as CSV files an operator opens in a spreadsheet. The error report is the
 * file's header and every rejected row's cells as they were, plus row_number, error_code and
 * error_message: fixed and imported again as the next file, its extra columns are ignored.
 */

const BOM = '\ufeff';
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** Guards a cell against spreadsheet formula injection: `=cmd()` is written as `'=cmd()`. */
export function guardCell(cell: string): string {
  return FORMULA_START.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}

/** Writes the error report of a job; returns how many rows it holds. */
export async function writeErrorReport(store: Store, job: JobRecord, file: string, delimiter = ','): Promise<number> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let count = 0;
  try {
    const header = job.header ? [...job.header, 'row_number', 'error_code', 'error_message'] : null;
    await write(out, BOM);
    if (header) await write(out, `${Papa.unparse([header.map(guardCell)], { delimiter })}\r\n`);
    for await (const page of store.rejections(job.id)) {
      // A short row is padded so that the three columns stand under their own headers.
      const width = job.header?.length ?? 0;
      const rows = page.map((r) => [...padded(r.cells, width).map(guardCell), String(r.rowNumber), r.code, guardCell(r.message)]);
      await write(out, `${Papa.unparse(rows, { delimiter })}\r\n`);
      count += page.length;
    }
  } finally {
    await close(out);
  }
  return count;
}

/** Writes the success report of a job: what each imported row resolved to. */
export async function writeSuccessReport(store: Store, job: JobRecord, file: string): Promise<number> {
  const report = profileOf(job.profile as ProfileKey).successReport;
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  let count = 0;
  try {
    await write(out, `${BOM}${Papa.unparse([report.columns as string[]])}\r\n`);
    if (!job.dryRun) {
      for await (const page of report.rows(store, job.id)) {
        await write(out, `${Papa.unparse(page.map((row) => row.map((v) => (v === null ? '' : String(v)))))}\r\n`);
        count += page.length;
      }
    }
  } finally {
    await close(out);
  }
  return count;
}

function padded(cells: string[], width: number): string[] {
  return cells.length >= width ? cells : [...cells, ...new Array<string>(width - cells.length).fill('')];
}

async function write(out: fs.WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

function close(out: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.on('error', reject);
    out.end(() => resolve());
  });
}
