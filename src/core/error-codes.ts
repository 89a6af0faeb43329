/**
 * The closed list of error codes, declared once. File-level codes fail a whole job (nothing is
 * written); row-level codes reject one row while the others go on.
 */

export const FILE_ERROR_CODES = [
  'INVALID_TEMPLATE',
  'EMPTY_FILE',
  'MISSING_COLUMN',
  'MALFORMED_CSV',
  'ROW_LIMIT_EXCEEDED',
  'FILE_TOO_LARGE',
  'DUPLICATE_FILE',
  'PROMOTION_NAME_MISMATCH',
] as const;

export const ROW_ERROR_CODES = [
  'WRONG_COLUMN_COUNT',
  'MISSING_VALUE',
  'INVALID_IDENTIFIER',
  'INVALID_NUMBER',
  'INVALID_DATE',
  'INVALID_POINTS',
  'CUSTOMER_NOT_FOUND',
  'GROUP_NOT_FOUND',
  'NOT_GROUP_MEMBER',
  'STORE_NOT_FOUND',
  'TRANSACTION_NOT_FOUND',
  'AMBIGUOUS_TRANSACTION',
  'TRANSACTION_CUSTOMER_MISMATCH',
  'LINE_ITEM_NOT_FOUND',
  'OUTSIDE_TRACKER_WINDOW',
  'ALREADY_TRACKED',
  'DUPLICATE_IN_FILE',
] as const;

export type FileErrorCode = (typeof FILE_ERROR_CODES)[number];
export type RowErrorCode = (typeof ROW_ERROR_CODES)[number];

/** What each row-level code means, in an operator's words (used in docs and the web page). */
export const ROW_ERROR_MEANINGS = {
  WRONG_COLUMN_COUNT: 'the row has more or fewer cells than the header',
  MISSING_VALUE: 'a mandatory field is empty',
  INVALID_IDENTIFIER: 'a customer or group identifier of the wrong form',
  INVALID_NUMBER: 'an integer or decimal field that does not parse',
  INVALID_DATE: "a date that does not parse with the template's format",
  INVALID_POINTS: 'points not a decimal greater than zero',
  CUSTOMER_NOT_FOUND: 'no such customer in the org',
  GROUP_NOT_FOUND: 'no such user group in the org',
  NOT_GROUP_MEMBER: "the row's customer is not a member of the row's group",
  STORE_NOT_FOUND: 'no such store (or till), and no replacement configured',
  TRANSACTION_NOT_FOUND: 'no transaction matches',
  AMBIGUOUS_TRANSACTION: 'several transactions match',
  TRANSACTION_CUSTOMER_MISMATCH: "the transaction is another customer's or group's",
  LINE_ITEM_NOT_FOUND: 'the item is not a line item of the transaction',
  OUTSIDE_TRACKER_WINDOW: "the transaction's date is outside the tracker's window",
  ALREADY_TRACKED: 'the tracker already has a value for this transaction (and item)',
  DUPLICATE_IN_FILE: 'an earlier row of the same file has the same key',
} as const satisfies Record<RowErrorCode, string>;

/** A file-level failure: thrown, caught by the job runner, recorded as the job's `fileError`. */
export class FileError extends Error {
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

/** A rejected row, collected into the error report; never thrown. */
export interface RowIssue {
  code: RowErrorCode;
  /** The profile field the issue is about, or null for a row-shape issue. */
  field: string | null;
  /** The offending value as it was in the file (or the value used, for defaults). */
  value: string | null;
  message: string;
}

/** Builds a row issue. */
export function issue(code: RowErrorCode, field: string | null, value: string | null, message: string): RowIssue {
  return { code, field, value, message };
}
