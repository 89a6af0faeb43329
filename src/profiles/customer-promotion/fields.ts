import type { ProfileField } from '../types.js';

/**
 * The fields of Customer Promotion, with when each is mandatory: read by the profile's definition,
 * by its rules (which fields a file must have) and, through the registry, by GET /api/profiles.
 */
export const CUSTOMER_PROMOTION_FIELDS = [
  { key: 'customer', label: 'Mobile/Email/External ID/User ID/Card Number/Card External ID', type: 'string', aliases: ['Customer'], mandatory: { unless: { userGroup2Enabled: [true] } } },
  { key: 'group', label: 'User Group2 Identifier (Fleet Group Identifier)', type: 'string', aliases: ['User Group2 Identifier', 'Fleet Group Identifier', 'User Group', 'Group ID'], mandatory: { when: { userGroup2Enabled: [true] } } },
  { key: 'storeCode', label: 'Till IUN Or Store Ext Id (Store Code)', type: 'string', aliases: ['Store Code', 'Store', 'Till', 'Till IUN', 'Till Code', 'Store Ext Id', 'Store External Id'], mandatory: 'always' },
  { key: 'points', label: 'Points', type: 'points', aliases: ['Point', 'Promotional Points', 'Points Awarded'], mandatory: 'always' },
] as const satisfies readonly ProfileField[];
