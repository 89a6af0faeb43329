/**
 * A chunk's write met a row with the same unique key that another job committed after the chunk
 * was looked up (two imports of the same transactions at the same time). Nothing of the chunk was
 * written: the engine looks its rows up again, and they meet that row as any later import would.
 */
export class WriteConflictError extends Error {
  constructor(
    readonly table: string,
    detail: string,
  ) {
    super(`A row of ${table} was written by another job while this chunk was checked: ${detail}`);
    this.name = 'WriteConflictError';
  }
}

/** Whether a driver's error is a unique-key violation (SQLite's constraint code, PostgreSQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
