import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { generatedPromotionTemplate, generatedTrackersTemplate, generateOrg, writePromotionFile, writeTrackersFile } from '../src/demo/generate.js';
import type { JobRange, JobRecord } from '../src/domain/jobs.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import { staleBefore } from '../src/jobs/job-plan.js';
import { cutRanges, helpJob } from '../src/jobs/shared-run.js';
import { LEASE } from '../src/domain/lease.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { allTrackerValues, ledgerOf, tempStoreForEachTest } from './helpers.js';

/**
 * One job shared by its runner and helpers (shared-run.ts), in one process: the ranges are looked
 * up and checked side by side and committed in row order, and the outcome is exactly what one
 * runner reading the whole file gives: the same codes on the same rows, DUPLICATE_IN_FILE and
 * ALREADY_TRACKED across ranges, every value written once, by its first row. A range whose holder
 * went silent is taken over.
 */

const ORG = 'shared';
const CUSTOMERS = 1_000;
/** Each customer's transaction three times over: most rows repeat a row of an earlier range. */
const ROWS = 3_000;
const INVALID_EVERY = 33;
/** Customers of a file whose repeats are a range or two apart. */
const NEAR = 150;
const CHUNK_ROWS = 100;
const RANGES = ROWS / CHUNK_ROWS;

describe('a job shared by several runners', () => {
  let store: Store;
  let dir: string;
  tempStoreForEachTest(async (t) => {
    store = t.store;
    dir = t.dir;
    await loadReferenceData(generateOrg(ORG, CUSTOMERS), store);
  });

  /** The store with its `claimRange` wrapped. */
  function claiming(wrap: (claim: Store['claimRange']) => Store['claimRange']): Store {
    return new Proxy(store, {
      get(target, name) {
        if (name === 'claimRange') return wrap(target.claimRange.bind(target));
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /**
   * Runs the job with `helpers` helpers started once it is cut into ranges; returns it and the
   * ranges each helper committed. The lease holder's first range waits (at most 2 s) for a
   * helper's first: ranges of 100 rows in one process go fast enough for the holder to take them
   * all before a helper has read the job.
   */
  async function runShared(jobId: string, helpers: number, onShare?: () => Promise<void>): Promise<{ job: JobRecord; helped: number[]; cut: number }> {
    let started: Promise<number>[] = [];
    let cut = 0;
    let helperClaimed = () => {};
    const firstHelperClaim = new Promise<void>((resolve) => {
      helperClaimed = resolve;
    });
    const forHelpers = claiming((claim) => async (...a) => {
      const range = await claim(...a);
      if (range) helperClaimed();
      return range;
    });
    const forHolder = claiming((claim) => async (...a) => {
      if (helpers > 0) await Promise.race([firstHelperClaim, sleep(2_000)]);
      return claim(...a);
    });
    const job = await runJob(forHolder, jobId, {
      chunkRows: CHUNK_ROWS,
      share: async (ranges) => {
        cut = ranges;
        await onShare?.();
        started = Array.from({ length: helpers }, () => helpJob(forHelpers, jobId));
      },
    });
    return { job, helped: await Promise.all(started), cut };
  }

  /** The row number of the file's `r`-th data row (from 0): the header is row 1. */
  const rowOf = (r: number) => r + 2;

  /** The row that writes each customer's value: its first row that is not one of the generated invalid rows. */
  function firstValidRows(customers = CUSTOMERS): number[] {
    const first = new Map<number, number>();
    for (let r = 0; r < ROWS; r++) {
      const customer = (r % customers) + 1;
      if (r % INVALID_EVERY !== INVALID_EVERY - 1 && !first.has(customer)) first.set(customer, rowOf(r));
    }
    return [...first.values()].sort((a, b) => a - b);
  }

  /** The job wrote one value per customer, each by that customer's first valid row. */
  async function expectWrittenByFirstRows(job: JobRecord, customers = CUSTOMERS): Promise<void> {
    const values = (await allTrackerValues(store, ORG)).filter((v) => v.jobId === job.id);
    expect(values.map((v) => v.rowNumber).sort((a, b) => a - b)).toEqual(firstValidRows(customers));
  }

  it('Trackers: the same outcome as one runner, duplicates across ranges included, each value written once by its first row', async () => {
    // 150 customers' transactions over and over: a row repeats one of the range before it, which
    // may not have committed when this range is looked up.
    const file = path.join(dir, 'spend.csv');
    const expected = await writeTrackersFile(file, ROWS, NEAR, INVALID_EVERY);
    expect(expected.DUPLICATE_IN_FILE).toBeGreaterThan(2_500);
    const template = (await saveTemplate(generatedTrackersTemplate(ORG), store)).id;
    const created = await createJob(store, { orgId: ORG, template, filePath: file });

    const { job, helped, cut } = await runShared(created.id, 2);

    expect(cut).toBe(RANGES);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.checkpointRow).toBe(rowOf(ROWS - 1));
    expect(job.counts.total).toBe(ROWS);
    expect(job.counts.errorCounts).toEqual(expected);
    const invalid = Object.values(expected).reduce((s, n) => s + n, 0);
    expect(job.counts.imported).toBe(ROWS - invalid);
    await expectWrittenByFirstRows(job, NEAR);
    // The helpers took part: the ranges they committed are among the job's.
    expect(helped.reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    expect(helped.reduce((s, n) => s + n, 0)).toBeLessThan(RANGES);
  }, 120_000);

  it('Trackers: a value another job wrote is ALREADY_TRACKED in whichever range meets it', async () => {
    const template = (await saveTemplate(generatedTrackersTemplate(ORG), store)).id;
    const earlierFile = path.join(dir, 'earlier.csv');
    await writeTrackersFile(earlierFile, 500, CUSTOMERS, INVALID_EVERY);
    const earlier = await runJob(store, (await createJob(store, { orgId: ORG, template, filePath: earlierFile })).id, { chunkRows: CHUNK_ROWS });
    const file = path.join(dir, 'spend.csv');
    await writeTrackersFile(file, ROWS, CUSTOMERS, INVALID_EVERY);
    const created = await createJob(store, { orgId: ORG, template, filePath: file });

    const { job } = await runShared(created.id, 2);

    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts.total).toBe(ROWS);
    // The earlier job's customers are ALREADY_TRACKED on their first valid row; each later row of the same transaction too.
    const values = await allTrackerValues(store, ORG);
    expect(new Set(values.map((v) => v.loyaltyLogId)).size).toBe(values.length);
    expect(values.filter((v) => v.jobId === earlier.id)).toHaveLength(earlier.counts.imported);
    expect(values.filter((v) => v.jobId === job.id)).toHaveLength(job.counts.imported);
    expect(earlier.counts.imported + job.counts.imported).toBe(firstValidRows().length);
    expect(job.counts.errorCounts.ALREADY_TRACKED).toBeGreaterThanOrEqual(earlier.counts.imported);
  }, 120_000);

  it('a range whose holder went silent is taken over once its lease is stale: the job completes with every row once', async () => {
    const file = path.join(dir, 'spend.csv');
    const expected = await writeTrackersFile(file, ROWS, CUSTOMERS, INVALID_EVERY);
    const template = (await saveTemplate(generatedTrackersTemplate(ORG), store)).id;
    const created = await createJob(store, { orgId: ORG, template, filePath: file });
    const stale = LEASE.staleMs;
    LEASE.staleMs = 800;
    let orphaned: JobRange | null = null;
    const started = Date.now();
    try {
      // A runner on another machine takes the third range, then is never heard from again.
      const { job } = await runShared(created.id, 1, async () => {
        const now = new Date().toISOString();
        for (const runner of ['a:1:0', 'b:1:0', 'gone:1:0']) orphaned = await store.claimRange(created.id, runner, now, staleBefore());
        await store.releaseRanges(created.id, 'a:1:0');
        await store.releaseRanges(created.id, 'b:1:0');
      });
      expect(orphaned).toEqual({ firstRow: rowOf(2 * CHUNK_ROWS), lastRow: rowOf(3 * CHUNK_ROWS - 1) });
      expect(Date.now() - started).toBeGreaterThanOrEqual(800);
      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(job.counts.total).toBe(ROWS);
      expect(job.counts.errorCounts).toEqual(expected);
      await expectWrittenByFirstRows(job);
    } finally {
      LEASE.staleMs = stale;
    }
  }, 120_000);

  it('ranges cut again with another size while runners hold the first cut: every row once, exactly', async () => {
    const file = path.join(dir, 'spend.csv');
    const expected = await writeTrackersFile(file, ROWS, NEAR, INVALID_EVERY);
    const template = (await saveTemplate(generatedTrackersTemplate(ORG), store)).id;
    const created = await createJob(store, { orgId: ORG, template, filePath: file });
    let recutAt = -1;
    const { job } = await runShared(created.id, 2, async () => {
      // As a new lease holder whose chunks are 170 rows would, once a few ranges have committed.
      void (async () => {
        for (;;) {
          const current = (await store.getJob(created.id))!;
          if (current.checkpointRow >= 5 * CHUNK_ROWS) {
            recutAt = current.checkpointRow;
            await store.shareJob(created.id, cutRanges(current.checkpointRow, 2, rowOf(ROWS - 1), 170));
            return;
          }
          await sleep(2);
        }
      })();
    });
    expect(recutAt).toBeGreaterThan(0);
    expect(recutAt).toBeLessThan(rowOf(ROWS - 1) - 10 * CHUNK_ROWS);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts.total).toBe(ROWS);
    expect(job.counts.errorCounts).toEqual(expected);
    await expectWrittenByFirstRows(job, NEAR);
  }, 120_000);

  it('Customer Promotion: every valid row awarded once, in whichever range', async () => {
    const file = path.join(dir, 'bonus.csv');
    const expected = await writePromotionFile(file, ROWS, CUSTOMERS, INVALID_EVERY);
    const template = (await saveTemplate(generatedPromotionTemplate(ORG), store)).id;
    const created = await createJob(store, { orgId: ORG, template, filePath: file });

    const { job } = await runShared(created.id, 2);

    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts.total).toBe(ROWS);
    expect(job.counts.errorCounts).toEqual(expected);
    const entries = await ledgerOf(store, ORG, job.id);
    const invalid = new Set(Array.from({ length: ROWS }, (_, r) => r).filter((r) => r % INVALID_EVERY === INVALID_EVERY - 1).map(rowOf));
    expect(entries.map((e) => e.rowNumber)).toEqual(Array.from({ length: ROWS }, (_, r) => rowOf(r)).filter((n) => !invalid.has(n)));
    // Under one issue time, whichever runner awarded the row.
    expect(new Set(entries.map((e) => e.issuedAt)).size).toBe(1);
  }, 120_000);

  it('a file without a header: helpers size its rows by the first one, and the outcome is one runner\'s', async () => {
    const withHeader = path.join(dir, 'spend.csv');
    const expected = await writeTrackersFile(withHeader, ROWS, NEAR, INVALID_EVERY);
    const file = path.join(dir, 'bare.csv');
    fs.writeFileSync(file, fs.readFileSync(withHeader, 'utf8').split('\n').slice(1).join('\n'));
    const generated = generatedTrackersTemplate(ORG, 'Spend, no header');
    const bare = { ...generated, csv: { ...generated.csv, header: false }, mapping: { customer: 1, billNumber: 2, transactionDate: 3, storeCode: 4, trackedValue: 5 } };
    const template = (await saveTemplate(bare, store)).id;
    const created = await createJob(store, { orgId: ORG, template, filePath: file });

    const { job, helped } = await runShared(created.id, 2);

    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts.total).toBe(ROWS);
    expect(job.counts.errorCounts).toEqual(expected);
    expect(job.counts.errorCounts.WRONG_COLUMN_COUNT).toBeUndefined();
    expect(helped.reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
  }, 120_000);

  it('a dry run, and a file of one range, are not shared', async () => {
    const file = path.join(dir, 'small.csv');
    await writeTrackersFile(file, CHUNK_ROWS, CUSTOMERS, INVALID_EVERY);
    const template = (await saveTemplate(generatedTrackersTemplate(ORG), store)).id;
    const small = await runShared((await createJob(store, { orgId: ORG, template, filePath: file })).id, 1);
    expect(small.cut).toBe(0);
    expect(small.job.counts.total).toBe(CHUNK_ROWS);
    const big = path.join(dir, 'big.csv');
    await writeTrackersFile(big, ROWS, CUSTOMERS, INVALID_EVERY);
    const dry = await runShared((await createJob(store, { orgId: ORG, template, filePath: big, dryRun: true })).id, 1);
    expect(dry.cut).toBe(0);
    expect(dry.job.status).toBe('VALIDATED');
    expect(dry.job.counts.total).toBe(ROWS);
  }, 120_000);
});
