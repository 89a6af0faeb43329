import { describe, expect, it } from 'vitest';
import type { CsvRecord } from './csv-reader.js';
import { compileDateFormat, type DateParser, parseIsoDate } from './date-format.js';
import type { FieldDefinition } from './fields.js';
import { createRowParser, type RowParse } from './row-parser.js';

const FIELDS: readonly FieldDefinition[] = [
  { key: 'customer', label: 'Mobile', type: 'string', aliases: [] },
  { key: 'billNumber', label: 'Bill Number', type: 'string', aliases: [] },
  { key: 'transactionDate', label: 'Transaction Date', type: 'datetime', aliases: [] },
  { key: 'storeCode', label: 'Store Code', type: 'string', aliases: [] },
  { key: 'loyaltyLogId', label: 'Loyalty Log Id', type: 'integer', aliases: [] },
  { key: 'trackedValue', label: 'Tracked Value', type: 'decimal', aliases: [] },
  { key: 'points', label: 'Points', type: 'points', aliases: [] },
];

// Columns of the file the tests read: Mobile, Bill Number, Date, Store, Log Id, Value.
const COLUMNS = { customer: 0, billNumber: 1, transactionDate: 2, storeCode: 3, loyaltyLogId: 4, trackedValue: 5 };

function parser(
  options: { mandatory?: string[]; optional?: string[]; defaults?: Record<string, string>; columns?: Record<string, number>; dateFormat?: string | null } = {},
): (record: CsvRecord) => RowParse {
  const dateFormat = options.dateFormat === undefined ? 'dd/MM/yyyy HH:mm' : options.dateFormat;
  const dates: DateParser = dateFormat ? compileDateFormat(dateFormat) : parseIsoDate;
  return createRowParser({
    fields: FIELDS,
    columns: options.columns ?? COLUMNS,
    mandatory: options.mandatory ?? ['customer', 'billNumber', 'transactionDate', 'storeCode', 'trackedValue'],
    optional: options.optional ?? ['loyaltyLogId'],
    defaults: options.defaults ?? {},
    expectedCells: 6,
    dates,
    dateFormat,
  });
}

const record = (rowNumber: number, cells: string[]): CsvRecord => ({ rowNumber, cells });

/** The issue of a rejected row, or a failure when the row was accepted. */
function issueOf(result: RowParse) {
  if (result.ok) throw new Error(`expected a rejected row, got ${JSON.stringify(result.row.values)}`);
  return result.issue;
}

/** The values of an accepted row, or a failure when the row was rejected. */
function valuesOf(result: RowParse) {
  if (!result.ok) throw new Error(`expected an accepted row, got ${result.issue.code}: ${result.issue.message}`);
  return result.row.values;
}

describe('createRowParser: a good row', () => {
  it('parses every field as its type says and keeps the row number, cells and raw text', () => {
    const cells = ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', '90001', '12.50'];
    const result = parser()(record(7, cells));
    expect(result).toEqual({
      ok: true,
      row: {
        rowNumber: 7,
        cells,
        values: {
          customer: '919876543210',
          billNumber: 'B-1',
          transactionDate: { year: 2025, month: 3, day: 1, hour: 10, minute: 15, second: 0, millisecond: 0, offsetMinutes: null },
          storeCode: 'S001',
          trackedValue: '12.5',
          loyaltyLogId: 90001,
        },
        raw: { customer: '919876543210', billNumber: 'B-1', transactionDate: '01/03/2025 10:15', storeCode: 'S001', trackedValue: '12.50', loyaltyLogId: '90001' },
      },
    });
  });

  it('reads a negative decimal', () => {
    expect(valuesOf(parser()(record(2, ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', '', '-2.50']))).trackedValue).toBe('-2.5');
  });

  it('reads a decimal with a leading + (and does not throw)', () => {
    expect(valuesOf(parser()(record(2, ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', '', '+2.50']))).trackedValue).toBe('2.5');
  });

  it('leaves an empty optional field out of the values', () => {
    const values = valuesOf(parser()(record(2, ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', '', '3'])));
    expect(values).not.toHaveProperty('loyaltyLogId');
    expect(values.trackedValue).toBe('3');
  });
});

describe('createRowParser: defaults', () => {
  it('uses the default of a field whose column is absent from the file', () => {
    const columns = { customer: 0, billNumber: 1, transactionDate: 2, trackedValue: 5 };
    const result = parser({ columns, defaults: { storeCode: 'S001' } })(record(2, ['919876543210', 'B-1', '01/03/2025 10:15', 'ignored', '', '3']));
    expect(valuesOf(result).storeCode).toBe('S001');
    expect(result.ok && result.row.raw.storeCode).toBe('S001');
  });

  it('uses the default for an empty cell, and the cell when it has a value', () => {
    const parse = parser({ defaults: { storeCode: 'S001' } });
    expect(valuesOf(parse(record(2, ['919876543210', 'B-1', '01/03/2025 10:15', '', '', '3']))).storeCode).toBe('S001');
    expect(valuesOf(parse(record(3, ['919876543210', 'B-1', '01/03/2025 10:15', 'S002', '', '3']))).storeCode).toBe('S002');
  });

  it('parses a default like a cell', () => {
    const parse = parser({ defaults: { trackedValue: '1.50' } });
    expect(valuesOf(parse(record(2, ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', '', '']))).trackedValue).toBe('1.5');
  });
});

describe('createRowParser: WRONG_COLUMN_COUNT', () => {
  it('rejects a row with fewer cells than the header', () => {
    expect(issueOf(parser()(record(4, ['919876543210', 'B-1', '01/03/2025 10:15'])))).toEqual({
      code: 'WRONG_COLUMN_COUNT',
      field: null,
      value: null,
      message: 'The row has 3 cells; the header has 6',
    });
  });

  it('rejects a row with more cells than the header, before any other rule', () => {
    expect(issueOf(parser()(record(4, ['', 'B-1', 'not a date', 'S001', '', 'abc', 'extra'])))).toEqual({
      code: 'WRONG_COLUMN_COUNT',
      field: null,
      value: null,
      message: 'The row has 7 cells; the header has 6',
    });
  });

  it('says "1 cell" for a row of one cell', () => {
    expect(issueOf(parser()(record(4, ['919876543210']))).message).toBe('The row has 1 cell; the header has 6');
  });
});

describe('createRowParser: MISSING_VALUE', () => {
  it('rejects a row whose mandatory field is empty, naming the field', () => {
    expect(issueOf(parser()(record(3, ['919876543210', '', '01/03/2025 10:15', 'S001', '', '3'])))).toEqual({
      code: 'MISSING_VALUE',
      field: 'billNumber',
      value: null,
      message: 'Bill Number is empty; it is mandatory',
    });
  });

  it('reports the first mandatory field that is missing', () => {
    const issue = issueOf(parser()(record(3, ['', 'B-1', '01/03/2025 10:15', '', '', ''])));
    expect([issue.code, issue.field]).toEqual(['MISSING_VALUE', 'customer']);
  });

  it('rejects a mandatory field that has no column and no default', () => {
    const columns = { customer: 0, billNumber: 1, transactionDate: 2, storeCode: 3 };
    const issue = issueOf(parser({ columns })(record(3, ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', '', '3'])));
    expect([issue.code, issue.field]).toEqual(['MISSING_VALUE', 'trackedValue']);
  });

  it('lets MISSING_VALUE win over INVALID_NUMBER on the same row', () => {
    const issue = issueOf(parser()(record(5, ['', 'B-1', '01/03/2025 10:15', 'S001', '', 'abc'])));
    expect([issue.code, issue.field]).toEqual(['MISSING_VALUE', 'customer']);
  });

  it('lets MISSING_VALUE of a later field win over INVALID_DATE of an earlier one', () => {
    const issue = issueOf(parser()(record(5, ['919876543210', 'B-1', '31/02/2025 10:15', 'S001', '', ''])));
    expect([issue.code, issue.field]).toEqual(['MISSING_VALUE', 'trackedValue']);
  });
});

describe('createRowParser: INVALID_NUMBER', () => {
  const cellsWithValue = (value: string) => ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', '', value];

  it('rejects a decimal comma', () => {
    expect(issueOf(parser()(record(2, cellsWithValue('1,5'))))).toEqual({
      code: 'INVALID_NUMBER',
      field: 'trackedValue',
      value: '1,5',
      message: 'Tracked Value "1,5" is not a decimal number; use a point as the decimal separator and no thousands separator',
    });
  });

  it('rejects a word', () => {
    const issue = issueOf(parser()(record(2, cellsWithValue('abc'))));
    expect([issue.code, issue.field, issue.value]).toEqual(['INVALID_NUMBER', 'trackedValue', 'abc']);
  });

  it('rejects 7 decimals, saying so', () => {
    expect(issueOf(parser()(record(2, cellsWithValue('1.1234567'))))).toEqual({
      code: 'INVALID_NUMBER',
      field: 'trackedValue',
      value: '1.1234567',
      message: 'Tracked Value "1.1234567" has more than 6 decimals',
    });
  });

  it('rejects an integer field that is zero, negative or fractional', () => {
    for (const id of ['0', '-5', '1.5', 'L-1']) {
      const cells = ['919876543210', 'B-1', '01/03/2025 10:15', 'S001', id, '3'];
      expect(issueOf(parser()(record(2, cells))), id).toEqual({
        code: 'INVALID_NUMBER',
        field: 'loyaltyLogId',
        value: id,
        message: `Loyalty Log Id "${id}" is not a positive whole number`,
      });
    }
  });
});

describe('createRowParser: INVALID_DATE', () => {
  it('rejects a date that does not follow the format, naming the format', () => {
    expect(issueOf(parser()(record(2, ['919876543210', 'B-1', '2025-03-01 10:15', 'S001', '', '3'])))).toEqual({
      code: 'INVALID_DATE',
      field: 'transactionDate',
      value: '2025-03-01 10:15',
      message: `Transaction Date "2025-03-01 10:15" is not a date in the template's format (expected dd/MM/yyyy HH:mm)`,
    });
  });

  it('rejects a date that does not exist', () => {
    const issue = issueOf(parser()(record(2, ['919876543210', 'B-1', '31/02/2025 10:15', 'S001', '', '3'])));
    expect([issue.code, issue.field, issue.value]).toEqual(['INVALID_DATE', 'transactionDate', '31/02/2025 10:15']);
  });

  it('names ISO 8601 when the template has no format', () => {
    const issue = issueOf(parser({ dateFormat: null })(record(2, ['919876543210', 'B-1', '01/03/2025', 'S001', '', '3'])));
    expect(issue.code).toBe('INVALID_DATE');
    expect(issue.message).toBe(`Transaction Date "01/03/2025" is not a date in the template's format (expected ISO 8601, such as 2025-03-01 or 2025-03-01T10:15:00)`);
  });

  it('does not lengthen the message of the next rejected date', () => {
    const parse = parser();
    const first = issueOf(parse(record(2, ['919876543210', 'B-1', 'x', 'S001', '', '3'])));
    const second = issueOf(parse(record(3, ['919876543210', 'B-1', 'x', 'S001', '', '3'])));
    expect(second.message).toBe(first.message);
    expect(second.message).toBe(`Transaction Date "x" is not a date in the template's format (expected dd/MM/yyyy HH:mm)`);
  });
});

describe('createRowParser: INVALID_POINTS', () => {
  it('rejects points that are zero, negative or not a decimal', () => {
    const parse = createRowParser({
      fields: FIELDS,
      columns: { points: 0 },
      mandatory: ['points'],
      optional: [],
      defaults: {},
      expectedCells: 1,
      dates: parseIsoDate,
      dateFormat: null,
    });
    expect(valuesOf(parse(record(2, ['10.50']))).points).toBe('10.5');
    for (const text of ['0', '-1', '0.000', 'ten', '1,5', '1.1234567']) {
      const issue = issueOf(parse(record(2, [text])));
      expect([issue.code, issue.field, issue.value], text).toEqual(['INVALID_POINTS', 'points', text]);
    }
  });
});
