import { describe, expect, it } from 'vitest';
import { errorReportRows, successReportRow } from './report-rows.js';

const rejected = (rowNumber: number, cells: string[], message = 'Tracked Value "abc" is not a decimal number') => ({ rowNumber, cells, code: 'INVALID_NUMBER', message });

describe('errorReportRows', () => {
  it('adds row_number, error_code and error_message after the header and after each row', () => {
    const rows = errorReportRows(['Mobile', 'Value']);
    expect(rows.header).toEqual(['Mobile', 'Value', 'row_number', 'error_code', 'error_message']);
    expect(rows.row(rejected(4, ['919876543210', 'abc']))).toEqual(['919876543210', 'abc', '4', 'INVALID_NUMBER', 'Tracked Value "abc" is not a decimal number']);
  });

  it('replaces the three columns of a file that is itself an error report, dropping the old values', () => {
    const rows = errorReportRows(['Mobile', 'Value', 'Row_Number', 'ERROR_CODE', ' error_message ']);
    expect(rows.header).toEqual(['Mobile', 'Value', 'row_number', 'error_code', 'error_message']);
    expect(rows.row(rejected(2, ['919876543210', 'abc', '7', 'INVALID_NUMBER', 'old message']))).toEqual([
      '919876543210',
      'abc',
      '2',
      'INVALID_NUMBER',
      'Tracked Value "abc" is not a decimal number',
    ]);
  });

  it('keeps the cells of a row of another width as they were, a short one padded', () => {
    const rows = errorReportRows(['Mobile', 'Value', 'row_number', 'error_code', 'error_message']);
    expect(rows.row(rejected(3, ['919876543210']))).toEqual(['919876543210', '', '3', 'INVALID_NUMBER', 'Tracked Value "abc" is not a decimal number']);
    expect(rows.row(rejected(3, ['a', 'b', 'c']))).toEqual(['a', 'b', 'c', '3', 'INVALID_NUMBER', 'Tracked Value "abc" is not a decimal number']);
  });

  it('guards every cell that would start a formula: the file\'s cells, its header and the message', () => {
    const rows = errorReportRows(['=Mobile', 'Value']);
    expect(rows.header).toEqual(["'=Mobile", 'Value', 'row_number', 'error_code', 'error_message']);
    expect(rows.row(rejected(2, ['@SUM(1)', '-12.5'], '=bad'))).toEqual(["'@SUM(1)", '-12.5', '2', 'INVALID_NUMBER', "'=bad"]);
  });

  it('has no header for a file without one', () => {
    expect(errorReportRows(null).header).toBeNull();
    expect(errorReportRows(null).row(rejected(1, ['a']))).toEqual(['a', '1', 'INVALID_NUMBER', 'Tracked Value "abc" is not a decimal number']);
  });
});

describe('successReportRow', () => {
  it('writes null empty, numbers as text and guards formulas from the org\'s data', () => {
    expect(successReportRow([2, 1001, null, '=HYPERLINK("x")', '@SUM(1)', -4.75])).toEqual(['2', '1001', '', `'=HYPERLINK("x")`, "'@SUM(1)", '-4.75']);
  });
});
