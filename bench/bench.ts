import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  generatedPromotionTemplate,
  generatedTrackersTemplate,
  generateOrg,
  realPromotionTemplate,
  realTrackersTemplate,
  writePromotionFile,
  writeRealPromotionFile,
  writeRealTrackersFile,
  writeTrackersFile,
} from '../src/demo/generate.js';
import { FINAL_STATUSES } from '../src/domain/jobs.js';
import { PHASES, type PhaseTimes } from '../src/jobs/phases.js';
import { enqueueJob } from '../src/jobs/queue.js';
import { createJob } from '../src/jobs/runner.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import { openStore } from '../src/store/open.js';
import { saveTemplate } from '../src/templates/service.js';

/**
 * `npm run bench`: an org of N customers and N transactions, a Trackers (or Customer Promotion)
 * file of M rows, about one in 33 invalid, imported end to end as `loyalty-import import` runs
 * it, against the floor of the same file put into an unindexed table by the store's own bulk
 * loader (`sqlite3 .import`, `psql \copy`), with a breakdown of where the import's time went.
 */

const USAGE = `Usage: npm run bench -- [--customers N] [--rows M] [--profile trackers|promotion] [--shape real|friendly]
                       [--dry-run] [--db postgres://HOST/ [--workers N,N,…]] [--json] [--keep]

Loads an org of N customers (default 1,000,000), writes a Trackers or Customer Promotion file of
M rows (default 1,000,000; about one row in 33 invalid), imports it as \`loyalty-import import\`
does, and compares the time with the store's own bulk loader on the same file. Prints rows/s,
peak memory, the ratio to the floor, and where the time went.

  --customers N   customers and transactions in the org
  --rows M        rows in the file
  --profile P     trackers (default) or promotion
  --shape S       real (default): a point-of-sale export, each row a random customer, national
                  mobiles with appendCountryCode, dates with and without a time, invalid rows
                  anywhere; friendly: international mobiles, customers in table order
  --dry-run       also time a dry run of the same file, before the import
  --cold          empty the operating system's page cache before each measured step (needs root):
                  the store and the file are read from disk, as after a restart
  --db URL        measure a PostgreSQL server (a new database on it) instead of a SQLite file
  --workers LIST  with --db: also time \`loyalty-import worker\` processes, for each count in the
                  list (such as 1,2,3): the whole file as one queued job that the workers share,
                  the workers started together, timed from the job's queuing to its end, each
                  count on a fresh copy of the org
  --json          print the measurements as one JSON document
  --keep          keep the generated file and the store (the SQLite file, or the PostgreSQL database)
  --help          print this
`;

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        customers: { type: 'string', default: '1000000' },
        rows: { type: 'string', default: '1000000' },
        profile: { type: 'string', default: 'trackers' },
        shape: { type: 'string', default: 'real' },
        'dry-run': { type: 'boolean', default: false },
        cold: { type: 'boolean', default: false },
        db: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const { values } = parseCommandLine();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const profile = values.profile;
if (profile !== 'trackers' && profile !== 'promotion') throw new Error(`--profile is trackers or promotion, not "${profile}"`);
const shape = values.shape;
if (shape !== 'real' && shape !== 'friendly') throw new Error(`--shape is real or friendly, not "${shape}"`);
const real = shape === 'real';
const customers = Number(values.customers);
const rows = Number(values.rows);
const say = (s: string) => {
  if (!values.json) process.stderr.write(`${s}\n`);
};

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-bench-'));
// A fresh store: a SQLite file, or with --db postgres://…/ a new database on that server.
const server = values.db?.replace(/\/[^/]*$/, '');
const pgName = `loyalty_bench_${process.pid}`;
const dbFile = server ? `${server}/${pgName}` : path.join(dir, 'bench.db');
if (server) psql(server, `create database ${pgName}`);
const csvFile = path.join(dir, `${profile}.csv`);

let t = performance.now();
const store = await openStore(dbFile, { create: true });
const org = generateOrg('bench', customers);
await loadReferenceData(org, store);
const orgLoadSeconds = (performance.now() - t) / 1000;
say(`org load: ${customers} customers and transactions in ${orgLoadSeconds.toFixed(1)} s`);
const template =
  profile === 'trackers' ? (real ? realTrackersTemplate('bench') : generatedTrackersTemplate('bench')) : real ? realPromotionTemplate('bench') : generatedPromotionTemplate('bench');
const saved = await saveTemplate(template, store);
await store.close();
// With --workers, the org as loaded, before any import, for each count's fresh copy.
const orgCopy = `${pgName}_org`;
if (values.workers && server) psql(server, `create database ${orgCopy} template ${pgName}`);

t = performance.now();
const write = profile === 'trackers' ? (real ? writeRealTrackersFile : writeTrackersFile) : real ? writeRealPromotionFile : writePromotionFile;
const expected = await write(csvFile, rows, customers);
say(`file: ${rows} rows (${shape}), ${(fs.statSync(csvFile).size / 1024 / 1024).toFixed(1)} MB, written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const expectedRejected = Object.values(expected).reduce((a, b) => a + b, 0);

interface Measured {
  seconds: number;
  peakRssMb: number;
  phases: PhaseTimes;
  summary: { status: string; rows: Record<string, number>; errorCounts: Record<string, number> };
}

/** One job in a process of its own, so that its peak memory is the job's alone. */
function measure(mode: 'import' | 'dry-run'): Measured {
  if (values.cold) dropPageCache();
  const child = spawnSync(process.execPath, [path.join(here, 'import-child.js'), dbFile, csvFile, 'bench', saved.id, mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    throw new Error(`the ${mode} process exited with ${child.status}`);
  }
  const result = JSON.parse(child.stdout.trim()) as Measured;
  say(`${mode}: ${result.summary.status}, rows ${JSON.stringify(result.summary.rows)} in ${result.seconds.toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
  if (result.summary.rows.rejected !== expectedRejected) {
    throw new Error(`expected ${expectedRejected} rejected rows (${JSON.stringify(expected)}), got ${JSON.stringify(result.summary.errorCounts)}`);
  }
  return result;
}

const dryRun = values['dry-run'] ? measure('dry-run') : null;
const result = measure('import');

let floorSeconds: number | null = null;
try {
  if (values.cold) dropPageCache();
  t = performance.now();
  if (server) {
    // PostgreSQL's own bulk loader: COPY of the same file into an unindexed table.
    const columns = profile === 'trackers' ? 5 : 3;
    psql(dbFile, `create table floor (${Array.from({ length: columns }, (_, i) => `c${i} text`).join(', ')})`);
    t = performance.now();
    psql(dbFile, `\\copy floor from '${csvFile}' with (format csv, header true)`);
  } else {
    execFileSync('sqlite3', [path.join(dir, 'floor.db'), '-cmd', '.mode csv', `.import ${csvFile} floor`], { stdio: 'ignore' });
  }
  floorSeconds = (performance.now() - t) / 1000;
  say(`floor: ${server ? 'psql \\copy' : 'sqlite3 .import'} of the same file in ${floorSeconds.toFixed(2)} s`);
} catch {
  say(`floor: ${server ? 'psql' : 'the sqlite3 command (apt-get install -y sqlite3)'} is missing or failed; no floor measured`);
}
const workerRuns = values.workers && server ? await measureWorkers(values.workers.split(',').map(Number)) : [];
if (values.workers && server) psql(server, `drop database ${orgCopy} with (force)`);
if (server && !values.keep) psql(server, `drop database ${pgName} with (force)`);

const out = {
  profile,
  customers,
  rows,
  seconds: round(result.seconds),
  rowsPerSecond: Math.round(rows / result.seconds),
  peakRssMb: round(result.peakRssMb),
  floorSeconds: floorSeconds === null ? null : round(floorSeconds),
  floorRatio: floorSeconds === null ? null : round(result.seconds / floorSeconds),
  shape,
  cold: values.cold,
  dryRunSeconds: dryRun ? round(dryRun.seconds) : null,
  dryRunPeakRssMb: dryRun ? round(dryRun.peakRssMb) : null,
  phasesSeconds: Object.fromEntries(Object.entries(result.phases).map(([k, v]) => [k, round(v / 1000)])),
  orgLoadSeconds: round(orgLoadSeconds),
  status: result.summary.status,
  rejected: result.summary.rows.rejected,
  workers: workerRuns,
};
if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  process.stdout.write(`${rows} rows in ${out.seconds} s: ${out.rowsPerSecond} rows/s, peak RSS ${out.peakRssMb} MB, ${out.floorRatio ?? '?'}× the ${server ? 'psql \\copy' : 'sqlite3 .import'} floor\n`);
  process.stdout.write(breakdown(result.phases, result.seconds));
  if (dryRun) process.stdout.write(`dry run: ${out.dryRunSeconds} s (${round(dryRun.seconds / result.seconds)}× the import), peak RSS ${out.dryRunPeakRssMb} MB\n`);
  for (const w of workerRuns) {
    const one = workerRuns.find((r) => r.workers === 1);
    const speedup = one ? `, ${round(one.seconds / w.seconds)}× one worker` : '';
    const floor = floorSeconds === null ? '' : `, ${round(w.seconds / floorSeconds)}× the floor`;
    process.stdout.write(`${w.workers} worker${w.workers === 1 ? '' : 's'}, one job: ${w.seconds} s, ${w.rowsPerSecond} rows/s${floor}${speedup}\n`);
  }
}
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
else say(`kept: ${dir}`);

interface WorkerRun {
  workers: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * `--workers`: for each count, a fresh copy of the loaded org, and the whole file as one job
 * queued for `loyalty-import worker` processes started together: the worker that takes it scans
 * the file, the others help with its ranges. The time from queuing to the job's end.
 */
async function measureWorkers(counts: number[]): Promise<WorkerRun[]> {
  const runs: WorkerRun[] = [];
  const cli = path.join(here, '..', '..', 'bin', 'loyalty-import.js');
  for (const count of counts) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`--workers takes whole numbers of workers, such as 1,2,3`);
    const copy = `${pgName}_w${count}`;
    psql(server!, `create database ${copy} template ${orgCopy}`);
    const url = `${server}/${copy}`;
    const store = await openStore(url);
    const jobId = (await createJob(store, { orgId: 'bench', template: saved.id, filePath: csvFile, allowDuplicate: true })).id;
    const env = { ...process.env, LOYALTY_DB: url, LOYALTY_LOG_LEVEL: 'warn' };
    const workers = Array.from({ length: count }, () => spawn(process.execPath, [cli, 'worker', '--concurrency', '1'], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
    try {
      // The job is queued once every worker says it is ready (it has made sure of the queue's schema).
      await Promise.all(workers.map(ready));
      const started = performance.now();
      await enqueueJob(url, jobId);
      let rejected = 0;
      for (;;) {
        const job = (await store.getJob(jobId))!;
        if (FINAL_STATUSES.has(job.status)) {
          rejected = job.counts.rejected;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      if (rejected !== expectedRejected) throw new Error(`${count} workers: expected ${expectedRejected} rejected rows, got ${rejected}`);
      runs.push({ workers: count, seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds) });
      say(`${count} worker${count === 1 ? '' : 's'}: the job ended in ${seconds.toFixed(2)} s`);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : w.once('exit', resolve)))));
      await store.close();
      psql(server!, `drop database ${copy} with (force)`);
    }
  }
  return runs;
}

/** Settles when a worker process prints that it is ready; fails if it exits first. */
function ready(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    worker.stderr!.on('data', (piece: Buffer) => {
      said += String(piece);
      if (said.includes(' ready: ')) resolve();
    });
    worker.once('exit', (code) => reject(new Error(`a worker exited with ${code} before it was ready: ${said.trim()}`)));
  });
}

/** Empties the page cache, so that the next step reads the store and the file from disk. */
function dropPageCache(): void {
  execFileSync('sync');
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
  } catch (error) {
    throw new Error(`--cold needs to write /proc/sys/vm/drop_caches (root on Linux): ${(error as Error).message}`);
  }
}

function psql(url: string, command: string): void {
  execFileSync('psql', [url.includes('/', 'postgres://'.length) ? url : `${url}/postgres`, '-q', '-v', 'ON_ERROR_STOP=1', '-c', command], { stdio: 'ignore' });
}

/** Where the job's time went, as the job thread measured it; the rest is the file's copy into the store and the thread's start. */
function breakdown(phases: PhaseTimes, seconds: number): string {
  const total = seconds * 1000;
  const measured = PHASES.reduce((sum, p) => sum + phases[p], 0);
  const line = (name: string, ms: number) => `  ${name.padEnd(8)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${((ms / total) * 100).toFixed(0).padStart(3)}%\n`;
  return `where the time went:\n${PHASES.map((p) => line(p, phases[p])).join('')}${line('setup', total - measured)}${line('(gc)', phases.gc)}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
