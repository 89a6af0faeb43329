import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTrackersTemplate, generateOrg, writeTrackersFile } from '../src/demo/generate.js';
import { call, readEvents, STORE_KINDS, startTestApi, type TestApi, waitForJob } from './api-helpers.js';
import { allTrackerValues, type StorePlace, tempDir } from './helpers.js';

/**
 * Jobs in the background over HTTP, on both stores: progress as server-sent events, cancel, and
 * a server stopped mid-job whose job is INTERRUPTED, then resumed by a new server to import
 * every row exactly once.
 */

type Json = Record<string, unknown>;

const CUSTOMERS = 20_000;
const ROWS = 100_000;

/** How many tracker values the store holds for an org, read through a store of this process. */
async function storedValues(place: StorePlace, org: string): Promise<number> {
  const store = await place.open();
  try {
    return (await allTrackerValues(store, org)).length;
  } finally {
    await store.close();
  }
}

describe.each(STORE_KINDS)('jobs over HTTP on %s', { timeout: 240_000 }, (kind) => {
  let t: TestApi;
  let csv: Buffer;
  let key: string;
  let orgs = 0;
  const work = tempDir('loyalty-api-jobs-');

  /** A new org of the generated data with the generated template; returns its id and key. */
  const newOrg = async (server: TestApi) => {
    const org = `gen-${++orgs}`;
    expect((await call(server, 'PUT', `/api/orgs/${org}/reference-data`, { key: server.admin, json: generateOrg(org, CUSTOMERS) })).status).toBe(200);
    const { org: _o, ...template } = generatedTrackersTemplate(org);
    expect((await call(server, 'POST', `/api/orgs/${org}/templates`, { key: server.admin, json: template })).status).toBe(201);
    return org;
  };
  const startImport = async (server: TestApi, org: string) => {
    const up = await call(server, 'POST', `/api/orgs/${org}/files?name=big.csv`, { key: server.admin, body: csv, headers: { 'content-type': 'text/csv' } });
    expect(up.status).toBe(201);
    const job = await call(server, 'POST', `/api/orgs/${org}/jobs`, { key: server.admin, json: { fileId: up.body.fileId, template: generatedTrackersTemplate(org).name } });
    expect(job.status).toBe(202);
    return String(job.body.jobId);
  };

  beforeAll(async () => {
    const file = path.join(work, 'big.csv');
    await writeTrackersFile(file, ROWS, CUSTOMERS, 33);
    csv = fs.readFileSync(file);
    t = await startTestApi(kind);
    key = t.admin;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('streams progress events while a job runs, then one status event with its summary', async () => {
    const org = await newOrg(t);
    const jobId = await startImport(t, org);
    const events = await readEvents(t, key, org, jobId);
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    const done = progress.map((e) => Number(e.data.rowsDone));
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    expect(progress.some((e) => e.data.rowsTotal === ROWS && Number(e.data.rowsDone) > 0 && Number(e.data.rowsDone) < ROWS)).toBe(true);
    expect(events.at(-1)!.event).toBe('status');
    expect(events.filter((e) => e.event === 'status')).toHaveLength(1);
    expect(events.at(-1)!.data).toMatchObject({ jobId, status: 'COMPLETED_WITH_ERRORS', rows: { total: ROWS }, progress: { rowsDone: ROWS, rowsTotal: ROWS } });
  });

  it('cancels a running job at a chunk boundary: what it committed stays', async () => {
    const org = await newOrg(t);
    const jobId = await startImport(t, org);
    const running = await waitForJob(t, key, org, jobId, (status) => status === 'IMPORTING');
    const before = Number((running.rows as Json).total);
    const cancel = await call(t, 'POST', `/api/orgs/${org}/jobs/${jobId}/cancel`, { key });
    expect(cancel.status).toBe(200);
    const ended = await waitForJob(t, key, org, jobId, (s) => s === 'CANCELLED' || s === 'COMPLETED_WITH_ERRORS');
    expect(ended.status).toBe('CANCELLED');
    const rows = ended.rows as Json;
    // Stopped at the chunk boundary after the request (chunks of 2,000 rows): not after the
    // chunks it had read ahead, nor half a second later. The margin is for the chunks committed
    // while the request travelled.
    expect(Number(rows.total) - before).toBeLessThanOrEqual(5 * 2_000);
    expect(await storedValues(t.place, org)).toBe(Number(rows.imported));
    const resume = await call(t, 'POST', `/api/orgs/${org}/jobs/${jobId}/resume`, { key });
    expect(resume.status).toBe(409);
  });

  it('cancels a queued job at once', async () => {
    const org = await newOrg(t);
    const first = await startImport(t, org);
    // One job at a time on SQLite, two on PostgreSQL: the last of three waits.
    const second = await startImport(t, org);
    const third = await startImport(t, org);
    const cancel = await call(t, 'POST', `/api/orgs/${org}/jobs/${third}/cancel`, { key });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'CANCELLED', rows: { total: 0 } });
    for (const id of [first, second]) expect((await call(t, 'POST', `/api/orgs/${org}/jobs/${id}/cancel`, { key })).status).toBe(200);
    for (const id of [first, second]) expect((await waitForJob(t, key, org, id)).status).toBe('CANCELLED');
  });

  it('leaves a job INTERRUPTED when the server stops, and a new server takes up the queued job and resumes the other to import every row once', async () => {
    const first = await startTestApi(kind, { args: ['--concurrency', '1'] });
    try {
      const org = await newOrg(first);
      const jobId = await startImport(first, org);
      await waitForJob(first, first.admin, org, jobId, (status) => status === 'IMPORTING');
      // A small file waits behind the large one: one job at a time.
      const small = csv.subarray(0, csv.indexOf('\n', 30_000) + 1);
      const up = await call(first, 'POST', `/api/orgs/${org}/files?name=small.csv`, { key: first.admin, body: small, headers: { 'content-type': 'text/csv' } });
      const queued = await call(first, 'POST', `/api/orgs/${org}/jobs`, { key: first.admin, json: { fileId: up.body.fileId, template: generatedTrackersTemplate(org).name } });
      expect(queued.body.status).toBe('QUEUED');
      const listening = readEvents(first, first.admin, org, jobId);
      expect(await first.stop()).toBe(0);
      const last = (await listening).at(-1)!;
      expect(last).toMatchObject({ event: 'status', data: { status: 'INTERRUPTED' } });
      const next = await startTestApi(kind, { place: first.place, env: { LOYALTY_ADMIN_KEY: first.admin } });
      try {
        const ended = (status: string) => ['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELLED'].includes(status);
        // The job left queued runs without being asked.
        const smallDone = await waitForJob(next, first.admin, org, String(queued.body.jobId), ended);
        expect(smallDone.status).toBe('COMPLETED_WITH_ERRORS');
        const interrupted = await call(next, 'GET', `/api/orgs/${org}/jobs/${jobId}`, { key: first.admin });
        expect(interrupted.body.status).toBe('INTERRUPTED');
        expect(Number((interrupted.body.rows as Json).total)).toBeLessThan(ROWS);
        const resumed = await call(next, 'POST', `/api/orgs/${org}/jobs/${jobId}/resume`, { key: first.admin });
        expect(resumed.status).toBe(202);
        const again = await call(next, 'POST', `/api/orgs/${org}/jobs/${jobId}/resume`, { key: first.admin });
        expect(again.status).toBe(409);
        // Until its thread takes it up, the resumed job shows as it was.
        const done = await waitForJob(next, first.admin, org, jobId, ended);
        expect(done).toMatchObject({ status: 'COMPLETED_WITH_ERRORS', rows: { total: ROWS } });
        const rows = done.rows as Json;
        expect(Number(rows.valid) + Number(rows.rejected)).toBe(ROWS);
        expect(await storedValues(first.place, org)).toBe(Number(rows.imported) + Number((smallDone.rows as Json).imported));
        expect(Number(rows.imported) + Number((smallDone.rows as Json).imported)).toBeGreaterThan(CUSTOMERS * 0.9);
      } finally {
        await next.close();
      }
    } finally {
      await first.close();
    }
  });
});
