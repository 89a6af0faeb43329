import { describe, expect, it } from 'vitest';
import { guardCell, reportCell, unguardCell } from './csv-cell.js';

describe('the formula guard', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['+91 98765 43210', "'+91 98765 43210"],
    ['-x1', "'-x1"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', "'\rCR"],
  ])('writes %j, which would start a formula, with a leading quote', (cell, guarded) => {
    expect(guardCell(cell)).toBe(guarded);
    expect(unguardCell(guardCell(cell))).toBe(cell);
  });

  it.each([['-12.5'], ['+4'], ['1e5'], ['-.5'], ['S001'], [''], ["it's"], ['a=b']])('leaves %j, a number or text that starts no formula, as it is', (cell) => {
    expect(guardCell(cell)).toBe(cell);
    expect(unguardCell(cell)).toBe(cell);
  });

  it('writes a report value: null empty, a number as its text, a formula guarded', () => {
    expect([null, 1001, -4.75, '=1+1', '2025-03-01T10:15:00+05:30'].map(reportCell)).toEqual(['', '1001', '-4.75', "'=1+1", '2025-03-01T10:15:00+05:30']);
  });
});
