import { setTimeout as sleep } from 'node:timers/promises';
import { CsvReader, type CsvRecord } from '../core/csv-reader.js';
import type { RowParse } from '../core/row-parser.js';
import type { JobRange, JobRecord, Rejection } from '../domain/jobs.js';
import { LEASE } from '../domain/lease.js';
import type { ParsedRow } from '../profiles/types.js';
import { JobConflictError } from '../store/job-conflict-error.js';
import type { Store } from '../store/port.js';
import { WriteConflictError } from '../store/write-conflict-error.js';
import { jobFileBytes } from './file-source.js';
import { chunkRejections, countsAfter, csvOptions, type JobPlan, mappingOf, planJob, rowParserOf, runnerId, staleBefore, WRITE_CONFLICT_ATTEMPTS } from './job-plan.js';

/**
 * A job shared by several runners: the worker processes of one PostgreSQL database (worker.ts).
 *
 * The runner holding the job's lease (runner.ts) scans the file as always, then cuts the rows
 * after its checkpoint into ranges of one chunk each (`job_ranges`) and lets helpers start
 * (`helpJob`). Every runner, the lease holder included, takes the first free range, reads and
 * parses its rows, looks them up and checks them, then waits for its turn: ranges commit in row
 * order, each with the job's checkpoint guard, so the checkpoint still says what is written and a
 * range commits once. The reading, parsing, lookups and rules of different ranges run side by
 * side, in as many processes and machines as there are helpers; the writes stay in row order.
 *
 * Exact across ranges. A range is looked up before the ranges ahead of it commit. A key that one
 * of them (or another job) wrote meanwhile is met by its table's unique key when the range
 * commits: nothing is written, and the range is looked up and checked again, now seeing that row,
 * so that its row is `DUPLICATE_IN_FILE` (this job's) or `ALREADY_TRACKED` (another's) exactly as
 * one runner reading the whole file would have found it. A profile whose lookups must see earlier
 * writes (`prefetchAhead: false`) looks its range up when its turn comes.
 *
 * Leases. Each runner renews its hold on its ranges with a heartbeat. A range whose holder went
 * silent (killed, its machine gone) is taken over by a runner waiting behind it, so the job never
 * waits on a dead runner longer than the lease. The lease holder ends the job once every range
 * has committed; if it dies, the sweep of lost jobs (worker.ts) queues the job again, and its
 * next runner, after its scan, joins the ranges still open.
 */

/**
 * How often a runner waiting for its turn reads the job's checkpoint: every 5 ms after it moved,
 * then less and less often, down to every 40 ms, so that waiting runners load the database little.
 */
const TURN_POLL_MS = { first: 5, last: 40 };
/** How often a waiting runner looks for a range before its own whose holder went silent. */
const TAKEOVER_POLL_MS = 500;

/**
 * The ranges of the data rows after `checkpoint`, `chunkRows` each, up to `lastRow`; ranges are
 * contiguous from `checkpoint + 1` (the first may start on the header's row number).
 */
export function cutRanges(checkpoint: number, firstRow: number, lastRow: number, chunkRows: number): JobRange[] {
  const ranges: JobRange[] = [];
  let first = checkpoint + 1;
  for (let last = Math.max(checkpoint, firstRow - 1) + chunkRows; first <= lastRow; last += chunkRows) {
    ranges.push({ firstRow: first, lastRow: Math.min(last, lastRow) });
    first = last + 1;
  }
  return ranges;
}

interface PartOptions {
  plan: JobPlan;
  parseRow: (record: CsvRecord) => RowParse;
  runner: string;
  /** Throws when this runner must stop (a cancel, a stop, a lost lease); given the job when it was just read. */
  stopHere: (job?: JobRecord) => Promise<void>;
  /** The job's rows done so far, as this runner sees them. */
  onProgress?: (done: number) => void;
}

/**
 * The lease holder's import of a shared job: cuts the ranges, lets helpers start (`share`),
 * takes ranges like any helper, then waits until the last range has committed.
 */
export async function importShared(store: Store, job: JobRecord, options: PartOptions & { ranges: JobRange[]; share: (ranges: number) => void | Promise<void> }): Promise<void> {
  await store.shareJob(job.id, options.ranges);
  await options.share(options.ranges.length);
  const part = new Part(store, job, options);
  try {
    await part.takeRanges();
    // Every range is taken: the last one's end is awaited, taking over any range whose holder went silent.
    await part.awaitTurn(options.ranges.at(-1)!.lastRow + 1);
  } finally {
    await part.stop();
  }
  await store.unshareJob(job.id);
}

/** Helpers started in this thread: each holds its ranges under a name of its own. */
let helpersStarted = 0;

/** Why a helper stops: the job ended or was cancelled, or the helper was asked to stop. */
class HelperStop extends Error {}

/**
 * A helper's part in a shared job (`help-job` tasks of the workers): takes ranges until none is
 * free, and returns how many it committed. A job that is not being imported, or not shared, gets
 * nothing done here.
 */
export async function helpJob(store: Store, jobId: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  const job = await store.getJob(jobId);
  if (!job || job.dryRun || job.status !== 'IMPORTING' || job.startedAt === null) return 0;
  const plan = await planJob(store, job, job.startedAt);
  const expectedCells = job.header?.length ?? (await firstRecord(store, job, plan)).cells.length;
  const stopHere = async (seen?: JobRecord) => {
    if (options.signal?.aborted) throw new HelperStop();
    const current = seen ?? (await store.getJob(jobId));
    // The job ended, a cancel is asked, or its lease holder stopped it (INTERRUPTED): the next
    // runner of the job takes its ranges up again.
    if (current?.status !== 'IMPORTING' || current.cancelRequested) throw new HelperStop();
  };
  const part = new Part(store, job, { plan, parseRow: rowParserOf(plan, mappingOf(plan, job.header, expectedCells), expectedCells), runner: `${runnerId()}:${++helpersStarted}`, stopHere });
  try {
    await part.takeRanges();
  } catch (error) {
    if (!(error instanceof HelperStop)) throw error;
  } finally {
    await part.stop();
  }
  return part.committed;
}

/** The first data row of a file without a header: its cell count is the row's width. */
async function firstRecord(store: Store, job: JobRecord, plan: JobPlan): Promise<CsvRecord> {
  const reader = new RangeReader(() => new CsvReader(jobFileBytes(store, job), csvOptions(plan.body)));
  try {
    const [first] = await reader.rows(1, Number.MAX_SAFE_INTEGER, 1);
    if (!first) throw new Error(`Job ${job.id}'s file has no data rows`);
    return first;
  } finally {
    await reader.close();
  }
}

/** A range read and parsed, its lookups under way. */
interface ReadRange {
  range: JobRange;
  rows: ParsedRow[];
  parsed: Rejection[];
  lookups: Promise<unknown> | null;
}

/** One runner's part in a shared job. */
class Part {
  /** Ranges this runner committed. */
  committed = 0;
  private readonly reader: RangeReader;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly job: JobRecord,
    private readonly o: PartOptions,
  ) {
    this.reader = new RangeReader(() => new CsvReader(jobFileBytes(store, job), csvOptions(o.plan.body)));
    this.timer = setInterval(() => void store.heartbeatRanges(job.id, o.runner, new Date().toISOString()).catch(() => undefined), LEASE.heartbeatMs);
    this.timer.unref();
  }

  /**
   * Takes the first free range, one after another, until none is left. The next range is taken,
   * read and its lookups started before the current one waits for its turn and commits, so that
   * one runner alone overlaps them as the sequential import does.
   */
  async takeRanges(): Promise<void> {
    let current: ReadRange | null = null;
    for (;;) {
      await this.o.stopHere();
      const range = await this.store.claimRange(this.job.id, this.o.runner, new Date().toISOString(), staleBefore());
      const next = range ? await this.read(range) : null;
      if (current) await this.commit(current);
      if (!next) return;
      current = next;
    }
  }

  /** Reads and parses a range's rows, and starts its lookups (unless they must wait for its turn). */
  private async read(range: JobRange): Promise<ReadRange> {
    const { prepared } = this.o.plan;
    const records = await this.reader.rows(range.firstRow, range.lastRow);
    const rows: ParsedRow[] = [];
    const parsed: Rejection[] = [];
    for (const record of records) {
      const row = this.o.parseRow(record);
      if (row.ok) rows.push(row.row);
      else parsed.push({ rowNumber: record.rowNumber, cells: record.cells, ...row.issue });
    }
    const lookups = (prepared.prefetchAhead ?? true) ? prepared.prefetch(rows) : null;
    // Its failure surfaces when the range is checked; until then it must not count as unhandled.
    lookups?.catch(() => undefined);
    return { range, rows, parsed, lookups };
  }

  /**
   * Checks and commits a range in its turn: the rows after the job's checkpoint, up to the range's
   * end. Nothing is left to do once another runner has committed them (it took the range over);
   * only the rest when a range cut otherwise (by an earlier lease holder) committed its start.
   */
  private async commit(read: ReadRange): Promise<void> {
    const { prepared } = this.o.plan;
    const { range } = read;
    let lookups = read.lookups;
    for (let attempt = 1; ; attempt++) {
      const current = await this.awaitTurn(range.firstRow);
      const after = current.checkpointRow;
      if (after >= range.lastRow) return;
      let { rows, parsed } = read;
      if (after >= range.firstRow) {
        rows = rows.filter((r) => r.rowNumber > after);
        parsed = parsed.filter((r) => r.rowNumber > after);
        // A profile's lookups may be aligned with its rows: those of the rest are made anew.
        lookups = null;
      }
      lookups ??= prepared.prefetch(rows);
      const result = await prepared.resolve(rows, await lookups);
      const rejected = chunkRejections(parsed, result);
      const counts = countsAfter(current.counts, rows.length + parsed.length, rejected, result.accepted, false);
      try {
        await this.store.commitChunk({ jobId: this.job.id, afterRow: after, checkpointRow: range.lastRow, counts, rejections: rejected, writes: result.writes });
      } catch (error) {
        // A range before this one (or another job) wrote one of these keys after they were looked
        // up: nothing was written; looked up again, the range meets that row.
        if (error instanceof WriteConflictError && attempt < WRITE_CONFLICT_ATTEMPTS) {
          lookups = null;
          continue;
        }
        // Another runner committed these rows first (it took the range over), or the job ended:
        // the next turn tells which.
        if (error instanceof JobConflictError) {
          lookups = null;
          continue;
        }
        throw error;
      }
      prepared.committed?.(range.lastRow);
      this.committed++;
      this.o.onProgress?.(counts.total);
      return;
    }
  }

  /**
   * Waits until the job's checkpoint reaches `row - 1`, and returns the job then. Meanwhile takes
   * over any range before `row` whose holder went silent or let it go.
   */
  async awaitTurn(row: number): Promise<JobRecord> {
    let lookedAt = Date.now();
    let done = -1;
    let pause = TURN_POLL_MS.first;
    for (;;) {
      const job = await this.store.getJob(this.job.id);
      if (!job) throw new JobConflictError(`Job ${this.job.id} no longer exists`);
      await this.o.stopHere(job);
      if (job.checkpointRow >= row - 1) return job;
      if (job.counts.total !== done) {
        done = job.counts.total;
        pause = TURN_POLL_MS.first;
        this.o.onProgress?.(done);
      }
      if (Date.now() - lookedAt >= TAKEOVER_POLL_MS) {
        lookedAt = Date.now();
        const orphan = await this.store.claimRange(this.job.id, this.o.runner, new Date().toISOString(), staleBefore(), row);
        if (orphan) {
          await this.commit(await this.read(orphan));
          continue;
        }
      }
      await sleep(pause);
      pause = Math.min(pause * 2, TURN_POLL_MS.last);
    }
  }

  /** Stops the heartbeat and lets go of the ranges this runner holds, for others to take at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.reader.close();
    await this.store.releaseRanges(this.job.id, this.o.runner).catch(() => undefined);
  }
}

/**
 * A job's records by row range, from one pass over its file read forward; a range behind the
 * pass (taken over from a silent runner) reads the file again from its start.
 */
class RangeReader {
  private batches: AsyncIterator<CsvRecord[]> | null = null;
  private held: CsvRecord[] = [];
  private at = 0;
  /** The last row number the pass has gone by. */
  private passed = 0;

  constructor(private readonly open: () => CsvReader) {}

  /** The records of rows `first` to `last`, at most `limit` of them. */
  async rows(first: number, last: number, limit = Number.MAX_SAFE_INTEGER): Promise<CsvRecord[]> {
    if (this.batches === null || first <= this.passed) await this.restart();
    const out: CsvRecord[] = [];
    for (;;) {
      while (this.at < this.held.length) {
        const record = this.held[this.at]!;
        if (record.rowNumber > last || out.length >= limit) {
          this.passed = last;
          return out;
        }
        if (record.rowNumber >= first) out.push(record);
        this.at++;
      }
      const next = await this.batches!.next();
      if (next.done) {
        this.passed = last;
        return out;
      }
      this.held = next.value;
      this.at = 0;
    }
  }

  private async restart(): Promise<void> {
    await this.close();
    const reader = this.open();
    await reader.header();
    this.batches = reader.records()[Symbol.asyncIterator]();
    this.held = [];
    this.at = 0;
    this.passed = 0;
  }

  async close(): Promise<void> {
    const batches = this.batches;
    this.batches = null;
    await batches?.return?.();
  }
}
