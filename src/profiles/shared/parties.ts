import { type RowIssue, issue } from '../../core/error-codes.js';
import { CUSTOMER_KEY_NAMES, normaliseCustomerKey } from '../../core/identifiers.js';
import { parsePositiveInteger } from '../../core/decimal.js';
import { normaliseMobile } from '../../core/phone.js';
import type { GroupKeyKind, Key } from '../../domain/customers.js';
import type { Org } from '../../domain/org.js';
import type { Store } from '../../store/port.js';
import type { ParsedRow } from '../types.js';
import type { SharedConfig } from './config.js';

/** Who a row is for: a customer, or a user group (and optionally one of its members). */
export interface Party {
  userId: number | null;
  groupId: number | null;
}

const GROUP_KEY_NAMES = {
  GROUP_ID: 'group id',
  EXTERNAL_ID: 'group external id',
  PRIMARY_USER_ID: "primary member's user id",
  PRIMARY_USER_MOBILE: "primary member's mobile",
  PRIMARY_USER_EMAIL: "primary member's email",
  PRIMARY_USER_EXTERNAL_ID: "primary member's external id",
  PRIMARY_USER_CARD_NO: "primary member's card number",
} as const satisfies Record<GroupKeyKind, string>;

/**
 * Resolves the `customer` and `group` fields of a chunk (rule "the customer (or group) is
 * found"): identifiers normalised, then one lookup per kind of key for the whole chunk.
 */
export async function resolveParties(rows: ParsedRow[], org: Org, config: SharedConfig, store: Store): Promise<Array<Party | RowIssue>> {
  const ctx = { appendCountryCode: config.appendCountryCode, baseCountry: org.baseCountry };
  const out: Array<Party | RowIssue> = new Array(rows.length);
  const customerKeys: Array<Key | null> = new Array(rows.length).fill(null);
  const groupKeys: Array<Key | null> = new Array(rows.length).fill(null);

  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (config.userGroup2Enabled) {
      const raw = row.raw.group!;
      const key = normaliseGroupKey(config.userGroup2IdentifierType, raw, ctx);
      if (key === null) {
        out[i] = issue('INVALID_IDENTIFIER', 'group', raw, `User group identifier "${raw}" is not a valid ${GROUP_KEY_NAMES[config.userGroup2IdentifierType]}`);
        continue;
      }
      groupKeys[i] = key;
    }
    const rawCustomer = row.raw.customer;
    if (rawCustomer !== undefined) {
      const key = normaliseCustomerKey(config.customerIdentifier, rawCustomer, ctx);
      if (key === null) {
        out[i] = issue('INVALID_IDENTIFIER', 'customer', rawCustomer, `Customer "${rawCustomer}" is not a valid ${CUSTOMER_KEY_NAMES[config.customerIdentifier]}`);
        continue;
      }
      customerKeys[i] = key;
    }
  }

  const groups = new Map<Key, number>();
  if (config.userGroup2Enabled) {
    const keys = unique(groupKeys, out);
    for (const g of await store.findGroups(org.id, config.userGroup2IdentifierType, keys)) groups.set(g.key, g.groupId);
  }
  const customers = new Map<Key, { userId: number; groupId: number | null }>();
  const keys = unique(customerKeys, out);
  if (keys.length > 0) for (const c of await store.findCustomers(org.id, config.customerIdentifier, keys)) customers.set(c.key, c);

  for (let i = 0; i < rows.length; i++) {
    if (out[i] !== undefined) continue;
    const row = rows[i]!;
    let groupId: number | null = null;
    if (config.userGroup2Enabled) {
      const found = groups.get(groupKeys[i]!);
      if (found === undefined) {
        out[i] = issue('GROUP_NOT_FOUND', 'group', row.raw.group!, `User group "${row.raw.group}" matches no group by ${GROUP_KEY_NAMES[config.userGroup2IdentifierType]}`);
        continue;
      }
      groupId = found;
    }
    let userId: number | null = null;
    if (customerKeys[i] !== null) {
      const found = customers.get(customerKeys[i]!);
      if (!found) {
        out[i] = issue('CUSTOMER_NOT_FOUND', 'customer', row.raw.customer!, `Customer "${row.raw.customer}" matches no customer by ${CUSTOMER_KEY_NAMES[config.customerIdentifier]}`);
        continue;
      }
      if (config.userGroup2Enabled && found.groupId !== groupId) {
        out[i] = issue('NOT_GROUP_MEMBER', 'customer', row.raw.customer!, `Customer "${row.raw.customer}" (user ${found.userId}) is not a member of user group ${groupId}`);
        continue;
      }
      userId = found.userId;
    }
    out[i] = { userId, groupId };
  }
  return out;
}

function normaliseGroupKey(kind: GroupKeyKind, raw: string, ctx: { appendCountryCode: boolean; baseCountry: string }): Key | null {
  switch (kind) {
    case 'GROUP_ID':
    case 'PRIMARY_USER_ID':
      return parsePositiveInteger(raw);
    case 'PRIMARY_USER_MOBILE':
      return normaliseMobile(raw, ctx);
    case 'PRIMARY_USER_EMAIL':
      return normaliseCustomerKey('EMAIL', raw, ctx);
    case 'EXTERNAL_ID':
    case 'PRIMARY_USER_EXTERNAL_ID':
    case 'PRIMARY_USER_CARD_NO':
      return raw || null;
    default: {
      const never: never = kind;
      throw new Error(`unknown group key kind ${String(never)}`);
    }
  }
}

function unique(keys: Array<Key | null>, out: Array<unknown>): Key[] {
  const set = new Set<Key>();
  for (let i = 0; i < keys.length; i++) if (out[i] === undefined && keys[i] !== null) set.add(keys[i]!);
  return [...set];
}

/** True when a value is a row issue rather than a resolved value. */
export function isIssue(v: unknown): v is RowIssue {
  return typeof v === 'object' && v !== null && 'code' in v && 'message' in v;
}
