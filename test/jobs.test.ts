import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedTrackersTemplate, generateOrg, writeTrackersFile } from '../src/demo/generate.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import { summarise } from '../src/jobs/summary.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import type { JobRecord, Rejection } from '../src/domain/jobs.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { acmeOrg, allOf, allTrackerValues, codes, loadOrg, tempDir, tempStore, trackerValuesOf } from './helpers.js';
import { trackerValues } from '../src/profiles/trackers/tracker-values.js';

/**
 * The job lifecycle (spec: jobs.md, "Job" and "Error codes"): states, summary counts, the
 * checkpoint, and every file-level failure, which ends the job FAILED with nothing written.
 */

const HEADER = 'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value';
const TEMPLATE = { org: 'acme', name: 'Spend, auto-mapped', profile: 'TRACKERS', config: { tracker: 'Spend 2025' } };

/** A file that exercises most row-level codes of the Trackers profile against the acme org. */
const MIXED = [
  HEADER, // 1
  '919876543211,B-1,2025-03-01 10:15,S001,12.50', // 2 valid: transaction 90001 of customer 1002
  '919999999999,B-2,2025-03-02 11:00,S001,3', // 3 CUSTOMER_NOT_FOUND
  '919876543210,B-2,2025-03-02 11:00,S099,3', // 4 STORE_NOT_FOUND
  '919876543210,B-OLD,2024-12-31 23:00,S001,1', // 5 OUTSIDE_TRACKER_WINDOW
  '919876543211,B-1,2025-03-01,S001,99', // 6 DUPLICATE_IN_FILE (row 2 stands)
  '919876543210,B-2,2025-03-02,S001,-4.75', // 7 valid: transaction 90002 of customer 1001
  '919876543212,B-3,2025-03-02', // 8 WRONG_COLUMN_COUNT
  '919876543212,B-3,2025-03-02,S002,"12,5"', // 9 INVALID_NUMBER
  '919876543212,B-3,2025-02-30,S002,1', // 10 INVALID_DATE
  ',B-3,2025-03-02,S002,1', // 11 MISSING_VALUE
  '919876543210,B-1,2025-03-01,S001,5', // 12 TRANSACTION_CUSTOMER_MISMATCH (B-1 is customer 1002's)
  '919876543212,B-9,2025-03-02,S002,1', // 13 TRANSACTION_NOT_FOUND
  '919876543212,B-3,2025-03-02,S002,7', // 14 valid: transaction 90003 of customer 1003
].join('\n');

const MIXED_CODES: Array<[number, string, string | null]> = [
  [3, 'CUSTOMER_NOT_FOUND', 'customer'],
  [4, 'STORE_NOT_FOUND', 'storeCode'],
  [5, 'OUTSIDE_TRACKER_WINDOW', 'transactionDate'],
  [6, 'DUPLICATE_IN_FILE', 'billNumber'],
  [8, 'WRONG_COLUMN_COUNT', null],
  [9, 'INVALID_NUMBER', 'trackedValue'],
  [10, 'INVALID_DATE', 'transactionDate'],
  [11, 'MISSING_VALUE', 'customer'],
  [12, 'TRANSACTION_CUSTOMER_MISMATCH', 'billNumber'],
  [13, 'TRANSACTION_NOT_FOUND', 'billNumber'],
];

const MIXED_ERROR_COUNTS = {
  CUSTOMER_NOT_FOUND: 1,
  STORE_NOT_FOUND: 1,
  OUTSIDE_TRACKER_WINDOW: 1,
  DUPLICATE_IN_FILE: 1,
  WRONG_COLUMN_COUNT: 1,
  INVALID_NUMBER: 1,
  INVALID_DATE: 1,
  MISSING_VALUE: 1,
  TRANSACTION_CUSTOMER_MISMATCH: 1,
  TRANSACTION_NOT_FOUND: 1,
};

/** MIXED again once its valid rows are tracked: they, and the repeat of row 2, are ALREADY_TRACKED. */
const { DUPLICATE_IN_FILE: _duplicate, ...MIXED_OTHER_COUNTS } = MIXED_ERROR_COUNTS;
const MIXED_AGAIN_COUNTS = { ...MIXED_OTHER_COUNTS, ALREADY_TRACKED: 4 };

const ALL_VALID = [HEADER, '919876543211,B-1,2025-03-01 10:15,S001,12.50', '919876543210,B-2,2025-03-02,S001,3'].join('\n');

let store: Store;
let dirs: string[] = [];

function newDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

function writeFile(content: string | Buffer, name = 'import.csv'): string {
  const file = path.join(newDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

/** How many tracker values the store holds for `job`. */
async function valuesOfJob(job: JobRecord): Promise<number> {
  return (await trackerValuesOf(store, job.orgId, job.id)).length;
}

/** How many rejections the store holds for `job`. */
async function rejectionsOfJob(job: JobRecord): Promise<number> {
  return (await allOf(store.rejections(job.id))).length;
}

/** How many tracker values the store holds for the acme org, whatever the job. */
async function acmeValues(): Promise<number> {
  return (await allTrackerValues(store, 'acme')).length;
}

async function run(
  template: string,
  file: string,
  options: { dryRun?: boolean; allowDuplicate?: boolean; chunkRows?: number; maxFileBytes?: number; orgId?: string } = {},
): Promise<{ job: JobRecord; rejections: Rejection[] }> {
  const created = await createJob(store, { orgId: options.orgId ?? 'acme', template, filePath: file, dryRun: options.dryRun, allowDuplicate: options.allowDuplicate });
  const job = await runJob(store, created.id, { chunkRows: options.chunkRows, maxFileBytes: options.maxFileBytes });
  const rejections: Rejection[] = [];
  for await (const page of store.rejections(job.id)) rejections.push(...page);
  return { job, rejections };
}

/** Asserts a job FAILED with `code` and left nothing behind but the job itself. */
async function expectFailedWithNothingWritten(job: JobRecord, code: string): Promise<void> {
  expect(job.status).toBe('FAILED');
  expect(job.fileError?.code).toBe(code);
  expect(job.finishedAt).not.toBeNull();
  expect(job.counts).toEqual({ total: 0, valid: 0, rejected: 0, imported: 0, errorCounts: {} });
  expect(job.checkpointRow).toBe(0);
  expect(await valuesOfJob(job)).toBe(0);
  expect(await rejectionsOfJob(job)).toBe(0);
}

function removeDirs(): void {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
}

async function freshAcme(): Promise<void> {
  const t = await tempStore();
  store = t.store;
  dirs.push(t.dir);
  await loadOrg(store);
}

describe('job states, summary and checkpoint', () => {
  beforeEach(freshAcme);
  afterEach(async () => {
    await store.close();
    removeDirs();
  });

  it('a cancel asked while the last chunks of the file are committed stops it at the next of them: the chunks read ahead are not written', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeFile(MIXED) });
    // The cancel is asked when the first chunk commits, after the file was read to its end (13
    // rows in chunks of 5: the last two are still to commit); the runner's next read of its
    // lease waits for the request to be stored.
    let asked: Promise<unknown> = Promise.resolve();
    const gated = new Proxy(store, {
      get(target, name) {
        if (name === 'heartbeat' || name === 'leaseState') {
          const read = target[name].bind(target) as (...a: unknown[]) => Promise<unknown>;
          return async (...a: unknown[]) => {
            await asked;
            return read(...a);
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const job = await runJob(gated, created.id, {
      chunkRows: 5,
      onProgress: (p) => {
        if (p.done === 5) asked = store.requestCancel(created.id, new Date().toISOString(), new Date(0).toISOString());
      },
    });
    expect(job.status).toBe('CANCELLED');
    expect(job.counts.total).toBe(5);
    expect(job.checkpointRow).toBe(6);
    expect(await valuesOfJob(job)).toBe(1);
  });

  it('ends an import whose rows are all valid COMPLETED', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const { job, rejections } = await run(saved.id, writeFile(ALL_VALID));
    expect(job.status).toBe('COMPLETED');
    expect(summarise(job).rows).toEqual({ total: 2, valid: 2, rejected: 0, imported: 2 });
    expect(job.counts.errorCounts).toEqual({});
    expect(job.fileError).toBeNull();
    expect(rejections).toEqual([]);
    expect(job.checkpointRow).toBe(3);
    expect(await valuesOfJob(job)).toBe(2);
  });

  it('shows a QUEUED job whose runner died before it started as INTERRUPTED, keeps an untaken one QUEUED, and a resume finishes it', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const taken = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeFile(ALL_VALID) });
    const waiting = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeFile(MIXED) });
    // A runner of this machine whose process has exited took the job, before its first step.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadRunner = `${os.hostname()}:${child.stdout}:0`;
    expect(await store.claimRun(taken.id, deadRunner, new Date().toISOString(), new Date(Date.now() - 60_000).toISOString())).toBe(true);
    expect((await store.getJob(taken.id))!.status).toBe('INTERRUPTED');
    expect((await store.getJob(waiting.id))!.status).toBe('QUEUED');
    // What a starting server takes up is the waiting job only.
    expect((await store.jobsWithStatus(['QUEUED'])).map((j) => j.id)).toEqual([waiting.id]);
    expect((await store.jobsWithStatus(['INTERRUPTED'])).map((j) => j.id)).toEqual([taken.id]);
    const resumed = await runJob(store, taken.id);
    expect(resumed.status).toBe('COMPLETED');
    expect(await valuesOfJob(resumed)).toBe(2);
  });

  it('ends an import with rejected rows COMPLETED_WITH_ERRORS, counting rows and rejections by code', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const { job, rejections } = await run(saved.id, writeFile(MIXED));
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    const summary = summarise(job);
    expect(summary.rows).toEqual({ total: 13, valid: 3, rejected: 10, imported: 3 });
    expect(summary.errorCounts).toEqual(MIXED_ERROR_COUNTS);
    expect(summary.fileError).toBeNull();
    expect(summary.dryRun).toBe(false);
    expect(summary.template).toEqual({ id: saved.id, version: 1 });
    expect(summary.autoMapped).toEqual({
      customer: 'Mobile',
      billNumber: 'Bill Number',
      transactionDate: 'Transaction Date',
      storeCode: 'Store Code',
      trackedValue: 'Tracked Value',
    });
    expect(codes(rejections)).toEqual(MIXED_CODES);
    expect(rejections.find((r) => r.rowNumber === 4)).toMatchObject({ value: 'S099', cells: ['919876543210', 'B-2', '2025-03-02 11:00', 'S099', '3'] });
    expect(rejections.find((r) => r.rowNumber === 4)!.message).toContain('"S099"');
    expect(await trackerValues(store, 'acme', 11)).toEqual([
      { trackerId: 11, loyaltyLogId: 90001, itemId: null, value: '12.5', userId: 1002, groupId: null, jobId: job.id, rowNumber: 2 },
      { trackerId: 11, loyaltyLogId: 90002, itemId: null, value: '-4.75', userId: 1001, groupId: null, jobId: job.id, rowNumber: 7 },
      { trackerId: 11, loyaltyLogId: 90003, itemId: null, value: '7', userId: 1003, groupId: null, jobId: job.id, rowNumber: 14 },
    ]);
    // The checkpoint is the last data row once the job is done; every row was counted once.
    expect(job.checkpointRow).toBe(14);
    expect(job.rowsKnown).toBe(13);
    expect(await rejectionsOfJob(job)).toBe(10);
  });

  it('reads a tracked value written with a plus sign as a decimal, without stopping the file', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const file = writeFile([HEADER, '919876543211,B-1,2025-03-01,S001,+7', '919876543210,B-2,2025-03-02,S001,3'].join('\n'));
    const { job, rejections } = await run(saved.id, file);
    expect(job.status).toBe('COMPLETED');
    expect(rejections).toEqual([]);
    expect((await trackerValues(store, 'acme', 11)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value])).toEqual([
      [2, 90001, '7'],
      [3, 90002, '3'],
    ]);
  });

  it('gives the same outcome whatever the chunk size, including a duplicate across chunks', async () => {
    // Each chunk size runs on a fresh database; with chunks of 1, 2, 3 and 5 rows, row 2 and its
    // duplicate row 6 land in different chunks, and with 2,000 in the same one.
    const outcomes: Array<{ chunkRows: number; outcome: unknown }> = [];
    for (const chunkRows of [1, 2, 3, 5, 2000]) {
      if (outcomes.length > 0) {
        await store.close();
        await freshAcme();
      }
      const saved = await saveTemplate(TEMPLATE, store);
      const { job, rejections } = await run(saved.id, writeFile(MIXED), { chunkRows });
      expect(job.status, `chunkRows ${chunkRows}`).toBe('COMPLETED_WITH_ERRORS');
      expect(job.counts, `chunkRows ${chunkRows}`).toEqual({ total: 13, valid: 3, rejected: 10, imported: 3, errorCounts: MIXED_ERROR_COUNTS });
      expect(codes(rejections), `chunkRows ${chunkRows}`).toEqual(MIXED_CODES);
      expect(job.checkpointRow, `chunkRows ${chunkRows}`).toBe(14);
      expect(await valuesOfJob(job), `chunkRows ${chunkRows}`).toBe(3);
      const values = (await trackerValues(store, 'acme', 11)).map(({ jobId: _jobId, ...v }) => v);
      outcomes.push({
        chunkRows,
        outcome: { status: job.status, counts: job.counts, checkpointRow: job.checkpointRow, rowsKnown: job.rowsKnown, rejections, values },
      });
    }
    const [first, ...others] = outcomes;
    for (const other of others) expect(other.outcome, `chunkRows ${other.chunkRows} against chunkRows ${first!.chunkRows}`).toEqual(first!.outcome);
  });

  it('ends a dry run VALIDATED with the import counts, imported 0 and no tracker value written', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const { job, rejections } = await run(saved.id, writeFile(MIXED), { dryRun: true, chunkRows: 4 });
    expect(job.status).toBe('VALIDATED');
    expect(job.dryRun).toBe(true);
    expect(summarise(job).rows).toEqual({ total: 13, valid: 3, rejected: 10, imported: 0 });
    expect(job.counts.errorCounts).toEqual(MIXED_ERROR_COUNTS);
    // The duplicate of row 2 is found across chunks even though nothing was stored.
    expect(codes(rejections)).toEqual(MIXED_CODES);
    expect(job.checkpointRow).toBe(14);
    expect(await acmeValues()).toBe(0);
  });

  it('imports a file after a dry run of the same file, and a later dry run sees the values as tracked', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const file = writeFile(MIXED);
    const dry = await run(saved.id, file, { dryRun: true });
    expect(dry.job.status).toBe('VALIDATED');

    const imported = await run(saved.id, file);
    expect(imported.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(imported.job.fileError).toBeNull();
    expect(imported.job.counts).toEqual({ total: 13, valid: 3, rejected: 10, imported: 3, errorCounts: MIXED_ERROR_COUNTS });
    expect(await valuesOfJob(imported.job)).toBe(3);

    const again = await run(saved.id, file, { dryRun: true });
    expect(again.job.status).toBe('VALIDATED');
    expect(again.job.counts).toEqual({ total: 13, valid: 0, rejected: 13, imported: 0, errorCounts: MIXED_AGAIN_COUNTS });
    expect(codes(again.rejections).filter(([, code]) => code === 'ALREADY_TRACKED')).toEqual([
      [2, 'ALREADY_TRACKED', 'trackedValue'],
      [6, 'ALREADY_TRACKED', 'trackedValue'],
      [7, 'ALREADY_TRACKED', 'trackedValue'],
      [14, 'ALREADY_TRACKED', 'trackedValue'],
    ]);
    expect(await acmeValues()).toBe(3);
  });
});

describe('file-level failures on the acme org', () => {
  beforeEach(freshAcme);
  afterEach(async () => {
    await store.close();
    removeDirs();
  });

  it('fails INVALID_TEMPLATE at start when the org changed after the template was saved', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: writeFile(ALL_VALID) });
    // Reload the org with tracker 11 renamed: the template's "Spend 2025" no longer exists.
    const org = acmeOrg();
    await loadReferenceData({ ...org, trackers: org.trackers!.map((t) => (t.id === 11 ? { ...t, name: 'Spend FY2025' } : t)) }, store);
    const job = await runJob(store, created.id);
    await expectFailedWithNothingWritten(job, 'INVALID_TEMPLATE');
    expect(job.fileError!.message).toContain('config.tracker');
    expect(job.fileError!.message).toContain('Spend 2025');
    expect(await acmeValues()).toBe(0);
  });

  it.each([
    ['a header and no data rows', `${HEADER}\n`],
    ['a header followed by blank lines', `${HEADER}\n\n\r\n,,,,\n`],
    ['no bytes at all', ''],
  ])('fails EMPTY_FILE for %s', async (_what, content) => {
    const saved = await saveTemplate(TEMPLATE, store);
    const { job } = await run(saved.id, writeFile(content));
    await expectFailedWithNothingWritten(job, 'EMPTY_FILE');
  });

  it('fails MISSING_COLUMN when a mapped header is not in the file', async () => {
    const saved = await saveTemplate({ ...TEMPLATE, mapping: { trackedValue: 'Amount' } }, store);
    const { job } = await run(saved.id, writeFile(MIXED));
    await expectFailedWithNothingWritten(job, 'MISSING_COLUMN');
    expect(job.fileError!.message).toContain('trackedValue');
    expect(job.fileError!.message).toContain('"Amount"');
  });

  it('fails MISSING_COLUMN when a mapped column number is past the last column', async () => {
    const saved = await saveTemplate({ ...TEMPLATE, mapping: { trackedValue: 6 } }, store);
    const { job } = await run(saved.id, writeFile(MIXED));
    await expectFailedWithNothingWritten(job, 'MISSING_COLUMN');
    expect(job.fileError!.message).toContain('trackedValue');
    expect(job.fileError!.message).toContain('6');
  });

  it('accepts a mapped column number that is the last column', async () => {
    const saved = await saveTemplate({ ...TEMPLATE, mapping: { trackedValue: 5 } }, store);
    const { job } = await run(saved.id, writeFile(ALL_VALID));
    expect(job.status).toBe('COMPLETED');
    expect(job.counts.imported).toBe(2);
  });

  it('fails MISSING_COLUMN when a mandatory field is neither mapped nor matched, and runs once it has a default', async () => {
    const noStore = MIXED.replace('Store Code', 'Branch');
    const saved = await saveTemplate(TEMPLATE, store);
    const { job } = await run(saved.id, writeFile(noStore));
    await expectFailedWithNothingWritten(job, 'MISSING_COLUMN');
    expect(job.fileError!.message).toContain('storeCode');

    // The same file with a default for the store is not missing anything.
    const withDefault = await saveTemplate({ ...TEMPLATE, defaults: { storeCode: 'S001' } }, store);
    const ok = await run(withDefault.id, writeFile([HEADER.replace('Store Code', 'Branch'), '919876543211,B-1,2025-03-01,anything,1'].join('\n')));
    expect(ok.job.status).toBe('COMPLETED');
    expect(ok.job.counts.imported).toBe(1);
  });

  it('fails FILE_TOO_LARGE when the file is larger than maxFileBytes, and accepts one of exactly that size', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const file = writeFile(MIXED);
    const size = fs.statSync(file).size;
    const { job } = await run(saved.id, file, { maxFileBytes: size - 1 });
    await expectFailedWithNothingWritten(job, 'FILE_TOO_LARGE');

    const ok = await run(saved.id, file, { maxFileBytes: size });
    expect(ok.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(ok.job.counts.imported).toBe(3);
  });

  it('fails DUPLICATE_FILE naming the earlier job, unless allowDuplicate is set', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const first = await run(saved.id, writeFile(MIXED, 'monday.csv'));
    expect(first.job.status).toBe('COMPLETED_WITH_ERRORS');

    // Same content under another name: still the same file.
    const second = await run(saved.id, writeFile(MIXED, 'monday-again.csv'));
    await expectFailedWithNothingWritten(second.job, 'DUPLICATE_FILE');
    expect(second.job.fileError!.message).toContain(first.job.id);
    // It shows the hash that matched, and how its header was read.
    expect(second.job.fileSha256).toBe(first.job.fileSha256);
    expect(second.job.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summarise(second.job).autoMapped).toEqual(summarise(first.job).autoMapped);

    const third = await run(saved.id, writeFile(MIXED, 'monday-again.csv'), { allowDuplicate: true });
    expect(third.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(third.job.fileError).toBeNull();
    // Nothing is tracked twice: the rows valid the first time are now ALREADY_TRACKED.
    expect(third.job.counts).toEqual({ total: 13, valid: 0, rejected: 13, imported: 0, errorCounts: MIXED_AGAIN_COUNTS });
    expect(await acmeValues()).toBe(3);
    expect(await valuesOfJob(first.job)).toBe(3);
  });

  it('does not count a dry run, a failed job or another template version as an earlier import', async () => {
    const saved = await saveTemplate(TEMPLATE, store);
    const dry = await run(saved.id, writeFile(ALL_VALID), { dryRun: true });
    expect(dry.job.status).toBe('VALIDATED');
    const tooLarge = await run(saved.id, writeFile(ALL_VALID), { maxFileBytes: 10 });
    expect(tooLarge.job.fileError?.code).toBe('FILE_TOO_LARGE');
    const first = await run(saved.id, writeFile(ALL_VALID));
    expect(first.job.status).toBe('COMPLETED');

    const v2 = await saveTemplate({ ...TEMPLATE, rowLimit: 500 }, store);
    expect(v2.version).toBe(2);
    const again = await run(saved.id, writeFile(ALL_VALID));
    expect(again.job.templateVersion).toBe(2);
    expect(again.job.fileError).toBeNull();
    expect(again.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(again.job.counts.errorCounts).toEqual({ ALREADY_TRACKED: 2 });
  });
});

describe('file-level failures found near the end of a large file', () => {
  const ROWS = 40_000;
  let base: string;
  let expected: Record<string, number>;
  let templateId: string;
  let storeDir: string;

  beforeAll(async () => {
    const t = await tempStore();
    store = t.store;
    storeDir = t.dir;
    await loadReferenceData(generateOrg('gen', 5_000), store);
    templateId = (await saveTemplate(generatedTrackersTemplate('gen'), store)).id;
    base = path.join(storeDir, 'base.csv');
    expected = await writeTrackersFile(base, ROWS, 5_000, 33);
  });

  // The store is shared by the tests of this block; only their files go after each.
  afterEach(removeDirs);
  afterAll(async () => {
    await store.close();
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  function variant(tail: string | Buffer): string {
    const file = path.join(newDir(), 'variant.csv');
    fs.copyFileSync(base, file);
    fs.appendFileSync(file, tail);
    return file;
  }

  it('fails MALFORMED_CSV for a quote opened near the end, naming its line, with nothing written', async () => {
    // Data rows are lines 2…40001; the quote opens on line 40002 and swallows the rest.
    const file = variant('919000000001,"B-1,01/01/2025 09:01,S002,10.25\n919000000002,B-2,02/02/2025 10:02,S003,11.25\n919000000003,B-3,03/03/2025 11:03,S004,12.25\n');
    const { job } = await run(templateId, file, { chunkRows: 500, orgId: 'gen' });
    await expectFailedWithNothingWritten(job, 'MALFORMED_CSV');
    expect(job.fileError!.message).toContain('line 40002');
  });

  it('fails MALFORMED_CSV for bytes that are not UTF-8 near the end, with nothing written', async () => {
    const file = variant(Buffer.concat([Buffer.from('919000000001,B-1,01/01/2025 09:01,S'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(',10.25\n')]));
    const { job } = await run(templateId, file, { chunkRows: 500, orgId: 'gen' });
    await expectFailedWithNothingWritten(job, 'MALFORMED_CSV');
  });

  it('fails ROW_LIMIT_EXCEEDED for one row more than rowLimit, with nothing written', async () => {
    const limited = await saveTemplate({ ...generatedTrackersTemplate('gen', 'limited'), rowLimit: ROWS - 1 }, store);
    const { job } = await run(limited.id, variant(''), { chunkRows: 500, orgId: 'gen' });
    await expectFailedWithNothingWritten(job, 'ROW_LIMIT_EXCEEDED');
    expect(job.fileError!.message).toContain(String(ROWS - 1));
  });

  it('imports a file of exactly rowLimit rows, with the checkpoint on its last row', async () => {
    const limited = await saveTemplate({ ...generatedTrackersTemplate('gen', 'exact limit'), rowLimit: ROWS }, store);
    const { job } = await run(limited.id, variant(''), { chunkRows: 500, orgId: 'gen' });
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    const rejected = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(job.counts).toEqual({ total: ROWS, valid: ROWS - rejected, rejected, imported: ROWS - rejected, errorCounts: expected });
    expect(job.checkpointRow).toBe(ROWS + 1);
    expect(await valuesOfJob(job)).toBe(ROWS - rejected);
    expect(await rejectionsOfJob(job)).toBe(rejected);
  });
});
