import type { Compilable, Expression, Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Keys per `IN (…)` list: under SQLite's and PostgreSQL's bound-parameter limits. */
const IN_LIST = 5_000;
/** Rows per page of a job's rows (rejections, a profile's rows). */
export const PAGE = 5_000;

/**
 * What the queries of every concern share: the Kysely instance, and the two hooks by which an
 * adapter makes a chunk's lookups fast (see KyselyStore).
 */
export interface Queries {
  readonly db: Kysely<Database>;
  /** The right-hand side of `IN` for a list of keys: the list, or one parameter holding it. */
  inList<T extends string | number>(keys: T[]): T[] | Expression<T>;
  /** Runs a lookup of reference data, on the store's connection or on one of its own. */
  lookup<O>(query: { execute(): Promise<O[]> } & Compilable<O>): Promise<O[]>;
}

/** Slices of at most `IN_LIST` keys. */
export function* slices<T>(keys: readonly T[]): Generator<T[]> {
  for (let i = 0; i < keys.length; i += IN_LIST) yield keys.slice(i, i + IN_LIST);
}

/** Rows in the order of an integer column, a page at a time (keyset paging on that column). */
export async function* pagesBy<R extends object, T>(column: string, page: (after: number) => Promise<R[]>, map: (row: R) => T): AsyncIterable<T[]> {
  let after = 0;
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    after = Number((rows[rows.length - 1] as Record<string, unknown>)[column]);
    yield rows.map(map);
  }
}

/** A nullable integer column's value as a number. */
export function nullableNumber(v: number | string | null): number | null {
  return v === null ? null : Number(v);
}
