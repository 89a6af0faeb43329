import type { CustomerKeyKind } from '../../core/identifiers.js';
import type { CustomerMatch, GroupKeyKind, GroupMatch, Key } from '../../domain/customers.js';
import type { LineItemRecord, TransactionRecord } from '../../domain/transactions.js';
import type { LookupStore } from '../port.js';
import { nullableNumber, type Queries, slices } from './queries.js';

/**
 * The lookups that resolve a chunk of rows (customers, groups, transactions, line items): one
 * call per kind of key per chunk, run through the store's `lookup` hook.
 */
export class ChunkLookups implements Pick<LookupStore, 'findCustomers' | 'findGroups' | 'findTransactionsById' | 'findTransactionsByBill' | 'findLineItems'> {
  constructor(private readonly q: Queries) {}

  async findCustomers(orgId: string, kind: CustomerKeyKind, keys: Key[]): Promise<CustomerMatch[]> {
    const out: CustomerMatch[] = [];
    for (const slice of slices(keys)) {
      if (kind === 'CARD_NUMBER' || kind === 'CARD_EXTERNAL_ID') {
        const column = kind === 'CARD_NUMBER' ? 'cards.number' : 'cards.external_id';
        const rows = await this.q.lookup(this.q.db
          .selectFrom('cards')
          .innerJoin('customers', (j) => j.onRef('customers.org_id', '=', 'cards.org_id').onRef('customers.user_id', '=', 'cards.user_id'))
          .select([`${column} as key`, 'customers.user_id', 'customers.group_id'])
          .where('cards.org_id', '=', orgId)
          .where(column, 'in', this.q.inList(slice as string[]))
          );
        for (const r of rows) out.push({ key: r.key as Key, userId: Number(r.user_id), groupId: nullableNumber(r.group_id) });
        continue;
      }
      // Rows come back in the port's shape (drivers return integers as numbers), with no copy.
      const column = CUSTOMER_COLUMNS[kind];
      const rows = await this.q.lookup(this.q.db
        .selectFrom('customers')
        .select([`${column} as key`, 'user_id as userId', 'group_id as groupId'])
        .where('org_id', '=', orgId)
        .where(column, 'in', this.q.inList(slice as never[]))
        );
      for (const r of rows) out.push(r as CustomerMatch);
    }
    return out;
  }

  async findGroups(orgId: string, kind: GroupKeyKind, keys: Key[]): Promise<GroupMatch[]> {
    const out: GroupMatch[] = [];
    for (const slice of slices(keys)) {
      let rows: Array<{ key: unknown; group_id: number }>;
      switch (kind) {
        case 'GROUP_ID':
        case 'EXTERNAL_ID':
        case 'PRIMARY_USER_ID': {
          const column = kind === 'GROUP_ID' ? 'group_id' : kind === 'EXTERNAL_ID' ? 'external_id' : 'primary_user_id';
          rows = await this.q.lookup(this.q.db
            .selectFrom('user_groups')
            .select([`${column} as key`, 'group_id'])
            .where('org_id', '=', orgId)
            .where(column, 'in', this.q.inList(slice as never[]))
            );
          break;
        }
        case 'PRIMARY_USER_MOBILE':
        case 'PRIMARY_USER_EMAIL':
        case 'PRIMARY_USER_EXTERNAL_ID': {
          const column = kind === 'PRIMARY_USER_MOBILE' ? 'customers.mobile' : kind === 'PRIMARY_USER_EMAIL' ? 'customers.email' : 'customers.external_id';
          rows = await this.q.lookup(this.q.db
            .selectFrom('user_groups')
            .innerJoin('customers', (j) => j.onRef('customers.org_id', '=', 'user_groups.org_id').onRef('customers.user_id', '=', 'user_groups.primary_user_id'))
            .select([`${column} as key`, 'user_groups.group_id'])
            .where('user_groups.org_id', '=', orgId)
            .where(column, 'in', this.q.inList(slice as string[]))
            );
          break;
        }
        case 'PRIMARY_USER_CARD_NO':
          rows = await this.q.lookup(this.q.db
            .selectFrom('user_groups')
            .innerJoin('cards', (j) => j.onRef('cards.org_id', '=', 'user_groups.org_id').onRef('cards.user_id', '=', 'user_groups.primary_user_id'))
            .select(['cards.number as key', 'user_groups.group_id'])
            .where('user_groups.org_id', '=', orgId)
            .where('cards.number', 'in', this.q.inList(slice as string[]))
            );
          break;
        default: {
          const never: never = kind;
          throw new Error(`unknown group key kind ${String(never)}`);
        }
      }
      const numericKey = kind === 'GROUP_ID' || kind === 'PRIMARY_USER_ID';
      for (const r of rows) out.push({ key: numericKey ? Number(r.key) : (r.key as Key), groupId: Number(r.group_id) });
    }
    return out;
  }

  findTransactionsById(orgId: string, loyaltyLogIds: number[]): Promise<TransactionRecord[]> {
    return this.findTransactions(orgId, 'loyalty_log_id', loyaltyLogIds);
  }

  findTransactionsByBill(orgId: string, billNumbers: string[]): Promise<TransactionRecord[]> {
    return this.findTransactions(orgId, 'bill_number', billNumbers);
  }

  private async findTransactions<K extends string | number>(orgId: string, column: 'loyalty_log_id' | 'bill_number', keys: K[]): Promise<TransactionRecord[]> {
    const out: TransactionRecord[] = [];
    for (const slice of slices(keys)) {
      const rows = await this.q.lookup(this.transactionQuery(orgId).where(column, 'in', this.q.inList(slice as never[])));
      for (const r of rows) out.push(r as TransactionRecord);
    }
    return out;
  }

  private transactionQuery(orgId: string) {
    return this.q.db
      .selectFrom('transactions')
      .select([
        'loyalty_log_id as loyaltyLogId',
        'bill_number as billNumber',
        'local_date as localDate',
        'store_code as storeCode',
        'user_id as userId',
        'group_id as groupId',
      ])
      .where('org_id', '=', orgId);
  }

  async findLineItems(orgId: string, itemIds: number[]): Promise<LineItemRecord[]> {
    const out: LineItemRecord[] = [];
    for (const slice of slices(itemIds)) {
      const rows = await this.q.lookup(this.q.db
        .selectFrom('line_items')
        .select(['item_id', 'loyalty_log_id'])
        .where('org_id', '=', orgId)
        .where('item_id', 'in', this.q.inList(slice))
        );
      for (const r of rows) out.push({ itemId: Number(r.item_id), loyaltyLogId: Number(r.loyalty_log_id) });
    }
    return out;
  }
}

const CUSTOMER_COLUMNS = {
  MOBILE: 'mobile',
  EMAIL: 'email',
  EXTERNAL_ID: 'external_id',
  USER_ID: 'user_id',
} as const satisfies Record<Exclude<CustomerKeyKind, 'CARD_NUMBER' | 'CARD_EXTERNAL_ID'>, string>;

