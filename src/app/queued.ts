import { EventEmitter } from 'node:events';
import { sweepExpiredFiles } from '../jobs/files.js';
import type { JobQueue } from '../jobs/queue.js';
import { FINAL_STATUSES } from '../domain/jobs.js';
import type { JobEvent, JobRunner } from './background.js';
import type { AppContext } from './context.js';

/** How often a followed job's row is read. */
const POLL_MS = 500;

/**
 * The server's jobs handed to the worker processes (`serve --workers`, PostgreSQL): a job made,
 * or resumed, over the API is queued (queue.ts) and a worker runs it; this process runs none.
 * Progress comes from the job's row, read every half second while someone follows the job.
 * A cancel is the store's cancel request, which the worker running the job reads at its next
 * chunk boundary.
 */
export class QueuedJobs implements JobRunner {
  private readonly events = new EventEmitter();
  private readonly polls = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: AppContext,
    private readonly queue: JobQueue,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Hands the jobs left QUEUED (by a server that ran jobs itself, say) to the workers, and removes expired uploads. */
  async start(): Promise<number> {
    await sweepExpiredFiles(this.ctx.store).catch((error) => this.log('removing expired uploads failed', error));
    const queued = await this.ctx.store.jobsWithStatus(['QUEUED']);
    for (const job of queued) await this.queue.enqueue(job.id);
    return queued.length;
  }

  async enqueue(jobId: string): Promise<void> {
    await this.queue.enqueue(jobId);
  }

  /** The workers hold jobs, not this process. */
  holds(): boolean {
    return false;
  }

  /** A queued job is left to the workers; a cancel reaches it through the store. */
  unqueue(): boolean {
    return false;
  }

  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    this.events.on(jobId, listener);
    if (!this.polls.has(jobId)) this.polls.set(jobId, setInterval(() => void this.poll(jobId), POLL_MS));
    return () => {
      this.events.off(jobId, listener);
      if (this.events.listenerCount(jobId) === 0) this.unpoll(jobId);
    };
  }

  async stop(): Promise<void> {
    for (const jobId of [...this.polls.keys()]) this.unpoll(jobId);
    await this.queue.close();
  }

  private async poll(jobId: string): Promise<void> {
    try {
      const job = await this.ctx.store.getJob(jobId);
      if (!job) return;
      if (FINAL_STATUSES.has(job.status)) {
        this.unpoll(jobId);
        this.events.emit(jobId, { kind: 'end', job } satisfies JobEvent);
      } else {
        this.events.emit(jobId, { kind: 'progress', status: job.status, rowsDone: job.counts.total, rowsTotal: job.rowsKnown } satisfies JobEvent);
      }
    } catch (error) {
      this.log(`reading job ${jobId} failed`, error);
    }
  }

  private unpoll(jobId: string): void {
    clearInterval(this.polls.get(jobId));
    this.polls.delete(jobId);
  }
}
