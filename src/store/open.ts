import fs from 'node:fs';
import type { Store } from './port.js';
import { StoreMissingError } from './store-lost-error.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export const DEFAULT_DB = './loyalty.db';

/** Where the store is: the `--db` value, else `$LOYALTY_DB`, else `./loyalty.db`. */
export function storeLocation(db?: string): string {
  return db || process.env.LOYALTY_DB || DEFAULT_DB;
}

/**
 * A store for a location: a `postgres://` URL, or a SQLite file path (created on first use).
 * `readerThread` gives a SQLite store a second connection for lookups, which only a running job
 * uses (a PostgreSQL store has its pool).
 */
export async function openStore(location: string, options: { readerThread?: boolean; create?: boolean } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) return PostgresStore.open(location);
  // Only the commands that start a store make one: any other, on a file that is not there (a
  // typo, a store removed), would otherwise answer from a new empty store as if nothing existed.
  if (!options.create && location !== ':memory:' && !fs.existsSync(location)) {
    throw new StoreMissingError(location);
  }
  return SqliteStore.open(location, options);
}
