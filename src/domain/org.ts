/** An org: everything else belongs to one. Its zone dates what its rows say in local time. */
export interface Org {
  id: string;
  name: string;
  baseCountry: string;
  timezone: string;
}

/** A store of an org, by its code; rows may name it by its external id instead. */
export interface StoreRecord {
  code: string;
  externalId: string | null;
  name: string | null;
}

/** A till of a store: a row may name the till instead of the store. */
export interface TillRecord {
  code: string;
  storeCode: string;
}
