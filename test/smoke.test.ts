import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { JobConflictError } from '../src/store/job-conflict-error.js';
import type { Store } from '../src/store/port.js';
import { codes, loadOrg, ON_POSTGRES, runImport, tempPlace, tempStore } from './helpers.js';
import { TRACKER_VALUES, trackerValues } from '../src/profiles/trackers/tracker-values.js';
import { insertRows } from '../src/store/tables.js';

let store: Store;
/** The store of the test, if it made one with `acmeStore`: closed and removed after it. */
let opened: { store: Store; dir: string } | undefined;

/** A fresh store with the acme org. */
async function acmeStore(): Promise<Store> {
  opened = await tempStore();
  await loadOrg(opened.store);
  return opened.store;
}

afterEach(async () => {
  if (!opened) return;
  await opened.store.close();
  fs.rmSync(opened.dir, { recursive: true, force: true });
  opened = undefined;
});

describe('a Trackers import end to end', () => {
  it('imports valid rows and rejects a row whose customer matches nothing', async () => {
    store = await acmeStore();
    const csv = ['Mobile,Bill Number,Transaction Date,Store Code,Tracked Value', '919876543211,B-1,2025-03-01 10:15,S001,12.50', '919999999999,B-2,2025-03-02,S001,3'].join('\n');
    const { job, rejections } = await runImport(store, { config: { tracker: 'Spend 2025' } }, csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toMatchObject({ total: 2, valid: 1, rejected: 1, imported: 1 });
    expect(codes(rejections)).toEqual([[3, 'CUSTOMER_NOT_FOUND', 'customer']]);
    const values = await trackerValues(store, 'acme', 11);
    expect(values).toEqual([{ trackerId: 11, loyaltyLogId: 90001, itemId: null, value: '12.5', userId: 1002, groupId: null, jobId: job.id, rowNumber: 2 }]);
  });
});

describe('what a job reports about its columns and duplicates', () => {
  it('lists as matched automatically only the fields the job reads', async () => {
    store = await acmeStore();
    const csv = ['Mobile,Loyalty Log Id,Store Code,Bill Number,Tracked Value', '919876543210,90002,S001,B-2,1'].join('\n');
    const { job } = await runImport(store, { mapping: { customer: 'Mobile' }, config: { tracker: 11, billIdentification: 'LOYALTY_LOG_ID' } }, csv);
    expect(job.status).toBe('COMPLETED');
    expect(job.autoMapped).toEqual({ loyaltyLogId: 'Loyalty Log Id', trackedValue: 'Tracked Value' });
  });

  it('names the cell of a row that repeats an earlier row of the file', async () => {
    store = await acmeStore();
    const csv = ['Mobile,Loyalty Log Id,Tracked Value', '919876543210,90002,1', '919876543210,90002,2'].join('\n');
    const { rejections } = await runImport(store, { config: { tracker: 11, billIdentification: 'LOYALTY_LOG_ID' } }, csv);
    expect(rejections.map((r) => [r.rowNumber, r.code, r.field, r.value])).toEqual([[3, 'DUPLICATE_IN_FILE', 'loyaltyLogId', '90002']]);
  });
});

describe('lookups on a reader thread', () => {
  // SQLite only: the reader thread is the SQLite store's second connection (PostgreSQL has its pool).
  it.skipIf(ON_POSTGRES)('give the same outcome as lookups on the main connection, across chunks', async () => {
    const outcomes = [];
    for (const readerThread of [false, true]) {
      const place = await tempPlace('sqlite');
      const s = await place.open({ readerThread });
      try {
        await loadOrg(s);
        const csv = [
          'Mobile,Bill Number,Transaction Date,Store Code,Tracked Value',
          '919876543211,B-1,2025-03-01,S001,1',
          '919876543210,B-2,2025-03-02,S001,2',
          '919876543210,B-2,2025-03-02,S001,3',
          '919999999999,B-3,2025-03-02,S002,4',
          '919876543212,B-3,2025-03-02,S002,5',
        ].join('\n');
        const { job, rejections } = await runImport(s, { config: { tracker: 'Spend 2025' } }, csv, { chunkRows: 2 });
        const values = (await trackerValues(s, 'acme', 11)).map((v) => [v.rowNumber, v.loyaltyLogId, v.value]);
        outcomes.push({ counts: job.counts, rejections: codes(rejections), values });
      } finally {
        await s.close();
        await place.drop();
      }
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[0]!.rejections).toEqual([
      [4, 'DUPLICATE_IN_FILE', 'billNumber'],
      [5, 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    expect(outcomes[0]!.values).toEqual([
      [2, 90001, '1'],
      [3, 90002, '2'],
      [6, 90003, '5'],
    ]);
  });
});

describe('a chunk committed twice', () => {
  it('is refused as another process running the job, and writes nothing', async () => {
    store = await acmeStore();
    const csv = ['Mobile,Loyalty Log Id,Tracked Value', '919876543210,90002,1'].join('\n');
    const { job } = await runImport(store, { config: { tracker: 11, billIdentification: 'LOYALTY_LOG_ID' } }, csv);
    const again = store.commitChunk({
      jobId: job.id,
      afterRow: 0,
      checkpointRow: job.checkpointRow,
      counts: job.counts,
      rejections: [],
      writes: [
        insertRows(TRACKER_VALUES, [
          { org_id: 'acme', tracker_id: 11, loyalty_log_id: 90003, item_id: null, value: '9', user_id: 1003, group_id: null, job_id: job.id, row_number: 9 },
        ]),
      ],
    });
    await expect(again).rejects.toBeInstanceOf(JobConflictError);
    await expect(again).rejects.toThrow(new RegExp(`Job ${job.id} is being run by another process`));
    expect((await trackerValues(store, 'acme', 11)).map((v) => v.loyaltyLogId)).toEqual([90002]);
  });
});
