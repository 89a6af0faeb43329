import type { Compilable, Expression, Kysely } from 'kysely';
import type { ReferenceData } from '../domain/reference-data.js';
import type { FileBytes } from './file-bytes.js';
import type { ApiKeyStore, ChunkCommit, FileStore, JobStore, LookupStore, ReferenceStore, RowStore, Store, TemplateStore } from './port.js';
import { ApiKeyQueries } from './queries/api-keys.js';
import { ChunkLookups } from './queries/chunk-lookups.js';
import { FileRecords } from './queries/files.js';
import { JobLeases } from './queries/job-leases.js';
import { JobRanges } from './queries/job-ranges.js';
import { JobQueries } from './queries/jobs.js';
import { OrgReference } from './queries/org-reference.js';
import { ProfileRows } from './queries/profile-rows.js';
import type { Queries } from './queries/queries.js';
import { TemplateQueries } from './queries/templates.js';
import type { Database } from './schema.js';

/**
 * The store's queries in Kysely, shared by every dialect, each concern in a file of its own under
 * queries/; this class puts them behind the one `Store` the rest of the code uses. An adapter
 * supplies the Kysely instance and the two bulk paths whose speed depends on the driver
 * (committing a chunk, loading reference data), and may change how lookups run (`inList`,
 * `lookup`).
 */
export abstract class KyselyStore implements Store {
  abstract readonly kind: 'sqlite' | 'postgres';
  private readonly reference: OrgReference;
  private readonly chunkLookups: ChunkLookups;
  private readonly templates: TemplateQueries;
  private readonly jobs: JobQueries;
  private readonly leases: JobLeases;
  private readonly ranges: JobRanges;
  private readonly files: FileRecords;
  private readonly apiKeys: ApiKeyQueries;
  private readonly rows: ProfileRows;

  constructor(
    protected readonly db: Kysely<Database>,
    readonly fileBytes: FileBytes,
  ) {
    // The hooks are called through the store, so that an adapter's overrides apply.
    const queries: Queries = { db, inList: (keys) => this.inList(keys), lookup: (query) => this.lookup(query) };
    this.reference = new OrgReference(queries);
    this.chunkLookups = new ChunkLookups(queries);
    this.templates = new TemplateQueries(queries);
    this.jobs = new JobQueries(queries);
    this.leases = new JobLeases(queries, (jobId) => this.jobs.getJob(jobId));
    this.ranges = new JobRanges(queries);
    this.files = new FileRecords(queries);
    this.apiKeys = new ApiKeyQueries(queries);
    this.rows = new ProfileRows(queries);
  }

  /** Nothing to check by default: a server-side store reports its own failures. */
  async checkAlive(): Promise<void> {}

  async close(): Promise<void> {
    await this.db.destroy();
  }

  abstract commitChunk(commit: ChunkCommit): Promise<void>;
  abstract loadReferenceData(data: ReferenceData): Promise<void>;

  /**
   * The right-hand side of `IN` for a list of keys. By default the list itself; an adapter may
   * pass it as one parameter instead, so that a chunk's lookup is one short statement.
   */
  protected inList<T extends string | number>(keys: T[]): T[] | Expression<T> {
    return keys;
  }

  /**
   * Runs a lookup of a chunk's keys. By default on the store's connection; an adapter may run it
   * on another (a reader thread, a pool) so that it overlaps the main connection's writes.
   */
  protected lookup<O>(query: { execute(): Promise<O[]> } & Compilable<O>): Promise<O[]> {
    return query.execute();
  }

  // An org and its reference data: queries/org-reference.ts.
  readonly getOrg: LookupStore['getOrg'] = (...a) => this.reference.getOrg(...a);
  readonly listStores: LookupStore['listStores'] = (...a) => this.reference.listStores(...a);
  readonly listTills: LookupStore['listTills'] = (...a) => this.reference.listTills(...a);
  readonly listTrackers: LookupStore['listTrackers'] = (...a) => this.reference.listTrackers(...a);
  readonly listPrograms: LookupStore['listPrograms'] = (...a) => this.reference.listPrograms(...a);
  readonly findPromotion: LookupStore['findPromotion'] = (...a) => this.reference.findPromotion(...a);
  readonly listPromotions: LookupStore['listPromotions'] = (...a) => this.reference.listPromotions(...a);
  readonly findExisting: ReferenceStore['findExisting'] = (...a) => this.reference.findExisting(...a);

  // A chunk's lookups: queries/chunk-lookups.ts.
  readonly findCustomers: LookupStore['findCustomers'] = (...a) => this.chunkLookups.findCustomers(...a);
  readonly findGroups: LookupStore['findGroups'] = (...a) => this.chunkLookups.findGroups(...a);
  readonly findTransactionsById: LookupStore['findTransactionsById'] = (...a) => this.chunkLookups.findTransactionsById(...a);
  readonly findTransactionsByBill: LookupStore['findTransactionsByBill'] = (...a) => this.chunkLookups.findTransactionsByBill(...a);
  readonly findLineItems: LookupStore['findLineItems'] = (...a) => this.chunkLookups.findLineItems(...a);

  // Templates: queries/templates.ts.
  readonly findTemplate: TemplateStore['findTemplate'] = (...a) => this.templates.findTemplate(...a);
  readonly getTemplateVersion: TemplateStore['getTemplateVersion'] = (...a) => this.templates.getTemplateVersion(...a);
  readonly listTemplates: TemplateStore['listTemplates'] = (...a) => this.templates.listTemplates(...a);
  readonly saveTemplateVersion: TemplateStore['saveTemplateVersion'] = (...a) => this.templates.saveTemplateVersion(...a);

  // Jobs: queries/jobs.ts, and their lease: queries/job-leases.ts.
  readonly createJob: JobStore['createJob'] = (...a) => this.jobs.createJob(...a);
  readonly getJob: JobStore['getJob'] = (...a) => this.jobs.getJob(...a);
  readonly listJobs: JobStore['listJobs'] = (...a) => this.jobs.listJobs(...a);
  readonly updateJob: JobStore['updateJob'] = (...a) => this.jobs.updateJob(...a);
  readonly claimFile: JobStore['claimFile'] = (...a) => this.jobs.claimFile(...a);
  readonly restartJob: JobStore['restartJob'] = (...a) => this.jobs.restartJob(...a);
  readonly rejections: JobStore['rejections'] = (...a) => this.jobs.rejections(...a);
  readonly findJobsByIdPrefix: JobStore['findJobsByIdPrefix'] = (...a) => this.jobs.findJobsByIdPrefix(...a);
  readonly jobsWithStatus: JobStore['jobsWithStatus'] = (...a) => this.jobs.jobsWithStatus(...a);
  readonly claimRun: JobStore['claimRun'] = (...a) => this.leases.claimRun(...a);
  readonly heartbeat: JobStore['heartbeat'] = (...a) => this.leases.heartbeat(...a);
  readonly leaseState: JobStore['leaseState'] = (...a) => this.leases.leaseState(...a);
  readonly requestCancel: JobStore['requestCancel'] = (...a) => this.leases.requestCancel(...a);

  // A job shared by several runners: queries/job-ranges.ts.
  readonly shareJob: JobStore['shareJob'] = (...a) => this.ranges.shareJob(...a);
  readonly claimRange: JobStore['claimRange'] = (...a) => this.ranges.claimRange(...a);
  readonly heartbeatRanges: JobStore['heartbeatRanges'] = (...a) => this.ranges.heartbeatRanges(...a);
  readonly releaseRanges: JobStore['releaseRanges'] = (...a) => this.ranges.releaseRanges(...a);
  readonly unshareJob: JobStore['unshareJob'] = (...a) => this.ranges.unshareJob(...a);

  // Files: queries/files.ts.
  readonly addFile: FileStore['addFile'] = (...a) => this.files.addFile(...a);
  readonly getFile: FileStore['getFile'] = (...a) => this.files.getFile(...a);
  readonly deleteFile: FileStore['deleteFile'] = (...a) => this.files.deleteFile(...a);
  readonly expiredFiles: FileStore['expiredFiles'] = (...a) => this.files.expiredFiles(...a);

  // The HTTP API's keys: queries/api-keys.ts.
  readonly saveApiKey: ApiKeyStore['saveApiKey'] = (...a) => this.apiKeys.saveApiKey(...a);
  readonly findApiKeyByHash: ApiKeyStore['findApiKeyByHash'] = (...a) => this.apiKeys.findApiKeyByHash(...a);
  readonly listApiKeys: ApiKeyStore['listApiKeys'] = (...a) => this.apiKeys.listApiKeys(...a);
  readonly revokeApiKey: ApiKeyStore['revokeApiKey'] = (...a) => this.apiKeys.revokeApiKey(...a);

  // The rows of the tables profiles declare: queries/profile-rows.ts.
  readonly findRows: RowStore['findRows'] = (...a) => this.rows.findRows(...a);
  readonly selectRows: RowStore['selectRows'] = (...a) => this.rows.selectRows(...a);
  readonly rowPages: RowStore['rowPages'] = (...a) => this.rows.rowPages(...a);
  readonly selectPage: RowStore['selectPage'] = (...a) => this.rows.selectPage(...a);
}
