import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FileError } from '../core/error-codes.js';
import type { StoredFile } from '../domain/files.js';
import type { Store } from '../store/port.js';
import { sha256 } from './file-source.js';
import { envNumber } from '../core/env-number.js';

/**
 * The store's file storage: every job reads a copy of its file that the product keeps in the
 * store (`Store.fileBytes`: a folder beside a SQLite file, the database for PostgreSQL), taken
 * (and hashed) in one read. Whatever happens later to the path an
 * operator gave — appended, cut short, replaced, deleted — the job and its resumes read the file
 * as it was. An upload (the API) is such a copy from the start.
 */

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** How long an upload is kept for later jobs (a dry run, then its import) once no job reads it. */
export const UPLOAD_RETENTION_MS = envNumber('LOYALTY_UPLOAD_RETENTION_HOURS', 7 * 24) * 3_600_000;

/** The largest file a job accepts: `$LOYALTY_MAX_FILE_MB` megabytes, else 1 GiB. */
export function maxFileBytes(): number {
  return Math.floor(envNumber('LOYALTY_MAX_FILE_MB', DEFAULT_MAX_FILE_BYTES / 1024 / 1024) * 1024 * 1024);
}

/** Says a size for people. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Thrown when a file's bytes pass the limit; the partial copy is removed first. */
function tooLarge(limit: number): FileError {
  return new FileError('FILE_TOO_LARGE', `The file is larger than ${megabytes(limit)}, the largest file accepted; split it into smaller files`);
}

/**
 * Streams `source` into the store's file storage, hashing it on the way, and records it for
 * `orgId`. Past `maxBytes` it stops at once, removes what it wrote and throws FILE_TOO_LARGE:
 * the disk never holds more than the limit of a refused file.
 */
export async function storeFile(
  store: Store,
  orgId: string,
  name: string,
  source: AsyncIterable<Uint8Array>,
  options: { maxBytes?: number; origin: StoredFile['origin'] },
): Promise<StoredFile> {
  const limit = options.maxBytes ?? maxFileBytes();
  const id = randomUUID();
  const hash = sha256();
  let bytes = 0;
  const target = await store.fileBytes.write(
    id,
    (async function* () {
      for await (const chunk of source) {
        bytes += chunk.length;
        if (bytes > limit) throw tooLarge(limit);
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  const file: StoredFile = {
    id,
    orgId,
    name: path.basename(name) || 'file.csv',
    bytes,
    sha256: hash.digest('hex'),
    path: target,
    origin: options.origin,
    createdAt: new Date().toISOString(),
  };
  try {
    await store.addFile(file);
  } catch (error) {
    await store.fileBytes.remove(file);
    throw error;
  }
  return file;
}

/** A file the operator names on the command line, copied into the store for one job. */
export async function copyIntoStore(store: Store, orgId: string, filePath: string, maxBytes?: number): Promise<StoredFile> {
  let stream: fs.ReadStream;
  try {
    const stat = fs.statSync(filePath);
    if (!stat.isFile()) throw new Error('not a regular file');
    const limit = maxBytes ?? maxFileBytes();
    // Refused before a byte is copied when the size already says so.
    if (stat.size > limit) throw tooLarge(limit);
    stream = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileReadError(filePath, error);
  }
  try {
    return await storeFile(store, orgId, filePath, stream as AsyncIterable<Uint8Array>, { maxBytes, origin: 'job' });
  } catch (error) {
    if (error instanceof FileError) throw error;
    if (isFsError(error) && error.path === filePath) throw new FileReadError(filePath, error);
    throw error;
  }
}

/** Removes a job's copy of its file once the job has ended; uploads stay for later jobs. */
export async function releaseJobFile(store: Store, orgId: string, fileId: string | null): Promise<void> {
  if (!fileId) return;
  const file = await store.getFile(orgId, fileId);
  if (file?.origin !== 'job') return;
  await store.fileBytes.remove(file);
  await store.deleteFile(file.id);
}

/** Removes uploads older than the retention that no unfinished job reads. Returns how many. */
export async function sweepExpiredFiles(store: Store, now = Date.now()): Promise<number> {
  const expired = await store.expiredFiles(new Date(now - UPLOAD_RETENTION_MS).toISOString());
  for (const file of expired) {
    await store.fileBytes.remove(file);
    await store.deleteFile(file.id);
  }
  return expired.length;
}

/** The operator's file cannot be read (missing, a folder, no permission, an I/O error). */
export class FileReadError extends Error {
  constructor(filePath: string, cause: unknown) {
    const reason = isFsError(cause) ? (cause.code ?? cause.message) : cause instanceof Error ? cause.message : String(cause);
    super(`Cannot read the file "${filePath}" (${describeFsCode(reason)}); check the path and its permissions`);
    this.name = 'FileReadError';
  }
}

function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

const FS_CODES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  EIO: 'the disk could not be read',
};

function describeFsCode(code: string): string {
  return FS_CODES[code] ?? code;
}
