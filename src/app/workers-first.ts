import { sweepExpiredFiles } from '../jobs/files.js';
import type { JobQueue } from '../jobs/queue.js';
import { LEASE } from '../domain/lease.js';
import { BackgroundJobs, type JobEvent, type JobRunner } from './background.js';
import type { AppContext } from './context.js';
import { QueuedJobs } from './queued.js';

/**
 * The server's jobs on PostgreSQL (`serve` without `--workers`): each job made or resumed is handed
 * to the worker processes (`loyalty-import worker`) when any is connected to the database, and run
 * in this process, `concurrency` at a time, when none is. So a server with workers beside it
 * queues every job for them, and a server alone still runs its jobs.
 *
 * A job this process runs is its own, as on SQLite: stopping the server leaves it INTERRUPTED, to
 * be resumed over the API. A job handed to the workers is theirs: a worker that stops or dies
 * leaves it to another. When the last worker has gone, the jobs left in the queue with nobody to
 * run them (`JobQueue.takeBack`) are taken back every few seconds and run here.
 */
export class WorkersFirstJobs implements JobRunner {
  private readonly here: BackgroundJobs;
  private readonly workers: QueuedJobs;
  private sweep: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly queue: JobQueue,
    private readonly options: { concurrency: number; log: (message: string, error?: unknown) => void },
  ) {
    this.here = new BackgroundJobs(ctx, options);
    this.workers = new QueuedJobs(ctx, queue, options.log);
  }

  /**
   * Takes up the jobs an earlier run of the server left QUEUED (those in the queue stay there),
   * removes expired uploads, and starts the sweep.
   */
  async start(): Promise<number> {
    await sweepExpiredFiles(this.ctx.store).catch((error) => this.options.log('removing expired uploads failed', error));
    const left = (await this.ctx.store.jobsWithStatus(['QUEUED'])).filter((job) => !job.queued);
    for (const job of left) await this.enqueue(job.id);
    this.sweep = setInterval(() => void this.takeBack(), Math.max(1_000, LEASE.heartbeatMs));
    await this.takeBack();
    return left.length;
  }

  async enqueue(jobId: string): Promise<void> {
    try {
      if ((await this.queue.workersConnected()) > 0) {
        await this.workers.enqueue(jobId);
        return;
      }
      // Run here, and so out of the queue (a job handed to the workers before, now resumed),
      // unless a worker has just taken it.
      if (!(await this.queue.takeOut(jobId))) return;
    } catch (error) {
      // The job exists: it is not left waiting for a queue that cannot be reached.
      this.options.log(`Job ${jobId}: the workers' queue could not be reached; it runs here`, error);
    }
    this.here.enqueue(jobId);
  }

  holds(jobId: string): boolean {
    return this.here.holds(jobId);
  }

  unqueue(jobId: string): boolean {
    return this.here.unqueue(jobId);
  }

  /** A job run here is followed here; any other through its row, which stays true if it moves here. */
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    return this.here.holds(jobId) ? this.here.subscribe(jobId, listener) : this.workers.subscribe(jobId, listener);
  }

  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    await this.sweeping;
    await this.here.stop();
    await this.workers.stop();
  }

  /** With no worker connected, runs here the jobs left in the queue. */
  private takeBack(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        if ((await this.queue.workersConnected()) > 0) return;
        await this.queue.takeBack((jobId) => {
          this.here.enqueue(jobId);
          this.options.log(`Job ${jobId} was waiting for a worker and none is connected: it runs here`);
        });
      } catch (error) {
        this.options.log('Taking back the jobs waiting for a worker failed', error);
      } finally {
        this.sweeping = null;
      }
    })();
    return this.sweeping;
  }
}
