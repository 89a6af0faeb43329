import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TableDeclaration, TableWrite } from '../tables.js';

/**
 * Rows of a declared table written with `COPY … FROM STDIN` in PostgreSQL's text format: the
 * bulk path the server itself offers, without the planning and the parameter arrays of an INSERT
 * (a chunk's 10,000 rows in about half the time of `INSERT … SELECT FROM unnest`, see
 * docs/benchmarks.md). It runs on the client of the chunk's transaction.
 */
export async function copyRows(client: pg.PoolClient, table: TableDeclaration, rows: TableWrite['rows']): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(table.columns);
  const text = `COPY ${quoteIdent(table.name)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`;
  await pipeline(Readable.from(lines(columns, rows)), client.query(copyFrom(text)));
}

/** The text format, 1,000 rows to a piece: a row a line, tab between values, `\N` for NULL. */
function* lines(columns: string[], rows: TableWrite['rows']): Generator<string> {
  const piece: string[] = [];
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) line += '\t';
      line += copyValue(row[columns[i]!] ?? null);
    }
    piece.push(line);
    if (piece.length === 1_000) {
      yield `${piece.join('\n')}\n`;
      piece.length = 0;
    }
  }
  if (piece.length > 0) yield `${piece.join('\n')}\n`;
}

/** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A table or column name as a quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
