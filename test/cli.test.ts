import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeOrg, type CliRun, cliJson as json, ensureBuilt, runCli, type StorePlace, tempDir, tempPlacesOfFile } from './helpers.js';

/**
 * The built command line (spec: cli.md), spawned as an operator runs it: commands, `--json`
 * output, report files and exit codes. It runs dist/, which `npm run check` builds before the
 * tests; it is built here only when absent.
 */

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let dir: string;
/** The store of this file's tests, which run in order on it. */
let place: StorePlace;
/** A fresh store location, dropped after the file's tests. */
const newPlace = tempPlacesOfFile();

/** Runs the CLI on the test's store (or `on`); resolves when it exits. */
function cli(args: string[], options: { on?: StorePlace; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCli(args, { cwd: dir, place: options.on ?? place, env: options.env });
}

function write(name: string, content: string | object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function readCsv(file: string): string[][] {
  const text = fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  return Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
}

const HEADER = 'Mobile,Bill No,Date,Store,Value';
const TEMPLATE = { org: 'acme', name: 'Spend tracker', profile: 'TRACKERS', mapping: { customer: 'Mobile', trackedValue: 'Value' }, config: { tracker: 'Spend 2025' } };
const MIXED = [
  HEADER,
  '919876543211,B-1,2025-03-01 10:15,S001,12.50', // 2 valid: transaction 90001 of customer 1002
  '919999999999,B-2,2025-03-02,S001,3', // 3 CUSTOMER_NOT_FOUND
  '919876543210,B-2,2025-03-02,S099,3', // 4 STORE_NOT_FOUND
].join('\n');

/** Every job this file creates in its store, oldest first. */
const jobs: string[] = [];
let templateId: string;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('loyalty-cli-');
  place = await newPlace();
}, 180_000);

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('org load and templates', () => {
  it('loads an org and prints what it loaded, exit 0', async () => {
    const run = await cli(['org', 'load', write('acme.json', acmeOrg()), '--json']);
    expect(run.code).toBe(0);
    expect(json(run)).toEqual({ org: 'acme', stores: 2, customers: 3, userGroups: 1, transactions: 4, trackers: 3, programs: 1, promotions: 1 });
    const words = await cli(['org', 'load', write('acme.json', acmeOrg())]);
    expect(words.stdout.trim()).toBe('Loaded org "acme": 2 stores, 3 customers, 1 user group, 4 transactions, 3 trackers, 1 program, 1 promotion');
  });

  it('refuses an org file that breaks a rule with exit 1, naming the entry', async () => {
    const org = acmeOrg();
    const bad = { ...org, customers: [...org.customers!, { userId: 1004, mobile: '919876543210' }] };
    const run = await cli(['org', 'load', write('bad-org.json', bad)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('customer 1004');
    expect(run.stdout).toBe('');
  });

  it('saves a template and prints {id, name, version}, a new version only when it changed', async () => {
    const first = await cli(['template', 'save', write('template.json', TEMPLATE), '--json']);
    expect(first.code).toBe(0);
    const saved = json<{ id: string; name: string; version: number }>(first);
    expect(saved).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Spend tracker', version: 1 });
    templateId = saved.id;

    const again = await cli(['template', 'save', write('template.json', TEMPLATE), '--json']);
    expect(json(again)).toEqual({ id: templateId, name: 'Spend tracker', version: 1 });

    const changed = await cli(['template', 'save', write('template-v2.json', { ...TEMPLATE, rowLimit: 5000 }), '--json']);
    expect(changed.code).toBe(0);
    expect(json(changed)).toEqual({ id: templateId, name: 'Spend tracker', version: 2 });
  });

  it('refuses a template with exit 1 and a message naming the key', async () => {
    const run = await cli(['template', 'save', write('bad-template.json', { ...TEMPLATE, name: 'Bad', mapping: { points: 'Points' } })]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('mapping.points');

    const withJson = await cli(['template', 'save', write('bad-template.json', { ...TEMPLATE, name: 'Bad', mapping: { points: 'Points' } }), '--json']);
    expect(withJson.code).toBe(1);
    expect(json(withJson)).toMatchObject({ error: { code: 'INVALID_TEMPLATE' } });
  });

  it("lists the org's templates", async () => {
    await cli(['template', 'save', write('other.json', { ...TEMPLATE, name: 'Another tracker' }), '--json']);
    const run = await cli(['template', 'list', '--org', 'acme', '--json']);
    expect(run.code).toBe(0);
    const list = json<Array<{ id: string; name: string; profile: string; version: number }>>(run);
    expect(list.map((t) => [t.name, t.profile, t.version])).toEqual([
      ['Another tracker', 'TRACKERS', 1],
      ['Spend tracker', 'TRACKERS', 2],
    ]);
    expect(list[1]!.id).toBe(templateId);
  });
});

describe('import, jobs and tracker values', () => {
  let imported: Record<string, unknown>;

  it('imports a file with rejected rows: exit 0, one JSON summary of the spec shape, both reports written', async () => {
    const errors = path.join(dir, 'errors.csv');
    const success = path.join(dir, 'success.csv');
    const run = await cli(['import', write('mixed.csv', MIXED), '--org', 'acme', '--template', 'Spend tracker', '--errors', errors, '--success', success, '--json']);
    expect(run.code).toBe(0);
    imported = json(run);
    expect(imported).toMatchObject({
      jobId: expect.any(String),
      org: 'acme',
      profile: 'TRACKERS',
      template: { id: templateId, version: 2 },
      dryRun: false,
      status: 'COMPLETED_WITH_ERRORS',
      rows: { total: 3, valid: 1, rejected: 2, imported: 1 },
      errorCounts: { CUSTOMER_NOT_FOUND: 1, STORE_NOT_FOUND: 1 },
      fileError: null,
      promotionIdentifier: null,
      autoMapped: { billNumber: 'Bill No', transactionDate: 'Date', storeCode: 'Store' },
    });
    expect(imported.startedAt).toMatch(ISO_WITH_OFFSET);
    expect(imported.finishedAt).toMatch(ISO_WITH_OFFSET);
    jobs.push(imported.jobId as string);

    expect(readCsv(errors).map((r) => r.slice(5, 7))).toEqual([
      ['row_number', 'error_code'],
      ['3', 'CUSTOMER_NOT_FOUND'],
      ['4', 'STORE_NOT_FOUND'],
    ]);
    expect(readCsv(success)).toEqual([
      ['row_number', 'user_id', 'group_id', 'loyalty_log_id', 'item_id', 'tracked_value'],
      ['2', '1002', '', '90001', '', '12.5'],
    ]);
  });

  it('shows a job with the summary the import printed', async () => {
    const run = await cli(['job', 'show', imported.jobId as string, '--json']);
    expect(run.code).toBe(0);
    const { reports: _reports, ...summary } = imported;
    expect(json(run)).toEqual(summary);
  });

  it('runs a dry run: VALIDATED, imported 0, exit 0', async () => {
    const file = write('dry.csv', [HEADER, '919876543212,B-3,2025-03-02,S002,5', '919876543212,B-3,2025-03-02,S002,6'].join('\n'));
    const run = await cli(['import', file, '--org', 'acme', '--template', templateId, '--dry-run', '--json']);
    expect(run.code).toBe(0);
    const dry = json(run);
    expect(dry).toMatchObject({ dryRun: true, status: 'VALIDATED', rows: { total: 2, valid: 1, rejected: 1, imported: 0 }, errorCounts: { DUPLICATE_IN_FILE: 1 } });
    jobs.push(dry.jobId as string);
  });

  it('fails the import of the same file again with exit 1 and fileError DUPLICATE_FILE, unless --allow-duplicate', async () => {
    const again = await cli(['import', write('mixed-again.csv', MIXED), '--org', 'acme', '--template', 'Spend tracker', '--json']);
    expect(again.code).toBe(1);
    const failed = json(again);
    expect(failed).toMatchObject({ status: 'FAILED', rows: { total: 0, valid: 0, rejected: 0, imported: 0 }, fileError: { code: 'DUPLICATE_FILE' } });
    expect((failed.fileError as { message: string }).message).toContain(imported.jobId as string);
    jobs.push(failed.jobId as string);

    const allowed = await cli(['import', write('mixed-again.csv', MIXED), '--org', 'acme', '--template', 'Spend tracker', '--allow-duplicate', '--json']);
    expect(allowed.code).toBe(0);
    const summary = json(allowed);
    expect(summary).toMatchObject({ status: 'COMPLETED_WITH_ERRORS', fileError: null, rows: { total: 3, valid: 0, rejected: 3, imported: 0 } });
    expect(summary.errorCounts).toEqual({ CUSTOMER_NOT_FOUND: 1, STORE_NOT_FOUND: 1, ALREADY_TRACKED: 1 });
    jobs.push(summary.jobId as string);
  });

  it('exits 1 for a job that FAILED, its JSON holding fileError', async () => {
    const run = await cli(['import', write('empty.csv', `${HEADER}\n`), '--org', 'acme', '--template', 'Spend tracker', '--json']);
    expect(run.code).toBe(1);
    const failed = json(run);
    expect(failed).toMatchObject({ status: 'FAILED', fileError: { code: 'EMPTY_FILE', message: expect.any(String) } });
    jobs.push(failed.jobId as string);

    const missing = await cli(['import', write('no-value.csv', 'Mobile,Bill No,Date,Store\n919876543212,B-3,2025-03-02,S002'), '--org', 'acme', '--template', 'Spend tracker', '--json']);
    expect(missing.code).toBe(1);
    const noColumn = json(missing);
    expect(noColumn).toMatchObject({ status: 'FAILED', fileError: { code: 'MISSING_COLUMN' } });
    jobs.push(noColumn.jobId as string);
  });

  it("lists the org's jobs, newest first", async () => {
    const run = await cli(['job', 'list', '--org', 'acme', '--json']);
    expect(run.code).toBe(0);
    const list = json<Array<{ jobId: string; status: string }>>(run);
    expect(list.map((j) => j.jobId)).toEqual([...jobs].reverse());
    expect(list.map((j) => j.status)).toEqual(['FAILED', 'FAILED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'VALIDATED', 'COMPLETED_WITH_ERRORS']);
  });

  it("prints a tracker's values in the spec's shape, by tracker name or id", async () => {
    const run = await cli(['tracker-values', '--org', 'acme', '--tracker', 'Spend 2025', '--json']);
    expect(run.code).toBe(0);
    const values = json<Array<Record<string, unknown>>>(run);
    expect(values).toEqual([{ trackerId: 11, loyaltyLogId: 90001, itemId: null, userId: 1002, groupId: null, value: '12.5', jobId: imported.jobId, rowNumber: 2 }]);
    expect(Object.keys(values[0]!).sort()).toEqual(['groupId', 'itemId', 'jobId', 'loyaltyLogId', 'rowNumber', 'trackerId', 'userId', 'value']);

    const byId = await cli(['tracker-values', '--org', 'acme', '--tracker', '11', '--json']);
    expect(json(byId)).toEqual(values);
  });

  it('uses LOYALTY_DB when --db is not given', async () => {
    const child = await runCli(['template', 'list', '--org', 'acme', '--json'], { cwd: dir, env: { ...place.env, LOYALTY_DB: place.location } });
    expect(child.code).toBe(0);
    expect(json<Array<{ name: string }>>(child).map((t) => t.name)).toEqual(['Another tracker', 'Spend tracker']);
  });
});

describe('exit codes of a wrong command line', () => {
  it.each([
    ['an unknown command', ['frobnicate']],
    ['an unknown flag', ['template', 'list', '--org', 'acme', '--colour', 'red']],
    ['a missing argument', ['org', 'load']],
    ['a missing required option', ['import', 'file.csv', '--template', 'Spend tracker']],
    ['a missing option value', ['job', 'list', '--org']],
    ['a port out of range', ['serve', '--port', '70000']],
    ['a port that is not a number', ['serve', '--port', 'abc']],
  ])('exits 2 for %s, with an error document under --json', async (_what, args) => {
    const run = await cli([...args, '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it('a server started without an admin key exits 1 with an error document under --json, saying what to set', async () => {
    const run = await runCli(['serve', '--port', '0', '--json'], { cwd: dir, env: { ...place.env, LOYALTY_DB: place.location, LOYALTY_ADMIN_KEY: '' } });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('LOYALTY_ADMIN_KEY') } });
  });

  it.each([
    ['a job that does not exist', ['job', 'show', 'no-such-job'], 'no-such-job'],
    ['a template that does not exist', ['import', 'mixed.csv', '--org', 'acme', '--template', 'No such template'], 'No such template'],
    ['a file that cannot be read', ['import', 'no-such-file.csv', '--org', 'acme', '--template', 'Spend tracker'], 'no-such-file.csv'],
    ['a tracker that does not exist', ['tracker-values', '--org', 'acme', '--tracker', 'Spend 2030'], 'Spend 2030'],
  ])('exits 1 for %s, naming it', async (_what, args, named) => {
    const run = await cli(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(named);
  });

  it.each([
    ['a SQLite file that is not there', () => path.join(dir, 'no-such-store.db'), ['no-such-store.db']],
    // The machine's PostgreSQL runs beside either suite (CI starts it).
    ['a PostgreSQL database that does not exist', () => 'postgres://postgres@127.0.0.1:5432/loyalty_no_such_database', ['loyalty_no_such_database', 'does not exist']],
    ['a PostgreSQL server that refuses the connection, its password not shown', () => 'postgres://postgres:s3cret@127.0.0.1:1/x', ['postgres://postgres@127.0.0.1:1/x', 'ECONNREFUSED']],
    ['a URL without a host, its password not shown', () => 'postgres://postgres:s3cret@/x?host=127.0.0.1&port=1', ['postgres://postgres@/x?host=127.0.0.1&port=1']],
    ['a URL with a password parameter, not shown', () => 'postgres://postgres@127.0.0.1:1/x?password=s3cret', ['postgres://postgres@127.0.0.1:1/x"']],
  ])('exits 1 with STORE_UNAVAILABLE for %s, naming it', async (_what, location, said) => {
    const run = await runCli(['template', 'list', '--org', 'acme', '--json'], { cwd: dir, db: location() });
    expect(run.code).toBe(1);
    const error = json<{ error: { code: string; message: string } }>(run).error;
    expect(error.code).toBe('STORE_UNAVAILABLE');
    for (const words of said) expect(error.message).toContain(words);
    expect(error.message + run.stderr).not.toContain('s3cret');
  });
});

describe('demo', () => {
  it('builds a demo org, imports a sample file and exits 0', async () => {
    const run = await cli(['demo', '--json'], { on: await newPlace() });
    expect(run.code).toBe(0);
    const out = json<{ dryRun: { status: string }; import: { status: string; rows: { total: number; rejected: number; imported: number } } }>(run);
    expect(out.dryRun.status).toBe('VALIDATED');
    expect(out.import.status).toBe('COMPLETED_WITH_ERRORS');
    expect(out.import.rows.total).toBe(200);
    expect(out.import.rows.imported + out.import.rows.rejected).toBe(200);
  });

  it('exits 0 for people too, telling them what it did on standard error', async () => {
    const run = await cli(['demo'], { on: await newPlace() });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Dry run');
  });
});
