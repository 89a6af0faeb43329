import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FileError } from '../core/error-codes.js';
import type { Store } from '../store/port.js';

/**
 * Stand-in for the engine's file store, with the same contract, until it lands on main: an
 * uploaded file streamed to disk, hashed on the way, never held whole in memory.
 */

export interface StoredFile {
  id: string;
  orgId: string;
  name: string;
  bytes: number;
  sha256: string;
  createdAt: string;
  /** Where the bytes are. */
  path: string;
}

export interface FileStorage {
  put(orgId: string, name: string, source: AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<StoredFile>;
  get(orgId: string, fileId: string): Promise<StoredFile | null>;
}

/** The file store beside a store location. */
export function filesFor(_store: Store, location: string): FileStorage {
  const root = /^postgres(ql)?:\/\//.test(location) ? path.resolve('loyalty-files') : `${path.resolve(location)}.files`;
  return {
    async put(orgId, name, source, { maxBytes }) {
      fs.mkdirSync(root, { recursive: true });
      const id = randomUUID();
      const file = path.join(root, id);
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        await pipeline(
          source,
          async function* (chunks: AsyncIterable<Uint8Array>) {
            for await (const chunk of chunks) {
              bytes += chunk.byteLength;
              if (bytes > maxBytes) throw new FileError('FILE_TOO_LARGE', `The file is larger than ${maxBytes} bytes, the largest accepted; split it into smaller files`);
              hash.update(chunk);
              yield chunk;
            }
          },
          fs.createWriteStream(file),
        );
      } catch (error) {
        fs.rmSync(file, { force: true });
        throw error;
      }
      const stored: StoredFile = { id, orgId, name, bytes, sha256: hash.digest('hex'), createdAt: new Date().toISOString(), path: file };
      fs.writeFileSync(`${file}.json`, JSON.stringify(stored));
      return stored;
    },
    async get(orgId, fileId) {
      if (!/^[0-9a-f-]{36}$/.test(fileId)) return null;
      try {
        const stored = JSON.parse(fs.readFileSync(path.join(root, `${fileId}.json`), 'utf8')) as StoredFile;
        return stored.orgId === orgId ? stored : null;
      } catch {
        return null;
      }
    },
  };
}
