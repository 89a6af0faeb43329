import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { FileError } from '../core/error-codes.js';
import { generatedPromotionTemplate, generatedTrackersTemplate, generateOrg, writePromotionFile, writeTrackersFile } from '../demo/generate.js';
import { JobStoppedError, runJobInThread } from '../jobs/run-in-thread.js';
import { cancelJob } from '../jobs/cancel.js';
import { maxFileBytes } from '../jobs/files.js';
import { JobRequestError, type RunOptions, createJob, runJob } from '../jobs/runner.js';
import { writeErrorReport, writeSuccessReport } from '../jobs/reports.js';
import { type JobSummary, summarise } from '../jobs/summary.js';
import { balances } from '../ledger/balances.js';
import { loadReferenceData } from '../org/reference-data.js';
import { DEFAULT_DB, openStore, storeLocation } from '../store/open.js';
import { FINAL_STATUSES, type JobRecord, type Store } from '../store/port.js';
import { JobConflictError } from '../store/job-conflict-error.js';
import { ReferenceDataError } from '../store/reference-data-error.js';
import { saveTemplate } from '../templates/service.js';
import { progressBar } from './progress.js';

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

/** A failure the command reports with exit code 1. */
class CommandFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly payload?: unknown,
  ) {
    super(message);
  }
}

const program = new Command();
program
  .name('loyalty-import')
  .description('Bulk data importer of a loyalty platform')
  .option('--db <location>', `the store: a SQLite file or a postgres:// URL (default: $LOYALTY_DB or ${DEFAULT_DB})`)
  .option('--json', 'print one JSON document on standard output')
  .showHelpAfterError()
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

function globals(cmd: Command): Globals {
  return cmd.optsWithGlobals() as Globals;
}

async function withStore<T>(cmd: Command, work: (store: Store, g: Globals) => Promise<T>): Promise<T> {
  const g = globals(cmd);
  const store = await openStore(storeLocation(g.db));
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

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CommandFailure(`Cannot read "${file}"`, 'FILE_NOT_READABLE');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CommandFailure(`"${file}" is not valid JSON: ${(e as Error).message}`, 'INVALID_JSON');
  }
}

function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
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
  return lines.join('\n');
}

interface ReportOptions {
  errors?: string;
  success?: string;
}

async function finishJob(store: Store, g: Globals, job: JobRecord, reports: ReportOptions): Promise<void> {
  const summary = summarise(job);
  const written: Record<string, { file: string; rows: number }> = {};
  const failed = job.status === 'FAILED';
  if (reports.errors && !failed) written.errors = { file: reports.errors, rows: await writeErrorReport(store, job, reports.errors) };
  if (reports.success && !failed) written.success = { file: reports.success, rows: await writeSuccessReport(store, job, reports.success) };
  const skipped = failed && (reports.errors || reports.success) ? ['  no report written: the job FAILED before reading its rows (see the file error)'] : [];
  print(g, { ...summary, reports: written }, () =>
    [describeJob(summary), ...Object.entries(written).map(([k, w]) => `  ${k} report: ${w.file} (${w.rows} rows)`), ...skipped].join('\n'),
  );
  if (job.status === 'INTERRUPTED') {
    process.stderr.write(`Job ${job.id} was interrupted; what it committed is kept. Resume it with: loyalty-import job resume ${job.id}\n`);
  }
  if (job.status === 'FAILED' || job.status === 'CANCELLED' || job.status === 'INTERRUPTED') process.exitCode = 1;
}

function progressFor(g: Globals) {
  return progressBar(!g.json && process.stdout.isTTY === true && process.stderr.isTTY === true);
}

const org = program.command('org').description('org reference data');
org
  .command('load')
  .description('create or update an org and its reference data from a JSON file')
  .argument('<file>', 'reference-data JSON file')
  .action(async (file: string, _opts: unknown, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const counts = await loadReferenceData(readJson(file), store);
      print(g, counts, () => `Loaded org "${counts.org}": ${Object.entries(counts).filter(([k]) => k !== 'org').map(([k, n]) => `${n} ${k}`).join(', ')}`);
    }),
  );

const template = program.command('template').description('import templates');
template
  .command('save')
  .description('save a template (a new version when it changed)')
  .argument('<file>', 'template JSON file')
  .action(async (file: string, _opts: unknown, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const saved = await saveTemplate(readJson(file), store);
      const { changed, ...out } = saved;
      print(g, out, () => `Template "${saved.name}" (${saved.id}) version ${saved.version}${changed ? '' : ' (unchanged)'}${saved.promotionIdentifier ? `, promotion identifier ${saved.promotionIdentifier}` : ''}`);
    }),
  );
template
  .command('list')
  .description("the org's templates")
  .requiredOption('--org <org>', 'org id')
  .action(async (opts: { org: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
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
  .action(async (file: string, opts: { org: string; template: string; dryRun?: boolean; allowDuplicate?: boolean } & ReportOptions, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const job = await createJob(store, { orgId: opts.org, template: opts.template, filePath: file, dryRun: opts.dryRun, allowDuplicate: opts.allowDuplicate });
      if (!g.json) process.stderr.write(`Job ${job.id} started\n`);
      const bar = progressFor(g);
      const done = await runUntilSignal(storeLocation(g.db), job.id, (p) => bar.update(p));
      bar.end();
      await finishJob(store, g, done, opts);
    }),
  );

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
  try {
    return await runJobInThread(location, jobId, { onProgress, maxFileBytes: maxFileBytes(), signal: stop.signal });
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

const job = program.command('job').description('jobs');
job
  .command('show')
  .description("a job's summary")
  .argument('<jobId>')
  .option('--errors <out.csv>', 'write the error report')
  .option('--success <out.csv>', 'write the success report')
  .action(async (jobId: string, opts: ReportOptions, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const found = await store.getJob(jobId);
      if (!found) throw new CommandFailure(`No job with id "${jobId}"`, 'NOT_FOUND');
      const summary = summarise(found);
      const written: Record<string, { file: string; rows: number }> = {};
      if (opts.errors) written.errors = { file: opts.errors, rows: await writeErrorReport(store, found, opts.errors) };
      if (opts.success) written.success = { file: opts.success, rows: await writeSuccessReport(store, found, opts.success) };
      print(g, Object.keys(written).length ? { ...summary, reports: written } : summary, () => describeJob(summary));
    }),
  );
job
  .command('list')
  .description("the org's jobs, newest first")
  .requiredOption('--org <org>', 'org id')
  .action(async (opts: { org: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const jobs = (await store.listJobs(opts.org)).map(summarise);
      print(g, jobs, () =>
        table(
          jobs.map((j) => ({ ...j, file: j.file.name, rows: `${j.rows.total}/${j.rows.rejected}/${j.rows.imported}`, mode: j.dryRun ? 'dry run' : 'import' })),
          ['jobId', 'status', 'mode', 'profile', 'file', 'rows', 'startedAt'],
        ) + '\n(rows: total/rejected/imported)',
      );
    }),
  );
job
  .command('resume')
  .description('finish a job that was interrupted')
  .argument('<jobId>')
  .option('--errors <out.csv>', 'write the error report')
  .option('--success <out.csv>', 'write the success report')
  .action(async (jobId: string, opts: ReportOptions, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const bar = progressFor(g);
      const done = await runUntilSignal(storeLocation(g.db), jobId, (p) => bar.update(p));
      bar.end();
      await finishJob(store, g, done, opts);
    }),
  );

job
  .command('cancel')
  .description('stop a queued, running or interrupted job at its next chunk boundary: CANCELLED')
  .argument('<jobId>')
  .action(async (jobId: string, _opts: unknown, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const found = await store.getJob(jobId);
      if (!found) throw new CommandFailure(`No job with id "${jobId}"`, 'NOT_FOUND');
      const done = await cancelJob(store, found);
      const summary = summarise(done);
      if (done.status !== 'CANCELLED' && FINAL_STATUSES.has(done.status)) {
        throw new CommandFailure(`Job ${done.id} ended ${done.status} before it could be cancelled; nothing was undone`, 'JOB_CONFLICT', summary);
      }
      print(g, summary, () =>
        done.status === 'CANCELLED'
          ? `${describeJob(summary)}\n  cancelled: the rows committed before it stopped stay imported`
          : `${describeJob(summary)}\n  asked to stop: the process running it stops at its next chunk boundary`,
      );
    }),
  );

program
  .command('tracker-values')
  .description('the values recorded for a tracker')
  .requiredOption('--org <org>', 'org id')
  .requiredOption('--tracker <nameOrId>', 'tracker name or id')
  .action(async (opts: { org: string; tracker: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const trackers = await store.listTrackers(opts.org);
      const tracker = trackers.find((t) => t.name === opts.tracker || String(t.id) === opts.tracker);
      if (!tracker) throw new CommandFailure(`Org "${opts.org}" has no tracker "${opts.tracker}"`, 'NOT_FOUND');
      const values = await store.trackerValues(opts.org, tracker.id);
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
  .action(async (opts: { org: string; customer?: string; group?: string; promotion?: string }, cmd: Command) =>
    withStore(cmd, async (store, g) => {
      const entries = await store.ledger({
        orgId: opts.org,
        userId: opts.customer === undefined ? undefined : positiveInteger(opts.customer, '--customer'),
        groupId: opts.group === undefined ? undefined : positiveInteger(opts.group, '--group'),
        promotionIdentifier: opts.promotion,
      });
      const totals = balances(entries);
      print(g, { entries, balances: totals }, () =>
        [
          table(entries as unknown as Array<Record<string, unknown>>, ['userId', 'groupId', 'points', 'promotionIdentifier', 'storeCode', 'tillCode', 'issuedAt', 'expiresAt']),
          '',
          'Balances (points not expired now):',
          table(totals as unknown as Array<Record<string, unknown>>, ['userId', 'groupId', 'points']),
        ].join('\n'),
      );
    }),
  );

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
        if (!g.json) process.stderr.write(`${s}\n`);
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-demo-'));
      const orgCounts = await loadReferenceData(generateOrg('demo', 1000), store);
      say(`1. Loaded org "demo": ${orgCounts.customers} customers, ${orgCounts.transactions} transactions, ${orgCounts.stores} stores, ${orgCounts.trackers} trackers`);
      const saved = await saveTemplate(generatedTrackersTemplate('demo'), store);
      say(`2. Saved template "${saved.name}" version ${saved.version}`);
      const file = path.join(dir, 'spend-tracker.csv');
      await writeTrackersFile(file, 200, 1000, 20);
      say(`3. Wrote a Trackers file of 200 rows, a few of them wrong on purpose: ${file}`);
      const dry = await runJob(store, (await createJob(store, { orgId: 'demo', template: saved.id, filePath: file, dryRun: true })).id);
      say(`4. Dry run: ${dry.counts.valid} valid, ${dry.counts.rejected} rejected, nothing written`);
      const imported = await runJob(store, (await createJob(store, { orgId: 'demo', template: saved.id, filePath: file, allowDuplicate: true })).id);
      const errors = path.join(dir, 'errors.csv');
      const success = path.join(dir, 'success.csv');
      await writeErrorReport(store, imported, errors);
      await writeSuccessReport(store, imported, success);
      say(`5. Import: ${imported.counts.imported} rows imported, ${imported.counts.rejected} rejected`);
      say(`   error report:   ${errors}`);
      say(`   success report: ${success}`);
      const bonus = await saveTemplate(generatedPromotionTemplate('demo'), store);
      const bonusFile = path.join(dir, 'bonus-points.csv');
      await writePromotionFile(bonusFile, 100, 1000, 20);
      const awarded = await runJob(store, (await createJob(store, { orgId: 'demo', template: bonus.id, filePath: bonusFile })).id);
      const ledger = await store.ledger({ orgId: 'demo', promotionIdentifier: bonus.promotionIdentifier ?? undefined });
      if (awarded.fileError) say(`6. Customer Promotion "${bonus.name}": ${awarded.fileError.code}: ${awarded.fileError.message}`);
      else say(`6. Customer Promotion "${bonus.name}" (promotion ${bonus.promotionIdentifier}): ${awarded.counts.imported} awards, ${awarded.counts.rejected} rows rejected`);
      say(`   the ledger holds ${ledger.length} entries of this promotion: \`loyalty-import ledger --org demo --promotion ${bonus.promotionIdentifier}\``);
      say('   Run the demo again: the tracker rows come back ALREADY_TRACKED and the points file is refused');
      say('   as DUPLICATE_FILE, because no row is ever written twice.');
      const summary = summarise(imported);
      print(g, { dryRun: summarise(dry), import: summary, promotion: summarise(awarded), reports: { errors, success } }, () =>
        [describeJob(summary), describeJob(summarise(awarded))].join('\n'),
      );
    }),
  );

function fail(error: unknown): void {
  if (error instanceof UsageError) {
    usage(error.message);
    return;
  }
  const json = process.argv.includes('--json');
  let code = 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const extra: Record<string, string> = {};
  if (error instanceof FileError || error instanceof CommandFailure) code = error.code;
  else if (error instanceof ReferenceDataError) code = 'INVALID_REFERENCE_DATA';
  else if (error instanceof JobRequestError) code = 'INVALID_REQUEST';
  else if (error instanceof JobConflictError) code = 'JOB_CONFLICT';
  else if (error instanceof JobStoppedError) {
    code = 'JOB_STOPPED';
    extra.jobId = error.jobId;
  }
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, ...extra } }, null, 2)}\n`);
  process.stderr.write(`loyalty-import: ${message}\n`);
  // A trace is for whoever debugs the product, not for an operator.
  if (process.env.LOYALTY_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}

/** A wrong command line: exit code 2, and with --json an error document on standard output. */
function usage(message: string): void {
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: 'USAGE', message } }, null, 2)}\n`);
  process.stderr.write(`loyalty-import: ${message}\n`);
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
      if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: 'USAGE', message: error.message.replace(/^error: /, '') } }, null, 2)}\n`);
      process.exitCode = 2;
    }
  } else {
    fail(error);
  }
}
