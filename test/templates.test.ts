import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileError } from '../src/core/error-codes.js';
import { createJob, runJob } from '../src/jobs/runner.js';
import type { Store } from '../src/store/port.js';
import { saveTemplate } from '../src/templates/service.js';
import { acmeOrg, loadOrg, templateRefusal, tempStore } from './helpers.js';

/**
 * Templates (spec: jobs.md, "Template"): versions, the checks made when one is saved, and the
 * version each job records.
 */

let store: Store;
let dir: string;

beforeAll(async () => {
  const t = await tempStore();
  store = t.store;
  dir = t.dir;
  await loadOrg(store);
  await loadOrg(store, acmeOrg({ org: { id: 'beta', name: 'Beta Stores', baseCountry: 'IN', timezone: 'Asia/Kolkata' } }));
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A complete template; `name` keeps the tests apart in the shared store. */
function template(name: string): Record<string, unknown> {
  return {
    org: 'acme',
    name,
    profile: 'TRACKERS',
    csv: { delimiter: ',', header: true, dateFormat: 'dd/MM/yyyy HH:mm' },
    mapping: { customer: 'Mobile', trackedValue: 'Value' },
    defaults: { storeCode: 'S001' },
    config: { customerIdentifier: 'MOBILE', appendCountryCode: true, billIdentification: 'STANDARD_FIELDS', tracker: 'Spend 2025' },
    rowLimit: 1000,
  };
}

/** The same object with its keys, at every level, in reverse order. */
function reversed(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

function refusal(input: unknown): Promise<FileError> {
  return templateRefusal(store, input);
}

function csvFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

describe('template versions', () => {
  it('saves a new template as version 1', async () => {
    const saved = await saveTemplate(template('first save'), store);
    expect(saved).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'first save', version: 1, changed: true });
    const found = await store.findTemplate('acme', 'first save');
    expect(found).toMatchObject({ id: saved.id, name: 'first save', profile: 'TRACKERS', version: 1, orgId: 'acme' });
  });

  it('keeps the version when the same template is saved again with its keys in another order', async () => {
    const first = await saveTemplate(template('unchanged'), store);
    const again = await saveTemplate(reversed(template('unchanged')), store);
    expect(again).toEqual({ id: first.id, name: 'unchanged', version: 1, changed: false });
    expect(await store.getTemplateVersion(first.id, 2)).toBeNull();
    expect((await store.findTemplate('acme', 'unchanged'))?.version).toBe(1);
  });

  it.each([
    ['csv', { csv: { delimiter: ';', header: true, dateFormat: 'dd/MM/yyyy HH:mm' } }],
    ['mapping', { mapping: { customer: 'Mobile', trackedValue: 'Amount' } }],
    ['defaults', { defaults: {} }],
    ['config', { config: { customerIdentifier: 'MOBILE', appendCountryCode: false, billIdentification: 'STANDARD_FIELDS', tracker: 'Spend 2025' } }],
    ['config.tracker', { config: { customerIdentifier: 'MOBILE', appendCountryCode: true, billIdentification: 'STANDARD_FIELDS', tracker: 'Items 2025' } }],
    ['rowLimit', { rowLimit: 1001 }],
  ])('makes version 2 of the same template when its %s changes', async (what, change) => {
    const name = `changed ${what}`;
    const first = await saveTemplate(template(name), store);
    const second = await saveTemplate({ ...template(name), ...change }, store);
    expect(second).toEqual({ id: first.id, name, version: 2, changed: true });
    // Both versions are kept, each with its own body.
    expect((await store.getTemplateVersion(first.id, 1))?.body).toMatchObject({ rowLimit: 1000 });
    expect((await store.getTemplateVersion(first.id, 2))?.body).toMatchObject(change);
  });

  it('makes a new version, not the old one again, when a template goes back to an earlier body', async () => {
    const first = await saveTemplate(template('back and forth'), store);
    await saveTemplate({ ...template('back and forth'), rowLimit: 5 }, store);
    const third = await saveTemplate(template('back and forth'), store);
    expect(third).toEqual({ id: first.id, name: 'back and forth', version: 3, changed: true });
  });

  it('runs each job with the version current when the job was created, and records it', async () => {
    const name = 'versions of jobs';
    const base = { org: 'acme', name, profile: 'TRACKERS', config: { tracker: 'Spend 2025' } };
    const v1 = await saveTemplate(base, store);
    const file = csvFile('versions.csv', ['Mobile,Bill Number,Transaction Date,Store Code,Tracked Value', '919876543212,B-3,2025-03-02,S002,4']);
    const early = await createJob(store, { orgId: 'acme', template: name, filePath: file, dryRun: true });

    // Version 2 maps the value to a column this file does not have.
    const v2 = await saveTemplate({ ...base, mapping: { trackedValue: 'Points' } }, store);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const late = await createJob(store, { orgId: 'acme', template: name, filePath: file, dryRun: true });

    const earlyDone = await runJob(store, early.id);
    expect(earlyDone.templateVersion).toBe(1);
    expect(earlyDone.status).toBe('VALIDATED');
    expect(earlyDone.counts.valid).toBe(1);

    const lateDone = await runJob(store, late.id);
    expect(lateDone.templateVersion).toBe(2);
    expect(lateDone.status).toBe('FAILED');
    expect(lateDone.fileError?.code).toBe('MISSING_COLUMN');
  });
});

describe('templates refused when saved', () => {
  const config = { customerIdentifier: 'MOBILE', appendCountryCode: true, billIdentification: 'STANDARD_FIELDS', tracker: 'Spend 2025' };
  it.each([
    ['an unknown top-level key', { colour: 'red' }, ['"colour"']],
    ['an unknown csv key', { csv: { delimeter: ';' } }, ['csv', '"delimeter"']],
    ['an unknown config key', { config: { ...config, trackr: 'Spend 2025' } }, ['config', '"trackr"']],
    ['a mapping to a field the profile does not have', { mapping: { customer: 'Mobile', points: 'Points' } }, ['mapping.points']],
    ['a default for a field the profile does not have', { defaults: { promotionName: 'x' } }, ['defaults.promotionName']],
    ['an unknown tracker', { config: { ...config, tracker: 'Spend 2030' } }, ['config.tracker', 'Spend 2030']],
    ['an unknown tracker id', { config: { ...config, tracker: 99 } }, ['config.tracker', '99']],
    ['a tracker of a type that cannot be imported', { config: { ...config, tracker: 'Visits' } }, ['config.tracker', 'VISITS']],
    ['a replacement store the org lacks', { config: { ...config, replaceInvalidStoreWith: 'S999' } }, ['config.replaceInvalidStoreWith', 'S999']],
    ['a bad csv.dateFormat token', { csv: { dateFormat: 'dd/MM/yyyy HH:nn' } }, ['csv.dateFormat', '"nn"']],
    ['a value of the wrong kind, in words', { rowLimit: '5' }, ['Template "rowLimit": must be a number, not a string']],
    ['an unknown top-level key, in words', { colour: 'red' }, ['Template: unknown key "colour"']],
    ['no profile, listing the profiles', { profile: undefined }, ['Template "profile"', '"TRACKERS"|"CUSTOMER_PROMOTION"']],
  ])('refuses %s with INVALID_TEMPLATE naming the key, and saves nothing', async (what, change, named) => {
    const name = `refused: ${what}`;
    const error = await refusal({ ...template(name), ...change });
    expect(error.code).toBe('INVALID_TEMPLATE');
    for (const part of named) expect(error.message).toContain(part);
    expect(await store.findTemplate('acme', name)).toBeNull();
  });

  it('refuses a template that is not a JSON object, saying so', async () => {
    const error = await refusal([]);
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toBe('Template: must be a JSON object, not a list');
  });

  it('refuses a template of an org that does not exist', async () => {
    const error = await refusal({ ...template('no org'), org: 'nobody' });
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toContain('"nobody"');
  });

  it('keeps the saved version when a change to it is refused', async () => {
    const saved = await saveTemplate(template('refused change'), store);
    const error = await refusal({ ...template('refused change'), config: { ...config, tracker: 'Spend 2030' } });
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(await store.findTemplate('acme', 'refused change')).toMatchObject({ id: saved.id, version: 1 });
  });
});

describe('the template list', () => {
  it("lists the org's templates once each, at their current version, by name, and no other org's", async () => {
    const body = (org: string, name: string) => ({ org, name, profile: 'TRACKERS', config: { tracker: 'Spend 2025' } });
    const b = await saveTemplate(body('beta', 'Beta import'), store);
    const a = await saveTemplate(body('beta', 'Alpha import'), store);
    const g = await saveTemplate(body('beta', 'Gamma import'), store);
    const b2 = await saveTemplate({ ...body('beta', 'Beta import'), rowLimit: 10 }, store);
    expect(b2).toMatchObject({ id: b.id, version: 2 });

    const list = await store.listTemplates('beta');
    expect(list.map((t) => [t.name, t.id, t.version, t.orgId])).toEqual([
      ['Alpha import', a.id, 1, 'beta'],
      ['Beta import', b.id, 2, 'beta'],
      ['Gamma import', g.id, 1, 'beta'],
    ]);
    expect((await store.listTemplates('acme')).some((t) => t.orgId !== 'acme')).toBe(false);
  });
});
