import os from 'node:os';
import { threadId } from 'node:worker_threads';
import { type ColumnMapping, resolveMapping } from '../core/column-mapping.js';
import type { CsvOptions, CsvRecord } from '../core/csv-reader.js';
import { dateParserFor } from '../core/date-format.js';
import { FileError } from '../core/error-codes.js';
import { createRowParser, type RowParse } from '../core/row-parser.js';
import type { JobCounts, JobRecord, Rejection } from '../domain/jobs.js';
import { LEASE } from '../domain/lease.js';
import { profileOf } from '../profiles/registry.js';
import type { ChunkResult, PreparedProfile, ProfileDefinition } from '../profiles/types.js';
import type { Store } from '../store/port.js';
import { type TemplateBody, templateIssue, templateSchema } from '../templates/schema.js';

/**
 * What every runner of a job needs to check its rows: the template version's body, the profile
 * made ready against the org as it is now, and the fields it reads. The runner that scans the
 * file (runner.ts) and the runners that share its import (shared-run.ts) make it the same way.
 */
export interface JobPlan {
  body: TemplateBody;
  profile: ProfileDefinition;
  config: unknown;
  prepared: PreparedProfile;
  /** The promotion identifier the template version carries (profiles that award under one). */
  promotionIdentifier: string | null;
  /** The fields this job reads, with the names a header may give them. */
  fields: ReadonlyArray<{ key: string; label: string; aliases: readonly string[] }>;
}

/**
 * How often a chunk is looked up and checked again when another runner wrote one of its keys
 * meanwhile. Each attempt sees every row committed before it, so only a job that keeps losing
 * the race on new keys of the same chunk could exhaust them.
 */
export const WRITE_CONFLICT_ATTEMPTS = 5;

/**
 * Reads the job's template version and org and makes its profile ready (its lookups through
 * `options.lookups`, by default the store); FileError when they no longer fit. `options.check`
 * runs once the template is read, before the profile meets the org.
 */
export async function planJob(store: Store, job: JobRecord, startedAt: string, options: { lookups?: Store; check?: () => void } = {}): Promise<JobPlan> {
  const version = await store.getTemplateVersion(job.templateId, job.templateVersion);
  const org = await store.getOrg(job.orgId);
  if (!version || !org) throw new FileError('INVALID_TEMPLATE', `Template ${job.templateId} version ${job.templateVersion} or its org no longer exists`);
  const parsed = templateSchema.safeParse(version.body);
  if (!parsed.success) throw templateIssue(parsed.error);
  const body = parsed.data;
  const profile = profileOf(body.profile);
  const config = profile.configSchema.safeParse(body.config);
  if (!config.success) throw templateIssue(config.error, 'config');
  options.check?.();
  const prepared = await profile.prepare({
    org,
    config: config.data,
    store: options.lookups ?? store,
    dryRun: job.dryRun,
    jobId: job.id,
    startedAt,
    promotionIdentifier: version.promotionIdentifier,
  });
  // Only the fields this job reads are matched (and reported as matched automatically).
  const used = new Set([...prepared.mandatoryFields, ...prepared.optionalFields]);
  return { body, profile, config: config.data, prepared, promotionIdentifier: version.promotionIdentifier, fields: profile.fields.filter((f) => used.has(f.key)) };
}

/** The file's columns for the plan's fields; throws MISSING_COLUMN or DUPLICATE_COLUMN. */
export function mappingOf(plan: JobPlan, header: string[] | null, expectedCells: number): ColumnMapping {
  return resolveMapping({
    header,
    columnCount: expectedCells,
    fields: plan.fields.map((f) => ({ key: f.key, label: f.label, names: [...f.aliases, ...plan.profile.extraNames(f.key, plan.config)] })),
    mapping: plan.body.mapping,
    mandatory: plan.prepared.mandatoryFields,
    defaults: plan.body.defaults,
  });
}

/** The parser of the file's records into rows of the plan's fields (the engine's rules 1–2). */
export function rowParserOf(plan: JobPlan, mapping: ColumnMapping, expectedCells: number): (record: CsvRecord) => RowParse {
  return createRowParser({
    fields: plan.profile.fields,
    columns: mapping.columns,
    mandatory: plan.prepared.mandatoryFields,
    optional: plan.prepared.optionalFields,
    defaults: plan.body.defaults,
    expectedCells,
    dates: dateParserFor(plan.body.csv.dateFormat),
    dateFormat: plan.body.csv.dateFormat ?? null,
  });
}

/** A chunk's rejections: its rows the parser refused, then those the profile's rules refused. */
export function chunkRejections(parsed: readonly Rejection[], result: ChunkResult): Rejection[] {
  const rejected = [...parsed];
  for (const r of result.rejected) rejected.push({ rowNumber: r.row.rowNumber, cells: r.row.cells, ...r.issue });
  return rejected;
}

/** The job's counts once a chunk of `total` rows, with these rejections and accepted rows, is committed. */
export function countsAfter(counts: JobCounts, total: number, rejected: readonly Rejection[], accepted: number, dryRun: boolean): JobCounts {
  const next: JobCounts = { ...counts, errorCounts: { ...counts.errorCounts } };
  for (const r of rejected) next.errorCounts[r.code] = (next.errorCounts[r.code] ?? 0) + 1;
  next.valid += accepted;
  next.rejected += rejected.length;
  next.total += total;
  if (!dryRun) next.imported += accepted;
  return next;
}

/** The CSV reader's options of a template. */
export function csvOptions(body: TemplateBody): CsvOptions {
  const { dateFormat: _ignored, ...csv } = body.csv;
  return csv;
}

/** Who runs a job: this machine, process and thread. */
export function runnerId(): string {
  return `${os.hostname()}:${process.pid}:${threadId}`;
}

/** A lease last renewed before this moment is lost (see `LEASE`). */
export function staleBefore(): string {
  return new Date(Date.now() - LEASE.staleMs).toISOString();
}
