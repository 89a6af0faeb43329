import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, expect, inject } from 'vitest';
import { FileError } from '../src/core/error-codes.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import { loadReferenceData, type ReferenceDataFile } from '../src/org/reference-data.js';
import { JOB_STATUSES, type JobRecord, type Rejection } from '../src/domain/jobs.js';
import { type StoredLedgerEntry, ledger } from '../src/profiles/customer-promotion/ledger.js';
import { type StoredTrackerValue, trackerValues } from '../src/profiles/trackers/tracker-values.js';
import type { Store } from '../src/store/port.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { saveTemplate } from '../src/templates/service.js';

/** A fresh directory under the system temp dir, removed by the caller's `cleanup`. */
export function tempDir(prefix = 'loyalty-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The kinds of store. */
export type StoreKind = 'sqlite' | 'postgres';

/** The store the suites run on: PostgreSQL when `TEST_STORE=postgres`, else SQLite files. */
export const TEST_KIND: StoreKind = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** Whether this run is on PostgreSQL: for `it.skipIf` of a test about SQLite alone, and the reverse. */
export const ON_POSTGRES = TEST_KIND === 'postgres';

/** The server the PostgreSQL suites use: the local one, trust authentication. */
export const TEST_POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Runs `work` with a client of the PostgreSQL server's maintenance database. */
export async function pgAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${TEST_POSTGRES}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Makes database `name`: a copy of `template` (an empty, migrated database that
 * test/postgres-template.ts makes for the run, when there is one). A template cannot be copied
 * while a session is connected to it; one just closed may linger a moment, so that is retried.
 */
async function createDatabase(name: string, template: string | undefined): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await pgAdmin((c) => c.query(template ? `create database ${name} template ${template}` : `create database ${name}`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** The migrated empty database the run made to copy, if any (see test/postgres-template.ts). */
function migratedTemplate(): string | undefined {
  try {
    return inject('postgresTemplate') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A fresh store location, for the test process and for the CLI and servers it starts alike: a
 * SQLite file in a new temp folder, or a new PostgreSQL database of its own, dropped by `drop`.
 */
export interface StorePlace {
  readonly kind: StoreKind;
  /** What `--db` and LOYALTY_DB take: the SQLite file's path or the database's postgres:// URL. */
  readonly location: string;
  /** The place's own temp folder, removed by `drop`. */
  readonly dir: string;
  /**
   * The folder beside a SQLite file where that store keeps its job files and uploads; empty for
   * PostgreSQL, which keeps them in the database.
   */
  readonly filesDir: string;
  /** The environment a child process on this store needs (nothing yet beyond its location). */
  readonly env: Record<string, string>;
  /** Opens a store on the place (a second one, if one is open: another connection). */
  open(options?: { readerThread?: boolean }): Promise<Store>;
  /** A new place holding a copy of this one's database (its stores closed), not of its files. */
  copy(): Promise<StorePlace>;
  /** Removes the place: its folder, and its PostgreSQL database (connections to it are ended). */
  drop(): Promise<void>;
}

/** A fresh store location of `kind` (the run's store by default): see `StorePlace`. */
export async function tempPlace(kind: StoreKind = TEST_KIND, from?: StorePlace): Promise<StorePlace> {
  const dir = tempDir('loyalty-store-');
  if (kind === 'sqlite') {
    const location = path.join(dir, 'store.db');
    if (from) fs.copyFileSync(from.location, location);
    const filesDir = `${location}.files`;
    const place: StorePlace = {
      kind,
      location,
      dir,
      filesDir,
      env: {},
      open: (options) => SqliteStore.open(location, options),
      copy: () => tempPlace(kind, place),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
    return place;
  }
  const name = `loyalty_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  const source = from ? new URL(from.location).pathname.slice(1) : migratedTemplate();
  try {
    await createDatabase(name, source);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const location = `${TEST_POSTGRES}/${name}`;
  const place: StorePlace = {
    kind,
    location,
    dir,
    filesDir: '',
    env: {},
    open: () => PostgresStore.open(location),
    copy: () => tempPlace(kind, place),
    drop: async () => {
      await dropDatabase(location);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return place;
}

/**
 * Store places for the tests of one file: the function returned makes a fresh one (see
 * `tempPlace`), and every place it made is dropped after the file's tests.
 */
export function tempPlacesOfFile(): () => Promise<StorePlace> {
  const places: StorePlace[] = [];
  afterAll(async () => {
    for (const made of places.splice(0)) await made.drop();
  });
  return async () => {
    const made = await tempPlace();
    places.push(made);
    return made;
  };
}

/** Drops the PostgreSQL database at `location` (a postgres:// URL), ending its connections. */
async function dropDatabase(location: string): Promise<void> {
  const name = new URL(location).pathname.slice(1);
  await pgAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/**
 * A store in a place of its own (see `tempPlace`): a SQLite file, or a PostgreSQL database when
 * `TEST_STORE=postgres`. Closing the store drops its PostgreSQL database; `dir` is the place's
 * folder (its SQLite file, or its job files), for the test's own files too, which the caller
 * removes.
 */
export async function tempStore(): Promise<{ store: Store; dir: string; place: StorePlace }> {
  const place = await tempPlace();
  let store: Store;
  try {
    store = await place.open();
  } catch (error) {
    await place.drop();
    throw error;
  }
  if (place.kind === 'postgres') {
    const close = store.close.bind(store);
    store.close = async () => {
      try {
        await close();
      } finally {
        await dropDatabase(place.location);
      }
    };
  }
  return { store, dir: place.dir, place };
}

/** The small org most tests start from (see spec/domain.md's example), extended by `extra`. */
export function acmeOrg(extra: Partial<ReferenceDataFile> = {}): ReferenceDataFile {
  return {
    org: { id: 'acme', name: 'Acme Retail', baseCountry: 'IN', timezone: 'Asia/Kolkata' },
    stores: [
      { code: 'S001', externalId: 'BLR-001', name: 'MG Road', tills: ['S001-T1', 'S001-T2'] },
      { code: 'S002', externalId: 'BLR-002', name: 'Indiranagar', tills: ['S002-T1'] },
    ],
    customers: [
      { userId: 1001, mobile: '919876543210', email: 'asha@example.com', externalId: 'CUST-1001', cards: [{ number: '4000123412341234', externalId: 'CARD-1001' }] },
      { userId: 1002, mobile: '919876543211', email: 'ravi@example.com', externalId: 'CUST-1002', cards: [{ number: '4000123412341235', externalId: 'CARD-1002' }] },
      { userId: 1003, mobile: '919876543212', email: 'meera@example.com', externalId: 'CUST-1003', cards: [] },
    ],
    userGroups: [{ groupId: 501, externalId: 'FLEET-501', primaryUserId: 1001, memberUserIds: [1002] }],
    transactions: [
      {
        loyaltyLogId: 90001,
        billNumber: 'B-1',
        date: '2025-03-01T10:15:00',
        storeCode: 'S001',
        userId: 1002,
        groupId: 501,
        amount: '1250.00',
        lineItems: [
          { itemId: 70001, sku: 'SKU-1', amount: '250.00', qty: 1 },
          { itemId: 70002, sku: 'SKU-2', amount: '1000.00', qty: 1 },
        ],
      },
      { loyaltyLogId: 90002, billNumber: 'B-2', date: '2025-03-02T11:00:00', storeCode: 'S001', userId: 1001, groupId: null, amount: '500.00', lineItems: [{ itemId: 70003, sku: 'SKU-3', amount: '500.00', qty: 1 }] },
      { loyaltyLogId: 90003, billNumber: 'B-3', date: '2025-03-02T12:00:00', storeCode: 'S002', userId: 1003, groupId: null, amount: '80.00', lineItems: [] },
      { loyaltyLogId: 90004, billNumber: 'B-OLD', date: '2024-12-31T23:00:00', storeCode: 'S001', userId: 1001, groupId: null, amount: '10.00', lineItems: [] },
    ],
    trackers: [
      { id: 11, name: 'Spend 2025', type: 'BILL', windowStart: '2025-01-01', windowEnd: '2025-12-31' },
      { id: 12, name: 'Items 2025', type: 'LINEITEM', windowStart: '2025-01-01', windowEnd: '2025-12-31' },
      { id: 13, name: 'Visits', type: 'VISITS', windowStart: '2025-01-01', windowEnd: '2025-12-31' },
    ],
    programs: [
      {
        id: 1,
        name: 'Acme Rewards',
        default: true,
        expiryStrategies: [
          { id: 1, name: '365 days', kind: 'AFTER_DAYS', days: 365 },
          { id: 4, name: 'Never', kind: 'NEVER' },
        ],
      },
    ],
    promotions: [{ identifier: 'SUMMER-25', name: 'Summer bonus', programId: 1 }],
    ...extra,
  };
}

/**
 * Gives every test of the file (or of the describe block it is called in) a store of its own:
 * before each test, a new `tempStore` is handed to `opened`; after it, the store is closed and
 * its directory removed.
 */
export function tempStoreForEachTest(opened: (t: { store: Store; dir: string }) => void | Promise<void>): void {
  let current: { store: Store; dir: string } | undefined;
  beforeEach(async () => {
    current = await tempStore();
    await opened(current);
  });
  afterEach(async () => {
    if (!current) return;
    const { store, dir } = current;
    current = undefined;
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** CSV text: `rows` joined by newlines. */
export const lines = (...rows: string[]) => rows.join('\n');

/** Loads an org into the store. */
export async function loadOrg(store: Store, org: ReferenceDataFile = acmeOrg()): Promise<void> {
  await loadReferenceData(org, store);
}

export interface ImportResult {
  job: JobRecord;
  rejections: Rejection[];
}

/**
 * Saves `template` (org "acme" and profile TRACKERS unless given), writes `csv` to a temp file
 * and runs a job on it; returns the finished job and its rejections in row order. The temp file
 * is removed afterwards.
 */
export async function runImport(
  store: Store,
  template: Record<string, unknown>,
  csv: string | Buffer,
  options: { dryRun?: boolean; allowDuplicate?: boolean; chunkRows?: number; fileName?: string } = {},
): Promise<ImportResult> {
  const saved = await saveTemplate({ org: 'acme', name: 'test template', profile: 'TRACKERS', ...template }, store);
  const dir = tempDir();
  try {
    const file = path.join(dir, options.fileName ?? 'import.csv');
    fs.writeFileSync(file, csv);
    const created = await createJob(store, { orgId: (template.org as string) ?? 'acme', template: saved.id, filePath: file, dryRun: options.dryRun, allowDuplicate: options.allowDuplicate });
    const job = await runJob(store, created.id, { chunkRows: options.chunkRows });
    const rejections: Rejection[] = [];
    for await (const page of store.rejections(job.id)) rejections.push(...page);
    return { job, rejections };
  } finally {
    // The job read its own copy of the file (in the store's files folder).
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Rejections as [rowNumber, code, field] triples, the shape most assertions want. */
export function codes(rejections: Rejection[]): Array<[number, string, string | null]> {
  return rejections.map((r) => [r.rowNumber, r.code, r.field]);
}

/** The FileError that saving `input` as a template throws; fails when the template is saved. */
export async function templateRefusal(store: Store, input: unknown): Promise<FileError> {
  try {
    await saveTemplate(input, store);
  } catch (error) {
    expect(error).toBeInstanceOf(FileError);
    return error as FileError;
  }
  throw new Error('the template was saved; it should have been refused');
}

/** Every item of every page of `pages` (a job's rejections, tracker values or ledger entries). */
export async function allOf<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

/**
 * Every tracker value a job wrote, in row order, read whole (`trackerValuesOfJob` pages by row
 * number, so a row written twice across a page boundary would not show): each tracker of the
 * org, filtered by job.
 */
export async function trackerValuesOf(store: Store, orgId: string, jobId: string): Promise<StoredTrackerValue[]> {
  const out: StoredTrackerValue[] = [];
  for (const tracker of await store.listTrackers(orgId)) for (const v of await trackerValues(store, orgId, tracker.id)) if (v.jobId === jobId) out.push(v);
  return out.sort((a, b) => a.rowNumber - b.rowNumber || (a.itemId ?? 0) - (b.itemId ?? 0));
}

/** Every tracker value of the org, whatever the job. */
export async function allTrackerValues(store: Store, orgId: string): Promise<StoredTrackerValue[]> {
  const out: StoredTrackerValue[] = [];
  for (const tracker of await store.listTrackers(orgId)) out.push(...(await trackerValues(store, orgId, tracker.id)));
  return out;
}

/** Every ledger entry a job wrote, in row order, read whole (see `trackerValuesOf`). */
export async function ledgerOf(store: Store, orgId: string, jobId: string): Promise<StoredLedgerEntry[]> {
  return (await ledger(store, { orgId })).filter((e) => e.jobId === jobId).sort((a, b) => a.rowNumber - b.rowNumber);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'loyalty-import.js');
const BUILT_CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const BUILD_LOCK = path.join(ROOT, 'dist', '.build-lock');

/** The newest modification time of a file under `dir` (0 when it has none). */
function newestUnder(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(full));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function distIsStale(): boolean {
  if (!fs.existsSync(BUILT_CLI)) return true;
  const built = fs.statSync(BUILT_CLI).mtimeMs;
  return newestUnder(path.join(ROOT, 'src')) > built || newestUnder(path.join(ROOT, 'bench')) > built;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds dist/ (`tsc -p tsconfig.build.json`) when it is missing or older than any file under
 * src/ or bench/, so that the suites that spawn the built CLI never run stale code. Test files
 * run in parallel processes: a lock directory lets one of them build while the others wait.
 */
export function ensureBuilt(): void {
  if (!distIsStale()) return;
  fs.mkdirSync(path.dirname(BUILD_LOCK), { recursive: true });
  const deadline = Date.now() + 170_000;
  for (;;) {
    try {
      fs.mkdirSync(BUILD_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a process that died long ago is taken over.
      const lock = fs.statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (!lock) continue;
      if (Date.now() - lock.mtimeMs > 120_000) fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`dist/ is being built by another process for too long; remove ${BUILD_LOCK} if no build runs`);
      else sleepSync(200);
    }
  }
  try {
    // Another process may have built it while this one waited.
    if (distIsStale()) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  } finally {
    fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** How a run of the CLI ended: its exit code (or the signal that ended it) and what it printed. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The working directory of the CLI. */
  cwd: string;
  /**
   * The store: its location is given as `--db` before `args` (unless `db` is), and its
   * environment (`StorePlace.env`) is set. Without `place` or `db` the CLI takes its database
   * from LOYALTY_DB.
   */
  place?: StorePlace;
  /** Given as `--db` before `args`, over `place`'s location. */
  db?: string;
  /** Set over the test's own environment (in which LOYALTY_DB is emptied) and `place`'s. */
  env?: Record<string, string>;
}

/**
 * Starts the built CLI (bin/loyalty-import.js over dist/; `ensureBuilt` first) with `args`, as an
 * operator runs it; `done` resolves when it exits, with all it printed.
 */
export function startCli(args: string[], options: CliOptions): { child: ChildProcess; done: Promise<CliRun> } {
  const db = options.db ?? options.place?.location;
  const argv = db === undefined ? args : ['--db', db, ...args];
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: options.cwd,
    env: { ...process.env, LOYALTY_DB: '', ...options.place?.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs the built CLI with `args` (see `startCli`); resolves when it exits. */
export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  return startCli(args, options).done;
}

/** Runs `command` with `args` (no shell unless `command` is one) and resolves when it exits, with all it printed. */
export function runProcess(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, LOYALTY_DB: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The one JSON document a run of the CLI printed on standard output; throws, showing both streams, when it printed anything else. */
export function cliJson<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`standard output is not one JSON document:\n${run.stdout}\n--- stderr:\n${run.stderr}`);
  }
}

export interface KilledImport {
  /** The job when polling stopped: IMPORTING with a checkpoint past 0 unless the import ended first or time ran out. */
  seen: JobRecord | undefined;
  /** Whether the import had ended by itself before it was killed. */
  exited: boolean;
  /** How the process ended. */
  end: CliRun;
}

/**
 * Runs `importArgs` (an `import` command line) in the built CLI on the store at `place`, polls
 * the store (a connection of this process) until the job is IMPORTING with a checkpoint past 0
 * (a chunk committed), or the process ends, or 30 seconds pass; then kills the process with
 * SIGKILL and waits for it.
 */
export async function killImportMidFile(place: StorePlace, importArgs: string[], cwd: string): Promise<KilledImport> {
  const killed = startCli(importArgs, { cwd, place });
  let exited = false;
  void killed.done.then(() => {
    exited = true;
  });
  let seen: JobRecord | undefined;
  let exitedBeforeKill = false;
  try {
    const poll = await place.open();
    try {
      const deadline = Date.now() + 30_000;
      while (!exited && Date.now() < deadline) {
        [seen] = await poll.jobsWithStatus(JOB_STATUSES);
        if (seen && seen.status === 'IMPORTING' && seen.checkpointRow > 0) break;
        await sleep(5);
      }
    } finally {
      await poll.close();
    }
  } finally {
    exitedBeforeKill = exited;
    killed.child.kill('SIGKILL');
  }
  return { seen, exited: exitedBeforeKill, end: await killed.done };
}
