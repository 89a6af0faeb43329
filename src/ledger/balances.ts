import { sum } from '../core/decimal.js';
import type { StoredLedgerEntry } from '../profiles/customer-promotion/ledger.js';

export interface Balance {
  userId: number | null;
  groupId: number | null;
  points: string;
}

/**
 * Balances per customer or per user group: the points of entries not expired at `now`. A group's
 * entries count for the group (whichever member a row named), a customer's for the customer.
 */
export function balances(entries: StoredLedgerEntry[], now: Date = new Date()): Balance[] {
  const byOwner = new Map<string, { userId: number | null; groupId: number | null; points: string[] }>();
  const nowMs = now.getTime();
  for (const e of entries) {
    if (e.expiresAt !== null && Date.parse(e.expiresAt) <= nowMs) continue;
    const owner = e.groupId !== null ? { userId: null, groupId: e.groupId } : { userId: e.userId, groupId: null };
    const key = `${owner.userId}|${owner.groupId}`;
    let b = byOwner.get(key);
    if (!b) {
      b = { ...owner, points: [] };
      byOwner.set(key, b);
    }
    b.points.push(e.points);
  }
  return [...byOwner.values()]
    .map((b) => ({ userId: b.userId, groupId: b.groupId, points: sum(b.points) }))
    .sort((a, b) => (a.groupId ?? 0) - (b.groupId ?? 0) || (a.userId ?? 0) - (b.userId ?? 0));
}
