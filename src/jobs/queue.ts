import { Logger, makeWorkerUtils, type WorkerUtils, type WorkerUtilsOptions } from 'graphile-worker';
import type pg from 'pg';
import { LEASE } from '../domain/lease.js';
import { withSchemaLock } from '../store/postgres/schema-lock.js';

/**
 * The queue of the worker processes (`loyalty-import worker`): graphile-worker, in its own schema
 * (`graphile_worker`) of the store's PostgreSQL database. A job handed to the workers is marked
 * `queued` on its row and gets one graphile task `run-job` whose key is the job's id, in one
 * transaction: a job is queued at most once, however often it is enqueued again (a resume, a
 * worker stopping, the sweep of lost jobs in worker.ts).
 *
 * SQLite has no workers: `import` and `serve` run jobs themselves there.
 */

/** The graphile-worker task that runs one job. */
export const RUN_JOB_TASK = 'run-job';

/**
 * The graphile-worker task that takes part in a job another worker runs (see shared-run.ts).
 * A job of several chunks gets one per range after the first, up to `MAX_JOB_HELPERS`, each
 * keyed by the job and its number: a free worker takes one and helps until no range is free.
 */
export const HELP_JOB_TASK = 'help-job';

/** The most helpers a job asks for, by default (`worker --helpers`). A helper that finds no free range ends at once. */
export const MAX_JOB_HELPERS = 7;

/** How often graphile-worker retries a task that failed for a reason not the job's (a lost connection). */
export const RUN_JOB_MAX_ATTEMPTS = 10;

/**
 * The name a worker's connections give the database (`application_name`): how the server sees
 * whether any worker is connected (`JobQueue.workersConnected`).
 */
export const WORKER_APPLICATION_NAME = 'loyalty-import worker';

/** Whether a store location is PostgreSQL, where workers can run. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** What an operator is told when workers are asked of a SQLite store. */
export function workersNeedPostgres(what: string): string {
  return `${what} needs a PostgreSQL store (--db postgres://… or $LOYALTY_DB): workers share jobs through the database. On SQLite, \`import\` and \`serve\` run jobs themselves`;
}

/** A connection to the workers' queue. */
export class JobQueue {
  private constructor(private readonly utils: WorkerUtils) {}

  /** Connects to the queue of the database at `location`, making its schema if it is not there. */
  static async open(location: string): Promise<JobQueue> {
    try {
      return new JobQueue(await queueUtils({ connectionString: location }));
    } catch {
      // The queue's schema made by another process at the same moment: the second try finds it made.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return new JobQueue(await queueUtils({ connectionString: location }));
    }
  }

  /**
   * Hands a job to the workers: marks it queued and adds its `run-job` task, in one transaction.
   * A job already waiting stays queued once (the task's key is the job's id).
   */
  async enqueue(jobId: string): Promise<void> {
    await this.utils.withPgClient(async (client) => {
      await client.query('begin');
      try {
        await client.query('update jobs set queued = 1 where id = $1', [jobId]);
        await client.query('select graphile_worker.add_job($1, json_build_object($2::text, $3::text), job_key := $3::text, max_attempts := $4::int)', [
          RUN_JOB_TASK,
          'jobId',
          jobId,
          RUN_JOB_MAX_ATTEMPTS,
        ]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    });
  }

  /** How many connections of worker processes the database has now: none means no worker runs. */
  async workersConnected(): Promise<number> {
    return this.utils.withPgClient(async (client) => {
      const { rows } = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = $1',
        [WORKER_APPLICATION_NAME],
      );
      return rows[0]!.n;
    });
  }

  /**
   * Takes back from the queue the jobs handed to the workers that no runner holds and no worker
   * has taken (`lostJobIds`), for a server with no worker connected: each leaves the queue
   * (`queued` = 0, its task removed) and is passed to `run` as soon as that is committed.
   */
  async takeBack(run: (jobId: string) => void): Promise<void> {
    await this.utils.withPgClient(async (client) => {
      for (const id of await lostJobIds(client, 'runs-nowhere')) if (await unqueue(client, id, true)) run(id);
    });
  }

  /**
   * Takes a job out of the queue for this process to run it (`queued` = 0, its waiting task
   * removed); false when a worker has just taken its task, and runs it.
   */
  async takeOut(jobId: string): Promise<boolean> {
    return this.utils.withPgClient((client) => unqueue(client, jobId, false));
  }

  async close(): Promise<void> {
    await this.utils.release();
  }
}

/**
 * In one transaction: the job leaves the queue and its task is removed, unless a worker holds
 * that task (a lock younger than the lease), which leaves everything as it was. `ifQueued`: only
 * a job still marked queued (two servers taking back the same job: one does).
 */
async function unqueue(client: Pick<pg.ClientBase, 'query'>, jobId: string, ifQueued: boolean): Promise<boolean> {
  await client.query('begin');
  try {
    const { rowCount } = await client.query(`update jobs set queued = 0 where id = $1${ifQueued ? ' and queued = 1' : ''}`, [jobId]);
    const { rows } = await client.query<{ taken: boolean | null }>(
      'select (graphile_worker.remove_job($1)).locked_at > now() - make_interval(secs => $2::double precision / 1000) as taken',
      [jobId, LEASE.staleMs],
    );
    if ((ifQueued && rowCount !== 1) || rows[0]?.taken === true) {
      await client.query('rollback');
      return false;
    }
    await client.query('commit');
    return true;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * The jobs handed to the workers (`queued`) that no runner holds: not ended, no cancel asked, no
 * heartbeat within the lease, and no task freshly taken in the queue; nor one waiting in it,
 * unless `waiting` says a waiting task counts for nothing (no worker is connected to take it).
 */
export async function lostJobIds(client: Pick<pg.ClientBase, 'query'>, waiting: 'will-run' | 'runs-nowhere'): Promise<string[]> {
  const staleBefore = new Date(Date.now() - LEASE.staleMs).toISOString();
  const { rows } = await client.query<{ id: string }>(
    `select j.id from jobs j
      where j.queued = 1 and j.cancel_requested = 0
        and j.status in ('QUEUED', 'VALIDATING', 'IMPORTING', 'INTERRUPTED')
        and (j.runner is null or j.heartbeat_at is null or j.heartbeat_at < $1)
        and not exists (
          select 1 from graphile_worker.jobs g
           where g.key = j.id and g.attempts < g.max_attempts
             and ((g.locked_at is null and $3) or g.locked_at > now() - make_interval(secs => $2::double precision / 1000)))`,
    [staleBefore, LEASE.staleMs, waiting === 'will-run'],
  );
  return rows.map((r) => r.id);
}

/**
 * graphile-worker's utilities on the queue's database, its schema made or brought up to date
 * first, under the schema lock (schema-lock.ts): graphile-worker migrates when its utilities (or a
 * runner) are made, so the lock is taken before they are.
 */
export async function queueUtils(options: Pick<WorkerUtilsOptions, 'connectionString' | 'pgPool'>): Promise<WorkerUtils> {
  const where = options.pgPool ? { pool: options.pgPool } : { connectionString: options.connectionString! };
  return withSchemaLock(where, () => makeWorkerUtils({ ...options, logger: quietLogger }));
}

/** Hands one job to the workers of the PostgreSQL database at `location`; returns how many worker connections it has. */
export async function enqueueJob(location: string, jobId: string): Promise<number> {
  const queue = await JobQueue.open(location);
  try {
    await queue.enqueue(jobId);
    return await queue.workersConnected();
  } finally {
    await queue.close();
  }
}

/** graphile-worker's own messages: warnings and errors only, on standard error. */
export const quietLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') process.stderr.write(`loyalty-import worker queue: ${level}: ${message}\n`);
});
