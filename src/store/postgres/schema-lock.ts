import pg from 'pg';

/** The advisory lock under which one process at a time makes or updates a schema of the database. */
const SCHEMA_LOCK = 0x4c6f_7961; // "Loya"

/**
 * Runs `make` under the schema lock, held on a connection of its own (from `pool`, or a new one to
 * `connectionString`). The store's migrations and the workers' queue (graphile-worker) both make
 * their schemas under it: processes started together on a new database otherwise run their DDL at
 * once, and one's reading of the catalog (Kysely's migrator reads every table's columns) can meet
 * a column the other's migration has just dropped.
 */
export async function withSchemaLock<T>(where: { pool: pg.Pool } | { connectionString: string }, make: () => Promise<T>): Promise<T> {
  const pooled = 'pool' in where ? await where.pool.connect() : null;
  const lock = pooled ?? new pg.Client({ connectionString: (where as { connectionString: string }).connectionString });
  try {
    if (!pooled) await lock.connect();
    await lock.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    try {
      return await make();
    } finally {
      await lock.query('select pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    }
  } finally {
    if (pooled) pooled.release();
    else await lock.end();
  }
}
