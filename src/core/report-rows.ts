import { guardCell, reportCell } from './csv-cell.js';

/**
 * The rows of the reports, as the cells a CSV writer writes: every cell through the formula
 * guard, whichever writer (a file, an HTTP response) they go to.
 */

/** The columns an error report adds after the file's own. */
export const ERROR_REPORT_COLUMNS = ['row_number', 'error_code', 'error_message'] as const;

/** What an error report says of a rejected row. */
export interface RejectedRow {
  rowNumber: number;
  cells: readonly string[];
  code: string;
  message: string;
}

export interface ErrorReportRows {
  /** The header row, or null when the file had none. */
  header: string[] | null;
  /** A rejected row: its cells as they were, under the header, then the three columns. */
  row(rejected: RejectedRow): string[];
}

/**
 * The error report's layout for a file with this header. A file that is itself an error report
 * (its header ends with the three columns) has them replaced, not repeated, and its rows' old
 * values in them dropped, so that a report of a report still has them once, at the end, with
 * this job's values. A short row is padded, so that the three columns stand under their headers.
 */
export function errorReportRows(fileHeader: readonly string[] | null): ErrorReportRows {
  const replaces = fileHeader !== null && endsWithReportColumns(fileHeader);
  const own = fileHeader === null ? null : replaces ? fileHeader.slice(0, -ERROR_REPORT_COLUMNS.length) : [...fileHeader];
  const width = own?.length ?? 0;
  const cellsOf = (cells: readonly string[]): readonly string[] => {
    // Only a row of the report's full width is known to hold the old columns at its end.
    if (replaces && cells.length === fileHeader.length) return cells.slice(0, width);
    return cells.length >= width ? cells : [...cells, ...new Array<string>(width - cells.length).fill('')];
  };
  return {
    header: own === null ? null : [...own, ...ERROR_REPORT_COLUMNS].map(guardCell),
    row: (r) => [...cellsOf(r.cells).map(guardCell), String(r.rowNumber), guardCell(r.code), guardCell(r.message)],
  };
}

/** A success report's row as cells: null empty, numbers as their text, every cell guarded. */
export function successReportRow(values: ReadonlyArray<string | number | null>): string[] {
  return values.map(reportCell);
}

/** Whether a header ends with the three columns (as a spreadsheet may have re-cased them). */
function endsWithReportColumns(header: readonly string[]): boolean {
  if (header.length < ERROR_REPORT_COLUMNS.length) return false;
  const tail = header.slice(-ERROR_REPORT_COLUMNS.length).map((h) => h.trim().toLowerCase());
  return ERROR_REPORT_COLUMNS.every((c, i) => tail[i] === c);
}
