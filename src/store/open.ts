import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './port.js';

export const DEFAULT_DB = './loyalty.db';

/** A store for a `--db` value: a PostgreSQL URL, or a SQLite file path (created on first use). */
export async function openStore(location: string = process.env.LOYALTY_DB || DEFAULT_DB): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new Error('PostgreSQL stores are not available in this version yet; use a SQLite file path for --db');
  }
  return SqliteStore.open(location, { readerThread: true });
}
