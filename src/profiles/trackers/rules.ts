import { localDate, type ParsedDate } from '../../core/date-format.js';
import { FileError, type RowIssue, issue } from '../../core/error-codes.js';
import type { LineItemRecord, TransactionRecord } from '../../domain/transactions.js';
import { insertRows } from '../../store/tables.js';
import { isIssue, type Party, resolveParties } from '../shared/parties.js';
import { StoreMatcher } from '../shared/stores.js';
import type { ChunkResult, ParsedRow, PreparedProfile, PrepareContext, SuccessReport } from '../types.js';
import { mandatoryFieldKeys } from '../mandatory.js';
import type { TrackersConfig } from './definition.js';
import { TRACKER_FIELDS } from './fields.js';
import { findTrackedValues, TRACKER_VALUES, type TrackedValueKey, type TrackerValueRow, trackerValuesOfJob } from './tracker-values.js';

/**
 * The Trackers rules (spec: profiles.md, "Trackers"), after the engine's rules 1–2:
 * 3 customer or group, 4 store, 5 transaction, 6 line item, 7 tracker window, 8 not yet tracked.
 */
export async function prepareTrackers(ctx: PrepareContext<TrackersConfig>): Promise<PreparedProfile> {
  const { org, config, store } = ctx;
  const trackers = await store.listTrackers(org.id);
  const tracker = trackers.find((t) => (typeof config.tracker === 'number' ? t.id === config.tracker : t.name === config.tracker || String(t.id) === config.tracker));
  if (!tracker) {
    throw new FileError(
      'INVALID_TEMPLATE',
      `Template "config.tracker": ${JSON.stringify(config.tracker)} is not a tracker of org "${org.id}"${trackers.length ? `; its trackers are ${trackers.map((t) => `${t.id} "${t.name}"`).join(', ')}` : ''}`,
    );
  }
  if (tracker.type !== 'BILL' && tracker.type !== 'LINEITEM') {
    throw new FileError('INVALID_TEMPLATE', `Template "config.tracker": tracker "${tracker.name}" is of type ${tracker.type}; only BILL and LINEITEM trackers can be imported`);
  }
  const standard = config.billIdentification === 'STANDARD_FIELDS';
  const lineItems = tracker.type === 'LINEITEM';
  // Loaded in both modes, so that a template never names a replacement store the org lacks;
  // only standard fields have a store column to match.
  const matcher = await StoreMatcher.load(store, org, { tills: false, storesByExternalId: config.storesByExternalId, replaceInvalidStoreWith: config.replaceInvalidStoreWith });
  const stores = standard ? matcher : null;

  // As the fields declare it (fields.ts), which is also what GET /api/profiles tells a form.
  const mandatoryFields = mandatoryFieldKeys(TRACKER_FIELDS, { ...config, trackerType: tracker.type });
  // In a dry run nothing is written, so keys seen in earlier chunks are remembered here; in an
  // import the store has them (with this job's id), which keeps memory flat for any file size.
  const seenInDryRun = new Set<ValueKey>();
  // A chunk's existing values are looked up ahead, before the chunks before it have committed:
  // the keys each chunk writes are kept, by its first row, until no lookup still to be resolved
  // can have missed them. A lookup sees every chunk committed when it starts (`committedThrough`).
  let recent: Array<{ firstRow: number; keys: Set<ValueKey> }> = [];
  let committedThrough = 0;
  // The cell a window rejection points at: the date, or the id when the row has no date.
  const idField = standard ? 'transactionDate' : 'loyaltyLogId';
  // A BILL tracker's value is keyed by its transaction alone: a number, which a dry run keeps for
  // every row at a third of the memory of a string.
  const keyOf = (loyaltyLogId: number, itemId: number | null): ValueKey => (itemId === null || itemId === 0 ? loyaltyLogId : `${loyaltyLogId}:${itemId}`);
  const belongs = (tx: TransactionRecord, party: Party) => (config.userGroup2Enabled ? tx.groupId === party.groupId : tx.userId === party.userId);

  const prepared: PreparedProfile<TrackersPrefetch> = {
    committed(throughRow) {
      committedThrough = throughRow;
    },
    mandatoryFields,
    optionalFields: config.userGroup2Enabled ? ['customer'] : [],
    async prefetch(rows) {
      const seenThrough = committedThrough;
      const transactionsFound = standard
        ? store.findTransactionsByBill(org.id, [...new Set(rows.map((r) => r.values.billNumber as string))])
        : store.findTransactionsById(org.id, [...new Set(rows.map((r) => r.values.loyaltyLogId as number))]);
      // Values already tracked on any transaction the chunk may name (a superset of those it will).
      const trackedFound = transactionsFound.then((txs) => findTrackedValues(store, org.id, tracker.id, [...new Set(txs.map((t) => t.loyaltyLogId))]));
      const [parties, transactions, tracked, items] = await Promise.all([
        resolveParties(rows, org, config, store),
        transactionsFound,
        trackedFound,
        lineItems ? store.findLineItems(org.id, [...new Set(rows.map((r) => r.values.itemId as number))]) : Promise.resolve([]),
      ]);
      return { parties, transactions, tracked, items, seenThrough };
    },
    async resolve(rows, { parties, transactions, tracked, items: itemList, seenThrough }): Promise<ChunkResult> {
      const rejected: ChunkResult['rejected'] = [];
      const reject = (row: ParsedRow, i: RowIssue): false => {
        rejected.push({ row, issue: i });
        return false;
      };

      // 3. The customer (or group) is found.
      type Alive = { row: ParsedRow; party: Party; storeCode?: string; tx?: TransactionRecord; itemId: number | null };
      let alive: Alive[] = [];
      for (let i = 0; i < rows.length; i++) {
        const p = parties[i]!;
        if (isIssue(p)) reject(rows[i]!, p);
        else alive.push({ row: rows[i]!, party: p, itemId: lineItems ? (rows[i]!.values.itemId as number) : null });
      }

      // 4. The store is found (standard fields only).
      if (stores) {
        alive = alive.filter((a) => {
          const m = stores.match(a.row.raw.storeCode!, 'storeCode');
          if (isIssue(m)) return reject(a.row, m);
          a.storeCode = m.storeCode;
          return true;
        });
      }

      // 5. The transaction is found, and is the row's customer's or group's.
      if (standard) {
        const byBill = new Map<string, TransactionRecord[]>();
        for (const tx of transactions) {
          const list = byBill.get(tx.billNumber);
          if (list) list.push(tx);
          else byBill.set(tx.billNumber, [tx]);
        }
        alive = alive.filter((a) => {
          const bill = a.row.values.billNumber as string;
          const day = localDate(a.row.values.transactionDate as ParsedDate, org.timezone);
          const candidates = (byBill.get(bill) ?? []).filter((t) => t.storeCode === a.storeCode && t.localDate === day);
          if (candidates.length === 0) {
            return reject(a.row, issue('TRANSACTION_NOT_FOUND', 'billNumber', bill, `Bill "${bill}" at store "${a.storeCode}" on ${day} matches no transaction`));
          }
          const mine = candidates.filter((t) => belongs(t, a.party));
          if (mine.length > 1) {
            return (
              reject(
                a.row,
                issue('AMBIGUOUS_TRANSACTION', 'billNumber', bill, `Bill "${bill}" at store "${a.storeCode}" on ${day} matches ${mine.length} transactions (${mine.map((t) => t.loyaltyLogId).join(', ')}); use billIdentification LOYALTY_LOG_ID`),
              )
            );
          }
          if (mine.length === 0) {
            return reject(a.row, mismatch('billNumber', bill, candidates[0]!, a.party, config.userGroup2Enabled));
          }
          a.tx = mine[0]!;
          return true;
        });
      } else {
        const byId = new Map(transactions.map((t) => [t.loyaltyLogId, t]));
        alive = alive.filter((a) => {
          const id = a.row.values.loyaltyLogId as number;
          const tx = byId.get(id);
          if (!tx) return reject(a.row, issue('TRANSACTION_NOT_FOUND', 'loyaltyLogId', a.row.raw.loyaltyLogId!, `Loyalty log id ${id} matches no transaction`));
          if (!belongs(tx, a.party)) return reject(a.row, mismatch('loyaltyLogId', a.row.raw.loyaltyLogId!, tx, a.party, config.userGroup2Enabled));
          a.tx = tx;
          return true;
        });
      }

      // 6. The item is a line item of that transaction (LINEITEM trackers).
      if (lineItems) {
        const items = new Map(itemList.map((li) => [li.itemId, li.loyaltyLogId]));
        alive = alive.filter((a) => {
          if (items.get(a.itemId!) === a.tx!.loyaltyLogId) return true;
          return reject(a.row, issue('LINE_ITEM_NOT_FOUND', 'itemId', a.row.raw.itemId!, `Item ${a.itemId} is not a line item of transaction ${a.tx!.loyaltyLogId}`));
        });
      }

      // 7. The transaction's local date lies inside the tracker's window.
      alive = alive.filter((a) => {
        const d = a.tx!.localDate;
        if (d >= tracker.windowStart && d <= tracker.windowEnd) return true;
        return (
          reject(
            a.row,
            issue('OUTSIDE_TRACKER_WINDOW', idField, a.row.raw[idField]!, `Transaction ${a.tx!.loyaltyLogId} of ${d} is outside the window of tracker "${tracker.name}" (${tracker.windowStart} to ${tracker.windowEnd})`),
          )
        );
      });

      // 8. Not tracked yet, and not twice in this file (the first row stands).
      const existing = new Map<ValueKey, string>();
      for (const k of tracked) existing.set(keyOf(k.loyalty_log_id, k.item_id), k.job_id);
      // The keys of this job's chunks that committed after the lookups started, or have not yet.
      const firstRow = rows[0]?.rowNumber ?? Number.MAX_SAFE_INTEGER;
      recent = recent.filter((c) => c.firstRow > seenThrough && c.firstRow !== firstRow);
      for (const c of recent) if (c.firstRow < firstRow) for (const key of c.keys) existing.set(key, ctx.jobId);
      const seen = ctx.dryRun ? seenInDryRun : new Set<ValueKey>();
      const writes: TrackerValueRow[] = [];
      for (const a of alive) {
        const key = keyOf(a.tx!.loyaltyLogId, a.itemId);
        const target = `transaction ${a.tx!.loyaltyLogId}${a.itemId !== null ? `, item ${a.itemId}` : ''}`;
        const owner = existing.get(key);
        if (seen.has(key) || owner === ctx.jobId) {
          const field = lineItems ? 'itemId' : standard ? 'billNumber' : 'loyaltyLogId';
          const label = TRACKER_FIELDS.find((f) => f.key === field)!.label;
          reject(a.row, issue('DUPLICATE_IN_FILE', field, a.row.raw[field]!, `${label} "${a.row.raw[field]}": an earlier row of this file already tracks ${target}; the first one stands`));
          continue;
        }
        if (owner !== undefined) {
          reject(a.row, issue('ALREADY_TRACKED', 'trackedValue', a.row.raw.trackedValue!, `Tracker "${tracker.name}" already has a value for ${target} (job ${owner})`));
          continue;
        }
        seen.add(key);
        writes.push({
          org_id: org.id,
          tracker_id: tracker.id,
          loyalty_log_id: a.tx!.loyaltyLogId,
          item_id: a.itemId,
          value: a.row.values.trackedValue as string,
          user_id: a.party.userId,
          group_id: a.party.groupId,
          job_id: ctx.jobId,
          row_number: a.row.rowNumber,
        });
      }
      if (!ctx.dryRun && rows.length > 0) recent.push({ firstRow, keys: seen });
      // Written in the order of the table's unique key: the chunk's entries of that index then
      // fill its pages one after another instead of a random page each (measured in
      // docs/benchmarks.md).
      writes.sort((x, y) => x.loyalty_log_id - y.loyalty_log_id || (x.item_id ?? 0) - (y.item_id ?? 0));
      return { rejected, writes: [insertRows(TRACKER_VALUES, writes)], accepted: writes.length };
    },
  };
  return prepared;
}

/** A tracker value's key: its transaction, and its line item for a LINEITEM tracker. */
type ValueKey = number | string;

/** What a chunk's lookups found, before the rules run. */
interface TrackersPrefetch {
  parties: Array<Party | RowIssue>;
  transactions: TransactionRecord[];
  tracked: TrackedValueKey[];
  items: LineItemRecord[];
  /** The last row of this job committed when the lookups started: they saw every value up to it. */
  seenThrough: number;
}

function mismatch(field: string, value: string, tx: TransactionRecord, party: Party, groups: boolean): RowIssue {
  const owner = groups ? (tx.groupId === null ? 'no user group' : `user group ${tx.groupId}`) : `customer ${tx.userId}`;
  const row = groups ? `user group ${party.groupId}` : `customer ${party.userId}`;
  return issue('TRANSACTION_CUSTOMER_MISMATCH', field, value, `Transaction ${tx.loyaltyLogId} belongs to ${owner}, not to ${row}`);
}

export const trackersSuccessReport: SuccessReport = {
  columns: ['row_number', 'user_id', 'group_id', 'loyalty_log_id', 'item_id', 'tracked_value'],
  async *rows(store, jobId) {
    for await (const page of trackerValuesOfJob(store, jobId)) {
      yield page.map((v) => [v.rowNumber, v.userId, v.groupId, v.loyaltyLogId, v.itemId, v.value]);
    }
  },
};
