import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeWithKey, STORE_KINDS, startTestApi, storedFileSizes, type TestApi } from './api-helpers.js';

/**
 * Uploads are streamed: a 200 MB file, made on the fly, goes to storage while the server's
 * memory stays flat; a file over the limit is refused with 413 as soon as the limit is passed,
 * and nothing of it is kept.
 */

const MB = 1024 * 1024;
const LINE = '919876543210,B-1,01/03/2025 10:15,S001,100.50\n';
const CHUNK = Buffer.from(LINE.repeat(Math.ceil((64 * 1024) / LINE.length)));

/** The resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

/**
 * Sends `bytes` bytes as a chunked request body (no length declared), as fast as the server reads
 * them, stopping as soon as it answers. Resolves with the answer and the SHA-256 of what was sent.
 */
function streamUpload(url: string, key: string, bytes: number): Promise<{ status: number; body: Record<string, unknown>; sent: number; sha256: string }> {
  const request = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' } });
  const hash = createHash('sha256');
  let sent = 0;
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (s: string) => {
        text += s;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
  });
  let done = false;
  answered.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  const send = async () => {
    while (sent < bytes && !done) {
      const piece = bytes - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, bytes - sent);
      hash.update(piece);
      sent += piece.length;
      if (!request.write(piece)) await Promise.race([once(request, 'drain'), answered.catch(() => undefined)]);
    }
    if (!done) request.end();
  };
  return send().then(async () => {
    const { status, text } = await answered;
    return { status, body: JSON.parse(text) as Record<string, unknown>, sent, sha256: hash.digest('hex') };
  });
}

describe.each(STORE_KINDS)('uploads on %s', { timeout: 240_000 }, (kind) => {
  let t: TestApi;
  let small: TestApi;
  let key: string;
  let smallKey: string;

  beforeAll(async () => {
    t = await startTestApi(kind);
    key = await acmeWithKey(t);
    small = await startTestApi(kind, { env: { LOYALTY_MAX_FILE_MB: '1' } });
    smallKey = await acmeWithKey(small);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await small?.close();
  });

  it('streams a 200 MB upload to storage while the server memory stays flat', async () => {
    const pid = t.child.pid!;
    const before = rss(pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss(pid));
    }, 50);
    try {
      const up = await streamUpload(`${t.url}/api/orgs/acme/files?name=big.csv`, key, 200 * MB);
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ name: 'big.csv', bytes: 200 * MB, sha256: up.sha256 });
      expect(await storedFileSizes(kind, t)).toContain(200 * MB);
    } finally {
      clearInterval(sampler);
    }
    // A file held whole would add 200 MB; a stream adds its buffers.
    expect(peak - before).toBeLessThan(150 * MB);
  });

  it('refuses a file over the limit with 413 as soon as the limit is passed, keeping nothing of it', async () => {
    const up = await streamUpload(`${small.url}/api/orgs/acme/files?name=big.csv`, smallKey, 50 * MB);
    expect(up.status).toBe(413);
    expect(up.body.error).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(String((up.body.error as Record<string, unknown>).message)).toContain('1.0 MB');
    // The answer came long before the 50 MB were sent.
    expect(up.sent).toBeLessThan(40 * MB);
    expect(await storedFileSizes(kind, small)).toEqual([]);
    const fits = await streamUpload(`${small.url}/api/orgs/acme/files?name=fits.csv`, smallKey, MB - 10);
    expect(fits.status).toBe(201);
  });

  it('refuses a declared length over the limit before reading the body', async () => {
    // The request declares 3 MB and sends a few bytes of it: the answer comes from the headers
    // alone, before the rest of the body is sent (it never is).
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${small.url}/api/orgs/acme/files?name=big.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${smallKey}`, 'content-type': 'text/csv', 'content-length': String(3 * MB) },
      });
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: text });
          request.destroy();
        });
      });
      request.on('error', reject);
      request.write(Buffer.alloc(1024, 65));
    });
    expect(status).toBe(413);
    expect((JSON.parse(body) as { error: { code: string } }).error.code).toBe('FILE_TOO_LARGE');
  });

});
