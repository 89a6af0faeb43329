import type { ReferenceDataFile } from '../src/org/reference-data.js';
import type { StoredTrackerValue } from '../src/profiles/trackers/tracker-values.js';
import { acmeOrg } from './helpers.js';

/**
 * What the Trackers suites (trackers-parties, trackers-rows, trackers-transactions) share: the
 * org each of them extends, the headers of their CSV files, their templates and the tracker
 * values they expect.
 */

export type Tx = NonNullable<ReferenceDataFile['transactions']>[number];

/** A transaction of 10.00 without line items. */
export const tx = (loyaltyLogId: number, billNumber: string, date: string, storeCode: string, userId: number, groupId: number | null = null): Tx => ({
  loyaltyLogId,
  billNumber,
  date,
  storeCode,
  userId,
  groupId,
  amount: '10.00',
  lineItems: [],
});

/** acmeOrg with `more` customers, user groups, transactions and trackers after its own. */
export function acmeOrgPlus(more: Pick<ReferenceDataFile, 'customers' | 'userGroups' | 'transactions' | 'trackers'>): ReferenceDataFile {
  const base = acmeOrg();
  return acmeOrg({
    ...(more.customers ? { customers: [...(base.customers ?? []), ...more.customers] } : {}),
    ...(more.userGroups ? { userGroups: [...(base.userGroups ?? []), ...more.userGroups] } : {}),
    ...(more.transactions ? { transactions: [...(base.transactions ?? []), ...more.transactions] } : {}),
    ...(more.trackers ? { trackers: [...(base.trackers ?? []), ...more.trackers] } : {}),
  });
}

/** The header of a file whose rows name their bill by number, date and store. */
export const STANDARD = 'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value';
/** The header of a file whose rows name their bill by loyalty log id. */
export const BY_LOG_ID = 'Mobile,Loyalty Log Id,Tracked Value';

type TemplateConfig = string | number | Record<string, unknown>;

function trackersTemplate(billIdentification: string, trackerOrConfig: TemplateConfig) {
  const config = typeof trackerOrConfig === 'object' ? trackerOrConfig : { tracker: trackerOrConfig };
  return { config: { tracker: 'Spend 2025', billIdentification, ...config } };
}

/**
 * A TRACKERS template identifying bills by LOYALTY_LOG_ID, for tracker "Spend 2025": or for the
 * tracker named (by name or id), or with `config` over it.
 */
export const byLogId = (trackerOrConfig: TemplateConfig = {}) => trackersTemplate('LOYALTY_LOG_ID', trackerOrConfig);

/** A TRACKERS template identifying bills by STANDARD_FIELDS; its argument as `byLogId`'s. */
export const standard = (trackerOrConfig: TemplateConfig = {}) => trackersTemplate('STANDARD_FIELDS', trackerOrConfig);

/** A stored tracker value as `store.trackerValues` returns it: of tracker 11, no line item and no group unless given. */
export function tv(
  jobId: string,
  v: { row: number; tx: number; value: string; user: number | null; group?: number | null; item?: number | null; tracker?: number },
): StoredTrackerValue {
  return { trackerId: v.tracker ?? 11, loyaltyLogId: v.tx, itemId: v.item ?? null, value: v.value, userId: v.user, groupId: v.group ?? null, jobId, rowNumber: v.row };
}
