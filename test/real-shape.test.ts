import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOrg, realPromotionTemplate, realTrackersTemplate, writeRealPromotionFile, writeRealTrackersFile } from '../src/demo/generate.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { tempStore } from './helpers.js';
import { trackerValuesOfJob } from '../src/profiles/trackers/tracker-values.js';

/**
 * The files the benchmark measures by default, shaped like real exports (random customers,
 * national mobiles with appendCountryCode, dates with and without a time, invalid rows at random
 * places), import with exactly the rejections their generator expects, in chunks small enough
 * that duplicates and lookups cross chunk boundaries.
 */

const CUSTOMERS = 3_000;
const ROWS = 4_500;

describe('files shaped like real exports', () => {
  let store: Store;
  let dir: string;

  beforeEach(async () => {
    ({ store, dir } = await tempStore());
    await loadReferenceData(generateOrg('shop', CUSTOMERS), store);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (template: string, file: string, dryRun = false) => {
    const job = await createJob(store, { orgId: 'shop', template, filePath: file, dryRun, allowDuplicate: true });
    return runJob(store, job.id, { chunkRows: 700 });
  };

  it('Trackers: every rejection the generator put in, and a value for every other row', async () => {
    const file = path.join(dir, 'pos.csv');
    const expected = await writeRealTrackersFile(file, ROWS, CUSTOMERS);
    // Rows past the first 3,000 name customers again: the second time is a duplicate.
    expect(expected.DUPLICATE_IN_FILE).toBeGreaterThan(1_000);
    const template = await saveTemplate(realTrackersTemplate('shop'), store);

    const dry = await run(template.id, file, true);
    const job = await run(template.id, file);
    const rejected = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(job.counts.errorCounts).toEqual(expected);
    expect(job.counts).toMatchObject({ total: ROWS, rejected, imported: ROWS - rejected });
    expect(dry.counts).toEqual({ ...job.counts, imported: 0 });
    let stored = 0;
    for await (const page of trackerValuesOfJob(store, job.id)) stored += page.length;
    expect(stored).toBe(ROWS - rejected);
  });

  it('Customer Promotion: every rejection the generator put in, and points for every other row', async () => {
    const file = path.join(dir, 'crm.csv');
    const expected = await writeRealPromotionFile(file, ROWS, CUSTOMERS);
    const template = await saveTemplate(realPromotionTemplate('shop'), store);

    const job = await run(template.id, file);
    const rejected = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(rejected).toBeGreaterThan(ROWS / 50);
    expect(job.counts.errorCounts).toEqual(expected);
    expect(job.counts).toMatchObject({ total: ROWS, rejected, imported: ROWS - rejected });
  });
});
