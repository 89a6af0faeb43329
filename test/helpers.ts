import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJob, runJob } from '../src/jobs/runner.js';
import { loadReferenceData, type ReferenceDataFile } from '../src/org/reference-data.js';
import type { JobRecord, Rejection, Store } from '../src/store/port.js';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { saveTemplate } from '../src/templates/service.js';

/** A fresh directory under the system temp dir, removed by the caller's `cleanup`. */
export function tempDir(prefix = 'loyalty-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A SQLite store in a new temp file. */
export async function tempStore(): Promise<{ store: Store; file: string; dir: string }> {
  const dir = tempDir();
  const file = path.join(dir, 'test.db');
  if (process.env.TEST_STORE === 'postgres') return { store: await tempPostgresStore(), file, dir };
  return { store: await SqliteStore.open(file), file, dir };
}

/** The server the PostgreSQL suites use: the local one, trust authentication. */
export const TEST_POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * A PostgreSQL store in a database of its own, made for the test and dropped when the store is
 * closed: every suite that uses `tempStore` runs on PostgreSQL when `TEST_STORE=postgres`.
 */
export async function tempPostgresStore(): Promise<Store> {
  const name = `loyalty_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: `${TEST_POSTGRES}/postgres` });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const store = await PostgresStore.open(`${TEST_POSTGRES}/${name}`);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    const dropper = new pg.Client({ connectionString: `${TEST_POSTGRES}/postgres` });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`);
    await dropper.end();
  };
  return store;
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
 * and runs a job on it; returns the finished job and its rejections in row order.
 */
export async function runImport(
  store: Store,
  template: Record<string, unknown>,
  csv: string | Buffer,
  options: { dryRun?: boolean; allowDuplicate?: boolean; chunkRows?: number; fileName?: string } = {},
): Promise<ImportResult> {
  const saved = await saveTemplate({ org: 'acme', name: 'test template', profile: 'TRACKERS', ...template }, store);
  const dir = tempDir();
  const file = path.join(dir, options.fileName ?? 'import.csv');
  fs.writeFileSync(file, csv);
  const created = await createJob(store, { orgId: (template.org as string) ?? 'acme', template: saved.id, filePath: file, dryRun: options.dryRun, allowDuplicate: options.allowDuplicate });
  const job = await runJob(store, created.id, { chunkRows: options.chunkRows });
  const rejections: Rejection[] = [];
  for await (const page of store.rejections(job.id)) rejections.push(...page);
  return { job, rejections };
}

/** Rejections as [rowNumber, code, field] triples, the shape most assertions want. */
export function codes(rejections: Rejection[]): Array<[number, string, string | null]> {
  return rejections.map((r) => [r.rowNumber, r.code, r.field]);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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
