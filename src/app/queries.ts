import { type Balance, balances } from '../ledger/balances.js';
import type { StoredLedgerEntry } from '../domain/ledger.js';
import type { StoredTrackerValue } from '../domain/tracker-values.js';
import { type AppContext, requireOrg } from './context.js';
import { AppError } from './errors.js';
import { page } from './paging.js';

/** A tracker's values, a page at a time; the tracker by id or name. */
export async function trackerValuesPage(
  ctx: AppContext,
  orgId: string,
  tracker: string,
  query: { limit?: number; cursor?: string },
): Promise<{ values: StoredTrackerValue[]; nextCursor: string | null }> {
  await requireOrg(ctx, orgId);
  const found = (await ctx.store.listTrackers(orgId)).find((t) => t.name === tracker || String(t.id) === tracker);
  if (!found) throw new AppError('NOT_FOUND', `Org "${orgId}" has no tracker "${tracker}"; GET /api/orgs/${orgId} lists its trackers`);
  const { items, nextCursor } = page(await ctx.store.trackerValues(orgId, found.id), query.limit, query.cursor);
  return { values: items, nextCursor };
}

/** Points entries a page at a time, and the balances over every entry the filter keeps. */
export async function ledgerPage(
  ctx: AppContext,
  orgId: string,
  query: { customer?: number; group?: number; promotion?: string; limit?: number; cursor?: string },
): Promise<{ entries: StoredLedgerEntry[]; balances: Balance[]; nextCursor: string | null }> {
  await requireOrg(ctx, orgId);
  const entries = await ctx.store.ledger({ orgId, userId: query.customer, groupId: query.group, promotionIdentifier: query.promotion });
  const { items, nextCursor } = page(entries, query.limit, query.cursor);
  return { entries: items, balances: balances(entries), nextCursor };
}
