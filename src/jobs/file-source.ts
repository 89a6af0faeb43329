import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import type { JobRecord } from '../domain/jobs.js';
import type { Store } from '../store/port.js';

const READ_CHUNK = 1 << 20;

/** The bytes of a file on disk, read in 1 MiB chunks; `hash`, when given, sees every byte. */
export function fileBytes(path: string, hash?: Hash): AsyncIterable<Uint8Array> {
  return hashed(fs.createReadStream(path, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>, hash);
}

/**
 * The bytes of a job's file: its copy in the store's file storage, or, for a job made before
 * jobs had copies, the file at its path. `hash`, when given, sees every byte.
 */
export function jobFileBytes(store: Store, job: Pick<JobRecord, 'fileId' | 'filePath'>, hash?: Hash): AsyncIterable<Uint8Array> {
  return hashed(job.fileId ? store.fileBytes.read({ id: job.fileId, path: job.filePath }) : fileBytes(job.filePath), hash);
}

async function* hashed(source: AsyncIterable<Uint8Array>, hash: Hash | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    hash?.update(chunk);
    yield chunk;
  }
}

/** A SHA-256 hash to feed to `fileBytes`. */
export function sha256(): Hash {
  return createHash('sha256');
}
