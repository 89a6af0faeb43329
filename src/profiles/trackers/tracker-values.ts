import type { RowStore } from '../../store/port.js';
import { defineTable, type RowOf } from '../../store/tables.js';

/**
 * The Trackers profile's table: one value per tracker, transaction and line item (none counts as
 * 0), each the row of a job. Made by the store's migration 0001_initial, which also holds its
 * unique index on (org, tracker, transaction, line item); this profile brings no migration of its
 * own.
 */
export const TRACKER_VALUES = defineTable({
  name: 'tracker_values',
  columns: {
    org_id: { type: 'text' },
    tracker_id: { type: 'bigint' },
    loyalty_log_id: { type: 'bigint' },
    item_id: { type: 'bigint', nullable: true },
    value: { type: 'text' },
    user_id: { type: 'bigint', nullable: true },
    group_id: { type: 'bigint', nullable: true },
    job_id: { type: 'text' },
    row_number: { type: 'bigint' },
  },
  primaryKey: ['job_id', 'row_number'],
});

export type TrackerValueRow = RowOf<typeof TRACKER_VALUES>;

/** A tracked value as the product shows it. */
export interface StoredTrackerValue {
  trackerId: number;
  loyaltyLogId: number;
  itemId: number | null;
  value: string;
  userId: number | null;
  groupId: number | null;
  jobId: string;
  rowNumber: number;
}

/** Who already tracked a transaction (or line item): what rule 8 looks up. */
export type TrackedValueKey = Pick<TrackerValueRow, 'loyalty_log_id' | 'item_id' | 'job_id'>;

/** The values a tracker already has on any of these transactions: a chunk's lookup. */
export function findTrackedValues(store: RowStore, orgId: string, trackerId: number, loyaltyLogIds: number[]): Promise<TrackedValueKey[]> {
  return store.findRows(TRACKER_VALUES, {
    where: { org_id: orgId, tracker_id: trackerId },
    column: 'loyalty_log_id',
    keys: loyaltyLogIds,
    select: ['loyalty_log_id', 'item_id', 'job_id'],
  });
}

/** The values a job wrote, in row order, in pages. */
export async function* trackerValuesOfJob(store: RowStore, jobId: string): AsyncIterable<StoredTrackerValue[]> {
  for await (const page of store.rowPages(TRACKER_VALUES, { where: { job_id: jobId }, by: 'row_number' })) yield page.map(toTrackerValue);
}

/** A tracker's values by transaction and line item (none as 0), the first `limit` after `after`. */
export async function trackerValuesAfter(store: RowStore, orgId: string, trackerId: number, after: ReadonlyArray<string | number> | null, limit: number): Promise<StoredTrackerValue[]> {
  const rows = await store.selectPage(TRACKER_VALUES, { where: { org_id: orgId, tracker_id: trackerId }, orderBy: ['loyalty_log_id', 'item_id'], after, limit });
  return rows.map(toTrackerValue);
}

/** Every value of a tracker, by transaction and line item. */
export async function trackerValues(store: RowStore, orgId: string, trackerId: number): Promise<StoredTrackerValue[]> {
  const rows = await store.selectRows(TRACKER_VALUES, { where: { org_id: orgId, tracker_id: trackerId }, orderBy: ['loyalty_log_id', 'item_id'] });
  return rows.map(toTrackerValue);
}

function toTrackerValue(r: TrackerValueRow): StoredTrackerValue {
  return {
    trackerId: Number(r.tracker_id),
    loyaltyLogId: Number(r.loyalty_log_id),
    itemId: r.item_id === null ? null : Number(r.item_id),
    value: r.value,
    userId: r.user_id === null ? null : Number(r.user_id),
    groupId: r.group_id === null ? null : Number(r.group_id),
    jobId: r.job_id,
    rowNumber: Number(r.row_number),
  };
}
