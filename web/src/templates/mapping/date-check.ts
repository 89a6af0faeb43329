/**
 * Whether a sample file's dates read with the template's date format: a check in the browser, so
 * that the column step can say so before the template is saved and every row is rejected as
 * INVALID_DATE. The server's reader is the authority; this one errs on the side of silence: a
 * pattern it does not know is not checked.
 */

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Unicode date tokens, longest first, and what each reads. */
const TOKENS: Array<[string, string]> = [
  ['yyyy', '\\d{4}'],
  ['yy', '\\d{2}'],
  ['MMMM', '[A-Za-z]+'],
  ['MMM', '[A-Za-z]{3}'],
  ['MM', '\\d{2}'],
  ['M', '\\d{1,2}'],
  ['dd', '\\d{2}'],
  ['d', '\\d{1,2}'],
  ['HH', '\\d{2}'],
  ['H', '\\d{1,2}'],
  ['hh', '\\d{2}'],
  ['h', '\\d{1,2}'],
  ['mm', '\\d{2}'],
  ['m', '\\d{1,2}'],
  ['ss', '\\d{2}'],
  ['s', '\\d{1,2}'],
  ['SSS', '\\d{3}'],
  ['a', '[AaPp][Mm]'],
  ['XXX', '(?:Z|[+-]\\d{2}:\\d{2})'],
  ['xxx', '[+-]\\d{2}:\\d{2}'],
];

/** The regular expression of a date pattern, or null when it uses a token not known here. */
export function patternRegex(format: string): RegExp | null {
  let out = '';
  for (let i = 0; i < format.length; ) {
    const c = format[i]!;
    if (c === "'") {
      const end = format.indexOf("'", i + 1);
      if (end < 0) return null;
      out += format.slice(i + 1, end).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      const token = TOKENS.find(([t]) => format.startsWith(t, i));
      if (!token) return null;
      out += token[1];
      i += token[0].length;
      continue;
    }
    out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i++;
  }
  return new RegExp(`^${out}$`);
}

/** The first sample value the template's date format (ISO 8601 when none) cannot read, or null. */
export function unreadableDate(samples: readonly string[], format: string | null | undefined): string | null {
  const re = format ? patternRegex(format) : ISO;
  if (!re) return null;
  return samples.map((s) => s.trim()).find((s) => s !== '' && !re.test(s)) ?? null;
}
