import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app/errors.js';
import { findJob } from '../src/app/jobs-lookup.js';
import type { NewJob } from '../src/domain/jobs.js';
import type { Store } from '../src/store/port.js';
import { tempStoreForEachTest } from './helpers.js';

/**
 * Naming a job (spec: cli.md, `job show`): by its id, or by the first 8 or more characters of
 * it when no other job's id begins with them; with an org, a job of another org is answered as
 * one that does not exist. On both stores (`TEST_STORE=postgres`).
 */

let store: Store;
tempStoreForEachTest((t) => {
  store = t.store;
});

function newJob(id: string, orgId = 'acme'): NewJob {
  return {
    id,
    orgId,
    templateId: 'template-1',
    templateVersion: 1,
    profile: 'TRACKERS',
    dryRun: false,
    allowDuplicate: false,
    filePath: '/data/import.csv',
    fileName: 'import.csv',
    fileSize: 10,
    createdAt: '2025-03-01T10:00:00.000Z',
  };
}

const A = '0029b329-5d1e-4c1a-9a57-1f1d2b3c4d5e';
const B = '0029b329-77aa-4c1a-9a57-1f1d2b3c4d5e';
const C = '7f00a1b2-1111-4c1a-9a57-1f1d2b3c4d5e';

async function refusal(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('the job was found; it should have been refused');
}

describe('findJob', () => {
  it('finds a job by its id, or by a unique beginning of 8 or more characters, in either case', async () => {
    for (const id of [A, B, C]) await store.createJob(newJob(id));
    expect((await findJob(store, C)).id).toBe(C);
    expect((await findJob(store, '7f00a1b2')).id).toBe(C);
    expect((await findJob(store, '7F00A1B2-11')).id).toBe(C);
    expect((await findJob(store, '0029b329-5d')).id).toBe(A);
  });

  it('refuses a beginning shared by several jobs, naming them', async () => {
    for (const id of [A, B, C]) await store.createJob(newJob(id));
    const error = await refusal(findJob(store, '0029b329'));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain(A);
    expect(error.message).toContain(B);
    expect(error.message).not.toContain(C);
  });

  it('refuses fewer than 8 characters, even when they name one job', async () => {
    await store.createJob(newJob(C));
    const error = await refusal(findJob(store, '7f00a1b'));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('at least 8 characters');
  });

  it("answers a job of another org exactly as a job that does not exist, by id or by prefix", async () => {
    await store.createJob(newJob(A, 'globex'));
    await store.createJob(newJob(B, 'acme'));
    const missing = await refusal(findJob(store, C, 'acme'));
    const other = await refusal(findJob(store, A, 'acme'));
    expect([missing.code, other.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(other.message).toBe(missing.message.replace(C, A));
    // The other org's job neither matches the prefix nor makes it ambiguous.
    expect((await findJob(store, '0029b329', 'acme')).id).toBe(B);
    expect((await findJob(store, '0029b329', 'globex')).id).toBe(A);
    expect((await refusal(findJob(store, '0029b329-5d', 'acme'))).code).toBe('NOT_FOUND');
  });

  it('takes a prefix literally: LIKE wildcards match nothing', async () => {
    await store.createJob(newJob(A));
    expect((await refusal(findJob(store, '0029b32%'))).code).toBe('NOT_FOUND');
    expect((await refusal(findJob(store, '0029b32_'))).code).toBe('NOT_FOUND');
  });
});
