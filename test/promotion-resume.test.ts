import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedPromotionTemplate, generateOrg, writePromotionFile } from '../src/demo/generate.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import type { JobRecord } from '../src/domain/jobs.js';
import { saveTemplate } from '../src/templates/service.js';
import { allOf, ensureBuilt, killImportMidFile, ledgerOf, runCli, type StorePlace, tempDir, tempPlace } from './helpers.js';

/**
 * A Customer Promotion import killed mid-file and resumed awards every row exactly once, as an
 * uninterrupted import of the same file does (spec: jobs.md, "Job": "a job that is interrupted
 * … and then resumed imports every row exactly once. A row is never written twice"), and every
 * entry keeps the job's one issue time (profiles.md: `issuedAt`, "the time the job's import
 * started"). The built CLI imports in a child process that is killed with SIGKILL once it has
 * committed a chunk; `job resume` finishes it.
 */

const CUSTOMERS = 200_000;
/** More rows than customers: customers 1…50,000 are awarded twice, each time as its own entry. */
const ROWS = 250_000;
const ZONE = 'Asia/Kolkata';

interface Summary {
  jobId: string;
  status: string;
  rows: { total: number; valid: number; rejected: number; imported: number };
  errorCounts: Record<string, number>;
  fileError: { code: string; message: string } | null;
  promotionIdentifier: string | null;
  startedAt: string | null;
}

let dir: string;
const places: StorePlace[] = [];

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('loyalty-promotion-resume-');
}, 180_000);

afterAll(async () => {
  for (const place of places) await place.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Written {
  /** rowNumber:userId:groupId:points:storeCode:tillCode:expiresAt, in row order. */
  entries: string[];
  rejections: string[];
  issuedAt: string[];
  promotions: string[];
  entryCount: number;
  distinctEntryRows: number;
  distinctRows: number;
}

/** What a job wrote, read through a store on `place`: its ledger entries and rejections in row order, and its distinct issue times and promotions. */
async function written(place: StorePlace, jobId: string): Promise<Written> {
  const store = await place.open();
  try {
    const entries = await ledgerOf(store, 'big', jobId);
    const rejections = await allOf(store.rejections(jobId));
    return {
      entries: entries.map((e) => [e.rowNumber, e.userId, e.groupId, e.points, e.storeCode, e.tillCode, e.expiresAt].join(':')),
      rejections: rejections.map((r) => [r.rowNumber, r.code, r.field].join(':')),
      issuedAt: [...new Set(entries.map((e) => e.issuedAt))],
      promotions: [...new Set(entries.map((e) => e.promotionIdentifier))],
      entryCount: entries.length,
      distinctEntryRows: new Set(entries.map((e) => e.rowNumber)).size,
      distinctRows: new Set([...entries.map((e) => e.rowNumber), ...rejections.map((r) => r.rowNumber)]).size,
    };
  } finally {
    await store.close();
  }
}

/** The job as a store on `place` reads it. */
async function jobOn(place: StorePlace, jobId: string): Promise<JobRecord> {
  const store = await place.open();
  try {
    return (await store.getJob(jobId))!;
  } finally {
    await store.close();
  }
}

/** The first index at which two lists differ, with both values, or null. */
function firstDifference(a: string[], b: string[]): { index: number; interrupted: string | undefined; clean: string | undefined } | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return { index: i, interrupted: a[i], clean: b[i] };
  return null;
}

/** The end of the local day 365 days after the local issue date of `startedAt` in Kolkata (+05:30, no daylight saving). */
function endOf365DaysAfter(startedAt: string): string {
  const local = new Date(Date.parse(startedAt) + 330 * 60_000);
  const expiry = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 365));
  return `${expiry.toISOString().slice(0, 10)}T23:59:59.999+05:30`;
}

describe('resuming a killed Customer Promotion import', () => {
  it('awards every row of a 250,000-row file exactly once, under one issue time, as an uninterrupted import does', async () => {
    const interrupted = await tempPlace();
    places.push(interrupted);
    const file = path.join(dir, 'festive.csv');

    const setup = await interrupted.open();
    const org = generateOrg('big', CUSTOMERS);
    expect(org.org.timezone).toBe(ZONE);
    await loadReferenceData(org, setup);
    const template = await saveTemplate(generatedPromotionTemplate('big'), setup);
    await setup.close();
    // The second database starts from the very same org and template version (and so the same promotion identifier).
    const clean = await interrupted.copy();
    places.push(clean);
    const expected = await writePromotionFile(file, ROWS, CUSTOMERS, 33);
    const expectedRejected = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(expectedRejected).toBeGreaterThan(0);

    // Wait until the child has committed at least one chunk of the import, then kill it.
    const { seen, exited, end } = await killImportMidFile(interrupted, ['import', file, '--org', 'big', '--template', template.id, '--json'], dir);
    expect(exited, 'the import finished before it could be killed').toBe(false);
    expect(seen?.status).toBe('IMPORTING');
    expect(end.signal).toBe('SIGKILL');
    expect(end.stdout).toBe('');

    // Mid-file: what it committed and nothing more, all under the job's start time.
    const jobId = seen!.id;
    // Its process gone, the store shows the job INTERRUPTED, mid-file.
    const atKill = await jobOn(interrupted, jobId);
    expect(atKill.status).toBe('INTERRUPTED');
    expect(atKill.finishedAt).toBeNull();
    expect(atKill.startedAt).not.toBeNull();
    expect(atKill.promotionIdentifier).toBe(template.promotionIdentifier);
    expect(atKill.checkpointRow).toBeGreaterThan(0);
    expect(atKill.counts.total).toBeLessThan(ROWS);
    const partial = await written(interrupted, jobId);
    expect(partial.entryCount).toBe(atKill.counts.valid);
    expect(partial.entryCount + partial.rejections.length).toBe(atKill.counts.total);
    const startedAt = atKill.startedAt!;

    // Resume in a child; meanwhile import the same file uninterrupted into the second database,
    // as a job that started at the same instant (so that issue and expiry times compare equal).
    const resuming = runCli(['job', 'resume', jobId, '--json'], { cwd: dir, place: interrupted });
    const cleanStore = await clean.open();
    let cleanJobId: string;
    try {
      const created = await createJob(cleanStore, { orgId: 'big', template: template.id, filePath: file });
      await cleanStore.updateJob(created.id, { startedAt });
      const done = await runJob(cleanStore, created.id);
      expect(done.status).toBe('COMPLETED_WITH_ERRORS');
      expect(done.counts.errorCounts).toEqual(expected);
      cleanJobId = done.id;
    } finally {
      await cleanStore.close();
    }
    const resumedRun = await resuming;
    expect(resumedRun.code, resumedRun.stderr).toBe(0);
    const resumed = JSON.parse(resumedRun.stdout) as Summary;

    // The resumed job's counts are the generator's.
    expect(resumed.jobId).toBe(jobId);
    expect(resumed.status).toBe('COMPLETED_WITH_ERRORS');
    expect(resumed.fileError).toBeNull();
    expect(resumed.errorCounts).toEqual(expected);
    expect(resumed.rows).toEqual({ total: ROWS, valid: ROWS - expectedRejected, rejected: expectedRejected, imported: ROWS - expectedRejected });
    expect(resumed.promotionIdentifier).toBe(template.promotionIdentifier);
    expect(resumed.startedAt).toBe(startedAt);

    // Every valid row written once, every row accounted for once.
    const after = await written(interrupted, jobId);
    const reference = await written(clean, cleanJobId);
    expect(after.entryCount).toBe(ROWS - expectedRejected);
    expect(after.distinctEntryRows).toBe(after.entryCount);
    expect(after.rejections.length).toBe(expectedRejected);
    expect(after.distinctRows).toBe(ROWS);

    // Entry for entry the same ledger as the uninterrupted import: row, customer, group, points, store, till, expiry.
    expect(after.entries.length).toBe(reference.entries.length);
    expect(firstDifference(after.entries, reference.entries)).toBeNull();
    expect(firstDifference(after.rejections, reference.rejections)).toBeNull();

    // One issue time per job: its start, in the org's zone; one expiry, 365 days after the local issue date.
    for (const w of [after, reference]) {
      expect(w.issuedAt).toHaveLength(1);
      expect(Date.parse(w.issuedAt[0]!)).toBe(Date.parse(startedAt));
      expect(w.issuedAt[0]).toMatch(/\+05:30$/);
      expect(w.promotions).toEqual([template.promotionIdentifier]);
    }
    const expiry = endOf365DaysAfter(startedAt);
    expect(new Set(after.entries.map((e) => e.slice(e.length - expiry.length)))).toEqual(new Set([expiry]));

    // Customers 1…50,000 appear twice in the file: two entries each, not a duplicate (the generator writes "1.0" for both).
    const twice = after.entries.filter((e) => e.split(':')[1] === '1').map((e) => [Number(e.split(':')[0]), e.split(':')[3]]);
    expect(twice).toEqual([
      [2, '1'],
      [CUSTOMERS + 2, '1'],
    ]);
  }, 120_000);
});
