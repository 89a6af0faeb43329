import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';

const READ_CHUNK = 1 << 20;

/** The bytes of a job's file, read in 1 MiB chunks; `hash`, when given, sees every byte. */
export async function* fileBytes(path: string, hash?: Hash): AsyncGenerator<Uint8Array> {
  const stream = fs.createReadStream(path, { highWaterMark: READ_CHUNK });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash?.update(chunk);
    yield chunk;
  }
}

/** A SHA-256 hash to feed to `fileBytes`. */
export function sha256(): Hash {
  return createHash('sha256');
}
