import { FINAL_STATUSES } from '../domain/jobs.js';

/**
 * Statement texts shared by the adapters' bulk paths. Plain SQL that SQLite and PostgreSQL both
 * accept (`ON CONFLICT … DO UPDATE` is in both), with `?` placeholders.
 */

/**
 * `INSERT … ON CONFLICT (keys) DO UPDATE SET` every other column but those in `keep`: an
 * idempotent upsert.
 */
export function upsertSql(table: string, columns: readonly string[], keys: readonly string[], keep: readonly string[] = []): string {
  const updates = columns.filter((c) => !keys.includes(c) && !keep.includes(c)).map((c) => `${c} = excluded.${c}`);
  const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (${keys.join(', ')}) ${action}`;
}

/** `INSERT … ON CONFLICT (keys) DO NOTHING`: creates a row unless it exists. */
export function insertIfAbsentSql(table: string, columns: readonly string[], keys: readonly string[]): string {
  return upsertSql(table, columns, keys, columns);
}

/** A plain INSERT of `rows` rows. */
export function insertSql(table: string, columns: readonly string[], rows = 1): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
}

/** A chunk's progress; no row when the checkpoint is not the one the chunk follows, or the job ended (cancelled while its runner stalled). */
export const JOB_PROGRESS_SQL = `UPDATE jobs SET checkpoint_row = ?, rows_total = ?, rows_valid = ?, rows_rejected = ?, rows_imported = ?, error_counts = ? WHERE id = ? AND checkpoint_row = ? AND checkpoint_row < ? AND status NOT IN (${[...FINAL_STATUSES].map((s) => `'${s}'`).join(', ')})`;
