import { unguardCell } from './csv-cell.js';
import type { CsvRecord } from './csv-reader.js';
import type { DateParser } from './date-format.js';
import { parseDecimal, parsePositiveInteger } from './decimal.js';
import { type RowIssue, issue } from './error-codes.js';
import type { FieldDefinition, FieldType, FieldValue, ParsedRow } from './fields.js';

/**
 * The engine's own rules, the same for every profile: the row has the header's number of cells,
 * every mandatory field has a value (rule 1), and every value parses as its type says (rule 2).
 */

type Parse = (text: string, field: FieldDefinition, dates: DateParser) => FieldValue | RowIssue;

const PARSERS = {
  string: (text) => text,
  integer: (text, f) => parsePositiveInteger(text) ?? issue('INVALID_NUMBER', f.key, text, `${f.label} "${text}" is not a positive whole number`),
  decimal: (text, f) => {
    const d = parseDecimal(text);
    if (d.ok) return d.value;
    return issue(
      'INVALID_NUMBER',
      f.key,
      text,
      d.reason === 'scale'
        ? `${f.label} "${text}" has more than 6 decimals`
        : `${f.label} "${text}" is not a decimal number; use a point as the decimal separator and no thousands separator`,
    );
  },
  points: (text, f) => {
    const d = parseDecimal(text);
    if (!d.ok) {
      return issue('INVALID_POINTS', f.key, text, d.reason === 'scale' ? `${f.label} "${text}" has more than 6 decimals` : `${f.label} "${text}" is not a decimal number`);
    }
    if (d.value === '0' || d.value.startsWith('-')) return issue('INVALID_POINTS', f.key, text, `${f.label} "${text}" must be greater than zero`);
    return d.value;
  },
  datetime: (text, f, dates) => dates(text) ?? issue('INVALID_DATE', f.key, text, `${f.label} "${text}" is not a date in the template's format`),
} as const satisfies Record<FieldType, Parse>;

export interface RowParserOptions {
  fields: readonly FieldDefinition[];
  /** 0-based column per field key. */
  columns: Record<string, number>;
  mandatory: readonly string[];
  optional: readonly string[];
  defaults: Record<string, string>;
  /** Cells a row must have: the header's count, or the first data row's without a header. */
  expectedCells: number;
  dates: DateParser;
  dateFormat: string | null;
}

export type RowParse = { ok: true; row: ParsedRow } | { ok: false; issue: RowIssue };

/** Builds the parser that turns records into parsed rows or a row issue. */
export function createRowParser(options: RowParserOptions): (record: CsvRecord) => RowParse {
  const plan = [...options.mandatory.map((k) => ({ k, mandatory: true })), ...options.optional.map((k) => ({ k, mandatory: false }))].map(({ k, mandatory }) => {
    const field = options.fields.find((f) => f.key === k);
    if (!field) throw new Error(`profile field "${k}" is not declared`);
    return { field, column: options.columns[k], fallback: options.defaults[k], mandatory, parse: PARSERS[field.type] as Parse };
  });
  const dateHint = options.dateFormat ? ` (expected ${options.dateFormat})` : ' (expected ISO 8601, such as 2025-03-01 or 2025-03-01T10:15:00)';
  return (record) => {
    const cells = record.cells;
    if (cells.length !== options.expectedCells) {
      return {
        ok: false,
        issue: issue('WRONG_COLUMN_COUNT', null, null, `The row has ${cells.length} cell${cells.length === 1 ? '' : 's'}; the header has ${options.expectedCells}`),
      };
    }
    const raw: Record<string, string | undefined> = {};
    for (const p of plan) {
      let text = p.column === undefined ? '' : unguardCell(cells[p.column]!);
      if (text === '' && p.fallback !== undefined) text = p.fallback;
      if (text === '') {
        if (p.mandatory) return { ok: false, issue: issue('MISSING_VALUE', p.field.key, null, `${p.field.label} is empty; it is mandatory`) };
        continue;
      }
      raw[p.field.key] = text;
    }
    const values: Record<string, FieldValue | undefined> = {};
    for (const p of plan) {
      const text = raw[p.field.key];
      if (text === undefined) continue;
      const v = p.parse(text, p.field, options.dates);
      if (typeof v === 'object' && 'code' in v) {
        if (v.code === 'INVALID_DATE') v.message += dateHint;
        return { ok: false, issue: v };
      }
      values[p.field.key] = v;
    }
    return { ok: true, row: { rowNumber: record.rowNumber, cells, values, raw } };
  };
}
