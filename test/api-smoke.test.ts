import { afterAll, beforeAll, expect, it } from 'vitest';
import { acmeWithKey, call, SPEND_CSV, spendTemplate, startTestApi, type TestApi, waitForJob } from './api-helpers.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi('sqlite');
});
afterAll(async () => t?.close());

it('smoke', async () => {
  const key = await acmeWithKey(t);
  const saved = await call(t, 'POST', '/api/orgs/acme/templates', { key, json: spendTemplate() });
  console.log(saved.status, saved.body);
  const up = await call(t, 'POST', '/api/orgs/acme/files?name=spend.csv', { key, body: SPEND_CSV, headers: { 'content-type': 'text/csv' } });
  console.log(up.status, up.body);
  const prev = await call(t, 'POST', '/api/orgs/acme/previews', { key, json: { fileId: up.body.fileId, template: 'Spend tracker' } });
  console.log(prev.status, JSON.stringify(prev.body));
  const job = await call(t, 'POST', '/api/orgs/acme/jobs', { key, json: { fileId: up.body.fileId, template: 'Spend tracker' } });
  console.log(job.status, job.body, job.headers.get('location'));
  const done = await waitForJob(t, key, 'acme', String(job.body.jobId));
  console.log(done);
  const errs = await call(t, 'GET', `/api/orgs/acme/jobs/${job.body.jobId}/errors.csv`, { key });
  console.log(errs.status, errs.text);
  const ev = await call(t, 'GET', `/api/orgs/acme/jobs/${job.body.jobId}/events`, { key });
  console.log(ev.status, ev.text);
  const doc = await call(t, 'GET', '/openapi.json');
  console.log(doc.status, Object.keys((doc.body as {paths: object}).paths ?? {}));
  const bad = await call(t, 'POST', '/api/orgs/acme/jobs', { key, json: { fileId: 3 } });
  console.log(bad.status, JSON.stringify(bad.body));
  const prof = await call(t, 'GET', '/api/profiles', { key });
  console.log(prof.status, prof.text.slice(0, 300));
  expect(1).toBe(1);
});
