import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open.js';
import { noPhaseTimes } from './phases.js';
import { runJob } from './runner.js';
import { helpJob } from './shared-run.js';

/**
 * The worker side of `runJobInThread` and `helpJobInThread`: opens the store, runs the job (or
 * takes part in it), reports progress and the end.
 */
const { location, jobId, chunkRows, maxFileBytes, measure, share, help } = workerData as {
  location: string;
  jobId: string;
  chunkRows?: number;
  maxFileBytes?: number;
  measure?: boolean;
  share?: boolean;
  help?: boolean;
};
const port = parentPort!;
const stop = new AbortController();
port.on('message', (m: { stop?: boolean }) => {
  if (m.stop) stop.abort();
});
try {
  const store = await openStore(location, { readerThread: true });
  try {
    if (help) {
      port.postMessage({ helped: await helpJob(store, jobId, { signal: stop.signal }) });
    } else {
      const phases = measure ? noPhaseTimes() : undefined;
      const job = await runJob(store, jobId, {
        chunkRows,
        maxFileBytes,
        phases,
        signal: stop.signal,
        onProgress: (progress) => port.postMessage({ progress }),
        share: share ? (ranges) => port.postMessage({ share: ranges }) : undefined,
      });
      port.postMessage({ job, phases });
    }
  } finally {
    await store.close();
  }
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  port.postMessage({ error: { name: e.name, message: e.message, stack: e.stack } });
}
// The parent's messages would keep the thread alive.
port.close();
