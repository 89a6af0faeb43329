import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import Papa from 'papaparse';
import { guardCell } from '../core/csv-cell.js';
import { errorReportRows, successReportRow } from '../core/report-rows.js';
import { profileOf } from '../profiles/registry.js';
import type { JobRecord } from '../domain/jobs.js';
import type { Store } from '../store/port.js';
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

/**
 * The error report of a job as CSV text, in pieces (without the byte-order mark, which the file
 * or the response adds): what a file, a terminal or an HTTP response takes. Returns its row count.
 */
export async function* errorReportCsv(store: Store, job: JobRecord): AsyncGenerator<string, number> {
  const version = await store.getTemplateVersion(job.templateId, job.templateVersion);
  const parsed = templateSchema.safeParse(version?.body);
  const csv = parsed.success ? parsed.data.csv : { delimiter: ',', quote: '"', escape: '"', header: true, skipTop: 0, skipBottom: 0 };
  const unparse = (rows: string[][]) => `${Papa.unparse(rows, { delimiter: csv.delimiter, quoteChar: csv.quote, escapeChar: csv.escape, newline: '\r\n' })}\r\n`;
  const rows = errorReportRows(job.header);
  if (csv.skipTop > 0) yield '\r\n'.repeat(csv.skipTop);
  if (csv.header && rows.header) yield unparse([rows.header]);
  let count = 0;
  for await (const page of store.rejections(job.id)) {
    yield unparse(page.map(rows.row));
    count += page.length;
  }
  // The rows the template skips at the bottom, so that no rejected row is skipped instead.
  for (let i = 0; i < csv.skipBottom; i++) yield unparse([[END_MARKER]]);
  return count;
}

/** The success report of a job as CSV text, in pieces (without the byte-order mark); returns its row count. */
export async function* successReportCsv(store: Store, job: JobRecord): AsyncGenerator<string, number> {
  const report = profileOf(job.profile).successReport;
  yield `${Papa.unparse([report.columns.map(guardCell)])}\r\n`;
  let count = 0;
  if (!job.dryRun) {
    for await (const page of report.rows(store, job.id)) {
      yield `${Papa.unparse(page.map(successReportRow))}\r\n`;
      count += page.length;
    }
  }
  return count;
}

/** The byte-order mark a report starts with: spreadsheets need it to read UTF-8. */
export const REPORT_BOM = BOM;

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

/**
 * Writes a UTF-8 file with a byte-order mark (spreadsheets need it), whole or not at all: into a
 * temporary file beside `file`, renamed over it only once every row is written, so that a failed
 * write (a full disk, a lost store) leaves neither half a report nor the temporary file, and an
 * earlier report at that path stays as it was. Any write error is thrown.
 */
export async function writeCsv(file: string, produce: (write: (text: string) => Promise<void>) => Promise<number>): Promise<number> {
  // Beside the report, so that the rename stays on one file system and is atomic.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let out: fs.WriteStream | null = null;
  let failure: Error | null = null;
  const write = async (text: string) => {
    if (failure) throw failure;
    if (text && !out!.write(text)) {
      // Whichever comes first; the other listener is removed, so that none piles up on the stream.
      const settled = new AbortController();
      try {
        await Promise.race([once(out!, 'drain', { signal: settled.signal }), once(out!, 'error', { signal: settled.signal })]);
      } finally {
        settled.abort();
      }
    }
    if (failure) throw failure;
  };
  try {
    const fd = await fs.promises.open(temp, 'wx');
    out = fs.createWriteStream('', { fd, encoding: 'utf8' });
    out.on('error', (e) => {
      failure ??= e;
    });
    await write(BOM);
    const count = await produce(write);
    out.end();
    await finished(out);
    await fs.promises.rename(temp, file);
    return count;
  } catch (error) {
    out?.destroy();
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    throw new Error(`Cannot write the report "${file}": ${writeProblem(failure ?? (error as Error), file)}`);
  }
}

/** Why a report could not be written, in the operator's words where the cause is a common one. */
function writeProblem(error: Error, file: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `the directory "${path.dirname(file)}" does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in "${path.dirname(file)}"`;
    case 'EISDIR':
      return `"${file}" is a directory; name a file`;
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return error.message;
  }
}
