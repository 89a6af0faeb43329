import { FileError, type RowIssue, issue } from '../../core/error-codes.js';
import type { Org, StoreRecord } from '../../domain/org.js';
import type { Store } from '../../store/port.js';

export interface StoreMatch {
  storeCode: string;
  tillCode: string | null;
}

export interface StoreMatcherOptions {
  /** Match till codes first (a till code wins over a store code). */
  tills: boolean;
  storesByExternalId: boolean;
  replaceInvalidStoreWith: string | null;
}

/**
 * Matches store cells against the org's stores (and tills), loaded once per job: an org has
 * thousands of stores at most, so a map beats a query per chunk.
 */
export class StoreMatcher {
  private constructor(
    private readonly byKey: Map<string, StoreMatch>,
    private readonly replacement: StoreMatch | null,
    private readonly options: StoreMatcherOptions,
  ) {}

  /** Loads the org's stores; throws INVALID_TEMPLATE when the replacement store does not exist. */
  static async load(store: Store, org: Org, options: StoreMatcherOptions): Promise<StoreMatcher> {
    const stores = await store.listStores(org.id);
    const replacement = options.replaceInvalidStoreWith;
    if (replacement !== null && !stores.some((s) => s.code === replacement)) {
      throw new FileError(
        'INVALID_TEMPLATE',
        `Template "config.replaceInvalidStoreWith": store "${replacement}" is not a store code of org "${org.id}"${hint(stores)}`,
      );
    }
    const byKey = new Map<string, StoreMatch>();
    if (options.storesByExternalId) {
      for (const s of stores) if (s.externalId !== null) byKey.set(s.externalId, { storeCode: s.code, tillCode: null });
    } else {
      for (const s of stores) byKey.set(s.code, { storeCode: s.code, tillCode: null });
      if (options.tills) for (const t of await store.listTills(org.id)) byKey.set(t.code, { storeCode: t.storeCode, tillCode: t.code });
    }
    return new StoreMatcher(byKey, replacement === null ? null : { storeCode: replacement, tillCode: null }, options);
  }

  /** The store (and till) a cell names, the replacement store, or STORE_NOT_FOUND. */
  match(value: string, field: string): StoreMatch | RowIssue {
    const found = this.byKey.get(value);
    if (found) return found;
    if (this.replacement) return this.replacement;
    const what = this.options.storesByExternalId ? 'store external id' : this.options.tills ? 'till code or store code' : 'store code';
    return issue('STORE_NOT_FOUND', field, value, `Store "${value}" matches no ${what}; correct the cell, or name a replacement store in the template (replaceInvalidStoreWith)`);
  }
}

function hint(stores: StoreRecord[]): string {
  if (stores.length === 0) return '; the org has no stores yet (load them with `org load`)';
  return `; its stores include ${stores
    .slice(0, 5)
    .map((s) => `"${s.code}"`)
    .join(', ')}`;
}
