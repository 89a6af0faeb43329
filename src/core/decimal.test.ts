import { describe, expect, it } from 'vitest';
import { canonical, MAX_SCALE, parseDecimal, parsePositiveInteger, sum } from './decimal.js';

describe('parseDecimal', () => {
  it('reads decimals with a point into their shortest exact form', () => {
    expect(parseDecimal('12.50')).toEqual({ ok: true, value: '12.5' });
    expect(parseDecimal('3')).toEqual({ ok: true, value: '3' });
    expect(parseDecimal('00012.3400')).toEqual({ ok: true, value: '12.34' });
    expect(parseDecimal('.5')).toEqual({ ok: true, value: '0.5' });
    expect(parseDecimal('5.')).toEqual({ ok: true, value: '5' });
    expect(parseDecimal('0.000')).toEqual({ ok: true, value: '0' });
  });

  it('reads negative decimals, and -0 as 0', () => {
    expect(parseDecimal('-2.50')).toEqual({ ok: true, value: '-2.5' });
    expect(parseDecimal('-0.000001')).toEqual({ ok: true, value: '-0.000001' });
    expect(parseDecimal('-0')).toEqual({ ok: true, value: '0' });
  });

  it('reads a decimal with a leading + sign', () => {
    expect(parseDecimal('+1.5')).toEqual({ ok: true, value: '1.5' });
    expect(parseDecimal('+7')).toEqual({ ok: true, value: '7' });
  });

  it('keeps every digit of a number too large for a binary float', () => {
    expect(parseDecimal('123456789012345678901234567890.123456')).toEqual({ ok: true, value: '123456789012345678901234567890.123456' });
    expect(parseDecimal('0.1')).toEqual({ ok: true, value: '0.1' });
  });

  it('accepts 6 decimals and refuses 7 as a scale error', () => {
    expect(MAX_SCALE).toBe(6);
    expect(parseDecimal('1.123456')).toEqual({ ok: true, value: '1.123456' });
    expect(parseDecimal('1.1234567')).toEqual({ ok: false, reason: 'scale' });
    expect(parseDecimal('0.0000001')).toEqual({ ok: false, reason: 'scale' });
  });

  it('refuses a decimal comma, thousands separators, exponents, words and spaces as syntax errors', () => {
    for (const text of ['1,5', '1,000.00', '1 000', '1e5', 'abc', '12abc', '', '-', '.', '1.2.3', '--1', '₹12', ' 1']) {
      expect(parseDecimal(text), text).toEqual({ ok: false, reason: 'syntax' });
    }
  });
});

describe('decimal arithmetic', () => {
  it('canonical drops trailing zeros and never writes an exponent', () => {
    expect(canonical('1.500000')).toBe('1.5');
    expect(canonical('0.0000001')).toBe('0.0000001');
    expect(canonical('1e21')).toBe('1000000000000000000000');
    expect(canonical('-0.0')).toBe('0');
  });


  it('sum adds exactly, where binary floats would not', () => {
    expect(sum(['0.1', '0.2'])).toBe('0.3');
    expect(sum(['12.5', '-2.5', '0.000001'])).toBe('10.000001');
    expect(sum([])).toBe('0');
  });
});

describe('parsePositiveInteger', () => {
  it('reads positive whole numbers', () => {
    expect(parsePositiveInteger('1')).toBe(1);
    expect(parsePositiveInteger('90001')).toBe(90001);
    expect(parsePositiveInteger('999999999999999')).toBe(999999999999999);
  });

  it('refuses zero, negatives, fractions, words and numbers too large to be exact', () => {
    for (const text of ['0', '00', '-1', '1.5', '1.0', '1e3', 'abc', '', ' 1', '1,000', '1000000000000000']) {
      expect(parsePositiveInteger(text), text).toBeNull();
    }
  });
});
