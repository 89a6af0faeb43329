import { EventEmitter } from 'node:events';
import { sweepExpiredFiles } from '../jobs/files.js';
import { runJobInThread } from '../jobs/run-in-thread.js';
import type { JobRecord } from '../domain/jobs.js';
import type { AppContext } from './context.js';

/**
 * Jobs run off the request path: a queue, and at most `concurrency` jobs at a time, each in a
 * worker thread (`runJobInThread`), so that the event loop stays free to answer requests while a
 * large file is read. Progress goes to whoever subscribed to the job (the events route).
 */

/** What a subscriber hears of a job. */
export type JobEvent = { kind: 'progress'; status: string; rowsDone: number; rowsTotal: number | null } | { kind: 'end'; job: JobRecord | null };

export interface BackgroundOptions {
  concurrency: number;
  /** Where a failure that is not the job's own goes (a lost store, a defect). */
  log: (message: string, error?: unknown) => void;
}

/**
 * Who runs the server's jobs: `BackgroundJobs` in this process, or `QueuedJobs` (queued.ts), which
 * hands them to the worker processes.
 */
export interface JobRunner {
  /** Takes up what an earlier run of the server left waiting; returns how many jobs. */
  start(): Promise<number>;
  enqueue(jobId: string): void | Promise<void>;
  holds(jobId: string): boolean;
  unqueue(jobId: string): boolean;
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void;
  stop(): Promise<void>;
}

/** The in-process job runner of the server. */
export class BackgroundJobs implements JobRunner {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly events = new EventEmitter();
  private stopping = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: BackgroundOptions,
  ) {
    // One listener per open events stream: there is no leak to warn about.
    this.events.setMaxListeners(0);
  }

  /** Takes up the jobs left QUEUED by an earlier run of the server, and removes expired uploads. */
  async start(): Promise<number> {
    // Uploads that no unfinished job reads are kept for a while (a dry run's import), not forever.
    await sweepExpiredFiles(this.ctx.store).catch((error) => this.options.log('removing expired uploads failed', error));
    const queued = await this.ctx.store.jobsWithStatus(['QUEUED']);
    for (const job of queued) this.enqueue(job.id);
    return queued.length;
  }

  /** Runs the job when a slot is free. */
  enqueue(jobId: string): void {
    if (this.stopping || this.queue.includes(jobId) || this.running.has(jobId)) return;
    this.queue.push(jobId);
    this.pump();
  }

  /** Whether this process runs (or is about to run) the job. */
  holds(jobId: string): boolean {
    return this.running.has(jobId) || this.queue.includes(jobId);
  }

  /** Takes a job out of the queue before it starts; false when it is not waiting here. */
  unqueue(jobId: string): boolean {
    const at = this.queue.indexOf(jobId);
    if (at < 0) return false;
    this.queue.splice(at, 1);
    return true;
  }

  /** Listens to a job's progress and end; returns the function that stops listening. */
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    this.events.on(jobId, listener);
    return () => this.events.off(jobId, listener);
  }

  /**
   * Stops taking jobs and aborts the running ones: each commits its current chunk and is left
   * INTERRUPTED, to be resumed. Resolves when every one has stopped.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.all(all.map((r) => r.done));
  }

  private pump(): void {
    while (!this.stopping && this.running.size < this.options.concurrency && this.queue.length > 0) {
      const jobId = this.queue.shift()!;
      const controller = new AbortController();
      const done = this.run(jobId, controller.signal).finally(() => {
        this.running.delete(jobId);
        this.pump();
      });
      this.running.set(jobId, { controller, done });
    }
  }

  private async run(jobId: string, signal: AbortSignal): Promise<void> {
    let job: JobRecord | null = null;
    try {
      job = await runJobInThread(this.ctx.location, jobId, {
        maxFileBytes: this.ctx.maxFileBytes,
        signal,
        onProgress: (p) => this.events.emit(jobId, { kind: 'progress', status: p.status, rowsDone: p.done, rowsTotal: p.known } satisfies JobEvent),
      });
    } catch (error) {
      // The job's own outcome is in the job; this is the rest (a lost store, a conflict).
      this.options.log(`Job ${jobId} stopped`, error);
      job = await this.ctx.store.getJob(jobId).catch(() => null);
    }
    this.events.emit(jobId, { kind: 'end', job } satisfies JobEvent);
  }
}
