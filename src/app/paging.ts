import { AppError } from './errors.js';

/**
 * Pages of a list: `limit` items after an opaque cursor. A cursor names the last item of the page
 * before (its id, or its sort key), never a position, so that a list that grows or changes
 * between two pages is neither repeated nor skipped. It is encoded so that a client treats it as
 * a token and the encoding can change.
 */

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

type Key = ReadonlyArray<string | number>;

/**
 * A page of a list held in memory, in a stable order where items are added but never removed:
 * the items after the one the cursor names, that `keep` keeps.
 */
export function pageAfter<T>(items: readonly T[], idOf: (item: T) => string, options: { limit?: number; cursor?: string; keep?: (item: T) => boolean }): { items: T[]; nextCursor: string | null } {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const keep = options.keep ?? (() => true);
  let start = 0;
  if (options.cursor !== undefined) {
    const [id] = decodeCursor(options.cursor, ['string']);
    start = items.findIndex((item) => idOf(item) === id) + 1;
    if (start === 0) throw badCursor(options.cursor);
  }
  const kept = items.slice(start).filter(keep);
  const out = kept.slice(0, limit);
  return { items: out, nextCursor: kept.length > limit ? encodeCursor([idOf(out.at(-1)!)]) : null };
}

/**
 * A page read from the store by its sort key: `read` returns up to `limit` items after a key
 * (asked for one more, to know whether another page follows).
 */
export async function pageByKey<T>(
  read: (after: Key | null, limit: number) => Promise<T[]>,
  keyOf: (item: T) => Key,
  kinds: ReadonlyArray<KeyKind>,
  options: { limit?: number; cursor?: string },
): Promise<{ items: T[]; nextCursor: string | null }> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const after = options.cursor === undefined ? null : decodeCursor(options.cursor, kinds);
  const got = await read(after, limit + 1);
  const items = got.slice(0, limit);
  return { items, nextCursor: got.length > limit ? encodeCursor(keyOf(items.at(-1)!)) : null };
}

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify({ after: key }), 'utf8').toString('base64url');
}

/** What each value of a cursor's key is: text, or a whole number (an id). */
type KeyKind = 'string' | 'integer';

/** A cursor of this list: as many values as its key has, each of its kind; else INVALID_REQUEST. */
function decodeCursor(cursor: string, kinds: ReadonlyArray<KeyKind>): Key {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    const fits = (v: unknown, kind: KeyKind) => (kind === 'string' ? typeof v === 'string' : Number.isSafeInteger(v));
    if (Array.isArray(after) && after.length === kinds.length && after.every((v, i) => fits(v, kinds[i]!))) return after as Key;
  } catch {
    // not JSON: below
  }
  throw badCursor(cursor);
}

function badCursor(cursor: string): AppError {
  return new AppError('INVALID_REQUEST', `The cursor "${cursor}" is not one this API gave; pass the nextCursor of the previous page, or none for the first page`, [
    { field: 'cursor', message: 'not a cursor of this API' },
  ]);
}
