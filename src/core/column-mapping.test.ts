import { describe, expect, it } from 'vitest';
import { type ColumnMapping, foldName, type MappableField, resolveMapping } from './column-mapping.js';
import { FileError } from './error-codes.js';

const FIELDS: readonly MappableField[] = [
  { key: 'customer', label: 'Mobile/Email/External ID/User ID', names: ['Customer', 'Mobile', 'Mobile Number', 'Phone'] },
  { key: 'billNumber', label: 'Bill Number', names: ['Bill No', 'Bill', 'Invoice Number'] },
  { key: 'transactionDate', label: 'Transaction Date', names: ['Bill Date', 'Date'] },
  { key: 'storeCode', label: 'Store Code', names: ['Store'] },
  { key: 'trackedValue', label: 'Tracked Value', names: ['Value'] },
];

const MANDATORY = ['customer', 'billNumber', 'transactionDate', 'storeCode', 'trackedValue'];

function resolve(
  header: string[] | null,
  options: { mapping?: Record<string, string | number>; mandatory?: string[]; defaults?: Record<string, string>; columnCount?: number } = {},
): ColumnMapping {
  return resolveMapping({
    header,
    columnCount: options.columnCount ?? header?.length ?? 0,
    fields: FIELDS,
    mapping: options.mapping ?? {},
    mandatory: options.mandatory ?? MANDATORY,
    defaults: options.defaults ?? {},
  });
}

/** The FileError `fn` throws, or a failure when it throws none. */
function fileErrorOf(fn: () => unknown): FileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  throw new Error('expected a FileError, none was thrown');
}

describe('resolveMapping: explicit mapping', () => {
  it('maps a field to a header by its text, trimmed and case-insensitive', () => {
    const header = ['Phone', 'INVOICE', 'When', 'Shop', 'Amount'];
    const result = resolve(header, { mapping: { customer: 'phone', billNumber: '  invoice ', transactionDate: 'WHEN', storeCode: 'Shop', trackedValue: 'amount' } });
    expect(result).toEqual({ columns: { customer: 0, billNumber: 1, transactionDate: 2, storeCode: 3, trackedValue: 4 }, autoMapped: {} });
  });

  it('maps a field to a 1-based column number', () => {
    const result = resolve(['a', 'b', 'c', 'd', 'e'], { mapping: { customer: 1, billNumber: 2, transactionDate: 3, storeCode: 4, trackedValue: 5 } });
    expect(result).toEqual({ columns: { customer: 0, billNumber: 1, transactionDate: 2, storeCode: 3, trackedValue: 4 }, autoMapped: {} });
  });

  it('maps by column number in a file without a header', () => {
    const result = resolve(null, { columnCount: 5, mapping: { customer: 5, billNumber: 4, transactionDate: 3, storeCode: 2, trackedValue: 1 } });
    expect(result).toEqual({ columns: { customer: 4, billNumber: 3, transactionDate: 2, storeCode: 1, trackedValue: 0 }, autoMapped: {} });
  });

  it('lets the mapping win over a header that would match another field automatically', () => {
    // "Value" would match trackedValue automatically; the mapping gives it to trackedValue's column "Amount" instead.
    const header = ['Mobile', 'Bill No', 'Date', 'Store', 'Value', 'Amount'];
    const result = resolve(header, { mapping: { trackedValue: 'Amount' } });
    expect(result.columns).toEqual({ customer: 0, billNumber: 1, transactionDate: 2, storeCode: 3, trackedValue: 5 });
    expect(result.autoMapped).toEqual({ customer: 'Mobile', billNumber: 'Bill No', transactionDate: 'Date', storeCode: 'Store' });
  });

  it('does not match a mapped column again to another field', () => {
    const header = ['Mobile', 'Bill No', 'Date', 'Store', 'Value'];
    const error = fileErrorOf(() => resolve(header, { mapping: { storeCode: 'Value' } }));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toMatch(/^Mandatory field "trackedValue" \(Tracked Value\) has no column/);
  });
});

describe('resolveMapping: automatic matching', () => {
  it.each([['Bill No'], ['bill_number'], ['BillNumber'], ['Bill Number'], ['BILL-NO.'], ['bill no']])(
    'matches billNumber to the header %j and reports it',
    (billHeader) => {
      const result = resolve(['Mobile', billHeader, 'Transaction Date', 'Store Code', 'Tracked Value']);
      expect(result.columns.billNumber).toBe(1);
      expect(result.autoMapped.billNumber).toBe(billHeader);
    },
  );

  it('matches every field by its label or spellings and reports each match with the header text', () => {
    const result = resolve(['Tracked Value', 'Store', 'bill_date', 'Bill No', 'Mobile Number']);
    expect(result).toEqual({
      columns: { trackedValue: 0, storeCode: 1, transactionDate: 2, billNumber: 3, customer: 4 },
      autoMapped: { trackedValue: 'Tracked Value', storeCode: 'Store', transactionDate: 'bill_date', billNumber: 'Bill No', customer: 'Mobile Number' },
    });
  });

  it('matches the field key itself', () => {
    const result = resolve(['customer', 'billNumber', 'transactionDate', 'storeCode', 'trackedValue']);
    expect(result.columns).toEqual({ customer: 0, billNumber: 1, transactionDate: 2, storeCode: 3, trackedValue: 4 });
  });

  it('leaves an optional field without a matching header unmapped', () => {
    const result = resolve(['Mobile', 'Bill No', 'Date', 'Store', 'Value', 'Notes'], { mandatory: ['customer'] });
    expect(result.columns).toEqual({ customer: 0, billNumber: 1, transactionDate: 2, storeCode: 3, trackedValue: 4 });
  });

  it('folds names: case, spaces, underscores and punctuation do not count', () => {
    expect(foldName('Bill No.')).toBe('billno');
    expect(foldName('bill_no')).toBe('billno');
    expect(foldName('BillNo')).toBe('billno');
    expect(foldName(' Transaction-Date ')).toBe('transactiondate');
  });
});

describe('resolveMapping: MISSING_COLUMN', () => {
  it('names the field and the header when a mapped header is not in the file', () => {
    const error = fileErrorOf(() => resolve(['Mobile', 'Bill No', 'Date', 'Store', 'Value'], { mapping: { trackedValue: 'Amount' } }));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toBe(
      'Field "trackedValue" is mapped to header "Amount", which is not in the file; its headers are "Mobile", "Bill No", "Date", "Store", "Value"',
    );
  });

  it('names the field and the column when a mapped column number is past the last column', () => {
    const error = fileErrorOf(() => resolve(['Mobile', 'Bill No', 'Date', 'Store'], { mapping: { trackedValue: 5 } }));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toBe('Field "trackedValue" is mapped to column 5, but the file has 4 columns');
  });

  it('names the field when a header is mapped in a file without a header row', () => {
    const error = fileErrorOf(() => resolve(null, { columnCount: 5, mapping: { customer: 'Mobile' } }));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toMatch(/^Field "customer" is mapped to header "Mobile", but the template says the file has no header row/);
  });

  it('names the field and its label when a mandatory field is neither mapped nor matched', () => {
    const error = fileErrorOf(() => resolve(['Mobile', 'Bill No', 'Date', 'Value']));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toMatch(/^Mandatory field "storeCode" \(Store Code\) has no column/);
    expect(error.message).toContain('"Mobile", "Bill No", "Date", "Value"');
  });

  it('names the field when a file without a header leaves a mandatory field unmapped', () => {
    const error = fileErrorOf(() => resolve(null, { columnCount: 5, mapping: { customer: 1, billNumber: 2, transactionDate: 3, storeCode: 4 } }));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toMatch(/^Mandatory field "trackedValue" \(Tracked Value\) has no column/);
  });

  it('accepts a mandatory field without a column when it has a default', () => {
    const result = resolve(['Mobile', 'Bill No', 'Date', 'Value'], { defaults: { storeCode: 'S001' } });
    expect(result.columns).toEqual({ customer: 0, billNumber: 1, transactionDate: 2, trackedValue: 3 });
  });
});

describe('resolveMapping: DUPLICATE_COLUMN', () => {
  it('refuses a header that a mapped field names twice, naming the header and both columns', () => {
    const error = fileErrorOf(() => resolve(['Mobile', 'Bill No', 'Date', 'Shop', 'Value', 'shop '], { mapping: { storeCode: 'Shop' } }));
    expect(error.code).toBe('DUPLICATE_COLUMN');
    expect(error.message).toBe(
      `The header has "Shop" (column 4) and "shop" (column 6), the same name more than once, and field "storeCode" reads that column; rename or remove all but one of them, or map the field to a column number in the template's "mapping"`,
    );
  });

  it('refuses a header that an automatically matched field finds twice', () => {
    const error = fileErrorOf(() => resolve(['Mobile', 'Store', 'Bill No', 'Date', 'Value', 'Store']));
    expect(error.code).toBe('DUPLICATE_COLUMN');
    expect(error.message).toMatch(/^The header has "Store" twice, in columns 2 and 6, and field "storeCode" reads that column;/);
  });

  it('refuses two spellings that fold to the same name when a field matches them automatically', () => {
    const error = fileErrorOf(() => resolve(['Mobile', 'Bill No', 'Date', 'Store', 'Value', 'bill_no']));
    expect(error.code).toBe('DUPLICATE_COLUMN');
    expect(error.message).toMatch(/"Bill No" \(column 2\) and "bill_no" \(column 6\)/);
    expect(error.message).toContain('field "billNumber"');
  });

  it('names every column of a header that appears three times', () => {
    const error = fileErrorOf(() => resolve(['Value', 'Mobile', 'Value', 'Bill No', 'Date', 'Store', 'Value']));
    expect(error.message).toMatch(/"Value" 3 times, in columns 1, 3 and 7/);
  });

  it('accepts a duplicated header that no field reads', () => {
    const result = resolve(['Mobile', 'Notes', 'Bill No', 'Date', 'Store', 'Value', 'Notes']);
    expect(result.columns).toEqual({ customer: 0, billNumber: 2, transactionDate: 3, storeCode: 4, trackedValue: 5 });
  });

  it('accepts a duplicated header when the field is mapped to one of its columns by number', () => {
    const result = resolve(['Mobile', 'Store', 'Bill No', 'Date', 'Value', 'Store'], { mapping: { storeCode: 6 } });
    expect(result.columns.storeCode).toBe(5);
  });

  it('lets the first of two different spellings win, as before', () => {
    const result = resolve(['Mobile', 'Store', 'Bill No', 'Date', 'Value', 'Store Code']);
    expect(result.columns.storeCode).toBe(1);
    expect(result.autoMapped.storeCode).toBe('Store');
  });
});

describe('resolveMapping: header text in messages', () => {
  it('shows control characters of a header escaped, so that printing a message cannot drive a terminal', () => {
    const error = fileErrorOf(() => resolve(['Mobile', 'Bill No', 'Date', 'Store', '\u001b[2JValue\u0007']));
    expect(error.code).toBe('MISSING_COLUMN');
    expect(error.message).toContain('"\\u001b[2JValue\\u0007"');
    expect(error.message).not.toContain('\u001b');
  });
});
