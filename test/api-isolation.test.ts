import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_STATUSES } from '../src/domain/jobs.js';
import { ROUTES } from '../src/http/routes.js';
import { acmeWithKey, call, STORE_KINDS, startTestApi, type TestApi } from './api-helpers.js';

/**
 * Generated from the route table, so that no route can be added without it: every route but the
 * public one refuses a call with no key or a wrong key (401), and every org route answers another
 * org's key exactly as it answers for a missing org (404). And the OpenAPI document validates
 * and documents every route of the table.
 */

type Json = Record<string, unknown>;

/** A path of the table with its parameters filled: the org in it is `org`. */
function concrete(path: string, org: string): string {
  return path.replace(':org', org).replace(/:([A-Za-z]+)/g, 'some-$1');
}

const guarded = ROUTES.filter((r) => r.access !== 'public');
const ofAnOrg = ROUTES.filter((r) => r.path.includes(':org'));

describe.each(STORE_KINDS)('isolation on %s', (kind) => {
  let t: TestApi;
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    t = await startTestApi(kind);
    mine = await acmeWithKey(t, 'mine');
    theirs = await acmeWithKey(t, 'theirs');
  }, 180_000);
  afterAll(async () => t?.close());

  it('has routes of every kind of access to check', () => {
    expect(guarded.length).toBeGreaterThan(20);
    expect(ofAnOrg.length).toBeGreaterThan(20);
  });

  it.each(guarded.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: 401 with no key and with a wrong key', async (_name, r) => {
    const path = concrete(r.path, 'mine');
    const none = await call(t, r.method, path, { json: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
    const wrong = await call(t, r.method, path, { key: 'lik_not-a-key', json: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
    expect(wrong.status).toBe(401);
  });

  it.each(ofAnOrg.map((r) => [`${r.method} ${r.path}`, r] as const))("%s: another org's key answers 404, as for a missing org", async (_name, r) => {
    const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
    const other = await call(t, r.method, concrete(r.path, 'mine'), { key: theirs, json: body });
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: 'NOT_FOUND' });
    const missing = await call(t, r.method, concrete(r.path, 'nowhere'), { key: theirs, json: body });
    expect(missing.status).toBe(404);
    expect((other.body.error as Json).message).toBe(String((missing.body.error as Json).message).replaceAll('nowhere', 'mine'));
  });

  it("hides another org's job behind its own org's path", async () => {
    const form = new FormData();
    form.append('file', new Blob(['a,b\n1,2\n']), 'x.csv');
    const file = await call(t, 'POST', '/api/orgs/theirs/files?name=x.csv', { key: theirs, body: form });
    expect(file.status).toBe(201);
    // Their file, asked for under my org with my key, is not found.
    const asMine = await call(t, 'POST', '/api/orgs/mine/previews', { key: mine, json: { fileId: file.body.fileId, template: 'x' } });
    expect(asMine.status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi(STORE_KINDS[0]!);
  }, 180_000);
  afterAll(async () => t?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const got = await call(t, 'GET', '/openapi.json');
    expect(got.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(got.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route of the table, with its key and its errors', async () => {
    const doc = (await call<{ paths: Record<string, Record<string, Json>> }>(t, 'GET', '/openapi.json')).body;
    for (const r of ROUTES) {
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[r.method.toLowerCase()];
      expect(operation, `${r.method} ${path}`).toBeDefined();
      expect(operation!.summary).toBe(r.summary);
      expect(Object.keys(operation!.responses as Json)).toContain(String(r.status));
      if (r.access !== 'public') {
        expect(operation!.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation!.responses as Json)).toEqual(expect.arrayContaining(['400', '401', '404']));
      }
    }
    const upload = doc.paths['/api/orgs/{org}/files']!.post!;
    expect(Object.keys((upload.requestBody as { content: Json }).content).sort()).toEqual(['application/octet-stream', 'multipart/form-data', 'text/csv']);
    const documented = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(documented).toBe(ROUTES.length);
  });

  it('types what the API answers: job states as an enum, counts and ids as integers, every error with its details', async () => {
    const doc = (await call<{ paths: Record<string, Record<string, Json>> }>(t, 'GET', '/openapi.json')).body;
    const answer = (path: string, method: string, status: string) =>
      ((((doc.paths[path]![method]!.responses as Json)[status] as Json).content as Json)['application/json'] as { schema: Schema }).schema;
    type Schema = { type?: string; enum?: string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; additionalProperties?: Schema | boolean };
    const job = answer('/api/orgs/{org}/jobs/{id}', 'get', '200');
    expect(job.properties!.status!.enum).toEqual([...JOB_STATUSES]);
    expect(job.properties!.template!.properties!.version!.type).toBe('integer');
    for (const count of ['total', 'valid', 'rejected', 'imported']) expect(job.properties!.rows!.properties![count]!.type, count).toBe('integer');
    expect((job.properties!.errorCounts!.additionalProperties as Schema).type).toBe('integer');
    expect(job.properties!.file!.properties!.size!.type).toBe('integer');
    expect(answer('/api/orgs/{org}/files', 'post', '201').properties!.bytes!.type).toBe('integer');
    const overview = answer('/api/orgs/{org}', 'get', '200');
    expect(overview.properties!.trackers!.items!.properties!.id!.type).toBe('integer');
    const values = answer('/api/orgs/{org}/trackers/{tracker}/values', 'get', '200').properties!.values!.items!;
    for (const id of ['trackerId', 'loyaltyLogId', 'rowNumber']) expect(values.properties![id]!.type, id).toBe('integer');
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const status of Object.keys(operation.responses as Json).filter((s) => Number(s) >= 400)) {
          const error = answer(path, method, status).properties!.error!;
          expect(error.required, `${method} ${path} ${status}`).toEqual(['code', 'message', 'details']);
        }
      }
    }
  });

  it('marks a body that may be left out as optional, and documents the template and reference-data bodies by their schemas', async () => {
    const doc = (await call<{ paths: Record<string, Record<string, Json>> }>(t, 'GET', '/openapi.json')).body;
    const body = (path: string, method: string) => doc.paths[path]![method]!.requestBody as { required: boolean; content: Record<string, { schema: Json & { properties?: Json; required?: string[] } }> };
    expect(body('/api/orgs/{org}/jobs/{id}/import', 'post').required).toBe(false);
    expect(body('/api/orgs/{org}/keys', 'post').required).toBe(false);
    expect(body('/api/orgs/{org}/jobs', 'post').required).toBe(true);
    const template = body('/api/orgs/{org}/templates', 'post');
    expect(template.required).toBe(true);
    const templateSchema = template.content['application/json']!.schema;
    expect(Object.keys(templateSchema.properties!)).toEqual(expect.arrayContaining(['name', 'profile', 'csv', 'mapping', 'defaults', 'config', 'rowLimit']));
    expect(templateSchema.required).toEqual(['name', 'profile']);
    expect((templateSchema.properties!.profile as Json).enum).toEqual(['TRACKERS', 'CUSTOMER_PROMOTION']);
    const reference = body('/api/orgs/{org}/reference-data', 'put').content['application/json']!.schema;
    expect(Object.keys(reference.properties!)).toEqual(expect.arrayContaining(['org', 'stores', 'customers', 'trackers', 'programs', 'promotions']));
  });
});
