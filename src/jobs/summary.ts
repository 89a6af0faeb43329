import type { JobRecord } from '../domain/jobs.js';

/** The job summary of `import --json` and `job show --json` (spec: cli.md, "JSON shapes"). */
export interface JobSummary {
  jobId: string;
  org: string;
  profile: string;
  template: { id: string; version: number };
  dryRun: boolean;
  status: string;
  rows: { total: number; valid: number; rejected: number; imported: number };
  rowsKnown: number | null;
  errorCounts: Record<string, number>;
  fileError: { code: string; message: string } | null;
  promotionIdentifier: string | null;
  autoMapped: Record<string, string>;
  file: { name: string; sha256: string | null; size: number };
  /** The job whose rejected rows, fixed, this job imports. */
  sourceJobId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A job's summary. */
export function summarise(job: JobRecord): JobSummary {
  return {
    jobId: job.id,
    org: job.orgId,
    profile: job.profile,
    template: { id: job.templateId, version: job.templateVersion },
    dryRun: job.dryRun,
    status: job.status,
    rows: { total: job.counts.total, valid: job.counts.valid, rejected: job.counts.rejected, imported: job.counts.imported },
    rowsKnown: job.rowsKnown,
    errorCounts: job.counts.errorCounts as Record<string, number>,
    fileError: job.fileError,
    promotionIdentifier: job.promotionIdentifier,
    autoMapped: job.autoMapped ?? {},
    file: { name: job.fileName, sha256: job.fileSha256, size: job.fileSize },
    sourceJobId: job.sourceJobId,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
