import Papa from 'papaparse';

/**
 * The rows of an error report, and the CSV of the rows an operator fixed. An error report is the
 * file's header and every rejected row's cells, plus `row_number`, `error_code`, `error_message`
 * (spec: jobs.md, "Reports"); the fixed file is the file's header and the edited cells, nothing
 * more, so that it imports with the same template.
 */

export const REPORT_COLUMNS = ['row_number', 'error_code', 'error_message'] as const;

export interface RejectedRow {
  rowNumber: number;
  code: string;
  message: string;
  cells: string[];
}

export interface ErrorReport {
  header: string[];
  rows: RejectedRow[];
}

/** Undoes the report's guard against spreadsheet formulas: a leading `'` before `=`, `+`, `-`, `@`, tab or CR. */
export function unguardCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Reads an error report's text; the last three columns are the report's own. */
export function readErrorReport(text: string, delimiter = ','): ErrorReport {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: true });
  const [head, ...body] = parsed.data;
  if (!head) return { header: [], rows: [] };
  const n = head.length - REPORT_COLUMNS.length;
  const tail = head.slice(n).map((h) => h.trim().toLowerCase());
  if (n < 0 || tail.join() !== REPORT_COLUMNS.join()) throw new Error(`This is not an error report: its last columns are not ${REPORT_COLUMNS.join(', ')}`);
  return {
    header: head.slice(0, n),
    rows: body.map((cells) => ({
      cells: cells.slice(0, n).map(unguardCell),
      rowNumber: Number(cells[n]),
      code: cells[n + 1] ?? '',
      message: cells[n + 2] ?? '',
    })),
  };
}

/** Quotes a cell when it holds the delimiter, a quote, a line break, or edge spaces. */
export function csvCell(cell: string, delimiter = ','): string {
  return cell.includes(delimiter) || /["\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** The CSV of the header and the rows, `\r\n` line ends as spreadsheets write them. */
export function buildCsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>, delimiter = ','): string {
  return [header, ...rows].map((r) => r.map((c) => csvCell(c, delimiter)).join(delimiter)).join('\r\n') + '\r\n';
}
