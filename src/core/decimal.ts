import Big from 'big.js';

/** Decimals are exact strings end to end; this module is the only place that does arithmetic. */

const DECIMAL = /^[+-]?(?:\d+(?:\.(\d*))?|\.(\d+))$/;
export const MAX_SCALE = 6;

export type DecimalParse = { ok: true; value: string } | { ok: false; reason: 'syntax' | 'scale' };

/** Parses a decimal cell (a point as separator, at most 6 decimals) into its canonical string. */
export function parseDecimal(text: string): DecimalParse {
  const m = DECIMAL.exec(text);
  if (!m) return { ok: false, reason: 'syntax' };
  const fraction = m[1] ?? m[2] ?? '';
  if (fraction.replace(/0+$/, '').length > MAX_SCALE) return { ok: false, reason: 'scale' };
  return { ok: true, value: CANONICAL.test(text) ? text : canonical(text) };
}

/** Already the shortest exact form (most cells are): no sign but -, no padding zeros. */
const CANONICAL = /^(?:0|-?(?:[1-9]\d*(?:\.\d*[1-9])?|0\.\d*[1-9]))$/;

/** The shortest exact form: no exponent, no leading or trailing zeros, no negative zero. */
export function canonical(text: string): string {
  const b = new Big(text.startsWith('+') ? text.slice(1) : text);
  return b.eq(0) ? '0' : b.toFixed();
}

/** Exact sum of decimal strings. */
export function sum(values: Iterable<string>): string {
  let total = new Big(0);
  for (const v of values) total = total.plus(v);
  return canonical(total.toFixed());
}

const POSITIVE_INTEGER = /^\+?0*[1-9]\d{0,14}$/;

/** Parses a positive integer that fits a JavaScript number exactly (ids), or null. */
export function parsePositiveInteger(text: string): number | null {
  return POSITIVE_INTEGER.test(text) ? Number(text) : null;
}
