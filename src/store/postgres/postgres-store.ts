import { type Expression, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { JobConflictError } from '../job-conflict-error.js';
import { isUniqueViolation, WriteConflictError } from '../write-conflict-error.js';
import { KyselyStore } from '../kysely-store.js';
import { jobPatchColumns } from '../queries/row-mappers.js';
import { columnsOf, rejectionRows, type TableDeclaration, type TableWrite } from '../tables.js';
import { migrateToLatest } from '../migrations/index.js';
import { withSchemaLock } from './schema-lock.js';
import { copyRows, quoteIdent } from './copy-rows.js';
import { DatabaseFileBytes } from './database-file-bytes.js';
import { FINAL_STATUSES } from '../../domain/jobs.js';
import type { ReferenceData } from '../../domain/reference-data.js';
import type { ChunkCommit } from '../port.js';
import { ReferenceDataError } from '../reference-data-error.js';
import { StoreUnreachableError } from '../store-lost-error.js';
import type { Database } from '../schema.js';

/** Rows per multi-row statement: under PostgreSQL's 65,535 bound parameters for any table here. */
const ROWS_PER_STATEMENT = 1_000;

// int8 columns (ids, row numbers, counts) come back as numbers, as SQLite returns them; every id
// of the domain fits a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/**
 * The PostgreSQL store: the same Kysely queries as SQLite, over a connection pool. A chunk commits
 * in one transaction on one connection, its rows sent with COPY; lookups of reference data run on
 * the pool, so they overlap the previous chunk's commit without a thread of their own.
 */
export class PostgresStore extends KyselyStore {
  readonly kind = 'postgres' as const;
  private commitsSinceAnalyze = 0;
  private readonly tablesToAnalyze = new Set<string>();

  private constructor(
    db: Kysely<Database>,
    fileBytes: DatabaseFileBytes,
    private readonly pool: pg.Pool,
  ) {
    super(db, fileBytes);
  }

  /**
   * Connects to `url` and applies every migration. Files of jobs and uploads are kept in the
   * database, where every process that runs this store's jobs reads them.
   */
  static async open(url: string): Promise<PostgresStore> {
    // A chunk looks up thousands of keys at once; with the default random_page_cost (4, for
    // spinning disks) the planner prefers scanning whole tables to probing an index that often.
    const pool = new pg.Pool({ connectionString: url, max: 4, options: '-c random_page_cost=1.1' });
    // An idle connection the server closes (a restart, an administrator) is replaced by the pool
    // on next use; without a listener its error would end the process.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      // One process at a time makes the database's schemas, the workers' queue included.
      await withSchemaLock({ pool }, () => migrateToLatest(db));
    } catch (error) {
      await db.destroy();
      throw isConnectionFailure(error) ? new StoreUnreachableError(url, error as Error) : error;
    }
    return new PostgresStore(db, new DatabaseFileBytes(db), pool);
  }

  /**
   * A chunk's keys travel as one array parameter: the statement text is the same for every chunk
   * and its keys are not limited by the bound-parameter count.
   */
  protected override inList<T extends string | number>(keys: T[]): Expression<T> {
    const type = typeof keys[0] === 'number' ? 'int8' : 'text';
    return sql<T>`(select unnest(${keys}::${sql.raw(type)}[]))`;
  }

  async commitChunk(c: ChunkCommit): Promise<void> {
    // One client for the whole transaction: COPY streams on a connection, not through Kysely.
    const client = await this.pool.connect();
    // A connection that cannot even roll back is not given back to the pool.
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const progress = this.db
        .updateTable('jobs')
        .set(jobPatchColumns({ checkpointRow: c.checkpointRow, counts: c.counts }))
        .where('id', '=', c.jobId)
        .where('checkpoint_row', '=', c.afterRow)
        .where('checkpoint_row', '<', c.checkpointRow)
        // A job cancelled while its runner stalled past its lease has ended: nothing more is written.
        .where('status', 'not in', [...FINAL_STATUSES])
        .compile();
      const updated = await client.query(progress.sql, [...progress.parameters]);
      // Another process committed these rows already: roll back rather than write them twice.
      // Checked first, so that a unique key met below is another job's row, never this job's.
      if (updated.rowCount !== 1) throw JobConflictError.chunk(c.jobId, c.checkpointRow);
      const rejections = rejectionRows(c.jobId, c.rejections);
      await copyRows(client, rejections.table, rejections.rows);
      for (const w of c.writes) {
        try {
          if (w.unlessPresent) await insertUnlessPresent(client, w.table, w.rows);
          else await copyRows(client, w.table, w.rows);
        } catch (error) {
          if (isUniqueViolation(error)) throw new WriteConflictError(w.table.name, (error as Error).message);
          throw error;
        }
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch((failure: Error) => {
        broken = failure;
      });
      throw error;
    } finally {
      client.release(broken);
    }
    // A table an import is filling outgrows its statistics within the job; stale ones make the
    // planner read every value of a tracker to find a chunk's keys. The tables chunks filled are
    // analysed every 25 chunks that wrote rows.
    const filled = c.writes.filter((w) => !w.unlessPresent && w.rows.length > 0);
    if (filled.length === 0) return;
    for (const w of filled) this.tablesToAnalyze.add(w.table.name);
    if (++this.commitsSinceAnalyze >= 25) {
      const tables = [...this.tablesToAnalyze];
      this.commitsSinceAnalyze = 0;
      this.tablesToAnalyze.clear();
      await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(this.db);
    }
  }

  async loadReferenceData(data: ReferenceData): Promise<void> {
    const orgId = data.org.id;
    await this.db.transaction().execute(async (trx) => {
      const o = data.org;
      await upsert(trx, 'orgs', [{ id: o.id, name: o.name, base_country: o.baseCountry, timezone: o.timezone }], ['id'], 'org');
      await upsert(trx, 'stores', data.stores.map((s) => ({ org_id: orgId, code: s.code, external_id: s.externalId, name: s.name })), ['org_id', 'code'], 'stores');
      await upsert(trx, 'tills', data.stores.flatMap((s) => s.tills.map((t) => ({ org_id: orgId, code: t, store_code: s.code }))), ['org_id', 'code'], 'tills');
      await upsert(
        trx,
        'customers',
        data.customers.map((c) => ({ org_id: orgId, user_id: c.userId, mobile: c.mobile, email: c.email, external_id: c.externalId })),
        ['org_id', 'user_id'],
        'customers',
      );
      await upsert(
        trx,
        'cards',
        data.customers.flatMap((c) => c.cards.map((k) => ({ org_id: orgId, number: k.number, external_id: k.externalId, user_id: c.userId }))),
        ['org_id', 'number'],
        'cards',
      );
      await upsert(
        trx,
        'user_groups',
        data.userGroups.map((g) => ({ org_id: orgId, group_id: g.groupId, external_id: g.externalId, primary_user_id: g.primaryUserId })),
        ['org_id', 'group_id'],
        'user groups',
      );
      for (const g of data.userGroups) {
        await trx.updateTable('customers').set({ group_id: null }).where('org_id', '=', orgId).where('group_id', '=', g.groupId).execute();
        await trx
          .updateTable('customers')
          .set({ group_id: g.groupId })
          .where('org_id', '=', orgId)
          .where('user_id', 'in', [...new Set([g.primaryUserId, ...g.memberUserIds])])
          .execute();
      }
      await upsert(
        trx,
        'transactions',
        data.transactions.map((t) => ({
          org_id: orgId,
          loyalty_log_id: t.loyaltyLogId,
          bill_number: t.billNumber,
          date: t.date,
          local_date: t.localDate,
          store_code: t.storeCode,
          user_id: t.userId,
          group_id: t.groupId,
          amount: t.amount,
        })),
        ['org_id', 'loyalty_log_id'],
        'transactions',
      );
      await upsert(
        trx,
        'line_items',
        data.transactions.flatMap((t) =>
          t.lineItems.map((li) => ({ org_id: orgId, item_id: li.itemId, loyalty_log_id: t.loyaltyLogId, sku: li.sku, amount: li.amount, qty: li.qty })),
        ),
        ['org_id', 'item_id'],
        'line items',
      );
      await upsert(
        trx,
        'trackers',
        data.trackers.map((t) => ({ org_id: orgId, id: t.id, name: t.name, type: t.type, window_start: t.windowStart, window_end: t.windowEnd })),
        ['org_id', 'id'],
        'trackers',
      );
      if (data.programs.some((p) => p.isDefault)) await trx.updateTable('programs').set({ is_default: 0 }).where('org_id', '=', orgId).execute();
      await upsert(trx, 'programs', data.programs.map((p) => ({ org_id: orgId, id: p.id, name: p.name, is_default: p.isDefault ? 1 : 0 })), ['org_id', 'id'], 'programs');
      await upsert(
        trx,
        'expiry_strategies',
        data.programs.flatMap((p) =>
          p.expiryStrategies.map((s) => ({ org_id: orgId, program_id: p.id, id: s.id, name: s.name, kind: s.kind, days: s.days, months: s.months, date: s.date })),
        ),
        ['org_id', 'program_id', 'id'],
        'expiry strategies',
      );
      const now = new Date().toISOString();
      await upsert(
        trx,
        'promotions',
        data.promotions.map((p) => ({ org_id: orgId, identifier: p.identifier, name: p.name, program_id: p.programId, created_at: now })),
        ['org_id', 'identifier'],
        'promotions',
        ['created_at'],
      );
    });
    // Fresh statistics after a bulk load, or the planner may scan whole tables per chunk.
    await sql`analyze customers, cards, user_groups, transactions, line_items`.execute(this.db);
  }
}

type Table = keyof Database;

/** Inserts each row unless one with its primary key is there. */
async function insertUnlessPresent(client: pg.PoolClient, table: TableDeclaration, rows: TableWrite['rows']): Promise<void> {
  const columns = columnsOf(table);
  const names = columns.map(quoteIdent).join(', ');
  const keys = table.primaryKey.map(quoteIdent).join(', ');
  const text = `insert into ${quoteIdent(table.name)} (${names}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) on conflict (${keys}) do nothing`;
  for (const row of rows) await client.query(text, columns.map((c) => row[c] ?? null));
}

/** Upserts rows by their key, in multi-row statements; a constraint failure names the kind of entry. */
async function upsert<T extends Table>(
  trx: Transaction<Database>,
  table: T,
  rows: Array<Record<string, unknown>>,
  keys: string[],
  what: string,
  keep: string[] = [],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).filter((c) => !keys.includes(c) && !keep.includes(c));
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    try {
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + ROWS_PER_STATEMENT) as never)
        .onConflict((oc) => {
          const target = oc.columns(keys as never);
          return columns.length === 0 ? target.doNothing() : target.doUpdateSet(Object.fromEntries(columns.map((c) => [c, (eb: { ref(r: string): unknown }) => eb.ref(`excluded.${c}`)])) as never);
        })
        .execute();
    } catch (error) {
      const e = error as { code?: string; detail?: string; message: string };
      if (e.code === '23505') throw new ReferenceDataError(uniqueRefusal(table, rows.slice(i, i + ROWS_PER_STATEMENT), what, e.detail ?? e.message));
      throw error;
    }
  }
}

/** How an entry of the reference data is named in a refusal, as the SQLite store names it. */
const ENTRY_NAMES: Partial<Record<Table, (row: Record<string, unknown>) => string>> = {
  stores: (r) => `store "${r.code}"`,
  tills: (r) => `till "${r.code}" of store "${r.store_code}"`,
  customers: (r) => `customer ${r.user_id}`,
  cards: (r) => `card "${r.number}" of customer ${r.user_id}`,
  user_groups: (r) => `user group ${r.group_id}`,
  transactions: (r) => `transaction ${r.loyalty_log_id}`,
  line_items: (r) => `line item ${r.item_id}`,
};

/**
 * A unique key another entry of the org already holds, said as the SQLite store says it: the entry
 * of the file that holds it, found by the key PostgreSQL names ("Key (org_id, mobile)=(acme, 91…)").
 */
function uniqueRefusal(table: Table, rows: Array<Record<string, unknown>>, what: string, detail: string): string {
  const key = /^Key \(([^)]*)\)=\((.*)\) already exists/.exec(detail);
  const name = ENTRY_NAMES[table];
  if (key && name) {
    const columns = key[1]!.split(', ');
    const values = key[2]!.split(', ');
    if (columns.length === values.length) {
      const row = rows.find((r) => columns.every((c, j) => String(r[c]) === values[j]));
      const column = columns.at(-1)!;
      if (row) return `${name(row)}: its ${column.replace('_', ' ')} is already used by another entry of the org's ${table}`;
    }
  }
  return `${what}: ${detail} (already used by another entry of the org)`;
}

/**
 * The server is down, unknown or refuses this client: a network error, a connection exception
 * (SQLSTATE class 08), a database that does not exist (3D000), a refused login (class 28), or a
 * server starting up or shutting down (57P03).
 */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code)) return true;
  return code.startsWith('08') || code.startsWith('28') || code === '3D000' || code === '57P03';
}
