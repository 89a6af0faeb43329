import { afterEach, describe, expect, it, vi } from 'vitest';
import { envNumber } from './env-number.js';

describe('envNumber', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads a number the variable holds, and the default when it is unset or empty', () => {
    expect(envNumber('X_ROWS', 5_000, undefined, { X_ROWS: '2000' })).toBe(2_000);
    expect(envNumber('X_ROWS', 5_000, undefined, { X_ROWS: '0.5' })).toBe(0.5);
    expect(envNumber('X_ROWS', 5_000, undefined, {})).toBe(5_000);
    expect(envNumber('X_ROWS', 5_000, undefined, { X_ROWS: ' ' })).toBe(5_000);
  });

  it('says once on standard error that a value it does not take is ignored, naming the default', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    expect(envNumber('X_MAX_MB', 100, undefined, { X_MAX_MB: 'abc' })).toBe(100);
    expect(envNumber('X_MAX_MB', 100, undefined, { X_MAX_MB: 'abc' })).toBe(100);
    expect(envNumber('X_CHUNK', 5_000, (n) => Number.isInteger(n) && n > 0, { X_CHUNK: '2.5' })).toBe(5_000);
    expect(envNumber('X_NEGATIVE', 7, undefined, { X_NEGATIVE: '-1' })).toBe(7);
    expect(written).toEqual([
      'loyalty-import: X_MAX_MB="abc" is not a value it accepts; ignored, the default 100 is used\n',
      'loyalty-import: X_CHUNK="2.5" is not a value it accepts; ignored, the default 5000 is used\n',
      'loyalty-import: X_NEGATIVE="-1" is not a value it accepts; ignored, the default 7 is used\n',
    ]);
  });
});
