import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileError } from '../src/core/error-codes.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import type { ReferenceDataFile } from '../src/org/reference-data.js';
import type { JobRecord, Rejection } from '../src/domain/jobs.js';
import { type StoredLedgerEntry, ledger } from '../src/profiles/customer-promotion/ledger.js';
import type { Store } from '../src/store/port.js';
import { type SavedTemplate, saveTemplate } from '../src/templates/service.js';
import { acmeOrg, codes, lines, loadOrg, templateRefusal, tempStoreForEachTest } from './helpers.js';
import { promotionTemplate } from './promotion-fixtures.js';

/**
 * Customer Promotion (spec: profiles.md, "Customer Promotion"): its configuration (promotionName,
 * program, expiryStrategy, promotionIdentifier), the promotion each import awards under, the
 * issue and expiry time of every entry, dry runs and the duplicate-file guard (jobs.md, "Job").
 */

let store: Store;
let dir: string;
tempStoreForEachTest(async (t) => {
  ({ store, dir } = t);
  await loadOrg(store, org());
});

/** acmeOrg with every expiry kind in the default program, and a second program "Partner Club". */
function org(timezone = 'Asia/Kolkata'): ReferenceDataFile {
  return acmeOrg({
    org: { id: 'acme', name: 'Acme Retail', baseCountry: 'IN', timezone },
    programs: [
      {
        id: 1,
        name: 'Acme Rewards',
        default: true,
        expiryStrategies: [
          { id: 1, name: '365 days', kind: 'AFTER_DAYS', days: 365 },
          { id: 2, name: 'End of 6th month', kind: 'END_OF_MONTH_AFTER', months: 6 },
          { id: 3, name: 'March 2026', kind: 'FIXED_DATE', date: '2026-03-31' },
          { id: 4, name: 'Never', kind: 'NEVER' },
          { id: 5, name: 'Next day', kind: 'AFTER_DAYS', days: 1 },
        ],
      },
      {
        id: 2,
        name: 'Partner Club',
        default: false,
        expiryStrategies: [
          { id: 1, name: 'Partner 30 days', kind: 'AFTER_DAYS', days: 30 },
          { id: 7, name: 'Partner month end', kind: 'END_OF_MONTH_AFTER', months: 1 },
        ],
      },
    ],
  });
}

const CSV = lines('Customer,Store,Points', '919876543210,S001-T1,10', '919876543211,S002,2.5', '919999999999,S001,1');
const NAME = 'Festive bonus points';

/** A Customer Promotion template; `config` goes over a promotion name. */
function promo(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return promotionTemplate(config, { org: 'acme', name: NAME, ...extra });
}

let files = 0;

interface Imported {
  saved: SavedTemplate;
  job: JobRecord;
  rejections: Rejection[];
  entries: StoredLedgerEntry[];
}

/**
 * Saves `template`, writes `csv` to a new file and runs a job on it; with `startedAt`, the job's
 * start time is set first (the issue time of what it awards). Returns the job's own entries.
 */
async function importAt(
  template: Record<string, unknown>,
  csv: string,
  options: { startedAt?: string; dryRun?: boolean; allowDuplicate?: boolean; chunkRows?: number } = {},
): Promise<Imported> {
  const saved = await saveTemplate(template, store);
  const file = path.join(dir, `promotion-${++files}.csv`);
  fs.writeFileSync(file, csv);
  const created = await createJob(store, { orgId: 'acme', template: saved.id, filePath: file, dryRun: options.dryRun, allowDuplicate: options.allowDuplicate });
  if (options.startedAt) await store.updateJob(created.id, { startedAt: options.startedAt });
  const job = await runJob(store, created.id, { chunkRows: options.chunkRows });
  const rejections: Rejection[] = [];
  for await (const page of store.rejections(job.id)) rejections.push(...page);
  const entries = (await ledger(store, { orgId: 'acme' })).filter((e) => e.jobId === job.id);
  return { saved, job, rejections, entries };
}

function refusal(input: Record<string, unknown>): Promise<FileError> {
  return templateRefusal(store, input);
}

describe('promotionName', () => {
  it('is stored exactly as given on the promotion and every entry, with nothing appended', async () => {
    const { job, entries } = await importAt(promo(), CSV);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(entries.map((e) => e.promotionName)).toEqual(['Festive bonus', 'Festive bonus']);
    expect(await store.findPromotion('acme', job.promotionIdentifier!)).toEqual({ identifier: job.promotionIdentifier, name: 'Festive bonus', programId: 1 });
  });

  it('accepts 100 characters and stores all of them', async () => {
    const name = `Diwali ${'x'.repeat(92)}!`;
    expect(name).toHaveLength(100);
    const { job, entries } = await importAt(promo({ promotionName: name }), CSV);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.promotionName === name)).toBe(true);
    expect((await store.findPromotion('acme', job.promotionIdentifier!))?.name).toBe(name);
  });

  it('keeps spaces and non-ASCII letters as they are', async () => {
    const name = 'Diwali  बोनस — Ümit’s ✨ deal';
    const { job, entries } = await importAt(promo({ promotionName: name }), CSV);
    expect(entries.map((e) => e.promotionName)).toEqual([name, name]);
    expect((await store.findPromotion('acme', job.promotionIdentifier!))?.name).toBe(name);
  });

  it('counts characters, not UTF-16 code units: 100 characters outside the BMP are accepted, 101 are not', async () => {
    const name = '🎉'.repeat(100);
    expect([...name]).toHaveLength(100);
    const { job, entries } = await importAt(promo({ promotionName: name }), CSV);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(entries.map((e) => e.promotionName)).toEqual([name, name]);
    const error = await refusal(promo({ promotionName: '🎉'.repeat(101) }));
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('promotionName');
  });

  it('refuses a name longer than 100 characters, an empty name and no name, naming the key', async () => {
    for (const config of [{ promotionName: 'y'.repeat(101) }, { promotionName: '' }]) {
      const error = await refusal(promo(config));
      expect(error.code).toBe('INVALID_TEMPLATE');
      expect(error.message).toContain('promotionName');
    }
    const error = await refusal({ ...promo(), config: {} });
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('promotionName');
    expect(await store.findTemplate('acme', NAME)).toBeNull();
  });
});

describe('configuration keys', () => {
  it('refuses a key the profile does not have, naming it', async () => {
    for (const key of ['tracker', 'billIdentification', 'promotionNmae']) {
      const error = await refusal(promo({ [key]: 'x' }));
      expect(error.code, key).toBe('INVALID_TEMPLATE');
      expect(error.message).toContain(key);
    }
  });

  it('refuses a mapping to a field the profile does not have, naming it', async () => {
    const error = await refusal({ ...promo(), mapping: { customer: 'Customer', storeCode: 'Store', points: 'Points', trackedValue: 'Value' } });
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('trackedValue');
  });
});

describe('program', () => {
  it("is the org's default program when absent", async () => {
    const { job, entries } = await importAt(promo(), CSV);
    expect(entries.map((e) => e.programId)).toEqual([1, 1]);
    expect((await store.findPromotion('acme', job.promotionIdentifier!))?.programId).toBe(1);
  });

  it('is found by id and by name', async () => {
    for (const program of [2, 'Partner Club']) {
      const { job, entries } = await importAt(promo({ program }), CSV);
      expect(job.status).toBe('COMPLETED_WITH_ERRORS');
      expect(entries.map((e) => e.programId)).toEqual([2, 2]);
      expect((await store.findPromotion('acme', job.promotionIdentifier!))?.programId).toBe(2);
    }
  });

  it('refuses a program the org does not have when the template is saved (INVALID_TEMPLATE naming the key)', async () => {
    for (const program of ['Nope', 99]) {
      const error = await refusal(promo({ program }));
      expect(error.code).toBe('INVALID_TEMPLATE');
      expect(error.message).toContain('program');
      expect(error.message).toContain(String(program));
    }
  });
});

describe('expiryStrategy', () => {
  const at = '2023-08-31T06:00:00Z'; // 11:30 in Kolkata, 31 August 2023

  it('is found by id and by name, and sets expiresAt to the end of the expiry date in the org timezone', async () => {
    const cases: Array<[unknown, string | null]> = [
      [2, '2024-02-29T23:59:59.999+05:30'],
      ['End of 6th month', '2024-02-29T23:59:59.999+05:30'],
      ['365 days', '2024-08-30T23:59:59.999+05:30'],
      [1, '2024-08-30T23:59:59.999+05:30'],
      ['March 2026', '2026-03-31T23:59:59.999+05:30'],
      ['Never', null],
    ];
    for (const [expiryStrategy, expiresAt] of cases) {
      const { job, entries } = await importAt(promo({ expiryStrategy }), CSV, { startedAt: at, allowDuplicate: true });
      expect(job.status, JSON.stringify(expiryStrategy)).toBe('COMPLETED_WITH_ERRORS');
      expect(entries.map((e) => e.expiresAt), JSON.stringify(expiryStrategy)).toEqual([expiresAt, expiresAt]);
    }
  });

  it('never expires when absent', async () => {
    const { entries } = await importAt(promo(), CSV, { startedAt: at });
    expect(entries.map((e) => e.expiresAt)).toEqual([null, null]);
  });

  it("is looked up in the template's program", async () => {
    // Strategy 1 of "Partner Club" is 30 days; strategy 1 of the default program is 365 days.
    const { entries } = await importAt(promo({ program: 'Partner Club', expiryStrategy: 1 }), CSV, { startedAt: '2025-01-31T06:00:00Z' });
    expect(entries.map((e) => e.expiresAt)).toEqual(['2025-03-02T23:59:59.999+05:30', '2025-03-02T23:59:59.999+05:30']);
    const monthEnd = await importAt(promo({ program: 2, expiryStrategy: 'Partner month end' }), CSV, { startedAt: '2025-01-31T06:00:00Z' });
    expect(monthEnd.entries.map((e) => e.expiresAt)).toEqual(['2025-02-28T23:59:59.999+05:30', '2025-02-28T23:59:59.999+05:30']);
  });

  it('refuses a strategy its program does not have, even one of another program (INVALID_TEMPLATE naming the key)', async () => {
    for (const config of [{ expiryStrategy: 'Forever' }, { expiryStrategy: 42 }, { expiryStrategy: 'Partner 30 days' }, { expiryStrategy: 7 }, { program: 2, expiryStrategy: 'Never' }]) {
      const error = await refusal(promo(config));
      expect(error.code, JSON.stringify(config)).toBe('INVALID_TEMPLATE');
      expect(error.message).toContain('expiryStrategy');
    }
  });
});

describe('issuedAt: the time the job started', () => {
  it("is the job's start time in the org timezone; a start at 00:15 in Kolkata (18:45Z the day before) is issued on 1 September", async () => {
    const { job, entries } = await importAt(promo({ expiryStrategy: 'End of 6th month' }), CSV, { startedAt: '2026-08-31T18:45:00Z' });
    expect(job.startedAt).toBe('2026-08-31T18:45:00Z');
    expect(entries.map((e) => [e.rowNumber, e.issuedAt, e.expiresAt])).toEqual([
      [2, '2026-09-01T00:15:00.000+05:30', '2027-03-31T23:59:59.999+05:30'],
      [3, '2026-09-01T00:15:00.000+05:30', '2027-03-31T23:59:59.999+05:30'],
    ]);
  });

  it('a start at 23:30 in Kolkata (18:00Z) is issued on 31 August', async () => {
    const { entries } = await importAt(promo({ expiryStrategy: 'End of 6th month' }), CSV, { startedAt: '2026-08-31T18:00:00Z' });
    expect(entries.map((e) => [e.issuedAt, e.expiresAt])).toEqual([
      ['2026-08-31T23:30:00.000+05:30', '2027-02-28T23:59:59.999+05:30'],
      ['2026-08-31T23:30:00.000+05:30', '2027-02-28T23:59:59.999+05:30'],
    ]);
    expect(Date.parse(entries[0]!.issuedAt)).toBe(Date.parse('2026-08-31T18:00:00Z'));
  });

  it('is one instant for every entry of a job, however many chunks it takes', async () => {
    const rows = Array.from({ length: 9 }, (_, i) => `91987654321${i % 3},S001,${i + 1}`);
    const { job, entries } = await importAt(promo({ expiryStrategy: '365 days' }), lines('Customer,Store,Points', ...rows), {
      startedAt: '2025-06-15T04:00:00Z',
      chunkRows: 2,
    });
    expect(job.status).toBe('COMPLETED');
    expect(entries).toHaveLength(9);
    expect(new Set(entries.map((e) => e.issuedAt))).toEqual(new Set(['2025-06-15T09:30:00.000+05:30']));
    expect(new Set(entries.map((e) => e.expiresAt))).toEqual(new Set(['2026-06-15T23:59:59.999+05:30']));
  });

  it('follows daylight saving in New York: issued the evening before the clocks go forward, expiring at the end of that day at -04:00', async () => {
    await loadOrg(store, org('America/New_York'));
    const { entries } = await importAt(promo({ expiryStrategy: 'Next day' }), CSV, { startedAt: '2025-03-09T03:00:00Z' });
    expect(entries.map((e) => [e.issuedAt, e.expiresAt])).toEqual([
      ['2025-03-08T22:00:00.000-05:00', '2025-03-09T23:59:59.999-04:00'],
      ['2025-03-08T22:00:00.000-05:00', '2025-03-09T23:59:59.999-04:00'],
    ]);
  });

  it('is the start time when none was set beforehand, and is recorded on the job', async () => {
    const before = Date.now();
    const { job, entries } = await importAt(promo(), CSV);
    const after = Date.now();
    expect(job.startedAt).not.toBeNull();
    const started = Date.parse(job.startedAt!);
    expect(started).toBeGreaterThanOrEqual(before);
    expect(started).toBeLessThanOrEqual(after);
    expect(entries.map((e) => Date.parse(e.issuedAt))).toEqual([started, started]);
    expect(entries.every((e) => e.issuedAt.endsWith('+05:30'))).toBe(true);
  });
});

describe('promotion identifiers', () => {
  it('saving a template without one gives it a generated identifier; saving it unchanged keeps the identifier and the version', async () => {
    const first = await saveTemplate(promo(), store);
    expect(first.version).toBe(1);
    expect(typeof first.promotionIdentifier).toBe('string');
    expect(first.promotionIdentifier!.length).toBeGreaterThan(0);
    const again = await saveTemplate(promo(), store);
    expect(again).toMatchObject({ id: first.id, version: 1, promotionIdentifier: first.promotionIdentifier });
  });

  it('saving a change to the mapping or the configuration gives a new version and a new identifier', async () => {
    const v1 = await saveTemplate(promo(), store);
    const v2 = await saveTemplate({ ...promo(), mapping: { customer: 'Mobile', storeCode: 'Store', points: 'Points' } }, store);
    const v3 = await saveTemplate({ ...promo({ expiryStrategy: 'Never' }), mapping: { customer: 'Mobile', storeCode: 'Store', points: 'Points' } }, store);
    const v4 = await saveTemplate({ ...promo({ expiryStrategy: 'Never', promotionName: 'Festive bonus 2' }), mapping: { customer: 'Mobile', storeCode: 'Store', points: 'Points' } }, store);
    expect([v1.version, v2.version, v3.version, v4.version]).toEqual([1, 2, 3, 4]);
    expect(new Set([v1.id, v2.id, v3.id, v4.id]).size).toBe(1);
    const identifiers = [v1, v2, v3, v4].map((v) => v.promotionIdentifier);
    expect(new Set(identifiers).size).toBe(4);
    expect((await store.findTemplate('acme', NAME))?.promotionIdentifier).toBe(v4.promotionIdentifier);
  });

  it('awards two files imported with the same template version under the same identifier, which each job records', async () => {
    const a = await importAt(promo(), CSV);
    const b = await importAt(promo(), lines('Customer,Store,Points', '919876543212,S002-T1,4'));
    expect(b.saved.version).toBe(a.saved.version);
    const identifier = a.saved.promotionIdentifier!;
    expect(a.job.promotionIdentifier).toBe(identifier);
    expect(b.job.promotionIdentifier).toBe(identifier);
    const all = await ledger(store, { orgId: 'acme', promotionIdentifier: identifier });
    expect(all.map((e) => [e.jobId, e.rowNumber, e.userId, e.points])).toEqual([
      [a.job.id, 2, 1001, '10'],
      [a.job.id, 3, 1002, '2.5'],
      [b.job.id, 2, 1003, '4'],
    ]);
    expect(await store.findPromotion('acme', identifier)).toEqual({ identifier, name: 'Festive bonus', programId: 1 });
  });

  it('awards imports after a change under the new identifier and leaves earlier entries under the old one', async () => {
    const a = await importAt(promo(), CSV);
    const b = await importAt(promo({ expiryStrategy: 'Never' }), lines('Customer,Store,Points', '919876543212,S002-T1,4'));
    expect(b.saved.version).toBe(2);
    expect(b.job.promotionIdentifier).toBe(b.saved.promotionIdentifier);
    expect(b.job.promotionIdentifier).not.toBe(a.job.promotionIdentifier);
    expect((await ledger(store, { orgId: 'acme', promotionIdentifier: a.job.promotionIdentifier! })).map((e) => e.jobId)).toEqual([a.job.id, a.job.id]);
    expect((await ledger(store, { orgId: 'acme', promotionIdentifier: b.job.promotionIdentifier! })).map((e) => e.jobId)).toEqual([b.job.id]);
  });

  it('a user-defined identifier no promotion has: the first import creates the promotion (name, program), later imports award under it', async () => {
    expect(await store.findPromotion('acme', 'DIWALI-26')).toBeNull();
    const a = await importAt(promo({ promotionIdentifier: 'DIWALI-26', promotionName: 'Diwali 2026', program: 'Partner Club' }), CSV);
    expect(a.saved.promotionIdentifier).toBe('DIWALI-26');
    expect(a.job.promotionIdentifier).toBe('DIWALI-26');
    expect(await store.findPromotion('acme', 'DIWALI-26')).toEqual({ identifier: 'DIWALI-26', name: 'Diwali 2026', programId: 2 });
    const b = await importAt(promo({ promotionIdentifier: 'DIWALI-26', promotionName: 'Diwali 2026', program: 'Partner Club' }), lines('Customer,Store,Points', '919876543212,S001,1'));
    expect(b.job.status).toBe('COMPLETED');
    const all = await ledger(store, { orgId: 'acme', promotionIdentifier: 'DIWALI-26' });
    expect(all.map((e) => [e.jobId, e.rowNumber, e.promotionName, e.programId])).toEqual([
      [a.job.id, 2, 'Diwali 2026', 2],
      [a.job.id, 3, 'Diwali 2026', 2],
      [b.job.id, 2, 'Diwali 2026', 2],
    ]);
  });

  it('the first import creates the user-defined promotion even when it accepts no row, whichever rule rejected them', async () => {
    // Every row fails rule 2 (points), checked before any lookup.
    const parsed = await importAt(promo({ promotionIdentifier: 'EMPTY-1', promotionName: 'Nothing yet' }), lines('Customer,Store,Points', '919876543210,S001,0', '919876543211,S001,-1'));
    expect(parsed.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(parsed.job.counts).toMatchObject({ total: 2, valid: 0, rejected: 2, imported: 0 });
    // Every row fails rule 3 (customer), checked against the org.
    const looked = await importAt(promo({ promotionIdentifier: 'EMPTY-2', promotionName: 'Nothing yet' }), lines('Customer,Store,Points', '919999999999,S001,5'));
    expect(looked.job.counts).toMatchObject({ total: 1, valid: 0, rejected: 1, imported: 0 });
    expect(await store.findPromotion('acme', 'EMPTY-2')).toEqual({ identifier: 'EMPTY-2', name: 'Nothing yet', programId: 1 });
    expect(await store.findPromotion('acme', 'EMPTY-1')).toEqual({ identifier: 'EMPTY-1', name: 'Nothing yet', programId: 1 });
  });

  it('a user-defined identifier is kept when the template changes; the change is still a new version', async () => {
    const v1 = await saveTemplate(promo({ promotionIdentifier: 'DIWALI-26' }), store);
    const v2 = await saveTemplate(promo({ promotionIdentifier: 'DIWALI-26', expiryStrategy: 'Never' }), store);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect([v1.promotionIdentifier, v2.promotionIdentifier]).toEqual(['DIWALI-26', 'DIWALI-26']);
  });

  it('a user-defined identifier of an existing promotion with the same name awards under it', async () => {
    const { job, entries } = await importAt(promo({ promotionIdentifier: 'SUMMER-25', promotionName: 'Summer bonus' }), CSV);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(entries.map((e) => [e.promotionIdentifier, e.promotionName])).toEqual([
      ['SUMMER-25', 'Summer bonus'],
      ['SUMMER-25', 'Summer bonus'],
    ]);
  });

  it('an existing promotion with another name fails the job with PROMOTION_NAME_MISMATCH before any row is written', async () => {
    const { job, rejections, entries } = await importAt(promo({ promotionIdentifier: 'SUMMER-25', promotionName: 'Winter bonus' }), CSV);
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('PROMOTION_NAME_MISMATCH');
    expect(job.fileError?.message).toContain('SUMMER-25');
    expect(job.fileError?.message).toContain('Summer bonus');
    expect(job.counts).toMatchObject({ total: 0, valid: 0, rejected: 0, imported: 0 });
    expect(rejections).toEqual([]);
    expect(entries).toEqual([]);
    expect(await ledger(store, { orgId: 'acme' })).toEqual([]);
    expect(await store.findPromotion('acme', 'SUMMER-25')).toEqual({ identifier: 'SUMMER-25', name: 'Summer bonus', programId: 1 });
  });

  it('a dry run reports PROMOTION_NAME_MISMATCH the same way', async () => {
    const { job } = await importAt(promo({ promotionIdentifier: 'SUMMER-25', promotionName: 'Winter bonus' }), CSV, { dryRun: true });
    expect(job.dryRun).toBe(true);
    expect(job.status).toBe('FAILED');
    expect(job.fileError?.code).toBe('PROMOTION_NAME_MISMATCH');
    expect(await ledger(store, { orgId: 'acme' })).toEqual([]);
  });

  it('a promotion created by an import is checked too: a later template with its identifier and another name fails', async () => {
    const first = await importAt(promo({ promotionIdentifier: 'DIWALI-26', promotionName: 'Diwali 2026' }), CSV);
    expect(first.entries).toHaveLength(2);
    const second = await importAt(promo({ promotionIdentifier: 'DIWALI-26', promotionName: 'Diwali 2026!' }), lines('Customer,Store,Points', '919876543212,S001,1'));
    expect(second.job.status).toBe('FAILED');
    expect(second.job.fileError?.code).toBe('PROMOTION_NAME_MISMATCH');
    expect(await ledger(store, { orgId: 'acme' })).toHaveLength(2);
  });
});

describe('dry run', () => {
  it('validates every row, writes no ledger entry and creates no promotion (user-defined identifier)', async () => {
    const { job, rejections } = await importAt(promo({ promotionIdentifier: 'DRY-1' }), CSV, { dryRun: true });
    expect(job.status).toBe('VALIDATED');
    expect(job.counts).toMatchObject({ total: 3, valid: 2, rejected: 1, imported: 0, errorCounts: { CUSTOMER_NOT_FOUND: 1 } });
    expect(codes(rejections)).toEqual([[4, 'CUSTOMER_NOT_FOUND', 'customer']]);
    expect(job.promotionIdentifier).toBe('DRY-1');
    expect(await ledger(store, { orgId: 'acme' })).toEqual([]);
    expect(await store.findPromotion('acme', 'DRY-1')).toBeNull();
  });

  it('creates no promotion for a generated identifier either, and the import after it is not a duplicate', async () => {
    const dry = await importAt(promo(), CSV, { dryRun: true });
    const identifier = dry.saved.promotionIdentifier!;
    expect(dry.job.status).toBe('VALIDATED');
    expect(await store.findPromotion('acme', identifier)).toBeNull();
    expect(await ledger(store, { orgId: 'acme' })).toEqual([]);
    const real = await importAt(promo(), CSV);
    expect(real.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(real.entries.map((e) => [e.rowNumber, e.promotionIdentifier])).toEqual([
      [2, identifier],
      [3, identifier],
    ]);
    expect(await store.findPromotion('acme', identifier)).toEqual({ identifier, name: 'Festive bonus', programId: 1 });
  });
});

describe('duplicate-file guard', () => {
  it('refuses the same content imported again with the same template version (DUPLICATE_FILE naming the earlier job), writing nothing', async () => {
    const first = await importAt(promo(), CSV);
    const again = await importAt(promo(), CSV);
    expect(again.job.status).toBe('FAILED');
    expect(again.job.fileError?.code).toBe('DUPLICATE_FILE');
    expect(again.job.fileError?.message).toContain(first.job.id);
    expect(again.entries).toEqual([]);
    expect(await ledger(store, { orgId: 'acme' })).toHaveLength(2);
  });

  it('imports it again when the operator allows the duplicate, under the same identifier', async () => {
    const first = await importAt(promo(), CSV);
    const again = await importAt(promo(), CSV, { allowDuplicate: true });
    expect(again.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(again.entries.map((e) => [e.rowNumber, e.userId, e.points, e.promotionIdentifier])).toEqual([
      [2, 1001, '10', first.job.promotionIdentifier],
      [3, 1002, '2.5', first.job.promotionIdentifier],
    ]);
    expect(await ledger(store, { orgId: 'acme' })).toHaveLength(4);
  });

  it('accepts the same content with a new template version', async () => {
    await importAt(promo(), CSV);
    const changed = await importAt(promo({ expiryStrategy: 'Never' }), CSV);
    expect(changed.saved.version).toBe(2);
    expect(changed.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(changed.entries).toHaveLength(2);
  });

  it('does not count a failed import as the earlier one', async () => {
    const failed = await importAt(promo({ promotionIdentifier: 'SUMMER-25', promotionName: 'Winter bonus' }), CSV);
    expect(failed.job.fileError?.code).toBe('PROMOTION_NAME_MISMATCH');
    await loadOrg(store, acmeOrg({ ...org(), promotions: [{ identifier: 'SUMMER-25', name: 'Winter bonus', programId: 1 }] }));
    const retried = await importAt(promo({ promotionIdentifier: 'SUMMER-25', promotionName: 'Winter bonus' }), CSV);
    expect(retried.job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(retried.entries).toHaveLength(2);
  });
});
