import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Compilable, type Expression, Kysely, SqliteDialect, sql } from 'kysely';
import { FolderFileBytes } from '../file-bytes.js';
import { ReaderThread, sqliteCacheKib } from './reader-thread.js';
import { KyselyStore } from '../kysely-store.js';
import { migrateToLatest } from '../migrations/index.js';
import type { ReferenceData } from '../../domain/reference-data.js';
import type { ChunkCommit } from '../port.js';
import type { Database } from '../schema.js';
import { insertIfAbsentSql, insertSql, JOB_PROGRESS_SQL, upsertSql } from '../sql.js';
import { columnsOf, PROMOTIONS, rejectionRows, type TableDeclaration, type TableWrite } from '../tables.js';
import { JobConflictError } from '../job-conflict-error.js';
import { ReferenceDataError } from '../reference-data-error.js';
import { StoreLostError } from '../store-lost-error.js';
import { isUniqueViolation, WriteConflictError } from '../write-conflict-error.js';

type Statement = BetterSqlite3.Statement<unknown[]>;

const ROWS_PER_INSERT = 64;

/**
 * The embedded store: one SQLite file (WAL, synchronous=NORMAL). Queries go through Kysely;
 * the two bulk paths run prepared statements in one better-sqlite3 transaction, which is ~6×
 * faster than building each statement (see docs/benchmarks.md).
 */
export class SqliteStore extends KyselyStore {
  readonly kind = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();

  private constructor(
    private readonly raw: BetterSqlite3.Database,
    db: Kysely<Database>,
    private readonly reader: ReaderThread | null,
    private readonly file: string,
    private readonly inode: number | null,
  ) {
    super(db, new FolderFileBytes(file === ':memory:' ? path.join(os.tmpdir(), 'loyalty-import-memory.files') : `${path.resolve(file)}.files`));
  }

  /**
   * A SQLite file removed (or replaced) while it is open goes on accepting writes into a file
   * that no longer has a name: they are lost when the connection closes. A job checks this after
   * each commit, so that it never reports rows as written that are not.
   */
  override async checkAlive(): Promise<void> {
    if (this.inode === null) return;
    let current: number | null = null;
    try {
      current = fs.statSync(this.file).ino;
    } catch {
      current = null;
    }
    if (current !== this.inode) throw new StoreLostError(this.file);
  }

  /**
   * Opens (creating when absent) the SQLite file and applies every migration. With
   * `readerThread`, lookups of reference data run on a second connection in a worker thread.
   */
  static async open(file: string, options: { readerThread?: boolean } = {}): Promise<SqliteStore> {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('busy_timeout = 5000');
    raw.pragma(`cache_size = -${sqliteCacheKib()}`);
    const readerThread = options.readerThread === true && file !== ':memory:';
    // With a reader thread, that thread checkpoints the WAL every WAL_CHECKPOINT_MS, off the job's
    // commits; this connection checkpoints only if the WAL grows past what that leaves.
    raw.pragma(`wal_autocheckpoint = ${readerThread ? 4 * WAL_CHECKPOINT_PAGES : WAL_CHECKPOINT_PAGES}`);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    await migrateToLatest(db);
    const reader = readerThread ? new ReaderThread(file, WAL_CHECKPOINT_MS) : null;
    return new SqliteStore(raw, db, reader, file, file === ':memory:' ? null : fs.statSync(file).ino);
  }

  override async close(): Promise<void> {
    await this.reader?.close();
    await super.close();
  }

  protected override lookup<O>(query: { execute(): Promise<O[]> } & Compilable<O>): Promise<O[]> {
    if (!this.reader) return query.execute();
    const compiled = query.compile();
    return this.reader.all<O>(compiled.sql, compiled.parameters);
  }

  /** A chunk's keys travel as one JSON parameter: the statement stays short whatever the chunk. */
  protected override inList<T extends string | number>(keys: T[]): Expression<T> {
    return sql<T>`(select value from json_each(${JSON.stringify(keys)}))`;
  }

  private statement(sqlText: string): Statement {
    let s = this.statements.get(sqlText);
    if (!s) {
      s = this.raw.prepare(sqlText);
      this.statements.set(sqlText, s);
    }
    return s;
  }

  async commitChunk(commit: ChunkCommit): Promise<void> {
    this.commitTransaction(commit);
  }

  private readonly commitTransaction = (commit: ChunkCommit): void => {
    const run = this.raw.transaction((c: ChunkCommit) => {
      const k = c.counts;
      const updated = this.statement(JOB_PROGRESS_SQL).run(
        c.checkpointRow,
        k.total,
        k.valid,
        k.rejected,
        k.imported,
        JSON.stringify(k.errorCounts),
        c.jobId,
        c.afterRow,
        c.checkpointRow,
      );
      // Another process committed these rows already: roll back rather than write them twice.
      // Checked first, so that a unique key met below is another job's row, never this job's.
      if (updated.changes !== 1) {
        throw JobConflictError.chunk(c.jobId, c.checkpointRow);
      }
      const rejections = rejectionRows(c.jobId, c.rejections);
      this.insertMany(rejections.table, rejections.rows);
      for (const w of c.writes) {
        try {
          if (w.unlessPresent) this.insertUnlessPresent(w.table, w.rows);
          else this.insertMany(w.table, w.rows);
        } catch (error) {
          if (isUniqueViolation(error)) throw new WriteConflictError(w.table.name, (error as Error).message);
          throw error;
        }
      }
    });
    run(commit);
  };

  /** Inserts rows `ROWS_PER_INSERT` at a time: one native call per statement is what costs. */
  private insertMany(table: TableDeclaration, rows: TableWrite['rows']): void {
    const columns = columnsOf(table);
    const many = this.statement(insertSql(table.name, columns, ROWS_PER_INSERT));
    const one = this.statement(insertSql(table.name, columns));
    const params: unknown[] = [];
    let i = 0;
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
      params.length = 0;
      for (let j = i; j < i + ROWS_PER_INSERT; j++) pushValues(rows[j]!, columns, params);
      many.run(params);
    }
    for (; i < rows.length; i++) {
      params.length = 0;
      pushValues(rows[i]!, columns, params);
      one.run(params);
    }
  }

  /** Inserts each row unless one with its primary key is there. */
  private insertUnlessPresent(table: TableDeclaration, rows: TableWrite['rows']): void {
    const columns = columnsOf(table);
    const statement = this.statement(insertIfAbsentSql(table.name, columns, table.primaryKey));
    const params: unknown[] = [];
    for (const row of rows) {
      params.length = 0;
      pushValues(row, columns, params);
      statement.run(params);
    }
  }

  async loadReferenceData(data: ReferenceData): Promise<void> {
    const orgId = data.org.id;
    const load = this.raw.transaction(() => {
      const o = data.org;
      this.statement(upsertSql('orgs', ['id', 'name', 'base_country', 'timezone'], ['id'])).run(o.id, o.name, o.baseCountry, o.timezone);
      const store = this.statement(upsertSql('stores', ['org_id', 'code', 'external_id', 'name'], ['org_id', 'code']));
      const till = this.statement(upsertSql('tills', ['org_id', 'code', 'store_code'], ['org_id', 'code']));
      for (const s of data.stores) {
        guarded(`store "${s.code}"`, () => store.run(orgId, s.code, s.externalId, s.name));
        for (const t of s.tills) guarded(`till "${t}" of store "${s.code}"`, () => till.run(orgId, t, s.code));
      }
      const customer = this.statement(upsertSql('customers', ['org_id', 'user_id', 'mobile', 'email', 'external_id'], ['org_id', 'user_id']));
      const card = this.statement(upsertSql('cards', ['org_id', 'number', 'external_id', 'user_id'], ['org_id', 'number']));
      for (const c of data.customers) {
        guarded(`customer ${c.userId}`, () => customer.run(orgId, c.userId, c.mobile, c.email, c.externalId));
        for (const k of c.cards) guarded(`card "${k.number}" of customer ${c.userId}`, () => card.run(orgId, k.number, k.externalId, c.userId));
      }
      const group = this.statement(upsertSql('user_groups', ['org_id', 'group_id', 'external_id', 'primary_user_id'], ['org_id', 'group_id']));
      const clear = this.statement('UPDATE customers SET group_id = NULL WHERE org_id = ? AND group_id = ?');
      const member = this.statement('UPDATE customers SET group_id = ? WHERE org_id = ? AND user_id = ?');
      for (const g of data.userGroups) {
        guarded(`user group ${g.groupId}`, () => group.run(orgId, g.groupId, g.externalId, g.primaryUserId));
        clear.run(orgId, g.groupId);
        for (const m of new Set([g.primaryUserId, ...g.memberUserIds])) member.run(g.groupId, orgId, m);
      }
      const transaction = this.statement(
        upsertSql('transactions', ['org_id', 'loyalty_log_id', 'bill_number', 'date', 'local_date', 'store_code', 'user_id', 'group_id', 'amount'], ['org_id', 'loyalty_log_id']),
      );
      const item = this.statement(upsertSql('line_items', ['org_id', 'item_id', 'loyalty_log_id', 'sku', 'amount', 'qty'], ['org_id', 'item_id']));
      for (const t of data.transactions) {
        guarded(`transaction ${t.loyaltyLogId}`, () =>
          transaction.run(orgId, t.loyaltyLogId, t.billNumber, t.date, t.localDate, t.storeCode, t.userId, t.groupId, t.amount),
        );
        for (const li of t.lineItems) guarded(`line item ${li.itemId}`, () => item.run(orgId, li.itemId, t.loyaltyLogId, li.sku, li.amount, li.qty));
      }
      const tracker = this.statement(upsertSql('trackers', ['org_id', 'id', 'name', 'type', 'window_start', 'window_end'], ['org_id', 'id']));
      for (const t of data.trackers) guarded(`tracker ${t.id}`, () => tracker.run(orgId, t.id, t.name, t.type, t.windowStart, t.windowEnd));
      const program = this.statement(upsertSql('programs', ['org_id', 'id', 'name', 'is_default'], ['org_id', 'id']));
      const strategy = this.statement(
        upsertSql('expiry_strategies', ['org_id', 'program_id', 'id', 'name', 'kind', 'days', 'months', 'date'], ['org_id', 'program_id', 'id']),
      );
      if (data.programs.some((p) => p.isDefault)) this.statement('UPDATE programs SET is_default = 0 WHERE org_id = ?').run(orgId);
      for (const p of data.programs) {
        guarded(`program ${p.id}`, () => program.run(orgId, p.id, p.name, p.isDefault ? 1 : 0));
        for (const s of p.expiryStrategies) {
          guarded(`expiry strategy ${s.id} of program ${p.id}`, () => strategy.run(orgId, p.id, s.id, s.name, s.kind, s.days, s.months, s.date));
        }
      }
      const promotion = this.statement(upsertSql(PROMOTIONS.name, columnsOf(PROMOTIONS), PROMOTIONS.primaryKey, ['created_at']));
      const now = new Date().toISOString();
      for (const p of data.promotions) guarded(`promotion "${p.identifier}"`, () => promotion.run(orgId, p.identifier, p.name, p.programId, now));
    });
    load();
  }
}

/** WAL pages after which a commit copies the WAL into the database (40 MB of 4 KB pages). */
const WAL_CHECKPOINT_PAGES = 10_000;

/**
 * How often a job's reader thread checkpoints the WAL. Measured on a 1,000,000-row import, see
 * docs/benchmarks.md.
 */
const WAL_CHECKPOINT_MS = 250;

/** A row's values in column order. */
function pushValues(row: TableWrite['rows'][number], columns: readonly string[], out: unknown[]): void {
  for (const column of columns) out.push(row[column] ?? null);
}

function guarded(entry: string, run: () => unknown): void {
  try {
    run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unique = /UNIQUE constraint failed: (\w+)\.org_id, \w+\.(\w+)/.exec(message);
    throw new ReferenceDataError(
      unique ? `${entry}: its ${unique[2]!.replace('_', ' ')} is already used by another entry of the org's ${unique[1]}` : `${entry}: ${message}`,
    );
  }
}
