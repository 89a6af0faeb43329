import { describe, expect, it } from 'vitest';
import { addSample, formatBytes, formatCount, formatDecimal, formatRate, formatTimeLeft, percentDone, rateOf, secondsLeft } from './progress-format';

describe('rate and time left', () => {
  it('measures rows per second over the window of samples', () => {
    let s = addSample([], { at: 0, rowsDone: 0 });
    expect(rateOf(s)).toBeNull();
    s = addSample(s, { at: 1000, rowsDone: 5000 });
    s = addSample(s, { at: 2000, rowsDone: 10000 });
    expect(rateOf(s)).toBe(5000);
    expect(secondsLeft(10000, 100000, rateOf(s))).toBe(18);
  });

  it('forgets samples older than the window but keeps two', () => {
    let s = addSample([], { at: 0, rowsDone: 0 });
    s = addSample(s, { at: 20_000, rowsDone: 100 }, 10_000);
    expect(s).toHaveLength(2);
    s = addSample(s, { at: 21_000, rowsDone: 200 }, 10_000);
    expect(s.map((x) => x.at)).toEqual([20_000, 21_000]);
    expect(rateOf(s)).toBe(100);
  });

  it('cannot tell the time left without a total or a rate', () => {
    expect(secondsLeft(10, null, 5)).toBeNull();
    expect(secondsLeft(10, 100, null)).toBeNull();
    expect(secondsLeft(10, 100, 0)).toBeNull();
  });
});

describe('formatting', () => {
  it('formats rates, counts and percentages', () => {
    expect(formatRate(12400.4)).toBe('12,400 rows/s');
    expect(formatRate(3.46)).toBe('3.5 rows/s');
    expect(formatRate(null)).toBe('measuring…');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(percentDone(1, 3)).toBe(33.3);
    expect(percentDone(5, null)).toBeNull();
    expect(percentDone(7, 5)).toBe(100);
  });

  it('formats the time left in words', () => {
    expect(formatTimeLeft(null)).toBe('estimating…');
    expect(formatTimeLeft(3)).toBe('less than 5 seconds');
    expect(formatTimeLeft(42)).toBe('42 seconds');
    expect(formatTimeLeft(185)).toBe('3 min 05 s');
    expect(formatTimeLeft(3720)).toBe('1 h 02 min');
  });

  it('formats sizes', () => {
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
});

describe('formatDecimal', () => {
  it('groups the whole part and keeps every digit after the point', () => {
    expect(formatDecimal('12480.5')).toBe('12,480.5');
    expect(formatDecimal('-1234567.000001')).toBe('-1,234,567.000001');
    expect(formatDecimal('999')).toBe('999');
    expect(formatDecimal('not a number')).toBe('not a number');
  });
});
