/**
 * Local dates of instants in an IANA zone. Offsets are memoised per UTC hour, so the hot path
 * costs one Map lookup instead of an Intl call per row.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetMemo = new Map<string, number>();
const HOUR = 3_600_000;

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC in minutes at the instant `epochMs` (e.g. +330 for Asia/Kolkata). */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  // Offsets change on whole quarter hours at most; memoise per quarter hour of UTC time.
  const bucket = Math.floor(epochMs / (HOUR / 4));
  const key = `${zone}|${bucket}`;
  let offset = offsetMemo.get(key);
  if (offset === undefined) {
    const parts = formatter(zone).formatToParts(new Date(bucket * (HOUR / 4)));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    offset = Math.round((asUtc - bucket * (HOUR / 4)) / 60_000);
    if (offsetMemo.size > 100_000) offsetMemo.clear();
    offsetMemo.set(key, offset);
  }
  return offset;
}

/** The local calendar date (`yyyy-MM-dd`) of an instant in a zone. */
export function localDateOf(zone: string, epochMs: number): string {
  const local = new Date(epochMs + zoneOffsetMinutes(zone, epochMs) * 60_000);
  return local.toISOString().slice(0, 10);
}

/**
 * The instant of a local wall-clock time in a zone. A time skipped by a daylight-saving jump is
 * moved forward by the jump (02:30 on a night that jumps from 02:00 to 03:00 is 03:30), so the
 * start of a day that begins at 01:00 is 01:00.
 */
export function instantOfLocal(zone: string, localAsUtcMs: number): number {
  const first = localAsUtcMs - zoneOffsetMinutes(zone, localAsUtcMs) * 60_000;
  const offset = zoneOffsetMinutes(zone, first);
  const second = localAsUtcMs - offset * 60_000;
  if (zoneOffsetMinutes(zone, second) === offset) return second;
  // In a gap: neither offset gives this wall time back; the later instant is the moved-forward one.
  return Math.max(first, second);
}

/** Formats an instant as ISO 8601 with the zone's offset, e.g. `2026-03-31T23:59:59.999+05:30`. */
export function isoInZone(zone: string, epochMs: number): string {
  const offset = zoneOffsetMinutes(zone, epochMs);
  const local = new Date(epochMs + offset * 60_000).toISOString().slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
