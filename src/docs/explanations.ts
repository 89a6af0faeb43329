import type { AppErrorCode } from '../app/errors.js';
import type { FileErrorCode, RowErrorCode } from '../core/error-codes.js';
import type { FieldType } from '../core/fields.js';
import type { CUSTOMER_PROMOTION_FIELDS } from '../profiles/customer-promotion/fields.js';
import type { TRACKER_FIELDS } from '../profiles/trackers/fields.js';
import type { ProfileKey } from '../profiles/registry.js';
import type { JobStatus } from '../domain/jobs.js';

/**
 * What the reference in docs/reference says about each thing the code declares, written once.
 * Each table is keyed by the code's own union, so a new error code, status, field or profile
 * without its explanation does not compile; `npm run docs` renders them into the pages.
 */

/** Why an error happens and what the operator does about it. */
export interface Explanation {
  cause: string;
  fix: string;
}

/**
 * Codes and states of the product's contract that are being added on other branches, explained
 * ahead so that the reference is ready: an explanation may exist before its code is declared,
 * and the page shows it once the code declares it.
 */
export type AnnouncedAppErrorCode = 'FORBIDDEN';
export const ANNOUNCED: readonly string[] = ['FORBIDDEN'] satisfies AnnouncedAppErrorCode[];

export const ERROR_CODE_EXPLANATIONS = {
  // File level: the job fails and nothing is written.
  INVALID_TEMPLATE: {
    cause:
      'The template cannot run against the org as it is now. Its JSON breaks the schema (an unknown key, a value of the wrong kind), `mapping` or `defaults` names a field the profile does not have, or the configuration names something the org does not have: a tracker (or one that is not of type `BILL` or `LINEITEM`), a program, an expiry strategy of that program, a replacement store, a default program; or `promotionIdentifier` names a promotion of another program. A template is checked when it is saved (and refused) and again when a job starts (the job fails). The message names the key.',
    fix: 'Correct the key the message names and save the template again (a new version), or load what is missing into the org with `org load`; then run the import again.',
  },
  EMPTY_FILE: {
    cause: 'The file has no data rows: it is empty, or holds a header only. Blank lines do not count, nor do the rows `csv.skipTop` and `csv.skipBottom` leave out.',
    fix: 'Check that the export is complete, and that `csv.header`, `csv.skipTop` and `csv.skipBottom` fit the file.',
  },
  MISSING_COLUMN: {
    cause:
      "A field mapped to a header that is not in the file, or to a column number past the file's last column, or to a header when `csv.header` is false; or a mandatory field that is neither mapped, nor matched automatically, nor given a value in `defaults`. The message names the field and lists the file's headers.",
    fix: "Map the field to one of the file's headers (or a column number) in the template's `mapping`, rename the file's column, or give the field a value in `defaults`; then save the template and import again.",
  },
  MALFORMED_CSV: {
    cause:
      "The file cannot be read as CSV: a quote that is never closed (the message names the line where it opens), text after a closing quote, a row longer than 8 MiB of text (a quote that never closes, or a file that is not CSV), or bytes that are not valid text in the template's `csv.encoding`.",
    fix: 'Close the quote, or double a quote inside a quoted cell (`""`), on the line the message names. For an encoding error save the file as UTF-8, or set `csv.encoding` (`latin1`, `utf-16le`, `utf-16be`) in the template. Check that `csv.quote` and `csv.escape` are those of the file.',
  },
  ROW_LIMIT_EXCEEDED: {
    cause: "The file has more data rows than the template's `rowLimit` (1,000,000 unless the template says otherwise).",
    fix: 'Split the file, or raise `rowLimit` in the template.',
  },
  FILE_TOO_LARGE: {
    cause:
      'The file is larger than the largest file accepted: 1 GiB, or `LOYALTY_MAX_FILE_MB` megabytes when that environment variable is set. A file named on the command line, or uploaded, is refused before a job is made (the application error `FILE_TOO_LARGE`); a job whose file is over the limit when it starts fails with it.',
    fix: 'Split the file into smaller files, or raise `LOYALTY_MAX_FILE_MB` where the importer runs.',
  },
  DUPLICATE_FILE: {
    cause:
      'A file with the same content (the same SHA-256) is being or was imported with this template version by an earlier import: one that has not finished, or one that ended without being `FAILED` or `CANCELLED` before importing a row. The message names that job. Dry runs never count, and are never refused.',
    fix: 'If the earlier job has not finished, resume it (`job resume`) or cancel it (`job cancel`), as the message says: `--allow-duplicate` does not import a file beside an unfinished import of it, which would write its rows twice. If it has finished, the file is imported already (see `job show`); to import the same content again on purpose, pass `--allow-duplicate` (`"allowDuplicate": true` over HTTP): rows already recorded then come back `ALREADY_TRACKED`, while points are awarded again.',
  },
  PROMOTION_NAME_MISMATCH: {
    cause: "A Customer Promotion template's `promotionIdentifier` names a promotion of the org whose name is not the template's `promotionName`. A dry run reports it too.",
    fix: "Set `promotionName` to the promotion's name (the message gives it), or use another `promotionIdentifier`; save the template and import again.",
  },
  DUPLICATE_COLUMN: {
    cause: 'A column that the mapping or automatic matching uses appears more than once in the header, so which one holds the field is unclear.',
    fix: "Rename or remove one of the columns, or map the field to a column number in the template's `mapping`.",
  },

  // Row level: the row is rejected and the others go on.
  WRONG_COLUMN_COUNT: {
    cause: "The row has more or fewer cells than the header (or, without a header, than the first data row). Usually a delimiter inside a cell that is not quoted, or a cell left out. It is checked before every other rule.",
    fix: 'Quote the cell that holds the delimiter, or add the missing cell; check that `csv.delimiter` is the file\'s delimiter.',
  },
  MISSING_VALUE: {
    cause: 'A mandatory field of the row is empty and the template gives it no value in `defaults`. The message names the field.',
    fix: "Fill the cell, or give the field a value in the template's `defaults`.",
  },
  INVALID_IDENTIFIER: {
    cause:
      "The `customer` (or `group`) cell is not of the form the template's `customerIdentifier` (or `userGroup2IdentifierType`) says: a mobile that cannot be an international number once spaces, dashes, dots and brackets are dropped, an email that is not an address, a user id or group id that is not a positive whole number.",
    fix: 'Correct the cell; or, when the whole column holds another kind of identifier, change `customerIdentifier` or `userGroup2IdentifierType`. Mobiles written without their country code need `appendCountryCode`.',
  },
  INVALID_NUMBER: {
    cause:
      'A whole-number field (`loyaltyLogId`, `itemId`) that is not a positive whole number, or a decimal field (`trackedValue`) that is not a decimal with a point and at most 6 decimals: `1,5`, `1 000`, `1e3` and `abc` are not decimals.',
    fix: 'Write the number with a point as the decimal separator, no thousands separator and at most 6 decimals.',
  },
  INVALID_DATE: {
    cause: "A date cell that does not parse with the template's `csv.dateFormat` (or as ISO 8601 when the template has none), or a date that does not exist. The message gives the format expected.",
    fix: "Correct the cell, or set `csv.dateFormat` to the file's pattern (such as `dd/MM/yyyy HH:mm`).",
  },
  INVALID_POINTS: {
    cause: 'Points that are not a decimal greater than zero with at most 6 decimals: `0`, `-5`, `1,5` and `abc` are refused.',
    fix: 'Write the points as a positive decimal with a point as the separator.',
  },
  CUSTOMER_NOT_FOUND: {
    cause: "No customer of the org has this identifier, read as the template's `customerIdentifier` says (a mobile normalised, an email in lower case).",
    fix: 'Check the cell and `customerIdentifier` (and `appendCountryCode` for mobiles); a customer the org lacks is added with `org load`.',
  },
  GROUP_NOT_FOUND: {
    cause: "With `userGroup2Enabled`, no user group of the org matches the `group` cell, read as `userGroup2IdentifierType` says.",
    fix: 'Check the cell and `userGroup2IdentifierType`; a group the org lacks is added with `org load`.',
  },
  NOT_GROUP_MEMBER: {
    cause: "With `userGroup2Enabled`, the row names a customer as well as a group, and that customer is not a member of the group.",
    fix: 'Correct the customer or the group cell, or leave the customer cell empty to credit the group alone.',
  },
  STORE_NOT_FOUND: {
    cause:
      'The store cell matches no store of the org: no store code (Trackers), no till code or store code (Customer Promotion), or no store external id when `storesByExternalId` is set; and the template has no `replaceInvalidStoreWith`.',
    fix: 'Correct the cell; set `storesByExternalId` when the column holds external ids; or set `replaceInvalidStoreWith` to a store code to use for values that match nothing.',
  },
  TRANSACTION_NOT_FOUND: {
    cause:
      "Trackers: no transaction of the org matches the row. With `billIdentification` `LOYALTY_LOG_ID`, no transaction has that loyalty log id; with `STANDARD_FIELDS`, none has that bill number at that store on that day (the org's local date of the transaction date).",
    fix: 'Check the bill number, store and date (or the loyalty log id). A transaction the org lacks is added with `org load`; the import never creates transactions.',
  },
  AMBIGUOUS_TRANSACTION: {
    cause: "Trackers with `billIdentification` `STANDARD_FIELDS`: more than one transaction of the row's customer (or group) has that bill number at that store on that day. The message lists their loyalty log ids.",
    fix: 'Set `billIdentification` to `LOYALTY_LOG_ID` and give the file a loyalty log id column, which names one transaction.',
  },
  TRANSACTION_CUSTOMER_MISMATCH: {
    cause: "Trackers: the transaction the row names belongs to another customer than the row's (or, with `userGroup2Enabled`, to another group or to no group).",
    fix: "Check the customer (or group) cell against the bill: a tracker value is only recorded for the transaction's own customer or group.",
  },
  LINE_ITEM_NOT_FOUND: {
    cause: 'Trackers with a `LINEITEM` tracker: the row\'s `itemId` is not a line item of the transaction it names.',
    fix: 'Correct the item id, or the bill the row names.',
  },
  OUTSIDE_TRACKER_WINDOW: {
    cause: "Trackers: the transaction's local date is outside the tracker's window (`windowStart` to `windowEnd`, inclusive). A tracker only reflects transactions inside its window.",
    fix: 'Nothing to correct in the cell: the row cannot be recorded by this tracker. Remove it, or import it into a tracker whose window holds the date.',
  },
  ALREADY_TRACKED: {
    cause: 'Trackers: the tracker already has a value for this transaction (and line item), recorded by an earlier job that the message names. An import never changes a recorded value.',
    fix: 'Nothing, if the value recorded is right (see `tracker-values`). The row was imported before: this is how a file imported twice stays imported once.',
  },
  DUPLICATE_IN_FILE: {
    cause: 'Trackers: an earlier row of the same file is for the same tracker, transaction (and line item). The first row stands.',
    fix: 'Remove the repeated row, or put the value you mean in the first one before importing the file.',
  },
} satisfies Record<FileErrorCode | RowErrorCode, Explanation>;

export const APP_ERROR_EXPLANATIONS = {
  INVALID_REQUEST: {
    cause:
      'The command line or request is wrong: an unknown command or flag, a missing argument or option, a value of the wrong form (`--customer abc`), a request body that breaks its schema (`details` lists each field); a job id prefix shorter than 8 characters or shared by several jobs; and a file-level code met outside a job (`details.fileErrorCode`).',
    fix: 'Correct the command or request as the message says; `loyalty-import COMMAND --help` lists the flags.',
  },
  INVALID_JSON: {
    cause: 'A JSON file or body that is not JSON (the message gives the parser\'s words and position), or too large to be a template.',
    fix: 'Correct the JSON; a template or reference-data file is one JSON object.',
  },
  FILE_NOT_READABLE: {
    cause: 'A file named on the command line does not exist, is a folder, or cannot be read; no job is made.',
    fix: 'Check the path and its permissions.',
  },
  UNAUTHORIZED: {
    cause: 'HTTP: no `Authorization: Bearer KEY` header, or a key that is wrong or revoked.',
    fix: 'Send the admin key (`LOYALTY_ADMIN_KEY`) or a valid org key.',
  },
  NOT_FOUND: {
    cause: "No such org, template, file, job or tracker; or one of another org than the key's (or than `--org`), which answers exactly as a missing one does.",
    fix: 'Check the id or name (`template list`, `job list`); a job id may be shortened to a unique prefix of 8 or more characters.',
  },
  JOB_CONFLICT: {
    cause:
      'The job is held by another live process (a second `job resume` of a running job); is in a state that does not allow what was asked (cancelling a job that has ended); or an interrupted import cannot go on until something is put right (its template no longer fits the org, its copy of the file changed).',
    fix: 'Let the other process finish, or stop it with `job cancel`; put right what the message names and run `job resume`; see the job with `job show`.',
  },
  FILE_TOO_LARGE: {
    cause: 'An upload larger than the largest file accepted (`LOYALTY_MAX_FILE_MB`).',
    fix: 'Split the file, or raise `LOYALTY_MAX_FILE_MB` where the importer runs.',
  },
  INVALID_TEMPLATE: {
    cause: "A template refused when it is saved: the same checks as the file-level `INVALID_TEMPLATE`. The message names the key.",
    fix: 'Correct the key the message names and save again.',
  },
  INVALID_REFERENCE_DATA: {
    cause:
      'A reference-data file (`org load`) that breaks a rule: a key of the wrong form, a duplicate (a mobile, an email, a store code twice), a reference to something the org does not have (a transaction of an unknown customer or store), a member in two groups. The message names the entry (`customers[3] (userId 1004).mobile`). Nothing of the file is loaded.',
    fix: 'Correct the entry the message names and load the file again.',
  },
  JOB_INTERRUPTED: {
    cause: 'The job stopped before its end: its thread failed, or the store went away while it ran. What it committed is kept; the job is `INTERRUPTED`.',
    fix: 'Resume it with `loyalty-import job resume JOB_ID` (the message gives the command): every row is imported exactly once.',
  },
  STORE_UNAVAILABLE: {
    cause:
      'The store cannot be reached: the PostgreSQL server is down or refuses the connection, the SQLite file that `--db` (or `LOYALTY_DB`, or `./loyalty.db`) names does not exist (only `org load` and `demo` make one), or the SQLite file was removed or replaced while a job ran.',
    fix: 'Check `--db` or `LOYALTY_DB` (a typo names a store that is not there) and the database server, then run the command again (or resume the job).',
  },
  INTERNAL: {
    cause: 'Anything else: a defect in the importer. The message says what happened.',
    fix: 'Run the command again with `LOYALTY_DEBUG=1` for a stack trace, and report it with the message.',
  },
  FORBIDDEN: {
    cause: 'HTTP: an org key asking for what only the admin key may do (making or revoking org keys, creating an org).',
    fix: 'Use the admin key (`LOYALTY_ADMIN_KEY`) for it.',
  },
} satisfies Record<AppErrorCode, Explanation> & Partial<Record<AnnouncedAppErrorCode, Explanation>>;

export const JOB_STATUS_EXPLANATIONS = {
  QUEUED: 'Created, not started yet. A job waits here until a process runs it.',
  VALIDATING: 'Reading the file: checking it as a whole (encoding, quotes, `rowLimit`, the header and the mapping) and, for a dry run, validating its rows.',
  VALIDATED: 'A dry run ended: every row was validated and counted; nothing was written but the job and its error report. Ends here.',
  IMPORTING: 'Validating the rows and writing the valid ones, a chunk of rows at a time.',
  COMPLETED: 'Every row was imported. Ends here.',
  COMPLETED_WITH_ERRORS: 'Some rows were rejected (see the error report) and every other row was imported. Ends here.',
  FAILED: 'A file-level error (`fileError`): nothing was written. A job that has committed rows is never `FAILED`. Ends here.',
  CANCELLED: 'Stopped on request at a chunk boundary. What was committed stays, is counted as imported and is in the success report. Never resumed. Ends here.',
  INTERRUPTED:
    'The process running the job stopped before its end: a signal (Ctrl-C, SIGTERM, SIGHUP), a crash, a lost machine. What was committed stays; `job resume` finishes it. A job whose process died without a word is shown as `INTERRUPTED` once its heartbeat is 20 seconds old, at once on the machine it ran on; so is a `QUEUED` job whose process died just after taking it, before it started reading the file.',
} satisfies Record<JobStatus, string>;

/** How each field type reads a cell, and which code a cell that does not parse gets. */
export const FIELD_TYPE_EXPLANATIONS = {
  string: 'text',
  integer: 'positive whole number (`INVALID_NUMBER`)',
  decimal: 'decimal, negative allowed, at most 6 decimals (`INVALID_NUMBER`)',
  points: 'decimal greater than zero, at most 6 decimals (`INVALID_POINTS`)',
  datetime: 'date or date-time in `csv.dateFormat`, else ISO 8601 (`INVALID_DATE`)',
} satisfies Record<FieldType, string>;

type FieldKeys<F extends ReadonlyArray<{ key: string }>> = F[number]['key'];

/** When each field of each profile is mandatory, in words: each field declares it as data (`mandatory`, profiles/mandatory.ts), which `prepare` and GET /api/profiles read. */
export const FIELD_MANDATORY = {
  TRACKERS: {
    customer: 'yes, unless `userGroup2Enabled`; then optional, and a customer given must be a member of the row\'s group',
    group: 'when `userGroup2Enabled`; not read otherwise',
    billNumber: 'when `billIdentification` is `STANDARD_FIELDS`; not read otherwise',
    transactionDate: 'when `billIdentification` is `STANDARD_FIELDS`; not read otherwise',
    storeCode: 'when `billIdentification` is `STANDARD_FIELDS`; not read otherwise',
    loyaltyLogId: 'when `billIdentification` is `LOYALTY_LOG_ID`; not read otherwise',
    itemId: "when the tracker's type is `LINEITEM`; not read otherwise",
    trackedValue: 'yes',
  } satisfies Record<FieldKeys<typeof TRACKER_FIELDS>, string>,
  CUSTOMER_PROMOTION: {
    customer: 'yes, unless `userGroup2Enabled`; then optional, and a customer given must be a member of the row\'s group',
    group: 'when `userGroup2Enabled`; not read otherwise',
    storeCode: 'yes',
    points: 'yes',
  } satisfies Record<FieldKeys<typeof CUSTOMER_PROMOTION_FIELDS>, string>,
} satisfies Record<ProfileKey, Record<string, string>>;

/** The reference page of each profile, under docs/reference/. */
export const PROFILE_PAGES = {
  TRACKERS: 'trackers.md',
  CUSTOMER_PROMOTION: 'customer-promotion.md',
} satisfies Record<ProfileKey, string>;
