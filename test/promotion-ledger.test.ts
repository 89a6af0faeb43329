import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, runJob } from '../src/jobs/runner.js';
import { type Balance, balances } from '../src/ledger/balances.js';
import { type StoredLedgerEntry, ledger } from '../src/profiles/customer-promotion/ledger.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { acmeOrg, type CliRun, cliJson, ensureBuilt, lines, loadOrg, runCli, type StorePlace, tempDir, tempPlace } from './helpers.js';

/**
 * The points ledger of Customer Promotion imports (spec: profiles.md, "Customer Promotion";
 * cli.md, `ledger` and its JSON shape): balances per customer and per group of the points not
 * expired, exact decimals; the built CLI's `ledger` command and its filters; the duplicate-file
 * guard from the command line. One database, built in beforeAll by four imports:
 *
 * - job A, started 2024-01-10T06:00Z, "365 days" (expires 2025-01-09 end of day, Kolkata):
 *   1001 "0.1" at till S001-T1, 1002 "100" at S002
 * - job B, never expiring: 1001 "0.2", 1001 "123456789012.123456", 1003 "0.000001", 1002 "7"
 * - job C, groups, never expiring: 501 via member 1002 "5.5", 501 alone "4.5", 502 "1"
 * - job D, started 2026-08-31T18:45Z (1 September local), "365 days": 1003 "2"
 */

let dir: string;
let place: StorePlace;
const jobIds: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };
const identifiers: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };
let entries: StoredLedgerEntry[];

let files = 0;

async function importAt(store: Store, name: string, config: Record<string, unknown>, mapping: Record<string, string>, csv: string, startedAt?: string) {
  const saved = await saveTemplate({ org: 'acme', name, profile: 'CUSTOMER_PROMOTION', mapping, config: { promotionName: name, ...config } }, store);
  const file = path.join(dir, `ledger-${++files}.csv`);
  fs.writeFileSync(file, csv);
  const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file });
  if (startedAt) await store.updateJob(created.id, { startedAt });
  const job = await runJob(store, created.id);
  expect(job.status, JSON.stringify(job.fileError)).toBe('COMPLETED');
  return job;
}

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('loyalty-ledger-');
  place = await tempPlace();
  const store = await place.open();
  try {
    const base = acmeOrg();
    await loadOrg(
      store,
      acmeOrg({
        customers: [
          ...(base.customers ?? []),
          { userId: 1004, mobile: '919876543213', email: 'lata@example.com', externalId: 'CUST-1004', cards: [] },
        ],
        userGroups: [
          { groupId: 501, externalId: 'FLEET-501', primaryUserId: 1001, memberUserIds: [1002] },
          { groupId: 502, externalId: 'FLEET-502', primaryUserId: 1004, memberUserIds: [] },
        ],
      }),
    );
    const individual = { customer: 'Customer', storeCode: 'Store', points: 'Points' };
    const a = await importAt(
      store,
      'Welcome 2024',
      { expiryStrategy: '365 days' },
      individual,
      lines('Customer,Store,Points', '919876543210,S001-T1,0.1', '919876543211,S002,100'),
      '2024-01-10T06:00:00Z',
    );
    const b = await importAt(
      store,
      'Loyalty forever',
      {},
      individual,
      lines('Customer,Store,Points', '919876543210,S001,0.2', '919876543210,S001,123456789012.123456', '919876543212,S002-T1,0.000001', '919876543211,S001,7'),
    );
    const c = await importAt(
      store,
      'Fleet bonus',
      { userGroup2Enabled: true, customerIdentifier: 'USER_ID' },
      { group: 'Group', customer: 'Customer', storeCode: 'Store', points: 'Points' },
      lines('Group,Customer,Store,Points', '501,1002,S001,5.5', '501,,S001,4.5', '502,,S002,1'),
    );
    const d = await importAt(
      store,
      'Autumn 2026',
      { expiryStrategy: '365 days' },
      individual,
      lines('Customer,Store,Points', '919876543212,S001,2'),
      '2026-08-31T18:45:00Z',
    );
    for (const [k, job] of [
      ['A', a],
      ['B', b],
      ['C', c],
      ['D', d],
    ] as const) {
      jobIds[k] = job.id;
      identifiers[k] = job.promotionIdentifier!;
    }
    entries = await ledger(store, { orgId: 'acme' });
  } finally {
    await store.close();
  }
}, 180_000);

afterAll(async () => {
  await place?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<CliRun> {
  return runCli(args, { cwd: dir, place });
}

function json<T>(run: CliRun): T {
  expect(run.code, run.stderr).toBe(0);
  return cliJson<T>(run);
}

/** Balances in a fixed order, whatever order the product returns them in. */
function sorted(list: Balance[]): Balance[] {
  return [...list].sort((x, y) => (x.groupId ?? 0) - (y.groupId ?? 0) || (x.userId ?? 0) - (y.userId ?? 0));
}

const NEVER_EXPIRED: Balance[] = [
  { userId: 1001, groupId: null, points: '123456789012.323456' },
  { userId: 1002, groupId: null, points: '7' },
  { userId: 1003, groupId: null, points: '2.000001' },
  { userId: null, groupId: 501, points: '10' },
  { userId: null, groupId: 502, points: '1' },
];

describe('balances', () => {
  it('sums every unexpired entry per customer and per group, exactly', () => {
    expect(entries).toHaveLength(10);
    expect(sorted(balances(entries, new Date('2024-06-01T00:00:00Z')))).toEqual([
      { userId: 1001, groupId: null, points: '123456789012.423456' },
      { userId: 1002, groupId: null, points: '107' },
      { userId: 1003, groupId: null, points: '2.000001' },
      { userId: null, groupId: 501, points: '10' },
      { userId: null, groupId: 502, points: '1' },
    ]);
  });

  it('ignores entries that have expired', () => {
    expect(sorted(balances(entries, new Date('2025-06-01T00:00:00Z')))).toEqual(NEVER_EXPIRED);
  });

  it('counts an entry through the last moment of its expiry date, not after', () => {
    // Job A expires at the end of 9 January 2025 in Kolkata: 18:29:59.999Z.
    const at = (iso: string) => sorted(balances(entries, new Date(iso))).find((b) => b.userId === 1002)?.points;
    expect(at('2025-01-09T18:29:59.000Z')).toBe('107');
    expect(at('2025-01-09T18:30:00.000Z')).toBe('7');
  });

  it("counts a group row that names a member for the group, not for the member", () => {
    const member = entries.find((e) => e.jobId === jobIds.C && e.rowNumber === 2)!;
    expect([member.userId, member.groupId, member.points]).toEqual([1002, 501, '5.5']);
    const list = balances(entries, new Date('2025-06-01T00:00:00Z'));
    expect(list.find((b) => b.userId === 1002)?.points).toBe('7');
    expect(list.find((b) => b.groupId === 501)).toEqual({ userId: null, groupId: 501, points: '10' });
  });

  it('stores what each job awarded, with its issue and expiry time', () => {
    expect(entries.filter((e) => e.jobId === jobIds.A).map((e) => [e.rowNumber, e.userId, e.points, e.storeCode, e.tillCode, e.issuedAt, e.expiresAt])).toEqual([
      [2, 1001, '0.1', 'S001', 'S001-T1', '2024-01-10T11:30:00.000+05:30', '2025-01-09T23:59:59.999+05:30'],
      [3, 1002, '100', 'S002', null, '2024-01-10T11:30:00.000+05:30', '2025-01-09T23:59:59.999+05:30'],
    ]);
    expect(entries.filter((e) => e.jobId === jobIds.D).map((e) => [e.issuedAt, e.expiresAt])).toEqual([['2026-09-01T00:15:00.000+05:30', '2027-09-01T23:59:59.999+05:30']]);
  });
});

interface LedgerJson {
  entries: Array<Record<string, unknown>>;
  balances: Balance[];
}

const ENTRY_KEYS = ['userId', 'groupId', 'points', 'promotionIdentifier', 'promotionName', 'programId', 'storeCode', 'tillCode', 'issuedAt', 'expiresAt', 'jobId', 'rowNumber'];

describe('ledger command', () => {
  it('prints { entries, balances } with the field names of the spec; balances count points not expired now', async () => {
    const out = json<LedgerJson>(await cli(['ledger', '--org', 'acme', '--json']));
    expect(Object.keys(out).sort()).toEqual(['balances', 'entries']);
    expect(out.entries).toHaveLength(10);
    for (const e of out.entries) expect(Object.keys(e).sort()).toEqual([...ENTRY_KEYS].sort());
    const first = out.entries.find((e) => e.jobId === jobIds.A && e.rowNumber === 2);
    expect(first).toEqual({
      userId: 1001,
      groupId: null,
      points: '0.1',
      promotionIdentifier: identifiers.A,
      promotionName: 'Welcome 2024',
      programId: 1,
      storeCode: 'S001',
      tillCode: 'S001-T1',
      issuedAt: '2024-01-10T11:30:00.000+05:30',
      expiresAt: '2025-01-09T23:59:59.999+05:30',
      jobId: jobIds.A,
      rowNumber: 2,
    });
    const group = out.entries.find((e) => e.jobId === jobIds.C && e.rowNumber === 3);
    expect(group).toMatchObject({ userId: null, groupId: 501, points: '4.5', promotionName: 'Fleet bonus', tillCode: null, expiresAt: null });
    for (const b of out.balances) expect(Object.keys(b).sort()).toEqual(['groupId', 'points', 'userId']);
    // Job A expired in January 2025; job D expires in September 2027.
    expect(sorted(out.balances)).toEqual(NEVER_EXPIRED);
  });

  it('--customer keeps one customer’s entries and balance', async () => {
    const out = json<LedgerJson>(await cli(['ledger', '--org', 'acme', '--customer', '1001', '--json']));
    expect(out.entries.map((e) => [e.jobId, e.rowNumber, e.points])).toEqual([
      [jobIds.A, 2, '0.1'],
      [jobIds.B, 2, '0.2'],
      [jobIds.B, 3, '123456789012.123456'],
    ]);
    expect(out.balances).toEqual([{ userId: 1001, groupId: null, points: '123456789012.323456' }]);
  });

  it('--group keeps one group’s entries and balance', async () => {
    const out = json<LedgerJson>(await cli(['ledger', '--org', 'acme', '--group', '501', '--json']));
    expect(out.entries.map((e) => [e.rowNumber, e.userId, e.groupId, e.points])).toEqual([
      [2, 1002, 501, '5.5'],
      [3, null, 501, '4.5'],
    ]);
    expect(out.balances).toEqual([{ userId: null, groupId: 501, points: '10' }]);
  });

  it('--promotion keeps one promotion’s entries', async () => {
    const out = json<LedgerJson>(await cli(['ledger', '--org', 'acme', '--promotion', identifiers.B, '--json']));
    expect(out.entries.map((e) => [e.rowNumber, e.userId, e.points, e.promotionIdentifier, e.promotionName])).toEqual([
      [2, 1001, '0.2', identifiers.B, 'Loyalty forever'],
      [3, 1001, '123456789012.123456', identifiers.B, 'Loyalty forever'],
      [4, 1003, '0.000001', identifiers.B, 'Loyalty forever'],
      [5, 1002, '7', identifiers.B, 'Loyalty forever'],
    ]);
    expect(sorted(out.balances)).toEqual([
      { userId: 1001, groupId: null, points: '123456789012.323456' },
      { userId: 1002, groupId: null, points: '7' },
      { userId: 1003, groupId: null, points: '0.000001' },
    ]);
    const expired = json<LedgerJson>(await cli(['ledger', '--org', 'acme', '--promotion', identifiers.A, '--json']));
    expect(expired.entries.map((e) => e.rowNumber)).toEqual([2, 3]);
    expect(expired.balances).toEqual([]);
  });

  it('combines filters', async () => {
    const out = json<LedgerJson>(await cli(['ledger', '--org', 'acme', '--customer', '1003', '--promotion', identifiers.D, '--json']));
    expect(out.entries.map((e) => [e.jobId, e.rowNumber, e.points])).toEqual([[jobIds.D, 2, '2']]);
    expect(out.balances).toEqual([{ userId: 1003, groupId: null, points: '2' }]);
  });

  it('exits 2 when --customer or --group is not a user or group id', async () => {
    for (const args of [
      ['--customer', 'abc'],
      ['--group', 'abc'],
      ['--customer', '0'],
    ]) {
      const run = await cli(['ledger', '--org', 'acme', ...args, '--json']);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(args[0]!);
    }
  });
});

describe('duplicate-file guard from the command line', () => {
  it('refuses the same file again with DUPLICATE_FILE (exit 1) and imports it with --allow-duplicate', async () => {
    const templateFile = path.join(dir, 'cli-template.json');
    fs.writeFileSync(
      templateFile,
      JSON.stringify({ org: 'acme', name: 'CLI promo', profile: 'CUSTOMER_PROMOTION', mapping: { customer: 'Mobile', storeCode: 'Till' }, config: { promotionName: 'CLI bonus' } }),
    );
    const saved = json<{ id: string; name: string; version: number; promotionIdentifier: string }>(await cli(['template', 'save', templateFile, '--json']));
    expect(Object.keys(saved).sort()).toEqual(['id', 'name', 'promotionIdentifier', 'version']);
    expect(saved).toMatchObject({ name: 'CLI promo', version: 1 });
    const csv = path.join(dir, 'cli.csv');
    fs.writeFileSync(csv, lines('Mobile,Till,Points', '919876543210,S001-T2,3', '919876543211,S002,4'));

    const first = json<{ jobId: string; status: string; promotionIdentifier: string }>(await cli(['import', csv, '--org', 'acme', '--template', 'CLI promo', '--json']));
    expect(first.status).toBe('COMPLETED');
    expect(first.promotionIdentifier).toBe(saved.promotionIdentifier);

    const again = await cli(['import', csv, '--org', 'acme', '--template', 'CLI promo', '--json']);
    expect(again.code).toBe(1);
    const refused = JSON.parse(again.stdout) as { status: string; fileError: { code: string; message: string } };
    expect(refused.status).toBe('FAILED');
    expect(refused.fileError.code).toBe('DUPLICATE_FILE');
    expect(refused.fileError.message).toContain(first.jobId);

    const allowed = json<{ status: string; rows: { imported: number } }>(await cli(['import', csv, '--org', 'acme', '--template', 'CLI promo', '--allow-duplicate', '--json']));
    expect(allowed.status).toBe('COMPLETED');
    expect(allowed.rows.imported).toBe(2);

    const out = json<LedgerJson>(await cli(['ledger', '--org', 'acme', '--promotion', saved.promotionIdentifier, '--json']));
    expect(out.entries.map((e) => [e.rowNumber, e.userId, e.points, e.storeCode, e.tillCode])).toEqual([
      [2, 1001, '3', 'S001', 'S001-T2'],
      [3, 1002, '4', 'S002', null],
      [2, 1001, '3', 'S001', 'S001-T2'],
      [3, 1002, '4', 'S002', null],
    ]);
    expect(sorted(out.balances)).toEqual([
      { userId: 1001, groupId: null, points: '6' },
      { userId: 1002, groupId: null, points: '8' },
    ]);
  });
});
