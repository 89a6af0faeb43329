import type { RowErrorCode } from '../core/error-codes.js';

/** A job runs one file through one template version, a chunk of rows at a time (see store/port.ts). */

export const JOB_STATUSES = [
  'QUEUED',
  'VALIDATING',
  'VALIDATED',
  'IMPORTING',
  'COMPLETED',
  'COMPLETED_WITH_ERRORS',
  'FAILED',
  'CANCELLED',
  'INTERRUPTED',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobCounts {
  total: number;
  valid: number;
  rejected: number;
  imported: number;
  errorCounts: Partial<Record<RowErrorCode, number>>;
}

export interface JobRecord {
  id: string;
  orgId: string;
  templateId: string;
  templateVersion: number;
  profile: string;
  dryRun: boolean;
  allowDuplicate: boolean;
  status: JobStatus;
  filePath: string;
  fileName: string;
  fileSha256: string | null;
  fileSize: number;
  header: string[] | null;
  autoMapped: Record<string, string> | null;
  rowsKnown: number | null;
  /** The last row number whose outcome is committed; a resumed job reads on after it. */
  checkpointRow: number;
  counts: JobCounts;
  fileError: { code: string; message: string } | null;
  promotionIdentifier: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The job's own copy of its file (see `StoredFile`); null for jobs made before copies. */
  fileId: string | null;
  /** The job whose rejected rows, fixed, this job imports. */
  sourceJobId: string | null;
  /** Who runs the job (`host:pid:thread`), while it runs: the lease. */
  runner: string | null;
  /** The runner's last sign of life; a lease older than `LEASE.staleMs` is lost. */
  heartbeatAt: string | null;
  /** A cancel was asked while the job ran: its runner stops at the next chunk boundary. */
  cancelRequested: boolean;
  /** Handed to the worker processes (src/jobs/queue.ts): a worker takes it up again when its runner is lost. */
  queued?: boolean;
}

export type NewJob = Pick<
  JobRecord,
  'id' | 'orgId' | 'templateId' | 'templateVersion' | 'profile' | 'dryRun' | 'allowDuplicate' | 'filePath' | 'fileName' | 'fileSize' | 'createdAt'
> &
  Partial<Pick<JobRecord, 'fileId' | 'sourceJobId'>>;

export type JobPatch = Partial<
  Pick<
    JobRecord,
    | 'status'
    | 'fileSha256'
    | 'header'
    | 'autoMapped'
    | 'rowsKnown'
    | 'fileError'
    | 'promotionIdentifier'
    | 'startedAt'
    | 'finishedAt'
    | 'counts'
    | 'checkpointRow'
    | 'runner'
    | 'heartbeatAt'
  >
>;

/** States a job never leaves. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['VALIDATED', 'COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELLED']);

/** States of a job that a runner holds. */
export const RUNNING_STATUSES: ReadonlySet<JobStatus> = new Set(['VALIDATING', 'IMPORTING']);

/** A rejected row: a value collected into the job's error report, never a thrown error. */
export interface Rejection {
  rowNumber: number;
  code: RowErrorCode;
  field: string | null;
  value: string | null;
  message: string;
  cells: string[];
}


/**
 * A range of a shared job's rows (first and last row number, both included): the part of the
 * file one runner looks up, checks and commits at a time (see jobs/shared-run.ts).
 */
export interface JobRange {
  firstRow: number;
  lastRow: number;
}
