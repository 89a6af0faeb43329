import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../app/errors.js';
import {
  cancelOrgJob,
  errorReport,
  getOrgJob,
  importValidated,
  jobDocument,
  listOrgJobs,
  resumeOrgJob,
  startJob,
  successReport,
} from '../app/jobs.js';
import { createOrgKey, listOrgKeys, revokeOrgKey } from '../app/keys.js';
import { orgOverview, putReferenceData } from '../app/orgs.js';
import { previewUpload } from '../app/preview.js';
import { listProfiles } from '../app/profiles.js';
import { ledgerPage, trackerValuesPage } from '../app/queries.js';
import { getOrgTemplate, listOrgTemplates, saveOrgTemplate, templateVersions } from '../app/templates.js';
import { streamJobEvents } from './events.js';
import { type RouteDefinition, route } from './route.js';
import * as s from './schemas.js';
import { receiveUpload } from './upload.js';

/** The largest reference-data body: an org with a million customers and their transactions. */
const REFERENCE_DATA_LIMIT = 1024 * 1024 * 1024;

/** Every route of the API (spec: api.md, "Routes"). */
export const ROUTES: readonly RouteDefinition[] = [
  route({
    method: 'GET',
    path: '/api/health',
    summary: 'Whether the server is up; needs no key',
    tag: 'server',
    access: 'public',
    status: 200,
    response: s.health,
    handle: async () => ({ status: 'ok' as const }),
  }),
  route({
    method: 'GET',
    path: '/api/profiles',
    summary: "Every import profile: its fields and its configuration's JSON Schema",
    tag: 'templates',
    access: 'caller',
    status: 200,
    response: s.profileList,
    handle: async () => ({ profiles: listProfiles() }),
  }),
  route({
    method: 'PUT',
    path: '/api/orgs/:org/reference-data',
    summary: "Creates (admin key) or updates an org and its reference data: the `org load` file as the body",
    tag: 'orgs',
    access: 'org',
    params: s.orgParams,
    body: s.referenceDataBody,
    bodyLimit: REFERENCE_DATA_LIMIT,
    status: 200,
    response: s.referenceDataLoaded,
    errors: [403, 422],
    handle: async ({ ctx, caller, params, body }) => putReferenceData(ctx, caller!, params.org, body),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org',
    summary: 'The org, with the lists a template form offers: stores and tills, trackers, programs and expiry strategies, promotions, user-group identifier types',
    tag: 'orgs',
    access: 'org',
    params: s.orgParams,
    status: 200,
    response: s.orgOverview,
    handle: async ({ ctx, params }) => orgOverview(ctx, params.org),
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/keys',
    summary: 'Makes an org key (admin key only); the answer is the only time the key is shown',
    tag: 'keys',
    access: 'admin',
    params: s.orgParams,
    body: s.keyCreateBody,
    status: 201,
    response: s.keyCreated,
    errors: [403],
    handle: async ({ ctx, params, body }) => createOrgKey(ctx, params.org, body?.label ?? null),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/keys',
    summary: "The org's keys, revoked ones included (admin key only); never the keys themselves",
    tag: 'keys',
    access: 'admin',
    params: s.orgParams,
    status: 200,
    response: s.keyList,
    errors: [403],
    handle: async ({ ctx, params }) => ({ keys: await listOrgKeys(ctx, params.org) }),
  }),
  route({
    method: 'DELETE',
    path: '/api/orgs/:org/keys/:id',
    summary: 'Revokes an org key (admin key only): its next request answers 401',
    tag: 'keys',
    access: 'admin',
    params: s.keyParams,
    status: 204,
    response: z.null().describe('No content'),
    errors: [403],
    handle: async ({ ctx, params, reply }) => {
      await revokeOrgKey(ctx, params.org, params.id);
      return reply.code(204).send();
    },
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/templates',
    summary: 'Saves a template (the CLI\'s JSON, "org" left out): a changed template is a new version',
    tag: 'templates',
    access: 'org',
    params: s.orgParams,
    body: s.templateBody,
    status: 201,
    response: s.templateSaved,
    errors: [422],
    handle: async ({ ctx, params, body }) => saveOrgTemplate(ctx, params.org, body),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/templates',
    summary: "The org's templates, each at its latest version",
    tag: 'templates',
    access: 'org',
    params: s.orgParams,
    status: 200,
    response: s.templateList,
    handle: async ({ ctx, params }) => ({ templates: await listOrgTemplates(ctx, params.org) }),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/templates/:idOrName',
    summary: 'A template: its latest version, or ?version=N',
    tag: 'templates',
    access: 'org',
    params: s.templateParams,
    query: s.versionQuery,
    status: 200,
    response: s.templateDocument,
    handle: async ({ ctx, params, query }) => getOrgTemplate(ctx, params.org, params.idOrName, query.version),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/templates/:idOrName/versions',
    summary: "Every version of a template, the first first",
    tag: 'templates',
    access: 'org',
    params: s.templateParams,
    status: 200,
    response: s.templateVersionList,
    handle: async ({ ctx, params }) => ({ versions: await templateVersions(ctx, params.org, params.idOrName) }),
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/files',
    summary: 'Uploads a file, as the raw body or as the multipart field "file"; streamed to storage, hashed on the way',
    tag: 'files',
    access: 'org',
    params: s.orgParams,
    query: s.uploadQuery,
    rawBody: true,
    status: 201,
    response: s.uploaded,
    errors: [413],
    handle: async ({ ctx, params, query, request }) => receiveUpload(ctx, params.org, query.name, request),
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/previews',
    summary: "The first rows of an uploaded file under a template (saved, or an unsaved body), each with the outcome a dry run would give it; writes nothing",
    tag: 'jobs',
    access: 'org',
    params: s.orgParams,
    body: s.previewRequest,
    status: 200,
    response: s.previewResponse,
    errors: [422],
    handle: async ({ ctx, params, body }) => previewUpload(ctx, params.org, body),
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/jobs',
    summary: 'Starts a job (a dry run or an import) of an uploaded file; it runs in the background',
    tag: 'jobs',
    access: 'org',
    params: s.orgParams,
    body: s.jobRequest,
    status: 202,
    response: s.jobDocument,
    handle: async ({ ctx, background, params, body, reply }) => {
      const job = await startJob(ctx, background, params.org, body);
      reply.header('location', `/api/orgs/${encodeURIComponent(params.org)}/jobs/${job.id}`);
      return jobDocument(job);
    },
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/jobs/:id/import',
    summary: 'Imports the file that dry run {id} validated, with the same template version, without uploading it again',
    tag: 'jobs',
    access: 'org',
    params: s.jobParams,
    body: s.importRequest,
    status: 202,
    response: s.jobDocument,
    errors: [409],
    handle: async ({ ctx, background, params, body, reply }) => {
      const job = await importValidated(ctx, background, params.org, params.id, { allowDuplicate: body?.allowDuplicate });
      reply.header('location', `/api/orgs/${encodeURIComponent(params.org)}/jobs/${job.id}`);
      return jobDocument(job);
    },
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/jobs',
    summary: "The org's jobs, newest first, a page at a time",
    tag: 'jobs',
    access: 'org',
    params: s.orgParams,
    query: s.jobListQuery,
    status: 200,
    response: s.jobList,
    handle: async ({ ctx, params, query }) => listOrgJobs(ctx, params.org, query),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/jobs/:id',
    summary: "A job: the CLI's summary and its progress",
    tag: 'jobs',
    access: 'org',
    params: s.jobParams,
    status: 200,
    response: s.jobDocument,
    handle: async ({ ctx, params }) => jobDocument(await getOrgJob(ctx, params.org, params.id)),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/jobs/:id/events',
    summary: "A job's progress as Server-Sent Events: `progress` events while it runs, then one `status` event with the job",
    tag: 'jobs',
    access: 'org',
    params: s.jobParams,
    status: 200,
    response: { contentType: 'text/event-stream', schema: s.eventStream },
    handle: async ({ ctx, background, params, request, reply }) => streamJobEvents(ctx, background, await getOrgJob(ctx, params.org, params.id), request, reply),
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/jobs/:id/cancel',
    summary: 'Cancels a job: a waiting one at once, a running one at its next chunk boundary',
    tag: 'jobs',
    access: 'org',
    params: s.jobParams,
    status: 200,
    response: s.jobDocument,
    errors: [409],
    handle: async ({ ctx, background, params }) => jobDocument(await cancelOrgJob(ctx, background, params.org, params.id)),
  }),
  route({
    method: 'POST',
    path: '/api/orgs/:org/jobs/:id/resume',
    summary: 'Resumes an interrupted job in the background',
    tag: 'jobs',
    access: 'org',
    params: s.jobParams,
    status: 202,
    response: s.jobDocument,
    errors: [409],
    handle: async ({ ctx, background, params }) => jobDocument(await resumeOrgJob(ctx, background, params.org, params.id)),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/jobs/:id/errors.csv',
    summary: "The job's error report, streamed: the file's rejected rows with row_number, error_code and error_message",
    tag: 'reports',
    access: 'org',
    params: s.jobParams,
    status: 200,
    response: { contentType: 'text/csv', schema: s.csvText },
    handle: async ({ ctx, params, reply }) => {
      const { job, csv } = await errorReport(ctx, params.org, params.id);
      return sendCsv(reply, `${job.id}-errors.csv`, csv);
    },
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/jobs/:id/success.csv',
    summary: "The job's success report, streamed: what each imported row resolved to",
    tag: 'reports',
    access: 'org',
    params: s.jobParams,
    status: 200,
    response: { contentType: 'text/csv', schema: s.csvText },
    handle: async ({ ctx, params, reply }) => {
      const { job, csv } = await successReport(ctx, params.org, params.id);
      return sendCsv(reply, `${job.id}-success.csv`, csv);
    },
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/trackers/:tracker/values',
    summary: "A tracker's values, a page at a time; the tracker by its id or name",
    tag: 'data',
    access: 'org',
    params: s.trackerParams,
    query: s.pageQuery,
    status: 200,
    response: s.trackerValues,
    handle: async ({ ctx, params, query }) => trackerValuesPage(ctx, params.org, params.tracker, query),
  }),
  route({
    method: 'GET',
    path: '/api/orgs/:org/ledger',
    summary: 'Points entries, a page at a time, and the balance per customer or group (points not expired now) over every entry the filter keeps',
    tag: 'data',
    access: 'org',
    params: s.orgParams,
    query: s.ledgerQuery,
    status: 200,
    response: s.ledger,
    handle: async ({ ctx, params, query }) => ledgerPage(ctx, params.org, query),
  }),
];

function sendCsv(reply: FastifyReply, filename: string, csv: AsyncIterable<string>) {
  return reply
    .code(200)
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(csv));
}

/** A route's path in OpenAPI's form: `/api/orgs/{org}/jobs/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

/** Not a route's refusal but a missing one: the same shape as every error. */
export function noSuchRoute(method: string, url: string): AppError {
  return new AppError('NOT_FOUND', `No route ${method} ${url.split('?')[0]}; the routes are listed at /docs`);
}
