import { z } from 'zod';
import type { CustomerKeyKind } from '../../core/identifiers.js';
import { GROUP_KEY_KINDS, type GroupKeyKind } from '../../domain/customers.js';

/** The configuration keys every profile shares (spec: profiles.md, "Shared configuration"). */
export interface SharedConfig {
  customerIdentifier: CustomerKeyKind;
  appendCountryCode: boolean;
  storesByExternalId: boolean;
  replaceInvalidStoreWith: string | null;
  userGroup2Enabled: boolean;
  userGroup2IdentifierType: GroupKeyKind;
}

/** The shared keys' schema, given the customer identifier kinds the profile accepts. */
export function sharedConfigShape<K extends readonly [CustomerKeyKind, ...CustomerKeyKind[]]>(kinds: K) {
  return {
    customerIdentifier: z
      .enum(kinds)
      .default(kinds[0])
      .meta({ title: "Choose customers' unique identifier", description: 'What the `customer` column holds; the column is matched automatically by a header that names this identifier.' }),
    appendCountryCode: z.boolean().default(false).meta({
      title: 'Append country code to the mobile number automatically',
      description:
        "A mobile written without a country code (no leading `+` or `00`) that is a valid mobile number of the org's base country gets that country's calling code. Applies to `MOBILE` customers and `PRIMARY_USER_MOBILE` groups.",
    }),
    storesByExternalId: z
      .boolean()
      .default(false)
      .meta({ title: 'Denote stores by external ids', description: 'The store column holds store external ids instead of store codes (and, for Customer Promotion, instead of till codes).' }),
    replaceInvalidStoreWith: z.string().trim().min(1).nullable().default(null).meta({
      title: 'Replace invalid store names with',
      description: 'A store code of the org used in place of a store value that matches nothing, instead of rejecting the row with `STORE_NOT_FOUND`. A code the org does not have refuses the template.',
    }),
    userGroup2Enabled: z
      .boolean()
      .default(false)
      .meta({ title: 'User Group2 Enabled', description: 'Rows are for user groups, not single customers: the `group` field becomes mandatory and `customer` optional.' }),
    userGroup2IdentifierType: z
      .enum(GROUP_KEY_KINDS)
      .default('GROUP_ID')
      .meta({ title: 'User Group2 identifier type', description: "What the `group` column holds: the group's id or external id, or its primary member's user id, mobile, email, external id or card number." }),
  };
}

/** Header names that name each customer identifier kind, for automatic matching of `customer`. */
export const CUSTOMER_COLUMN_NAMES = {
  MOBILE: ['Mobile', 'Mobile Number', 'Mobile No', 'Phone', 'Phone Number'],
  EMAIL: ['Email', 'E-mail', 'Email Address'],
  EXTERNAL_ID: ['External ID', 'Customer External ID'],
  USER_ID: ['User ID', 'Customer ID'],
  CARD_NUMBER: ['Card Number', 'Card No'],
  CARD_EXTERNAL_ID: ['Card External ID'],
} as const satisfies Record<CustomerKeyKind, readonly string[]>;
