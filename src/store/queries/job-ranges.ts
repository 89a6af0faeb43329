import { FINAL_STATUSES, type JobRange } from '../../domain/jobs.js';
import type { JobStore } from '../port.js';
import type { Queries } from './queries.js';

type RangeMethods = 'shareJob' | 'claimRange' | 'heartbeatRanges' | 'releaseRanges' | 'unshareJob';

/** Ranges per insert: five parameters each, far under either database's limit. */
const INSERT_BATCH = 1_000;

/**
 * The ranges of a job shared by several runners, and who holds each (a lease like the job's:
 * a runner and its heartbeat). A range is done once the job's checkpoint reaches its first row;
 * ranges commit in row order, so done ranges are never claimed again.
 */
export class JobRanges implements Pick<JobStore, RangeMethods> {
  constructor(private readonly q: Queries) {}

  async shareJob(jobId: string, ranges: readonly JobRange[]): Promise<void> {
    await this.q.db.transaction().execute(async (trx) => {
      // What jobs that ended without their lease holder left behind (a cancel while none ran).
      await trx
        .deleteFrom('job_ranges')
        .where('job_id', 'in', (eb) => eb.selectFrom('jobs').select('id').where('status', 'in', [...FINAL_STATUSES]))
        .execute();
      const existing = await trx.selectFrom('job_ranges').select(['first_row', 'last_row']).where('job_id', '=', jobId).execute();
      const wanted = new Map(ranges.map((r) => [r.firstRow, r.lastRow]));
      // Ranges cut the same way stay as they are, with whoever holds them.
      const kept = new Set(existing.filter((r) => wanted.get(Number(r.first_row)) === Number(r.last_row)).map((r) => Number(r.first_row)));
      const dropped = existing.map((r) => Number(r.first_row)).filter((first) => !kept.has(first));
      for (let i = 0; i < dropped.length; i += INSERT_BATCH) {
        await trx.deleteFrom('job_ranges').where('job_id', '=', jobId).where('first_row', 'in', dropped.slice(i, i + INSERT_BATCH)).execute();
      }
      const added = ranges.filter((r) => !kept.has(r.firstRow));
      for (let i = 0; i < added.length; i += INSERT_BATCH) {
        const values = added.slice(i, i + INSERT_BATCH).map((r) => ({ job_id: jobId, first_row: r.firstRow, last_row: r.lastRow, runner: null, heartbeat_at: null }));
        await trx.insertInto('job_ranges').values(values).execute();
      }
    });
  }

  async claimRange(jobId: string, runner: string, now: string, staleBefore: string, below?: number): Promise<JobRange | null> {
    // Two runners may pick the same range at once: the one whose update finds it still free wins,
    // the other picks again.
    for (;;) {
      let pick = this.q.db
        .selectFrom('job_ranges')
        .select(['first_row', 'last_row'])
        .where('job_id', '=', jobId)
        .where('first_row', '>', (eb) => eb.selectFrom('jobs').select('checkpoint_row').where('id', '=', jobId))
        .where((eb) => eb.or([eb('runner', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
        .orderBy('first_row')
        .limit(1);
      if (below !== undefined) pick = pick.where('first_row', '<', below);
      const candidate = await pick.executeTakeFirst();
      if (!candidate) return null;
      const taken = await this.q.db
        .updateTable('job_ranges')
        .set({ runner, heartbeat_at: now })
        .where('job_id', '=', jobId)
        .where('first_row', '=', candidate.first_row)
        .where((eb) => eb.or([eb('runner', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { firstRow: Number(candidate.first_row), lastRow: Number(candidate.last_row) };
    }
  }

  async heartbeatRanges(jobId: string, runner: string, now: string): Promise<void> {
    await this.q.db.updateTable('job_ranges').set({ heartbeat_at: now }).where('job_id', '=', jobId).where('runner', '=', runner).execute();
  }

  async releaseRanges(jobId: string, runner: string): Promise<void> {
    await this.q.db.updateTable('job_ranges').set({ runner: null, heartbeat_at: null }).where('job_id', '=', jobId).where('runner', '=', runner).execute();
  }

  async unshareJob(jobId: string): Promise<void> {
    await this.q.db.deleteFrom('job_ranges').where('job_id', '=', jobId).execute();
  }
}
