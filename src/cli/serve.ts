import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { BackgroundJobs, type JobRunner } from '../app/background.js';
import { QueuedJobs } from '../app/queued.js';
import { WorkersFirstJobs } from '../app/workers-first.js';
import { isPostgresLocation, JobQueue, workersNeedPostgres } from '../jobs/queue.js';
import { type AppContext, appContext } from '../app/context.js';
import { AppError } from '../app/errors.js';
import { createOrgKey } from '../app/keys.js';
import { generatedPromotionTemplate, generatedTrackersTemplate, generateOrg, writePromotionFile, writeTrackersFile } from '../demo/generate.js';
import { buildServer, LOG_REDACTION } from '../http/server.js';
import { loadReferenceData } from '../org/reference-data.js';
import { openStore, storeLocation } from '../store/open.js';
import { saveTemplate } from '../templates/service.js';

/** `loyalty-import serve`: the HTTP API, its reference and the web app (spec: api.md). */

export interface ApiOptions {
  /** The store's location: a SQLite file or a postgres:// URL. */
  location: string;
  adminKey: string;
  port?: number;
  host?: string;
  /** Jobs run at once; by default 1 on SQLite (one writer), 2 on PostgreSQL. */
  concurrency?: number;
  logger?: FastifyServerOptions['logger'];
  webRoot?: string | null;
  maxFileBytes?: number;
  /**
   * Hand every job to the worker processes (`loyalty-import worker`) and run none here, even when no
   * worker is connected: PostgreSQL only. Without it, a server on PostgreSQL hands its jobs to the
   * workers when any is connected and runs them itself when none is (workers-first.ts).
   */
  workers?: boolean;
}

/** A listening server and what it runs on. */
export interface RunningApi {
  app: FastifyInstance;
  ctx: AppContext;
  background: JobRunner;
  /** `http://host:port`. */
  url: string;
  /** Aborts running jobs (they commit their chunk and are left INTERRUPTED), then stops listening and closes the store. */
  close(): Promise<void>;
}

/** Opens the store, takes up the jobs a previous run left queued, and listens. */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  // The server starts a store as `org load` does: an org is loaded into it over the API.
  if (options.workers && !isPostgresLocation(options.location)) throw new Error(workersNeedPostgres('serve --workers'));
  const store = await openStore(options.location, { create: true });
  const ctx = appContext(store, options.location, options.maxFileBytes);
  const log = (message: string, error?: unknown) => app.log.warn({ err: error }, message);
  const concurrency = options.concurrency ?? (store.kind === 'postgres' ? 2 : 1);
  let background: JobRunner;
  if (store.kind === 'sqlite') background = new BackgroundJobs(ctx, { concurrency, log });
  else if (options.workers) background = new QueuedJobs(ctx, await JobQueue.open(options.location), log);
  else background = new WorkersFirstJobs(ctx, await JobQueue.open(options.location), { concurrency, log });
  const app = await buildServer({ ctx, background, adminKey: options.adminKey, logger: options.logger, webRoot: options.webRoot });
  await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
  await background.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  let closing: Promise<void> | null = null;
  return {
    app,
    ctx,
    background,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => {
      closing ??= (async () => {
        await background.stop();
        await app.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** Loads the demo org, its two templates and a sample file of each; returns what an operator needs. */
export async function loadDemo(ctx: AppContext): Promise<{ org: string; key: string; folder: string; templates: string[] }> {
  const org = 'demo';
  await loadReferenceData(generateOrg(org, 1000), ctx.store);
  const trackers = await saveTemplate(generatedTrackersTemplate(org), ctx.store);
  const promotion = await saveTemplate(generatedPromotionTemplate(org), ctx.store);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-demo-'));
  await writeTrackersFile(path.join(folder, 'spend-tracker.csv'), 200, 1000, 20);
  await writePromotionFile(path.join(folder, 'bonus-points.csv'), 100, 1000, 20);
  const { key } = await createOrgKey(ctx, org, 'demo');
  return { org, key, folder, templates: [trackers.name, promotion.name] };
}

interface ServeOptions {
  port: string;
  host: string;
  concurrency?: string;
  demo?: boolean;
  workers?: boolean;
}

/** Registers `serve` on the command line. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the HTTP API, its OpenAPI reference (/docs) and the web app')
    .option('--port <n>', 'port to listen on', '8080')
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option('--concurrency <n>', 'jobs run at once in this process (default: 1 on SQLite, 2 on PostgreSQL when no worker is connected)')
    .option('--workers', 'hand every job to the worker processes (`loyalty-import worker`) and run none here, even while no worker is connected (PostgreSQL)')
    .option('--demo', 'load a demo org, make a key for it, and print it (and an admin key if none is set)')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const { db } = cmd.optsWithGlobals() as { db?: string };
      const port = wholeNumber(opts.port, '--port', 0, 65_535);
      const concurrency = opts.concurrency === undefined ? undefined : wholeNumber(opts.concurrency, '--concurrency', 1);
      if (opts.workers && !isPostgresLocation(storeLocation(db))) throw new AppError('INVALID_REQUEST', workersNeedPostgres('serve --workers'));
      if (opts.workers && concurrency !== undefined) {
        throw new AppError('INVALID_REQUEST', 'with --workers the server runs no job: set --concurrency on each `loyalty-import worker`');
      }
      let adminKey = process.env.LOYALTY_ADMIN_KEY ?? '';
      let madeAdminKey = false;
      if (!adminKey) {
        if (!opts.demo) {
          throw new AppError('UNAUTHORIZED', 'set LOYALTY_ADMIN_KEY to the admin key (a long random string) before starting the server, or pass --demo to try it with a key made for this run');
        }
        adminKey = `lia_${randomBytes(32).toString('base64url')}`;
        madeAdminKey = true;
      }
      const api = await startApi({
        location: storeLocation(db),
        adminKey,
        port,
        host: opts.host,
        concurrency,
        workers: opts.workers,
        // JSON request logs are for a log collector; a person at a terminal sees warnings only.
        logger: { level: process.env.LOYALTY_LOG_LEVEL ?? (process.stdout.isTTY ? 'warn' : 'info'), redact: LOG_REDACTION },
        // The web app's built files: web/dist of this checkout unless $LOYALTY_WEB_DIST names another folder.
        webRoot: process.env.LOYALTY_WEB_DIST || undefined,
      });
      const say = (line: string) => process.stderr.write(`${line}\n`);
      if (opts.demo) {
        const demo = await loadDemo(api.ctx);
        say(`Demo org "${demo.org}" loaded, with the templates ${demo.templates.map((t) => `"${t}"`).join(' and ')}`);
        say(`Sample files to upload: ${demo.folder}`);
        say(`Org key of "${demo.org}" (shown once): ${demo.key}`);
        if (madeAdminKey) say(`Admin key of this run (shown once): ${adminKey}`);
      }
      say(`Listening on ${api.url} (the web app at /, the API reference at ${api.url}/docs)`);
      const onPostgres = api.ctx.store.kind === 'postgres';
      if (opts.workers) say('Jobs are handed to the worker processes: start at least one with `loyalty-import worker` on this database');
      else if (onPostgres) say('Jobs are handed to the worker processes (`loyalty-import worker`) connected to this database; while none is, this server runs them');
      const interrupted = 'running jobs commit their current chunk and become INTERRUPTED (resume them with POST …/resume)';
      const stop = (signal: string) => {
        say(
          opts.workers
            ? `${signal}: stopping; the workers go on running their jobs`
            : onPostgres
              ? `${signal}: stopping; the workers go on running theirs, and this server's ${interrupted}`
              : `${signal}: stopping; ${interrupted}`,
        );
        api.close().then(
          () => process.exit(0),
          (error: unknown) => {
            say(`loyalty-import: could not stop cleanly: ${(error as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}

/** A flag's whole number, or a wrong command line (exit code 2, a JSON error document with --json). */
function wholeNumber(value: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new AppError('INVALID_REQUEST', `${flag} takes a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, not "${value}"`);
  }
  return Number(value);
}
