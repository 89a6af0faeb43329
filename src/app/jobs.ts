import { randomUUID } from 'node:crypto';
import { cancelJob } from '../jobs/cancel.js';
import { errorReportCsv, REPORT_BOM, successReportCsv } from '../jobs/reports.js';
import { createJob } from '../jobs/runner.js';
import { type JobSummary, summarise } from '../jobs/summary.js';
import type { StoredFile } from '../domain/files.js';
import { FINAL_STATUSES, JOB_STATUSES, type JobRecord, type JobStatus, RUNNING_STATUSES } from '../domain/jobs.js';
import type { JobRunner } from './background.js';
import { type AppContext, requireOrg } from './context.js';
import { AppError } from './errors.js';
import { pageAfter } from './paging.js';

/** The job as the API shows it: the CLI's summary plus its progress. */
export interface JobDocument extends JobSummary {
  progress: { rowsDone: number; rowsTotal: number | null };
}

/** A job's document. */
export function jobDocument(job: JobRecord): JobDocument {
  return { ...summarise(job), progress: { rowsDone: job.counts.total, rowsTotal: job.rowsKnown } };
}

/** The org's job, or NOT_FOUND (another org's job is not found either). */
export async function getOrgJob(ctx: AppContext, orgId: string, jobId: string): Promise<JobRecord> {
  const job = await ctx.store.getJob(jobId);
  if (!job || job.orgId !== orgId) throw new AppError('NOT_FOUND', `Org "${orgId}" has no job "${jobId}"; GET /api/orgs/${orgId}/jobs lists them`);
  return job;
}

/** The org's jobs, newest first, a page at a time. */
export async function listOrgJobs(ctx: AppContext, orgId: string, query: { status?: JobStatus; limit?: number; cursor?: string }): Promise<{ jobs: JobDocument[]; nextCursor: string | null }> {
  await requireOrg(ctx, orgId);
  if (query.status !== undefined && !JOB_STATUSES.includes(query.status)) throw new AppError('INVALID_REQUEST', `No job status "${query.status}"`);
  const { items, nextCursor } = pageAfter(await ctx.store.listJobs(orgId), (j) => j.id, {
    limit: query.limit,
    cursor: query.cursor,
    keep: (j) => query.status === undefined || j.status === query.status,
  });
  return { jobs: items.map(jobDocument), nextCursor };
}

export interface StartJobRequest {
  fileId: string;
  template: string;
  dryRun?: boolean;
  allowDuplicate?: boolean;
  /** The job whose rejected rows, fixed, the file holds (of the same org). */
  sourceJobId?: string;
}

/** The org's upload, or NOT_FOUND. */
async function requireUpload(ctx: AppContext, orgId: string, fileId: string): Promise<StoredFile> {
  const file = await ctx.store.getFile(orgId, fileId);
  if (!file) throw new AppError('NOT_FOUND', `Org "${orgId}" has no uploaded file "${fileId}"; upload it with POST /api/orgs/${orgId}/files`);
  return file;
}

/** Makes a QUEUED job of an uploaded file and the template's current version, and hands it to the runner. */
export async function startJob(ctx: AppContext, background: JobRunner, orgId: string, request: StartJobRequest): Promise<JobRecord> {
  await requireOrg(ctx, orgId);
  await requireUpload(ctx, orgId, request.fileId);
  const template = await ctx.store.findTemplate(orgId, request.template);
  if (!template) throw new AppError('NOT_FOUND', `Org "${orgId}" has no template named or with id "${request.template}"; GET /api/orgs/${orgId}/templates lists them`);
  if (request.sourceJobId !== undefined) await getOrgJob(ctx, orgId, request.sourceJobId);
  const job = await createJob(ctx.store, {
    sourceJobId: request.sourceJobId,
    orgId,
    template: template.id,
    fileId: request.fileId,
    dryRun: request.dryRun,
    allowDuplicate: request.allowDuplicate,
    maxFileBytes: ctx.maxFileBytes,
  });
  await background.enqueue(job.id);
  return job;
}

/**
 * Imports the file a dry run validated, with the template version it ran with (not the latest):
 * a new job, QUEUED. Only a dry run that ended VALIDATED can be imported.
 */
export async function importValidated(ctx: AppContext, background: JobRunner, orgId: string, dryRunId: string, options: { allowDuplicate?: boolean } = {}): Promise<JobRecord> {
  const dry = await getOrgJob(ctx, orgId, dryRunId);
  if (!dry.dryRun) throw new AppError('JOB_CONFLICT', `Job ${dry.id} is an import, not a dry run; only a dry run's file is imported this way`);
  if (dry.status !== 'VALIDATED') throw new AppError('JOB_CONFLICT', `Dry run ${dry.id} is ${dry.status}; only a dry run that ended VALIDATED can be imported`);
  const file = dry.fileId === null ? null : await ctx.store.getFile(orgId, dry.fileId);
  if (!file) throw new AppError('JOB_CONFLICT', `The file dry run ${dry.id} validated is no longer kept; upload it again and start an import of it`);
  const job = await ctx.store.createJob({
    id: randomUUID(),
    orgId,
    templateId: dry.templateId,
    templateVersion: dry.templateVersion,
    profile: dry.profile,
    dryRun: false,
    allowDuplicate: options.allowDuplicate ?? false,
    filePath: file.path,
    fileName: dry.fileName,
    fileSize: file.bytes,
    fileId: file.id,
    createdAt: new Date().toISOString(),
  });
  await background.enqueue(job.id);
  return job;
}

/**
 * Cancels a job: one waiting or interrupted is CANCELLED at once; one running is asked to stop at
 * its next chunk boundary (answered as it is then: follow it to CANCELLED with its events).
 */
export async function cancelOrgJob(ctx: AppContext, background: JobRunner, orgId: string, jobId: string): Promise<JobRecord> {
  const job = await getOrgJob(ctx, orgId, jobId);
  background.unqueue(job.id);
  return cancelJob(ctx.store, job, { waitMs: CANCEL_WAIT_MS });
}

/** How long a cancel request waits for a running job to stop before answering. */
const CANCEL_WAIT_MS = 2_000;

/** Resumes an interrupted job in the background. */
export async function resumeOrgJob(ctx: AppContext, background: JobRunner, orgId: string, jobId: string): Promise<JobRecord> {
  const job = await getOrgJob(ctx, orgId, jobId);
  if (FINAL_STATUSES.has(job.status)) throw new AppError('JOB_CONFLICT', `Job ${job.id} has ended (${job.status}); only an interrupted job is resumed`);
  if (background.holds(job.id) || RUNNING_STATUSES.has(job.status)) {
    throw new AppError('JOB_CONFLICT', `Job ${job.id} is ${job.status === 'QUEUED' ? 'waiting to run' : 'running'} already; follow it with GET /api/orgs/${orgId}/jobs/${job.id}/events`);
  }
  await background.enqueue(job.id);
  return job;
}

/** A job's error report, as CSV text in pieces. */
export async function errorReport(ctx: AppContext, orgId: string, jobId: string): Promise<{ job: JobRecord; csv: AsyncIterable<string> }> {
  const job = await getOrgJob(ctx, orgId, jobId);
  return { job, csv: withBom(errorReportCsv(ctx.store, job)) };
}

/** A job's success report, as CSV text in pieces. */
export async function successReport(ctx: AppContext, orgId: string, jobId: string): Promise<{ job: JobRecord; csv: AsyncIterable<string> }> {
  const job = await getOrgJob(ctx, orgId, jobId);
  return { job, csv: withBom(successReportCsv(ctx.store, job)) };
}

/** A report as a file holds it: the byte-order mark first. */
async function* withBom(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  yield REPORT_BOM;
  yield* pieces;
}
