import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeFile, sweepExpiredFiles, UPLOAD_RETENTION_MS } from '../src/jobs/files.js';
import { createJob } from '../src/jobs/runner.js';
import type { StoredFile } from '../src/domain/files.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { loadOrg, tempStore } from './helpers.js';

/**
 * The store's file storage (a folder beside a SQLite file, the database for PostgreSQL): uploads
 * kept for later jobs, and removed once expired and unused.
 */

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

describe('uploads in the file storage', () => {
  let store: Store;
  let dir: string;
  /** A stored file's bytes as text, read back from the store's file storage. */
  const contents = async (file: StoredFile) => {
    const pieces: Uint8Array[] = [];
    for await (const piece of store.fileBytes.read(file)) pieces.push(piece);
    return Buffer.concat(pieces).toString('utf8');
  };
  beforeEach(async () => {
    ({ store, dir } = await tempStore());
    await loadOrg(store);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps uploads until they expire, then removes those that no unfinished job reads', async () => {
    const csv = 'Mobile,Bill No,Date,Store,Value\n919876543210,B-1,2025-03-01,S001,1\n';
    const unused = await storeFile(store, 'acme', 'unused.csv', bytes(csv), { origin: 'upload' });
    const read = await storeFile(store, 'acme', 'read.csv', bytes(csv), { origin: 'upload' });
    expect(await contents(unused)).toBe(csv);
    const saved = await saveTemplate({ org: 'acme', name: 'T', profile: 'TRACKERS', mapping: { customer: 'Mobile', trackedValue: 'Value' }, config: { tracker: 'Spend 2025' } }, store);
    await createJob(store, { orgId: 'acme', template: saved.id, fileId: read.id });

    const created = Math.min(Date.parse(unused.createdAt), Date.parse(read.createdAt));
    expect(await sweepExpiredFiles(store, created + UPLOAD_RETENTION_MS - 1)).toBe(0);
    expect(await store.getFile('acme', unused.id)).not.toBeNull();

    const expired = Math.max(Date.parse(unused.createdAt), Date.parse(read.createdAt)) + UPLOAD_RETENTION_MS + 1;
    expect(await sweepExpiredFiles(store, expired)).toBe(1);
    expect(await store.getFile('acme', unused.id)).toBeNull();
    await expect(contents(unused)).rejects.toMatchObject({ code: 'ENOENT' });
    // A queued job reads the other: it stays.
    expect(await store.getFile('acme', read.id)).not.toBeNull();
    expect(await contents(read)).toBe(csv);
  });

  it('keeps an empty file apart from a missing one', async () => {
    const empty = await storeFile(store, 'acme', 'empty.csv', bytes(''), { origin: 'upload' });
    expect(await contents(empty)).toBe('');
    await store.fileBytes.remove(empty);
    await expect(contents(empty)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
