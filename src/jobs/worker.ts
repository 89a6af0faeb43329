import { setTimeout as sleep } from 'node:timers/promises';
import { run, type Runner, type Task } from 'graphile-worker';
import pg from 'pg';
import { JobConflictError } from '../store/job-conflict-error.js';
import { FINAL_STATUSES } from '../domain/jobs.js';
import { LEASE } from '../domain/lease.js';
import { HELP_JOB_TASK, lostJobIds, MAX_JOB_HELPERS, queueUtils, quietLogger, RUN_JOB_MAX_ATTEMPTS, RUN_JOB_TASK, WORKER_APPLICATION_NAME } from './queue.js';
import { helpJobInThread, runJobInThread } from './run-in-thread.js';
import { JobRequestError } from './runner.js';

/**
 * A worker process (`loyalty-import worker`): takes jobs from the queue (queue.ts) and runs each
 * to its end in a job thread (`runJobInThread`, with its memory caps), `concurrency` at a time.
 * A job of several chunks is shared: the worker running it queues `help-job` tasks, and free
 * workers (on any machine) take part in its import, range by range (shared-run.ts).
 *
 * Stopping (SIGTERM, SIGINT): the running jobs commit their current chunk and are left
 * INTERRUPTED, and each is queued again at once, for another worker (or this one, restarted).
 *
 * A worker that dies without a word (SIGKILL, its machine gone) stops sending its jobs'
 * heartbeats. Every worker sweeps the jobs every few seconds: a job that was handed to the
 * workers (`queued`), has not ended, has no live runner (no heartbeat within the lease), and has
 * no task waiting or freshly taken in the queue, is queued again. Its next runner resumes it
 * after its last committed chunk, so every row is still written once. A job nobody queued (a
 * person's `import`, stopped with Ctrl-C) is never taken up by the sweep.
 */

export interface WorkerOptions {
  /** The store: a postgres:// URL. */
  location: string;
  concurrency: number;
  /** The most helpers a job this worker runs asks for (see shared-run.ts); 0 runs each job alone. Default `MAX_JOB_HELPERS`. */
  helpers?: number;
  maxFileBytes?: number;
  /** Lines for the operator (a job taken, ended, handed back). */
  log: (line: string) => void;
  /** How often the sweep of lost jobs runs; by default the lease's heartbeat period (at least 1 s). */
  sweepMs?: number;
}

export interface RunningWorker {
  /** Stops taking jobs; the running ones commit their chunk and are queued again. Resolves when all stopped. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped (or failed). */
  done: Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const maxHelpers = options.helpers ?? MAX_JOB_HELPERS;
  const stopping = new AbortController();
  // Named, so that a server sees that a worker is connected (`JobQueue.workersConnected`): a name
  // in the URL would win over the one given here, so it is taken out of it.
  const pool = new pg.Pool({ connectionString: withoutApplicationName(options.location), max: options.concurrency + 2, application_name: WORKER_APPLICATION_NAME });
  // A connection the server drops (a restart, an administrator) is an error event on its client
  // and on the pool; without listeners it would end the process. The pool replaces the client,
  // and the task that used it fails and is retried.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));

  const runJobTask: Task = async (payload, helpers) => {
    const { jobId } = payload as { jobId: string };
    options.log(`job ${jobId}: taken`);
    let status: string;
    try {
      // This worker's stop, or graphile-worker's own abort of a shutdown that takes too long.
      const signal = AbortSignal.any([stopping.signal, helpers.abortSignal]);
      // A job cut into ranges asks the free workers for help (see shared-run.ts).
      let asked = 0;
      const share = async (ranges: number) => {
        const count = Math.min(ranges - 1, maxHelpers);
        try {
          for (; asked < count; asked++) await helpers.addJob(HELP_JOB_TASK, { jobId }, { jobKey: helpKey(jobId, asked + 1), maxAttempts: 1 });
        } catch (error) {
          // The job goes on without help.
          options.log(`job ${jobId}: asking the other workers for help failed: ${(error as Error).message}`);
        }
      };
      try {
        const job = await runJobInThread(options.location, jobId, { maxFileBytes: options.maxFileBytes, signal, share: maxHelpers > 0 ? share : undefined });
        status = job.status;
      } finally {
        // Help no worker has taken yet is no longer needed (a job queued again asks anew).
        await helpers
          .withPgClient((client) => client.query('select graphile_worker.remove_job(key) from unnest($1::text[]) as key', [Array.from({ length: asked }, (_, i) => helpKey(jobId, i + 1))]))
          .catch(() => undefined);
      }
    } catch (error) {
      const e = error as Error;
      // Another live runner holds it: that one finishes it (or, if it dies, the sweep queues it again).
      if (error instanceof JobConflictError || e.name === 'JobNotFoundError') {
        options.log(`job ${jobId}: not run here: ${e.message}`);
        return;
      }
      // The job cannot go on as it is (its file changed, its template no longer fits the org): it
      // stays INTERRUPTED and leaves the queue, so that the sweep does not take it up again and
      // again; a person puts it right and resumes it, which queues it again.
      if (error instanceof JobRequestError) {
        await pool.query('update jobs set queued = 0 where id = $1', [jobId]);
        options.log(`job ${jobId}: cannot go on, left INTERRUPTED until it is resumed: ${e.message}`);
        return;
      }
      // Anything else (a lost connection, a thread that crashed): graphile-worker retries later.
      options.log(`job ${jobId}: stopped: ${e.message}`);
      throw error;
    }
    if (FINAL_STATUSES.has(status as never)) {
      options.log(`job ${jobId}: ${status}`);
      return;
    }
    // Stopped by this worker's shutdown: queued again at once, for whichever worker is free.
    options.log(`job ${jobId}: ${status}, queued again`);
    await helpers.addJob(RUN_JOB_TASK, { jobId }, { jobKey: jobId, maxAttempts: RUN_JOB_MAX_ATTEMPTS });
  };

  const helpJobTask: Task = async (payload, helpers) => {
    const { jobId } = payload as { jobId: string };
    try {
      const signal = AbortSignal.any([stopping.signal, helpers.abortSignal]);
      const ranges = await helpJobInThread(options.location, jobId, { signal });
      if (ranges > 0) options.log(`job ${jobId}: helped, ${ranges} range${ranges === 1 ? '' : 's'} committed here`);
    } catch (error) {
      // A helper is never retried: the job's own runner, and any other helper, take its ranges over.
      options.log(`job ${jobId}: helping stopped: ${(error as Error).message}`);
    }
  };

  // The schema first, under the lock every process takes to make it; `run` then finds it made.
  // Starting again once more if that fails: the queue's schema made by another process at the same
  // moment has been seen to fail a start here, and the next one finds it complete.
  let runner: Runner;
  for (let attempt = 1; ; attempt++) {
    try {
      await (await queueUtils({ pgPool: pool })).release();
      runner = await run({
        pgPool: pool,
        concurrency: options.concurrency,
        noHandleSignals: true,
        pollInterval: 2_000,
        logger: quietLogger,
        taskList: { [RUN_JOB_TASK]: runJobTask, [HELP_JOB_TASK]: helpJobTask },
      });
      break;
    } catch (error) {
      if (attempt < START_ATTEMPTS) {
        options.log(`starting failed, trying again: ${(error as Error).message}`);
        await sleep(500 * attempt);
        continue;
      }
      await pool.end();
      throw error;
    }
  }

  const sweepMs = options.sweepMs ?? Math.max(1_000, LEASE.heartbeatMs);
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping || stopping.signal.aborted) return;
    sweeping = true;
    requeueLostJobs(pool)
      .then((ids) => {
        for (const id of ids) options.log(`job ${id}: its runner was lost, queued again`);
      })
      .catch((error: unknown) => options.log(`sweep of lost jobs failed: ${(error as Error).message}`))
      .finally(() => {
        sweeping = false;
      });
  }, sweepMs);

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      clearInterval(sweep);
      stopping.abort();
      try {
        await runner.stop();
      } finally {
        await pool.end();
      }
    })();
    return stopped;
  };
  return { stop, done: runner.promise };
}

/** The database URL without an `application_name` parameter. */
export function withoutApplicationName(location: string): string {
  const url = new URL(location);
  if (!url.searchParams.has('application_name')) return location;
  url.searchParams.delete('application_name');
  return url.toString();
}

/** How often a worker tries to start (make sure of the queue's schema, and run) before it gives up. */
const START_ATTEMPTS = 3;

/** The key of a job's `help-job` task number `n`. */
function helpKey(jobId: string, n: number): string {
  return `${jobId}:help:${n}`;
}

/**
 * Queues again the jobs handed to the workers whose runner is lost (see above); returns their ids.
 * Any number of workers may sweep at once: a task's key is its job's id, so a job is queued once.
 */
export async function requeueLostJobs(pool: pg.Pool): Promise<string[]> {
  const ids = await lostJobIds(pool, 'will-run');
  for (const id of ids) {
    await pool.query('select graphile_worker.add_job($1, json_build_object($2::text, $3::text), job_key := $3::text, max_attempts := $4::int, job_key_mode := $5)', [
      RUN_JOB_TASK,
      'jobId',
      id,
      RUN_JOB_MAX_ATTEMPTS,
      'preserve_run_at',
    ]);
  }
  return ids;
}
