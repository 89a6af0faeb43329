import { sql } from 'kysely';
import type { RowErrorCode } from '../../core/error-codes.js';
import { FINAL_STATUSES, type JobPatch, type JobRecord, type JobStatus, type NewJob, type Rejection } from '../../domain/jobs.js';
import type { JobStore } from '../port.js';
import { PAGE, pagesBy, type Queries } from './queries.js';
import { jobPatchColumns, toJob } from './row-mappers.js';

/** Jobs: their records, progress and rejections. Their lease is `JobLeases`'; a chunk's commit is the adapter's. */
export class JobQueries implements Omit<JobStore, 'commitChunk' | 'claimRun' | 'heartbeat' | 'leaseState' | 'requestCancel' | 'shareJob' | 'claimRange' | 'heartbeatRanges' | 'releaseRanges' | 'unshareJob'> {
  constructor(private readonly q: Queries) {}

  async createJob(job: NewJob): Promise<JobRecord> {
    await this.q.db
      .insertInto('jobs')
      .values((eb) => ({
        id: job.id,
        seq: eb.selectFrom('jobs').select(sql<number>`coalesce(max(seq), 0) + 1`.as('next')),
        org_id: job.orgId,
        template_id: job.templateId,
        template_version: job.templateVersion,
        profile: job.profile,
        dry_run: job.dryRun ? 1 : 0,
        allow_duplicate: job.allowDuplicate ? 1 : 0,
        status: 'QUEUED',
        file_path: job.filePath,
        file_name: job.fileName,
        file_size: job.fileSize,
        checkpoint_row: 0,
        rows_total: 0,
        rows_valid: 0,
        rows_rejected: 0,
        rows_imported: 0,
        error_counts: '{}',
        created_at: job.createdAt,
        cancel_requested: 0,
        file_id: job.fileId ?? null,
        source_job_id: job.sourceJobId ?? null,
      }))
      .execute();
    return (await this.getJob(job.id))!;
  }

  async getJob(jobId: string): Promise<JobRecord | null> {
    const row = await this.q.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    return row ? toJob(row) : null;
  }

  async listJobs(orgId: string): Promise<JobRecord[]> {
    const rows = await this.q.db.selectFrom('jobs').selectAll().where('org_id', '=', orgId).orderBy('seq', 'desc').execute();
    return rows.map(toJob);
  }

  async updateJob(jobId: string, patch: JobPatch, options: { unlessEnded?: boolean } = {}): Promise<void> {
    let update = this.q.db.updateTable('jobs').set(jobPatchColumns(patch)).where('id', '=', jobId);
    if (options.unlessEnded) update = update.where('status', 'not in', [...FINAL_STATUSES]);
    await update.execute();
  }

  async claimFile(jobId: string, sha256: string): Promise<JobRecord | null> {
    const job = await this.getJob(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    const guarded = !job.dryRun && !job.allowDuplicate;
    const earlier = job.dryRun ? null : await this.findImportOfFile(job, sha256);
    // allowDuplicate imports a file again once its earlier imports have ended, never beside one
    // that is unfinished: resuming that one would write its rows a second time.
    if (earlier && (guarded || !FINAL_STATUSES.has(earlier.status))) return earlier;
    try {
      await this.q.db.updateTable('jobs').set({ file_sha256: sha256 }).where('id', '=', jobId).execute();
      return null;
    } catch (error) {
      // The unique index jobs_file_once: another import of this file got there first.
      if (guarded && isUniqueViolation(error)) return this.findImportOfFile(job, sha256);
      throw error;
    }
  }

  private async findImportOfFile(job: JobRecord, sha256: string): Promise<JobRecord | null> {
    const row = await this.q.db
      .selectFrom('jobs')
      .selectAll()
      .where('template_id', '=', job.templateId)
      .where('template_version', '=', job.templateVersion)
      .where('file_sha256', '=', sha256)
      .where('dry_run', '=', 0)
      .where('id', '!=', job.id)
      .where((eb) => eb.or([eb('status', 'not in', ['FAILED', 'CANCELLED']), eb('rows_imported', '>', 0)]))
      // An unfinished one first: it is the one the operator must resume or cancel.
      .orderBy(sql`case when status in ('QUEUED', 'VALIDATING', 'IMPORTING', 'INTERRUPTED') then 0 else 1 end`)
      .orderBy('seq')
      .executeTakeFirst();
    return row ? toJob(row) : null;
  }

  async restartJob(jobId: string): Promise<void> {
    await this.q.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('job_rejections').where('job_id', '=', jobId).execute();
      await trx
        .updateTable('jobs')
        .set(jobPatchColumns({ checkpointRow: 0, counts: { total: 0, valid: 0, rejected: 0, imported: 0, errorCounts: {} } }))
        .where('id', '=', jobId)
        .execute();
    });
  }

  rejections(jobId: string): AsyncIterable<Rejection[]> {
    return pagesBy(
      'row_number',
      (after) =>
        this.q.db.selectFrom('job_rejections').selectAll().where('job_id', '=', jobId).where('row_number', '>', after).orderBy('row_number').limit(PAGE).execute(),
      (r) => ({
        rowNumber: Number(r.row_number),
        code: r.code as RowErrorCode,
        field: r.field,
        value: r.value,
        message: r.message,
        cells: JSON.parse(r.cells) as string[],
      }),
    );
  }

  async findJobsByIdPrefix(prefix: string, orgId?: string, limit = 10): Promise<JobRecord[]> {
    // substr, not LIKE: an id holds no wildcard to escape, and a collation never bends the match.
    let q = this.q.db.selectFrom('jobs').selectAll().where(sql<string>`substr(id, 1, ${prefix.length})`, '=', prefix);
    if (orgId !== undefined) q = q.where('org_id', '=', orgId);
    const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(toJob);
  }

  async jobsWithStatus(statuses: readonly JobStatus[]): Promise<JobRecord[]> {
    if (statuses.length === 0) return [];
    // A job shown INTERRUPTED may be stored in any state a runner holds.
    const stored = statuses.includes('INTERRUPTED') ? [...new Set([...statuses, 'QUEUED', 'VALIDATING', 'IMPORTING'] as const)] : [...statuses];
    const rows = await this.q.db.selectFrom('jobs').selectAll().where('status', 'in', stored).orderBy('seq').execute();
    // As shown: a job whose runner died is INTERRUPTED, whatever state it was left in.
    return rows.map(toJob).filter((j) => statuses.includes(j.status));
  }
}

/** A unique constraint failed (SQLite's and PostgreSQL's codes). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

