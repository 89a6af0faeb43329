import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Migrations, in code so that they ship inside the build. Written with Kysely's schema builder
 * and portable SQL only: every migration runs unchanged on SQLite and PostgreSQL.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped database, as Kysely advises
type AnyDb = Kysely<any>;

const initial: Migration = {
  async up(db: AnyDb) {
    const text = 'text' as const;
    const big = 'bigint' as const;
    await db.schema
      .createTable('orgs')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('base_country', text, (c) => c.notNull())
      .addColumn('timezone', text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('stores')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('code', text, (c) => c.notNull())
      .addColumn('external_id', text)
      .addColumn('name', text)
      .addPrimaryKeyConstraint('stores_pk', ['org_id', 'code'])
      .execute();
    await db.schema.createIndex('stores_external_id').unique().on('stores').columns(['org_id', 'external_id']).execute();
    await db.schema
      .createTable('tills')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('code', text, (c) => c.notNull())
      .addColumn('store_code', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('tills_pk', ['org_id', 'code'])
      .execute();
    await db.schema
      .createTable('customers')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('user_id', big, (c) => c.notNull())
      .addColumn('mobile', text)
      .addColumn('email', text)
      .addColumn('external_id', text)
      .addColumn('group_id', big)
      .addPrimaryKeyConstraint('customers_pk', ['org_id', 'user_id'])
      .execute();
    for (const col of ['mobile', 'email', 'external_id'] as const) {
      await db.schema.createIndex(`customers_${col}`).unique().on('customers').columns(['org_id', col]).execute();
    }
    await db.schema.createIndex('customers_group').on('customers').columns(['org_id', 'group_id']).execute();
    await db.schema
      .createTable('cards')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('number', text, (c) => c.notNull())
      .addColumn('external_id', text)
      .addColumn('user_id', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('cards_pk', ['org_id', 'number'])
      .execute();
    await db.schema.createIndex('cards_external_id').unique().on('cards').columns(['org_id', 'external_id']).execute();
    await db.schema
      .createTable('user_groups')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('group_id', big, (c) => c.notNull())
      .addColumn('external_id', text)
      .addColumn('primary_user_id', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('user_groups_pk', ['org_id', 'group_id'])
      .execute();
    await db.schema.createIndex('user_groups_external_id').unique().on('user_groups').columns(['org_id', 'external_id']).execute();
    await db.schema.createIndex('user_groups_primary').on('user_groups').columns(['org_id', 'primary_user_id']).execute();
    await db.schema
      .createTable('transactions')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('loyalty_log_id', big, (c) => c.notNull())
      .addColumn('bill_number', text, (c) => c.notNull())
      .addColumn('date', text, (c) => c.notNull())
      .addColumn('local_date', text, (c) => c.notNull())
      .addColumn('store_code', text, (c) => c.notNull())
      .addColumn('user_id', big, (c) => c.notNull())
      .addColumn('group_id', big)
      .addColumn('amount', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('transactions_pk', ['org_id', 'loyalty_log_id'])
      .execute();
    // Covering: a chunk's bill lookup reads the index alone, never the table.
    await db.schema
      .createIndex('transactions_bill')
      .on('transactions')
      .columns(['org_id', 'bill_number', 'store_code', 'local_date', 'user_id', 'group_id', 'loyalty_log_id'])
      .execute();
    await db.schema
      .createTable('line_items')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('item_id', big, (c) => c.notNull())
      .addColumn('loyalty_log_id', big, (c) => c.notNull())
      .addColumn('sku', text)
      .addColumn('amount', text)
      .addColumn('qty', 'integer')
      .addPrimaryKeyConstraint('line_items_pk', ['org_id', 'item_id'])
      .execute();
    await db.schema
      .createTable('trackers')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('id', big, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('window_start', text, (c) => c.notNull())
      .addColumn('window_end', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('trackers_pk', ['org_id', 'id'])
      .execute();
    await db.schema.createIndex('trackers_name').unique().on('trackers').columns(['org_id', 'name']).execute();
    await db.schema
      .createTable('tracker_values')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('tracker_id', big, (c) => c.notNull())
      .addColumn('loyalty_log_id', big, (c) => c.notNull())
      .addColumn('item_id', big)
      .addColumn('value', text, (c) => c.notNull())
      .addColumn('user_id', big)
      .addColumn('group_id', big)
      .addColumn('job_id', text, (c) => c.notNull())
      .addColumn('row_number', big, (c) => c.notNull())
      .addPrimaryKeyConstraint('tracker_values_pk', ['job_id', 'row_number'])
      .execute();
    // One value per tracker, transaction and line item (none counts as 0): a row is never written twice.
    await sql`create unique index tracker_values_key on tracker_values (org_id, tracker_id, loyalty_log_id, coalesce(item_id, 0))`.execute(db);
    await db.schema
      .createTable('programs')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('id', big, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('programs_pk', ['org_id', 'id'])
      .execute();
    await db.schema
      .createTable('expiry_strategies')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('program_id', big, (c) => c.notNull())
      .addColumn('id', big, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('kind', text, (c) => c.notNull())
      .addColumn('days', 'integer')
      .addColumn('months', 'integer')
      .addColumn('date', text)
      .addPrimaryKeyConstraint('expiry_strategies_pk', ['org_id', 'program_id', 'id'])
      .execute();
    await db.schema
      .createTable('promotions')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('identifier', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('program_id', big, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('promotions_pk', ['org_id', 'identifier'])
      .execute();
    await db.schema
      .createTable('points_ledger')
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('job_id', text, (c) => c.notNull())
      .addColumn('row_number', big, (c) => c.notNull())
      .addColumn('user_id', big)
      .addColumn('group_id', big)
      .addColumn('points', text, (c) => c.notNull())
      .addColumn('promotion_identifier', text, (c) => c.notNull())
      .addColumn('program_id', big, (c) => c.notNull())
      .addColumn('store_code', text, (c) => c.notNull())
      .addColumn('till_code', text)
      .addColumn('issued_at', text, (c) => c.notNull())
      .addColumn('expires_at', text)
      .addPrimaryKeyConstraint('points_ledger_pk', ['job_id', 'row_number'])
      .execute();
    await db.schema.createIndex('points_ledger_user').on('points_ledger').columns(['org_id', 'user_id']).execute();
    await db.schema.createIndex('points_ledger_group').on('points_ledger').columns(['org_id', 'group_id']).execute();
    await db.schema
      .createTable('templates')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('profile', text, (c) => c.notNull())
      .addColumn('current_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('templates_name').unique().on('templates').columns(['org_id', 'name']).execute();
    await db.schema
      .createTable('template_versions')
      .addColumn('template_id', text, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('body', text, (c) => c.notNull())
      .addColumn('promotion_identifier', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('template_versions_pk', ['template_id', 'version'])
      .execute();
    await db.schema
      .createTable('jobs')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('template_id', text, (c) => c.notNull())
      .addColumn('template_version', 'integer', (c) => c.notNull())
      .addColumn('profile', text, (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('allow_duplicate', 'integer', (c) => c.notNull())
      .addColumn('status', text, (c) => c.notNull())
      .addColumn('file_path', text, (c) => c.notNull())
      .addColumn('file_name', text, (c) => c.notNull())
      .addColumn('file_sha256', text)
      .addColumn('file_size', big, (c) => c.notNull())
      .addColumn('header', text)
      .addColumn('auto_mapped', text)
      .addColumn('rows_known', big)
      .addColumn('checkpoint_row', big, (c) => c.notNull().defaultTo(0))
      .addColumn('rows_total', big, (c) => c.notNull().defaultTo(0))
      .addColumn('rows_valid', big, (c) => c.notNull().defaultTo(0))
      .addColumn('rows_rejected', big, (c) => c.notNull().defaultTo(0))
      .addColumn('rows_imported', big, (c) => c.notNull().defaultTo(0))
      .addColumn('error_counts', text, (c) => c.notNull())
      .addColumn('file_error', text)
      .addColumn('promotion_identifier', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('started_at', text)
      .addColumn('finished_at', text)
      .execute();
    await db.schema.createIndex('jobs_org').on('jobs').columns(['org_id', 'seq']).execute();
    await db.schema.createIndex('jobs_file').on('jobs').columns(['template_id', 'template_version', 'file_sha256']).execute();
    // The duplicate-file guard's last word: one live import of a content per template version.
    await sql`create unique index jobs_file_once on jobs (template_id, template_version, file_sha256)
      where dry_run = 0 and allow_duplicate = 0 and status not in ('FAILED', 'CANCELLED')`.execute(db);
    await db.schema
      .createTable('job_rejections')
      .addColumn('job_id', text, (c) => c.notNull())
      .addColumn('row_number', big, (c) => c.notNull())
      .addColumn('code', text, (c) => c.notNull())
      .addColumn('field', text)
      .addColumn('value', text)
      .addColumn('message', text, (c) => c.notNull())
      .addColumn('cells', text, (c) => c.notNull())
      .addPrimaryKeyConstraint('job_rejections_pk', ['job_id', 'row_number'])
      .execute();
  },
};

/**
 * A job's own copy of its file, who runs it (a lease kept alive by a heartbeat), and a cancel
 * request the runner reads at its next chunk boundary.
 */
const jobIntegrity: Migration = {
  async up(db: AnyDb) {
    const text = 'text' as const;
    await db.schema
      .createTable('files')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('org_id', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('sha256', text, (c) => c.notNull())
      .addColumn('path', text, (c) => c.notNull())
      .addColumn('origin', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('files_org').on('files').columns(['org_id', 'created_at']).execute();
    await db.schema.alterTable('jobs').addColumn('file_id', text).execute();
    await db.schema.alterTable('jobs').addColumn('source_job_id', text).execute();
    await db.schema.alterTable('jobs').addColumn('runner', text).execute();
    await db.schema.alterTable('jobs').addColumn('heartbeat_at', text).execute();
    await db.schema.alterTable('jobs').addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};

/**
 * The HTTP API's org keys. Only a hash of each key is stored: a key is shown once, when made,
 * and a stolen copy of the table cannot be used to call the API.
 */
const apiKeys: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('label', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('api_keys_org').on('api_keys').columns(['org_id']).execute();
  },
};

/**
 * The bytes of stored files, in pieces of up to 1 MiB, for a store whose files live in the
 * database (PostgreSQL: every worker that reaches the database reads them). SQLite keeps its
 * files in a folder beside the database and leaves this table empty.
 */
const filePieces: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('file_pieces')
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('data', sql`bytea`, (c) => c.notNull())
      .addPrimaryKeyConstraint('file_pieces_pk', ['file_id', 'seq'])
      .execute();
  },
};

/**
 * Jobs handed to the worker processes (`import --queue`, `serve` on PostgreSQL): `queued` = 1. Only
 * these are taken up again by a worker when their runner is lost; a job a person runs and stops
 * (Ctrl-C of `import`) stays INTERRUPTED until someone resumes it.
 */
const jobQueue: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('jobs').addColumn('queued', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};

/**
 * The row ranges of a job shared by several runners (see jobs/shared-run.ts): who holds each,
 * and when it was last heard from. A range is done once the job's checkpoint passes its first row.
 */
const jobRanges: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('job_ranges')
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('first_row', 'bigint', (c) => c.notNull())
      .addColumn('last_row', 'bigint', (c) => c.notNull())
      .addColumn('runner', 'text')
      .addColumn('heartbeat_at', 'text')
      .addPrimaryKeyConstraint('job_ranges_pk', ['job_id', 'first_row'])
      .execute();
  },
};

/** The store's own migrations, by name in the order they run. */
const STORE_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_job_integrity': jobIntegrity,
  '0005_api_keys': apiKeys,
  '0006_file_pieces': filePieces,
  '0007_job_queue': jobQueue,
  '0008_job_ranges': jobRanges,
};

/** The migrations profiles brought (see `addProfileMigrations`), by their full names. */
const profileMigrations = new Map<string, Migration>();

/**
 * Adds a profile's migrations, each named `<profile key>/<name>`: they run after the store's own
 * (a digit sorts before a letter) and in the order of their names. The profile registry calls
 * this for every profile it registers, before a store is opened.
 */
export function addProfileMigrations(profileKey: string, migrations: Readonly<Record<string, Migration>>): void {
  for (const [name, migration] of Object.entries(migrations)) {
    const full = `${profileKey}/${name}`;
    const known = profileMigrations.get(full);
    if (known && known !== migration) throw new Error(`migration "${full}" is declared twice; name each migration of profile ${profileKey} once`);
    profileMigrations.set(full, migration);
  }
}

/** The migrations, by name: the store's own and those of every registered profile. */
export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...STORE_MIGRATIONS, ...Object.fromEntries(profileMigrations) };
  },
};

/**
 * Applies every migration not yet applied, even one whose name sorts before a migration applied
 * already (a store migration added after a profile's ran).
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) throw error;
}
