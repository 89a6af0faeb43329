import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generatedPromotionTemplate,
  generatedTrackersTemplate,
  generateOrg,
  writePromotionFile,
  writeTrackersFile,
} from '../src/demo/generate.js';
import type { JobRecord } from '../src/domain/jobs.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { allTrackerValues, ledgerOf, tempStoreForEachTest } from './helpers.js';

/**
 * Two imports of the same transactions and customers at the same time, on one store: a tracker
 * value is written once, by whichever job commits it first, and the other job's row meets it as
 * ALREADY_TRACKED; points under a promotion add up, whichever job commits first.
 */

const ORG = 'twin';
const CUSTOMERS = 3_000;
const CHUNK = { chunkRows: 250 };

describe('two jobs at once on the same transactions and customers', () => {
  let store: Store;
  let dir: string;
  tempStoreForEachTest(async (t) => {
    store = t.store;
    dir = t.dir;
    await loadReferenceData(generateOrg(ORG, CUSTOMERS), store);
  });

  /** The same rows in two files whose bytes differ (a blank line at the end), so that neither is refused as a duplicate of the other. */
  function twinFiles(file: string): [string, string] {
    const twin = path.join(dir, `twin-${path.basename(file)}`);
    fs.writeFileSync(twin, `${fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '')}\n\n`);
    return [file, twin];
  }

  async function runBoth(template: string, files: [string, string]): Promise<[JobRecord, JobRecord]> {
    const [a, b] = await Promise.all(files.map((filePath) => createJob(store, { orgId: ORG, template, filePath })));
    const [doneA, doneB] = await Promise.all([runJob(store, a!.id, CHUNK), runJob(store, b!.id, CHUNK)]);
    return [doneA, doneB];
  }

  it('Trackers: every value written once; each valid row is imported by one job and ALREADY_TRACKED in the other', async () => {
    const file = path.join(dir, 'spend.csv');
    const expected = await writeTrackersFile(file, CUSTOMERS, CUSTOMERS);
    const invalid = Object.values(expected).reduce((s, n) => s + n, 0);
    const valid = CUSTOMERS - invalid;
    const template = (await saveTemplate(generatedTrackersTemplate(ORG), store)).id;

    const [a, b] = await runBoth(template, twinFiles(file));

    for (const job of [a, b]) {
      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(job.counts.total).toBe(CUSTOMERS);
    }
    expect(a.counts.imported + b.counts.imported).toBe(valid);
    expect((a.counts.errorCounts.ALREADY_TRACKED ?? 0) + (b.counts.errorCounts.ALREADY_TRACKED ?? 0)).toBe(valid);
    expect(a.counts.errorCounts.DUPLICATE_IN_FILE ?? 0).toBe(0);
    expect(b.counts.errorCounts.DUPLICATE_IN_FILE ?? 0).toBe(0);
    const values = await allTrackerValues(store, ORG);
    expect(values).toHaveLength(valid);
    expect(new Set(values.map((v) => `${v.trackerId}:${v.loyaltyLogId}:${v.itemId ?? 0}`)).size).toBe(valid);
    expect(values.filter((v) => v.jobId === a.id)).toHaveLength(a.counts.imported);
    expect(values.filter((v) => v.jobId === b.id)).toHaveLength(b.counts.imported);
  }, 120_000);

  it('Customer Promotion: both jobs award every valid row; the ledger holds both, once each', async () => {
    const file = path.join(dir, 'bonus.csv');
    const expected = await writePromotionFile(file, CUSTOMERS, CUSTOMERS);
    const valid = CUSTOMERS - Object.values(expected).reduce((s, n) => s + n, 0);
    const template = (await saveTemplate(generatedPromotionTemplate(ORG), store)).id;

    const [a, b] = await runBoth(template, twinFiles(file));

    for (const job of [a, b]) {
      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(job.counts.imported).toBe(valid);
      const entries = await ledgerOf(store, ORG, job.id);
      expect(entries).toHaveLength(valid);
      expect(new Set(entries.map((e) => e.rowNumber)).size).toBe(valid);
    }
    const [first, second] = await Promise.all([ledgerOf(store, ORG, a.id), ledgerOf(store, ORG, b.id)]);
    expect(first.map((e) => [e.userId, e.points])).toEqual(second.map((e) => [e.userId, e.points]));
  }, 120_000);
});
