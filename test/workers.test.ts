import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedTrackersTemplate, generateOrg, writeTrackersFile } from '../src/demo/generate.js';
import { enqueueJob, JobQueue } from '../src/jobs/queue.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import { openStore } from '../src/store/open.js';
import { FINAL_STATUSES, type JobRecord } from '../src/domain/jobs.js';
import { LEASE } from '../src/domain/lease.js';
import type { Store } from '../src/store/port.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { saveTemplate } from '../src/templates/service.js';
import { call, readEvents, startTestApi, type TestApi } from './api-helpers.js';
import { cliJson, ensureBuilt, ON_POSTGRES, pgAdmin, runCli, type StorePlace, startCli, TEST_POSTGRES, tempDir } from './helpers.js';
import { trackerValuesOfJob } from '../src/profiles/trackers/tracker-values.js';

/**
 * Worker processes (`loyalty-import worker`) over one PostgreSQL database, with real processes of
 * the built CLI: queued jobs are shared between workers and each row is written once; a worker
 * killed mid-job leaves its job to another; `import --queue` follows a job a worker runs; a cancel
 * reaches a worker's job; the server with `--workers` hands its jobs to them.
 */

const ORG = 'big';
const CUSTOMERS = 41_000;
/** 30 chunks of 2,000: a job is caught mid-file. */
const ROWS = 60_000;
const HEARTBEAT_MS = 200;
const STALE_MS = 1_500;
LEASE.heartbeatMs = HEARTBEAT_MS;
LEASE.staleMs = STALE_MS;


/** This test's database as a store place a server can be started on (the test drops it). */
function placeOf(location: string, dir: string): StorePlace {
  const place: StorePlace = {
    kind: 'postgres',
    location,
    dir,
    filesDir: '',
    env: {},
    open: () => PostgresStore.open(location),
    copy: () => Promise.reject(new Error('not copied in these tests')),
    drop: async () => undefined,
  };
  return place;
}

const BASE = `loyalty_workers_base_${process.pid}`;
let root: string;
let bigFile: string;
/** The error counts of one runner's import of `bigFile`. */
let bigExpected: Record<string, number>;
let templateId: string;

beforeAll(async () => {
  if (!ON_POSTGRES) return;
  ensureBuilt();
  root = tempDir('loyalty-workers-');
  bigFile = path.join(root, 'spend.csv');
  bigExpected = await writeTrackersFile(bigFile, ROWS, 40_000, 33);
  await pgAdmin((c) => c.query(`create database ${BASE}`));
  const store = await openStore(`${TEST_POSTGRES}/${BASE}`, { create: true });
  try {
    await loadReferenceData(generateOrg(ORG, CUSTOMERS), store);
    templateId = (await saveTemplate(generatedTrackersTemplate(ORG), store)).id;
  } finally {
    await store.close();
  }
}, 180_000);

afterAll(async () => {
  if (!ON_POSTGRES) return;
  await pgAdmin((c) => c.query(`drop database if exists ${BASE} with (force)`));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

// Workers need PostgreSQL: the suite runs once, in the PostgreSQL run (`npm run test:postgres`).
describe.skipIf(!ON_POSTGRES)('workers on PostgreSQL', () => {
  let n = 0;
  let dir: string;
  let location: string;
  let name: string;
  let store: Store;
  const running: ChildProcess[] = [];

  const env = (extra: Record<string, string> = {}) => ({
    LOYALTY_HEARTBEAT_MS: String(HEARTBEAT_MS),
    LOYALTY_LEASE_STALE_MS: String(STALE_MS),
    LOYALTY_CHUNK_ROWS: '2000',
    LOYALTY_DEBUG: '',
    ...extra,
  });
  function worker(concurrency = 1, extra: string[] = []) {
    const started = startCli(['worker', '--concurrency', String(concurrency), ...extra], { cwd: dir, db: location, env: env() });
    running.push(started.child);
    let out = '';
    const ready = new Promise<void>((resolve, reject) => {
      started.child.stderr!.on('data', (s: Buffer | string) => {
        out += String(s);
        if (out.includes(' ready: ')) resolve();
      });
      void started.done.then((end) => reject(new Error(`the worker exited (${end.code}):\n${end.stderr}`)));
    });
    ready.catch(() => undefined);
    return { ...started, ready };
  }
  async function queue(file: string): Promise<JobRecord> {
    const job = await createJob(store, { orgId: ORG, template: templateId, filePath: file, allowDuplicate: true });
    await enqueueJob(location, job.id);
    return job;
  }
  async function until(jobId: string, done: (job: JobRecord) => boolean, ms = 120_000): Promise<JobRecord> {
    const deadline = Date.now() + ms;
    for (;;) {
      const job = (await store.getJob(jobId))!;
      if (done(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} at row ${job.checkpointRow}`);
      await sleep(20);
    }
  }
  const ended = (job: JobRecord) => FINAL_STATUSES.has(job.status);
  async function rowsOf(jobId: string): Promise<number[]> {
    const rows: number[] = [];
    for await (const page of trackerValuesOfJob(store, jobId)) for (const v of page) rows.push(v.rowNumber);
    return rows;
  }
  /** The job's rows are written once each: as many values as imported rows, no row twice. */
  async function writtenOnce(job: JobRecord): Promise<void> {
    const rows = await rowsOf(job.id);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.length).toBe(job.counts.imported);
  }

  beforeEach(async () => {
    dir = tempDir('loyalty-worker-test-');
    name = `loyalty_workers_${process.pid}_${++n}`;
    await pgAdmin((c) => c.query(`create database ${name} template ${BASE}`));
    location = `${TEST_POSTGRES}/${name}`;
    store = await PostgresStore.open(location);
  });

  afterEach(async () => {
    for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await store.close();
    await pgAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two workers run several queued jobs to their end, each row written once', async () => {
    const sizes = [10_000, 12_000, 14_000, 16_000];
    const files = sizes.map((_rows, i) => path.join(dir, `f${i}.csv`));
    await Promise.all(files.map((f, i) => writeTrackersFile(f, sizes[i]!, 40_000, 20 + i)));
    const a = worker();
    const b = worker();
    await Promise.all([a.ready, b.ready]);
    const jobs = [];
    for (const f of files) jobs.push(await queue(f));
    const done = await Promise.all(jobs.map((j) => until(j.id, ended)));
    for (const job of done) {
      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(job.counts.total).toBe(job.counts.valid + job.counts.rejected);
      await writtenOnce(job);
    }
    // Both workers took jobs.
    await sleep(300);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    const [ea, eb] = await Promise.all([a.done, b.done]);
    expect(ea.code).toBe(0);
    expect(eb.code).toBe(0);
    const taken = (s: string) => (s.match(/: taken/g) ?? []).length;
    expect(taken(ea.stderr) + taken(eb.stderr)).toBeGreaterThanOrEqual(4);
    expect(taken(ea.stderr)).toBeGreaterThan(0);
    expect(taken(eb.stderr)).toBeGreaterThan(0);
    // The log is the worker's own: no warning of the queue library about its connections.
    expect(ea.stderr + eb.stderr).not.toContain('error handlers');
  }, 180_000);

  /** The worker logs' lines saying how many ranges of a shared job each committed as a helper. */
  const helpedRanges = (stderr: string) => [...stderr.matchAll(/helped, (\d+) ranges? committed here/g)].reduce((sum, m) => sum + Number(m[1]), 0);

  for (const count of [2, 3]) {
    it(`${count} workers share one job: its ranges are committed by several of them, each row once, as one runner would`, async () => {
      const workers = Array.from({ length: count }, () => worker());
      await Promise.all(workers.map((w) => w.ready));
      const job = await queue(bigFile);
      const done = await until(job.id, ended);
      expect(done.status).toBe('COMPLETED_WITH_ERRORS');
      expect(done.counts.total).toBe(ROWS);
      expect(done.counts.errorCounts).toEqual(bigExpected);
      await writtenOnce(done);
      for (const w of workers) w.child.kill('SIGTERM');
      const logs = (await Promise.all(workers.map((w) => w.done))).map((e) => e.stderr);
      // One worker ran the job; others helped, committing some of its 30 ranges.
      expect(logs.filter((l) => l.includes(`job ${job.id}: taken`))).toHaveLength(1);
      const helped = logs.map(helpedRanges);
      expect(helped.filter((n) => n > 0).length).toBeGreaterThanOrEqual(1);
      expect(helped.reduce((s, n) => s + n, 0)).toBeLessThan(30);
    }, 180_000);
  }

  it('help no worker took is withdrawn when the job ends; with --helpers 0 a job is not shared', async () => {
    const db = new pg.Client({ connectionString: location });
    await db.connect();
    try {
      const count = async (sql: string, value: string) => Number((await db.query(sql, [value])).rows[0].n);
      const helpTasks = (jobId: string) => count('select count(*) as n from graphile_worker.jobs where key like $1', `${jobId}:help:%`);
      const ranges = (jobId: string) => count('select count(*) as n from job_ranges where job_id = $1', jobId);
      // One worker, one job at a time: the job asks for help that nobody can give.
      const alone = worker();
      await alone.ready;
      const shared = await queue(bigFile);
      await until(shared.id, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
      expect(await helpTasks(shared.id)).toBe(7);
      expect(await ranges(shared.id)).toBe(30);
      const done = await until(shared.id, ended);
      expect(done.status).toBe('COMPLETED_WITH_ERRORS');
      await writtenOnce(done);
      for (let waited = 0; (await helpTasks(shared.id)) > 0; waited += 50) {
        if (waited > 1_000) throw new Error('help tasks are left after the job ended');
        await sleep(50);
      }
      expect(await ranges(shared.id)).toBe(0);
      alone.child.kill('SIGTERM');
      await alone.done;

      const unshared = worker(1, ['--helpers', '0']);
      await unshared.ready;
      const job = await queue(bigFile);
      await until(job.id, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
      expect(await helpTasks(job.id)).toBe(0);
      expect(await ranges(job.id)).toBe(0);
      const finished = await until(job.id, ended);
      // The same rows again: each valid row of the first job, and each repeat of one, is ALREADY_TRACKED now.
      expect(finished.counts.total).toBe(ROWS);
      expect(finished.counts.imported).toBe(0);
      expect(finished.counts.errorCounts.ALREADY_TRACKED).toBe(done.counts.imported + done.counts.errorCounts.DUPLICATE_IN_FILE!);
      await writtenOnce(finished);
    } finally {
      await db.end();
    }
  }, 180_000);

  it('a helper killed with SIGKILL in the middle of a range: its range is taken over, the job completes, every row once', async () => {
    const a = worker();
    const b = worker();
    await Promise.all([a.ready, b.ready]);
    const job = await queue(bigFile);
    const db = new pg.Client({ connectionString: location });
    await db.connect();
    let victim: typeof a | undefined;
    try {
      // A range held by the worker that does not run the job: a helper, mid-range.
      for (let waited = 0; !victim; waited += 10) {
        const current = (await store.getJob(job.id))!;
        if (waited > 60_000 || ended(current)) throw new Error(`no helper was caught holding a range (the job is ${current.status})`);
        const held = await db.query<{ runner: string }>('select runner from job_ranges where job_id = $1 and runner is not null and first_row > $2', [job.id, current.checkpointRow]);
        victim = [a, b].find((w) => !current.runner?.includes(`:${w.child.pid}:`) && held.rows.some((r) => r.runner.includes(`:${w.child.pid}:`)));
        if (!victim) await sleep(10);
      }
    } finally {
      await db.end();
    }
    victim.child.kill('SIGKILL');
    await victim.done;
    const done = await until(job.id, ended);
    expect(done.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.counts.total).toBe(ROWS);
    expect(done.counts.errorCounts).toEqual(bigExpected);
    await writtenOnce(done);
  }, 180_000);

  it('a worker killed mid-job leaves its job to another worker, which finishes it: every row once', async () => {
    const first = worker();
    const job = await queue(bigFile);
    const caught = await until(job.id, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
    expect(caught.runner).toContain(`:${first.child.pid}:`);
    first.child.kill('SIGKILL');
    await first.done;
    const second = worker();
    const done = await until(job.id, ended);
    expect(done.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.counts.total).toBe(ROWS);
    await writtenOnce(done);
    second.child.kill('SIGTERM');
    const end = await second.done;
    expect(end.stderr).toContain('its runner was lost, queued again');
  }, 180_000);

  it('a worker stopped with SIGTERM commits its chunk and hands its job back; another worker finishes it', async () => {
    const first = worker();
    const job = await queue(bigFile);
    await until(job.id, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('queued again');
    const left = (await store.getJob(job.id))!;
    expect(left.status).toBe('INTERRUPTED');
    worker();
    const done = await until(job.id, ended);
    expect(done.status).toBe('COMPLETED_WITH_ERRORS');
    expect(done.counts.total).toBe(ROWS);
    await writtenOnce(done);
  }, 180_000);

  it('import --queue hands the job to a worker and prints its summary and exit code; with no worker connected it says the job waits', async () => {
    const small = path.join(dir, 'small.csv');
    await writeTrackersFile(small, 5_000, 40_000, 25);
    const waiting = startCli(['import', small, '--org', ORG, '--template', templateId, '--queue'], { cwd: dir, db: location, env: env() });
    running.push(waiting.child);
    let said = '';
    await new Promise<void>((resolve) => {
      waiting.child.stderr!.on('data', (s: Buffer | string) => {
        said += String(s);
        if (said.includes('No worker is connected to this database: the job waits until one starts')) resolve();
      });
    });
    expect(said).toContain('queued for the workers');
    await worker().ready;
    const human = await waiting.done;
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Job \S+: COMPLETED_WITH_ERRORS/);
    const run = await runCli(['--json', 'import', small, '--org', ORG, '--template', templateId, '--queue', '--allow-duplicate'], { cwd: dir, db: location, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('No worker');
    const summary = cliJson<{ jobId: string; status: string; rows: { total: number; imported: number } }>(run);
    expect(summary.status).toBe('COMPLETED_WITH_ERRORS');
    expect(summary.rows.total).toBe(5_000);
    const job = (await store.getJob(summary.jobId))!;
    await writtenOnce(job);
  }, 180_000);

  it('cancel of a job a worker runs: CANCELLED at its next chunk boundary, what was committed kept once', async () => {
    const w = worker();
    const job = await queue(bigFile);
    await until(job.id, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
    const cancel = await runCli(['--json', 'job', 'cancel', job.id], { cwd: dir, db: location, env: env() });
    expect(cancel.code, cancel.stderr).toBe(0);
    const done = await until(job.id, ended);
    expect(done.status).toBe('CANCELLED');
    expect(done.counts.total).toBeLessThan(ROWS);
    await writtenOnce(done);
    // The worker goes on: it runs the next job.
    const next = await queue(bigFile);
    expect((await until(next.id, ended)).status).toBe('COMPLETED_WITH_ERRORS');
    w.child.kill('SIGTERM');
    expect((await w.done).code).toBe(0);
  }, 180_000);

  it('workers and queue connections started at once on a new database all find the queue made', async () => {
    const workers = [worker(), worker()];
    const queues = await Promise.all([JobQueue.open(location), JobQueue.open(location), JobQueue.open(location)]);
    await Promise.all(workers.map((w) => w.ready));
    try {
      const job = await createJob(store, { orgId: ORG, template: templateId, filePath: bigFile, allowDuplicate: true });
      await queues[1]!.enqueue(job.id);
      const done = await until(job.id, ended);
      expect(done.status).toBe('COMPLETED_WITH_ERRORS');
      await writtenOnce(done);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  }, 180_000);

  it('a queued job that cannot go on (its copy changed) stays INTERRUPTED and leaves the queue until it is resumed', async () => {
    const stop = new AbortController();
    const created = await createJob(store, { orgId: ORG, template: templateId, filePath: bigFile, allowDuplicate: true });
    const stopped = await runJob(store, created.id, { chunkRows: 2000, signal: stop.signal, onProgress: (p) => p.done > 0 && stop.abort() });
    expect(stopped.status).toBe('INTERRUPTED');
    const copy = { id: stopped.fileId!, path: stopped.filePath };
    await store.fileBytes.remove(copy);
    await store.fileBytes.write(
      copy.id,
      (async function* () {
        yield Buffer.from('Mobile,Bill No,Date,Store,Value\n');
      })(),
    );
    const w = worker();
    await w.ready;
    await enqueueJob(location, created.id);
    const db = new pg.Client({ connectionString: location });
    await db.connect();
    try {
      const queued = async () => (await db.query<{ queued: number }>('select queued from jobs where id = $1', [created.id])).rows[0]!.queued;
      for (let waited = 0; (await queued()) === 1; waited += 50) {
        if (waited > 30_000) throw new Error('the job is still queued');
        await sleep(50);
      }
      // Several sweeps later it is still out of the queue, INTERRUPTED, with what it had committed.
      await sleep(3 * Math.max(1_000, HEARTBEAT_MS) + STALE_MS);
      expect(await queued()).toBe(0);
      const tasks = await db.query('select 1 from graphile_worker.jobs where key = $1', [created.id]);
      expect(tasks.rowCount).toBe(0);
      const kept = (await store.getJob(created.id))!;
      expect(kept.status).toBe('INTERRUPTED');
      expect(kept.counts).toEqual(stopped.counts);
    } finally {
      await db.end();
    }
  }, 120_000);

  it('import --queue of a job the workers cannot go on with (its copy changed while it waited) ends INTERRUPTED, exit 1', async () => {
    const first = worker();
    await first.ready;
    const following = startCli(['import', bigFile, '--org', ORG, '--template', templateId, '--queue', '--allow-duplicate'], { cwd: dir, db: location, env: env() });
    running.push(following.child);
    const [made] = await (async () => {
      for (;;) {
        const jobs = await store.listJobs(ORG);
        const busy = jobs.filter((j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
        if (busy.length > 0) return busy;
        await sleep(20);
      }
    })();
    first.child.kill('SIGTERM');
    await first.done;
    const copy = { id: made!.fileId!, path: made!.filePath };
    await store.fileBytes.remove(copy);
    await store.fileBytes.write(
      copy.id,
      (async function* () {
        yield Buffer.from('Mobile,Bill No,Date,Store,Value\n');
      })(),
    );
    worker();
    const end = await following.done;
    expect(end.code, end.stderr).toBe(1);
    expect(end.stderr).toContain('the workers cannot go on with it');
    expect(end.stderr).toContain(`loyalty-import --db ${location} job resume ${made!.id}`);
    expect(end.stdout).toMatch(/INTERRUPTED/);
    expect((await store.getJob(made!.id))!.status).toBe('INTERRUPTED');
  }, 120_000);

  it('the server with --workers hands a job made over HTTP to a worker; resume and cancel reach it', async () => {
    // Started together on a new database: both make the queue's schema, one after the other.
    const first = worker();
    let server: TestApi | null = null;
    try {
      server = await startTestApi('postgres', { place: placeOf(location, dir), args: ['--workers'], env: env() });
      await first.ready;
      const csv = fs.readFileSync(bigFile);
      const up = await call(server, 'POST', `/api/orgs/${ORG}/files?name=big.csv`, { key: server.admin, body: csv, headers: { 'content-type': 'text/csv' } });
      expect(up.status, up.text).toBe(201);
      const made = await call(server, 'POST', `/api/orgs/${ORG}/jobs`, { key: server.admin, json: { fileId: up.body.fileId, template: templateId } });
      expect(made.status, made.text).toBe(202);
      const jobId = String(made.body.jobId);
      const done = await until(jobId, ended);
      expect(done.status).toBe('COMPLETED_WITH_ERRORS');
      await writtenOnce(done);
      const got = await call(server, 'GET', `/api/orgs/${ORG}/jobs/${jobId}`, { key: server.admin });
      expect(got.body.status).toBe('COMPLETED_WITH_ERRORS');
      // A running job cancelled over HTTP: the worker stops it at its next chunk boundary.
      const second = await call(server, 'POST', `/api/orgs/${ORG}/jobs`, { key: server.admin, json: { fileId: up.body.fileId, template: templateId, allowDuplicate: true } });
      const secondId = String(second.body.jobId);
      await until(secondId, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
      const cancelled = await call(server, 'POST', `/api/orgs/${ORG}/jobs/${secondId}/cancel`, { key: server.admin });
      expect(cancelled.status, cancelled.text).toBeLessThan(300);
      expect((await until(secondId, ended)).status).toBe('CANCELLED');
      // A job a person ran and stopped (INTERRUPTED, not queued) is the workers' only once resumed.
      const stop = new AbortController();
      const stopped = await createJob(store, { orgId: ORG, template: templateId, filePath: bigFile, allowDuplicate: true });
      const left = await runJob(store, stopped.id, { chunkRows: 2000, signal: stop.signal, onProgress: (p) => p.done > 0 && stop.abort() });
      expect(left.status).toBe('INTERRUPTED');
      await sleep(STALE_MS + 500);
      expect((await store.getJob(stopped.id))!.status).toBe('INTERRUPTED');
      const resumed = await call(server, 'POST', `/api/orgs/${ORG}/jobs/${stopped.id}/resume`, { key: server.admin });
      expect(resumed.status, resumed.text).toBe(202);
      const finished = await until(stopped.id, ended);
      expect(finished.status).toBe('COMPLETED_WITH_ERRORS');
      expect(finished.counts.total).toBe(ROWS);
      await writtenOnce(finished);
    } finally {
      await server?.stop();
      if (server) fs.rmSync(server.dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('the server without --workers hands its jobs to a connected worker, and runs them itself once none is connected', async () => {
    const first = worker();
    await first.ready;
    let server: TestApi | null = null;
    try {
      server = await startTestApi('postgres', { place: placeOf(location, dir), env: env() });
      const up = await call(server, 'POST', `/api/orgs/${ORG}/files?name=big.csv`, { key: server.admin, body: fs.readFileSync(bigFile), headers: { 'content-type': 'text/csv' } });
      expect(up.status, up.text).toBe(201);
      const start = async () => {
        const made = await call(server!, 'POST', `/api/orgs/${ORG}/jobs`, { key: server!.admin, json: { fileId: up.body.fileId, template: templateId, allowDuplicate: true } });
        expect(made.status, made.text).toBe(202);
        return String(made.body.jobId);
      };
      const byWorker = await start();
      const done = await until(byWorker, ended);
      expect(done.status).toBe('COMPLETED_WITH_ERRORS');
      expect(done.counts.total).toBe(ROWS);
      await writtenOnce(done);
      // The worker stops in the middle of the next job: it is queued again, and with no worker
      // left the server takes it back and finishes it after its last committed chunk.
      const handedOver = await start();
      await until(handedOver, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
      first.child.kill('SIGTERM');
      const log = (await first.done).stderr;
      expect(log).toContain(`job ${byWorker}: taken`);
      expect(log).toContain(`job ${handedOver}: taken`);
      expect(log).toContain(`job ${handedOver}: INTERRUPTED, queued again`);
      const finished = await until(handedOver, ended);
      expect(finished.status).toBe('COMPLETED_WITH_ERRORS');
      expect(finished.counts.total).toBe(ROWS);
      expect(finished.queued).toBe(false);
      await writtenOnce(finished);
      // No worker: a new job runs in the server.
      const alone = await until(await start(), ended);
      expect(alone.status).toBe('COMPLETED_WITH_ERRORS');
      expect(alone.queued).toBe(false);
    } finally {
      await server?.stop();
      if (server) fs.rmSync(server.dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("the server's events of a job follow it across workers: one stops, another finishes, the stream ends with its summary", async () => {
    const first = worker();
    await first.ready;
    let server: TestApi | null = null;
    try {
      server = await startTestApi('postgres', { place: placeOf(location, dir), args: ['--workers'], env: env() });
      const up = await call(server, 'POST', `/api/orgs/${ORG}/files?name=big.csv`, { key: server.admin, body: fs.readFileSync(bigFile), headers: { 'content-type': 'text/csv' } });
      const made = await call(server, 'POST', `/api/orgs/${ORG}/jobs`, { key: server.admin, json: { fileId: up.body.fileId, template: templateId } });
      const jobId = String(made.body.jobId);
      const events = readEvents(server, server.admin, ORG, jobId);
      await until(jobId, (j) => j.status === 'IMPORTING' && j.checkpointRow > 0);
      first.child.kill('SIGTERM');
      expect((await first.done).code).toBe(0);
      worker();
      const seen = await events;
      const last = seen.at(-1)!;
      expect(last.event).toBe('status');
      expect(last.data.status).toBe('COMPLETED_WITH_ERRORS');
      expect(seen.filter((e) => e.event === 'progress').length).toBeGreaterThan(1);
      await writtenOnce((await store.getJob(jobId))!);
    } finally {
      await server?.stop();
      if (server) fs.rmSync(server.dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('on SQLite, `worker` and `import --queue` are refused (exit 2): workers need PostgreSQL', async () => {
    const db = path.join(dir, 'store.db');
    const w = await runCli(['worker'], { cwd: dir, db, env: env() });
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('needs a PostgreSQL store');
    const i = await runCli(['import', bigFile, '--org', ORG, '--template', 'x', '--queue'], { cwd: dir, db, env: env() });
    expect(i.code).toBe(2);
    expect(i.stderr).toContain('import --queue needs a PostgreSQL store');
    const s = await runCli(['serve', '--workers', '--port', '0'], { cwd: dir, db, env: env({ LOYALTY_ADMIN_KEY: 'k'.repeat(40) }) });
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('serve --workers needs a PostgreSQL store');
  }, 60_000);
});
