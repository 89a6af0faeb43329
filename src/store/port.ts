import type { FileBytes } from './file-bytes.js';
import type { RowErrorCode } from '../core/error-codes.js';
import type { CustomerKeyKind } from '../core/identifiers.js';

/**
 * The storage port: the subset of a database the product needs, in the domain's words.
 * Adapters (SQLite, PostgreSQL) implement it; nothing above this file imports a driver.
 *
 * Glossary: an *org* owns everything; a *template* is a saved mapping + configuration, in
 * versions; a *job* runs one file through one template version; a *chunk* is a run of rows
 * validated and committed together with the job's checkpoint, so a resumed job continues
 * exactly after the last committed chunk.
 */

export interface Org {
  id: string;
  name: string;
  baseCountry: string;
  timezone: string;
}

export interface StoreRecord {
  code: string;
  externalId: string | null;
  name: string | null;
}

export interface TillRecord {
  code: string;
  storeCode: string;
}

export const TRACKER_TYPES = ['BILL', 'LINEITEM', 'POINTS', 'VISITS'] as const;
export type TrackerType = (typeof TRACKER_TYPES)[number];

export interface Tracker {
  id: number;
  name: string;
  type: TrackerType;
  windowStart: string;
  windowEnd: string;
}

export const EXPIRY_KINDS = ['AFTER_DAYS', 'END_OF_MONTH_AFTER', 'FIXED_DATE', 'NEVER'] as const;
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];

export interface ExpiryStrategy {
  id: number;
  name: string;
  kind: ExpiryKind;
  days: number | null;
  months: number | null;
  date: string | null;
}

export interface Program {
  id: number;
  name: string;
  isDefault: boolean;
  expiryStrategies: ExpiryStrategy[];
}

export interface Promotion {
  identifier: string;
  name: string;
  programId: number;
}

export const GROUP_KEY_KINDS = [
  'GROUP_ID',
  'EXTERNAL_ID',
  'PRIMARY_USER_ID',
  'PRIMARY_USER_MOBILE',
  'PRIMARY_USER_EMAIL',
  'PRIMARY_USER_EXTERNAL_ID',
  'PRIMARY_USER_CARD_NO',
] as const;
export type GroupKeyKind = (typeof GROUP_KEY_KINDS)[number];

export type Key = string | number;

export interface CustomerMatch {
  key: Key;
  userId: number;
  groupId: number | null;
}

export interface GroupMatch {
  key: Key;
  groupId: number;
}

export interface TransactionRecord {
  loyaltyLogId: number;
  billNumber: string;
  localDate: string;
  storeCode: string;
  userId: number;
  groupId: number | null;
}

export interface LineItemRecord {
  itemId: number;
  loyaltyLogId: number;
}

export interface TrackedValueKey {
  loyaltyLogId: number;
  itemId: number | null;
  jobId: string;
}

export interface TrackerValueRow {
  trackerId: number;
  loyaltyLogId: number;
  itemId: number | null;
  value: string;
  userId: number | null;
  groupId: number | null;
  rowNumber: number;
}

export interface StoredTrackerValue extends TrackerValueRow {
  jobId: string;
}

export interface LedgerRow {
  rowNumber: number;
  userId: number | null;
  groupId: number | null;
  points: string;
  promotionIdentifier: string;
  programId: number;
  storeCode: string;
  tillCode: string | null;
  issuedAt: string;
  expiresAt: string | null;
}

export interface StoredLedgerEntry extends LedgerRow {
  jobId: string;
  promotionName: string;
}

export interface LedgerFilter {
  orgId: string;
  userId?: number;
  groupId?: number;
  promotionIdentifier?: string;
}

export interface TemplateVersionRecord {
  id: string;
  orgId: string;
  name: string;
  profile: string;
  version: number;
  /** The template's JSON form, as saved. */
  body: unknown;
  promotionIdentifier: string | null;
  createdAt: string;
}

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

/**
 * The lease a runner holds on a job: it writes a heartbeat every `heartbeatMs`; a running job
 * whose heartbeat is older than `staleMs` has lost its runner (killed, or its machine gone) and is
 * shown, and may be resumed, as INTERRUPTED. The environment may shorten both (for tests).
 */
export const LEASE = {
  heartbeatMs: Number(process.env.LOYALTY_HEARTBEAT_MS) || 5_000,
  staleMs: Number(process.env.LOYALTY_LEASE_STALE_MS) || 20_000,
};

/**
 * Whether a runner (`host:pid:thread`) is known to be gone: a process of this machine that no
 * longer exists. A runner of another machine is judged by its heartbeat alone.
 */
export function runnerIsGone(runner: string | null, hostname: string): boolean {
  if (runner === null) return true;
  const [host, pid] = runner.split(':');
  if (host !== hostname || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    // EPERM: it exists, and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A file in the store's file storage: an upload, or the copy a job takes of the file it was
 * given. `origin` says which: a job's copy goes when its job ends; an upload stays for later jobs
 * (a dry run, then its import) until it expires.
 */
export interface StoredFile {
  id: string;
  orgId: string;
  name: string;
  bytes: number;
  sha256: string;
  path: string;
  origin: 'upload' | 'job';
  createdAt: string;
}

export interface Rejection {
  rowNumber: number;
  code: RowErrorCode;
  field: string | null;
  value: string | null;
  message: string;
  cells: string[];
}

/** What a chunk writes besides its rejections. */
export type ChunkWrites =
  | { kind: 'trackerValues'; orgId: string; rows: TrackerValueRow[] }
  | { kind: 'ledger'; orgId: string; rows: LedgerRow[]; promotion: Promotion | null }
  | { kind: 'none' };

/** One chunk's outcome, committed atomically with the job's checkpoint and counts. */
export interface ChunkCommit {
  jobId: string;
  checkpointRow: number;
  counts: JobCounts;
  rejections: Rejection[];
  writes: ChunkWrites;
}

/** The reference-data file, checked and normalised (see org/reference-data.ts). */
export interface ReferenceData {
  org: Org;
  stores: Array<StoreRecord & { tills: string[] }>;
  customers: Array<{
    userId: number;
    mobile: string | null;
    email: string | null;
    externalId: string | null;
    cards: Array<{ number: string; externalId: string | null }>;
  }>;
  userGroups: Array<{ groupId: number; externalId: string | null; primaryUserId: number; memberUserIds: number[] }>;
  transactions: Array<{
    loyaltyLogId: number;
    billNumber: string;
    date: string;
    localDate: string;
    storeCode: string;
    userId: number;
    groupId: number | null;
    amount: string;
    lineItems: Array<{ itemId: number; sku: string | null; amount: string | null; qty: number | null }>;
  }>;
  trackers: Tracker[];
  programs: Program[];
  promotions: Promotion[];
}

/** Entities that a reference-data file names but does not contain, found in the store. */
export interface ExistingReferences {
  customers: Map<number, { groupId: number | null }>;
  stores: Set<string>;
  programs: Set<number>;
  groups: Set<number>;
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
  findTrackedValues(orgId: string, trackerId: number, loyaltyLogIds: number[]): Promise<TrackedValueKey[]>;
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
   * and throws JobConflictError when the job's checkpoint is past the chunk or the job has ended.
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
  /**
   * Cancels a job: one that no live runner holds (queued, interrupted) becomes CANCELLED at once;
   * a running one is asked to stop at its next chunk boundary. Returns the job as it then is.
   */
  requestCancel(jobId: string, now: string, staleBefore: string): Promise<JobRecord | null>;
  /** The job's rejections in row order, in pages. */
  rejections(jobId: string): AsyncIterable<Rejection[]>;
  trackerValuesOfJob(jobId: string): AsyncIterable<StoredTrackerValue[]>;
  ledgerOfJob(jobId: string): AsyncIterable<StoredLedgerEntry[]>;
  /** Jobs whose id begins with `prefix` (of `orgId` only, when given), newest first, at most `limit`. */
  findJobsByIdPrefix(prefix: string, orgId?: string, limit?: number): Promise<JobRecord[]>;
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

export interface QueryStore {
  trackerValues(orgId: string, trackerId: number): Promise<StoredTrackerValue[]>;
  ledger(filter: LedgerFilter): Promise<StoredLedgerEntry[]>;
}

/** An org key of the HTTP API: its hash only, never the key. */
export interface ApiKeyRecord {
  id: string;
  orgId: string;
  keyHash: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeyStore {
  saveApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key with this hash, revoked or not. */
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  /** The org's keys, revoked ones included, oldest first. */
  listApiKeys(orgId: string): Promise<ApiKeyRecord[]>;
  /** Marks the org's key revoked; false when the org has no such key. */
  revokeApiKey(orgId: string, keyId: string, at: string): Promise<boolean>;
  /** The org's promotions, by identifier: what a template form offers. */
  listPromotions(orgId: string): Promise<Promotion[]>;
  /** Every org's jobs in these states, oldest first: what a starting server takes up. */
  jobsWithStatus(statuses: readonly JobStatus[]): Promise<JobRecord[]>;
}

/** Everything the product stores. */
export interface Store extends LookupStore, ReferenceStore, TemplateStore, JobStore, FileStore, QueryStore, ApiKeyStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Throws `StoreLostError` when the store is gone (a SQLite file removed while a job ran). */
  checkAlive(): Promise<void>;
  close(): Promise<void>;
}
