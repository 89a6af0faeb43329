/**
 * A running job's progress for people: a bar redrawn in place on a terminal, or, when standard
 * error is a log file or a pipe (a scheduled run), a plain line every few seconds. Both say the
 * same: rows done of rows known, the rate since this process took the job, and the time left at
 * that rate. The facts and their wording are pure functions, tested without a terminal.
 */

/** A progress report of a job: rows done of the rows the file holds (null until counted). */
export interface ProgressSample {
  status: string;
  done: number;
  known: number | null;
}

/** What a progress report says, with the rate and time left measured since `start`. */
export interface ProgressFacts {
  done: number;
  known: number | null;
  /** Whole percent done, rounded down so that 100 means done; null while the total is unknown. */
  percent: number | null;
  /** Rows per second since this process took the job; null until there is something to measure. */
  rowsPerSecond: number | null;
  /** Seconds left at that rate; null when the rate or the total is unknown. */
  secondsLeft: number | null;
}

/** A rate measured over less than this is noise (the first chunk, a job thread warming up). */
const MIN_MEASURED_MS = 250;

/**
 * The facts of a progress report at time `nowMs`, the run having started at `start` (rows done
 * then, time then): a resumed job's rate counts only the rows this run did.
 */
export function progressFacts(start: { done: number; atMs: number }, sample: { done: number; known: number | null }, nowMs: number): ProgressFacts {
  const { done, known } = sample;
  const percent = known ? Math.min(100, Math.floor((done / known) * 100)) : known === 0 ? 100 : null;
  const elapsedMs = nowMs - start.atMs;
  const rowsThisRun = done - start.done;
  const rowsPerSecond = elapsedMs >= MIN_MEASURED_MS && rowsThisRun > 0 ? (rowsThisRun * 1000) / elapsedMs : null;
  const secondsLeft = rowsPerSecond !== null && known !== null ? Math.max(0, Math.ceil((known - done) / rowsPerSecond)) : null;
  return { done, known, percent, rowsPerSecond, secondsLeft };
}

/** A duration for people: `45 s`, `12 min`, `2 h 5 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** The rate and time left of `facts`, as `, 85,000 rows/s, about 10 s left` (empty while unknown). */
function rateAndTimeLeft(facts: ProgressFacts): string {
  let text = '';
  if (facts.rowsPerSecond !== null) text += `, ${count(facts.rowsPerSecond)} rows/s`;
  if (facts.secondsLeft !== null && facts.known !== null && facts.done < facts.known) text += `, about ${formatDuration(facts.secondsLeft)} left`;
  return text;
}

/** A job id as people read it in a line of progress: its first 8 characters (`0029b329…`). */
export function shortJobId(jobId: string): string {
  return jobId.length > 8 ? `${jobId.slice(0, 8)}…` : jobId;
}

/** The progress line of a log: `Job 0029b329…: 120,000 of 1,000,000 rows (12%), 85,000 rows/s, about 10 s left`. */
export function formatProgressLine(jobId: string, facts: ProgressFacts): string {
  const rows = facts.known === null ? `${count(facts.done)} rows so far` : `${count(facts.done)} of ${count(facts.known)} rows (${facts.percent}%)`;
  return `Job ${shortJobId(jobId)}: ${rows}${rateAndTimeLeft(facts)}`;
}

/** The progress bar of a terminal: `IMPORTING  [#####-----]  12%  120,000 / 1,000,000 rows, 85,000 rows/s, about 10 s left`. */
export function formatProgressBar(status: string, facts: ProgressFacts, width = 30): string {
  const ratio = (facts.percent ?? 0) / 100;
  const filled = Math.round(ratio * width);
  const percent = `${facts.percent ?? 0}`.padStart(3);
  return `${status.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}%  ${count(facts.done)} / ${facts.known === null ? '?' : count(facts.known)} rows${rateAndTimeLeft(facts)}`;
}

/** How progress is shown: a bar on a terminal, lines in a log, or nothing (`--json`). */
export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressOptions {
  mode: ProgressMode;
  jobId: string;
  /** Lines mode: the least time between two lines. */
  intervalMs: number;
  write: (text: string) => void;
  now?: () => number;
}

/** A job's progress on standard error (see the file's comment); `end` closes a drawn bar's line. */
export function progressReporter(options: ProgressOptions): { update(p: ProgressSample): void; end(): void } {
  const now = options.now ?? Date.now;
  const startedAt = now();
  let start: { done: number; atMs: number } | null = null;
  // A bar is drawn at once; the first line of a log comes one interval after the start.
  let last = options.mode === 'bar' ? Number.NEGATIVE_INFINITY : startedAt;
  let drawn = false;
  let lastWidth = 0;
  return {
    update(p) {
      if (options.mode === 'off') return;
      const at = now();
      // The rate counts from the first report: the rows a resumed job had done are not this run's.
      start ??= { done: p.done, atMs: at };
      const facts = progressFacts(start, p, at);
      if (options.mode === 'bar') {
        if (at - last < 100 && p.done !== p.known) return;
        last = at;
        const line = formatProgressBar(p.status, facts);
        // A shorter line than the last one leaves no stale characters behind.
        options.write(`\r${line.padEnd(lastWidth)}`);
        lastWidth = line.length;
        drawn = true;
        return;
      }
      if (at - last < options.intervalMs) return;
      last = at;
      options.write(`${formatProgressLine(options.jobId, facts)}\n`);
    },
    end() {
      if (drawn) options.write('\n');
      drawn = false;
    },
  };
}

/** The least time between two progress lines in a log: `$LOYALTY_PROGRESS_INTERVAL_MS`, else 5 seconds. */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.LOYALTY_PROGRESS_INTERVAL_MS);
  return env.LOYALTY_PROGRESS_INTERVAL_MS !== undefined && env.LOYALTY_PROGRESS_INTERVAL_MS !== '' && Number.isFinite(ms) && ms >= 0 ? ms : 5_000;
}
