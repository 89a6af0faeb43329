import { isMainThread } from 'node:worker_threads';

/**
 * A number the environment sets (`LOYALTY_CHUNK_ROWS`, `LOYALTY_MAX_FILE_MB`, …): the default
 * when the variable is unset or empty. A value that is not an accepted number is not ignored in
 * silence: the process says so once on standard error, naming the variable and the default it
 * uses instead. Its threads read the same environment and say nothing: the main thread has.
 */
export function envNumber(name: string, fallback: number, accept: (n: number) => boolean = (n) => n > 0, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (Number.isFinite(n) && accept(n)) return n;
  if (isMainThread && !warned.has(name)) {
    warned.add(name);
    process.stderr.write(`loyalty-import: ${name}=${JSON.stringify(raw)} is not a value it accepts; ignored, the default ${fallback} is used\n`);
  }
  return fallback;
}

const warned = new Set<string>();
