import { AppError } from './errors.js';

/**
 * Pages of a list: `limit` items after an opaque cursor. The cursor is the position in the list,
 * encoded, so that a client treats it as a token and the encoding can change.
 */

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** A page of `items` from `cursor`, with the cursor of the next page (null on the last). */
export function page<T>(items: readonly T[], limit = DEFAULT_LIMIT, cursor?: string): { items: T[]; nextCursor: string | null } {
  const start = cursor === undefined ? 0 : decodeCursor(cursor);
  const end = start + limit;
  return { items: items.slice(start, end), nextCursor: end < items.length ? encodeCursor(end) : null };
}

function encodeCursor(position: number): string {
  return Buffer.from(`p:${position}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^p:(\d{1,12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError('INVALID_REQUEST', `The cursor "${cursor}" is not one this API gave; pass the nextCursor of the previous page, or none for the first page`, [{ field: 'cursor', message: 'not a cursor of this API' }]);
  return Number(match[1]);
}
