import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { AppError, toAppError } from '../app/errors.js';
import { findJob } from '../app/jobs-lookup.js';
import { FileError } from '../core/error-codes.js';
import { printable } from '../core/printable.js';
import { generatedPromotionTemplate, generatedTrackersTemplate, generateOrg, writePromotionFile, writeTrackersFile } from '../demo/generate.js';
import { JobStoppedError, runJobInThread } from '../jobs/run-in-thread.js';
import { cancelJob } from '../jobs/cancel.js';
import { maxFileBytes } from '../jobs/files.js';
import { enqueueJob, isPostgresLocation, MAX_JOB_HELPERS, workersNeedPostgres } from '../jobs/queue.js';
import { startWorker } from '../jobs/worker.js';
import { type RunOptions, chunkRowsOf, createJob, runJob } from '../jobs/runner.js';
import { writeErrorReport, writeSuccessReport } from '../jobs/reports.js';
import { type JobSummary, summarise } from '../jobs/summary.js';
import { balances } from '../ledger/balances.js';
import { loadReferenceData } from '../org/reference-data.js';
import { ledger } from '../profiles/customer-promotion/ledger.js';
import { trackerValues } from '../profiles/trackers/tracker-values.js';
import { DEFAULT_DB, openStore, storeLocation } from '../store/open.js';
import { FINAL_STATUSES, JOB_STATUSES, type JobRecord, type JobStatus } from '../domain/jobs.js';
import type { Org } from '../domain/org.js';
import type { Store } from '../store/port.js';
import { withoutPassword } from '../store/store-lost-error.js';
import { sqliteCacheKib } from '../store/sqlite/reader-thread.js';
import { saveTemplate } from '../templates/service.js';
import { type ProgressMode, progressIntervalMs, progressReporter, shortJobId } from './progress.js';
import { REFERENCE_DATA_MAX_BYTES, readJsonFile, TEMPLATE_MAX_BYTES } from './read-json.js';
import { reportPathProblem, storeFiles } from './report-paths.js';

/**
 * The `loyalty-import` command line (spec: cli.md). A thin adapter: every command is one call
 * into the library. `--json` prints one JSON document on standard output and nothing else there;
 * messages for people go to standard error. Exit codes: 0 done, 1 could not, 2 bad command line.
 */

interface Globals {
  db?: string;
  json?: boolean;
}

/** A command line that is wrong: exit code 2. */
class UsageError extends Error {}

// A reader that stops early (`job list | head -1`) closes the pipe: what is left to print has no
// one to read it, which is not an error of the command. Any other write error still is.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// The numbers the environment sets are read here first, so that a wrong one is said once, by
// this thread, before any job thread reads them (threads say nothing; see envNumber).
chunkRowsOf();
maxFileBytes();
sqliteCacheKib();
progressIntervalMs();

const program = new Command();
program
  .name('loyalty-import')
  .description('Bulk data importer of a loyalty platform')
  .version(packageVersion(), '--version', 'print the version')
  .option('--db <location>', `the store: a SQLite file or a postgres:// URL (default: $LOYALTY_DB or ${DEFAULT_DB})`)
  .option('--json', 'print one JSON document on standard output')
  .showHelpAfterError()
  .exitOverride()
  // Commander repeats the command line's words in its messages: shown escaped, line by line.
  .configureOutput({ writeErr: (s) => process.stderr.write(s.split('\n').map(printable).join('\n')) });

/** The version of the package this command is part of (its package.json, found upwards from here: src/ or dist/src/). */
function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'loyalty-import' && pkg.version) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function globals(cmd: Command): Globals {
  return cmd.optsWithGlobals() as Globals;
}

/** Runs `work` on the store; only the commands that start a store (`create`) make a missing one. */
async function withStore<T>(cmd: Command, work: (store: Store, g: Globals) => Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const g = globals(cmd);
  const store = await openStore(storeLocation(g.db), options);
  try {
    return await work(store, g);
  } finally {
    await store.close();
  }
}

function print(g: Globals, json: unknown, human: () => string): void {
  if (g.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** The org `orgId`, or NOT_FOUND with the one message every command gives for an org that does not exist. */
async function requireOrg(store: Store, orgId: string): Promise<Org> {
  const found = await store.getOrg(orgId);
  if (!found) throw new AppError('NOT_FOUND', `Org "${orgId}" does not exist; load it first with \`loyalty-import org load\``);
  return found;
}

/** A table for people; every cell shown printable, so that a value cannot drive the terminal. */
function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : printable(String(r[c])))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function describeJob(s: JobSummary): string {
  const lines = [
    `Job ${s.jobId}: ${s.status}${s.dryRun ? ' (dry run: nothing written)' : ''}`,
    `  org ${s.org}, profile ${s.profile}, template ${s.template.id} version ${s.template.version}, file ${s.file.name}`,
    `  rows: ${s.rows.total} total, ${s.rows.valid} valid, ${s.rows.rejected} rejected, ${s.rows.imported} imported`,
  ];
  const codes = Object.entries(s.errorCounts);
  if (codes.length) lines.push(`  rejected by code: ${codes.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  const auto = Object.entries(s.autoMapped);
  if (auto.length) lines.push(`  matched automatically: ${auto.map(([f, h]) => `${f} <- "${h}"`).join(', ')}`);
  if (s.promotionIdentifier) lines.push(`  promotion identifier: ${s.promotionIdentifier}`);
  if (s.fileError) lines.push(`  file error ${s.fileError.code}: ${s.fileError.message}`);
  // File names, headers and messages come from the operator's files: shown escaped.
  return lines.map(printable).join('\n');
}

interface ReportOptions {
  errors?: string;
  success?: string;
}

/** A report that could not be written, in the job's document (`reportErrors`). */
interface ReportError {
  report: keyof ReportOptions;
  file: string;
  message: string;
}

/**
 * Writes the reports asked for. A report that cannot be written does not stop the other, and
 * never hides the job: the job's rows are committed whatever happens to its reports, so each
 * failure is returned, to be printed with the job's summary, with the command that writes the
 * report again.
 */
async function writeReports(store: Store, job: JobRecord, reports: ReportOptions): Promise<{ written: Record<string, { file: string; rows: number }>; failures: ReportError[] }> {
  const written: Record<string, { file: string; rows: number }> = {};
  const failures: ReportError[] = [];
  const writers = { errors: writeErrorReport, success: writeSuccessReport } as const satisfies Record<keyof ReportOptions, unknown>;
  for (const report of ['errors', 'success'] as const) {
    const file = reports[report];
    if (!file) continue;
    try {
      written[report] = { file, rows: await writers[report](store, job, file) };
    } catch (error) {
      // A trace is for whoever debugs the product, not for an operator.
      if (process.env.LOYALTY_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      failures.push({
        report,
        file,
        message: `${(error as Error).message}. The job is kept as it is; write this report again with \`loyalty-import job show ${job.id} --${report} FILE\``,
      });
    }
  }
  return { written, failures };
}

/** A word a POSIX shell reads as itself: quoted unless it holds only characters that need none. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Prints a job's summary and what became of its reports; exit 1 for a FAILED job or a report not written. */
async function finishJob(
  store: Store,
  g: Globals,
  job: JobRecord,
  reports: ReportOptions,
  options: { alwaysListReports: boolean; ranJob: boolean } = { alwaysListReports: true, ranJob: true },
): Promise<void> {
  const summary = summarise(job);
  const failed = job.status === 'FAILED';
  const { written, failures } = failed ? { written: {}, failures: [] } : await writeReports(store, job, reports);
  const skipped = failed && (reports.errors || reports.success) ? ['  no report written: the job FAILED before reading its rows (see the file error)'] : [];
  const listed = options.alwaysListReports || Object.keys(written).length > 0;
  const document = { ...summary, ...(listed ? { reports: written } : {}), ...(failures.length ? { reportErrors: failures } : {}) };
  print(g, document, () =>
    [
      describeJob(summary),
      ...Object.entries(written).map(([k, w]) => printable(`  ${k} report: ${w.file} (${w.rows} rows)`)),
      ...failures.map((f) => printable(`  ${f.report} report NOT written: ${f.file}`)),
      ...skipped,
    ].join('\n'),
  );
  for (const f of failures) process.stderr.write(`loyalty-import: ${printable(f.message)}\n`);
  if (job.status === 'INTERRUPTED') {
    // The store as it was named, so that the command finds the same job; never its password,
    // which the command then reads from PGPASSWORD (or ~/.pgpass), as psql does.
    const db = g.db ? withoutPassword(g.db) : null;
    const store = db ? ` --db ${shellWord(db.shown)}` : '';
    const password = db?.hadPassword ? ' (with its password in PGPASSWORD)' : '';
    process.stderr.write(`Job ${job.id} was interrupted; what it committed is kept. Resume it with: loyalty-import${printable(store)} job resume ${job.id}${password}\n`);
  }
  // cli.md: a run that ended FAILED, CANCELLED or INTERRUPTED could not do its work; `job show`
  // of such a job did its own.
  const unfinished = failed || job.status === 'CANCELLED' || job.status === 'INTERRUPTED';
  if ((options.ranJob && unfinished) || failures.length > 0) process.exitCode = 1;
}

/** Refuses, before anything runs, report paths that would overwrite the store, the input file or the other report (exit 2). */
function checkReportPaths(g: Globals, reports: ReportOptions, inputFile: string | null): void {
  const guarded = [...storeFiles(storeLocation(g.db)), ...(inputFile ? [{ file: inputFile, what: 'the input file' }] : [])];
  const problem = reportPathProblem({ errors: reports.errors, success: reports.success }, guarded);
  if (problem) throw new UsageError(problem);
}

/** The progress of a job on standard error: a bar on a terminal, a line every few seconds in a log, nothing with --json. */
function progressFor(g: Globals, jobId: string) {
  const mode: ProgressMode = g.json ? 'off' : process.stderr.isTTY === true ? 'bar' : 'lines';
  return progressReporter({ mode, jobId, intervalMs: progressIntervalMs(), write: (text) => process.stderr.write(text) });
}

/** The counts `org load` prints, in words, in the order of the reference-data file. */
const ORG_COUNT_WORDS = {
  stores: ['store', 'stores'],
  customers: ['customer', 'customers'],
  userGroups: ['user group', 'user groups'],
  transactions: ['transaction', 'transactions'],
  trackers: ['tracker', 'trackers'],
  programs: ['program', 'programs'],
  promotions: ['promotion', 'promotions'],
} as const;

const org = program.command('org').description('org reference data');
org
  .command('load')
  .description('create or update an org and its reference data from a JSON file')
  .argument('<file>', 'reference-data JSON file')
  .action(async (file: string, _opts: unknown, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const counts = await loadReferenceData(readJsonFile(file, 'reference-data', REFERENCE_DATA_MAX_BYTES), store);
      const loaded = Object.entries(ORG_COUNT_WORDS).map(([key, [one, many]]) => `${counts[key]} ${counts[key] === 1 ? one : many}`);
      print(g, counts, () => printable(`Loaded org "${counts.org}": ${loaded.join(', ')}`));
    }, { create: true }),
  );

const template = program.command('template').description('import templates');
template
  .command('save')
  .description('save a template (a new version when it changed)')
  .argument('<file>', 'template JSON file')
  .action(async (file: string, _opts: unknown, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const saved = await saveTemplate(readJsonFile(file, 'template', TEMPLATE_MAX_BYTES), store);
      const { changed, ...out } = saved;
      print(g, out, () => printable(`Template "${saved.name}" (${saved.id}) version ${saved.version}${changed ? '' : ' (unchanged)'}${saved.promotionIdentifier ? `, promotion identifier ${saved.promotionIdentifier}` : ''}`));
    }),
  );
template
  .command('list')
  .description("the org's templates")
  .requiredOption('--org <org>', 'org id')
  .action(async (opts: { org: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      await requireOrg(store, opts.org);
      const list = (await store.listTemplates(opts.org)).map((t) => ({
        id: t.id,
        name: t.name,
        profile: t.profile,
        version: t.version,
        promotionIdentifier: t.promotionIdentifier,
        savedAt: t.createdAt,
      }));
      print(g, list, () => table(list, ['name', 'profile', 'version', 'id', 'savedAt']));
    }),
  );

program
  .command('import')
  .description('run a job: validate a file and import its valid rows')
  .argument('<file>', 'CSV file')
  .requiredOption('--org <org>', 'org id')
  .requiredOption('--template <nameOrId>', 'template name or id')
  .option('--dry-run', 'validate every row, write nothing')
  .option('--allow-duplicate', 'import a file even if the same content was imported with this template version')
  .option('--errors <out.csv>', 'write the error report')
  .option('--success <out.csv>', 'write the success report')
  .option('--queue', 'hand the job to the worker processes (PostgreSQL) and follow it to its end')
  .action(async (file: string, opts: { org: string; template: string; dryRun?: boolean; allowDuplicate?: boolean; queue?: boolean } & ReportOptions, cmd: Command) => {
    if (opts.queue && !isPostgresLocation(storeLocation(globals(cmd).db))) throw new UsageError(workersNeedPostgres('import --queue'));
    return withStore(cmd, async (store, g) => {
      checkReportPaths(g, opts, file);
      await requireOrg(store, opts.org);
      const job = await createJob(store, { orgId: opts.org, template: opts.template, filePath: file, dryRun: opts.dryRun, allowDuplicate: opts.allowDuplicate });
      if (opts.queue) {
        const workers = await enqueueJob(storeLocation(g.db), job.id);
        if (!g.json) process.stderr.write(`Job ${job.id} queued for the workers; following it (Ctrl-C stops following, not the job)\n`);
        if (workers === 0) process.stderr.write('No worker is connected to this database: the job waits until one starts (`loyalty-import worker`), or a server on it without `--workers` runs it\n');
        const progress = progressFor(g, job.id);
        try {
          const done = await followJob(store, job.id, (p) => progress.update(p));
          progress.end();
          if (done.status === 'INTERRUPTED') process.stderr.write(`Job ${job.id}: the workers cannot go on with it as it is (a worker's log says why)\n`);
          await finishJob(store, g, done, opts);
        } finally {
          progress.end();
        }
        return;
      }
      if (!g.json) process.stderr.write(`Job ${job.id} started\n`);
      const progress = progressFor(g, job.id);
      try {
        const done = await runUntilSignal(storeLocation(g.db), job.id, (p) => progress.update(p));
        progress.end();
        await finishJob(store, g, done, opts);
      } finally {
        progress.end();
      }
    });
  });

/** How often `import --queue` looks at the job the workers run. */
const FOLLOW_MS = 500;

/**
 * Follows a job the workers run, from its row in the store, until it ends. A job left INTERRUPTED
 * by a worker that stopped is taken up by another: following goes on. One the workers left
 * because it cannot go on as it is (no longer queued) is returned INTERRUPTED. A signal stops
 * following only: the job goes on in the workers.
 */
async function followJob(store: Store, jobId: string, onProgress: NonNullable<RunOptions['onProgress']>): Promise<JobRecord> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopped following job ${jobId}; it goes on in the workers. Follow it with: loyalty-import job show ${jobId}\n`);
    process.exit(130);
  };
  for (const s of signals) process.on(s, onSignal);
  try {
    for (;;) {
      const job = await store.getJob(jobId);
      if (!job) throw new Error(`job ${jobId} disappeared`);
      if (FINAL_STATUSES.has(job.status)) return job;
      if (job.status === 'INTERRUPTED' && job.queued === false) return job;
      onProgress({ status: job.status, done: job.counts.total, known: job.rowsKnown });
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));
    }
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

program
  .command('worker')
  .description('a worker process: runs the jobs queued for the workers (PostgreSQL)')
  .option('--concurrency <n>', 'jobs run at once', '2')
  .option('--helpers <n>', 'the most workers a job run here asks to help with its rows (0: none)', String(MAX_JOB_HELPERS))
  .action(async (opts: { concurrency: string; helpers: string }, cmd: Command) => {
    const location = storeLocation(globals(cmd).db);
    if (!isPostgresLocation(location)) throw new UsageError(workersNeedPostgres('worker'));
    const concurrency = positiveInteger(opts.concurrency, '--concurrency');
    if (!/^\d+$/.test(opts.helpers)) throw new UsageError(`--helpers takes a whole number, not "${opts.helpers}"`);
    const helpers = Number(opts.helpers);
    // Opening the store brings its tables up to date (the `queued` column the sweep reads).
    await (await openStore(location)).close();
    const say = (line: string) => process.stderr.write(`${printable(line)}\n`);
    const worker = await startWorker({ location, concurrency, helpers, maxFileBytes: maxFileBytes(), log: (line) => say(`worker ${process.pid}: ${line}`) });
    say(`Worker ${process.pid} ready: runs up to ${concurrency} queued job${concurrency === 1 ? '' : 's'} at a time`);
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      say(`${signal}: stopping; running jobs commit their current chunk and are queued again for another worker`);
      worker.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          say(`loyalty-import: could not stop cleanly: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    };
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, onSignal);
    await worker.done;
  });

/**
 * Runs a job in its thread until it ends or a signal (Ctrl-C, SIGTERM, SIGHUP) asks it to stop:
 * then it commits its current chunk and ends INTERRUPTED, and the caller prints how to resume
 * it. A second signal leaves at once; the job's heartbeat then goes stale and it shows as
 * INTERRUPTED all the same.
 */
async function runUntilSignal(location: string, jobId: string, onProgress: RunOptions['onProgress']): Promise<JobRecord> {
  const stop = new AbortController();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write(`\n${signal}: stopping job ${jobId} after its current chunk…\n`);
    stop.abort();
  };
  for (const s of signals) process.on(s, onSignal);
  let job: JobRecord;
  try {
    job = await runJobInThread(location, jobId, { onProgress, maxFileBytes: maxFileBytes(), signal: stop.signal });
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
  // The job has ended: a signal now stops nothing, and the command finishes its summary and
  // reports (its exit code says what the job did); a second signal, or one after a stop, leaves
  // at once. The process ends with the command.
  let told = false;
  const ended = (signal: NodeJS.Signals) => {
    if (told || stop.signal.aborted) process.exit(130);
    told = true;
    process.stderr.write(`\n${signal}: job ${jobId} has already ended; writing its summary\n`);
  };
  for (const s of signals) process.on(s, ended);
  return job;
}

const job = program.command('job').description('jobs');
job
  .command('show')
  .description("a job's summary (and its reports, written again)")
  .argument('<jobId>', 'the job id, or its first 8 or more characters')
  .option('--org <org>', 'only a job of this org')
  .option('--errors <out.csv>', 'write the error report')
  .option('--success <out.csv>', 'write the success report')
  .action(async (jobId: string, opts: { org?: string } & ReportOptions, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      checkReportPaths(g, opts, null);
      const found = await findJob(store, jobId, opts.org);
      checkReportPaths(g, opts, found.filePath);
      await finishJob(store, g, found, opts, { alwaysListReports: false, ranJob: false });
    }),
  );
job
  .command('list')
  .description("the org's jobs, newest first")
  .requiredOption('--org <org>', 'org id')
  .option('--status <status>', `only jobs in this state: ${JOB_STATUSES.join(', ')}`)
  .option('--limit <n>', 'at most this many jobs, the newest')
  .action(async (opts: { org: string; status?: string; limit?: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const status = opts.status === undefined ? undefined : jobStatus(opts.status);
      const limit = opts.limit === undefined ? undefined : positiveInteger(opts.limit, '--limit');
      await requireOrg(store, opts.org);
      const jobs = (await store.listJobs(opts.org))
        .filter((j) => status === undefined || j.status === status)
        .slice(0, limit)
        .map(summarise);
      const shown = shortIds(jobs.map((j) => j.jobId));
      print(g, jobs, () =>
        table(
          jobs.map((j) => ({ ...j, jobId: shown.get(j.jobId), file: j.file.name, rows: `${j.rows.total}/${j.rows.rejected}/${j.rows.imported}`, mode: j.dryRun ? 'dry run' : 'import' })),
          ['jobId', 'status', 'mode', 'profile', 'file', 'rows', 'startedAt'],
        ) + '\n(rows: total/rejected/imported; a job id may be given by its first 8 characters)',
      );
    }),
  );
job
  .command('resume')
  .description('finish a job that was interrupted')
  .argument('<jobId>', 'the job id, or its first 8 or more characters')
  .option('--org <org>', 'only a job of this org')
  .option('--errors <out.csv>', 'write the error report')
  .option('--success <out.csv>', 'write the success report')
  .action(async (jobId: string, opts: { org?: string } & ReportOptions, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      checkReportPaths(g, opts, null);
      const found = await findJob(store, jobId, opts.org);
      checkReportPaths(g, opts, found.filePath);
      const progress = progressFor(g, found.id);
      try {
        const done = await runUntilSignal(storeLocation(g.db), found.id, (p) => progress.update(p));
        progress.end();
        await finishJob(store, g, done, opts);
      } finally {
        progress.end();
      }
    }),
  );

job
  .command('cancel')
  .description('stop a queued, running or interrupted job at its next chunk boundary: CANCELLED')
  .argument('<jobId>')
  .option('--org <org>', 'only a job of this org')
  .action(async (jobId: string, opts: { org?: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const found = await findJob(store, jobId, opts.org);
      const done = await cancelJob(store, found);
      const summary = summarise(done);
      if (done.status !== 'CANCELLED' && FINAL_STATUSES.has(done.status)) {
        throw new AppError('JOB_CONFLICT', `Job ${done.id} ended ${done.status} before it could be cancelled; nothing was undone`);
      }
      print(g, summary, () =>
        done.status === 'CANCELLED'
          ? `${describeJob(summary)}\n  cancelled: the rows committed before it stopped stay imported`
          : `${describeJob(summary)}\n  asked to stop: the process running it stops at its next chunk boundary`,
      );
    }),
  );

/** A job state named on the command line, or a usage error listing them. */
function jobStatus(value: string): JobStatus {
  const upper = value.toUpperCase();
  const found = JOB_STATUSES.find((s) => s === upper);
  if (!found) throw new UsageError(`--status takes one of ${JOB_STATUSES.join(', ')}, not "${value}"`);
  return found;
}

/** Each job id as a listing shows it: its first 8 characters, or the whole id where those are not unique in the listing. */
function shortIds(ids: string[]): Map<string, string> {
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id.slice(0, 8), (seen.get(id.slice(0, 8)) ?? 0) + 1);
  return new Map(ids.map((id) => [id, seen.get(id.slice(0, 8)) === 1 ? shortJobId(id) : id]));
}

program
  .command('tracker-values')
  .description('the values recorded for a tracker')
  .requiredOption('--org <org>', 'org id')
  .requiredOption('--tracker <nameOrId>', 'tracker name or id')
  .action(async (opts: { org: string; tracker: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      await requireOrg(store, opts.org);
      const trackers = await store.listTrackers(opts.org);
      const tracker = trackers.find((t) => t.name === opts.tracker || String(t.id) === opts.tracker);
      if (!tracker) throw new AppError('NOT_FOUND', `Org "${opts.org}" has no tracker "${opts.tracker}"; its trackers are ${trackers.map((t) => `"${t.name}" (${t.id})`).join(', ') || 'none'}`);
      const values = await trackerValues(store, opts.org, tracker.id);
      print(g, values, () => table(values as unknown as Array<Record<string, unknown>>, ['loyaltyLogId', 'itemId', 'userId', 'groupId', 'value', 'jobId', 'rowNumber']));
    }),
  );

program
  .command('ledger')
  .description('points entries, and the balance per customer or group (points not expired now)')
  .requiredOption('--org <org>', 'org id')
  .option('--customer <userId>', 'only this customer (user id)')
  .option('--group <groupId>', 'only this user group (group id)')
  .option('--promotion <identifier>', 'only this promotion')
  .action(async (opts: { org: string; customer?: string; group?: string; promotion?: string }, cmd: Command) => {
    // The command line is checked before the store is opened.
    const userId = opts.customer === undefined ? undefined : positiveInteger(opts.customer, '--customer');
    const groupId = opts.group === undefined ? undefined : positiveInteger(opts.group, '--group');
    return withStore(cmd, async (store, g) => {
      await requireOrg(store, opts.org);
      const entries = await ledger(store, { orgId: opts.org, userId, groupId, promotionIdentifier: opts.promotion });
      const totals = balances(entries);
      print(g, { entries, balances: totals }, () =>
        [
          table(entries as unknown as Array<Record<string, unknown>>, ['userId', 'groupId', 'points', 'promotionIdentifier', 'storeCode', 'tillCode', 'issuedAt', 'expiresAt']),
          '',
          'Balances (points not expired now):',
          table(totals as unknown as Array<Record<string, unknown>>, ['userId', 'groupId', 'points']),
        ].join('\n'),
      );
    });
  });

function positiveInteger(value: string, flag: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`${flag} takes a positive whole number, not "${value}"`);
  return Number(value);
}

program
  .command('demo')
  .description('build a demo org and a sample file, and import it')
  .action(async (_opts: unknown, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const say = (s: string) => {
        if (!g.json) process.stderr.write(`${printable(s)}\n`);
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-demo-'));
      const orgCounts = await loadReferenceData(generateOrg('demo', 1000), store);
      say(`1. Loaded org "demo": ${orgCounts.customers} customers, ${orgCounts.transactions} transactions, ${orgCounts.stores} stores, ${orgCounts.trackers} trackers`);
      const saved = await saveTemplate(generatedTrackersTemplate('demo'), store);
      say(`2. Saved template "${saved.name}" version ${saved.version}${saved.changed ? '' : ' (saved by an earlier run, unchanged)'}`);
      const file = path.join(dir, 'spend-tracker.csv');
      await writeTrackersFile(file, 200, 1000, 20);
      say(`3. Wrote a Trackers file of 200 rows, a few of them wrong on purpose: ${file}`);
      const dry = await runJob(store, (await createJob(store, { orgId: 'demo', template: saved.id, filePath: file, dryRun: true })).id);
      say(`4. Dry run: ${dry.counts.valid} valid, ${dry.counts.rejected} rejected${alreadyTracked(dry)}, nothing written`);
      // The same rows every run: a later run shows that a tracked value is never written twice.
      const imported = await runJob(store, (await createJob(store, { orgId: 'demo', template: saved.id, filePath: file, allowDuplicate: true })).id);
      const errors = path.join(dir, 'errors.csv');
      const success = path.join(dir, 'success.csv');
      await writeErrorReport(store, imported, errors);
      await writeSuccessReport(store, imported, success);
      say(`5. Import: ${imported.counts.imported} rows imported, ${imported.counts.rejected} rejected${alreadyTracked(imported)}`);
      say(`   error report:   ${errors}`);
      say(`   success report: ${success}`);

      const bonus = await saveTemplate(generatedPromotionTemplate('demo'), store);
      const bonusFile = path.join(dir, 'bonus-points.csv');
      await writePromotionFile(bonusFile, 100, 1000, 20);
      // Awarding points is not idempotent by nature: the same file is refused (DUPLICATE_FILE).
      // A later run of the demo says so, and points at the job that awarded them, instead of
      // leaving a FAILED job behind.
      const earlier = await importOfFile(store, 'demo', bonus.id, bonus.version, bonusFile);
      const awarded = earlier ?? (await runJob(store, (await createJob(store, { orgId: 'demo', template: bonus.id, filePath: bonusFile })).id));
      const ledgerEntries = await ledger(store, { orgId: 'demo', promotionIdentifier: bonus.promotionIdentifier ?? undefined });
      if (earlier) {
        say(`6. Customer Promotion "${bonus.name}" (promotion ${bonus.promotionIdentifier}): this points file was imported by job ${earlier.id} on an earlier run`);
        say(`   (${earlier.counts.imported} awards); importing it again is refused as DUPLICATE_FILE, so no point is awarded twice. See for yourself:`);
        say(`   \`loyalty-import import ${bonusFile} --org demo --template "${bonus.name}"\``);
      } else if (!awarded.fileError) {
        say(`6. Customer Promotion "${bonus.name}" (promotion ${bonus.promotionIdentifier}): ${awarded.counts.imported} awards, ${awarded.counts.rejected} rows rejected`);
      }
      say(`   the ledger holds ${ledgerEntries.length} entries of this promotion: \`loyalty-import ledger --org demo --promotion ${bonus.promotionIdentifier}\``);
      if (!earlier) {
        say('   Run the demo again: the tracker rows come back ALREADY_TRACKED and the points file is not');
        say('   imported twice, because no row is ever written twice.');
      }
      const summary = summarise(imported);
      print(g, { dryRun: summarise(dry), import: summary, promotion: summarise(awarded), promotionImportedEarlier: earlier !== null, reports: { errors, success } }, () =>
        [describeJob(summary), describeJob(summarise(awarded))].join('\n'),
      );
      // The demo exits 0 only when every step went as it says.
      const wrong = [imported, awarded].filter((j) => j.status === 'FAILED');
      if (dry.status !== 'VALIDATED' || wrong.length > 0) {
        process.exitCode = 1;
        for (const j of wrong) process.stderr.write(`loyalty-import: the demo did not go as described: job ${j.id} FAILED: ${printable(j.fileError?.message ?? 'no file error')}\n`);
      }
    }, { create: true }),
  );

/** `, 190 of them ALREADY_TRACKED (…)` when a demo job met the values of an earlier run, else nothing. */
function alreadyTracked(job: JobRecord): string {
  const n = job.counts.errorCounts.ALREADY_TRACKED ?? 0;
  return n ? `, ${n} of them ALREADY_TRACKED (an earlier run of the demo tracked them; a value is never tracked twice)` : '';
}

/** The import of the content of `file` with this template version that wrote rows, if any: what the duplicate-file guard would name. */
async function importOfFile(store: Store, orgId: string, templateId: string, version: number, file: string): Promise<JobRecord | null> {
  const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const jobs = await store.listJobs(orgId);
  return jobs.find((j) => !j.dryRun && j.templateId === templateId && j.templateVersion === version && j.fileSha256 === hash && j.counts.imported > 0) ?? null;
}

function fail(error: unknown): void {
  if (error instanceof UsageError) {
    usage(error.message);
    return;
  }
  if (error instanceof AppError && error.exitCode === 2) {
    usage(error.message, error.code);
    return;
  }
  const json = process.argv.includes('--json');
  const message = error instanceof Error ? error.message : String(error);
  const extra: Record<string, string> = {};
  const code = error instanceof FileError || error instanceof AppError ? error.code : toAppError(error).code;
  if (error instanceof JobStoppedError) extra.jobId = error.jobId;
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, ...extra } }, null, 2)}\n`);
  // Messages quote names and values from files and the store: shown escaped.
  process.stderr.write(`loyalty-import: ${printable(message)}\n`);
  // A trace is for whoever debugs the product, not for an operator.
  if (process.env.LOYALTY_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}

/** A wrong command line: exit code 2, and with --json an error document on standard output. */
function usage(message: string, code = 'INVALID_REQUEST'): void {
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
  process.stderr.write(`loyalty-import: ${printable(message)}\n`);
  process.exitCode = 2;
}

(await import('./serve.js')).registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) process.exitCode = 0;
    else {
      // Commander has printed its message and the help to standard error already.
      if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: 'INVALID_REQUEST', message: error.message.replace(/^error: /, '') } }, null, 2)}\n`);
      process.exitCode = 2;
    }
  } else {
    fail(error);
  }
}
