import type { FileBytes } from './file-bytes.js';
import type { CustomerKeyKind } from '../core/identifiers.js';
import type { ApiKeyRecord } from '../domain/api-keys.js';
import type { CustomerMatch, GroupKeyKind, GroupMatch, Key } from '../domain/customers.js';
import type { StoredFile } from '../domain/files.js';
import type { JobCounts, JobPatch, JobRange, JobRecord, JobStatus, NewJob, Rejection } from '../domain/jobs.js';
import type { Org, StoreRecord, TillRecord } from '../domain/org.js';
import type { Program, Promotion } from '../domain/programs.js';
import type { ExistingReferences, ReferenceData } from '../domain/reference-data.js';
import type { TemplateVersionRecord } from '../domain/templates.js';
import type { Tracker } from '../domain/trackers.js';
import type { LineItemRecord, TransactionRecord } from '../domain/transactions.js';
import type { ColumnOf, RowOf, TableDeclaration, TableWrite } from './tables.js';

/**
 * The storage port: the subset of a database the product needs, in the domain's words (the
 * records themselves are in src/domain). Adapters (SQLite, PostgreSQL) implement it; nothing
 * above this file imports a driver.
 *
 * Glossary: an *org* owns everything; a *template* is a saved mapping + configuration, in
 * versions; a *job* runs one file through one template version; a *chunk* is a run of rows
 * validated and committed together with the job's checkpoint, so a resumed job continues
 * exactly after the last committed chunk.
 */

/**
 * What a chunk writes besides its rejections: rows for tables a profile declared (see
 * tables.ts), which every adapter writes without knowing the profile. None in a dry run.
 */
export type ChunkWrites = readonly TableWrite[];

/** One chunk's outcome, committed atomically with the job's checkpoint and counts. */
export interface ChunkCommit {
  jobId: string;
  /**
   * The job's checkpoint this chunk follows: the commit is refused unless the job is there, so a
   * chunk commits once and right after the rows before it, whoever cut it.
   */
  afterRow: number;
  checkpointRow: number;
  counts: JobCounts;
  rejections: Rejection[];
  writes: ChunkWrites;
}

/** Lookups that resolve a chunk of rows: one call per kind of key per chunk. */
export interface LookupStore {
  getOrg(orgId: string): Promise<Org | null>;
  listStores(orgId: string): Promise<StoreRecord[]>;
  listTills(orgId: string): Promise<TillRecord[]>;
  listTrackers(orgId: string): Promise<Tracker[]>;
  listPrograms(orgId: string): Promise<Program[]>;
  findPromotion(orgId: string, identifier: string): Promise<Promotion | null>;
  findCustomers(orgId: string, kind: CustomerKeyKind, keys: Key[]): Promise<CustomerMatch[]>;
  findGroups(orgId: string, kind: GroupKeyKind, keys: Key[]): Promise<GroupMatch[]>;
  findTransactionsById(orgId: string, loyaltyLogIds: number[]): Promise<TransactionRecord[]>;
  findTransactionsByBill(orgId: string, billNumbers: string[]): Promise<TransactionRecord[]>;
  findLineItems(orgId: string, itemIds: number[]): Promise<LineItemRecord[]>;
  /** The org's promotions, by identifier: what a template form offers. */
  listPromotions(orgId: string): Promise<Promotion[]>;
}

export interface ReferenceStore {
  /** The customers, stores, programs and groups of `orgId` among those named, for checking references. */
  findExisting(orgId: string, named: { userIds: number[]; storeCodes: string[]; programIds: number[]; groupIds: number[] }): Promise<ExistingReferences>;
  /** Creates or updates the org and its reference data in one transaction. */
  loadReferenceData(data: ReferenceData): Promise<void>;
}

export interface TemplateStore {
  findTemplate(orgId: string, nameOrId: string): Promise<TemplateVersionRecord | null>;
  getTemplateVersion(templateId: string, version: number): Promise<TemplateVersionRecord | null>;
  listTemplates(orgId: string): Promise<TemplateVersionRecord[]>;
  /** Saves a new version (a new template when `id` is new). */
  saveTemplateVersion(record: TemplateVersionRecord): Promise<void>;
}

export interface JobStore {
  createJob(job: NewJob): Promise<JobRecord>;
  getJob(jobId: string): Promise<JobRecord | null>;
  listJobs(orgId: string): Promise<JobRecord[]>;
  /** Updates a job; with `unlessEnded`, only one that has not ended (a cancel may have ended it). */
  updateJob(jobId: string, patch: JobPatch, options?: { unlessEnded?: boolean }): Promise<void>;
  /**
   * Records the file's SHA-256 on the job, unless the job is an import (without allowDuplicate)
   * and an earlier import of the same content with the same template version holds it: then
   * returns that job and records nothing. Atomic: of two such imports at once, one wins.
   */
  claimFile(jobId: string, sha256: string): Promise<JobRecord | null>;
  /** Forgets a job's progress (its rejections, counts and checkpoint), to run it from the start. */
  restartJob(jobId: string): Promise<void>;
  /**
   * Writes a chunk's rows, rejections, checkpoint and counts in one transaction; writes nothing
   * and throws JobConflictError when the job's checkpoint is not `afterRow` or the job has ended.
   */
  commitChunk(commit: ChunkCommit): Promise<void>;
  /**
   * Takes the lease of a job for `runner`, if no live runner holds it (none, or a heartbeat older
   * than `staleBefore`) and the job has not ended. Returns whether it did.
   */
  claimRun(jobId: string, runner: string, now: string, staleBefore: string): Promise<boolean>;
  /**
   * Renews the lease; `held` is false when another runner took it over (this one must stop), and
   * `cancelRequested` tells the runner to stop at its chunk boundary.
   */
  heartbeat(jobId: string, runner: string, now: string): Promise<{ held: boolean; cancelRequested: boolean }>;
  /** What a heartbeat brings back, read without writing one: cheap enough for every chunk. */
  leaseState(jobId: string, runner: string): Promise<{ held: boolean; cancelRequested: boolean }>;
  /**
   * Cancels a job: one that no live runner holds (queued, interrupted) becomes CANCELLED at once;
   * a running one is asked to stop at its next chunk boundary. Returns the job as it then is.
   */
  requestCancel(jobId: string, now: string, staleBefore: string): Promise<JobRecord | null>;
  /**
   * Cuts a job into the ranges several runners share (see jobs/shared-run.ts). Ranges already
   * cut the same way are kept with whoever holds them; any other range of the job is dropped.
   */
  shareJob(jobId: string, ranges: readonly JobRange[]): Promise<void>;
  /**
   * Takes for `runner` the first range of the job not yet committed that nobody holds (or whose
   * holder was last heard from before `staleBefore`), only below row `below` when given.
   */
  claimRange(jobId: string, runner: string, now: string, staleBefore: string, below?: number): Promise<JobRange | null>;
  /** Renews `runner`'s hold on the ranges it took. */
  heartbeatRanges(jobId: string, runner: string, now: string): Promise<void>;
  /** Lets go of `runner`'s ranges, for others to take at once. */
  releaseRanges(jobId: string, runner: string): Promise<void>;
  /** Forgets a shared job's ranges (it has ended). */
  unshareJob(jobId: string): Promise<void>;
  /** The job's rejections in row order, in pages. */
  rejections(jobId: string): AsyncIterable<Rejection[]>;
  /** Jobs whose id begins with `prefix` (of `orgId` only, when given), newest first, at most `limit`. */
  findJobsByIdPrefix(prefix: string, orgId?: string, limit?: number): Promise<JobRecord[]>;
  /** Every org's jobs in these states as shown (see `JobRecord.status`), oldest first: what a starting server takes up. */
  jobsWithStatus(statuses: readonly JobStatus[]): Promise<JobRecord[]>;
}

/** The records of the files kept in the store's file storage, and their bytes. */
export interface FileStore {
  /** Where this store keeps the bytes of its jobs' files and uploads. */
  readonly fileBytes: FileBytes;
  addFile(file: StoredFile): Promise<void>;
  /** The file, if it is `orgId`'s. */
  getFile(orgId: string, fileId: string): Promise<StoredFile | null>;
  deleteFile(fileId: string): Promise<void>;
  /** Files made before `before` that no unfinished job reads. */
  expiredFiles(before: string): Promise<StoredFile[]>;
}

/**
 * Reads of the rows of a declared table (see tables.ts): what a profile builds its lookups, its
 * success report and its queries on. `where` keeps rows whose columns equal the values given
 * (a column given as undefined is not a condition).
 */
export interface RowStore {
  /**
   * A chunk's lookup: the `select`ed columns of the rows whose `column` is one of `keys`, one
   * short statement per slice of keys. It runs where the store runs lookups of reference data
   * (a SQLite store's reader thread), so it need not see this connection's latest commit.
   */
  findRows<T extends TableDeclaration, S extends ColumnOf<T>>(
    table: T,
    query: { where: Partial<RowOf<T>>; column: ColumnOf<T>; keys: ReadonlyArray<string | number>; select: readonly S[] },
  ): Promise<Array<Pick<RowOf<T>, S>>>;
  /** The rows, ordered by `orderBy`. */
  selectRows<T extends TableDeclaration>(table: T, query: { where: Partial<RowOf<T>>; orderBy: ReadonlyArray<ColumnOf<T>> }): Promise<Array<RowOf<T>>>;
  /**
   * One page of the rows in the order of `orderBy` (columns that together are unique among them;
   * a nullable one ordered as if null were 0 or ''), the first `limit` after the row whose
   * `orderBy` values are `after`: a page that neither repeats nor skips a row when rows are added
   * or removed between pages.
   */
  selectPage<T extends TableDeclaration>(
    table: T,
    query: { where: Partial<RowOf<T>>; orderBy: ReadonlyArray<ColumnOf<T>>; after: ReadonlyArray<string | number> | null; limit: number },
  ): Promise<Array<RowOf<T>>>;
  /** The rows in pages, in the order of `by`: an integer column unique among them (a job's row number). */
  rowPages<T extends TableDeclaration>(table: T, query: { where: Partial<RowOf<T>>; by: ColumnOf<T> }): AsyncIterable<Array<RowOf<T>>>;
}

export interface ApiKeyStore {
  saveApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key with this hash, revoked or not. */
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  /** The org's keys, revoked ones included, oldest first. */
  listApiKeys(orgId: string): Promise<ApiKeyRecord[]>;
  /** Marks the org's key revoked; false when the org has no such key. */
  revokeApiKey(orgId: string, keyId: string, at: string): Promise<boolean>;
}

/** Everything the product stores. */
export interface Store extends LookupStore, ReferenceStore, TemplateStore, JobStore, FileStore, RowStore, ApiKeyStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Throws `StoreLostError` when the store is gone (a SQLite file removed while a job ran). */
  checkAlive(): Promise<void>;
  close(): Promise<void>;
}
