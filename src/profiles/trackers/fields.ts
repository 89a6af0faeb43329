import type { ProfileField } from '../types.js';

/**
 * The fields of Trackers, with when each is mandatory: read by the profile's definition, by its
 * rules (which fields a file must have) and, through the registry, by GET /api/profiles.
 */
export const TRACKER_FIELDS = [
  { key: 'customer', label: 'Mobile/Email/External ID/User ID', type: 'string', aliases: ['Customer'], mandatory: { unless: { userGroup2Enabled: [true] } } },
  { key: 'group', label: 'User Group2 Identifier', type: 'string', aliases: ['User Group', 'Group', 'Group ID', 'Fleet Group Identifier'], mandatory: { when: { userGroup2Enabled: [true] } } },
  { key: 'billNumber', label: 'Bill Number', type: 'string', aliases: ['Bill No', 'Bill', 'Bill Num', 'Invoice Number'], mandatory: { when: { billIdentification: ['STANDARD_FIELDS'] } } },
  { key: 'transactionDate', label: 'Transaction Date', type: 'datetime', aliases: ['Bill Date', 'Date', 'Txn Date'], mandatory: { when: { billIdentification: ['STANDARD_FIELDS'] } } },
  { key: 'storeCode', label: 'Store Code', type: 'string', aliases: ['Store', 'Store Id'], mandatory: { when: { billIdentification: ['STANDARD_FIELDS'] } } },
  { key: 'loyaltyLogId', label: 'Loyalty Log Id', type: 'integer', aliases: ['Loyalty Log', 'Transaction Id', 'Txn Id'], mandatory: { when: { billIdentification: ['LOYALTY_LOG_ID'] } } },
  { key: 'itemId', label: 'Item Id', type: 'integer', aliases: ['Line Item Id', 'Item'], mandatory: { when: { trackerType: ['LINEITEM'] } } },
  { key: 'trackedValue', label: 'Tracked Value', type: 'decimal', aliases: ['Value', 'Tracker Value'], mandatory: 'always' },
] as const satisfies readonly ProfileField[];
