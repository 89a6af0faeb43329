import os from 'node:os';
import type { Selectable } from 'kysely';
import type { ApiKeyRecord } from '../../domain/api-keys.js';
import type { StoredFile } from '../../domain/files.js';
import { type JobPatch, type JobRecord, type JobStatus, RUNNING_STATUSES } from '../../domain/jobs.js';
import { LEASE, runnerIsGone } from '../../domain/lease.js';
import type { TemplateVersionRecord } from '../../domain/templates.js';
import type { Database } from '../schema.js';
import { nullableNumber } from './queries.js';

/** Rows of the store's tables as the domain's records, and back. */

export function toTemplate(r: Selectable<Database['templates']> & Selectable<Database['template_versions']>): TemplateVersionRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    profile: r.profile,
    version: Number(r.version),
    body: JSON.parse(r.body),
    promotionIdentifier: r.promotion_identifier,
    createdAt: r.created_at,
  };
}

export function toFile(r: Selectable<Database['files']>): StoredFile {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    bytes: Number(r.bytes),
    sha256: r.sha256,
    path: r.path,
    origin: r.origin === 'upload' ? 'upload' : 'job',
    createdAt: r.created_at,
  };
}

/**
 * A running job whose runner stopped sending heartbeats (killed, its machine lost) is shown as
 * INTERRUPTED: nothing runs it, and `job resume` may take it over. So is a QUEUED job that a
 * runner had taken when it stopped (before its first step marked it VALIDATING); a QUEUED job
 * nobody has taken yet is waiting, and stays QUEUED.
 */
export function effectiveStatus(r: Selectable<Database['jobs']>): JobStatus {
  const status = r.status as JobStatus;
  const held = RUNNING_STATUSES.has(status) || (status === 'QUEUED' && r.runner !== null);
  if (!held) return status;
  const staleBefore = new Date(Date.now() - LEASE.staleMs).toISOString();
  return r.heartbeat_at === null || r.heartbeat_at < staleBefore || runnerIsGone(r.runner, os.hostname()) ? 'INTERRUPTED' : status;
}

export function toJob(r: Selectable<Database['jobs']>): JobRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    templateId: r.template_id,
    templateVersion: Number(r.template_version),
    profile: r.profile,
    dryRun: Number(r.dry_run) === 1,
    allowDuplicate: Number(r.allow_duplicate) === 1,
    status: effectiveStatus(r),
    filePath: r.file_path,
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    fileSize: Number(r.file_size),
    header: r.header ? (JSON.parse(r.header) as string[]) : null,
    autoMapped: r.auto_mapped ? (JSON.parse(r.auto_mapped) as Record<string, string>) : null,
    rowsKnown: nullableNumber(r.rows_known),
    checkpointRow: Number(r.checkpoint_row),
    counts: {
      total: Number(r.rows_total),
      valid: Number(r.rows_valid),
      rejected: Number(r.rows_rejected),
      imported: Number(r.rows_imported),
      errorCounts: JSON.parse(r.error_counts),
    },
    fileError: r.file_error ? JSON.parse(r.file_error) : null,
    promotionIdentifier: r.promotion_identifier,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    fileId: r.file_id,
    sourceJobId: r.source_job_id,
    runner: r.runner,
    heartbeatAt: r.heartbeat_at,
    cancelRequested: Number(r.cancel_requested) === 1,
    queued: Number(r.queued ?? 0) === 1,
  };
}

/** The columns a job patch sets; shared with adapters that update jobs inside their own transactions. */
export function jobPatchColumns(patch: JobPatch): Partial<Database['jobs']> {
  const set: Partial<Database['jobs']> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.fileSha256 !== undefined) set.file_sha256 = patch.fileSha256;
  if (patch.header !== undefined) set.header = patch.header === null ? null : JSON.stringify(patch.header);
  if (patch.autoMapped !== undefined) set.auto_mapped = patch.autoMapped === null ? null : JSON.stringify(patch.autoMapped);
  if (patch.rowsKnown !== undefined) set.rows_known = patch.rowsKnown;
  if (patch.fileError !== undefined) set.file_error = patch.fileError === null ? null : JSON.stringify(patch.fileError);
  if (patch.promotionIdentifier !== undefined) set.promotion_identifier = patch.promotionIdentifier;
  if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
  if (patch.finishedAt !== undefined) set.finished_at = patch.finishedAt;
  if (patch.checkpointRow !== undefined) set.checkpoint_row = patch.checkpointRow;
  if (patch.runner !== undefined) set.runner = patch.runner;
  if (patch.heartbeatAt !== undefined) set.heartbeat_at = patch.heartbeatAt;
  if (patch.counts !== undefined) {
    set.rows_total = patch.counts.total;
    set.rows_valid = patch.counts.valid;
    set.rows_rejected = patch.counts.rejected;
    set.rows_imported = patch.counts.imported;
    set.error_counts = JSON.stringify(patch.counts.errorCounts);
  }
  return set;
}

export function toApiKey(r: Selectable<Database['api_keys']>): ApiKeyRecord {
  return { id: r.id, orgId: r.org_id, keyHash: r.key_hash, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at };
}

