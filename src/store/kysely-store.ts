import type { FileBytes } from './file-bytes.js';
import os from 'node:os';
import { type Compilable, type Expression, type Kysely, type Selectable, sql } from 'kysely';
import type { RowErrorCode } from '../core/error-codes.js';
import type { CustomerKeyKind } from '../core/identifiers.js';
import type { ApiKeyRecord } from '../domain/api-keys.js';
import type { CustomerMatch, GroupKeyKind, GroupMatch, Key } from '../domain/customers.js';
import type { StoredFile } from '../domain/files.js';
import type { JobPatch, JobRecord, JobStatus, NewJob, Rejection } from '../domain/jobs.js';
import type { LedgerFilter, StoredLedgerEntry } from '../domain/ledger.js';
import type { Org, StoreRecord, TillRecord } from '../domain/org.js';
import type { ExpiryKind, Program, Promotion } from '../domain/programs.js';
import type { ExistingReferences, ReferenceData } from '../domain/reference-data.js';
import type { TemplateVersionRecord } from '../domain/templates.js';
import type { StoredTrackerValue, TrackedValueKey } from '../domain/tracker-values.js';
import type { Tracker, TrackerType } from '../domain/trackers.js';
import type { LineItemRecord, TransactionRecord } from '../domain/transactions.js';
import type { ChunkCommit, Store } from './port.js';
import { FINAL_STATUSES, RUNNING_STATUSES } from '../domain/jobs.js';
import { LEASE, runnerIsGone } from '../domain/lease.js';
import type { Database } from './schema.js';

/** Keys per `IN (…)` list: under SQLite's and PostgreSQL's bound-parameter limits. */
const IN_LIST = 5_000;
const PAGE = 5_000;

/**
 * The store's queries in Kysely, shared by every dialect. An adapter supplies the Kysely
 * instance and the two bulk paths whose speed depends on the driver: committing a chunk and
 * loading reference data.
 */
export abstract class KyselyStore implements Store {
  abstract readonly kind: 'sqlite' | 'postgres';

  constructor(
    protected readonly db: Kysely<Database>,
    readonly fileBytes: FileBytes,
  ) {}

  /** Nothing to check by default: a server-side store reports its own failures. */
  async checkAlive(): Promise<void> {}

  abstract commitChunk(commit: ChunkCommit): Promise<void>;
  /**
   * The right-hand side of `IN` for a list of keys. By default the list itself; an adapter may
   * pass it as one parameter instead, so that a chunk's lookup is one short statement.
   */
  protected inList<T extends string | number>(keys: T[]): T[] | Expression<T> {
    return keys;
  }

  /**
   * Runs a lookup of reference data. By default on the store's connection; an adapter may run
   * it on another (a reader thread, a pool) so that it overlaps the main connection's writes.
   * Lookups that must see this connection's own writes (existing tracker values) do not use it.
   */
  protected lookup<O>(query: { execute(): Promise<O[]> } & Compilable<O>): Promise<O[]> {
    return query.execute();
  }
  abstract loadReferenceData(data: ReferenceData): Promise<void>;

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async getOrg(orgId: string): Promise<Org | null> {
    const row = await this.db.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
    return row ? { id: row.id, name: row.name, baseCountry: row.base_country, timezone: row.timezone } : null;
  }

  async listStores(orgId: string): Promise<StoreRecord[]> {
    const rows = await this.db.selectFrom('stores').select(['code', 'external_id', 'name']).where('org_id', '=', orgId).orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, externalId: r.external_id, name: r.name }));
  }

  async listTills(orgId: string): Promise<TillRecord[]> {
    const rows = await this.db.selectFrom('tills').select(['code', 'store_code']).where('org_id', '=', orgId).orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, storeCode: r.store_code }));
  }

  async listTrackers(orgId: string): Promise<Tracker[]> {
    const rows = await this.db.selectFrom('trackers').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      type: r.type as TrackerType,
      windowStart: r.window_start,
      windowEnd: r.window_end,
    }));
  }

  async listPrograms(orgId: string): Promise<Program[]> {
    const programs = await this.db.selectFrom('programs').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    const strategies = await this.db.selectFrom('expiry_strategies').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    return programs.map((p) => ({
      id: Number(p.id),
      name: p.name,
      isDefault: Number(p.is_default) === 1,
      expiryStrategies: strategies
        .filter((s) => Number(s.program_id) === Number(p.id))
        .map((s) => ({
          id: Number(s.id),
          name: s.name,
          kind: s.kind as ExpiryKind,
          days: s.days,
          months: s.months,
          date: s.date,
        })),
    }));
  }

  async findPromotion(orgId: string, identifier: string): Promise<Promotion | null> {
    const row = await this.db
      .selectFrom('promotions')
      .select(['identifier', 'name', 'program_id'])
      .where('org_id', '=', orgId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row ? { identifier: row.identifier, name: row.name, programId: Number(row.program_id) } : null;
  }

  async findCustomers(orgId: string, kind: CustomerKeyKind, keys: Key[]): Promise<CustomerMatch[]> {
    const out: CustomerMatch[] = [];
    for (const slice of slices(keys)) {
      if (kind === 'CARD_NUMBER' || kind === 'CARD_EXTERNAL_ID') {
        const column = kind === 'CARD_NUMBER' ? 'cards.number' : 'cards.external_id';
        const rows = await this.lookup(this.db
          .selectFrom('cards')
          .innerJoin('customers', (j) => j.onRef('customers.org_id', '=', 'cards.org_id').onRef('customers.user_id', '=', 'cards.user_id'))
          .select([`${column} as key`, 'customers.user_id', 'customers.group_id'])
          .where('cards.org_id', '=', orgId)
          .where(column, 'in', this.inList(slice as string[]))
          );
        for (const r of rows) out.push({ key: r.key as Key, userId: Number(r.user_id), groupId: nullableNumber(r.group_id) });
        continue;
      }
      // Rows come back in the port's shape (drivers return integers as numbers), with no copy.
      const column = CUSTOMER_COLUMNS[kind];
      const rows = await this.lookup(this.db
        .selectFrom('customers')
        .select([`${column} as key`, 'user_id as userId', 'group_id as groupId'])
        .where('org_id', '=', orgId)
        .where(column, 'in', this.inList(slice as never[]))
        );
      for (const r of rows) out.push(r as CustomerMatch);
    }
    return out;
  }

  async findGroups(orgId: string, kind: GroupKeyKind, keys: Key[]): Promise<GroupMatch[]> {
    const out: GroupMatch[] = [];
    for (const slice of slices(keys)) {
      let rows: Array<{ key: unknown; group_id: number }>;
      switch (kind) {
        case 'GROUP_ID':
        case 'EXTERNAL_ID':
        case 'PRIMARY_USER_ID': {
          const column = kind === 'GROUP_ID' ? 'group_id' : kind === 'EXTERNAL_ID' ? 'external_id' : 'primary_user_id';
          rows = await this.lookup(this.db
            .selectFrom('user_groups')
            .select([`${column} as key`, 'group_id'])
            .where('org_id', '=', orgId)
            .where(column, 'in', this.inList(slice as never[]))
            );
          break;
        }
        case 'PRIMARY_USER_MOBILE':
        case 'PRIMARY_USER_EMAIL':
        case 'PRIMARY_USER_EXTERNAL_ID': {
          const column = kind === 'PRIMARY_USER_MOBILE' ? 'customers.mobile' : kind === 'PRIMARY_USER_EMAIL' ? 'customers.email' : 'customers.external_id';
          rows = await this.lookup(this.db
            .selectFrom('user_groups')
            .innerJoin('customers', (j) => j.onRef('customers.org_id', '=', 'user_groups.org_id').onRef('customers.user_id', '=', 'user_groups.primary_user_id'))
            .select([`${column} as key`, 'user_groups.group_id'])
            .where('user_groups.org_id', '=', orgId)
            .where(column, 'in', this.inList(slice as string[]))
            );
          break;
        }
        case 'PRIMARY_USER_CARD_NO':
          rows = await this.lookup(this.db
            .selectFrom('user_groups')
            .innerJoin('cards', (j) => j.onRef('cards.org_id', '=', 'user_groups.org_id').onRef('cards.user_id', '=', 'user_groups.primary_user_id'))
            .select(['cards.number as key', 'user_groups.group_id'])
            .where('user_groups.org_id', '=', orgId)
            .where('cards.number', 'in', this.inList(slice as string[]))
            );
          break;
        default: {
          const never: never = kind;
          throw new Error(`unknown group key kind ${String(never)}`);
        }
      }
      const numericKey = kind === 'GROUP_ID' || kind === 'PRIMARY_USER_ID';
      for (const r of rows) out.push({ key: numericKey ? Number(r.key) : (r.key as Key), groupId: Number(r.group_id) });
    }
    return out;
  }

  async findTransactionsById(orgId: string, loyaltyLogIds: number[]): Promise<TransactionRecord[]> {
    const out: TransactionRecord[] = [];
    for (const slice of slices(loyaltyLogIds)) {
      const rows = await this.lookup(this.transactionQuery(orgId).where('loyalty_log_id', 'in', this.inList(slice)));
      for (const r of rows) out.push(r as TransactionRecord);
    }
    return out;
  }

  async findTransactionsByBill(orgId: string, billNumbers: string[]): Promise<TransactionRecord[]> {
    const out: TransactionRecord[] = [];
    for (const slice of slices(billNumbers)) {
      const rows = await this.lookup(this.transactionQuery(orgId).where('bill_number', 'in', this.inList(slice)));
      for (const r of rows) out.push(r as TransactionRecord);
    }
    return out;
  }

  private transactionQuery(orgId: string) {
    return this.db
      .selectFrom('transactions')
      .select([
        'loyalty_log_id as loyaltyLogId',
        'bill_number as billNumber',
        'local_date as localDate',
        'store_code as storeCode',
        'user_id as userId',
        'group_id as groupId',
      ])
      .where('org_id', '=', orgId);
  }

  async findLineItems(orgId: string, itemIds: number[]): Promise<LineItemRecord[]> {
    const out: LineItemRecord[] = [];
    for (const slice of slices(itemIds)) {
      const rows = await this.lookup(this.db
        .selectFrom('line_items')
        .select(['item_id', 'loyalty_log_id'])
        .where('org_id', '=', orgId)
        .where('item_id', 'in', this.inList(slice))
        );
      for (const r of rows) out.push({ itemId: Number(r.item_id), loyaltyLogId: Number(r.loyalty_log_id) });
    }
    return out;
  }

  async findTrackedValues(orgId: string, trackerId: number, loyaltyLogIds: number[]): Promise<TrackedValueKey[]> {
    const out: TrackedValueKey[] = [];
    for (const slice of slices(loyaltyLogIds)) {
      const rows = await this.lookup(
        this.db
          .selectFrom('tracker_values')
          .select(['loyalty_log_id as loyaltyLogId', 'item_id as itemId', 'job_id as jobId'])
          .where('org_id', '=', orgId)
          .where('tracker_id', '=', trackerId)
          .where('loyalty_log_id', 'in', this.inList(slice)),
      );
      for (const r of rows) out.push(r as TrackedValueKey);
    }
    return out;
  }

  async findExisting(
    orgId: string,
    named: { userIds: number[]; storeCodes: string[]; programIds: number[]; groupIds: number[] },
  ): Promise<ExistingReferences> {
    const existing: ExistingReferences = { customers: new Map(), stores: new Set(), programs: new Set(), groups: new Set() };
    for (const slice of slices(named.userIds)) {
      const rows = await this.db.selectFrom('customers').select(['user_id', 'group_id']).where('org_id', '=', orgId).where('user_id', 'in', this.inList(slice)).execute();
      for (const r of rows) existing.customers.set(Number(r.user_id), { groupId: nullableNumber(r.group_id) });
    }
    for (const slice of slices(named.storeCodes)) {
      const rows = await this.db.selectFrom('stores').select('code').where('org_id', '=', orgId).where('code', 'in', this.inList(slice)).execute();
      for (const r of rows) existing.stores.add(r.code);
    }
    for (const slice of slices(named.programIds)) {
      const rows = await this.db.selectFrom('programs').select('id').where('org_id', '=', orgId).where('id', 'in', this.inList(slice)).execute();
      for (const r of rows) existing.programs.add(Number(r.id));
    }
    for (const slice of slices(named.groupIds)) {
      const rows = await this.db.selectFrom('user_groups').select('group_id').where('org_id', '=', orgId).where('group_id', 'in', this.inList(slice)).execute();
      for (const r of rows) existing.groups.add(Number(r.group_id));
    }
    return existing;
  }

  async findTemplate(orgId: string, nameOrId: string): Promise<TemplateVersionRecord | null> {
    const row = await this.db
      .selectFrom('templates')
      .innerJoin('template_versions', (j) =>
        j.onRef('template_versions.template_id', '=', 'templates.id').onRef('template_versions.version', '=', 'templates.current_version'),
      )
      .selectAll()
      .where('templates.org_id', '=', orgId)
      .where((eb) => eb.or([eb('templates.name', '=', nameOrId), eb('templates.id', '=', nameOrId)]))
      .executeTakeFirst();
    return row ? toTemplate(row) : null;
  }

  async getTemplateVersion(templateId: string, version: number): Promise<TemplateVersionRecord | null> {
    const row = await this.db
      .selectFrom('templates')
      .innerJoin('template_versions', 'template_versions.template_id', 'templates.id')
      .selectAll()
      .where('templates.id', '=', templateId)
      .where('template_versions.version', '=', version)
      .executeTakeFirst();
    return row ? toTemplate(row) : null;
  }

  async listTemplates(orgId: string): Promise<TemplateVersionRecord[]> {
    const rows = await this.db
      .selectFrom('templates')
      .innerJoin('template_versions', (j) =>
        j.onRef('template_versions.template_id', '=', 'templates.id').onRef('template_versions.version', '=', 'templates.current_version'),
      )
      .selectAll()
      .where('templates.org_id', '=', orgId)
      .orderBy('templates.name')
      .execute();
    return rows.map(toTemplate);
  }

  async saveTemplateVersion(record: TemplateVersionRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (record.version === 1) {
        await trx
          .insertInto('templates')
          .values({
            id: record.id,
            org_id: record.orgId,
            name: record.name,
            profile: record.profile,
            current_version: 1,
            created_at: record.createdAt,
            updated_at: record.createdAt,
          })
          .execute();
      } else {
        await trx
          .updateTable('templates')
          .set({ current_version: record.version, updated_at: record.createdAt, profile: record.profile })
          .where('id', '=', record.id)
          .execute();
      }
      await trx
        .insertInto('template_versions')
        .values({
          template_id: record.id,
          version: record.version,
          body: JSON.stringify(record.body),
          promotion_identifier: record.promotionIdentifier,
          created_at: record.createdAt,
        })
        .execute();
    });
  }

  async createJob(job: NewJob): Promise<JobRecord> {
    await this.db
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
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    return row ? toJob(row) : null;
  }

  async listJobs(orgId: string): Promise<JobRecord[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('org_id', '=', orgId).orderBy('seq', 'desc').execute();
    return rows.map(toJob);
  }

  async updateJob(jobId: string, patch: JobPatch, options: { unlessEnded?: boolean } = {}): Promise<void> {
    let update = this.db.updateTable('jobs').set(jobPatchColumns(patch)).where('id', '=', jobId);
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
      await this.db.updateTable('jobs').set({ file_sha256: sha256 }).where('id', '=', jobId).execute();
      return null;
    } catch (error) {
      // The unique index jobs_file_once: another import of this file got there first.
      if (guarded && isUniqueViolation(error)) return this.findImportOfFile(job, sha256);
      throw error;
    }
  }

  private async findImportOfFile(job: JobRecord, sha256: string): Promise<JobRecord | null> {
    const row = await this.db
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

  async claimRun(jobId: string, runner: string, now: string, staleBefore: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ runner, heartbeat_at: now, cancel_requested: 0 })
      .where('id', '=', jobId)
      .where('status', 'not in', [...FINAL_STATUSES])
      .where((eb) => eb.or([eb('runner', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async heartbeat(jobId: string, runner: string, now: string): Promise<{ held: boolean; cancelRequested: boolean }> {
    await this.db.updateTable('jobs').set({ heartbeat_at: now }).where('id', '=', jobId).where('runner', '=', runner).execute();
    const row = await this.db.selectFrom('jobs').select(['runner', 'cancel_requested']).where('id', '=', jobId).executeTakeFirst();
    return { held: row?.runner === runner, cancelRequested: Number(row?.cancel_requested) === 1 };
  }

  async requestCancel(jobId: string, now: string, staleBefore: string): Promise<JobRecord | null> {
    await this.db.transaction().execute(async (trx) => {
      // No live runner: cancelled at once.
      const stopped = await trx
        .updateTable('jobs')
        .set({ status: 'CANCELLED', finished_at: now, runner: null })
        .where('id', '=', jobId)
        .where('status', 'not in', [...FINAL_STATUSES])
        .where((eb) => eb.or([eb('runner', 'is', null), eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]))
        .executeTakeFirst();
      if (Number(stopped.numUpdatedRows) === 0) {
        await trx.updateTable('jobs').set({ cancel_requested: 1 }).where('id', '=', jobId).where('status', 'not in', [...FINAL_STATUSES]).execute();
      }
    });
    return this.getJob(jobId);
  }

  async addFile(file: StoredFile): Promise<void> {
    await this.db
      .insertInto('files')
      .values({
        id: file.id,
        org_id: file.orgId,
        name: file.name,
        bytes: file.bytes,
        sha256: file.sha256,
        path: file.path,
        origin: file.origin,
        created_at: file.createdAt,
      })
      .execute();
  }

  async getFile(orgId: string, fileId: string): Promise<StoredFile | null> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', fileId).where('org_id', '=', orgId).executeTakeFirst();
    return row ? toFile(row) : null;
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.db.deleteFrom('files').where('id', '=', fileId).execute();
  }

  async expiredFiles(before: string): Promise<StoredFile[]> {
    const rows = await this.db
      .selectFrom('files')
      .selectAll()
      .where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('jobs')
              .select('jobs.id')
              .whereRef('jobs.file_id', '=', 'files.id')
              .where('jobs.status', 'not in', [...FINAL_STATUSES]),
          ),
        ),
      )
      .execute();
    return rows.map(toFile);
  }

  async restartJob(jobId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('job_rejections').where('job_id', '=', jobId).execute();
      await trx
        .updateTable('jobs')
        .set(jobPatchColumns({ checkpointRow: 0, counts: { total: 0, valid: 0, rejected: 0, imported: 0, errorCounts: {} } }))
        .where('id', '=', jobId)
        .execute();
    });
  }

  rejections(jobId: string): AsyncIterable<Rejection[]> {
    return pagesByRow(
      (after) =>
        this.db.selectFrom('job_rejections').selectAll().where('job_id', '=', jobId).where('row_number', '>', after).orderBy('row_number').limit(PAGE).execute(),
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

  trackerValuesOfJob(jobId: string): AsyncIterable<StoredTrackerValue[]> {
    return pagesByRow(
      (after) =>
        this.db.selectFrom('tracker_values').selectAll().where('job_id', '=', jobId).where('row_number', '>', after).orderBy('row_number').limit(PAGE).execute(),
      toTrackerValue,
    );
  }

  ledgerOfJob(jobId: string): AsyncIterable<StoredLedgerEntry[]> {
    return pagesByRow(
      (after) =>
        this.ledgerQuery()
          .where('points_ledger.job_id', '=', jobId)
          .where('points_ledger.row_number', '>', after)
          .orderBy('points_ledger.row_number')
          .limit(PAGE)
          .execute(),
      toLedgerEntry,
    );
  }

  async findJobsByIdPrefix(prefix: string, orgId?: string, limit = 10): Promise<JobRecord[]> {
    // substr, not LIKE: an id holds no wildcard to escape, and a collation never bends the match.
    let q = this.db.selectFrom('jobs').selectAll().where(sql<string>`substr(id, 1, ${prefix.length})`, '=', prefix);
    if (orgId !== undefined) q = q.where('org_id', '=', orgId);
    const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(toJob);
  }

  async trackerValues(orgId: string, trackerId: number): Promise<StoredTrackerValue[]> {
    const rows = await this.db
      .selectFrom('tracker_values')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('tracker_id', '=', trackerId)
      .orderBy('loyalty_log_id')
      .orderBy('item_id')
      .execute();
    return rows.map(toTrackerValue);
  }

  async ledger(filter: LedgerFilter): Promise<StoredLedgerEntry[]> {
    let q = this.ledgerQuery().where('points_ledger.org_id', '=', filter.orgId);
    if (filter.userId !== undefined) q = q.where('points_ledger.user_id', '=', filter.userId);
    if (filter.groupId !== undefined) q = q.where('points_ledger.group_id', '=', filter.groupId);
    if (filter.promotionIdentifier !== undefined) q = q.where('points_ledger.promotion_identifier', '=', filter.promotionIdentifier);
    const rows = await q.orderBy('points_ledger.issued_at').orderBy('points_ledger.job_id').orderBy('points_ledger.row_number').execute();
    return rows.map(toLedgerEntry);
  }

  private ledgerQuery() {
    return this.db
      .selectFrom('points_ledger')
      .innerJoin('promotions', (j) =>
        j.onRef('promotions.org_id', '=', 'points_ledger.org_id').onRef('promotions.identifier', '=', 'points_ledger.promotion_identifier'),
      )
      .selectAll('points_ledger')
      .select('promotions.name as promotion_name');
  }

  // What the HTTP API adds: org keys (migration 0005_api_keys), and lists for its forms and its job runner.

  async saveApiKey(key: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ id: key.id, org_id: key.orgId, key_hash: key.keyHash, label: key.label, created_at: key.createdAt, revoked_at: key.revokedAt })
      .execute();
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(orgId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toApiKey);
  }

  async revokeApiKey(orgId: string, keyId: string, at: string): Promise<boolean> {
    const found = await this.db.selectFrom('api_keys').select('revoked_at').where('org_id', '=', orgId).where('id', '=', keyId).executeTakeFirst();
    if (!found) return false;
    if (found.revoked_at === null) await this.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', keyId).execute();
    return true;
  }

  async listPromotions(orgId: string): Promise<Promotion[]> {
    const rows = await this.db.selectFrom('promotions').select(['identifier', 'name', 'program_id']).where('org_id', '=', orgId).orderBy('identifier').execute();
    return rows.map((r) => ({ identifier: r.identifier, name: r.name, programId: Number(r.program_id) }));
  }

  async jobsWithStatus(statuses: readonly JobStatus[]): Promise<JobRecord[]> {
    if (statuses.length === 0) return [];
    const rows = await this.db.selectFrom('jobs').selectAll().where('status', 'in', [...statuses]).orderBy('seq').execute();
    return rows.map(toJob);
  }
}

const CUSTOMER_COLUMNS = {
  MOBILE: 'mobile',
  EMAIL: 'email',
  EXTERNAL_ID: 'external_id',
  USER_ID: 'user_id',
} as const satisfies Record<Exclude<CustomerKeyKind, 'CARD_NUMBER' | 'CARD_EXTERNAL_ID'>, string>;

/** A unique constraint failed (SQLite's and PostgreSQL's codes). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** A job's rows in row order, a page at a time (keyset paging on the row number). */
async function* pagesByRow<R extends { row_number: number }, T>(page: (after: number) => Promise<R[]>, map: (row: R) => T): AsyncIterable<T[]> {
  let after = 0;
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.row_number);
    yield rows.map(map);
  }
}

function* slices<T>(keys: T[]): Generator<T[]> {
  for (let i = 0; i < keys.length; i += IN_LIST) yield keys.slice(i, i + IN_LIST);
}

function nullableNumber(v: number | string | null): number | null {
  return v === null ? null : Number(v);
}

function toTemplate(r: Selectable<Database['templates']> & Selectable<Database['template_versions']>): TemplateVersionRecord {
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

function toFile(r: Selectable<Database['files']>): StoredFile {
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
 * INTERRUPTED: nothing runs it, and `job resume` may take it over.
 */
function effectiveStatus(r: Selectable<Database['jobs']>): JobStatus {
  const status = r.status as JobStatus;
  if (!RUNNING_STATUSES.has(status)) return status;
  const staleBefore = new Date(Date.now() - LEASE.staleMs).toISOString();
  return r.heartbeat_at === null || r.heartbeat_at < staleBefore || runnerIsGone(r.runner, os.hostname()) ? 'INTERRUPTED' : status;
}

function toJob(r: Selectable<Database['jobs']>): JobRecord {
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

function toTrackerValue(r: Selectable<Database['tracker_values']>): StoredTrackerValue {
  return {
    trackerId: Number(r.tracker_id),
    loyaltyLogId: Number(r.loyalty_log_id),
    itemId: nullableNumber(r.item_id),
    value: r.value,
    userId: nullableNumber(r.user_id),
    groupId: nullableNumber(r.group_id),
    jobId: r.job_id,
    rowNumber: Number(r.row_number),
  };
}

function toLedgerEntry(r: Selectable<Database['points_ledger']> & { promotion_name: string }): StoredLedgerEntry {
  return {
    jobId: r.job_id,
    rowNumber: Number(r.row_number),
    userId: nullableNumber(r.user_id),
    groupId: nullableNumber(r.group_id),
    points: r.points,
    promotionIdentifier: r.promotion_identifier,
    promotionName: r.promotion_name,
    programId: Number(r.program_id),
    storeCode: r.store_code,
    tillCode: r.till_code,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
  };
}

function toApiKey(r: Selectable<Database['api_keys']>): ApiKeyRecord {
  return { id: r.id, orgId: r.org_id, keyHash: r.key_hash, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at };
}
