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

/**
 * Reads an error report's text. The last three cells of every row are the report's own, also on
 * a row that had more cells than the header (`WRONG_COLUMN_COUNT`): its cells past the header's
 * last column are kept in that column, joined by the delimiter as the file had them, so that
 * nothing of the row is lost in the grid.
 */
export function readErrorReport(text: string, delimiter = ','): ErrorReport {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: true });
  const [head, ...body] = parsed.data;
  if (!head) return { header: [], rows: [] };
  const n = head.length - REPORT_COLUMNS.length;
  const tail = head.slice(n).map((h) => h.trim().toLowerCase());
  if (n < 0 || tail.join() !== REPORT_COLUMNS.join()) throw new Error(`This is not an error report: its last columns are not ${REPORT_COLUMNS.join(', ')}`);
  return {
    header: head.slice(0, n),
    rows: body.map((row) => {
      const own = Math.max(0, row.length - REPORT_COLUMNS.length);
      const cells = row.slice(0, own).map(unguardCell);
      const fitted = cells.length > n && n > 0 ? [...cells.slice(0, n - 1), cells.slice(n - 1).join(delimiter)] : cells;
      return {
        cells: [...fitted, ...new Array<string>(Math.max(0, n - fitted.length)).fill('')],
        rowNumber: Number(row[own]),
        code: row[own + 1] ?? '',
        message: row[own + 2] ?? '',
      };
    }),
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
