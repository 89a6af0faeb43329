import type { Store } from './port.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export const DEFAULT_DB = './loyalty.db';

/** Where the store is: the `--db` value, else `$LOYALTY_DB`, else `./loyalty.db`. */
export function storeLocation(db?: string): string {
  return db || process.env.LOYALTY_DB || DEFAULT_DB;
}

/**
 * A store for a location: a SQLite file path (created on first use). `readerThread` gives it a
 * second connection for lookups, which only a running job uses.
 */
export async function openStore(location: string, options: { readerThread?: boolean } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new Error('PostgreSQL stores are not available in this version yet; give --db a SQLite file path');
  }
  return SqliteStore.open(location, options);
}
