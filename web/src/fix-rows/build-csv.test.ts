import { describe, expect, it } from 'vitest';
import { buildCsv, csvCell, readErrorReport, unguardCell } from './build-csv';

describe('readErrorReport', () => {
  it('splits the file columns from the row number, code and message', () => {
    const text = '\uFEFFMobile,Bill No,Value,row_number,error_code,error_message\r\n919000000001,B-1,"12,5",4,INVALID_NUMBER,"Tracked Value ""12,5"" is not a decimal"\r\n';
    const report = readErrorReport(text);
    expect(report.header).toEqual(['Mobile', 'Bill No', 'Value']);
    expect(report.rows).toEqual([{ cells: ['919000000001', 'B-1', '12,5'], rowNumber: 4, code: 'INVALID_NUMBER', message: 'Tracked Value "12,5" is not a decimal' }]);
  });

  it('reads a row with more cells than the header by its last three cells, its extra cells kept in the last column', () => {
    const text =
      'Mobile,Bill No,Value,row_number,error_code,error_message\r\n' +
      '919000000002,B-2,12,5x,3,WRONG_COLUMN_COUNT,The row has 4 cells; the header has 3\r\n' +
      '919000000003,7,WRONG_COLUMN_COUNT,The row has 1 cell; the header has 3\r\n';
    const report = readErrorReport(text);
    expect(report.rows).toEqual([
      { cells: ['919000000002', 'B-2', '12,5x'], rowNumber: 3, code: 'WRONG_COLUMN_COUNT', message: 'The row has 4 cells; the header has 3' },
      { cells: ['919000000003', '', ''], rowNumber: 7, code: 'WRONG_COLUMN_COUNT', message: 'The row has 1 cell; the header has 3' },
    ]);
  });

  it('removes the formula guard of a cell', () => {
    expect(unguardCell("'-5")).toBe('-5');
    expect(unguardCell("'=SUM(A1)")).toBe('=SUM(A1)');
    expect(unguardCell("it's")).toBe("it's");
  });

  it('refuses a file that is not an error report', () => {
    expect(() => readErrorReport('a,b\n1,2\n')).toThrow(/not an error report/);
  });
});

describe('buildCsv', () => {
  it('writes the header and the rows, quoting what needs it', () => {
    expect(buildCsv(['Mobile', 'Value'], [['919000000001', '12.5'], ['9190, 2', 'say "hi"']])).toBe('Mobile,Value\r\n919000000001,12.5\r\n"9190, 2","say ""hi"""\r\n');
  });

  it('uses the template delimiter', () => {
    expect(buildCsv(['a', 'b'], [['1;2', '3']], ';')).toBe('a;b\r\n"1;2";3\r\n');
    expect(csvCell(' padded ')).toBe('" padded "');
  });

  it('round-trips through the report reader', () => {
    const csv = buildCsv(['A', 'B', 'row_number', 'error_code', 'error_message'], [['x,1', 'line\nbreak', '7', 'MISSING_VALUE', 'B is empty']]);
    expect(readErrorReport(csv).rows[0]).toEqual({ cells: ['x,1', 'line\nbreak'], rowNumber: 7, code: 'MISSING_VALUE', message: 'B is empty' });
  });
});
