import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedTrackersTemplate, generateOrg, mobileOf, storeCode, transactionDateOf, writeTrackersFile } from '../src/demo/generate.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import type { JobRecord } from '../src/domain/jobs.js';
import { LEASE } from '../src/domain/lease.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { type CliRun, cliJson, ensureBuilt, ON_POSTGRES, runCli, type StorePlace, startCli, TEST_KIND, tempDir, tempPlace } from './helpers.js';
import { trackerValuesOfJob, trackerValues } from '../src/profiles/trackers/tracker-values.js';

/**
 * A job's integrity against the world around it, with real processes of the built CLI, on the
 * run's store: SQLite, or PostgreSQL with TEST_STORE=postgres (spec: jobs.md, "Job"; cli.md): the
 * operator's file changed while a job reads it, the duplicate-file guard beside an unfinished job,
 * signals, cancel from a second process, a resume of a job that runs elsewhere, a SQLite store
 * removed under a job, an unreadable file.
 *
 * One base store loads the org once; every test runs on a copy of it (a copied SQLite file, a
 * PostgreSQL database made from it as a template), so tests never see each other's jobs.
 */

/** Customers of the org; the file names the first FILE_CUSTOMERS, so the rest are free to append. */
const CUSTOMERS = 41_000;
const FILE_CUSTOMERS = 40_000;
/** Enough rows to catch the job mid-file (40 chunks of 2,000); its second half repeats its first (DUPLICATE_IN_FILE). */
const ROWS = 80_000;
const ORG = 'big';

/** A shortened lease: a killed job shows INTERRUPTED after STALE_MS. */
const HEARTBEAT_MS = 200;
const STALE_MS = 1_500;
// This process reads jobs too: it must see a killed runner's lease as stale just as the CLI does.
LEASE.heartbeatMs = HEARTBEAT_MS;
LEASE.staleMs = STALE_MS;

/** A lease that outlives a paused process and a second process's start on a busy machine. */
const LIVE_LEASE = { LOYALTY_LEASE_STALE_MS: '120000' };

type Value = [rowNumber: number, loyaltyLogId: number, value: string];

interface Summary {
  jobId: string;
  status: string;
  rows: { total: number; valid: number; rejected: number; imported: number };
  errorCounts: Record<string, number>;
  fileError: { code: string; message: string } | null;
  file: { name: string; sha256: string | null; size: number };
}

/** Makes the base store: the org and its template loaded. */
async function makeBase(): Promise<StorePlace> {
  const base = await tempPlace();
  const store = await base.open();
  try {
    await loadReferenceData(generateOrg(ORG, CUSTOMERS), store);
    await saveTemplate(generatedTrackersTemplate(ORG), store);
  } finally {
    await store.close();
  }
  return base;
}

let root: string;
/** The file every test imports (tests that change it change a copy). */
let original: string;
let originalSha: string;

beforeAll(async () => {
  ensureBuilt();
  root = tempDir('loyalty-integrity-');
  original = path.join(root, 'spend.csv');
  await writeTrackersFile(original, ROWS, FILE_CUSTOMERS, 33);
  originalSha = createHash('sha256').update(fs.readFileSync(original)).digest('hex');
}, 180_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Valid rows of customers the file does not name: imported, they would show. */
function extraRows(count: number): string {
  const out: string[] = [];
  for (let u = FILE_CUSTOMERS + 1; u <= FILE_CUSTOMERS + count; u++) {
    const t = transactionDateOf(u);
    const p = (n: number) => String(n).padStart(2, '0');
    out.push(`${mobileOf(u)},B-${u},${p(t.day)}/${p(t.month)}/2025 ${p(t.hour)}:${p(t.minute)},${storeCode(u)},7.50`);
  }
  return `${out.join('\n')}\n`;
}

async function valuesOf(store: Store, jobId: string): Promise<Value[]> {
  const out: Value[] = [];
  for await (const page of trackerValuesOfJob(store, jobId)) for (const v of page) out.push([v.rowNumber, v.loyaltyLogId, v.value]);
  return out.sort((a, b) => a[0] - b[0]);
}

/** Row numbers written more than once. */
/** Reads a stream to its end. */
async function drain(source: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of source) {
    // Read and dropped.
  }
}

function repeated(values: Value[]): number[] {
  const seen = new Set<number>();
  const twice: number[] = [];
  for (const [row] of values) {
    if (seen.has(row)) twice.push(row);
    seen.add(row);
  }
  return twice;
}

function json<T = Summary>(run: CliRun): T {
  return cliJson<T>(run);
}

describe(`the ${TEST_KIND} store`, () => {
  let base: StorePlace;
  let templateId: string;
  /** The file imported without interruption: its summary and the values it wrote. */
  let reference: { summary: Summary; values: Value[] };

  // This test's store, its folder, and a store opened on it to read what the CLI wrote.
  let dir: string;
  let place: StorePlace;
  let store: Store;
  const running: ChildProcess[] = [];

  const env = (extra: Record<string, string> = {}) => ({
    ...place.env,
    LOYALTY_HEARTBEAT_MS: String(HEARTBEAT_MS),
    LOYALTY_LEASE_STALE_MS: String(STALE_MS),
    // Many small chunks, so that a job is caught, signalled and killed between two of them.
    LOYALTY_CHUNK_ROWS: '2000',
    LOYALTY_DEBUG: '',
    ...extra,
  });
  const cli = (args: string[], extra?: Record<string, string>) => runCli(args, { cwd: dir, db: place.location, env: env(extra) });
  const importArgs = (file: string, ...extra: string[]) => ['import', file, '--org', ORG, '--template', templateId, ...extra];
  function start(args: string[], extra?: Record<string, string>) {
    const started = startCli(args, { cwd: dir, db: place.location, env: env(extra) });
    running.push(started.child);
    return started;
  }

  /** A copy of the original file in this test's folder. */
  function copyOfFile(name = 'spend.csv'): string {
    const file = path.join(dir, name);
    fs.copyFileSync(original, file);
    return file;
  }

  /** Waits until the newest job has committed a chunk of its import, and returns it; fails if the process ends first. */
  async function midFile(done: Promise<CliRun>): Promise<JobRecord> {
    let ended: CliRun | null = null;
    void done.then((r) => {
      ended = r;
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const [job] = await store.listJobs(ORG);
      if (job && job.status === 'IMPORTING' && job.checkpointRow > 0) return job;
      if (ended) throw new Error(`the import ended before it was caught mid-file: ${JSON.stringify(ended)}`);
      await sleep(10);
    }
    throw new Error('no job committed a chunk within 60 s');
  }

  /**
   * Stops the process (SIGSTOP) at a moment it holds no lock on the job: stopped inside a chunk's
   * transaction, it would keep a cancel waiting on the job's row until it goes on.
   */
  async function pauseBetweenCommits(child: ChildProcess, jobId: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      child.kill('SIGSTOP');
      await allThreadsStopped(child.pid!);
      if (await jobRowFree(jobId)) return;
      child.kill('SIGCONT');
      await sleep(5);
    }
    throw new Error('the import never paused outside a commit');
  }

  /** Waits until every thread of the process has stopped: a signal is delivered after `kill` returns. */
  async function allThreadsStopped(pid: number): Promise<void> {
    const state = (task: string) => fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    for (let waited = 0; waited < 2_000; waited++) {
      if (fs.readdirSync(`/proc/${pid}/task`).every((task) => state(task) === 'T')) return;
      await sleep(1);
    }
    throw new Error(`process ${pid} did not stop`);
  }

  /** Whether another connection could write the job's row at once. */
  async function jobRowFree(jobId: string): Promise<boolean> {
    if (ON_POSTGRES) {
      const client = new pg.Client({ connectionString: place.location });
      await client.connect();
      try {
        await client.query('begin');
        await client.query('select 1 from jobs where id = $1 for update nowait', [jobId]);
        return true;
      } catch {
        return false;
      } finally {
        await client.query('rollback').catch(() => undefined);
        await client.end();
      }
    }
    const db = new BetterSqlite3(place.location);
    try {
      db.pragma('busy_timeout = 0');
      db.exec('begin immediate');
      db.exec('rollback');
      return true;
    } catch {
      return false;
    } finally {
      db.close();
    }
  }

  /** Waits until the job is INTERRUPTED as this process sees it (its runner's lease stale). */
  async function interrupted(jobId: string): Promise<JobRecord> {
    const deadline = Date.now() + STALE_MS * 4;
    for (;;) {
      const job = (await store.getJob(jobId))!;
      if (job.status === 'INTERRUPTED' || Date.now() > deadline) return job;
      await sleep(50);
    }
  }

  beforeAll(async () => {
    base = await makeBase();
    // The reference: the file imported without interruption.
    dir = tempDir('loyalty-integrity-ref-');
    place = await base.copy();
    store = await place.open();
    templateId = (await store.listTemplates(ORG))[0]!.id;
    const run = await cli([...importArgs(original), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = json(run);
    expect(summary.status).toBe('COMPLETED_WITH_ERRORS');
    expect(summary.rows.total).toBe(ROWS);
    expect(summary.errorCounts.DUPLICATE_IN_FILE).toBeGreaterThan(0);
    reference = { summary, values: await valuesOf(store, summary.jobId) };
    expect(reference.values.length).toBe(summary.rows.imported);
    expect(repeated(reference.values)).toEqual([]);
    await store.close();
    await place.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  afterAll(async () => {
    await base?.drop();
  });

  beforeEach(async () => {
    dir = tempDir('loyalty-integrity-test-');
    place = await base.copy();
    store = await place.open();
  }, 60_000);

  afterEach(async () => {
    for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await store.close();
    await place.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** The job ended as the uninterrupted import did: the same counts and the same values, each row once. */
  async function expectWholeFile(job: JobRecord): Promise<void> {
    expect(job.status).toBe(reference.summary.status);
    expect(job.fileError).toBeNull();
    expect({ total: job.counts.total, valid: job.counts.valid, rejected: job.counts.rejected, imported: job.counts.imported }).toEqual(reference.summary.rows);
    expect(job.counts.errorCounts).toEqual(reference.summary.errorCounts);
    const values = await valuesOf(store, job.id);
    expect(repeated(values)).toEqual([]);
    expect(values).toEqual(reference.values);
  }

  describe('the file changes while a job runs', () => {
    const changes: Array<[string, (file: string) => void]> = [
      ['1,000 rows appended', (file) => fs.appendFileSync(file, extraRows(1_000))],
      ['cut short', (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2))],
      ['an unclosed quote appended', (file) => fs.appendFileSync(file, '"919000000001,B-1,01/01/2025 10:00,S001,5\n919000000002,B-2\n')],
    ];

    it.each(changes)('imports the file as it was at the start when it is %s', async (_name, change) => {
      const file = copyOfFile();
      const { done } = start([...importArgs(file), '--json']);
      const caught = await midFile(done);
      change(file);
      const run = await done;
      expect(run.code, run.stderr).toBe(0);
      const summary = json(run);
      expect(summary.jobId).toBe(caught.id);
      expect(summary.status).toBe(reference.summary.status);
      expect(summary.rows).toEqual(reference.summary.rows);
      expect(summary.file.sha256).toBe(originalSha);
      const job = (await store.getJob(caught.id))!;
      await expectWholeFile(job);
      // No row of the change was read: the appended customers have no value.
      expect((await trackerValues(store, ORG, 11)).length).toBe(reference.summary.rows.imported);

      // The job read its own copy, in the store's file storage, and the copy is gone.
      expect(path.resolve(job.filePath)).not.toBe(path.resolve(file));
      expect(job.fileId).not.toBeNull();
      expect(await store.getFile(ORG, job.fileId!)).toBeNull();
      await expect(drain(store.fileBytes.read({ id: job.fileId!, path: job.filePath }))).rejects.toMatchObject({ code: 'ENOENT' });

      // The original content again is refused, naming the job.
      const again = await cli([...importArgs(copyOfFile('spend-again.csv')), '--json']);
      expect(again.code).toBe(1);
      const refused = json(again);
      expect(refused.status).toBe('FAILED');
      expect(refused.fileError?.code).toBe('DUPLICATE_FILE');
      expect(refused.fileError?.message).toContain(job.id);
      expect(refused.rows.imported).toBe(0);
    }, 120_000);
  });

  describe('DUPLICATE_FILE beside an unfinished job', () => {
    it('refuses the same file (with --allow-duplicate too) while a killed import is unfinished, naming it and `job resume`; the resume then writes every row once', async () => {
      const file = copyOfFile();
      const { child, done } = start([...importArgs(file), '--json']);
      const caught = await midFile(done);
      child.kill('SIGKILL');
      const killed = await done;
      expect(killed.signal).toBe('SIGKILL');
      const atKill = (await store.getJob(caught.id))!;
      expect(atKill.checkpointRow).toBeGreaterThan(0);
      expect(atKill.finishedAt).toBeNull();

      for (const extra of [[], ['--allow-duplicate']]) {
        const run = await cli([...importArgs(copyOfFile('monday.csv'), ...extra), '--json']);
        expect(run.code, `import ${extra.join(' ')}`).toBe(1);
        const refused = json(run);
        expect(refused.status).toBe('FAILED');
        expect(refused.fileError?.code).toBe('DUPLICATE_FILE');
        expect(refused.fileError?.message).toContain(caught.id);
        expect(refused.fileError?.message).toContain(`loyalty-import job resume ${caught.id}`);
        expect(refused.rows).toEqual({ total: 0, valid: 0, rejected: 0, imported: 0 });
        expect(await valuesOf(store, refused.jobId)).toEqual([]);
      }
      // Nothing ran beside the killed job: the tracker holds its rows alone.
      expect(await interrupted(caught.id)).toMatchObject({ status: 'INTERRUPTED', checkpointRow: atKill.checkpointRow, counts: atKill.counts });
      expect((await trackerValues(store, ORG, 11)).length).toBe(atKill.counts.imported);

      const resumed = await cli(['job', 'resume', caught.id, '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(json(resumed)).toMatchObject({ jobId: caught.id, status: reference.summary.status, rows: reference.summary.rows });
      await expectWholeFile((await store.getJob(caught.id))!);
      expect((await trackerValues(store, ORG, 11)).length).toBe(reference.summary.rows.imported);
    }, 120_000);
  });

  describe('signals', () => {
    it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: commits its chunk, prints the job and `job resume`, exits 1, INTERRUPTED; the resume finishes it once', async (signal) => {
      const file = copyOfFile();
      const { child, done } = start(importArgs(file));
      const caught = await midFile(done);
      child.kill(signal);
      const run = await done;
      expect(run.code, run.stderr).toBe(1);
      expect(run.signal).toBeNull();
      expect(run.stderr).toContain(`Job ${caught.id}`);
      // The command it prints names the store it ran on, so that it works as printed.
      const printed = /Resume it with: loyalty-import (.+)$/m.exec(run.stderr)?.[1];
      expect(printed).toBe(`--db ${place.location} job resume ${caught.id}`);
      expect(run.stdout).toContain(`Job ${caught.id}: INTERRUPTED`);

      const shown = await cli(['job', 'show', caught.id, '--json']);
      expect(shown.code).toBe(0);
      expect(json(shown).status).toBe('INTERRUPTED');
      const stopped = (await store.getJob(caught.id))!;
      expect(stopped.status).toBe('INTERRUPTED');
      expect(stopped.runner).toBeNull();
      expect(stopped.checkpointRow).toBeGreaterThanOrEqual(caught.checkpointRow);
      expect(stopped.checkpointRow).toBeLessThanOrEqual(ROWS);
      // What it committed is the head of the file, each row once.
      const partial = await valuesOf(store, caught.id);
      expect(partial).toEqual(reference.values.filter(([row]) => row <= stopped.checkpointRow));
      expect(stopped.counts.imported).toBe(partial.length);

      const resumed = await runCli([...printed!.split(' '), '--json'], { cwd: dir, env: env() });
      expect(resumed.code, resumed.stderr).toBe(0);
      await expectWholeFile((await store.getJob(caught.id))!);
    }, 120_000);

    it('SIGKILL: the job shows INTERRUPTED once its lease is stale, and the resume finishes it once', async () => {
      const file = copyOfFile();
      const { child, done } = start(importArgs(file));
      const caught = await midFile(done);
      child.kill('SIGKILL');
      const killedAt = Date.now();
      const run = await done;
      expect(run.signal).toBe('SIGKILL');
      await sleep(Math.max(0, killedAt + STALE_MS + 100 - Date.now()));
      const shown = await cli(['job', 'show', caught.id, '--json']);
      expect(shown.code).toBe(0);
      expect(json(shown).status).toBe('INTERRUPTED');

      const resumed = await cli(['job', 'resume', caught.id, '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      await expectWholeFile((await store.getJob(caught.id))!);
    }, 120_000);
  });

  describe('cancel', () => {
    it('`job cancel` from a second process stops a running import CANCELLED; what it committed stays, in the success report; a resume imports nothing more', async () => {
      const file = copyOfFile();
      // A lease that stays fresh while the import is paused: the cancel finds it running, whatever
      // the time a second process takes to start on a busy machine.
      const { child, done } = start(importArgs(file), LIVE_LEASE);
      const caught = await midFile(done);
      await pauseBetweenCommits(child, caught.id);
      const cancel = await cli(['job', 'cancel', caught.id], LIVE_LEASE);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(cancel.stdout).toContain(`Job ${caught.id}: IMPORTING`);
      expect(cancel.stdout).toContain('asked to stop: the process running it stops at its next chunk boundary');
      child.kill('SIGCONT');

      const run = await done;
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toContain(`Job ${caught.id}: CANCELLED`);
      expect(run.stderr).not.toContain('job resume');

      const shown = await cli(['job', 'show', caught.id, '--json']);
      const summary = json(shown);
      expect(summary.status).toBe('CANCELLED');
      const cancelled = (await store.getJob(caught.id))!;
      expect(cancelled.status).toBe('CANCELLED');
      expect(cancelled.finishedAt).not.toBeNull();
      const values = await valuesOf(store, caught.id);
      expect(summary.rows.imported).toBe(values.length);
      expect(values.length).toBeGreaterThan(0);
      expect(values.length).toBeLessThan(reference.values.length);
      expect(values).toEqual(reference.values.filter(([row]) => row <= cancelled.checkpointRow));
      expect(fs.existsSync(cancelled.filePath)).toBe(false);

      const success = path.join(dir, 'success.csv');
      const report = await cli(['job', 'show', caught.id, '--success', success]);
      expect(report.code, report.stderr).toBe(0);
      const lines = fs.readFileSync(success, 'utf8').replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
      expect(lines[0]!.split(',')[0]).toBe('row_number');
      expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(values.map(([row]) => row));

      const resumed = await cli(['job', 'resume', caught.id, '--json']);
      expect(resumed.code).toBe(1);
      expect(json(resumed)).toMatchObject({ jobId: caught.id, status: 'CANCELLED', rows: summary.rows });
      expect(await valuesOf(store, caught.id)).toEqual(values);
      expect((await store.getJob(caught.id))!.status).toBe('CANCELLED');
    }, 120_000);

    it('`job cancel` of an INTERRUPTED job (its process killed) cancels it at once', async () => {
      const file = copyOfFile();
      const { child, done } = start(importArgs(file));
      const caught = await midFile(done);
      child.kill('SIGKILL');
      await done;
      const stopped = await interrupted(caught.id);
      expect(stopped.status).toBe('INTERRUPTED');

      const started = Date.now();
      const cancel = await cli(['job', 'cancel', caught.id, '--json']);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(json(cancel)).toMatchObject({ jobId: caught.id, status: 'CANCELLED', rows: { imported: stopped.counts.imported } });
      expect(Date.now() - started).toBeLessThan(10_000);
      const cancelled = (await store.getJob(caught.id))!;
      expect(cancelled.status).toBe('CANCELLED');
      expect(await valuesOf(store, caught.id)).toEqual(reference.values.filter(([row]) => row <= stopped.checkpointRow));
      expect(fs.existsSync(cancelled.filePath)).toBe(false);

      const resumed = await cli(['job', 'resume', caught.id, '--json']);
      expect(resumed.code).toBe(1);
      expect(json(resumed).status).toBe('CANCELLED');
      expect((await valuesOf(store, caught.id)).length).toBe(stopped.counts.imported);
    }, 120_000);

    it('`job cancel` of a job whose process stopped past its lease cancels it at once; the process, continued, writes nothing more', async () => {
      const file = copyOfFile();
      const { child, done } = start(importArgs(file));
      const caught = await midFile(done);
      await pauseBetweenCommits(child, caught.id);
      await sleep(STALE_MS + 300);
      expect((await store.getJob(caught.id))!.status).toBe('INTERRUPTED');
      const cancel = await cli(['job', 'cancel', caught.id, '--json']);
      expect(cancel.code, cancel.stderr).toBe(0);
      const cancelled = json(cancel);
      expect(cancelled.status).toBe('CANCELLED');
      const atCancel = (await store.getJob(caught.id))!;
      child.kill('SIGCONT');
      const run = await done;
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toContain(`Job ${caught.id}: CANCELLED`);
      expect(run.stdout).not.toContain('COMPLETED');

      const after = (await store.getJob(caught.id))!;
      expect(after.status).toBe('CANCELLED');
      expect(after.finishedAt).toBe(atCancel.finishedAt);
      expect(after.counts).toEqual(atCancel.counts);
      expect(after.checkpointRow).toBe(atCancel.checkpointRow);
      const values = await valuesOf(store, caught.id);
      expect(values.length).toBe(cancelled.rows.imported);
      expect(values).toEqual(reference.values.filter(([row]) => row <= atCancel.checkpointRow));
    }, 120_000);

    it('`job cancel` of a COMPLETED job exits 1 with JOB_CONFLICT and changes nothing', async () => {
      const small = path.join(dir, 'small.csv');
      fs.writeFileSync(small, `${fs.readFileSync(original, 'utf8').split('\n').slice(0, 11).join('\n')}\n`);
      const run = await cli([...importArgs(small), '--json']);
      expect(run.code, run.stderr).toBe(0);
      const done = json(run);
      expect(done.status).toBe('COMPLETED');

      const cancel = await cli(['job', 'cancel', done.jobId, '--json']);
      expect(cancel.code).toBe(1);
      const error = json<{ error: { code: string; message: string } }>(cancel).error;
      expect(error.code).toBe('JOB_CONFLICT');
      expect(error.message).toContain(done.jobId);
      expect(error.message).toContain('COMPLETED');
      expect((await store.getJob(done.jobId))!.status).toBe('COMPLETED');
      expect((await valuesOf(store, done.jobId)).length).toBe(10);
    }, 60_000);
  });

  describe('resuming a job that runs', () => {
    it('`job resume` of a running job exits 1, JOB_CONFLICT naming its runner; the running import ends normally', async () => {
      const file = copyOfFile();
      const { child, done } = start([...importArgs(file), '--json'], LIVE_LEASE);
      const caught = await midFile(done);
      // Paused, it holds its lease all the same: the resume must find it running.
      await pauseBetweenCommits(child, caught.id);
      const resume = await cli(['job', 'resume', caught.id, '--json'], LIVE_LEASE);
      child.kill('SIGCONT');
      expect(resume.code, `${resume.stdout}\n${resume.stderr}`).toBe(1);
      const error = json<{ error: { code: string; message: string } }>(resume).error;
      expect(error.code).toBe('JOB_CONFLICT');
      expect(error.message).toContain(`${os.hostname()}:${child.pid}`);
      expect(error.message).not.toMatch(/UNIQUE|duplicate key|constraint/i);
      expect(resume.stderr).not.toMatch(/UNIQUE|duplicate key|constraint/i);

      const run = await done;
      expect(run.code, run.stderr).toBe(0);
      expect(json(run)).toMatchObject({ jobId: caught.id, status: reference.summary.status, rows: reference.summary.rows });
      await expectWholeFile((await store.getJob(caught.id))!);
    }, 120_000);
  });

  describe('an unreadable file', () => {
    it('refuses a folder, and a file without read permission, before a job exists', async () => {
      const folder = path.join(dir, 'a-folder.csv');
      fs.mkdirSync(folder);
      const cases = [folder];
      // Root reads anything: the permission case only means something for another user.
      if (process.getuid?.() !== 0) {
        const locked = copyOfFile('locked.csv');
        fs.chmodSync(locked, 0o000);
        cases.push(locked);
      }
      for (const file of cases) {
        const run = await cli(importArgs(file));
        expect(run.code, file).toBe(1);
        expect(run.stderr).toContain(`Cannot read the file "${file}"`);
        expect(run.stdout).toBe('');
        const asJson = await cli([...importArgs(file), '--json']);
        expect(asJson.code).toBe(1);
        expect(json<{ error: { code: string; message: string } }>(asJson).error.message).toContain(`Cannot read the file "${file}"`);
      }
      expect(await store.listJobs(ORG)).toEqual([]);
    }, 60_000);
  });

  // SQLite only: a PostgreSQL store is a server's database, with no file to remove under a job.
  describe.skipIf(ON_POSTGRES)('the store removed while a job runs', () => {
    it('exits 1 saying the store was removed, with no summary; STORE_UNAVAILABLE with --json', async () => {
      for (const asJson of [false, true]) {
        const file = copyOfFile();
        const { done } = start([...importArgs(file), ...(asJson ? ['--json'] : [])]);
        await midFile(done);
        // This process's connection goes too: only the running import holds the store.
        await store.close();
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${place.location}${suffix}`, { force: true });
        const run = await done;
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr).toMatch(/removed/);
        expect(run.stdout).not.toMatch(/COMPLETED/);
        if (asJson) expect(json<{ error: { code: string } }>(run).error.code).toBe('STORE_UNAVAILABLE');
        else expect(run.stdout).toBe('');
        // The next round on a fresh copy of the store.
        await place.drop();
        place = await base.copy();
        store = await place.open();
      }
    }, 120_000);
  });
});
