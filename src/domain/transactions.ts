/** A transaction (a bill) of a customer, at a store, on a local date. */
export interface TransactionRecord {
  loyaltyLogId: number;
  billNumber: string;
  localDate: string;
  storeCode: string;
  userId: number;
  groupId: number | null;
}

/** A line item of a transaction. */
export interface LineItemRecord {
  itemId: number;
  loyaltyLogId: number;
}
