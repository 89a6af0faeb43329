import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { acmeOrg, ensureBuilt, type StoreKind, type StorePlace, TEST_KIND, tempPlace } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/loyalty-import.js', import.meta.url));

/** The store the API suites run on: the run's (PostgreSQL with `TEST_STORE=postgres`, else SQLite). */
export const STORE_KINDS: readonly StoreKind[] = [TEST_KIND];
export type { StoreKind };

/** A server on a free port over a fresh store, with its admin key: the built CLI's `serve`, in a process of its own. */
export interface TestApi {
  child: ChildProcess;
  url: string;
  filesDir: string;
  admin: string;
  dir: string;
  location: string;
  /** The store the server runs on. */
  place: StorePlace;
  /** Everything the server wrote (its log on standard output, its messages on standard error). */
  output(): string;
  /** Stops the server with SIGTERM and waits for it to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
  /** Stops the server (if running) and removes its store. */
  close(): Promise<void>;
}

/**
 * Starts `loyalty-import serve` over a fresh store of `kind` (see `tempPlace`), or over the store
 * `place` of another server, which the first server's `close` drops.
 */
export async function startTestApi(kind: StoreKind, options: { env?: Record<string, string>; args?: string[]; place?: StorePlace } = {}): Promise<TestApi> {
  ensureBuilt();
  const place = options.place ?? (await tempPlace(kind));
  const { location, filesDir, dir } = place;
  const adminKey = `admin-${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, [BIN, '--db', location, 'serve', '--port', '0', ...(options.args ?? [])], {
    cwd: dir,
    // Small chunks: a test's job is still running, chunk after chunk, when it is cancelled or stopped.
    env: { ...process.env, LOYALTY_DB: '', LOYALTY_ADMIN_KEY: adminKey, LOYALTY_CHUNK_ROWS: '2000', ...place.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 60_000);
    const look = () => {
      const match = /Listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace(/[.,]$/, ''));
      }
    };
    child.stderr!.on('data', look);
    exited.then((code) => reject(new Error(`the server exited with code ${code}:\n${output}`)));
  });
  let stopped: Promise<number | null> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    })();
    return stopped;
  };
  return {
    child,
    url,
    filesDir,
    admin: options.env?.LOYALTY_ADMIN_KEY ?? adminKey,
    dir,
    location,
    place,
    output: () => output,
    stop,
    close: async () => {
      await stop();
      // A server started on another's store leaves it to that one.
      if (!options.place) await place.drop();
    },
  };
}

/**
 * The sizes of the files a server's store keeps: the files in the folder beside a SQLite file,
 * the files whose pieces are in a PostgreSQL database.
 */
export async function storedFileSizes(kind: StoreKind, t: TestApi): Promise<number[]> {
  if (kind === 'sqlite') return fs.existsSync(t.filesDir) ? fs.readdirSync(t.filesDir).map((f) => fs.statSync(path.join(t.filesDir, f)).size) : [];
  const client = new pg.Client({ connectionString: t.location });
  await client.connect();
  try {
    const { rows } = await client.query('select sum(octet_length(data)) as bytes from file_pieces group by file_id');
    return rows.map((r: { bytes: string }) => Number(r.bytes));
  } finally {
    await client.end();
  }
}

/** An answer, its body read as JSON when it is JSON. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the API. */
export async function call<T = Record<string, unknown>>(
  t: { url: string },
  method: string,
  route: string,
  options: { key?: string; json?: unknown; body?: RequestInit['body']; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${t.url}${route}`, { method, headers, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json');
  return { status: response.status, headers: response.headers, body: (isJson && text ? JSON.parse(text) : {}) as T, text };
}

/** Loads the acme org (admin) and makes an org key for it. */
export async function acmeWithKey(t: TestApi, org = 'acme'): Promise<string> {
  const data = acmeOrg();
  const loaded = await call(t, 'PUT', `/api/orgs/${org}/reference-data`, { key: t.admin, json: { ...data, org: { ...data.org, id: org } } });
  if (loaded.status !== 200) throw new Error(`loading ${org}: ${loaded.status} ${loaded.text}`);
  const made = await call<{ key: string }>(t, 'POST', `/api/orgs/${org}/keys`, { key: t.admin, json: {} });
  if (made.status !== 201) throw new Error(`key of ${org}: ${made.status} ${made.text}`);
  return made.body.key;
}

/** A Trackers template of the acme org (the spec's example). */
export function spendTemplate(name = 'Spend tracker') {
  return {
    name,
    profile: 'TRACKERS',
    csv: { dateFormat: 'dd/MM/yyyy HH:mm' },
    mapping: { customer: 'Mobile', billNumber: 'Bill No', transactionDate: 'Date', storeCode: 'Store', trackedValue: 'Value' },
    config: { customerIdentifier: 'MOBILE', appendCountryCode: true, billIdentification: 'STANDARD_FIELDS', tracker: 'Spend 2025' },
  };
}

/** A file for `spendTemplate`: two valid rows and two rejected ones. */
export const SPEND_CSV = [
  'Mobile,Bill No,Date,Store,Value',
  '9876543211,B-1,01/03/2025 10:15,S001,100.50',
  '9876543210,B-2,02/03/2025 11:00,S001,20',
  '9999999999,B-3,02/03/2025 12:00,S002,5',
  '9876543212,B-3,02/03/2025 12:00,S099,5',
].join('\n');

/** Polls a job until it has ended; returns its document. */
export async function waitForJob(t: TestApi, key: string, org: string, jobId: string, until: (status: string) => boolean = (s) => !['QUEUED', 'VALIDATING', 'IMPORTING'].includes(s)): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const got = await call(t, 'GET', `/api/orgs/${org}/jobs/${jobId}`, { key });
    if (got.status !== 200) throw new Error(`job ${jobId}: ${got.status} ${got.text}`);
    if (until(String(got.body.status))) return got.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${String(got.body.status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The server-sent events of a job, read as they come until the stream ends. */
export async function readEvents(t: { url: string }, key: string, org: string, jobId: string, onEvent?: (event: { event: string; data: Record<string, unknown> }) => void): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const response = await fetch(`${t.url}/api/orgs/${org}/jobs/${jobId}/events`, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200 || !response.body) throw new Error(`events of ${jobId}: ${response.status}`);
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name && data) {
        const event = { event: name, data: JSON.parse(data) as Record<string, unknown> };
        events.push(event);
        onEvent?.(event);
      }
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}
