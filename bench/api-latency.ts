import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generatedTrackersTemplate, generateOrg, writeTrackersFile } from '../src/demo/generate.js';

/**
 * `node dist/bench/api-latency.js [--rows 1000000] [--customers 100000] [--db postgres://HOST/] [--json]`:
 * how promptly the server answers `GET /api/orgs/{org}/jobs/{id}` while it imports a large file.
 * It starts `loyalty-import serve` on a fresh store, loads an org, uploads a Trackers file of
 * `rows` rows and starts its import, then asks for the job, one request after another, until the
 * job ends: the latencies' p50, p99 and maximum are what a client polling its job would see.
 */

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '100000' },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const customers = Number(values.customers);
const say = (s: string) => {
  if (!values.json) process.stderr.write(`${s}\n`);
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-api-bench-'));
const pgServer = values.db?.replace(/\/[^/]*$/, '');
const pgName = `loyalty_api_bench_${process.pid}`;
const location = pgServer ? `${pgServer}/${pgName}` : path.join(dir, 'bench.db');
if (pgServer) await pgQuery(`${pgServer}/postgres`, `create database ${pgName}`);
const adminKey = randomBytes(32).toString('base64url');

const server = spawn(process.execPath, [path.join(root, 'bin', 'loyalty-import.js'), '--db', location, 'serve', '--port', '0'], {
  cwd: dir,
  env: { ...process.env, LOYALTY_ADMIN_KEY: adminKey, LOYALTY_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let serverOutput = '';
const base = await new Promise<string>((resolve, reject) => {
  server.stderr!.setEncoding('utf8').on('data', (s: string) => {
    serverOutput += s;
    const match = /Listening on (http:\/\/\S+)/.exec(serverOutput);
    if (match) resolve(match[1]!);
  });
  server.on('exit', (code) => reject(new Error(`the server exited with code ${code}: ${serverOutput}`)));
});

try {
  const org = 'bench';
  let t = performance.now();
  await json('PUT', `/api/orgs/${org}/reference-data`, generateOrg(org, customers));
  const { org: _org, ...template } = generatedTrackersTemplate(org);
  await json('POST', `/api/orgs/${org}/templates`, template);
  say(`org: ${customers} customers and transactions loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const csv = path.join(dir, 'trackers.csv');
  await writeTrackersFile(csv, rows, customers);
  t = performance.now();
  const file = await upload(`/api/orgs/${org}/files?name=trackers.csv`, csv);
  say(`upload: ${(Number(file.bytes) / 1024 / 1024).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const job = await json('POST', `/api/orgs/${org}/jobs`, { fileId: file.fileId, template: template.name });
  const jobPath = `/api/orgs/${org}/jobs/${String(job.jobId)}`;
  const latencies: number[] = [];
  let status = String(job.status);
  t = performance.now();
  let importing = 0;
  while (!['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELLED', 'INTERRUPTED'].includes(status)) {
    const started = performance.now();
    const got = await json('GET', jobPath);
    const took = performance.now() - started;
    status = String(got.status);
    // Only the requests made while the job reads and writes rows count.
    if (status === 'VALIDATING' || status === 'IMPORTING') {
      latencies.push(took);
      importing++;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  const result = {
    store: pgServer ? 'postgres' : 'sqlite',
    rows,
    status,
    jobSeconds: Number(seconds.toFixed(1)),
    requests: importing,
    p50Ms: Number(at(0.5).toFixed(2)),
    p99Ms: Number(at(0.99).toFixed(2)),
    maxMs: Number((latencies.at(-1) ?? Number.NaN).toFixed(2)),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else say(`GET ${jobPath.replace(String(job.jobId), '{id}')} during a ${rows}-row import (${result.store}, ${seconds.toFixed(1)} s, ${importing} requests): p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.on('exit', resolve));
  fs.rmSync(dir, { recursive: true, force: true });
  if (pgServer) await pgQuery(`${pgServer}/postgres`, `drop database if exists ${pgName} with (force)`);
}

async function json(method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Streams a file as the raw body of an upload. */
async function upload(route: string, file: string): Promise<Record<string, unknown>> {
  const request = http.request(`${base}${route}`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'text/csv' } });
  const answered = new Promise<Record<string, unknown>>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (s: string) => {
        text += s;
      });
      response.on('end', () => (response.statusCode === 201 ? resolve(JSON.parse(text)) : reject(new Error(`upload: ${response.statusCode} ${text}`))));
    });
    request.on('error', reject);
  });
  await pipeline(fs.createReadStream(file), request);
  return answered;
}

async function pgQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
