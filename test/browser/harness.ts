import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * What the browser suites share: the real server (the built CLI, `serve --demo` on a free port
 * with a temporary SQLite file), Chromium from the system, screenshots, and axe-core.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface DemoServer {
  url: string;
  key: string;
  org: string;
  dir: string;
  output(): string;
  stop(): Promise<void>;
  /** Stops the server (running jobs become INTERRUPTED) and starts it again on the same store; null for a server not started here. */
  restart: (() => Promise<void>) | null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts `loyalty-import serve --demo` and reads its address, org and key from what it prints.
 * With BROWSER_TEST_SERVER=URL,KEY,ORG the suite drives that running server instead.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const given = process.env.BROWSER_TEST_SERVER;
  if (given) {
    const [url, key, org = 'demo'] = given.split(',');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-browser-'));
    return { url: url!, key: key!, org, dir, output: () => '', stop: async () => {}, restart: null };
  }
  const cli = path.join(ROOT, 'bin/loyalty-import.js');
  const web = path.join(ROOT, 'web/dist/index.html');
  for (const [file, how] of [
    [path.join(ROOT, 'dist/src/cli/main.js'), 'npm run build'],
    [web, 'npm run build:web'],
  ] as const) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`${how}\` first (\`npm run test:browser\` does both)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-browser-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, LOYALTY_DB: path.join(dir, 'loyalty.db') };
  delete env.LOYALTY_ADMIN_KEY;
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  let child: ChildProcess;
  const launch = async (): Promise<string | null> => {
    child = spawn(process.execPath, [cli, 'serve', '--demo', '--port', String(port), '--host', '127.0.0.1'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let mine = '';
    child.stdout!.on('data', (b: Buffer) => {
      mine += b.toString();
      out += b.toString();
    });
    child.stderr!.on('data', (b: Buffer) => {
      mine += b.toString();
      out += b.toString();
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`serve --demo exited (${child.exitCode}):\n${out}`);
      const found = /Org key of[^:\n]*:\s*(\S+)/i.exec(mine)?.[1] ?? null;
      if (found) {
        try {
          const res = await fetch(`${url}/api/health`);
          if (res.ok) return found;
        } catch {
          // not listening yet
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return null;
  };
  // Stops the server running now: the SIGKILL held in reserve is for this one only, never for
  // the one a restart starts next.
  const stop = () =>
    new Promise<void>((resolve) => {
      const running = child;
      if (running.exitCode !== null || running.signalCode !== null) return resolve();
      const kill = setTimeout(() => running.kill('SIGKILL'), 10_000);
      running.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      running.kill('SIGTERM');
    });
  const key = await launch();
  if (!key) throw new Error(`serve --demo printed no key within 60 s:\n${out}`);
  const org = /Org key of "([^"]+)"/i.exec(out)?.[1] ?? 'demo';
  return {
    url,
    key,
    org,
    dir,
    output: () => out,
    stop,
    restart: async () => {
      await stop();
      if (!(await launch())) throw new Error(`serve --demo did not start again:\n${out}`);
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A folder for this run's screenshots, printed so that a person can look at them. */
export function screenshotDir(suite: string): string {
  const dir = path.join(os.tmpdir(), 'loyalty-screens', `${suite}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(dir, { recursive: true });
  console.log(`screenshots of ${suite}: ${dir}`);
  return dir;
}

let shot = 0;
/** Saves a full-page screenshot, numbered in the order taken. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  const file = path.join(dir, `${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** Runs axe-core on the page; returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // evaluated in the page, as text: this file is compiled without the DOM's types
  const has = await page.evaluate<boolean>('typeof window.axe !== "undefined"');
  if (!has) await page.addScriptTag({ path: path.join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate<AxeViolation[]>(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable list of violations for an assertion message. */
export function describeViolations(where: string, violations: AxeViolation[]): string {
  return violations.map((v) => `${where}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}
