export const EXPIRY_KINDS = ['AFTER_DAYS', 'END_OF_MONTH_AFTER', 'FIXED_DATE', 'NEVER'] as const;
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];

/** How points of a program expire. */
export interface ExpiryStrategy {
  id: number;
  name: string;
  kind: ExpiryKind;
  days: number | null;
  months: number | null;
  date: string | null;
}

/** A loyalty program of an org: points belong to one. */
export interface Program {
  id: number;
  name: string;
  isDefault: boolean;
  expiryStrategies: ExpiryStrategy[];
}

/** A promotion points are awarded under; it belongs to one program. */
export interface Promotion {
  identifier: string;
  name: string;
  programId: number;
}
