import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { FILE_PIECE_BYTES, type FileBytes } from '../file-bytes.js';
import type { Database } from '../schema.js';

/**
 * File bytes in the database, in pieces of 1 MiB (`file_pieces`): whatever machine a worker runs
 * on, it reads a job's file where it reads the job. A piece is one row written in a statement of
 * its own, so a large upload never holds a transaction open, and a read holds one piece at a time.
 */
export class DatabaseFileBytes implements FileBytes {
  constructor(private readonly db: Kysely<Database>) {}

  async write(id: string, source: AsyncIterable<Uint8Array>): Promise<string> {
    let seq = 0;
    let pending: Uint8Array[] = [];
    let size = 0;
    // An empty file is one empty piece: a file with no piece at all is a file not stored.
    const flush = async () => {
      if (size === 0 && seq > 0) return;
      await this.db.insertInto('file_pieces').values({ file_id: id, seq: seq++, data: Buffer.concat(pending, size) }).execute();
      pending = [];
      size = 0;
    };
    try {
      for await (const chunk of source) {
        pending.push(chunk);
        size += chunk.length;
        if (size >= FILE_PIECE_BYTES) await flush();
      }
      await flush();
    } catch (error) {
      await this.remove({ id }).catch(() => undefined);
      throw error;
    }
    return `postgres:file_pieces/${id}`;
  }

  async *read(file: { id: string; path: string }): AsyncIterable<Uint8Array> {
    for (let seq = 0; ; seq++) {
      const piece = await this.db.selectFrom('file_pieces').select('data').where('file_id', '=', file.id).where('seq', '=', seq).executeTakeFirst();
      if (piece) {
        yield piece.data;
        continue;
      }
      if (seq > 0) return;
      // A file stored in a folder before files moved into the database is read from there.
      if (file.path.startsWith('/') && fs.existsSync(file.path)) {
        yield* fs.createReadStream(file.path, { highWaterMark: FILE_PIECE_BYTES }) as AsyncIterable<Buffer>;
        return;
      }
      throw Object.assign(new Error(`The file ${file.id} is not in the store`), { code: 'ENOENT' });
    }
  }

  async remove(file: { id: string; path?: string }): Promise<void> {
    await this.db.deleteFrom('file_pieces').where('file_id', '=', file.id).execute();
    if (file.path?.startsWith('/')) fs.rmSync(file.path, { force: true });
  }
}
