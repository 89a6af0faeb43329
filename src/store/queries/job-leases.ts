import { FINAL_STATUSES, type JobRecord } from '../../domain/jobs.js';
import type { JobStore } from '../port.js';
import type { Queries } from './queries.js';

/** Who runs a job (its runner and heartbeat) and a cancel request that runner reads. */
export class JobLeases implements Pick<JobStore, 'claimRun' | 'heartbeat' | 'requestCancel'> {
  constructor(
    private readonly q: Queries,
    private readonly getJob: (jobId: string) => Promise<JobRecord | null>,
  ) {}

  async claimRun(jobId: string, runner: string, now: string, staleBefore: string): Promise<boolean> {
    const result = await this.q.db
      .updateTable('jobs')
      .set({ runner, heartbeat_at: now, cancel_requested: 0 })
      .where('id', '=', jobId)
      .where('status', 'not in', [...FINAL_STATUSES])
      .where((eb) => eb.or([eb('runner', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async heartbeat(jobId: string, runner: string, now: string): Promise<{ held: boolean; cancelRequested: boolean }> {
    await this.q.db.updateTable('jobs').set({ heartbeat_at: now }).where('id', '=', jobId).where('runner', '=', runner).execute();
    return this.leaseState(jobId, runner);
  }

  async leaseState(jobId: string, runner: string): Promise<{ held: boolean; cancelRequested: boolean }> {
    const row = await this.q.db.selectFrom('jobs').select(['runner', 'cancel_requested']).where('id', '=', jobId).executeTakeFirst();
    return { held: row?.runner === runner, cancelRequested: Number(row?.cancel_requested) === 1 };
  }

  async requestCancel(jobId: string, now: string, staleBefore: string): Promise<JobRecord | null> {
    await this.q.db.transaction().execute(async (trx) => {
      // No live runner: cancelled at once.
      const stopped = await trx
        .updateTable('jobs')
        .set({ status: 'CANCELLED', finished_at: now, runner: null })
        .where('id', '=', jobId)
        .where('status', 'not in', [...FINAL_STATUSES])
        .where((eb) => eb.or([eb('runner', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
        .executeTakeFirst();
      // A shared job's ranges go with it: nobody takes them any more.
      if (Number(stopped.numUpdatedRows) === 1) await trx.deleteFrom('job_ranges').where('job_id', '=', jobId).execute();
      if (Number(stopped.numUpdatedRows) === 0) {
        await trx.updateTable('jobs').set({ cancel_requested: 1 }).where('id', '=', jobId).where('status', 'not in', [...FINAL_STATUSES]).execute();
      }
    });
    return this.getJob(jobId);
  }
}
