import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { envNumber } from '../../core/env-number.js';

/**
 * A second, read-only connection to the SQLite file, in a worker thread: a chunk's lookups of
 * reference data run there while the main thread resolves and commits the previous chunk. WAL
 * mode lets it read while the main connection writes; it sees every committed chunk.
 */

// The thread's code is inline (CommonJS, run with eval), so that it is the same whether the
// product runs from its build or its TypeScript sources.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -' + workerData.cacheKib);
const statements = new Map();
// Copying the WAL into the database (a checkpoint) is done here, off the thread that commits: a
// passive checkpoint never waits for the writer nor blocks it. A busy one tries again next time.
let checkpointer = null;
if (workerData.checkpointMs > 0) {
  setInterval(() => {
    try {
      if (!checkpointer) {
        checkpointer = new Database(workerData.file, { fileMustExist: true });
        checkpointer.pragma('busy_timeout = 0');
      }
      checkpointer.pragma('wal_checkpoint(PASSIVE)');
    } catch {}
  }, workerData.checkpointMs);
}
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let entry = statements.get(sql);
    if (!entry) {
      const statement = db.prepare(sql).raw(true);
      entry = { statement, columns: statement.columns().map((c) => c.name) };
      statements.set(sql, entry);
    }
    // Rows travel as arrays: copying them between threads costs half what objects cost.
    parentPort.postMessage({ id, columns: entry.columns, rows: entry.statement.all(params) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/**
 * The page cache of each SQLite connection, in KiB: `$LOYALTY_SQLITE_CACHE_MB` megabytes, else
 * 4 MB. A larger cache makes the random index writes of a large import cheaper (each chunk
 * rewrites fewer pages it had to read again) at the cost of as much memory per connection.
 */
export function sqliteCacheKib(env: NodeJS.ProcessEnv = process.env): number {
  return Math.round(envNumber('LOYALTY_SQLITE_CACHE_MB', 4, (mb) => mb > 0, env) * 1024);
}

function toObjects(columns: string[], rows: unknown[][]): Array<Record<string, unknown>> {
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const o: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) o[columns[j]!] = row[j];
    out[i] = o;
  }
  return out;
}

type Pending = { resolve: (rows: unknown[]) => void; reject: (error: Error) => void };

export class ReaderThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  /**
   * `checkpointMs`: how often the thread checkpoints the WAL (0: never), for a writing connection
   * that leaves its checkpoints to it (see `WAL_CHECKPOINT_MS`).
   */
  constructor(file: string, checkpointMs = 0) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // Its objects are a chunk's rows, handed over at once: a small young generation is enough,
    // where V8's default lets it grow to about 30 MB.
    this.worker = new Worker(THREAD, { eval: true, workerData: { file, driver, cacheKib: sqliteCacheKib(), checkpointMs }, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    this.worker.on('message', (m: { id: number; columns?: string[]; rows?: unknown[][]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(toObjects(m.columns!, m.rows!));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the SQLite reader thread exited with code ${code}`)));
    // An idle reader must not keep the process alive; one with a query under way must.
    this.worker.unref();
  }

  /** Runs a SELECT on the reader connection. */
  all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<R[]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, sql, params });
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the store is closed');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
