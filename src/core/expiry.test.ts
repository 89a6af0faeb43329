import { describe, expect, it } from 'vitest';
import { expiresAt, expiryDate } from './expiry.js';
import { instantOfLocal, localDateOf } from './timezone.js';

/**
 * When promotional points expire (spec: profiles.md, "Customer Promotion", last paragraph): at
 * the end of the expiry date in the org's timezone, the expiry date following from the *local*
 * issue date and the strategy.
 */

const at = (iso: string) => Date.parse(iso);

describe('expiryDate: END_OF_MONTH_AFTER', () => {
  it('lands on 29 February when the month six months after a 31 August issue is a leap February', () => {
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 6 }, '2023-08-31')).toBe('2024-02-29');
  });

  it('lands on 28 February when the month six months after a 31 August issue is a common February', () => {
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 6 }, '2024-08-31')).toBe('2025-02-28');
  });

  it('counts months from the issue month, whatever the issue day', () => {
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 6 }, '2024-08-01')).toBe('2025-02-28');
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 1 }, '2025-01-31')).toBe('2025-02-28');
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 0 }, '2025-04-10')).toBe('2025-04-30');
  });

  it('crosses into the next year and into December without an off-by-one month', () => {
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 4 }, '2025-08-15')).toBe('2025-12-31');
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 5 }, '2025-08-15')).toBe('2026-01-31');
    expect(expiryDate({ kind: 'END_OF_MONTH_AFTER', months: 24 }, '2025-02-10')).toBe('2027-02-28');
  });
});

describe('expiryDate: AFTER_DAYS', () => {
  it('puts 29 February 2024 plus 365 days on 28 February 2025', () => {
    expect(expiryDate({ kind: 'AFTER_DAYS', days: 365 }, '2024-02-29')).toBe('2025-02-28');
  });

  it('counts calendar days across a leap day and a year end', () => {
    expect(expiryDate({ kind: 'AFTER_DAYS', days: 365 }, '2023-03-01')).toBe('2024-02-29');
    expect(expiryDate({ kind: 'AFTER_DAYS', days: 1 }, '2025-12-31')).toBe('2026-01-01');
    expect(expiryDate({ kind: 'AFTER_DAYS', days: 30 }, '2025-01-31')).toBe('2025-03-02');
    expect(expiryDate({ kind: 'AFTER_DAYS', days: 0 }, '2025-06-15')).toBe('2025-06-15');
  });
});

describe('expiryDate: FIXED_DATE and NEVER', () => {
  it('FIXED_DATE is the strategy date, whatever the issue date', () => {
    expect(expiryDate({ kind: 'FIXED_DATE', date: '2026-03-31' }, '2025-07-04')).toBe('2026-03-31');
    expect(expiryDate({ kind: 'FIXED_DATE', date: '2026-03-31' }, '2026-01-01')).toBe('2026-03-31');
  });

  it('NEVER has no expiry date', () => {
    expect(expiryDate({ kind: 'NEVER' }, '2025-07-04')).toBeNull();
  });
});

describe('expiresAt: the end of the expiry date in the org timezone', () => {
  it('is 23:59:59.999 local with the zone offset', () => {
    expect(expiresAt({ kind: 'FIXED_DATE', date: '2026-03-31' }, at('2025-07-04T06:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-31T23:59:59.999+05:30');
    expect(expiresAt({ kind: 'AFTER_DAYS', days: 365 }, at('2024-02-29T06:00:00Z'), 'Asia/Kolkata')).toBe('2025-02-28T23:59:59.999+05:30');
    expect(expiresAt({ kind: 'END_OF_MONTH_AFTER', months: 6 }, at('2023-08-31T06:00:00Z'), 'Asia/Kolkata')).toBe('2024-02-29T23:59:59.999+05:30');
  });

  it('NEVER expires at no instant', () => {
    expect(expiresAt({ kind: 'NEVER' }, at('2025-07-04T06:00:00Z'), 'Asia/Kolkata')).toBeNull();
    expect(expiresAt({ kind: 'NEVER' }, at('2025-03-09T07:30:00Z'), 'America/New_York')).toBeNull();
  });

  it('ends the daylight-saving start day in New York at -04:00, the day before at -05:00', () => {
    // 2025-03-09: clocks jump from 02:00 EST to 03:00 EDT.
    expect(expiresAt({ kind: 'FIXED_DATE', date: '2025-03-09' }, at('2025-01-01T12:00:00Z'), 'America/New_York')).toBe('2025-03-09T23:59:59.999-04:00');
    expect(expiresAt({ kind: 'FIXED_DATE', date: '2025-03-08' }, at('2025-01-01T12:00:00Z'), 'America/New_York')).toBe('2025-03-08T23:59:59.999-05:00');
    // Issued on the evening of 8 March local (already 9 March in UTC): one day later is 9 March.
    expect(expiresAt({ kind: 'AFTER_DAYS', days: 1 }, at('2025-03-09T03:00:00Z'), 'America/New_York')).toBe('2025-03-09T23:59:59.999-04:00');
  });

  it('ends the daylight-saving end day in New York at -05:00, the day before at -04:00', () => {
    // 2025-11-02: clocks fall back from 02:00 EDT to 01:00 EST.
    expect(expiresAt({ kind: 'FIXED_DATE', date: '2025-11-02' }, at('2025-01-01T12:00:00Z'), 'America/New_York')).toBe('2025-11-02T23:59:59.999-05:00');
    expect(expiresAt({ kind: 'FIXED_DATE', date: '2025-11-01' }, at('2025-01-01T12:00:00Z'), 'America/New_York')).toBe('2025-11-01T23:59:59.999-04:00');
    // 00:30 EDT on 2 November is 04:30Z: the issue date is 2 November local.
    expect(expiresAt({ kind: 'AFTER_DAYS', days: 0 }, at('2025-11-02T04:30:00Z'), 'America/New_York')).toBe('2025-11-02T23:59:59.999-05:00');
  });

  it('ends a day followed by a midnight that daylight saving skips at the last instant before the jump', () => {
    // Santiago, 2025-09-07: 00:00 -04:00 becomes 01:00 -03:00; 6 September has its full 24 hours.
    expect(expiresAt({ kind: 'FIXED_DATE', date: '2025-09-06' }, at('2025-01-01T12:00:00Z'), 'America/Santiago')).toBe('2025-09-06T23:59:59.999-04:00');
    expect(expiresAt({ kind: 'FIXED_DATE', date: '2025-09-07' }, at('2025-01-01T12:00:00Z'), 'America/Santiago')).toBe('2025-09-07T23:59:59.999-03:00');
  });

  it('takes the issue date in Pacific/Kiritimati (+14:00), a day ahead of UTC', () => {
    const issued = at('2026-03-07T10:30:00Z');
    expect(localDateOf('Pacific/Kiritimati', issued)).toBe('2026-03-08');
    expect(expiresAt({ kind: 'AFTER_DAYS', days: 1 }, issued, 'Pacific/Kiritimati')).toBe('2026-03-09T23:59:59.999+14:00');
    // On the last day of February in UTC it is already March in Kiritimati.
    expect(expiresAt({ kind: 'END_OF_MONTH_AFTER', months: 0 }, at('2026-02-28T10:30:00Z'), 'Pacific/Kiritimati')).toBe('2026-03-31T23:59:59.999+14:00');
  });

  it('keeps an import that starts at 23:59 in Kolkata on that local day, and the next minute on the next day', () => {
    // 23:59 IST on 31 August is 18:29Z the same day; 00:00 IST on 1 September is 18:30Z on 31 August.
    const before = at('2026-08-31T18:29:00Z');
    const after = at('2026-08-31T18:30:00Z');
    expect(localDateOf('Asia/Kolkata', before)).toBe('2026-08-31');
    expect(localDateOf('Asia/Kolkata', after)).toBe('2026-09-01');
    expect(expiresAt({ kind: 'END_OF_MONTH_AFTER', months: 6 }, before, 'Asia/Kolkata')).toBe('2027-02-28T23:59:59.999+05:30');
    expect(expiresAt({ kind: 'END_OF_MONTH_AFTER', months: 6 }, after, 'Asia/Kolkata')).toBe('2027-03-31T23:59:59.999+05:30');
    expect(expiresAt({ kind: 'AFTER_DAYS', days: 365 }, before, 'Asia/Kolkata')).toBe('2027-08-31T23:59:59.999+05:30');
    expect(expiresAt({ kind: 'AFTER_DAYS', days: 365 }, after, 'Asia/Kolkata')).toBe('2027-09-01T23:59:59.999+05:30');
  });

  it('keeps an import that starts at 23:59 in Los Angeles on that local day although UTC is already the next day', () => {
    const issued = at('2026-09-01T06:59:00Z'); // 23:59 PDT on 31 August
    expect(localDateOf('America/Los_Angeles', issued)).toBe('2026-08-31');
    expect(expiresAt({ kind: 'END_OF_MONTH_AFTER', months: 6 }, issued, 'America/Los_Angeles')).toBe('2027-02-28T23:59:59.999-08:00');
    expect(expiresAt({ kind: 'AFTER_DAYS', days: 1 }, issued, 'America/Los_Angeles')).toBe('2026-09-01T23:59:59.999-07:00');
  });
});

describe('instantOfLocal', () => {
  it('moves a wall time inside a daylight-saving gap forward by the jump', () => {
    // 02:30 does not exist in New York on 2025-03-09; it is read as 03:30 EDT.
    expect(instantOfLocal('America/New_York', Date.UTC(2025, 2, 9, 2, 30))).toBe(at('2025-03-09T07:30:00Z'));
  });

  it('reads wall times on either side of the gap with their own offset', () => {
    expect(instantOfLocal('America/New_York', Date.UTC(2025, 2, 9, 1, 30))).toBe(at('2025-03-09T06:30:00Z'));
    expect(instantOfLocal('America/New_York', Date.UTC(2025, 2, 9, 3, 30))).toBe(at('2025-03-09T07:30:00Z'));
    expect(instantOfLocal('Asia/Kolkata', Date.UTC(2026, 8, 1, 0, 0))).toBe(at('2026-08-31T18:30:00Z'));
  });
});
