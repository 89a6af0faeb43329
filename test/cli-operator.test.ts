import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_STATUSES } from '../src/domain/jobs.js';
import { acmeOrg, type CliRun, cliJson as json, ensureBuilt, ON_POSTGRES, runCli, runProcess, type StorePlace, startCli, tempDir, tempPlacesOfFile } from './helpers.js';

/**
 * The command line as an operator meets it on a bad day (spec: cli.md): report paths that would
 * destroy data, reports that cannot be written, jobs named by a prefix or of another org, orgs
 * that do not exist, control characters in files and templates, a closed pipe, a scheduled run's
 * log. Each runs the built CLI on the run's store (a SQLite file, or PostgreSQL with
 * TEST_STORE=postgres).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'loyalty-import.js');

let dir: string;
/** The store the tests of this file share. */
let place: StorePlace;
/** A fresh store location, dropped after the file's tests. */
const newPlace = tempPlacesOfFile();

function cli(args: string[], options: { on?: StorePlace; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCli(args, { cwd: dir, place: options.on ?? place, env: options.env });
}

function write(name: string, content: string | object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const HEADER = 'Mobile,Bill No,Date,Store,Value';
const TEMPLATE = { org: 'acme', name: 'Spend tracker', profile: 'TRACKERS', mapping: { customer: 'Mobile', trackedValue: 'Value' }, config: { tracker: 'Spend 2025' } };
/** A file whose rows are all rejected (no such customer), told apart from the others by `tag`. */
const rejectedRows = (tag: string, rows = 2) => [HEADER, ...Array.from({ length: rows }, (_, i) => `919999999999,${tag}-${i},2025-03-02,S001,3`)].join('\n');
const GLOBEX = acmeOrg({ org: { id: 'globex', name: 'Globex', baseCountry: 'IN', timezone: 'Asia/Kolkata' } });
const NO_ORG = 'Org "nope" does not exist; load it first with `loyalty-import org load`';

/** An import of acme, all rows rejected: its job id. */
let acmeJob: string;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('loyalty-cli-operator-');
  place = await newPlace();
  for (const [name, org] of [
    ['acme.json', acmeOrg()],
    ['globex.json', GLOBEX],
  ] as const) {
    expect((await cli(['org', 'load', write(name, org)])).code).toBe(0);
  }
  expect((await cli(['template', 'save', write('template.json', TEMPLATE)])).code).toBe(0);
  expect((await cli(['template', 'save', write('globex-template.json', { ...TEMPLATE, org: 'globex' })])).code).toBe(0);
  const first = await cli(['import', write('first.csv', rejectedRows('FIRST')), '--org', 'acme', '--template', 'Spend tracker', '--json']);
  acmeJob = json<{ jobId: string }>(first).jobId;
}, 180_000);

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** How many jobs the store holds, of every org, read through a store of this process. */
async function jobCount(): Promise<number> {
  const store = await place.open();
  try {
    return (await store.jobsWithStatus(JOB_STATUSES)).length;
  } finally {
    await store.close();
  }
}

describe('report paths that would destroy data', () => {
  /** Runs an import with `flags` and expects it refused with exit 2 saying `said`, with no job made and its input unchanged. */
  async function expectRefused(flags: (input: string) => string[], said: string): Promise<void> {
    const input = write('guarded.csv', rejectedRows('GUARDED'));
    const before = await jobCount();
    expect(before).toBeGreaterThan(0);
    const run = await cli(['import', input, '--org', 'acme', '--template', 'Spend tracker', ...flags(input)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(said);
    expect(run.stdout).toBe('');
    expect(fs.readFileSync(input, 'utf8')).toBe(rejectedRows('GUARDED'));
    expect(await jobCount()).toBe(before);
  }

  it('refuses a report path that is the input file with exit 2, before a job starts, and leaves the files alone', async () => {
    await expectRefused((input) => ['--errors', input], 'is the input file');
  });

  // SQLite only: a PostgreSQL store has no file of its own that a report could overwrite.
  it.skipIf(ON_POSTGRES).each([
    ['the store', () => ['--errors', place.location], 'is the store'],
    ["the store's write-ahead log", () => ['--success', `${place.location}-wal`], "is the store's wal file"],
    ['a link to the store', () => ['--errors', path.join(dir, 'link-to-store.db')], 'is the store'],
  ])('refuses a report path that is %s (a SQLite file) with exit 2, before a job starts, and leaves the files alone', async (_what, flags, said) => {
    if (!fs.existsSync(path.join(dir, 'link-to-store.db'))) fs.symlinkSync(place.location, path.join(dir, 'link-to-store.db'));
    await expectRefused(flags, said);
  });

  it('refuses one path for both reports, however each is written', async () => {
    fs.mkdirSync(path.join(dir, 'reports'), { recursive: true });
    if (!fs.existsSync(path.join(dir, 'reports-link'))) fs.symlinkSync(path.join(dir, 'reports'), path.join(dir, 'reports-link'));
    const before = await jobCount();
    const run = await cli(['import', write('both.csv', rejectedRows('BOTH')), '--org', 'acme', '--template', 'Spend tracker', '--errors', 'reports/same.csv', '--success', 'reports-link/../reports-link/same.csv', '--json']);
    expect(run.code).toBe(2);
    expect(json(run)).toMatchObject({ error: { code: 'INVALID_REQUEST', message: expect.stringContaining('give each report a file of its own') } });
    expect(await jobCount()).toBe(before);
    expect(fs.readdirSync(path.join(dir, 'reports'))).toEqual([]);
  });

  // SQLite only: a PostgreSQL store has no file of its own that a report could overwrite.
  it.skipIf(ON_POSTGRES)('refuses job show and job resume writing a report over the store (a SQLite file)', async () => {
    const dbBytes = fs.readFileSync(place.location);
    for (const command of ['show', 'resume']) {
      const run = await cli(['job', command, acmeJob, '--errors', place.location]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is the store');
    }
    expect(fs.readFileSync(place.location).equals(dbBytes)).toBe(true);
  });
});

describe('a report that cannot be written', () => {
  it('never hides the import: the summary with reportErrors, the other report written, exit 1, and the command that writes it again', async () => {
    const missing = path.join(dir, 'no-such-dir', 'errors.csv');
    const success = path.join(dir, 'written-success.csv');
    const csv = [HEADER, '919876543211,B-1,2025-03-01 10:15,S001,12.50', '919999999999,B-2,2025-03-02,S001,3'].join('\n');
    const run = await cli(['import', write('committed.csv', csv), '--org', 'acme', '--template', 'Spend tracker', '--errors', missing, '--success', success, '--json']);
    expect(run.code).toBe(1);
    const doc = json<{ jobId: string; reportErrors: Array<{ message: string }> }>(run);
    expect(doc).toMatchObject({
      status: 'COMPLETED_WITH_ERRORS',
      rows: { total: 2, rejected: 1, imported: 1 },
      reports: { success: { file: success, rows: 1 } },
      reportErrors: [{ report: 'errors', file: missing, message: expect.stringContaining(`the directory "${path.dirname(missing)}" does not exist`) }],
    });
    expect(doc.reportErrors[0]!.message).toContain(`\`loyalty-import job show ${doc.jobId} --errors FILE\``);
    expect(run.stderr).toContain(`loyalty-import job show ${doc.jobId} --errors FILE`);
    expect(fs.existsSync(success)).toBe(true);

    const again = await cli(['job', 'show', doc.jobId, '--errors', path.join(dir, 'errors-again.csv'), '--json']);
    expect(again.code).toBe(0);
    expect(json(again)).toMatchObject({ jobId: doc.jobId, reports: { errors: { rows: 1 } } });
  });

  it('prints the summary for people on standard output and the failure on standard error', async () => {
    const run = await cli(['job', 'show', acmeJob, '--success', path.join(dir, 'no-such-dir', 'success.csv')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Job ${acmeJob}: COMPLETED_WITH_ERRORS`);
    expect(run.stdout).toContain('success report NOT written');
    expect(run.stderr).toContain(`loyalty-import job show ${acmeJob} --success FILE`);
  });
});

describe('naming a job', () => {
  it('answers a job of another org on show and resume exactly as a job that does not exist', async () => {
    const missingId = acmeJob.replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0'));
    const missing = await cli(['job', 'show', missingId, '--org', 'globex', '--json']);
    for (const command of ['show', 'resume']) {
      const other = await cli(['job', command, acmeJob, '--org', 'globex', '--json']);
      expect(other.code).toBe(1);
      expect(json(other)).toEqual(JSON.parse(missing.stdout.replace(missingId, acmeJob)));
      expect(json(other)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    const own = await cli(['job', 'show', acmeJob, '--org', 'acme', '--json']);
    expect(own.code).toBe(0);
    expect(json(own)).toMatchObject({ jobId: acmeJob, org: 'acme' });
  });

  it('takes the first 8 characters of a job id, and refuses fewer with exit 2', async () => {
    const run = await cli(['job', 'show', acmeJob.slice(0, 8), '--json']);
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({ jobId: acmeJob });
    const short = await cli(['job', 'show', acmeJob.slice(0, 7), '--json']);
    expect(short.code).toBe(2);
    expect(json(short)).toMatchObject({ error: { code: 'INVALID_REQUEST', message: expect.stringContaining('at least 8 characters') } });
  });
});

describe('an org that does not exist', () => {
  it.each([
    ['template list', () => ['template', 'list', '--org', 'nope']],
    ['job list', () => ['job', 'list', '--org', 'nope']],
    ['ledger', () => ['ledger', '--org', 'nope']],
    ['tracker-values', () => ['tracker-values', '--org', 'nope', '--tracker', 'Spend 2025']],
    ['import', () => ['import', write('nope.csv', rejectedRows('NOPE')), '--org', 'nope', '--template', 'Spend tracker']],
  ])('%s says so in one message: NOT_FOUND, exit 1', async (_what, args) => {
    const run = await cli([...args(), '--json']);
    expect(run.code).toBe(1);
    expect(json(run)).toEqual({ error: { code: 'NOT_FOUND', message: NO_ORG } });
    expect(run.stderr).toBe(`loyalty-import: ${NO_ORG}\n`);
  });
});

describe('job list filters', () => {
  it('lists only the jobs of a status, and at most --limit of them, newest first', async () => {
    const ids: string[] = [];
    for (const [name, content, flags] of [
      ['g-dry.csv', rejectedRows('G-DRY'), ['--dry-run']],
      ['g-empty.csv', `${HEADER}\n`, []],
      ['g-rejected.csv', rejectedRows('G-REJ'), []],
    ] as const) {
      ids.push(json<{ jobId: string }>(await cli(['import', write(name, content), '--org', 'globex', '--template', 'Spend tracker', ...flags, '--json'])).jobId);
    }
    const failed = await cli(['job', 'list', '--org', 'globex', '--status', 'failed', '--json']);
    expect(failed.code).toBe(0);
    expect(json<Array<{ jobId: string; status: string }>>(failed).map((j) => [j.jobId, j.status])).toEqual([[ids[1], 'FAILED']]);
    const newest = await cli(['job', 'list', '--org', 'globex', '--limit', '2', '--json']);
    expect(json<Array<{ jobId: string }>>(newest).map((j) => j.jobId)).toEqual([ids[2], ids[1]]);
  });

  it.each([
    ['an unknown status', ['--status', 'DONE'], 'VALIDATED'],
    ['a limit that is not a positive whole number', ['--limit', '0'], '--limit takes a positive whole number'],
  ])('refuses %s with exit 2, saying what it takes', async (_what, flags, said) => {
    const run = await cli(['job', 'list', '--org', 'globex', ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(said);
  });
});

describe('control characters', () => {
  const EVIL = 'Evil\u001b[2J tracker\nJob 1: COMPLETED';
  const SHOWN = 'Evil\\x1b[2J tracker\\nJob 1: COMPLETED';

  it('are shown escaped in output for people and kept exact in JSON', async () => {
    const saved = await cli(['template', 'save', write('evil.json', { ...TEMPLATE, name: EVIL, mapping: { customer: 'Mobile\u001b[5m', trackedValue: 'Value' } })]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain(SHOWN);
    const listed = await cli(['template', 'list', '--org', 'acme']);
    expect(listed.stdout).toContain(SHOWN);
    const listedJson = await cli(['template', 'list', '--org', 'acme', '--json']);
    expect(json<Array<{ name: string }>>(listedJson).map((t) => t.name)).toContain(EVIL);

    // The template maps a header the file lacks: the job's file error quotes it, and the file's name.
    const run = await cli(['import', write('bad\u001b[31m.csv', rejectedRows('EVIL')), '--org', 'acme', '--template', EVIL]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('file bad\\x1b[31m.csv');
    expect(run.stdout).toContain('Mobile\\x1b[5m');
    const refused = await cli(['import', write('plain.csv', rejectedRows('PLAIN')), '--org', 'acme', '--template', 'No\u001b]0;owned\u0007such']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('No\\x1b]0;owned\\x07such');
    for (const r of [saved, listed, run, refused]) {
      expect(`${r.stdout}${r.stderr}`).not.toContain('\u001b');
      expect(`${r.stdout}${r.stderr}`).not.toContain('\u0007');
    }
  });
});

describe('small things', () => {
  it('exits quietly when the reader of its output goes away (`| head -1`)', async () => {
    const { child, done } = startCli(['job', 'list', '--org', 'acme'], { cwd: dir, place });
    child.stdout!.destroy();
    const run = await done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('prints its version', async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it('npm run bench -- --help prints the usage, and an unknown option the usage with exit 2', async () => {
    const bench = path.join(ROOT, 'dist', 'bench', 'bench.js');
    const help = await runProcess(process.execPath, [bench, '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run bench --');
    const wrong = await runProcess(process.execPath, [bench, '--frobnicate'], { cwd: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Usage: npm run bench --');
    expect(wrong.stderr).not.toMatch(/^\s+at /m);
  });

  it('runs the demo again without a FAILED job: the guards explained, exit 0', async () => {
    const demo = await newPlace();
    expect((await cli(['demo'], { on: demo })).code).toBe(0);
    const again = await cli(['demo'], { on: demo });
    expect(again.code).toBe(0);
    expect(`${again.stdout}${again.stderr}`).not.toContain('FAILED');
    expect(again.stderr).toContain('ALREADY_TRACKED');
    expect(again.stderr).toMatch(/this points file was imported by job [0-9a-f-]{36} on an earlier run/);
    const third = json<{ promotionImportedEarlier: boolean; promotion: { status: string; rows: { imported: number } } }>(await cli(['demo', '--json'], { on: demo }));
    expect(third).toMatchObject({ promotionImportedEarlier: true, promotion: { status: 'COMPLETED_WITH_ERRORS' } });
    expect(third.promotion.rows.imported).toBeGreaterThan(0);
    const jobs = json<Array<{ status: string }>>(await cli(['job', 'list', '--org', 'demo', '--json'], { on: demo }));
    expect(jobs.map((j) => j.status)).not.toContain('FAILED');
  });

  it('reads a template that starts with a UTF-8 byte-order mark', async () => {
    const run = await cli(['template', 'save', write('bom.json', `\ufeff${JSON.stringify({ ...TEMPLATE, name: 'With BOM' })}`), '--json']);
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({ name: 'With BOM', version: 1 });
  });

  it.each([
    ['template', ['template', 'save'], 11, '10 MB'],
    ['reference-data', ['org', 'load'], 501, '500 MB'],
  ])('refuses a %s file over its limit without reading it', async (what, command, megabytes, limit) => {
    const file = path.join(dir, `huge-${what}.json`);
    // A sparse file: its size is on record, its bytes take no room and are never read.
    fs.writeFileSync(file, '');
    fs.truncateSync(file, megabytes * 1024 * 1024);
    const run = await cli([...command, file, '--json']);
    fs.rmSync(file);
    expect(run.code).toBe(1);
    expect(json(run)).toMatchObject({ error: { code: 'INVALID_JSON', message: expect.stringContaining(`a ${what} file is at most ${limit}`) } });
  });
});

describe('a large job in a log', () => {
  const rows = 6_000;
  let file: string;
  let bigJob: string;
  let logged: CliRun;

  beforeAll(async () => {
    // Long cells: the error report is over 3 MB.
    file = write('big.csv', [HEADER, ...Array.from({ length: rows }, (_, i) => `919999999999,BIG-${i}-${'x'.repeat(500)},2025-03-02,S001,3`)].join('\n'));
    logged = await cli(['import', file, '--org', 'acme', '--template', 'Spend tracker'], { env: { LOYALTY_PROGRESS_INTERVAL_MS: '0' } });
    expect(logged.code).toBe(0);
    bigJob = /^Job ([0-9a-f-]{36}) started$/m.exec(logged.stderr)![1]!;
  }, 120_000);

  it('prints a progress line every interval when standard error is not a terminal, and none with --json', async () => {
    const lines = logged.stderr.split('\n').filter((l) => /^Job [0-9a-f]{8}…: [\d,]+ of 6,000 rows \(\d+%\)/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]!.startsWith(`Job ${bigJob.slice(0, 8)}…`)).toBe(true);
    expect(lines.at(-1)).toMatch(/^Job [0-9a-f]{8}…: 6,000 of 6,000 rows \(100%\)(, [\d,]+ rows\/s)?$/);

    const quiet = await cli(['import', file, '--org', 'acme', '--template', 'Spend tracker', '--dry-run', '--json'], { env: { LOYALTY_PROGRESS_INTERVAL_MS: '0' } });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('keeps the report already at the path, and leaves no temporary file, when the disk refuses the write half-way', async () => {
    const kept = path.join(dir, 'limited', 'errors.csv');
    fs.mkdirSync(path.dirname(kept), { recursive: true });
    fs.writeFileSync(kept, 'the report of yesterday');
    // A file size limit of one or two megabytes (the shell's blocks): the report fails part-way through.
    const run = await runProcess('sh', ['-c', 'ulimit -f 2048 && exec "$0" "$@"', process.execPath, BIN, '--db', place.location, 'job', 'show', bigJob, '--errors', kept, '--json'], { cwd: dir, env: place.env });
    expect(run.code).toBe(1);
    expect(json(run)).toMatchObject({ jobId: bigJob, reportErrors: [{ report: 'errors', file: kept }] });
    expect(fs.readFileSync(kept, 'utf8')).toBe('the report of yesterday');
    expect(fs.readdirSync(path.dirname(kept))).toEqual(['errors.csv']);
  });
});
