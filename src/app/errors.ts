import { FILE_ERROR_CODES, FileError, type FileErrorCode } from '../core/error-codes.js';

/**
 * The errors a use case answers with, declared once: each code with the exit code the command
 * line gives it and the HTTP status the API answers with. The command line and the server map
 * every failure through `toAppError`, so neither holds a table of its own.
 *
 * A job's own outcome (a FAILED job with its `fileError`) is not an error: the job is there.
 */
export const APP_ERRORS = {
  /** A malformed request or command line: a missing or wrong argument, an unknown flag. */
  INVALID_REQUEST: { exit: 2, http: 400 },
  /** A JSON file or body that is not JSON, or too large to be a template. */
  INVALID_JSON: { exit: 1, http: 400 },
  /** A file named on the command line that cannot be read. */
  FILE_NOT_READABLE: { exit: 1, http: 400 },
  /** No key, or a key that is wrong or revoked. */
  UNAUTHORIZED: { exit: 1, http: 401 },
  /** An org key asking for what only the admin key may do (org keys, a new org). */
  FORBIDDEN: { exit: 1, http: 403 },
  /** No such org, template, file, job or tracker, or one of another org. */
  NOT_FOUND: { exit: 1, http: 404 },
  /** The job is running elsewhere, or in a state that does not allow what was asked. */
  JOB_CONFLICT: { exit: 1, http: 409 },
  /** The file is larger than the largest file accepted. */
  FILE_TOO_LARGE: { exit: 1, http: 413 },
  /** A template that the org's data refuses. */
  INVALID_TEMPLATE: { exit: 1, http: 422 },
  /** A reference-data file that breaks a rule. */
  INVALID_REFERENCE_DATA: { exit: 1, http: 422 },
  /** A job stopped before its end (a signal, a lost store); what it committed is kept. */
  JOB_INTERRUPTED: { exit: 1, http: 500 },
  /** The store cannot be reached, or was removed while a job ran. */
  STORE_UNAVAILABLE: { exit: 1, http: 503 },
  /** Anything else: a defect. The message says what happened; the trace goes to the log. */
  INTERNAL: { exit: 1, http: 500 },
} as const satisfies Record<string, { exit: 1 | 2; http: number }>;

export type AppErrorCode = keyof typeof APP_ERRORS;

/** A use case's refusal: a code of `APP_ERRORS`, a message for people, and optional details. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get exitCode(): 1 | 2 {
    return APP_ERRORS[this.code].exit;
  }

  get httpStatus(): number {
    return APP_ERRORS[this.code].http;
  }
}

/** A file-level code that is also an application error (the job cannot even be made). */
function appCodeOfFileError(code: FileErrorCode): AppErrorCode {
  switch (code) {
    case 'FILE_TOO_LARGE':
    case 'INVALID_TEMPLATE':
      return code;
    case 'EMPTY_FILE':
    case 'MISSING_COLUMN':
    case 'MALFORMED_CSV':
    case 'ROW_LIMIT_EXCEEDED':
    case 'DUPLICATE_FILE':
    case 'PROMOTION_NAME_MISMATCH':
    case 'DUPLICATE_COLUMN':
      return 'INVALID_REQUEST';
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): AppErrorCode {
  throw new Error(`unhandled file error code ${String(code)}`);
}

/**
 * Any thrown value as an AppError. Errors of the layers below carry their kind in their `name`
 * (so that they survive a worker thread's message), which is what this reads.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof FileError && (FILE_ERROR_CODES as readonly string[]).includes(error.code)) {
    return new AppError(appCodeOfFileError(error.code), error.message, { fileErrorCode: error.code });
  }
  const e = error instanceof Error ? error : new Error(String(error));
  switch (e.name) {
    case 'ReferenceDataError':
      return new AppError('INVALID_REFERENCE_DATA', e.message);
    case 'JobRequestError':
      return new AppError('JOB_CONFLICT', e.message);
    case 'JobNotFoundError':
      return new AppError('NOT_FOUND', e.message);
    case 'FileReadError':
      return new AppError('FILE_NOT_READABLE', e.message);
    case 'JobConflictError':
      return new AppError('JOB_CONFLICT', e.message);
    case 'JobStoppedError':
      return new AppError('JOB_INTERRUPTED', e.message);
    case 'StoreLostError':
    case 'StoreMissingError':
    case 'StoreUnreachableError':
      return new AppError('STORE_UNAVAILABLE', e.message);
    default:
      return new AppError('INTERNAL', e.message);
  }
}
