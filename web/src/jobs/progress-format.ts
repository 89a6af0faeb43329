/**
 * Rate and time left of a running job, from samples of rows done over time. The rate is taken
 * over a sliding window of the last samples, so that it follows the job without jumping at
 * every event.
 */

export interface ProgressSample {
  /** Milliseconds (performance.now or Date.now). */
  at: number;
  rowsDone: number;
}

/** Keeps the samples of the last `windowMs` (and at least two) after adding one. */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample, windowMs = 10_000): ProgressSample[] {
  const all = [...samples, sample];
  const from = all.findIndex((s) => sample.at - s.at <= windowMs);
  return all.slice(Math.min(Math.max(0, from), Math.max(0, all.length - 2)));
}

/** Rows per second over the samples, or null until two samples at least 200 ms apart. */
export function rateOf(samples: readonly ProgressSample[]): number | null {
  if (samples.length < 2) return null;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const ms = last.at - first.at;
  if (ms < 200) return null;
  return Math.max(0, ((last.rowsDone - first.rowsDone) * 1000) / ms);
}

/** Seconds left at this rate, or null when it cannot be told. */
export function secondsLeft(rowsDone: number, rowsTotal: number | null, rate: number | null): number | null {
  if (rowsTotal == null || rate == null || rate <= 0) return null;
  return Math.max(0, (rowsTotal - rowsDone) / rate);
}

/** "1,234,567" in the reader's locale (en by default, for tests). */
export function formatCount(n: number, locale = 'en'): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A decimal string with its whole part grouped, its digits kept exactly: "12480.5" → "12,480.5". */
export function formatDecimal(text: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

/** "12,400 rows/s", "850 rows/s", "3.5 rows/s". */
export function formatRate(rate: number | null, locale = 'en'): string {
  if (rate == null) return 'measuring…';
  const digits = rate < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(rate)} rows/s`;
}

/** "less than 5 seconds", "42 seconds", "3 min 05 s", "1 h 02 min". */
export function formatTimeLeft(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return 'estimating…';
  const s = Math.round(seconds);
  if (s < 5) return 'less than 5 seconds';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Percentage done (0–100, one decimal), or null while the total is not known. */
export function percentDone(rowsDone: number, rowsTotal: number | null): number | null {
  if (rowsTotal == null || rowsTotal <= 0) return null;
  return Math.min(100, Math.round((rowsDone * 1000) / rowsTotal) / 10);
}

/** "12.5 KB", "3.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
