import { Worker } from 'node:worker_threads';
import type { JobRecord } from '../store/port.js';
import { JobRequestError, type RunOptions } from './runner.js';

/**
 * Runs a job in a worker thread with its own heap limits. A streaming job needs little memory,
 * but V8 lets a busy old generation grow far past its live set before collecting: the cap keeps
 * an import's peak memory flat for any file size. A large young generation lets a chunk's
 * objects die young instead of being promoted (measured in docs/benchmarks.md).
 */
export function runJobInThread(location: string, jobId: string, options: RunOptions = {}): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./job-thread.js', import.meta.url), {
      workerData: { location, jobId, chunkRows: options.chunkRows, maxFileBytes: options.maxFileBytes },
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 96 },
    });
    let settled = false;
    worker.on('message', (m: { progress?: Parameters<NonNullable<RunOptions['onProgress']>>[0]; job?: JobRecord; error?: { name: string; message: string; request: boolean } }) => {
      if (m.progress) options.onProgress?.(m.progress);
      else if (m.job) {
        settled = true;
        resolve(m.job);
      } else if (m.error) {
        settled = true;
        const error = m.error.request ? new JobRequestError(m.error.message) : new Error(m.error.message);
        reject(error);
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the job thread stopped (exit code ${code}) before job ${jobId} finished; resume it with \`loyalty-import job resume ${jobId}\``));
    });
  });
}
