import { daysInMonth, ymd } from './date-format.js';
import { instantOfLocal, isoInZone, localDateOf } from './timezone.js';

/**
 * When promotional points expire: at the end of the expiry date in the org's timezone, where the
 * expiry date follows from the local issue date and the strategy.
 */

export type ExpiryRule =
  | { kind: 'AFTER_DAYS'; days: number }
  | { kind: 'END_OF_MONTH_AFTER'; months: number }
  | { kind: 'FIXED_DATE'; date: string }
  | { kind: 'NEVER' };

/** The local expiry date (`yyyy-MM-dd`) for points issued on local date `issueDate`, or null. */
export function expiryDate(rule: ExpiryRule, issueDate: string): string | null {
  const [y, m, d] = issueDate.split('-').map(Number) as [number, number, number];
  switch (rule.kind) {
    case 'AFTER_DAYS': {
      const t = new Date(Date.UTC(y, m - 1, d + rule.days));
      return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
    }
    case 'END_OF_MONTH_AFTER': {
      const index = y * 12 + (m - 1) + rule.months;
      const year = Math.floor(index / 12);
      const month = (index % 12) + 1;
      return ymd(year, month, daysInMonth(year, month));
    }
    case 'FIXED_DATE':
      return rule.date;
    case 'NEVER':
      return null;
    default: {
      const never: never = rule;
      throw new Error(`unknown expiry rule ${JSON.stringify(never)}`);
    }
  }
}

/** The instant points issued at `issuedAtMs` expire, as ISO 8601 with the zone's offset, or null. */
export function expiresAt(rule: ExpiryRule, issuedAtMs: number, zone: string): string | null {
  const date = expiryDate(rule, localDateOf(zone, issuedAtMs));
  if (date === null) return null;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // The last millisecond of the local day: 23:59:59.999, whatever daylight saving does that day.
  const endOfDay = instantOfLocal(zone, Date.UTC(y, m - 1, d + 1)) - 1;
  return isoInZone(zone, endOfDay);
}
