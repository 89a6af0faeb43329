export interface LedgerRow {
  rowNumber: number;
  userId: number | null;
  groupId: number | null;
  points: string;
  promotionIdentifier: string;
  programId: number;
  storeCode: string;
  tillCode: string | null;
  issuedAt: string;
  expiresAt: string | null;
}

export interface StoredLedgerEntry extends LedgerRow {
  jobId: string;
  promotionName: string;
}

export interface LedgerFilter {
  orgId: string;
  userId?: number;
  groupId?: number;
  promotionIdentifier?: string;
}

