import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { JobRunner } from '../app/background.js';
import { type AppContext, noSuchOrg } from '../app/context.js';
import { AppError, toAppError } from '../app/errors.js';
import { authenticate, type Caller } from '../app/keys.js';
import type { RouteDefinition } from './route.js';
import { noSuchRoute, openApiPath, ROUTES } from './routes.js';
import { errorBody } from './schemas.js';

/**
 * The HTTP server (spec: api.md): the routes of routes.ts over the application layer, their
 * OpenAPI document at /openapi.json and its rendered reference at /docs, and the operators' web
 * app from web/dist. Every error answers `{"error": {"code", "message", "details"}}` with the
 * status of its code (app/errors.ts).
 */

export interface ServerOptions {
  ctx: AppContext;
  background: JobRunner;
  /** The key that may do everything, on every org. */
  adminKey: string;
  /** The web app's built files; null for none. Defaults to web/dist of this checkout. */
  webRoot?: string | null;
  logger?: FastifyServerOptions['logger'];
  version?: string;
}

/** Log options that never write a key: the authorization header is redacted wherever it appears. */
export const LOG_REDACTION = { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' };

/** Builds the server, ready to listen. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { ctx, background, adminKey } = options;
  // Open event streams must not hold a stopping server: its jobs have sent their last event.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  acceptEmptyJson(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'loyalty-import',
        version: options.version ?? '0.1.0',
        description:
          'Bulk imports of loyalty data: templates, uploads, previews, jobs in the background and their reports. Every /api route but /api/health needs `Authorization: Bearer KEY`: the admin key, or an org key for its own org.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    // A body that is not JSON (an upload) has no zod schema: its request body is declared as is.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const { openapiObject } = document;
      const operationOf = (r: RouteDefinition) => (openapiObject.paths?.[openApiPath(r.path)] as Record<string, Record<string, unknown>> | undefined)?.[r.method.toLowerCase()];
      for (const r of ROUTES.filter((r) => r.requestBody)) {
        const operation = operationOf(r);
        if (operation) operation.requestBody = r.requestBody;
      }
      // @fastify/swagger marks every body required; a body every field of which is optional is not.
      for (const r of ROUTES.filter(hasOptionalBody)) {
        const body = operationOf(r)?.requestBody as { required?: boolean } | undefined;
        if (body) body.required = false;
      }
      return openapiObject;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const callers = new WeakMap<FastifyRequest, Caller>();
  const register = (scope: FastifyInstance, r: RouteDefinition) => {
    const optionalBody = hasOptionalBody(r);
    scope.route({
      method: r.method,
      url: r.path,
      bodyLimit: r.bodyLimit,
      schema: routeSchema(r),
      onRequest: async (request) => {
        if (r.access === 'public') return;
        const caller = await authenticate(ctx, adminKey, bearer(request.headers.authorization));
        if (!caller) throw new AppError('UNAUTHORIZED', 'Send a valid key: `Authorization: Bearer KEY`, the admin key or a key the admin made for the org');
        callers.set(request, caller);
        if (r.access === 'caller') return;
        const org = (request.params as Record<string, string | undefined>).org ?? '';
        // Another org's things answer exactly as missing ones do.
        if (caller.kind === 'org' && caller.orgId !== org) throw noSuchOrg(org);
        if (r.access === 'admin' && caller.kind !== 'admin') throw new AppError('FORBIDDEN', 'Only the admin key manages org keys; ask the admin');
      },
      // No body (none sent, or an empty one) is an empty object where the body may be left out:
      // Fastify validates a missing body as null, which an optional body's schema refuses.
      preValidation: async (request) => {
        if (optionalBody && request.body === undefined) request.body = {};
      },
      handler: async (request, reply) => {
        const result = await r.handle({
          params: request.params,
          query: request.query,
          body: request.body,
          caller: callers.get(request) ?? null,
          ctx,
          background,
          request,
          reply,
        });
        if (result === reply) return reply;
        reply.code(r.status);
        return result;
      },
    });
  };
  for (const r of ROUTES.filter((r) => !r.rawBody)) register(app, r);
  // Uploads read the request stream themselves: their scope parses no body, bar multipart's envelope.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    await scope.register(multipart);
    for (const r of ROUTES.filter((r) => r.rawBody)) register(scope, r);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await serveWeb(app, options.webRoot === undefined ? defaultWebRoot() : options.webRoot);
  return app;
}

/** Whether a route's JSON body may be left out: its schema accepts no body. */
function hasOptionalBody(r: RouteDefinition): boolean {
  return r.body !== undefined && !r.rawBody && r.body.safeParse(undefined).success;
}

/**
 * Fastify's JSON parser refuses an empty body sent as `application/json` (a client that sets the
 * header on every request, `curl -H 'Content-Type: application/json' -X POST`): here an empty
 * body is no body, as when no content type is sent. A route whose body may be left out takes it
 * as `{}`; one that needs a body refuses it as missing (400 INVALID_REQUEST, `details` naming
 * `body`). Any other body goes to Fastify's own parser, with its guard against prototype poisoning.
 */
function acceptEmptyJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

function routeSchema(r: RouteDefinition) {
  const success = 'contentType' in r.response ? { description: r.summary, content: { [r.response.contentType]: { schema: r.response.schema } } } : r.response;
  const errors = [...(r.access === 'public' ? [] : [400, 401, 404]), ...(r.errors ?? [])];
  return {
    summary: r.summary,
    tags: [r.tag],
    operationId: operationId(r),
    ...(r.access === 'public' ? { security: [] } : { security: [{ bearer: [] }] }),
    ...(r.params ? { params: r.params } : {}),
    ...(r.query ? { querystring: r.query } : {}),
    ...(r.body ? { body: r.body } : {}),
    response: { [r.status]: success, ...Object.fromEntries(errors.map((status) => [status, errorBody])) },
  };
}

/** A stable operation id: `GET /api/orgs/:org/jobs/:id` → `getOrgsJobsId`. */
export function operationId(r: RouteDefinition): string {
  const words = r.path
    .replace(/^\/api\//, '')
    .split(/[/.:-]/)
    .filter(Boolean)
    .filter((w) => w !== 'org');
  return [r.method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  let appError: AppError;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'request';
    const details = error.validation.map((v) => ({ field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'), message: v.message ?? 'is not valid' }));
    appError = new AppError('INVALID_REQUEST', `The request is not valid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
  } else if (isResponseSerializationError(error)) {
    appError = new AppError('INTERNAL', 'The server built an answer that does not match its own schema; see the server log');
  } else if (!(error instanceof AppError) && typeof status === 'number' && status === 413) {
    appError = new AppError('FILE_TOO_LARGE', `The request body is larger than the server accepts here: ${(error as Error).message}`);
  } else if (!(error instanceof AppError) && typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own refusals: a body that is not JSON, a content type it cannot read.
    appError = new AppError('INVALID_REQUEST', (error as Error).message, [{ field: 'body', message: (error as Error).message }]);
  } else {
    appError = toAppError(error);
  }
  if (appError.code === 'INTERNAL' || appError.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
  // A refused request whose body was not read is read and dropped, so that the client, still
  // sending it, gets the answer: a connection closed under a client that is still sending is
  // reset, and the client sees the reset instead of the answer. A client that goes on sending a
  // large body past the answer has its connection closed after `DRAIN_MS`.
  if (!request.raw.complete) {
    request.raw.resume();
    const length = Number(request.headers['content-length']);
    if (!(Number.isFinite(length) && length <= SMALL_BODY)) {
      const cut = setTimeout(() => request.raw.socket?.destroy(), DRAIN_MS);
      cut.unref();
      request.raw.once('end', () => clearTimeout(cut));
      request.raw.once('close', () => clearTimeout(cut));
    }
  }
  // `details` is always there (spec: api.md, "Errors"): an empty object when there is nothing more to say.
  return reply.code(appError.httpStatus).send({ error: { code: appError.code, message: appError.message, details: appError.details ?? {} } });
}

/** A body small enough to read and drop whatever the time it takes. */
const SMALL_BODY = 1024 * 1024;

/** How long a refused large body is read and dropped before its connection is closed. */
const DRAIN_MS = 10_000;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f6feb"/><path d="M9 8h4v12h10v4H9z" fill="#fff"/></svg>`;

const NO_WEB_APP = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>loyalty-import</title><link rel="icon" href="/favicon.svg"></head>
<body><main><h1>loyalty-import</h1><p>The API is up: its reference is at <a href="/docs">/docs</a>, its OpenAPI document at <a href="/openapi.json">/openapi.json</a>.</p>
<p>The web app is not built. Build it with <code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code> (it goes to <code>web/dist</code>), then restart the server.</p></main></body></html>`;

async function serveWeb(app: FastifyInstance, webRoot: string | null): Promise<void> {
  const index = webRoot ? path.join(webRoot, 'index.html') : null;
  const built = index !== null && fs.existsSync(index);
  if (built) await app.register(fastifyStatic, { root: webRoot!, prefix: '/', index: ['index.html'] });
  const hasIcon = built && fs.existsSync(path.join(webRoot!, 'favicon.ico'));
  if (!hasIcon) {
    for (const url of ['/favicon.ico', '/favicon.svg']) {
      app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON));
    }
  }
  if (!built) app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(NO_WEB_APP));
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    // The web app routes in the browser: any page of it loads index.html.
    if (request.method === 'GET' && built && !url.startsWith('/api/') && url !== '/api' && !url.startsWith('/docs')) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return sendError(request, reply, noSuchRoute(request.method, request.url));
  });
}

/** web/dist of this checkout: two folders up from src/http (or dist/src/http). */
function defaultWebRoot(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'web', 'dist');
    dir = path.dirname(dir);
  }
  return null;
}
