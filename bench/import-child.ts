import { noPhaseTimes } from '../src/jobs/phases.js';
import { runJobInThread } from '../src/jobs/run-in-thread.js';
import { createJob } from '../src/jobs/runner.js';
import { summarise } from '../src/jobs/summary.js';
import { openStore } from '../src/store/open.js';

/**
 * The measured part of the benchmark, in a process of its own so that its peak memory is the
 * import's alone: one job, from QUEUED to its end, run as `loyalty-import import` runs it.
 * Prints one JSON line.
 */
const [dbFile, csvFile, orgId, template, mode] = process.argv.slice(2);
if (!dbFile || !csvFile || !orgId || !template) {
  process.stderr.write('usage: import-child DB_FILE_OR_URL CSV ORG TEMPLATE [dry-run]\n');
  process.exit(2);
}
const store = await openStore(dbFile);
const started = process.hrtime.bigint();
const job = await createJob(store, { orgId, template, filePath: csvFile, allowDuplicate: true, dryRun: mode === 'dry-run' });
// As the command line runs it: in a job thread (on SQLite, lookups on a reader thread).
const phases = noPhaseTimes();
const done = await runJobInThread(dbFile, job.id, { chunkRows: Number(process.env.BENCH_CHUNK_ROWS) || undefined, phases });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await store.close();
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ seconds, peakRssMb: usage.maxRSS / 1024, userSeconds: usage.userCPUTime / 1e6, systemSeconds: usage.systemCPUTime / 1e6, phases, summary: summarise(done) })}\n`,
);
