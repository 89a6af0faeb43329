import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeOrg, tempDir } from './helpers.js';
import { acmeWithKey, call, SPEND_CSV, STORE_KINDS, spendTemplate, startTestApi, type TestApi, waitForJob } from './api-helpers.js';

/**
 * The HTTP API route by route, on both stores: a real server (the built `serve`) on a free port,
 * each test in an org of its own.
 */

type Json = Record<string, unknown>;

describe.each(STORE_KINDS)('the API on %s', (kind) => {
  let t: TestApi;
  const keys: string[] = [];
  let orgs = 0;
  /** A fresh org with its key. */
  const newOrg = async () => {
    const org = `acme-${++orgs}`;
    const key = await acmeWithKey(t, org);
    keys.push(key);
    return { org, key };
  };
  const upload = async (org: string, key: string, csv: string, name = 'spend.csv') => {
    const up = await call(t, 'POST', `/api/orgs/${org}/files?name=${name}`, { key, body: csv, headers: { 'content-type': 'text/csv' } });
    expect(up.status).toBe(201);
    return String(up.body.fileId);
  };

  beforeAll(async () => {
    t = await startTestApi(kind);
  }, 180_000);
  afterAll(async () => t?.close());

  it('answers health without a key', async () => {
    const got = await call(t, 'GET', '/api/health');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ status: 'ok' });
  });

  it('makes an org key that is shown once, listed without its secret, and revoked', async () => {
    const { org, key } = await newOrg();
    expect(key).toMatch(/^lik_[A-Za-z0-9_-]{43}$/);
    const listed = await call<{ keys: Json[] }>(t, 'GET', `/api/orgs/${org}/keys`, { key: t.admin });
    expect(listed.status).toBe(200);
    expect(listed.body.keys).toHaveLength(1);
    expect(listed.text).not.toContain(key);
    expect(Object.keys(listed.body.keys[0]!).sort()).toEqual(['createdAt', 'id', 'label', 'org', 'revokedAt']);
    expect((await call(t, 'GET', `/api/orgs/${org}`, { key })).status).toBe(200);
    const id = String(listed.body.keys[0]!.id);
    expect((await call(t, 'DELETE', `/api/orgs/${org}/keys/${id}`, { key: t.admin })).status).toBe(204);
    const after = await call(t, 'GET', `/api/orgs/${org}`, { key });
    expect(after.status).toBe(401);
    expect(after.body.error).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String), details: {} });
    const again = await call(t, 'DELETE', `/api/orgs/${org}/keys/no-such-key`, { key: t.admin });
    expect(again.status).toBe(404);
    expect(again.body.error).toEqual({ code: 'NOT_FOUND', message: expect.any(String), details: {} });
  });

  it('lets only the admin manage keys, and refuses a key for an org that does not exist', async () => {
    const { org, key } = await newOrg();
    const own = await call(t, 'POST', `/api/orgs/${org}/keys`, { key, json: {} });
    expect(own.status).toBe(403);
    expect((own.body.error as Json).code).toBe('FORBIDDEN');
    const missing = await call(t, 'POST', '/api/orgs/nobody/keys', { key: t.admin, json: {} });
    expect(missing.status).toBe(404);
  });

  it('loads reference data, refuses a file for another org (400) or one that breaks a rule (422), and shows the org', async () => {
    const { org, key } = await newOrg();
    const data = acmeOrg();
    const updated = await call(t, 'PUT', `/api/orgs/${org}/reference-data`, { key, json: { ...data, org: { ...data.org, id: org } } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ created: false, counts: { org, customers: 3, stores: 2 } });
    const mismatch = await call(t, 'PUT', `/api/orgs/${org}/reference-data`, { key, json: data });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'org.id' }] });
    const broken = await call(t, 'PUT', `/api/orgs/${org}/reference-data`, {
      key,
      json: { ...data, org: { ...data.org, id: org }, customers: [{ userId: 1, mobile: '+91 not a number' }] },
    });
    expect(broken.status).toBe(422);
    expect(broken.body.error).toEqual({ code: 'INVALID_REFERENCE_DATA', message: expect.any(String), details: {} });
    expect(String((broken.body.error as Json).message)).toContain('customers[0]');
    // The body is documented by the file's schema, but a file that breaks it is still the use case's 422.
    const badShape = await call(t, 'PUT', `/api/orgs/${org}/reference-data`, { key, json: { ...data, org: { ...data.org, id: org }, stores: 'none' } });
    expect(badShape.status).toBe(422);
    expect(badShape.body.error).toMatchObject({ code: 'INVALID_REFERENCE_DATA', details: {} });
    expect(String((badShape.body.error as Json).message)).toContain('stores');
    const shown = await call<Json & { stores: Json[]; trackers: Json[]; programs: Json[]; promotions: Json[] }>(t, 'GET', `/api/orgs/${org}`, { key });
    expect(shown.status).toBe(200);
    expect(shown.body.stores[0]).toEqual({ code: 'S001', externalId: 'BLR-001', name: 'MG Road', tills: ['S001-T1', 'S001-T2'] });
    expect(shown.body.trackers.map((x) => x.name)).toEqual(['Spend 2025', 'Items 2025', 'Visits']);
    expect(shown.body.programs[0]).not.toHaveProperty('isDefault');
    expect(shown.body.programs[0]).toMatchObject({ id: 1, default: true, expiryStrategies: [{ id: 1, kind: 'AFTER_DAYS', days: 365 }, { id: 4, kind: 'NEVER' }] });
    expect(shown.body.promotions).toEqual([{ identifier: 'SUMMER-25', name: 'Summer bonus', programId: 1 }]);
    expect(shown.body.userGroupIdentifierTypes).toContain('EXTERNAL_ID');
    const created = await call(t, 'PUT', '/api/orgs/newco/reference-data', { key, json: { ...data, org: { ...data.org, id: 'newco' } } });
    expect(created.status).toBe(404);
  });

  it('lists the profiles with their fields and configuration schema', async () => {
    const got = await call<{ profiles: Array<Json & { fields: Json[]; config: Json }> }>(t, 'GET', '/api/profiles', { key: t.admin });
    expect(got.status).toBe(200);
    expect(got.body.profiles.map((p) => p.key)).toEqual(['TRACKERS', 'CUSTOMER_PROMOTION']);
    expect(got.body.profiles[0]!.fields.find((f) => f.key === 'billNumber')).toMatchObject({ label: 'Bill Number', type: 'string' });
    // The specification's types: string, integer, decimal, date-time.
    const types = (i: number) => Object.fromEntries(got.body.profiles[i]!.fields.map((f) => [f.key, f.type]));
    expect(types(0)).toMatchObject({ transactionDate: 'date-time', loyaltyLogId: 'integer', trackedValue: 'decimal' });
    expect(types(1)).toMatchObject({ points: 'decimal', storeCode: 'string' });
    expect(got.body.profiles[0]!.config).toMatchObject({ type: 'object' });
    expect(Object.keys(got.body.profiles[0]!.config.properties as Json)).toContain('tracker');
  });

  it('says when each field is mandatory, as a condition on the configuration a form can evaluate', async () => {
    const got = await call<{ profiles: Array<Json & { fields: Array<Json & { key: string }> }> }>(t, 'GET', '/api/profiles', { key: t.admin });
    const fields = (profile: string) => Object.fromEntries(got.body.profiles.find((p) => p.key === profile)!.fields.map((f) => [f.key, f.mandatory]));
    expect(fields('TRACKERS')).toEqual({
      customer: { when: {}, unless: { userGroup2Enabled: [true] }, text: 'unless `userGroup2Enabled` is `true`' },
      group: { when: { userGroup2Enabled: [true] }, unless: {}, text: 'when `userGroup2Enabled` is `true`' },
      billNumber: { when: { billIdentification: ['STANDARD_FIELDS'] }, unless: {}, text: 'when `billIdentification` is `STANDARD_FIELDS`' },
      transactionDate: { when: { billIdentification: ['STANDARD_FIELDS'] }, unless: {}, text: 'when `billIdentification` is `STANDARD_FIELDS`' },
      storeCode: { when: { billIdentification: ['STANDARD_FIELDS'] }, unless: {}, text: 'when `billIdentification` is `STANDARD_FIELDS`' },
      loyaltyLogId: { when: { billIdentification: ['LOYALTY_LOG_ID'] }, unless: {}, text: 'when `billIdentification` is `LOYALTY_LOG_ID`' },
      itemId: { when: { trackerType: ['LINEITEM'] }, unless: {}, text: "when the tracker's type is `LINEITEM`" },
      trackedValue: 'always',
    });
    expect(fields('CUSTOMER_PROMOTION')).toEqual({
      customer: expect.objectContaining({ unless: { userGroup2Enabled: [true] } }),
      group: expect.objectContaining({ when: { userGroup2Enabled: [true] } }),
      storeCode: 'always',
      points: 'always',
    });
  });

  it('lists the header names automatic matching uses for the customer column, by customer identifier', async () => {
    const { org, key } = await newOrg();
    const got = await call<{ profiles: Array<Json & { fields: Array<Json & { key: string }> }> }>(t, 'GET', '/api/profiles', { key });
    const customer = got.body.profiles.find((p) => p.key === 'TRACKERS')!.fields.find((f) => f.key === 'customer')!;
    expect(customer.aliases).toEqual(['Customer']);
    const aliasesWhen = customer.aliasesWhen as Array<{ when: Json; aliases: string[] }>;
    expect(aliasesWhen.map((a) => a.when)).toEqual([{ customerIdentifier: ['MOBILE'] }, { customerIdentifier: ['EMAIL'] }, { customerIdentifier: ['EXTERNAL_ID'] }, { customerIdentifier: ['USER_ID'] }]);
    const mobile = aliasesWhen[0]!.aliases;
    expect(mobile).toEqual(expect.arrayContaining(['Mobile', 'Phone Number']));
    expect(aliasesWhen[1]!.aliases).toContain('Email');
    // Each name the API lists for MOBILE is one the preview's matching takes for `customer`.
    const { mapping: _m, ...template } = spendTemplate('Unsaved');
    for (const name of mobile) {
      const fileId = await upload(org, key, SPEND_CSV.replace(/^Mobile/, name));
      const preview = await call<{ mapping: Json[] }>(t, 'POST', `/api/orgs/${org}/previews`, { key, json: { fileId, template, rows: 1 } });
      expect(preview.status).toBe(200);
      expect(preview.body.mapping.find((m) => m.field === 'customer'), name).toMatchObject({ column: name, auto: true });
    }
  });

  it('makes a key and imports a validated dry run with no request body, or an empty one sent as JSON', async () => {
    const { org, key } = await newOrg();
    const bare = await call(t, 'POST', `/api/orgs/${org}/keys`, { key: t.admin });
    expect(bare.status).toBe(201);
    expect(bare.body.key).toMatch(/^lik_/);
    const emptyJson = { key: t.admin, body: '', headers: { 'content-type': 'application/json' } };
    const empty = await call(t, 'POST', `/api/orgs/${org}/keys`, emptyJson);
    expect(empty.status).toBe(201);
    await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: spendTemplate() });
    const dryRuns: string[] = [];
    for (const csv of [SPEND_CSV, SPEND_CSV.split('\n').slice(0, 3).join('\n')]) {
      const dry = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId: await upload(org, key, csv), template: 'Spend tracker', dryRun: true } });
      dryRuns.push(String(dry.body.jobId));
      expect((await waitForJob(t, key, org, String(dry.body.jobId))).status).toBe('VALIDATED');
    }
    const noBody = await call(t, 'POST', `/api/orgs/${org}/jobs/${dryRuns[0]}/import`, { key });
    expect(noBody.status).toBe(202);
    expect(noBody.body).toMatchObject({ dryRun: false, status: 'QUEUED' });
    const emptyBody = await call(t, 'POST', `/api/orgs/${org}/jobs/${dryRuns[1]}/import`, { key, body: '', headers: { 'content-type': 'application/json' } });
    expect(emptyBody.status).toBe(202);
    expect(emptyBody.body).toMatchObject({ dryRun: false, status: 'QUEUED' });
    const done = await waitForJob(t, key, org, String(emptyBody.body.jobId));
    // Routes without a body take an empty JSON one too: an ended job's conflict, not a 400.
    for (const action of ['cancel', 'resume']) {
      const got = await call(t, 'POST', `/api/orgs/${org}/jobs/${String(done.jobId)}/${action}`, { key, body: '', headers: { 'content-type': 'application/json' } });
      expect(got.status, action).toBe(409);
      expect(got.body.error).toMatchObject({ code: 'JOB_CONFLICT', details: {} });
    }
    // A route that needs a body refuses an empty one as missing, field by field.
    const noJob = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, body: '', headers: { 'content-type': 'application/json' } });
    expect(noJob.status).toBe(400);
    expect(noJob.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'body' }] });
    // JSON null is not "no body".
    const nullBody = await call(t, 'POST', `/api/orgs/${org}/keys`, { key: t.admin, body: 'null', headers: { 'content-type': 'application/json' } });
    expect(nullBody.status).toBe(400);
  });

  it('saves templates in versions, shows each, and refuses a bad one by its key (422)', async () => {
    const { org, key } = await newOrg();
    const first = await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: spendTemplate() });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: 'Spend tracker', version: 1, changed: true });
    const same = await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: { ...spendTemplate(), org } });
    expect(same.body).toMatchObject({ id: first.body.id, version: 1, changed: false });
    const changed = await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: { ...spendTemplate(), rowLimit: 10 } });
    expect(changed.body).toMatchObject({ id: first.body.id, version: 2, changed: true });
    const list = await call<{ templates: Json[] }>(t, 'GET', `/api/orgs/${org}/templates`, { key });
    expect(list.body.templates).toEqual([expect.objectContaining({ id: first.body.id, version: 2, profile: 'TRACKERS' })]);
    const v1 = await call(t, 'GET', `/api/orgs/${org}/templates/${encodeURIComponent('Spend tracker')}?version=1`, { key });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, body: { rowLimit: 1_000_000 } });
    const latest = await call(t, 'GET', `/api/orgs/${org}/templates/${String(first.body.id)}`, { key });
    expect(latest.body).toMatchObject({ version: 2, body: { rowLimit: 10 } });
    const versions = await call<{ versions: Json[] }>(t, 'GET', `/api/orgs/${org}/templates/${String(first.body.id)}/versions`, { key });
    expect(versions.body.versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await call(t, 'GET', `/api/orgs/${org}/templates/${String(first.body.id)}?version=9`, { key })).status).toBe(404);
    expect((await call(t, 'GET', `/api/orgs/${org}/templates/nothing`, { key })).status).toBe(404);
    const bad = await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: { ...spendTemplate('Other'), config: { ...spendTemplate().config, tracker: 'No such tracker' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_TEMPLATE' });
    expect(String((bad.body.error as Json).message)).toContain('tracker');
    // The body is documented by the template schema, but a template that breaks it is still 422 naming the key.
    for (const [broken, named] of [
      [{ ...spendTemplate('Other'), rowLimit: 'many' }, 'rowLimit'],
      [{ ...spendTemplate('Other'), colour: 'red' }, 'colour'],
      [{ ...spendTemplate('Other'), profile: 'NOPE' }, 'profile'],
    ] as const) {
      const refused = await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: broken });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({ code: 'INVALID_TEMPLATE', details: { fileErrorCode: 'INVALID_TEMPLATE' } });
      expect(String((refused.body.error as Json).message)).toContain(named);
    }
    const otherOrg = await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: { ...spendTemplate(), org: 'elsewhere' } });
    expect(otherOrg.status).toBe(400);
    expect(otherOrg.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'org' }] });
  });

  it('uploads a file as the raw body and as a multipart field, hashed, and refuses one without a name', async () => {
    const { org, key } = await newOrg();
    const raw = await call(t, 'POST', `/api/orgs/${org}/files?name=spend.csv`, { key, body: SPEND_CSV, headers: { 'content-type': 'text/csv' } });
    expect(raw.status).toBe(201);
    const { createHash } = await import('node:crypto');
    const sha256 = createHash('sha256').update(SPEND_CSV).digest('hex');
    expect(raw.body).toMatchObject({ name: 'spend.csv', bytes: Buffer.byteLength(SPEND_CSV), sha256 });
    const form = new FormData();
    form.append('file', new Blob([SPEND_CSV], { type: 'text/csv' }), 'spend.csv');
    const multi = await call(t, 'POST', `/api/orgs/${org}/files?name=from-form.csv`, { key, body: form });
    expect(multi.status).toBe(201);
    expect(multi.body).toMatchObject({ name: 'from-form.csv', bytes: Buffer.byteLength(SPEND_CSV), sha256 });
    expect(multi.body.fileId).not.toBe(raw.body.fileId);
    const unnamed = await call(t, 'POST', `/api/orgs/${org}/files`, { key, body: SPEND_CSV });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'querystring.name' }] });
    const wrongField = new FormData();
    wrongField.append('upload', new Blob([SPEND_CSV]), 'x.csv');
    const wrong = await call(t, 'POST', `/api/orgs/${org}/files?name=x.csv`, { key, body: wrongField });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'file' }] });
  });

  it('previews the first rows with their outcomes under a saved or an unsaved template, writing nothing', async () => {
    const { org, key } = await newOrg();
    await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: spendTemplate() });
    const fileId = await upload(org, key, SPEND_CSV);
    const saved = await call<Json & { rows: Json[]; mapping: Json[] }>(t, 'POST', `/api/orgs/${org}/previews`, { key, json: { fileId, template: 'Spend tracker', rows: 3 } });
    expect(saved.status).toBe(200);
    expect(saved.body.header).toEqual(['Mobile', 'Bill No', 'Date', 'Store', 'Value']);
    expect(saved.body.rows.map((r) => [r.rowNumber, r.outcome, r.code ?? null, r.field ?? null])).toEqual([
      [2, 'valid', null, null],
      [3, 'valid', null, null],
      [4, 'rejected', 'CUSTOMER_NOT_FOUND', 'customer'],
    ]);
    const { mapping: _m, ...unsavedTemplate } = spendTemplate('Not saved');
    const unsaved = await call<Json & { rows: Json[]; mapping: Json[] }>(t, 'POST', `/api/orgs/${org}/previews`, { key, json: { fileId, template: unsavedTemplate } });
    expect(unsaved.status).toBe(200);
    expect(unsaved.body.mapping.find((m) => m.field === 'billNumber')).toMatchObject({ column: 'Bill No', columnNumber: 2, auto: true });
    expect(unsaved.body.rows).toHaveLength(4);
    expect(unsaved.body.rows[3]).toMatchObject({ rowNumber: 5, outcome: 'rejected', code: 'STORE_NOT_FOUND', field: 'storeCode', value: 'S099' });
    const missing = await call(t, 'POST', `/api/orgs/${org}/previews`, { key, json: { fileId, template: { ...spendTemplate('x'), mapping: { billNumber: 'Invoice' } } } });
    expect(missing.status).toBe(200);
    expect(missing.body.fileError).toMatchObject({ code: 'MISSING_COLUMN' });
    expect(String((missing.body.fileError as Json).message)).toContain('Invoice');
    // The columns the file does have are still shown; the field mapped to a missing header is not matched by name.
    const shownMapping = missing.body.mapping as Json[];
    expect(shownMapping.find((m) => m.field === 'customer')).toMatchObject({ column: 'Mobile', columnNumber: 1 });
    expect(shownMapping.find((m) => m.field === 'billNumber')).toMatchObject({ column: null, columnNumber: null });
    // A promotion identifier that names a promotion of another name: the file error a dry run ends with.
    const bonus = await call(t, 'POST', `/api/orgs/${org}/files?name=bonus.csv`, { key, body: 'Customer Email,Till,Points\nasha@example.com,S001-T1,150\n', headers: { 'content-type': 'text/csv' } });
    const mismatch = await call(t, 'POST', `/api/orgs/${org}/previews`, {
      key,
      json: {
        fileId: bonus.body.fileId,
        template: { name: 'x', profile: 'CUSTOMER_PROMOTION', mapping: { customer: 'Customer Email', storeCode: 'Till' }, config: { customerIdentifier: 'EMAIL', promotionName: 'Not summer', promotionIdentifier: 'SUMMER-25' } },
      },
    });
    expect(mismatch.status, mismatch.text).toBe(200);
    expect(mismatch.body.fileError).toMatchObject({ code: 'PROMOTION_NAME_MISMATCH' });
    expect(mismatch.body.rows).toEqual([]);
    const badTemplate = await call(t, 'POST', `/api/orgs/${org}/previews`, { key, json: { fileId, template: { ...spendTemplate('x'), profile: 'NOPE' } } });
    expect(badTemplate.status).toBe(422);
    expect((await call(t, 'POST', `/api/orgs/${org}/previews`, { key, json: { fileId: 'nothing', template: 'Spend tracker' } })).status).toBe(404);
    const jobs = await call<{ jobs: Json[] }>(t, 'GET', `/api/orgs/${org}/jobs`, { key });
    expect(jobs.body.jobs).toEqual([]);
    const values = await call<{ values: Json[] }>(t, 'GET', `/api/orgs/${org}/trackers/${encodeURIComponent('Spend 2025')}/values`, { key });
    expect(values.body.values).toEqual([]);
  });

  it('runs a dry run, then imports what it validated with the same template version, and streams both reports', async () => {
    const { org, key } = await newOrg();
    await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: spendTemplate() });
    const fileId = await upload(org, key, SPEND_CSV);
    const dry = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId, template: 'Spend tracker', dryRun: true } });
    expect(dry.status).toBe(202);
    expect(dry.body).toMatchObject({ status: 'QUEUED', dryRun: true, progress: { rowsDone: 0, rowsTotal: null } });
    expect(dry.headers.get('location')).toBe(`/api/orgs/${org}/jobs/${String(dry.body.jobId)}`);
    const validated = await waitForJob(t, key, org, String(dry.body.jobId));
    expect(validated).toMatchObject({ status: 'VALIDATED', rows: { total: 4, valid: 2, rejected: 2, imported: 0 }, progress: { rowsDone: 4, rowsTotal: 4 } });
    // A new version of the template does not change what the dry run validated.
    await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: { ...spendTemplate(), rowLimit: 1 } });
    const imported = await call(t, 'POST', `/api/orgs/${org}/jobs/${String(dry.body.jobId)}/import`, { key, json: {} });
    expect(imported.status).toBe(202);
    expect(imported.body).toMatchObject({ dryRun: false, template: { version: 1 } });
    const done = await waitForJob(t, key, org, String(imported.body.jobId));
    expect(done).toMatchObject({ status: 'COMPLETED_WITH_ERRORS', rows: { total: 4, valid: 2, rejected: 2, imported: 2 }, errorCounts: { CUSTOMER_NOT_FOUND: 1, STORE_NOT_FOUND: 1 } });
    const errors = await call(t, 'GET', `/api/orgs/${org}/jobs/${String(done.jobId)}/errors.csv`, { key });
    expect(errors.status).toBe(200);
    expect(errors.headers.get('content-type')).toContain('text/csv');
    expect(errors.headers.get('content-disposition')).toContain('errors.csv');
    expect(errors.text.split('\r\n')).toEqual([
      'Mobile,Bill No,Date,Store,Value,row_number,error_code,error_message',
      '9999999999,B-3,02/03/2025 12:00,S002,5,4,CUSTOMER_NOT_FOUND,"Customer ""9999999999"" matches no customer by mobile"',
      '9876543212,B-3,02/03/2025 12:00,S099,5,5,STORE_NOT_FOUND,"Store ""S099"" matches no store code; correct the cell, or name a replacement store in the template (replaceInvalidStoreWith)"',
      '',
    ]);
    const success = await call(t, 'GET', `/api/orgs/${org}/jobs/${String(done.jobId)}/success.csv`, { key });
    expect(success.status).toBe(200);
    expect(success.text.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(success.text).toContain('90001');
    const again = await call(t, 'POST', `/api/orgs/${org}/jobs/${String(done.jobId)}/import`, { key, json: {} });
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({ code: 'JOB_CONFLICT', message: expect.any(String), details: {} });
    const resumeEnded = await call(t, 'POST', `/api/orgs/${org}/jobs/${String(done.jobId)}/resume`, { key });
    expect(resumeEnded.status).toBe(409);
    const cancelEnded = await call(t, 'POST', `/api/orgs/${org}/jobs/${String(done.jobId)}/cancel`, { key });
    expect(cancelEnded.status).toBe(409);
    const events = await call(t, 'GET', `/api/orgs/${org}/jobs/${String(done.jobId)}/events`, { key });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    expect(events.text).toMatch(/^event: status\ndata: \{.*"status":"COMPLETED_WITH_ERRORS".*\}\n\n$/);
  });

  it('links a job of fixed rows to the job they came from (sourceJobId), and refuses a source job the org does not have', async () => {
    const { org, key } = await newOrg();
    await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: spendTemplate() });
    const first = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId: await upload(org, key, SPEND_CSV), template: 'Spend tracker', dryRun: true } });
    const fixedFile = await upload(org, key, SPEND_CSV);
    const linked = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId: fixedFile, template: 'Spend tracker', dryRun: true, sourceJobId: first.body.jobId } });
    expect(linked.status).toBe(202);
    expect(linked.body.sourceJobId).toBe(first.body.jobId);
    const shown = await call(t, 'GET', `/api/orgs/${org}/jobs/${String(linked.body.jobId)}`, { key });
    expect(shown.body.sourceJobId).toBe(first.body.jobId);
    const unknown = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId: fixedFile, template: 'Spend tracker', sourceJobId: 'no-such-job' } });
    expect(unknown.status).toBe(404);
  });

  it('refuses a job of a file or template that is not there (404) and a malformed request field by field (400)', async () => {
    const { org, key } = await newOrg();
    await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: spendTemplate() });
    const fileId = await upload(org, key, SPEND_CSV);
    const noFile = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId: 'nothing', template: 'Spend tracker' } });
    expect(noFile.status).toBe(404);
    expect(String((noFile.body.error as Json).message)).toContain('upload');
    expect((await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId, template: 'nothing' } })).status).toBe(404);
    const malformed = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId: 7, dryRun: 'yes' } });
    expect(malformed.status).toBe(400);
    const fields = ((malformed.body.error as Json).details as Json[]).map((d) => d.field).sort();
    expect(fields).toEqual(['body.dryRun', 'body.fileId', 'body.template']);
    const notJson = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, body: '{', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect((notJson.body.error as Json).code).toBe('INVALID_REQUEST');
    const badQuery = await call(t, 'GET', `/api/orgs/${org}/jobs?limit=0&status=DONE`, { key });
    expect(badQuery.status).toBe(400);
    expect(((badQuery.body.error as Json).details as Json[]).map((d) => d.field).sort()).toEqual(['querystring.limit', 'querystring.status']);
    const badCursor = await call(t, 'GET', `/api/orgs/${org}/jobs?cursor=xyz`, { key });
    expect(badCursor.status).toBe(400);
    const noRoute = await call(t, 'GET', '/api/nothing-here', { key });
    expect(noRoute.status).toBe(404);
    expect((noRoute.body.error as Json).code).toBe('NOT_FOUND');
  });

  it('pages jobs newest first, tracker values and the ledger', async () => {
    const { org, key } = await newOrg();
    await call(t, 'POST', `/api/orgs/${org}/templates`, { key, json: spendTemplate() });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const fileId = await upload(org, key, SPEND_CSV);
      const job = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId, template: 'Spend tracker', dryRun: i > 0 } });
      ids.push(String(job.body.jobId));
      await waitForJob(t, key, org, ids[i]!);
    }
    const first = await call<{ jobs: Json[]; nextCursor: string }>(t, 'GET', `/api/orgs/${org}/jobs?limit=2`, { key });
    expect(first.body.jobs.map((j) => j.jobId)).toEqual([ids[2], ids[1]]);
    // A job made between two pages is on no later page: the cursor names a job, not a position.
    const newer = await call(t, 'POST', `/api/orgs/${org}/jobs`, { key, json: { fileId: await upload(org, key, SPEND_CSV), template: 'Spend tracker', dryRun: true } });
    await waitForJob(t, key, org, String(newer.body.jobId));
    const second = await call<{ jobs: Json[]; nextCursor: string | null }>(t, 'GET', `/api/orgs/${org}/jobs?limit=2&cursor=${first.body.nextCursor}`, { key });
    expect(second.body.jobs.map((j) => j.jobId)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    const validated = await call<{ jobs: Json[] }>(t, 'GET', `/api/orgs/${org}/jobs?status=VALIDATED`, { key });
    expect(validated.body.jobs.map((j) => j.jobId).sort()).toEqual([String(newer.body.jobId), ids[1], ids[2]].sort());
    const byStatus = await call<{ jobs: Json[]; nextCursor: string }>(t, 'GET', `/api/orgs/${org}/jobs?status=VALIDATED&limit=2`, { key });
    const rest = await call<{ jobs: Json[]; nextCursor: string | null }>(t, 'GET', `/api/orgs/${org}/jobs?status=VALIDATED&limit=2&cursor=${byStatus.body.nextCursor}`, { key });
    expect([...byStatus.body.jobs, ...rest.body.jobs].map((j) => j.jobId)).toEqual([String(newer.body.jobId), ids[2], ids[1]]);
    expect(rest.body.nextCursor).toBeNull();
    expect((await call(t, 'GET', `/api/orgs/${org}/jobs?cursor=bm90LWEtY3Vyc29y`, { key })).status).toBe(400);
    // A cursor of another list is not one of this list: 400, never a failed query.
    expect((await call(t, 'GET', `/api/orgs/${org}/trackers/11/values?cursor=${first.body.nextCursor}`, { key })).status).toBe(400);
    const page1 = await call<{ values: Json[]; nextCursor: string }>(t, 'GET', `/api/orgs/${org}/trackers/11/values?limit=1`, { key });
    expect(page1.status).toBe(200);
    expect(page1.body.values).toEqual([expect.objectContaining({ trackerId: 11, loyaltyLogId: 90001, value: '100.5', jobId: ids[0], rowNumber: 2 })]);
    const page2 = await call<{ values: Json[]; nextCursor: string | null }>(t, 'GET', `/api/orgs/${org}/trackers/11/values?limit=1&cursor=${page1.body.nextCursor}`, { key });
    expect(page2.body.values).toEqual([expect.objectContaining({ loyaltyLogId: 90002, value: '20' })]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await call(t, 'GET', `/api/orgs/${org}/trackers/nothing/values`, { key })).status).toBe(404);
    const ledger = await call(t, 'GET', `/api/orgs/${org}/ledger?customer=1001&limit=5`, { key });
    expect(ledger.status).toBe(200);
    expect(ledger.body).toEqual({ entries: [], balances: [], nextCursor: null });
  });

  it('serves the reference at /docs, a favicon, and a page at / that says how to build the web app', async () => {
    const docs = await call(t, 'GET', '/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
    const icon = await call(t, 'GET', '/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/');
    const home = await call(t, 'GET', '/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
  });

  it('never writes a key in its log', async () => {
    expect(keys.length).toBeGreaterThan(0);
    const log = t.output();
    expect(log).toContain('"url":"/api/orgs/');
    for (const key of [t.admin, ...keys]) expect(log).not.toContain(key);
  });
});

describe.each(STORE_KINDS)('the web app on %s', (kind) => {
  let t: TestApi;
  const web = tempDir('loyalty-web-');

  beforeAll(async () => {
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>operators</title><div id="root"></div>');
    fs.mkdirSync(path.join(web, 'assets'));
    fs.writeFileSync(path.join(web, 'assets', 'app.js'), 'console.log("app")');
    fs.writeFileSync(path.join(web, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
    t = await startTestApi(kind, { env: { LOYALTY_WEB_DIST: web } });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(web, { recursive: true, force: true });
  });

  it('serves the built files, and index.html for any page of the app but not for /api or /docs', async () => {
    const home = await call(t, 'GET', '/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<div id="root">');
    const asset = await call(t, 'GET', '/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.text).toBe('console.log("app")');
    const page = await call(t, 'GET', '/jobs/123/errors');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    expect((await call(t, 'GET', '/favicon.ico')).headers.get('content-type')).toContain('image/');
    const api = await call(t, 'GET', '/api/nothing', { key: t.admin });
    expect(api.status).toBe(404);
    expect((api.body.error as Json).code).toBe('NOT_FOUND');
    expect((await call(t, 'GET', '/docs/')).text).toContain('swagger');
  });
});
