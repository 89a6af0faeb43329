import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/core/error-codes.js';
import { writeErrorReport, writeSuccessReport } from '../../src/jobs/reports.js';
import { loadReferenceData } from '../../src/org/reference-data.js';
import type { Store } from '../../src/store/port.js';
import { codes, loadOrg, runImport, tempStore, tempStoreForEachTest } from '../helpers.js';
import { CSV_CASES, type JobOutcome, REFERENCE_DATA_CASES, TEMPLATE_CASES } from './cases.js';
import { trackerValues } from '../../src/profiles/trackers/tracker-values.js';

/**
 * The bad-input corpus (cases.ts): every file through the engine (a template saved, a job run
 * on a real store, its reports written), and every hostile template and reference-data file
 * through what `template save` and `org load` call.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TRACKERS = { config: { tracker: 'Spend 2025' } };

let store: Store;
let dir: string;

/**
 * One store for a describe block's tests: the hostile JSON cases are refused before anything is
 * written (each checks that), so they share one, which spares PostgreSQL a database per case.
 */
function sharedStore(): void {
  let opened: { store: Store; dir: string } | undefined;
  beforeAll(async () => {
    opened = await tempStore();
    store = opened.store;
    dir = opened.dir;
    await loadOrg(store);
  });
  afterAll(async () => {
    if (!opened) return;
    await opened.store.close();
    fs.rmSync(opened.dir, { recursive: true, force: true });
  });
}

/** Files under `sub`, relative to it. */
function filesUnder(sub: string): string[] {
  const root = path.join(HERE, sub);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** Template overrides over the Trackers one, nested `csv` included. */
function templateOf(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...TRACKERS, ...overrides };
}

/** No key the corpus plants (`polluted`) reached the prototype every object shares. */
function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
}

async function expectOutcome(run: Awaited<ReturnType<typeof runImport>>, expected: JobOutcome): Promise<void> {
  const { job, rejections } = run;
  expect({ status: job.status, fileError: job.fileError?.code ?? null }).toEqual({ status: expected.status, fileError: expected.fileError?.code ?? null });
  if (expected.fileError) {
    expect(job.fileError!.message).toMatch(expected.fileError.message);
    if (expected.fileError.notMessage) expect(job.fileError!.message).not.toMatch(expected.fileError.notMessage);
    // A failed job wrote nothing.
    expect(job.counts.imported).toBe(0);
    expect(await trackerValues(store, 'acme', 11)).toEqual([]);
    return;
  }
  expect(codes(rejections).map(([row, code]) => [row, code])).toEqual(expected.rejected ?? []);
  if (expected.imported !== undefined) {
    expect(job.counts.imported).toBe(expected.imported);
    expect(await trackerValues(store, 'acme', 11)).toHaveLength(expected.imported);
  }
  // Both reports are UTF-8 text without NUL bytes, and list what the job counted.
  const errors = path.join(dir, 'errors.csv');
  const success = path.join(dir, 'success.csv');
  expect(await writeErrorReport(store, job, errors)).toBe(job.counts.rejected);
  expect(await writeSuccessReport(store, job, success)).toBe(job.counts.imported);
  for (const file of [errors, success]) {
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(0), `${path.basename(file)} holds a NUL byte`).toBe(false);
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  }
  const report = fs.readFileSync(errors, 'utf8');
  for (const text of expected.errorReportHas ?? []) expect(report).toContain(text);
}

describe('the corpus', () => {
  it('declares an outcome for every file it holds, and holds every file it declares', () => {
    const generated = new Set(CSV_CASES.filter((c) => c.generate).map((c) => c.file));
    expect([...new Set(CSV_CASES.filter((c) => !c.generate).map((c) => c.file))].sort()).toEqual(filesUnder('files'));
    expect(filesUnder('files').filter((f) => generated.has(f))).toEqual([]);
    expect(TEMPLATE_CASES.filter((c) => !c.generate).map((c) => c.file).sort()).toEqual(filesUnder('templates'));
    expect(REFERENCE_DATA_CASES.filter((c) => !c.generate).map((c) => c.file).sort()).toEqual(filesUnder('reference-data'));
  });
});

describe('bad CSV files', () => {
  tempStoreForEachTest(async (t) => {
    store = t.store;
    dir = t.dir;
    await loadOrg(store);
  });

  it.each(CSV_CASES.map((c) => [`${c.file}: ${c.about}`, c] as const))('%s', async (_name, c) => {
    const bytes = c.generate ? c.generate() : fs.readFileSync(path.join(HERE, 'files', c.file));
    const run = await runImport(store, templateOf(c.template), bytes, { fileName: path.basename(c.file) });
    await expectOutcome(run, c.expect);
  });
});

describe('hostile templates', () => {
  sharedStore();

  it.each(TEMPLATE_CASES.map((c) => [`${c.file}: ${c.about}`, c] as const))('%s', async (_name, c) => {
    const input = JSON.parse(c.generate ? c.generate() : fs.readFileSync(path.join(HERE, 'templates', c.file), 'utf8')) as Record<string, unknown>;
    const csv = fs.readFileSync(path.join(HERE, 'files', 'line-ends', 'lf.csv'));
    const before = await store.findTemplate('acme', 'hostile');
    let outcome: Awaited<ReturnType<typeof runImport>> | FileError;
    try {
      outcome = await runImport(store, input, csv);
    } catch (error) {
      if (!(error instanceof FileError)) throw error;
      outcome = error;
    }
    expectNoPollution();
    expect(outcome, 'the template was saved; it should have been refused').toBeInstanceOf(FileError);
    const error = outcome as FileError;
    expect(error.code).toBe(c.expect.refused.code);
    expect(error.message).toMatch(c.expect.refused.message);
    // Nothing saved (compared with what was there, so that one case's failure is not every later one's).
    expect(await store.findTemplate('acme', 'hostile')).toEqual(before);
  });
});

describe('hostile reference data', () => {
  sharedStore();

  it.each(REFERENCE_DATA_CASES.map((c) => [`${c.file}: ${c.about}`, c] as const))('%s', async (_name, c) => {
    const input: unknown = JSON.parse(c.generate ? c.generate() : fs.readFileSync(path.join(HERE, 'reference-data', c.file), 'utf8'));
    let caught: unknown = null;
    try {
      await loadReferenceData(input, store);
    } catch (error) {
      caught = error;
    }
    expectNoPollution();
    expect(caught, 'the file was loaded; it should have been refused').toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('ReferenceDataError');
    expect((caught as Error).message).toMatch(c.expect.refused);
    // Refused whole: nothing of it was written.
    expect(await store.getOrg('acme2')).toBeNull();
    expect(await store.getOrg('__proto__')).toBeNull();
  });
});
