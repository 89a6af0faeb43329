import { Worker } from 'node:worker_threads';
import type { JobRecord } from '../domain/jobs.js';
import type { PhaseTimes } from './phases.js';
import { JobConflictError } from '../store/job-conflict-error.js';
import { JobRequestError, type RunOptions } from './runner.js';

/**
 * Runs a job in a worker thread with its own heap limits. A streaming job needs little memory,
 * but V8 lets a busy old generation grow far past its live set before collecting: the cap keeps
 * an import's peak memory flat for any file size. The young generation (48 MB) holds about two
 * chunks' short-lived objects; twice that bought no speed and cost 45 MB of peak memory
 * (measured in docs/benchmarks.md).
 */
export function runJobInThread(location: string, jobId: string, options: RunOptions = {}): Promise<JobRecord> {
  return inThread<JobRecord>(
    { location, jobId, chunkRows: options.chunkRows, maxFileBytes: options.maxFileBytes, measure: options.phases !== undefined, share: options.share !== undefined },
    options,
    (m) => {
      if (m.phases && options.phases) Object.assign(options.phases, m.phases);
      return m.job;
    },
  );
}

/**
 * Takes part in a shared job (`helpJob`, see shared-run.ts) in a worker thread with the same
 * limits; resolves with the number of ranges this thread committed.
 */
export function helpJobInThread(location: string, jobId: string, options: Pick<RunOptions, 'signal'> = {}): Promise<number> {
  return inThread<number>({ location, jobId, help: true }, options, (m) => m.helped);
}

type ThreadMessage = { progress?: Progress; share?: number; job?: JobRecord; helped?: number; phases?: PhaseTimes; error?: { name: string; message: string; stack?: string } };

/** Runs job-thread.ts with `data`; `end` picks the result out of its last message. */
function inThread<T>(data: Record<string, unknown>, options: RunOptions, end: (m: ThreadMessage) => T | undefined): Promise<T> {
  const jobId = data.jobId as string;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./job-thread.js', import.meta.url), {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 48 },
    });
    let settled = false;
    // Asked to stop: the job commits its current chunk and ends INTERRUPTED, and the thread
    // answers with the job as usual.
    const stop = () => worker.postMessage({ stop: true });
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const fail = (error: Error) => {
      settled = true;
      reject(error);
    };
    worker.on('message', (m: ThreadMessage) => {
      if (m.progress) options.onProgress?.(m.progress);
      else if (m.share !== undefined) void Promise.resolve(options.share?.(m.share)).catch(() => undefined);
      else if (m.error) fail(rebuild(m.error, jobId));
      else {
        const result = end(m);
        if (result === undefined) return;
        settled = true;
        resolve(result);
      }
    });
    worker.on('error', (error) => fail(new JobStoppedError(jobId, error.message)));
    worker.on('exit', (code) => {
      options.signal?.removeEventListener('abort', stop);
      if (!settled) fail(new JobStoppedError(jobId, `the job thread exited with code ${code}`));
    });
  });
}

type Progress = Parameters<NonNullable<RunOptions['onProgress']>>[0];

/** A job that stopped before its end for a reason that is not the file's: it can be resumed. */
export class JobStoppedError extends Error {
  constructor(
    readonly jobId: string,
    reason: string,
  ) {
    super(`Job ${jobId} stopped before its end: ${reason}. What it committed is kept; resume it with \`loyalty-import job resume ${jobId}\``);
    this.name = 'JobStoppedError';
  }
}

function rebuild(e: { name: string; message: string; stack?: string }, jobId: string): Error {
  let error: Error;
  if (e.name === 'JobRequestError') error = new JobRequestError(e.message);
  else if (e.name === 'JobConflictError') error = new JobConflictError(e.message);
  else if (e.name === 'StoreLostError' || e.name === 'JobNotFoundError' || e.name === 'FileReadError') {
    error = new Error(e.message);
    error.name = e.name;
  }
  else error = new JobStoppedError(jobId, e.message);
  if (e.stack) error.stack = e.stack;
  return error;
}
