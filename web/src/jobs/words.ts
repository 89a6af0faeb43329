import type { JobStatus } from '../api/types';

/** Words for statuses and error codes: one entry per code, each lookup exhaustive. */

export type Tone = 'neutral' | 'running' | 'success' | 'warning' | 'danger';

export const STATUS_WORDS = {
  QUEUED: { label: 'Queued', tone: 'neutral', explain: 'Waiting for its turn to start.' },
  VALIDATING: { label: 'Checking rows', tone: 'running', explain: 'Every row is being checked against your data.' },
  VALIDATED: { label: 'Dry run done', tone: 'success', explain: 'Every row was checked; nothing was written.' },
  IMPORTING: { label: 'Importing', tone: 'running', explain: 'Valid rows are being written.' },
  COMPLETED: { label: 'Completed', tone: 'success', explain: 'Every row was imported.' },
  COMPLETED_WITH_ERRORS: { label: 'Completed with errors', tone: 'warning', explain: 'Valid rows were imported; some rows were rejected.' },
  FAILED: { label: 'Failed', tone: 'danger', explain: 'The file could not be imported; nothing was written.' },
  CANCELLED: { label: 'Cancelled', tone: 'neutral', explain: 'Stopped on request; rows written before the stop stay.' },
  INTERRUPTED: { label: 'Interrupted', tone: 'warning', explain: 'It stopped before its end: the server or the command running it was stopped. Resume it to finish; no row is written twice.' },
} as const satisfies Record<JobStatus, { label: string; tone: Tone; explain: string }>;

/** Words of a status, also for a status this app does not know yet. */
export function statusWords(status: string): { label: string; tone: Tone; explain: string } {
  return (STATUS_WORDS as Record<string, { label: string; tone: Tone; explain: string }>)[status] ?? { label: status, tone: 'neutral', explain: '' };
}

/** Whether a job has reached an end (no more progress will come). */
export function isFinished(status: string): boolean {
  return ['VALIDATED', 'COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELLED'].includes(status);
}

/** Whether a job is still moving (queued or running). */
export function isRunning(status: string): boolean {
  return ['QUEUED', 'VALIDATING', 'IMPORTING'].includes(status);
}

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
export type FileErrorCode = (typeof FILE_ERROR_CODES)[number];

/** What a file-level error means and what the operator does about it. */
export const FILE_ERROR_HELP = {
  INVALID_TEMPLATE: { title: 'The template no longer fits your data', todo: 'Open the template, check the tracker, program, expiry strategy and replacement store it names (one may have been removed), save it, and import the file again.' },
  EMPTY_FILE: { title: 'The file has no rows to import', todo: 'Check that you chose the right file, and that its rows are not all blank. If the template skips rows at the top, check that number too.' },
  MISSING_COLUMN: { title: 'A column the template needs is not in the file', todo: 'Add the column to the file, or open the template and map the field to a column the file has (the message names the field).' },
  MALFORMED_CSV: { title: 'The file cannot be read as CSV', todo: 'Open it in a spreadsheet and save it again as "CSV UTF-8". A quote that is never closed, at the line the message names, is the usual cause.' },
  ROW_LIMIT_EXCEEDED: { title: 'The file has more rows than the template allows', todo: 'Split the file into smaller files, or raise the row limit of the template.' },
  FILE_TOO_LARGE: { title: 'The file is larger than the server accepts', todo: 'Split the file into smaller files and import each.' },
  DUPLICATE_FILE: { title: 'This file was imported already', todo: 'Open the earlier job named above to see what it did; if it is unfinished, resume or cancel it there. To import the same file again on purpose, upload it again and tick "I want to import it again anyway" under its preview.' },
  PROMOTION_NAME_MISMATCH: { title: 'The promotion identifier belongs to a promotion with another name', todo: 'Open the template and either use the existing promotion\'s name, or choose another identifier (or none, to get a new one).' },
  DUPLICATE_COLUMN: { title: 'A column appears twice in the header', todo: 'Rename or remove one of the two columns so that each field reads one column, then import again.' },
} as const satisfies Record<FileErrorCode, { title: string; todo: string }>;

/** Help for a file-level error code, also for one this app does not know yet. */
export function fileErrorHelp(code: string): { title: string; todo: string } {
  return (FILE_ERROR_HELP as Record<string, { title: string; todo: string }>)[code] ?? { title: 'The file could not be imported', todo: 'Read the message above; fix the file or the template as it says, then import again.' };
}

/** Short words for each row-level error code, for the counts by code. */
export const ROW_ERROR_WORDS: Record<string, string> = {
  WRONG_COLUMN_COUNT: 'more or fewer cells than the header',
  MISSING_VALUE: 'a required cell is empty',
  INVALID_IDENTIFIER: 'customer or group identifier of the wrong form',
  INVALID_NUMBER: 'not a number',
  INVALID_DATE: 'date not in the template\'s format',
  INVALID_POINTS: 'points not greater than zero',
  CUSTOMER_NOT_FOUND: 'no such customer',
  GROUP_NOT_FOUND: 'no such user group',
  NOT_GROUP_MEMBER: 'customer not in the group',
  STORE_NOT_FOUND: 'no such store or till',
  TRANSACTION_NOT_FOUND: 'no matching transaction',
  AMBIGUOUS_TRANSACTION: 'several transactions match',
  TRANSACTION_CUSTOMER_MISMATCH: 'transaction of another customer',
  LINE_ITEM_NOT_FOUND: 'item not in the transaction',
  OUTSIDE_TRACKER_WINDOW: 'transaction outside the tracker\'s dates',
  ALREADY_TRACKED: 'value already recorded',
  DUPLICATE_IN_FILE: 'same row earlier in the file',
};
