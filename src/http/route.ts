import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { JobRunner } from '../app/background.js';
import type { AppContext } from '../app/context.js';
import type { Caller } from '../app/keys.js';

/**
 * A route of the API, declared once: its method and path, its schemas, who may call it, and its
 * handler. Validation, the OpenAPI document, and the test that calls every route with no key
 * and with another org's key all come from the table of these (routes.ts).
 */

/** Who may call a route. `org`: the admin, or a key of the org in the path; `admin`: the admin only; `caller`: any key; `public`: no key. */
export type Access = 'public' | 'caller' | 'org' | 'admin';

/** What a handler is given. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller | null;
  ctx: AppContext;
  background: JobRunner;
  request: FastifyRequest;
  reply: FastifyReply;
}

type Schema = z.ZodType;

export interface RouteDefinition<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify's form: `/api/orgs/:org/jobs/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** The success status and its body's schema (or a body of another content type). */
  status: number;
  response: Schema | { contentType: string; schema: Schema };
  /** Error statuses the route answers besides 400, 401 and 404. */
  errors?: number[];
  /** The largest JSON body, in bytes, when larger than Fastify's 1 MiB default. */
  bodyLimit?: number;
  /** The body is the raw upload stream, not JSON. */
  rawBody?: boolean;
  /** The OpenAPI request body of a route whose body is not JSON (an upload), for the document. */
  requestBody?: Record<string, unknown>;
  /**
   * Answers the request: the value returned is sent with `status`. A handler that streams
   * (a report, events) sends through `reply` and returns it.
   */
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** Declares a route, typing its handler's input from its schemas. */
export function route<P extends Schema, Q extends Schema, B extends Schema>(definition: RouteDefinition<P, Q, B>): RouteDefinition {
  return definition as unknown as RouteDefinition;
}
