import type { RowStore, Store } from '../../store/port.js';
import { defineTable, type RowOf } from '../../store/tables.js';

/**
 * The Customer Promotion profile's table: the points ledger, an entry per imported row. Made by
 * the store's migration 0001_initial, with its indexes by customer and by group; this profile
 * brings no migration of its own.
 */
export const POINTS_LEDGER = defineTable({
  name: 'points_ledger',
  columns: {
    org_id: { type: 'text' },
    job_id: { type: 'text' },
    row_number: { type: 'bigint' },
    user_id: { type: 'bigint', nullable: true },
    group_id: { type: 'bigint', nullable: true },
    points: { type: 'text' },
    promotion_identifier: { type: 'text' },
    program_id: { type: 'bigint' },
    store_code: { type: 'text' },
    till_code: { type: 'text', nullable: true },
    issued_at: { type: 'text' },
    expires_at: { type: 'text', nullable: true },
  },
  primaryKey: ['job_id', 'row_number'],
});

export type LedgerRow = RowOf<typeof POINTS_LEDGER>;

/** A ledger entry as the product shows it, with its promotion's name. */
export interface StoredLedgerEntry {
  jobId: string;
  rowNumber: number;
  userId: number | null;
  groupId: number | null;
  points: string;
  promotionIdentifier: string;
  promotionName: string;
  programId: number;
  storeCode: string;
  tillCode: string | null;
  issuedAt: string;
  expiresAt: string | null;
}

export interface LedgerFilter {
  orgId: string;
  userId?: number;
  groupId?: number;
  promotionIdentifier?: string;
}

type Reads = RowStore & Pick<Store, 'listPromotions'>;

/** The org's entries the filter keeps, by issue time, job and row. */
export async function ledger(store: Reads, filter: LedgerFilter): Promise<StoredLedgerEntry[]> {
  const rows = await store.selectRows(POINTS_LEDGER, {
    where: { org_id: filter.orgId, user_id: filter.userId, group_id: filter.groupId, promotion_identifier: filter.promotionIdentifier },
    orderBy: ['issued_at', 'job_id', 'row_number'],
  });
  const names = await promotionNames(store, filter.orgId);
  return withNames(rows, names);
}

/** The entries a job wrote, in row order, in pages. */
export async function* ledgerOfJob(store: Reads, jobId: string): AsyncIterable<StoredLedgerEntry[]> {
  let names: Map<string, string> | null = null;
  for await (const page of store.rowPages(POINTS_LEDGER, { where: { job_id: jobId }, by: 'row_number' })) {
    names ??= await promotionNames(store, page[0]!.org_id);
    yield withNames(page, names);
  }
}

/** The names of the org's promotions, by identifier: an entry shows its promotion's. */
async function promotionNames(store: Reads, orgId: string): Promise<Map<string, string>> {
  return new Map((await store.listPromotions(orgId)).map((p) => [p.identifier, p.name]));
}

/** Entries with their promotion's name; an entry's promotion is written with it, in the same commit. */
function withNames(rows: LedgerRow[], names: Map<string, string>): StoredLedgerEntry[] {
  const out: StoredLedgerEntry[] = [];
  for (const r of rows) {
    const promotionName = names.get(r.promotion_identifier);
    if (promotionName === undefined) continue;
    out.push({
      jobId: r.job_id,
      rowNumber: Number(r.row_number),
      userId: r.user_id === null ? null : Number(r.user_id),
      groupId: r.group_id === null ? null : Number(r.group_id),
      points: r.points,
      promotionIdentifier: r.promotion_identifier,
      promotionName,
      programId: Number(r.program_id),
      storeCode: r.store_code,
      tillCode: r.till_code,
      issuedAt: r.issued_at,
      expiresAt: r.expires_at,
    });
  }
  return out;
}
