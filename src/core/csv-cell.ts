/**
 * The formula guard of every CSV the product writes. A spreadsheet runs a cell that starts with
 * `=`, `+`, `-` or `@` (and, in some, a tab or a carriage return) as a formula, so a value from a
 * file or from the org's data (`=HYPERLINK(…)`, `@SUM(…)`) would run on the operator's machine
 * when a report is opened. Such a cell is written with a leading `'`, which spreadsheets show as
 * text; a number (`-12.5`, `+4`) is left alone, since it computes nothing. Reading a file drops
 * the `'` again, so that an error report imports as the next file.
 */

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const GUARDED = /^'[=+\-@\t\r]/;

/** A cell as a report writes it: `=cmd()` becomes `'=cmd()`; numbers and other text are unchanged. */
export function guardCell(cell: string): string {
  return FORMULA_START.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}

/** A cell as the import reads it: the `'` that `guardCell` put before a formula start is dropped. */
export function unguardCell(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}

/** A report's value as a guarded cell: null is empty, a number is its decimal text. */
export function reportCell(value: string | number | null): string {
  return value === null ? '' : guardCell(String(value));
}
