import { type Balance, balances } from '../ledger/balances.js';
import { ledger, type StoredLedgerEntry } from '../profiles/customer-promotion/ledger.js';
import { type StoredTrackerValue, trackerValuesAfter } from '../profiles/trackers/tracker-values.js';
import { type AppContext, requireOrg } from './context.js';
import { AppError } from './errors.js';
import { pageAfter, pageByKey } from './paging.js';

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
  const { items, nextCursor } = await pageByKey(
    (after, limit) => trackerValuesAfter(ctx.store, orgId, found.id, after, limit),
    (v) => [v.loyaltyLogId, v.itemId ?? 0],
    ['integer', 'integer'],
    query,
  );
  return { values: items, nextCursor };
}

/** Points entries a page at a time, and the balances over every entry the filter keeps. */
export async function ledgerPage(
  ctx: AppContext,
  orgId: string,
  query: { customer?: number; group?: number; promotion?: string; limit?: number; cursor?: string },
): Promise<{ entries: StoredLedgerEntry[]; balances: Balance[]; nextCursor: string | null }> {
  await requireOrg(ctx, orgId);
  const entries = await ledger(ctx.store, { orgId, userId: query.customer, groupId: query.group, promotionIdentifier: query.promotion });
  const { items, nextCursor } = pageAfter(entries, (e) => `${e.jobId}:${e.rowNumber}`, query);
  return { entries: items, balances: balances(entries), nextCursor };
}
