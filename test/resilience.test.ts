import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeErrorReport, writeSuccessReport } from '../src/jobs/reports.js';
import { createJob, JobRequestError, type RunOptions, runJob } from '../src/jobs/runner.js';
import { loadReferenceData, type ReferenceDataFile } from '../src/org/reference-data.js';
import type { JobRecord, Rejection } from '../src/domain/jobs.js';
import { type StoredLedgerEntry, ledger } from '../src/profiles/customer-promotion/ledger.js';
import { type StoredTrackerValue, trackerValuesOfJob } from '../src/profiles/trackers/tracker-values.js';
import type { ChunkCommit, Store } from '../src/store/port.js';
import { ReferenceDataError } from '../src/store/reference-data-error.js';
import { saveTemplate } from '../src/templates/service.js';
import { acmeOrg, allOf, allTrackerValues, type CliRun, cliJson as json, codes, ensureBuilt, loadOrg, runCli, type StorePlace, tempDir, tempPlace, tempStore, trackerValuesOf } from './helpers.js';

/**
 * What a job does when things go wrong around it (spec: jobs.md, "Job"; design.md, "A job" and
 * "Exactly once"): an interrupted import that meets a file-level problem when it resumes stays
 * resumable; a resume reads the very file it started with; the duplicate-file guard counts an
 * interrupted import and is atomic; an interrupted dry run starts again; a report that cannot
 * be written says where; `org load` checks a transaction's group; a promotion's program governs
 * its points; the command line's error documents (cli.md).
 */

const HEADER = 'Mobile,Bill No,Date,Store,Value';
const TEMPLATE = { org: 'acme', name: 'Spend tracker', profile: 'TRACKERS', mapping: { customer: 'Mobile', trackedValue: 'Value' }, config: { tracker: 'Spend 2025' } };

/** acmeOrg with bills B-10 … B-17 of customer 1003 (mobile 919876543212) at store S002. */
function org(extra: Partial<ReferenceDataFile> = {}): ReferenceDataFile {
  const base = acmeOrg();
  const bills = Array.from({ length: 8 }, (_, i) => ({
    loyaltyLogId: 90010 + i,
    billNumber: `B-1${i}`,
    date: '2025-03-05T10:00:00',
    storeCode: 'S002',
    userId: 1003,
    groupId: null,
    amount: '100.00',
    lineItems: [],
  }));
  return acmeOrg({ transactions: [...base.transactions!, ...bills], ...extra });
}

/** org() with tracker 11 renamed: a template naming "Spend 2025" no longer fits it. */
function orgWithTrackerRenamed(): ReferenceDataFile {
  const base = org();
  return { ...base, trackers: base.trackers!.map((t) => (t.id === 11 ? { ...t, name: 'Spend 2025 (renamed)' } : t)) };
}

const FILE = [
  HEADER, // 1
  '919876543212,B-10,2025-03-05,S002,10', // 2 valid
  '919876543212,B-11,2025-03-05,S099,11', // 3 STORE_NOT_FOUND
  '919876543212,B-12,2025-03-05,S002,12', // 4 valid
  '919876543212,B-10,2025-03-05,S002,99', // 5 DUPLICATE_IN_FILE (row 2 stands)
  '919876543212,B-13,2025-03-05,S002,13', // 6 valid
  '919999999999,B-14,2025-03-05,S002,1', // 7 CUSTOMER_NOT_FOUND
  '919876543212,B-14,2025-03-05,S002,14', // 8 valid
  '919876543212,B-15,2025-03-05,S002,15', // 9 valid
  '919876543212,B-16,2025-03-05,S002,16', // 10 valid
  '919876543212,B-12,2025-03-05,S002,98', // 11 DUPLICATE_IN_FILE (row 4 stands, before the checkpoint)
  '919876543212,B-17,2025-03-05,S002,17', // 12 valid
].join('\n');

const FILE_CODES: Array<[number, string, string | null]> = [
  [3, 'STORE_NOT_FOUND', 'storeCode'],
  [5, 'DUPLICATE_IN_FILE', 'billNumber'],
  [7, 'CUSTOMER_NOT_FOUND', 'customer'],
  [11, 'DUPLICATE_IN_FILE', 'billNumber'],
];
const FILE_COUNTS = { total: 11, valid: 7, rejected: 4, imported: 7, errorCounts: { STORE_NOT_FOUND: 1, DUPLICATE_IN_FILE: 2, CUSTOMER_NOT_FOUND: 1 } };
const FILE_VALUES: Array<[number, number, string]> = [
  [2, 90010, '10'],
  [4, 90012, '12'],
  [6, 90013, '13'],
  [8, 90014, '14'],
  [9, 90015, '15'],
  [10, 90016, '16'],
  [12, 90017, '17'],
];

/** With chunks of 2 rows, two commits cover rows 2–5. */
const CHUNK: RunOptions = { chunkRows: 2 };
const CHECKPOINT_AFTER_TWO = 5;

const dirs: string[] = [];
const stores: Store[] = [];

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh store in a place of its own, loaded with `data`. */
async function freshStore(data: ReferenceDataFile = org()): Promise<{ store: Store; place: StorePlace; dir: string }> {
  const t = await tempStore();
  dirs.push(t.dir);
  stores.push(t.store);
  await loadOrg(t.store, data);
  return t;
}

function writeCsv(content: string, name = 'spend.csv'): string {
  const d = tempDir();
  dirs.push(d);
  const file = path.join(d, name);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * Runs a job through a store whose commitChunk fails after `commits` calls, as if the process
 * died there: what the earlier chunks committed stays, nothing after it is written.
 */
async function interrupt(store: Store, jobId: string, commits: number, options: RunOptions = CHUNK): Promise<JobRecord> {
  const dying = Object.create(store) as Store;
  let calls = 0;
  dying.commitChunk = async (commit: ChunkCommit) => {
    calls += 1;
    if (calls > commits) throw new Error('the process died here');
    return store.commitChunk(commit);
  };
  await expect(runJob(dying, jobId, options)).rejects.toThrow('the process died here');
  return (await store.getJob(jobId))!;
}

async function rejectionsOf(store: Store, jobId: string): Promise<Rejection[]> {
  const out: Rejection[] = [];
  for await (const page of store.rejections(jobId)) out.push(...page);
  return out;
}

async function valuesOf(store: Store, jobId: string): Promise<StoredTrackerValue[]> {
  const out: StoredTrackerValue[] = [];
  for await (const page of trackerValuesOfJob(store, jobId)) out.push(...page);
  return out;
}

/** How many tracker values each row number of the job has, read whole (see `trackerValuesOf`). */
async function valuesPerRow(store: Store, jobId: string): Promise<Array<[number, number]>> {
  const perRow = new Map<number, number>();
  for (const v of await trackerValuesOf(store, 'acme', jobId)) perRow.set(v.rowNumber, (perRow.get(v.rowNumber) ?? 0) + 1);
  return [...perRow];
}

/** How many tracker values and rejections the store holds for a job. */
async function writtenBy(store: Store, jobId: string): Promise<{ values: number; rejections: number }> {
  return { values: (await trackerValuesOf(store, 'acme', jobId)).length, rejections: (await allOf(store.rejections(jobId))).length };
}

/** The error a promise rejects with. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The same file imported without interruption into a fresh database. */
async function uninterrupted(options: { dryRun?: boolean } = {}): Promise<{ job: JobRecord; rejections: Rejection[]; values: Array<[number, number, string]> }> {
  const { store } = await freshStore();
  const saved = await saveTemplate(TEMPLATE, store);
  const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE), dryRun: options.dryRun });
  const job = await runJob(store, created.id, CHUNK);
  return { job, rejections: await rejectionsOf(store, job.id), values: (await valuesOf(store, job.id)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value]) };
}

afterEach(async () => {
  while (stores.length) await stores.pop()!.close();
});

describe('resuming an interrupted import that meets a file-level problem', () => {
  it('leaves the job INTERRUPTED with what it committed, names the job, the code and `job resume`, then resumes once the org fits again', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE) });
    const stopped = await interrupt(store, created.id, 2);
    expect(stopped.status).toBe('INTERRUPTED');
    expect(stopped.checkpointRow).toBe(CHECKPOINT_AFTER_TWO);
    expect(stopped.counts).toEqual({ total: 4, valid: 2, rejected: 2, imported: 2, errorCounts: { STORE_NOT_FOUND: 1, DUPLICATE_IN_FILE: 1 } });

    // The org changes under the job: its template no longer fits.
    await loadReferenceData(orgWithTrackerRenamed(), store);
    const error = await rejectionOf(runJob(store, created.id, CHUNK));
    expect(error).toBeInstanceOf(JobRequestError);
    expect(error.message).toMatch(new RegExp(escapeRegExp(created.id)));
    expect(error.message).toMatch(/INVALID_TEMPLATE/);
    expect(error.message).toMatch(/Spend 2025/);
    expect(error.message).toMatch(new RegExp(`job resume ${escapeRegExp(created.id)}`));

    const kept = (await store.getJob(created.id))!;
    expect(kept.status).toBe('INTERRUPTED');
    expect(kept.fileError).toBeNull();
    expect(kept.finishedAt).toBeNull();
    expect(kept.checkpointRow).toBe(CHECKPOINT_AFTER_TWO);
    expect(kept.counts).toEqual(stopped.counts);
    expect((await valuesOf(store, created.id)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual([
      [2, 90010, '10'],
      [4, 90012, '12'],
    ]);
    expect(codes(await rejectionsOf(store, created.id))).toEqual(FILE_CODES.slice(0, 2));

    // Put right: the original org again; the resume finishes the file.
    await loadReferenceData(org(), store);
    const done = await runJob(store, created.id, CHUNK);
    expect(done.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.fileError).toBeNull();
    expect(done.startedAt).toBe(stopped.startedAt);
    expect(done.checkpointRow).toBe(12);
    expect(done.counts).toEqual(FILE_COUNTS);
    expect(await valuesPerRow(store, created.id)).toEqual(FILE_VALUES.map(([row]) => [row, 1]));
    expect((await valuesOf(store, created.id)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual(FILE_VALUES);
    expect(codes(await rejectionsOf(store, created.id))).toEqual(FILE_CODES);

    const reference = await uninterrupted();
    expect(reference.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.counts).toEqual(reference.job.counts);
    expect((await valuesOf(store, created.id)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual(reference.values);
    expect(await rejectionsOf(store, created.id)).toEqual(reference.rejections);
  });

  it('keeps an interrupted import INTERRUPTED, with its counts, however many times its resume is refused', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE) });
    await interrupt(store, created.id, 1);
    await loadReferenceData(orgWithTrackerRenamed(), store);
    const again = await rejectionOf(runJob(store, created.id, CHUNK));
    expect(again).toBeInstanceOf(JobRequestError);
    // A second failed resume changes nothing either.
    const twice = await rejectionOf(runJob(store, created.id, CHUNK));
    expect(twice.message).toMatch(/INVALID_TEMPLATE/);
    const kept = (await store.getJob(created.id))!;
    expect(kept.status).toBe('INTERRUPTED');
    expect(kept.checkpointRow).toBe(3);
    expect(kept.counts).toEqual({ total: 2, valid: 1, rejected: 1, imported: 1, errorCounts: { STORE_NOT_FOUND: 1 } });
  });
  it('keeps an interrupted import INTERRUPTED when its resume meets FILE_TOO_LARGE, and finishes it under the usual limit', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE) });
    const stopped = await interrupt(store, created.id, 2);
    const error = await rejectionOf(runJob(store, created.id, { ...CHUNK, maxFileBytes: 100 }));
    expect(error).toBeInstanceOf(JobRequestError);
    expect(error.message).toMatch(/FILE_TOO_LARGE/);
    expect(error.message).toMatch(new RegExp(`job resume ${escapeRegExp(created.id)}`));
    const kept = (await store.getJob(created.id))!;
    expect(kept.status).toBe('INTERRUPTED');
    expect(kept.fileError).toBeNull();
    expect(kept.counts).toEqual(stopped.counts);
    const done = await runJob(store, created.id, CHUNK);
    expect(done.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.counts).toEqual(FILE_COUNTS);
  });
});

describe('a job reads its own copy of its file', () => {
  it('resumes from its copy whatever happened to the path it was given: edited, then deleted', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const csv = writeCsv(FILE);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: csv });
    expect(created.filePath).not.toBe(csv);
    const stopped = await interrupt(store, created.id, 2);
    expect(stopped.status).toBe('INTERRUPTED');

    // Other content: the tail of the file edited, then the file removed.
    fs.writeFileSync(csv, FILE.replace('B-17,2025-03-05,S002,17', 'B-17,2025-03-05,S002,70'));
    fs.rmSync(csv);
    const done = await runJob(store, created.id, CHUNK);
    expect(done.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.counts).toEqual(FILE_COUNTS);
    expect(await valuesPerRow(store, created.id)).toEqual(FILE_VALUES.map(([row]) => [row, 1]));
    expect((await valuesOf(store, created.id)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual(FILE_VALUES);
    expect(codes(await rejectionsOf(store, created.id))).toEqual(FILE_CODES);
    // The copy goes when the job ends.
    expect(fs.existsSync(done.filePath)).toBe(false);
    expect(done.fileId).not.toBeNull();
    expect(await store.getFile('acme', done.fileId!)).toBeNull();
  });

  it('refuses a resume whose copy was tampered with, keeping the job INTERRUPTED, and resumes once the copy is back', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE) });
    const stopped = await interrupt(store, created.id, 2);
    // The job's copy, in the store's file storage (a folder, or the database), is rewritten.
    const copy = { id: stopped.fileId!, path: stopped.filePath };
    const pieces: Uint8Array[] = [];
    for await (const piece of store.fileBytes.read(copy)) pieces.push(piece);
    const original = Buffer.concat(pieces);
    const rewrite = async (bytes: Uint8Array) => {
      await store.fileBytes.remove(copy);
      await store.fileBytes.write(
        copy.id,
        (async function* () {
          yield bytes;
        })(),
      );
    };
    await rewrite(Buffer.from(FILE.replace('B-17,2025-03-05,S002,17', 'B-17,2025-03-05,S002,70')));
    const changed = await rejectionOf(runJob(store, created.id, CHUNK));
    expect(changed).toBeInstanceOf(JobRequestError);
    expect(changed.message).toMatch(/changed/);
    expect(changed.message).toMatch(new RegExp(`job resume ${escapeRegExp(created.id)}`));
    const kept = (await store.getJob(created.id))!;
    expect(kept.status).toBe('INTERRUPTED');
    expect(kept.counts).toEqual(stopped.counts);
    await rewrite(original);
    const done = await runJob(store, created.id, CHUNK);
    expect(done.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.counts).toEqual(FILE_COUNTS);
  });
});

describe('the duplicate-file guard', () => {
  it('refuses a new import of the content an interrupted import holds, naming it; allowDuplicate imports it', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const first = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE, 'monday.csv') });
    const stopped = await interrupt(store, first.id, 2);
    expect(stopped.status).toBe('INTERRUPTED');
    expect(stopped.fileSha256).toMatch(/^[0-9a-f]{64}$/);

    // The same content under another name.
    const second = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE, 'tuesday.csv') });
    const refused = await runJob(store, second.id, CHUNK);
    expect(refused.status).toBe('FAILED');
    expect(refused.fileError?.code).toBe('DUPLICATE_FILE');
    expect(refused.fileError?.message).toContain(first.id);
    expect(refused.fileError?.message).toContain('monday.csv');
    expect(refused.counts).toEqual({ total: 0, valid: 0, rejected: 0, imported: 0, errorCounts: {} });
    expect(await writtenBy(store, second.id)).toEqual({ values: 0, rejections: 0 });

    // The refused job does not stand in the way of the interrupted one.
    const resumed = await runJob(store, first.id, CHUNK);
    expect(resumed.status).toBe('COMPLETED_WITH_ERRORS');
    expect(resumed.counts).toEqual(FILE_COUNTS);

    const intended = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE, 'wednesday.csv'), allowDuplicate: true });
    const imported = await runJob(store, intended.id, CHUNK);
    expect(imported.status).toBe('COMPLETED_WITH_ERRORS');
    expect(imported.fileError).toBeNull();
    expect(imported.counts.total).toBe(11);
    // Every row whose bill was found is tracked by the first job already, its repeats included.
    expect(imported.counts.errorCounts).toEqual({ STORE_NOT_FOUND: 1, CUSTOMER_NOT_FOUND: 1, ALREADY_TRACKED: 9 });
  });

  it('refuses allowDuplicate beside an unfinished import of the same file, naming it and `job resume`; the first then finishes once', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const first = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE, 'monday.csv') });
    await interrupt(store, first.id, 2);

    const intended = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE, 'tuesday.csv'), allowDuplicate: true });
    const refused = await runJob(store, intended.id, CHUNK);
    expect(refused.status).toBe('FAILED');
    expect(refused.fileError?.code).toBe('DUPLICATE_FILE');
    expect(refused.fileError?.message).toContain(first.id);
    expect(refused.fileError?.message).toContain(`job resume ${first.id}`);
    expect(refused.fileError?.message).toContain(`job cancel ${first.id}`);
    expect(refused.fileError?.message).not.toMatch(/allow-duplicate/);
    expect((await writtenBy(store, intended.id)).values).toBe(0);

    const resumed = await runJob(store, first.id, CHUNK);
    expect(resumed.status).toBe('COMPLETED_WITH_ERRORS');
    expect(resumed.counts).toEqual(FILE_COUNTS);
    expect(await valuesPerRow(store, first.id)).toEqual(FILE_VALUES.map(([row]) => [row, 1]));
  });

  it('claimFile: the first import of a content gets it, the next gets the first job, a dry run always gets null, allowDuplicate once the first ended', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const file = writeCsv(FILE);
    const sha = 'a'.repeat(64);
    const a = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file });
    const b = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file });
    expect(a.status).toBe('QUEUED');
    expect(b.status).toBe('QUEUED');

    expect(await store.claimFile(a.id, sha)).toBeNull();
    expect((await store.getJob(a.id))!.fileSha256).toBe(sha);
    const holder = await store.claimFile(b.id, sha);
    expect(holder?.id).toBe(a.id);
    // The loser records nothing.
    expect((await store.getJob(b.id))!.fileSha256).toBeNull();
    // The winner claiming again (a resume) keeps it.
    expect(await store.claimFile(a.id, sha)).toBeNull();

    const dry1 = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file, dryRun: true });
    const dry2 = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file, dryRun: true });
    expect(await store.claimFile(dry1.id, sha)).toBeNull();
    expect(await store.claimFile(dry2.id, sha)).toBeNull();
    expect((await store.getJob(dry2.id))!.fileSha256).toBe(sha);

    // allowDuplicate is refused while the holder is unfinished, and gets the content once it ended.
    const allowed = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file, allowDuplicate: true });
    expect((await store.claimFile(allowed.id, sha))?.id).toBe(a.id);
    await store.updateJob(a.id, { status: 'COMPLETED' });
    expect(await store.claimFile(allowed.id, sha)).toBeNull();

    // Another content is free; a dry run of it does not hold it for an import.
    const other = 'b'.repeat(64);
    const dry3 = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file, dryRun: true });
    expect(await store.claimFile(dry3.id, other)).toBeNull();
    const c = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file });
    expect(await store.claimFile(c.id, other)).toBeNull();
    expect((await store.listJobs('acme')).filter((j) => j.fileSha256 === sha && !j.dryRun && !j.allowDuplicate).map((j) => j.id)).toEqual([a.id]);
  });

  it('claimFile is atomic: of two imports of one content claimed at once from two connections, exactly one wins', async () => {
    const { store, place } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const file = writeCsv(FILE);
    const second = await place.open();
    stores.push(second);
    for (let round = 0; round < 5; round++) {
      const sha = String(round).repeat(64);
      const a = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file });
      const b = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file });
      const [ra, rb] = await Promise.all([store.claimFile(a.id, sha), second.claimFile(b.id, sha)]);
      const outcome = [ra?.id ?? null, rb?.id ?? null];
      expect([
        [null, a.id],
        [b.id, null],
      ]).toContainEqual(outcome);
      expect((await store.listJobs('acme')).filter((j) => j.fileSha256 === sha)).toHaveLength(1);
    }
  });
});

describe('an interrupted dry run', () => {
  it('starts again from its first row: rejections and counts equal an uninterrupted dry run, including a duplicate of a row before the old checkpoint', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE), dryRun: true });
    const stopped = await interrupt(store, created.id, 2);
    expect(stopped.checkpointRow).toBe(CHECKPOINT_AFTER_TWO);
    expect(stopped.counts).toEqual({ total: 4, valid: 2, rejected: 2, imported: 0, errorCounts: { STORE_NOT_FOUND: 1, DUPLICATE_IN_FILE: 1 } });
    expect(codes(await rejectionsOf(store, created.id))).toEqual(FILE_CODES.slice(0, 2));

    const done = await runJob(store, created.id, CHUNK);
    expect(done.status).toBe('VALIDATED');
    expect(done.checkpointRow).toBe(12);
    expect(done.counts).toEqual({ ...FILE_COUNTS, imported: 0 });
    const rejections = await rejectionsOf(store, created.id);
    // Row 11 repeats row 4, which the interrupted run had validated before its checkpoint (5).
    expect(codes(rejections)).toEqual(FILE_CODES);
    expect(rejections.find((r) => r.rowNumber === 11)).toMatchObject({ code: 'DUPLICATE_IN_FILE', value: 'B-12' });
    expect((await writtenBy(store, created.id)).rejections).toBe(4);
    expect(await allTrackerValues(store, 'acme')).toEqual([]);

    const reference = await uninterrupted({ dryRun: true });
    expect(reference.job.status).toBe('VALIDATED');
    expect(done.counts).toEqual(reference.job.counts);
    expect(rejections).toEqual(reference.rejections);
  });
});

describe('reports that cannot be written', () => {
  it('rejects with an Error naming the path when the directory does not exist', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(FILE) });
    const job = await runJob(store, created.id);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    const d = tempDir();
    dirs.push(d);
    const errors = path.join(d, 'no-such-dir', 'errors.csv');
    const failure = await rejectionOf(writeErrorReport(store, job, errors));
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toContain(errors);
    const success = path.join(d, 'no-such-dir', 'success.csv');
    const failed = await rejectionOf(writeSuccessReport(store, job, success));
    expect(failed.message).toContain(success);
    expect(fs.existsSync(path.join(d, 'no-such-dir'))).toBe(false);
  });

  it('rejects naming the path for a job without rejections too', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv([HEADER, '919876543212,B-10,2025-03-05,S002,10'].join('\n')) });
    const job = await runJob(store, created.id);
    expect(job.status).toBe('COMPLETED');
    const errors = path.join(tempDir(), 'missing', 'errors.csv');
    const failure = await rejectionOf(writeErrorReport(store, job, errors));
    expect(failure.message).toContain(errors);
  });
});

describe('org load: a transaction and its group', () => {
  let store: Store;
  beforeEach(async () => {
    ({ store } = await freshStore(acmeOrg()));
  });

  const tx = (loyaltyLogId: number, userId: number, groupId: number | null) => ({
    loyaltyLogId,
    billNumber: `G-${loyaltyLogId}`,
    date: '2025-04-01T10:00:00',
    storeCode: 'S001',
    userId,
    groupId,
    amount: '10.00',
    lineItems: [],
  });
  /** The org record alone, a new store, and `extra`: a partial file against the stored org. */
  const partial = (extra: Partial<ReferenceDataFile>): ReferenceDataFile => ({
    org: acmeOrg().org,
    stores: [{ code: 'S003', externalId: null, name: 'New', tills: [] }],
    ...extra,
  });
  async function expectNothingWritten(): Promise<void> {
    expect((await store.listStores('acme')).map((s) => s.code)).toEqual(['S001', 'S002']);
    // The org's four transactions, and none of those the refused files hold.
    const ids = [90001, 90002, 90003, 90004, 95001, 95002, 95003, 95004];
    expect((await store.findTransactionsById('acme', ids)).map((t) => t.loyaltyLogId).sort()).toEqual([90001, 90002, 90003, 90004]);
  }

  it('refuses a transaction whose groupId is a group neither in the file nor in the store', async () => {
    const error = await rejectionOf(loadReferenceData(partial({ transactions: [tx(95001, 1001, 999)] }), store));
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect(error.message).toMatch(/transaction 95001/);
    expect(error.message).toMatch(/groupId 999/);
    await expectNothingWritten();
  });

  it('refuses a transaction whose customer is not a member of its group (stored group, stored customer)', async () => {
    // 1003 belongs to no group; 501 is stored with 1001 and 1002.
    const error = await rejectionOf(loadReferenceData(partial({ transactions: [tx(95002, 1003, 501)] }), store));
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect(error.message).toMatch(/transaction 95002/);
    expect(error.message).toMatch(/customer 1003/);
    expect(error.message).toMatch(/501/);
    await expectNothingWritten();
  });

  it('refuses a transaction of a customer the file takes out of the group', async () => {
    const error = await rejectionOf(
      loadReferenceData(partial({ userGroups: [{ groupId: 501, externalId: 'FLEET-501', primaryUserId: 1001, memberUserIds: [] }], transactions: [tx(95003, 1002, 501)] }), store),
    );
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect(error.message).toMatch(/transaction 95003/);
    expect(error.message).toMatch(/customer 1002/);
    await expectNothingWritten();
  });

  it('refuses a transaction of a new customer of the file who is in no group', async () => {
    const error = await rejectionOf(
      loadReferenceData(partial({ customers: [{ userId: 1004, mobile: '919876543219', cards: [] }], transactions: [tx(95004, 1004, 501)] }), store),
    );
    expect(error).toBeInstanceOf(ReferenceDataError);
    expect(error.message).toMatch(/customer 1004/);
    await expectNothingWritten();
    expect(await store.findCustomers('acme', 'USER_ID', [1004])).toEqual([]);
  });

  it('accepts a group transaction whose customer is a member by the store, or by the file', async () => {
    await loadReferenceData(partial({ transactions: [tx(95005, 1002, 501)] }), store);
    expect((await store.findTransactionsById('acme', [95005]))[0]).toMatchObject({ userId: 1002, groupId: 501 });
    // The file moves 1003 into 501.
    await loadReferenceData(
      partial({ userGroups: [{ groupId: 501, externalId: 'FLEET-501', primaryUserId: 1001, memberUserIds: [1002, 1003] }], transactions: [tx(95006, 1003, 501)] }),
      store,
    );
    expect((await store.findTransactionsById('acme', [95006]))[0]).toMatchObject({ userId: 1003, groupId: 501 });
  });
});

describe('Customer Promotion: a promotion belongs to one program', () => {
  const PARTNER = 'PARTNER-25';
  const promotionOrg = (): ReferenceDataFile =>
    acmeOrg({
      programs: [
        { id: 1, name: 'Acme Rewards', default: true, expiryStrategies: [{ id: 4, name: 'Never', kind: 'NEVER' }] },
        { id: 2, name: 'Partner Club', default: false, expiryStrategies: [{ id: 1, name: 'Partner 30 days', kind: 'AFTER_DAYS', days: 30 }] },
      ],
      promotions: [
        { identifier: 'SUMMER-25', name: 'Summer bonus', programId: 1 },
        { identifier: PARTNER, name: 'Partner bonus', programId: 2 },
      ],
    });
  const CSV = ['Customer,Store,Points', '919876543210,S001-T1,10', '919876543211,S002,2.5'].join('\n');

  async function importPromotion(store: Store, name: string, config: Record<string, unknown>): Promise<{ job: JobRecord; entries: StoredLedgerEntry[] }> {
    const saved = await saveTemplate(
      { org: 'acme', name, profile: 'CUSTOMER_PROMOTION', mapping: { customer: 'Customer', storeCode: 'Store', points: 'Points' }, config: { promotionName: 'Partner bonus', promotionIdentifier: PARTNER, ...config } },
      store,
    );
    expect(saved.promotionIdentifier).toBe(PARTNER);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv(CSV, `${name}.csv`) });
    const job = await runJob(store, created.id);
    return { job, entries: await ledger(store, { orgId: 'acme', promotionIdentifier: PARTNER }) };
  }

  it('fails a job whose template leaves the default program 1 for a promotion of program 2, naming both programs', async () => {
    const { store } = await freshStore(promotionOrg());
    const { job, entries } = await importPromotion(store, 'default program', {});
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('INVALID_TEMPLATE');
    expect(job.fileError?.message).toMatch(/program 2/);
    expect(job.fileError?.message).toMatch(/program 1/);
    expect(job.fileError?.message).toContain(PARTNER);
    expect(job.counts).toEqual({ total: 0, valid: 0, rejected: 0, imported: 0, errorCounts: {} });
    expect(entries).toEqual([]);
    expect(await store.findPromotion('acme', PARTNER)).toEqual({ identifier: PARTNER, name: 'Partner bonus', programId: 2 });
  });

  it('fails a job whose template names program 1 for a promotion of program 2', async () => {
    const { store } = await freshStore(promotionOrg());
    const { job, entries } = await importPromotion(store, 'program one', { program: 1 });
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('INVALID_TEMPLATE');
    expect(job.fileError?.message).toMatch(/program 2/);
    expect(job.fileError?.message).toMatch(/program 1/);
    expect(entries).toEqual([]);
  });

  it('awards under program 2 when the template names program 2 (by id or by name)', async () => {
    const { store } = await freshStore(promotionOrg());
    const byId = await importPromotion(store, 'program two', { program: 2 });
    expect(byId.job.status).toBe('COMPLETED');
    expect(byId.entries.map((e) => [e.rowNumber, e.userId, e.points, e.programId, e.promotionIdentifier])).toEqual([
      [2, 1001, '10', 2, PARTNER],
      [3, 1002, '2.5', 2, PARTNER],
    ]);
    const byName = await importPromotion(store, 'program two by name', { program: 'Partner Club' });
    expect(byName.job.status).toBe('COMPLETED');
    expect(byName.entries.filter((e) => e.jobId === byName.job.id).map((e) => e.programId)).toEqual([2, 2]);
    expect(await store.findPromotion('acme', PARTNER)).toEqual({ identifier: PARTNER, name: 'Partner bonus', programId: 2 });
  });
});

describe('the command line', () => {
  let dir: string;
  let place: StorePlace;
  const places: StorePlace[] = [];

  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('loyalty-resilience-cli-');
    dirs.push(dir);
    place = await tempPlace();
    places.push(place);
  }, 180_000);
  afterAll(async () => {
    for (const p of places) await p.drop();
  });

  /** Runs the CLI on the store given by LOYALTY_DB: this block's, unless `on` names another. */
  function cli(args: string[], on: StorePlace = place): Promise<CliRun> {
    return runCli(args, { cwd: dir, env: { ...on.env, LOYALTY_DB: on.location, LOYALTY_DEBUG: '' } });
  }

  const stackLines = (text: string) => text.split('\n').filter((l) => l.startsWith('    at '));

  /** The org and template in the CLI's database; returns the template id. */
  async function prepare(): Promise<string> {
    const store = await place.open();
    try {
      await loadOrg(store, org());
      return (await saveTemplate(TEMPLATE, store)).id;
    } finally {
      await store.close();
    }
  }

  it('prints one INVALID_REQUEST error document and exits 2 for `import a.csv --json` without --org', async () => {
    const run = await cli(['import', 'a.csv', '--json']);
    expect(run.code).toBe(2);
    expect(json(run)).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/--org/) } });
    expect(run.stderr).toMatch(/--org/);
  });

  it('prints an INVALID_REQUEST document for an unknown command and a bad flag value with --json, exit 2', async () => {
    const unknown = await cli(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(json(unknown)).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.any(String) } });
    const bad = await cli(['ledger', '--org', 'acme', '--customer', 'abc', '--json']);
    expect(bad.code).toBe(2);
    expect(json(bad)).toEqual({ error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/--customer/) } });
  });

  it('exits 1 without a stack trace when the error report cannot be written, printing the job and how to write the report again', async () => {
    const templateId = await prepare();
    const csv = path.join(dir, 'report-fail.csv');
    fs.writeFileSync(csv, FILE);
    const target = path.join(dir, 'nonexistent-dir', 'e.csv');
    const run = await cli(['import', csv, '--org', 'acme', '--template', templateId, '--errors', target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(target);
    expect(run.stderr).toMatch(/job show \S+ --errors FILE/);
    expect(stackLines(run.stderr)).toEqual([]);

    // With --json: the job's document, with the report's failure in it; still no trace.
    const json1 = await cli(['import', csv, '--org', 'acme', '--template', templateId, '--allow-duplicate', '--errors', target, '--json']);
    expect(json1.code).toBe(1);
    const doc = json<{ status: string; reportErrors: Array<{ report: string; file: string }> }>(json1);
    expect(doc.status).toBe('COMPLETED_WITH_ERRORS');
    expect(doc.reportErrors).toEqual([expect.objectContaining({ report: 'errors', file: target })]);
    expect(stackLines(json1.stderr)).toEqual([]);
  });

  it('`job resume --json` of an interrupted job whose file was deleted finishes it from its own copy, and shows it INTERRUPTED before', async () => {
    // A store of its own: no other test's import has tracked these bills.
    const resumePlace = await tempPlace();
    places.push(resumePlace);
    const csv = path.join(dir, 'to-delete.csv');
    fs.writeFileSync(csv, FILE);
    let jobId: string;
    {
      const store = await resumePlace.open();
      try {
        await loadOrg(store, org());
        const saved = await saveTemplate(TEMPLATE, store);
        const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: csv });
        jobId = created.id;
        const stopped = await interrupt(store, jobId, 2);
        expect(stopped.status).toBe('INTERRUPTED');
      } finally {
        await store.close();
      }
    }
    fs.rmSync(csv);

    const shown = await cli(['job', 'show', jobId, '--json'], resumePlace);
    expect(shown.code).toBe(0);
    expect(json(shown)).toMatchObject({ jobId, status: 'INTERRUPTED', fileError: null, rows: { total: 4, valid: 2, rejected: 2, imported: 2 } });

    const resumed = await cli(['job', 'resume', jobId, '--json'], resumePlace);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(resumed)).toMatchObject({ jobId, status: 'COMPLETED_WITH_ERRORS', fileError: null, rows: { total: 11, valid: 7, rejected: 4, imported: 7 } });
    expect(stackLines(resumed.stderr)).toEqual([]);
  });
});

describe('lookups that run ahead of the commits', () => {
  it('meet rows of this file written two and four chunks earlier, after they started: DUPLICATE_IN_FILE, the first row stands, no chunk refused', async () => {
    const { store } = await freshStore();
    const saved = await saveTemplate(TEMPLATE, store);
    const rows = ['B-10', 'B-11', 'B-10', 'B-11', 'B-10', 'B-12'].map((bill, i) => `919876543212,${bill},2025-03-05,S002,${i + 1}`);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeCsv([HEADER, ...rows].join('\n')) });
    // A chunk a row: row 4's lookups start before rows 2 and 3 have committed.
    const counted = Object.create(store) as Store;
    let commits = 0;
    counted.commitChunk = (commit: ChunkCommit) => {
      commits += 1;
      return store.commitChunk(commit);
    };
    const done = await runJob(counted, created.id, { chunkRows: 1 });
    // Each chunk committed at its first attempt: the keys its lookups missed were known in memory,
    // not met by the table's unique key and looked up again.
    expect(commits).toBe(6);
    expect(codes(await rejectionsOf(store, created.id))).toEqual([
      [4, 'DUPLICATE_IN_FILE', 'billNumber'],
      [5, 'DUPLICATE_IN_FILE', 'billNumber'],
      [6, 'DUPLICATE_IN_FILE', 'billNumber'],
    ]);
    expect((await valuesOf(store, created.id)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual([
      [2, 90010, '1'],
      [3, 90011, '2'],
      [7, 90012, '6'],
    ]);
    expect(done.counts).toEqual({ total: 6, valid: 3, rejected: 3, imported: 3, errorCounts: { DUPLICATE_IN_FILE: 3 } });
  });
});
