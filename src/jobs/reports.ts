import { once } from 'node:events';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import Papa from 'papaparse';
import { guardCell } from '../core/csv-cell.js';
import { errorReportRows, successReportRow } from '../core/report-rows.js';
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
const END_MARKER = 'end of error report';

/** Writes the error report of a job; returns how many rows it holds. */
export async function writeErrorReport(store: Store, job: JobRecord, file: string): Promise<number> {
  const version = await store.getTemplateVersion(job.templateId, job.templateVersion);
  const parsed = templateSchema.safeParse(version?.body);
  const csv = parsed.success ? parsed.data.csv : { delimiter: ',', quote: '"', escape: '"', header: true, skipTop: 0, skipBottom: 0 };
  const unparse = (rows: string[][]) => `${Papa.unparse(rows, { delimiter: csv.delimiter, quoteChar: csv.quote, escapeChar: csv.escape, newline: '\r\n' })}\r\n`;
  const rows = errorReportRows(job.header);
  return writeCsv(file, async (write) => {
    await write('\r\n'.repeat(csv.skipTop));
    if (csv.header && rows.header) await write(unparse([rows.header]));
    let count = 0;
    for await (const page of store.rejections(job.id)) {
      await write(unparse(page.map(rows.row)));
      count += page.length;
    }
    // The rows the template skips at the bottom, so that no rejected row is skipped instead.
    for (let i = 0; i < csv.skipBottom; i++) await write(unparse([[END_MARKER]]));
    return count;
  });
}

/** Writes the success report of a job: what each imported row resolved to. */
export async function writeSuccessReport(store: Store, job: JobRecord, file: string): Promise<number> {
  const report = profileOf(job.profile as ProfileKey).successReport;
  return writeCsv(file, async (write) => {
    await write(`${Papa.unparse([report.columns.map(guardCell)])}\r\n`);
    let count = 0;
    if (!job.dryRun) {
      for await (const page of report.rows(store, job.id)) {
        await write(`${Papa.unparse(page.map(successReportRow))}\r\n`);
        count += page.length;
      }
    }
    return count;
  });
}

/** Writes a UTF-8 file with a byte-order mark (spreadsheets need it); any write error is thrown. */
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
    await write(BOM);
    const count = await produce(write);
    out.end();
    await finished(out);
    return count;
  } catch (error) {
    out.destroy();
    throw new Error(`Cannot write the report "${file}": ${(failure ?? (error as Error)).message}`);
  }
}
