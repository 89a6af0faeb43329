import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable', () => {
  it('shows an escape sequence as text, so that it cannot drive the terminal', () => {
    expect(printable('\u001b[2J\u001b]0;owned\u0007Bill')).toBe('\\x1b[2J\\x1b]0;owned\\x07Bill');
  });

  it('escapes line breaks and tabs inside a value, so that a value cannot forge a line of output', () => {
    expect(printable('S001\nJob 1: COMPLETED\r\tok')).toBe('S001\\nJob 1: COMPLETED\\r\\tok');
  });

  it('escapes NUL, DEL and the C1 controls', () => {
    expect(printable('a\u0000b\u007fc\u0085d\u009be')).toBe('a\\x00b\\x7fc\\x85d\\x9be');
  });

  it('escapes bidirectional overrides and the Unicode line separators', () => {
    expect(printable('abc\u202edcb\u2066x\u2028y')).toBe('abc\\u202edcb\\u2066x\\u2028y');
  });

  it('leaves printable text alone: accents, scripts, emoji, quotes and backslashes', () => {
    const text = 'Café São Paulo, मुंबई, 東京 🎉 "quoted" C:\\exports\\file.csv';
    expect(printable(text)).toBe(text);
  });
});
