import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTrackersTemplate, generateOrg, writeTrackersFile } from '../src/demo/generate.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { allOf, ensureBuilt, killImportMidFile, runCli, type StorePlace, tempDir, tempPlace, trackerValuesOf } from './helpers.js';

/**
 * An import killed mid-file and resumed imports every row exactly once (spec: jobs.md, "Job":
 * "a job that is interrupted (the process killed, the machine restarted) and then resumed
 * imports every row exactly once"). The built CLI runs the import in a child process, which is
 * killed with SIGKILL once it has committed a chunk.
 */

const CUSTOMERS = 300_000;
const ROWS = 300_000;
/** Rows cycle over fewer customers than the org has, so the file's tail repeats its head. */
const FILE_CUSTOMERS = 280_000;

interface Summary {
  jobId: string;
  status: string;
  rows: { total: number; valid: number; rejected: number; imported: number };
  errorCounts: Record<string, number>;
  fileError: { code: string; message: string } | null;
}

let dir: string;
const places: StorePlace[] = [];

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('loyalty-resume-');
}, 180_000);

afterAll(async () => {
  for (const place of places) await place.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function summaryOf(run: { code: number | null; stdout: string; stderr: string }): Summary {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Summary;
}

/** What a job wrote, in row order, read through a store on `place`: its tracker values and its rejections. */
async function written(place: StorePlace, jobId: string): Promise<{ values: string[]; rejections: string[]; distinctValueRows: number; distinctRows: number }> {
  const store = await place.open();
  try {
    const values = await trackerValuesOf(store, 'big', jobId);
    const rejections = await allOf(store.rejections(jobId));
    return {
      values: values.map((v) => [v.rowNumber, v.loyaltyLogId, v.value, v.userId].join(':')),
      rejections: rejections.map((r) => [r.rowNumber, r.code, r.field].join(':')),
      distinctValueRows: new Set(values.map((v) => v.rowNumber)).size,
      distinctRows: new Set([...values.map((v) => v.rowNumber), ...rejections.map((r) => r.rowNumber)]).size,
    };
  } finally {
    await store.close();
  }
}

/** The job as a store on `place` reads it. */
async function jobOn(place: StorePlace, jobId: string) {
  const store: Store = await place.open();
  try {
    return (await store.getJob(jobId))!;
  } finally {
    await store.close();
  }
}

describe('resuming a killed import', () => {
  it('imports every row of a 300,000-row file exactly once after the import process is killed', async () => {
    const interrupted = await tempPlace();
    places.push(interrupted);
    const file = path.join(dir, 'spend.csv');

    const store = await interrupted.open();
    await loadReferenceData(generateOrg('big', CUSTOMERS), store);
    const template = await saveTemplate(generatedTrackersTemplate('big'), store);
    await store.close();
    // The second database starts from the very same org and template.
    const clean = await interrupted.copy();
    places.push(clean);
    const expected = await writeTrackersFile(file, ROWS, FILE_CUSTOMERS, 33);
    expect(expected.DUPLICATE_IN_FILE).toBeGreaterThan(0);

    const importArgs = ['import', file, '--org', 'big', '--template', template.id, '--json'];

    // Wait until the child has committed at least one chunk of the import, then kill it.
    const { seen, exited, end } = await killImportMidFile(interrupted, importArgs, dir);
    expect(exited, 'the import finished before it could be killed').toBe(false);
    expect(seen?.status).toBe('IMPORTING');
    expect(end.signal).toBe('SIGKILL');
    expect(end.stdout).toBe('');

    // It did not finish: the job is mid-file, with what it committed and nothing more.
    const jobId = seen!.id;
    // Its process gone, the store shows the job INTERRUPTED, mid-file.
    const atKill = await jobOn(interrupted, jobId);
    expect(atKill.status).toBe('INTERRUPTED');
    expect(atKill.finishedAt).toBeNull();
    expect(atKill.checkpointRow).toBeGreaterThan(0);
    expect(atKill.checkpointRow).toBeLessThan(ROWS + 1);
    expect(atKill.counts.total).toBeLessThan(ROWS);
    const partial = await written(interrupted, jobId);
    expect(partial.values.length).toBe(atKill.counts.valid);
    expect(partial.values.length + partial.rejections.length).toBe(atKill.counts.total);

    // The same file imported without interruption into the second database.
    const reference = summaryOf(await runCli(importArgs, { cwd: dir, place: clean }));
    expect(reference.status).toBe('COMPLETED_WITH_ERRORS');
    expect(reference.errorCounts).toEqual(expected);

    const resumed = summaryOf(await runCli(['job', 'resume', jobId, '--json'], { cwd: dir, place: interrupted }));
    expect(resumed.jobId).toBe(jobId);
    expect(resumed.status).toBe('COMPLETED_WITH_ERRORS');
    expect(resumed.fileError).toBeNull();
    expect(resumed.rows).toEqual(reference.rows);
    expect(resumed.rows.total).toBe(ROWS);
    expect(resumed.rows.imported).toBe(resumed.rows.valid);
    expect(resumed.errorCounts).toEqual(expected);

    // Every valid row written exactly once, every row accounted for once, as in the clean run.
    const after = await written(interrupted, jobId);
    expect(after.values.length).toBe(resumed.rows.valid);
    expect(after.distinctValueRows).toBe(resumed.rows.valid);
    expect(after.rejections.length).toBe(resumed.rows.rejected);
    expect(after.distinctRows).toBe(ROWS);
    const referenceWritten = await written(clean, reference.jobId);
    expect(after.values).toEqual(referenceWritten.values);
    expect(after.rejections).toEqual(referenceWritten.rejections);
    expect((await jobOn(interrupted, jobId)).checkpointRow).toBe(ROWS + 1);
  }, 180_000);
});
