import { type Hash, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CsvReader, type CsvRecord } from '../core/csv-reader.js';
import { FileError } from '../core/error-codes.js';
import type { RowParse } from '../core/row-parser.js';
import type { ParsedRow } from '../profiles/types.js';
import { JobConflictError } from '../store/job-conflict-error.js';
import type { StoredFile } from '../domain/files.js';
import { FINAL_STATUSES, type JobCounts, type JobRecord, type Rejection } from '../domain/jobs.js';
import { LEASE, runnerIsGone } from '../domain/lease.js';
import type { Store } from '../store/port.js';
import { WriteConflictError } from '../store/write-conflict-error.js';
import type { TemplateBody } from '../templates/schema.js';
import { jobFileBytes, sha256 } from './file-source.js';
import { copyIntoStore, maxFileBytes, megabytes, releaseJobFile } from './files.js';
import { chunkRejections, countsAfter, csvOptions, type JobPlan, mappingOf, planJob, rowParserOf, runnerId, staleBefore, WRITE_CONFLICT_ATTEMPTS } from './job-plan.js';
import { PhaseClock, type PhaseTimes } from './phases.js';
import { cutRanges, importShared } from './shared-run.js';
import { envNumber } from '../core/env-number.js';

/**
 * The job lifecycle: QUEUED → VALIDATING → VALIDATED (a dry run ends here) → IMPORTING →
 * COMPLETED | COMPLETED_WITH_ERRORS, or FAILED on a file-level error, with nothing written.
 *
 * A job reads its own copy of its file (see files.ts), twice. The first pass (VALIDATING) hashes
 * it and finds every file-level failure (encoding, an unclosed quote, the row limit, missing
 * columns) before anything is written. The second pass validates rows in chunks and commits each
 * chunk's rows, rejections and checkpoint in one transaction; a resumed job re-reads the copy and
 * continues after the checkpoint, so every row is written exactly once. A worker may share the
 * second pass of an import with other workers (`share`, see shared-run.ts).
 *
 * Whoever runs a job holds its lease (runner and heartbeat). At each chunk boundary the runner
 * stops when asked: a cancel ends the job CANCELLED, an abort (a signal, a server stopping)
 * leaves it INTERRUPTED, resumable. A runner that dies without a word leaves a heartbeat that
 * goes stale: the job shows as INTERRUPTED and may be resumed by anyone.
 */

export const DEFAULT_CHUNK_ROWS = 5_000;

/**
 * Rows per chunk: `$LOYALTY_CHUNK_ROWS`, else 5,000. Larger chunks write faster (a chunk's keys
 * are looked up and its index entries written in key order, a page once); smaller ones commit
 * more often, and let the lookups of more chunks run ahead in the same memory (see
 * `LOOKUPS_AHEAD`).
 */
export function chunkRowsOf(env: NodeJS.ProcessEnv = process.env): number {
  return envNumber('LOYALTY_CHUNK_ROWS', DEFAULT_CHUNK_ROWS, (n) => Number.isInteger(n) && n > 0, env);
}

/**
 * How many chunks a sequential import reads and looks up ahead of the one it resolves and
 * commits: the lookups of chunk N+2 run while N is resolved and committed and N+1 is read, so
 * that the reader thread is rarely what the job waits on (measured in docs/benchmarks.md).
 */
const LOOKUPS_AHEAD = 2;

/** A job to make: the file is an upload of the org (`fileId`) or a path the job copies. */
export type NewJobRequest = {
  orgId: string;
  template: string;
  dryRun?: boolean;
  allowDuplicate?: boolean;
  /** The job whose rejected rows, fixed, this file holds. */
  sourceJobId?: string;
  maxFileBytes?: number;
} & ({ fileId: string; filePath?: undefined } | { filePath: string; fileId?: undefined });

export interface RunOptions {
  chunkRows?: number;
  maxFileBytes?: number;
  onProgress?: (progress: { status: string; done: number; known: number | null }) => void;
  /** Aborting stops the job at its next chunk boundary, INTERRUPTED and resumable. */
  signal?: AbortSignal;
  /** Filled with where the job's time went (see phases.ts); measuring costs a little. */
  phases?: PhaseTimes;
  /**
   * Shares the import with other runners (see shared-run.ts): once the file is cut into ranges,
   * `share` is told how many there are, to start runners that call `helpJob`. Without it (and
   * for a dry run, or a file of one chunk) this runner imports every row itself.
   */
  share?: (ranges: number) => void | Promise<void>;
}

/** A job that cannot go on as asked (its resume meets a file-level problem): a state conflict. */
export class JobRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobRequestError';
  }
}

/** A request naming an org, template, upload or job that does not exist (or is another org's). */
export class JobNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobNotFoundError';
  }
}

/**
 * Creates a QUEUED job for a file and the template's current version. A file given by its path is
 * copied into the store first: the job never reads the operator's path again.
 */
export async function createJob(store: Store, request: NewJobRequest): Promise<JobRecord> {
  const org = await store.getOrg(request.orgId);
  if (!org) throw new JobNotFoundError(`Org "${request.orgId}" does not exist; load it first with \`loyalty-import org load\``);
  const template = await store.findTemplate(request.orgId, request.template);
  if (!template) throw new JobNotFoundError(`Org "${request.orgId}" has no template named or with id "${request.template}"; see \`loyalty-import template list --org ${request.orgId}\``);
  if (request.sourceJobId !== undefined) {
    const source = await store.getJob(request.sourceJobId);
    if (!source || source.orgId !== org.id) throw new JobNotFoundError(`Org "${org.id}" has no job "${request.sourceJobId}" to link this one to`);
  }
  let file: StoredFile | null;
  let fileName: string;
  if (request.fileId !== undefined) {
    file = await store.getFile(org.id, request.fileId);
    if (!file) throw new JobNotFoundError(`Org "${org.id}" has no uploaded file "${request.fileId}"; upload it again`);
    fileName = file.name;
  } else {
    file = await copyIntoStore(store, org.id, request.filePath, request.maxFileBytes);
    fileName = path.basename(request.filePath);
  }
  return store.createJob({
    id: randomUUID(),
    orgId: org.id,
    templateId: template.id,
    templateVersion: template.version,
    profile: template.profile,
    dryRun: request.dryRun ?? false,
    allowDuplicate: request.allowDuplicate ?? false,
    filePath: file.path,
    fileName,
    fileSize: file.bytes,
    fileId: file.id,
    sourceJobId: request.sourceJobId ?? null,
    createdAt: new Date().toISOString(),
  });
}

/**
 * DUPLICATE_FILE, with the file's hash: recorded when the job ends FAILED, which the
 * one-live-import-per-content index allows, though not while the job might still run.
 */
class DuplicateFileError extends FileError {
  constructor(
    readonly sha256: string,
    message: string,
  ) {
    super('DUPLICATE_FILE', message);
  }
}

/**
 * The shortest time between two heartbeats written at chunk boundaries; also how often a shared
 * job's runner, which checks while it waits for its turn, reads its lease at all.
 */
const BEAT_GAP_MS = 500;

/** Why a runner stops before the end of its file. */
class Halt extends Error {
  constructor(readonly reason: 'cancel' | 'interrupt') {
    super(reason);
  }
}

/**
 * The runner's side of the lease: a heartbeat on a timer (which also keeps the lease through a
 * long first pass), one more at a chunk boundary at most every `BEAT_GAP_MS`, and in between a
 * read of the job's row (no write: a write a chunk measured 15% slower on a 1,000,000-row
 * import); either brings back a cancel request, so that a cancel stops the job at the next
 * boundary. `checkpoint` throws to stop the job there.
 */
class Lease {
  private cancelRequested = false;
  private lost = false;
  private lastBeat = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly jobId: string,
    readonly runner: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setInterval(() => void this.beat().catch(() => undefined), LEASE.heartbeatMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    this.lastBeat = Date.now();
    this.note(await this.store.heartbeat(this.jobId, this.runner, new Date().toISOString()));
  }

  private note(state: { held: boolean; cancelRequested: boolean }): void {
    this.lost ||= !state.held;
    this.cancelRequested ||= state.cancelRequested;
  }

  /**
   * Throws when the job must stop at this chunk boundary. `minGapMs`: a caller that asks often (a
   * shared job's runner waiting for its turn) reads the row no more often than that.
   */
  async checkpoint(minGapMs = 0): Promise<void> {
    await this.held(minGapMs);
    if (this.cancelRequested) throw new Halt('cancel');
    if (this.signal?.aborted) throw new Halt('interrupt');
  }

  /** Throws when another runner has taken the job over: nothing more is written here. */
  async held(minGapMs = 0): Promise<void> {
    const since = Date.now() - this.lastBeat;
    if (since >= Math.max(minGapMs, BEAT_GAP_MS)) await this.beat();
    else if (since >= minGapMs) this.note(await this.store.leaseState(this.jobId, this.runner));
    if (this.lost) {
      throw new JobConflictError(`Job ${this.jobId} was taken over by another process after this one stopped sending heartbeats; nothing more is written here`);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Runs (or resumes) a job to its end and returns it. A file-level failure ends it FAILED, having
 * written nothing. An import that already committed rows is never FAILED: a file-level problem
 * found when it resumes (the org changed) leaves it INTERRUPTED, and throws. A job another live
 * runner holds is refused (JobConflictError); a job that has ended is returned as it is.
 */
export async function runJob(store: Store, jobId: string, options: RunOptions = {}): Promise<JobRecord> {
  const job = await store.getJob(jobId);
  if (!job) throw new JobNotFoundError(`No job with id "${jobId}"`);
  if (FINAL_STATUSES.has(job.status)) return job;
  const runner = runnerId();
  if (!(await store.claimRun(job.id, runner, new Date().toISOString(), staleBefore()))) {
    const current = (await store.getJob(jobId))!;
    if (FINAL_STATUSES.has(current.status)) return current;
    // A runner of this machine whose process is gone needs no wait for its heartbeat to go stale.
    const gone = current.heartbeatAt !== null && runnerIsGone(current.runner, os.hostname());
    if (gone && (await store.claimRun(job.id, runner, new Date().toISOString(), nextMillisecond(current.heartbeatAt!)))) {
      return runClaimed(store, job, runner, options);
    }
    throw new JobConflictError(
      `Job ${jobId} is running in another process (${current.runner ?? 'unknown'}, last heard from at ${current.heartbeatAt ?? 'an unknown time'}); let it finish, or stop it with \`loyalty-import job cancel ${jobId}\``,
    );
  }
  return runClaimed(store, job, runner, options);
}

/** The time just after `iso`: a lease whose last heartbeat was at `iso` is stale before it. */
function nextMillisecond(iso: string): string {
  return new Date(Date.parse(iso) + 1).toISOString();
}

async function runClaimed(store: Store, claimed: JobRecord, runner: string, options: RunOptions): Promise<JobRecord> {
  let job = claimed;
  const jobId = job.id;
  const lease = new Lease(store, job.id, runner, options.signal);
  try {
    if (job.dryRun && job.checkpointRow > 0) {
      // A dry run writes nothing but its rejections, and its duplicate check lives in memory:
      // an interrupted one starts again from the first row.
      await store.restartJob(job.id);
      job = (await store.getJob(jobId))!;
    }
    return await runHeld(store, job, options, lease);
  } finally {
    lease.stop();
  }
}

async function runHeld(store: Store, job: JobRecord, options: RunOptions, lease: Lease): Promise<JobRecord> {
  const resuming = !job.dryRun && job.checkpointRow > 0;
  const end = async (patch: Parameters<Store['updateJob']>[1]) => {
    // A cancel that found the lease stale may have ended the job meanwhile: that end stands.
    if (Object.keys(patch).length > 0) await store.updateJob(job.id, patch, { unlessEnded: true });
    await store.updateJob(job.id, { runner: null });
    const ended = (await store.getJob(job.id))!;
    if (FINAL_STATUSES.has(ended.status)) {
      // A shared job cancelled midway leaves its ranges: nobody takes them any more.
      await store.unshareJob(job.id);
      await releaseJobFile(store, ended.orgId, ended.fileId);
    }
    return ended;
  };
  try {
    // A resumed job reads the same copy or nothing.
    if (job.fileSha256 !== null) await checkSameFile(store, job);
    const clock = new PhaseClock(options.phases);
    try {
      await execute(store, job, options, lease, clock);
    } finally {
      clock.stop();
    }
    await store.checkAlive();
    return await end({});
  } catch (error) {
    if (error instanceof Halt) {
      await store.checkAlive();
      const now = new Date().toISOString();
      return end(error.reason === 'cancel' ? { status: 'CANCELLED', finishedAt: now } : { status: 'INTERRUPTED' });
    }
    // Another runner holds the job, or the store is gone: nothing here may write to it.
    if (error instanceof Error && error.name === 'StoreLostError') throw error;
    if (error instanceof JobConflictError) {
      // Cancelled while this runner stalled past its lease: the job has ended, as the cancel left it.
      const current = await store.getJob(job.id);
      if (current && FINAL_STATUSES.has(current.status)) return current;
      throw error;
    }
    const committed = resuming || (await store.getJob(job.id))!.checkpointRow > 0;
    const fileError = error instanceof FileError ? error : unreadable(error);
    if (fileError && !committed) {
      // A file refused as a duplicate keeps its hash: the one that names the earlier import.
      const hash = fileError instanceof DuplicateFileError ? { fileSha256: fileError.sha256 } : {};
      return end({ status: 'FAILED', fileError: { code: fileError.code, message: fileError.message }, finishedAt: new Date().toISOString(), ...hash });
    }
    await store.updateJob(job.id, { status: 'INTERRUPTED', runner: null }).catch(() => undefined);
    if (fileError) {
      const upTo = (await store.getJob(job.id))!.checkpointRow;
      throw new JobRequestError(
        `Job ${job.id} has imported its rows up to row ${upTo} and cannot go on: ${fileError.code}: ${fileError.message}. Nothing more was written; put this right and run \`loyalty-import job resume ${job.id}\``,
      );
    }
    throw error;
  }
}

/** A system error reading the job's copy of its file, as the file-level failure it is. */
function unreadable(error: unknown): FileError | null {
  if (!(error instanceof Error) || !('code' in error) || !('syscall' in error)) return null;
  return new FileError('MALFORMED_CSV', `The file cannot be read: ${error.message}`);
}

/** A resumed import reads the file it started with, or nothing. */
async function checkSameFile(store: Store, job: JobRecord): Promise<void> {
  const hash = sha256();
  try {
    for await (const _ of jobFileBytes(store, job, hash)) {
      // The hash sees every byte.
    }
  } catch {
    throw new JobRequestError(`Job ${job.id} cannot resume: its file "${job.filePath}" cannot be read; put it back and run \`loyalty-import job resume ${job.id}\``);
  }
  if (hash.digest('hex') !== job.fileSha256) {
    throw new JobRequestError(`Job ${job.id} cannot resume: the file "${job.filePath}" changed since the job started; put the original file back and run \`loyalty-import job resume ${job.id}\``);
  }
}

async function execute(store: Store, job: JobRecord, options: RunOptions, lease: Lease, clock: PhaseClock): Promise<void> {
  const startedAt = job.startedAt ?? new Date().toISOString();
  await store.updateJob(job.id, { status: 'VALIDATING', startedAt });
  const maxBytes = options.maxFileBytes ?? maxFileBytes();
  const plan = await planJob(store, job, startedAt, {
    lookups: clock.storeFor(store),
    check: () => {
      if (job.fileSize > maxBytes) {
        throw new FileError('FILE_TOO_LARGE', `The file is ${megabytes(job.fileSize)}; the largest file accepted is ${megabytes(maxBytes)}. Split it into smaller files`);
      }
    },
  });
  const { body } = plan;
  clock.lap('other');
  const scan = await scanFile((hash) => jobFileBytes(store, job, hash), body);
  const mapping = mappingOf(plan, scan.header, scan.expectedCells);
  clock.lap('scan');
  await lease.checkpoint();
  if (job.fileSha256 !== null && job.fileSha256 !== scan.sha256) {
    throw new JobRequestError(`Job ${job.id} cannot go on: the file "${job.filePath}" changed since the job started; put the original file back and run \`loyalty-import job resume ${job.id}\``);
  }
  // What the scan found is the job's, whatever comes of the checks below.
  await store.updateJob(job.id, { header: scan.header, autoMapped: mapping.autoMapped, rowsKnown: scan.rows });
  // The hash is recorded and checked against earlier imports in one step, so that two imports of
  // the same file at once cannot both pass. A resumed job holds its file already.
  const earlier = job.fileSha256 === null ? await store.claimFile(job.id, scan.sha256) : null;
  if (earlier && !FINAL_STATUSES.has(earlier.status)) {
    throw new DuplicateFileError(
      scan.sha256,
      `The same file is being imported with this template version by job ${earlier.id} (${earlier.fileName}, ${earlier.status}), which has not finished; resume it with \`loyalty-import job resume ${earlier.id}\` or cancel it with \`loyalty-import job cancel ${earlier.id}\` — importing the file again beside it would write its rows twice`,
    );
  }
  if (earlier) {
    throw new DuplicateFileError(
      scan.sha256,
      `The same file was imported with this template version by job ${earlier.id} (${earlier.fileName}, ${earlier.createdAt}); to import it again on purpose, allow duplicates (\`--allow-duplicate\` on the command line, \`"allowDuplicate": true\` in the API)`,
    );
  }
  await store.updateJob(job.id, {
    promotionIdentifier: plan.promotionIdentifier,
    status: job.dryRun ? 'VALIDATING' : 'IMPORTING',
  });
  options.onProgress?.({ status: job.dryRun ? 'VALIDATING' : 'IMPORTING', done: job.counts.total, known: scan.rows });

  const parseRow = rowParserOf(plan, mapping, scan.expectedCells);
  const chunkRows = options.chunkRows ?? chunkRowsOf();
  const ranges = options.share && !job.dryRun ? cutRanges(job.checkpointRow, scan.firstRow, scan.lastRow, chunkRows) : [];
  if (options.share && ranges.length > 1) {
    // Shared with other runners: ranges looked up and checked side by side, committed in order.
    const progress = (done: number) => options.onProgress?.({ status: 'IMPORTING', done, known: scan.rows });
    await importShared(store, job, { plan, parseRow, runner: lease.runner, ranges, share: options.share, stopHere: () => lease.checkpoint(BEAT_GAP_MS), onProgress: progress });
    clock.lap('other');
  } else {
    await importInOrder(store, job, { plan, parseRow, chunkRows, options, lease, clock, known: scan.rows });
  }

  // Every row is committed: the job ends as it ran, even if a cancel or a stop came meanwhile.
  await lease.held();
  const counts = (await store.getJob(job.id))!.counts;
  const status = job.dryRun ? 'VALIDATED' : counts.rejected === 0 ? 'COMPLETED' : 'COMPLETED_WITH_ERRORS';
  await store.updateJob(job.id, { status, finishedAt: new Date().toISOString() }, { unlessEnded: true });
}

/** The sequential import: chunks read, looked up, checked and committed one after another by this runner. */
async function importInOrder(
  store: Store,
  job: JobRecord,
  ctx: { plan: JobPlan; parseRow: (record: CsvRecord) => RowParse; chunkRows: number; options: RunOptions; lease: Lease; clock: PhaseClock; known: number },
): Promise<void> {
  const { plan, parseRow, chunkRows, options, lease, clock } = ctx;
  const { prepared } = plan;
  const counts: JobCounts = structuredClone(job.counts);
  let rows: ParsedRow[] = [];
  let rejections: Rejection[] = [];
  let lastRow = job.checkpointRow;
  let cutAfter = job.checkpointRow;

  // The lookups of reference data of the next LOOKUPS_AHEAD chunks start before chunk N is
  // resolved and committed, so that a store that can read in parallel (a reader thread, a
  // connection pool) overlaps them; unless the profile's lookups must see chunk N's writes: then
  // each chunk's lookups start once the chunk before it committed.
  const ahead = prepared.prefetchAhead ?? true;
  const depth = ahead ? LOOKUPS_AHEAD : 1;
  interface Chunk {
    rows: ParsedRow[];
    rejections: Rejection[];
    /** The last row of the chunk before it (the job's checkpoint when it commits), and its own. */
    afterRow: number;
    lastRow: number;
    lookups: Promise<unknown> | null;
  }
  // Chunks read (and being looked up) but not yet resolved, oldest first.
  const inflight: Chunk[] = [];

  const finish = async (chunk: Chunk) => {
    const chunkTotal = chunk.rows.length + chunk.rejections.length;
    for (let attempt = 1; ; attempt++) {
      // Resolved even when empty: a chunk's writes may carry more than rows (the promotion a
      // Customer Promotion import creates with its first chunk, whatever that chunk holds).
      clock.lap('other');
      const lookups = await (attempt === 1 && chunk.lookups ? chunk.lookups : prepared.prefetch(chunk.rows));
      clock.lap('lookups');
      clock.inRules = true;
      const result = await prepared.resolve(chunk.rows, lookups);
      clock.inRules = false;
      const rejected = chunkRejections(chunk.rejections, result);
      const next = countsAfter(counts, chunkTotal, rejected, result.accepted, job.dryRun);
      clock.lap('rules');
      try {
        await store.commitChunk({
          jobId: job.id,
          afterRow: chunk.afterRow,
          checkpointRow: chunk.lastRow,
          counts: next,
          rejections: rejected,
          writes: job.dryRun ? [] : result.writes,
        });
      } catch (error) {
        // Another job wrote one of these rows' keys after they were looked up: nothing was
        // written, and the chunk is looked up and checked again, meeting that job's rows.
        if (error instanceof WriteConflictError && attempt < WRITE_CONFLICT_ATTEMPTS) continue;
        throw error;
      }
      clock.lap('writes');
      Object.assign(counts, next);
      prepared.committed?.(chunk.lastRow);
      break;
    }
    await store.checkAlive();
    options.onProgress?.({ status: job.dryRun ? 'VALIDATING' : 'IMPORTING', done: counts.total, known: ctx.known });
  };

  const cut = async () => {
    clock.lap('parse');
    const next: Chunk = { rows, rejections, afterRow: cutAfter, lastRow, lookups: ahead ? prepared.prefetch(rows) : null };
    cutAfter = lastRow;
    // Its failure surfaces when the chunk is finished; until then it must not count as unhandled.
    next.lookups?.catch(() => undefined);
    clock.lap('lookups');
    rows = [];
    rejections = [];
    inflight.push(next);
    if (inflight.length > depth) await finish(inflight.shift()!);
  };

  const finishAll = async () => {
    while (inflight.length > 0) await finish(inflight.shift()!);
  };

  // At a chunk boundary: a job cancelled stops there, its chunks read ahead left unwritten; a job
  // stopped (a signal) commits what it has read first; one that lost its lease writes nothing more.
  const stopHere = async () => {
    try {
      await lease.checkpoint();
    } catch (halt) {
      if (halt instanceof Halt && halt.reason === 'interrupt') {
        if (rows.length + rejections.length > 0) await cut();
        await finishAll();
      }
      throw halt;
    }
  };

  const reader = new CsvReader(jobFileBytes(store, job), csvOptions(plan.body));
  await reader.header();
  clock.lap('other');
  for await (const batch of reader.records()) {
    clock.lap('read');
    for (const record of batch) {
      if (record.rowNumber <= job.checkpointRow) continue;
      const parsedRow = parseRow(record);
      if (parsedRow.ok) rows.push(parsedRow.row);
      else rejections.push({ rowNumber: record.rowNumber, cells: record.cells, ...parsedRow.issue });
      lastRow = record.rowNumber;
      if (rows.length + rejections.length >= chunkRows) {
        await cut();
        await stopHere();
        clock.lap('other');
      }
    }
    clock.lap('parse');
  }
  if (rows.length + rejections.length > 0) await cut();
  // The chunks still to commit: each is a chunk boundary too.
  while (inflight.length > 0) {
    await stopHere();
    await finish(inflight.shift()!);
  }
}

interface FileScan {
  sha256: string;
  header: string[] | null;
  rows: number;
  /** The row numbers of the file's first and last data rows. */
  firstRow: number;
  lastRow: number;
  expectedCells: number;
}

/** The first pass: every file-level check of the bytes, before anything is written. */
async function scanFile(bytes: (hash: Hash) => AsyncIterable<Uint8Array>, body: TemplateBody): Promise<FileScan> {
  const hash = sha256();
  const reader = new CsvReader(bytes(hash), csvOptions(body));
  const headerRecord = await reader.header();
  let rows = 0;
  let first: CsvRecord | null = null;
  let lastRow = 0;
  for await (const batch of reader.records()) {
    first ??= batch[0] ?? null;
    rows += batch.length;
    if (batch.length > 0) lastRow = batch[batch.length - 1]!.rowNumber;
    if (rows > body.rowLimit) {
      throw new FileError('ROW_LIMIT_EXCEEDED', `The file has more than ${body.rowLimit} data rows, the template's rowLimit; split it, or raise rowLimit`);
    }
  }
  if (rows === 0) throw new FileError('EMPTY_FILE', headerRecord ? 'The file has a header but no data rows' : 'The file has no data rows');
  const header = headerRecord?.cells ?? null;
  return { sha256: hash.digest('hex'), header, rows, firstRow: first!.rowNumber, lastRow, expectedCells: header?.length ?? first!.cells.length };
}


