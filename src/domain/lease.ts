import { envNumber } from '../core/env-number.js';

/**
 * The lease a runner holds on a job: it writes a heartbeat every `heartbeatMs`; a running job
 * whose heartbeat is older than `staleMs` has lost its runner (killed, or its machine gone) and is
 * shown, and may be resumed, as INTERRUPTED. The environment may shorten both (for tests).
 */
export const LEASE = {
  heartbeatMs: envNumber('LOYALTY_HEARTBEAT_MS', 5_000),
  staleMs: envNumber('LOYALTY_LEASE_STALE_MS', 20_000),
};

/**
 * Whether a runner (`host:pid:thread`) is known to be gone: a process of this machine that no
 * longer exists. A runner of another machine is judged by its heartbeat alone.
 */
export function runnerIsGone(runner: string | null, hostname: string): boolean {
  if (runner === null) return true;
  const [host, pid] = runner.split(':');
  if (host !== hostname || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    // EPERM: it exists, and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

