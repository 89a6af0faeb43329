import { parsePositiveInteger } from './decimal.js';
import { normaliseMobile } from './phone.js';

/** The kinds of key that name a customer in a file. */
export const CUSTOMER_KEY_KINDS = ['MOBILE', 'EMAIL', 'EXTERNAL_ID', 'USER_ID', 'CARD_NUMBER', 'CARD_EXTERNAL_ID'] as const;
export type CustomerKeyKind = (typeof CUSTOMER_KEY_KINDS)[number];

const EMAIL = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:.]{2,}$/;

export interface IdentifierContext {
  appendCountryCode: boolean;
  baseCountry: string;
}

/**
 * Normalises a customer identifier cell as its kind says: the form the store keeps it in, or
 * null when the cell is not of that kind's form (INVALID_IDENTIFIER).
 */
export function normaliseCustomerKey(kind: CustomerKeyKind, raw: string, ctx: IdentifierContext): string | number | null {
  switch (kind) {
    case 'MOBILE':
      return normaliseMobile(raw, ctx);
    case 'EMAIL': {
      const email = raw.trim().toLowerCase();
      return EMAIL.test(email) ? email : null;
    }
    case 'EXTERNAL_ID':
    case 'CARD_NUMBER':
    case 'CARD_EXTERNAL_ID':
      return raw.trim() || null;
    case 'USER_ID':
      return parsePositiveInteger(raw.trim());
    default: {
      const never: never = kind;
      throw new Error(`unknown identifier kind ${String(never)}`);
    }
  }
}

/** How an identifier kind is named in messages. */
export const CUSTOMER_KEY_NAMES = {
  MOBILE: 'mobile',
  EMAIL: 'email',
  EXTERNAL_ID: 'external id',
  USER_ID: 'user id',
  CARD_NUMBER: 'card number',
  CARD_EXTERNAL_ID: 'card external id',
} as const satisfies Record<CustomerKeyKind, string>;
