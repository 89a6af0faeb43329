import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Where the bytes of the store's files (uploads, jobs' copies) live: in a folder beside a SQLite
 * file, in the database itself for PostgreSQL, so that every process that reaches the database
 * (a worker on another machine) reaches the files too. `StoredFile` records describe them.
 */
export interface FileBytes {
  /**
   * Writes a new file's bytes and returns its location (a path, or where in the database). A
   * failure in `source` leaves nothing behind and is thrown as it is.
   */
  write(id: string, source: AsyncIterable<Uint8Array>): Promise<string>;
  /** The file's bytes, in pieces of up to 1 MiB; an error with code `ENOENT` when it is not stored. */
  read(file: { id: string; path: string }): AsyncIterable<Uint8Array>;
  /** Removes the file's bytes; removing a file that is not there is not an error. */
  remove(file: { id: string; path: string }): Promise<void>;
}

/** Pieces the files are read in. */
export const FILE_PIECE_BYTES = 1 << 20;

/** File bytes in a folder, one file per stored file. */
export class FolderFileBytes implements FileBytes {
  constructor(readonly dir: string) {}

  async write(id: string, source: AsyncIterable<Uint8Array>): Promise<string> {
    fs.mkdirSync(this.dir, { recursive: true });
    const target = path.join(this.dir, `${id}.csv`);
    try {
      await pipeline(source, fs.createWriteStream(target, { flags: 'wx' }));
    } catch (error) {
      fs.rmSync(target, { force: true });
      throw error;
    }
    return target;
  }

  async *read(file: { path: string }): AsyncIterable<Uint8Array> {
    yield* fs.createReadStream(file.path, { highWaterMark: FILE_PIECE_BYTES }) as AsyncIterable<Buffer>;
  }

  async remove(file: { path: string }): Promise<void> {
    fs.rmSync(file.path, { force: true });
  }
}
