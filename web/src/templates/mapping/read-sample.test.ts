import { describe, expect, it } from 'vitest';
import { readSample } from './read-sample';

describe('readSample', () => {
  it('reads the header and the first rows, trimmed, after the rows skipped at the top', () => {
    const s = readSample('\uFEFFExported 2025-03-01\nMobile , Bill No,Value\n9190,B-1,"12,5"\n9191,B-2,3\n9192,B-3,4\n9193,B-4,5\n', { delimiter: ',', header: true, skipTop: 1 });
    expect(s.header).toEqual(['Mobile', 'Bill No', 'Value']);
    expect(s.columns).toBe(3);
    expect(s.rows).toEqual([
      ['9190', 'B-1', '12,5'],
      ['9191', 'B-2', '3'],
      ['9192', 'B-3', '4'],
    ]);
    expect(s.betterDelimiter).toBeNull();
  });

  it('numbers the columns of a file without a header', () => {
    const s = readSample('9190,B-1\n', { delimiter: ',', header: false, skipTop: 0 });
    expect(s.header).toBeNull();
    expect(s.columns).toBe(2);
    expect(s.rows).toEqual([['9190', 'B-1']]);
  });

  it('suggests the delimiter that splits the header', () => {
    expect(readSample('Mobile;Points\n9190;5\n', { delimiter: ',', header: true, skipTop: 0 }).betterDelimiter).toBe(';');
  });
});
