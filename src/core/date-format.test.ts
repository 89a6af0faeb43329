import { describe, expect, it } from 'vitest';
import { compileDateFormat, dateParserFor, localDate, type ParsedDate, parseIsoDate, toEpochMs } from './date-format.js';

/** A parsed date with the fields a test names; the rest zero, and no offset unless given. */
function at(fields: Partial<ParsedDate>): ParsedDate {
  return { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: null, ...fields };
}

/** The message of the error `fn` throws, or a failure when it throws none. */
function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}

describe('compileDateFormat: patterns', () => {
  it('reads dd/MM/yyyy HH:mm', () => {
    const parse = compileDateFormat('dd/MM/yyyy HH:mm');
    expect(parse('01/03/2025 10:15')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15 }));
    expect(parse('31/12/2025 23:59')).toEqual(at({ year: 2025, month: 12, day: 31, hour: 23, minute: 59 }));
  });

  it('refuses text that does not follow dd/MM/yyyy HH:mm exactly', () => {
    const parse = compileDateFormat('dd/MM/yyyy HH:mm');
    expect(parse('1/3/2025 10:15')).toBeNull();
    expect(parse('01/03/2025')).toBeNull();
    expect(parse('01/03/2025 10:15:00')).toBeNull();
    expect(parse('2025-03-01 10:15')).toBeNull();
    expect(parse('01-03-2025 10:15')).toBeNull();
    expect(parse('')).toBeNull();
  });

  it('reads yyyy-MM-dd as midnight', () => {
    const parse = compileDateFormat('yyyy-MM-dd');
    expect(parse('2025-03-01')).toEqual(at({ year: 2025, month: 3, day: 1 }));
    expect(parse('2025-3-1')).toBeNull();
    expect(parse('2025-03-01T10:00')).toBeNull();
  });

  it('reads d/M/yy with one- or two-digit day and month, and two-digit years 1970–2069', () => {
    const parse = compileDateFormat('d/M/yy');
    expect(parse('5/3/25')).toEqual(at({ year: 2025, month: 3, day: 5 }));
    expect(parse('15/12/25')).toEqual(at({ year: 2025, month: 12, day: 15 }));
    expect(parse('1/1/00')).toEqual(at({ year: 2000, month: 1, day: 1 }));
    expect(parse('31/12/69')).toEqual(at({ year: 2069, month: 12, day: 31 }));
    expect(parse('1/1/70')).toEqual(at({ year: 1970, month: 1, day: 1 }));
    expect(parse('5/3/2025')).toBeNull();
  });

  it('reads MMM month names in any case', () => {
    const parse = compileDateFormat('dd MMM yyyy');
    expect(parse('01 Mar 2025')).toEqual(at({ year: 2025, month: 3, day: 1 }));
    expect(parse('15 dec 2025')).toEqual(at({ year: 2025, month: 12, day: 15 }));
    expect(parse('15 SEP 2025')).toEqual(at({ year: 2025, month: 9, day: 15 }));
    expect(parse('15 Foo 2025')).toBeNull();
    expect(parse('15 03 2025')).toBeNull();
  });

  it('reads hh:mm a, with 12 AM as midnight and 12 PM as noon', () => {
    const parse = compileDateFormat('dd/MM/yyyy hh:mm a');
    expect(parse('01/03/2025 12:00 AM')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 0 }));
    expect(parse('01/03/2025 12:30 PM')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 12, minute: 30 }));
    expect(parse('01/03/2025 01:05 pm')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 13, minute: 5 }));
    expect(parse('01/03/2025 11:59 am')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 11, minute: 59 }));
    expect(parse('01/03/2025 13:00 PM')).toBeNull();
    expect(parse('01/03/2025 00:10 AM')).toBeNull();
    expect(parse('01/03/2025 10:10')).toBeNull();
  });

  it("reads a quoted literal 'T', seconds, milliseconds and an XXX offset", () => {
    const parse = compileDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    expect(parse('2025-03-01T10:15:30.250+05:30')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, second: 30, millisecond: 250, offsetMinutes: 330 }));
    expect(parse('2025-03-01T10:15:30.000Z')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, second: 30, offsetMinutes: 0 }));
    expect(parse('2025-03-01T10:15:30.000-04:00')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, second: 30, offsetMinutes: -240 }));
    expect(parse('2025-03-01 10:15:30.000Z')).toBeNull();
    expect(parse('2025-03-01T10:15:30.000')).toBeNull();
    expect(parse('2025-03-01T10:15:30.000+0530')).toBeNull();
  });

  it('reads a Z offset as ±HHmm', () => {
    const parse = compileDateFormat('yyyy-MM-dd HH:mm Z');
    expect(parse('2025-03-01 10:15 -0500')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, offsetMinutes: -300 }));
    expect(parse('2025-03-01 10:15 Z')).toBeNull();
  });
});

describe('compileDateFormat: dates that do not exist', () => {
  const parse = compileDateFormat('dd/MM/yyyy HH:mm');

  it('returns null for 31 February and for 29 February of a common year', () => {
    expect(parse('31/02/2025 10:00')).toBeNull();
    expect(parse('29/02/2025 10:00')).toBeNull();
    expect(parse('29/02/2024 10:00')).toEqual(at({ year: 2024, month: 2, day: 29, hour: 10 }));
  });

  it('returns null for a 13th month, a month 0 and a day 0', () => {
    expect(parse('01/13/2025 10:00')).toBeNull();
    expect(parse('01/00/2025 10:00')).toBeNull();
    expect(parse('00/01/2025 10:00')).toBeNull();
    expect(parse('31/04/2025 10:00')).toBeNull();
  });

  it('returns null for 24:00 and for minute 60', () => {
    expect(parse('01/03/2025 24:00')).toBeNull();
    expect(parse('01/03/2025 10:60')).toBeNull();
    expect(parse('01/03/2025 23:59')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 23, minute: 59 }));
  });

  it('returns null for second 60 and for an offset beyond ±14:00', () => {
    const withZone = compileDateFormat('yyyy-MM-dd HH:mm:ssXXX');
    expect(withZone('2025-03-01 10:00:60Z')).toBeNull();
    expect(withZone('2025-03-01 10:00:00+15:00')).toBeNull();
    expect(withZone('2025-03-01 10:00:00+14:00')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, offsetMinutes: 840 }));
  });
});

describe('compileDateFormat: unsupported patterns', () => {
  it('throws an error naming an unsupported token', () => {
    expect(thrownMessage(() => compileDateFormat('dd/MM/YYYY'))).toMatch(/"YYYY" is not a supported token/);
    expect(thrownMessage(() => compileDateFormat('EEE dd/MM/yyyy'))).toMatch(/"EEE" is not a supported token/);
    expect(thrownMessage(() => compileDateFormat('yyyy-MM-dd HH:mm:ss.SS'))).toMatch(/"SS" is not a supported token/);
    expect(thrownMessage(() => compileDateFormat('yyyy-MM-ddTHH:mm'))).toMatch(/"T" is not a supported token/);
  });

  it('names the pattern in the error', () => {
    expect(thrownMessage(() => compileDateFormat('DD/MM/yyyy'))).toMatch(/^dateFormat "DD\/MM\/yyyy": "DD" is not a supported token/);
  });

  it('throws an error for a pattern without a year, a month or a day', () => {
    expect(thrownMessage(() => compileDateFormat('dd/MM'))).toMatch(/no year/);
    expect(thrownMessage(() => compileDateFormat('dd/yyyy'))).toMatch(/no month/);
    expect(thrownMessage(() => compileDateFormat('MM/yyyy'))).toMatch(/no day/);
  });

  it('throws an error for a literal quote that is never closed', () => {
    expect(thrownMessage(() => compileDateFormat("yyyy-MM-dd'T HH:mm"))).toMatch(/never closed/);
  });
});

describe('ISO 8601, the default when a template has no dateFormat', () => {
  it('is what dateParserFor gives without a pattern', () => {
    expect(dateParserFor(undefined)).toBe(parseIsoDate);
    expect(dateParserFor(null)).toBe(parseIsoDate);
    expect(dateParserFor('')).toBe(parseIsoDate);
    expect(dateParserFor('dd/MM/yyyy')('01/03/2025')).toEqual(at({ year: 2025, month: 3, day: 1 }));
  });

  it('reads a date alone as local midnight', () => {
    expect(parseIsoDate('2025-03-01')).toEqual(at({ year: 2025, month: 3, day: 1 }));
  });

  it('reads a date-time with T or a space between date and time', () => {
    expect(parseIsoDate('2025-03-01T10:15')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15 }));
    expect(parseIsoDate('2025-03-01 10:15:30')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, second: 30 }));
    expect(parseIsoDate('2025-03-01T10:15:30.5')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, second: 30, millisecond: 500 }));
  });

  it('reads Z and ±hh:mm offsets', () => {
    expect(parseIsoDate('2025-03-01T10:15:00Z')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, offsetMinutes: 0 }));
    expect(parseIsoDate('2025-03-01 10:15:00+05:30')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, offsetMinutes: 330 }));
    expect(parseIsoDate('2025-03-01T10:15-04:00')).toEqual(at({ year: 2025, month: 3, day: 1, hour: 10, minute: 15, offsetMinutes: -240 }));
  });

  it('returns null for dates and times that do not exist or are not ISO 8601', () => {
    expect(parseIsoDate('2025-02-30')).toBeNull();
    expect(parseIsoDate('2025-13-01')).toBeNull();
    expect(parseIsoDate('2025-03-01T24:00')).toBeNull();
    expect(parseIsoDate('2025-03-01T10')).toBeNull();
    expect(parseIsoDate('2025-3-1')).toBeNull();
    expect(parseIsoDate('01/03/2025')).toBeNull();
    expect(parseIsoDate('2025-03-01X10:15')).toBeNull();
  });
});

describe('localDate and toEpochMs: dates in the org’s zone', () => {
  it('gives a date without an offset its own calendar date, whatever the zone', () => {
    const d = parseIsoDate('2025-03-01 23:30')!;
    expect(localDate(d, 'Asia/Kolkata')).toBe('2025-03-01');
    expect(localDate(d, 'America/New_York')).toBe('2025-03-01');
  });

  it('gives a UTC evening the next day in Asia/Kolkata and the same day in America/New_York', () => {
    const d = parseIsoDate('2025-03-01T20:00:00Z')!;
    expect(localDate(d, 'Asia/Kolkata')).toBe('2025-03-02');
    expect(localDate(d, 'America/New_York')).toBe('2025-03-01');
  });

  it('gives a UTC early morning the previous day in America/New_York', () => {
    const d = parseIsoDate('2025-03-01T02:00:00Z')!;
    expect(localDate(d, 'America/New_York')).toBe('2025-02-28');
    expect(localDate(d, 'Asia/Kolkata')).toBe('2025-03-01');
  });

  it('moves a date written with another offset to the org’s local date', () => {
    expect(localDate(parseIsoDate('2025-03-02T01:00:00+05:30')!, 'America/New_York')).toBe('2025-03-01');
    expect(localDate(parseIsoDate('2025-03-01T22:00:00-05:00')!, 'Asia/Kolkata')).toBe('2025-03-02');
    expect(localDate(compileDateFormat('dd/MM/yyyy HH:mmXXX')('31/12/2025 23:00-05:00')!, 'Asia/Kolkata')).toBe('2026-01-01');
  });

  it('uses New York daylight-saving time in summer', () => {
    // 04:30 UTC is 00:30 EDT (UTC−4) on 1 July; under standard time it would still be 30 June.
    expect(localDate(parseIsoDate('2025-07-01T04:30:00Z')!, 'America/New_York')).toBe('2025-07-01');
    expect(localDate(parseIsoDate('2025-07-01T03:30:00Z')!, 'America/New_York')).toBe('2025-06-30');
    // In winter (EST, UTC−5) the same 04:30 UTC is the previous day.
    expect(localDate(parseIsoDate('2025-01-15T04:30:00Z')!, 'America/New_York')).toBe('2025-01-14');
  });

  it('reads a zone-less time as local time in the zone', () => {
    expect(toEpochMs(parseIsoDate('2025-03-01 10:15')!, 'Asia/Kolkata')).toBe(Date.UTC(2025, 2, 1, 4, 45));
    expect(toEpochMs(parseIsoDate('2025-01-15 09:00')!, 'America/New_York')).toBe(Date.UTC(2025, 0, 15, 14, 0));
    expect(toEpochMs(parseIsoDate('2025-07-15 09:00')!, 'America/New_York')).toBe(Date.UTC(2025, 6, 15, 13, 0));
  });

  it('reads a time with an offset as that instant, whatever the zone', () => {
    const d = parseIsoDate('2025-03-01T10:15:00+05:30')!;
    expect(toEpochMs(d, 'America/New_York')).toBe(Date.UTC(2025, 2, 1, 4, 45));
    expect(toEpochMs(d, 'Asia/Kolkata')).toBe(Date.UTC(2025, 2, 1, 4, 45));
  });
});
