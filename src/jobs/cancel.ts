import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobConflictError } from '../store/job-conflict-error.js';
import { FINAL_STATUSES, type JobRecord } from '../domain/jobs.js';
import { LEASE, runnerIsGone } from '../domain/lease.js';
import type { Store } from '../store/port.js';
import { releaseJobFile } from './files.js';

/**
 * Cancels a job. One that nothing runs (queued, interrupted) is CANCELLED at once; a running one
 * is asked to stop, and its runner ends it CANCELLED at its next chunk boundary (within a
 * heartbeat): this waits up to `waitMs` for that. What was committed stays, counted as imported.
 * A job that has ended cannot be cancelled (JobConflictError), nor one that reaches its end before
 * its runner reads the request: it ends as it ran, and the cancel is refused the same way.
 */
export async function cancelJob(store: Store, job: JobRecord, options: { waitMs?: number } = {}): Promise<JobRecord> {
  if (FINAL_STATUSES.has(job.status)) {
    throw new JobConflictError(`Job ${job.id} has ended (${job.status}); there is nothing to cancel`);
  }
  const now = new Date().toISOString();
  // A runner of this machine whose process is gone holds nothing, however fresh its heartbeat.
  const gone = job.heartbeatAt !== null && runnerIsGone(job.runner, os.hostname());
  const staleBefore = gone ? new Date(Date.parse(job.heartbeatAt!) + 1).toISOString() : new Date(Date.now() - LEASE.staleMs).toISOString();
  let current = await store.requestCancel(job.id, now, staleBefore);
  const deadline = Date.now() + (options.waitMs ?? LEASE.heartbeatMs * 3);
  while (current && !FINAL_STATUSES.has(current.status) && Date.now() < deadline) {
    await sleep(Math.min(200, LEASE.heartbeatMs));
    current = await store.getJob(job.id);
  }
  if (!current) throw new Error(`job ${job.id} disappeared`);
  if (FINAL_STATUSES.has(current.status) && current.status !== 'CANCELLED') {
    throw new JobConflictError(`Job ${job.id} reached its end (${current.status}) before the cancel could stop it`);
  }
  if (current.status === 'CANCELLED') await releaseJobFile(store, current.orgId, current.fileId);
  return current;
}
