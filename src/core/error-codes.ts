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
  'DUPLICATE_COLUMN',
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
