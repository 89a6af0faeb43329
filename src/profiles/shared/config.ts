import { z } from 'zod';
import type { CustomerKeyKind } from '../../core/identifiers.js';
import { GROUP_KEY_KINDS, type GroupKeyKind } from '../../store/port.js';

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
    customerIdentifier: z.enum(kinds).default(kinds[0]),
    appendCountryCode: z.boolean().default(false),
    storesByExternalId: z.boolean().default(false),
    replaceInvalidStoreWith: z.string().trim().min(1).nullable().default(null),
    userGroup2Enabled: z.boolean().default(false),
    userGroup2IdentifierType: z.enum(GROUP_KEY_KINDS).default('GROUP_ID'),
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
