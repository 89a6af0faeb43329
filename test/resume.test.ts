import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTrackersTemplate, generateOrg, writeTrackersFile } from '../src/demo/generate.js';
import { loadReferenceData } from '../src/org/reference-data.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { saveTemplate } from '../src/templates/service.js';
import { ensureBuilt, killImportMidFile, runCli, tempDir, withDb } from './helpers.js';

/**
 * An import killed mid-file and resumed imports every row exactly once (spec: jobs.md, "Job":
 * "a job that is interrupted (the process killed, the machine restarted) and then resumed
 * imports every row exactly once"). The built CLI runs the import in a child process, which is
 * killed with SIGKILL once it has committed a chunk.
 */

const CUSTOMERS = 300_000;
const ROWS = 300_000;
/** Rows cycle over fewer customers than the org has, so the file's tail repeats its head. */
const FILE_CUSTOMERS = 280_000;

interface Summary {
  jobId: string;
  status: string;
  rows: { total: number; valid: number; rejected: number; imported: number };
  errorCounts: Record<string, number>;
  fileError: { code: string; message: string } | null;
}

interface JobRow {
  id: string;
  status: string;
  checkpoint_row: number;
  rows_total: number;
  rows_valid: number;
  finished_at: string | null;
}

let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('loyalty-resume-');
}, 180_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function summaryOf(run: { code: number | null; stdout: string; stderr: string }): Summary {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Summary;
}

/** What a job wrote, in row order: its tracker values and its rejections. */
function written(file: string, jobId: string): { values: string[]; rejections: string[]; distinctValueRows: number; distinctRows: number } {
  return withDb(file, (db) => ({
    values: (db.prepare('SELECT row_number, loyalty_log_id, value, user_id FROM tracker_values WHERE job_id = ? ORDER BY row_number').raw().all(jobId) as unknown[][]).map((r) =>
      r.join(':'),
    ),
    rejections: (db.prepare('SELECT row_number, code, field FROM job_rejections WHERE job_id = ? ORDER BY row_number').raw().all(jobId) as unknown[][]).map((r) => r.join(':')),
    distinctValueRows: (db.prepare('SELECT count(DISTINCT row_number) AS n FROM tracker_values WHERE job_id = ?').get(jobId) as { n: number }).n,
    distinctRows: (
      db
        .prepare('SELECT count(*) AS n FROM (SELECT row_number FROM tracker_values WHERE job_id = ? UNION SELECT row_number FROM job_rejections WHERE job_id = ?)')
        .get(jobId, jobId) as { n: number }
    ).n,
  }));
}

describe('resuming a killed import', () => {
  it('imports every row of a 300,000-row file exactly once after the import process is killed', async () => {
    const interrupted = path.join(dir, 'interrupted.db');
    const clean = path.join(dir, 'clean.db');
    const file = path.join(dir, 'spend.csv');

    const store = await SqliteStore.open(interrupted);
    await loadReferenceData(generateOrg('big', CUSTOMERS), store);
    const template = await saveTemplate(generatedTrackersTemplate('big'), store);
    await store.close();
    // The second database starts from the very same org and template.
    fs.copyFileSync(interrupted, clean);
    const expected = await writeTrackersFile(file, ROWS, FILE_CUSTOMERS, 33);
    expect(expected.DUPLICATE_IN_FILE).toBeGreaterThan(0);

    const importArgs = ['import', file, '--org', 'big', '--template', template.id, '--json'];

    // Wait until the child has committed at least one chunk of the import, then kill it.
    const { seen, exited, end } = await killImportMidFile(interrupted, importArgs, dir);
    expect(exited, 'the import finished before it could be killed').toBe(false);
    expect(seen?.status).toBe('IMPORTING');
    expect(end.signal).toBe('SIGKILL');
    expect(end.stdout).toBe('');

    // It did not finish: the job is mid-file, with what it committed and nothing more.
    const jobId = seen!.id;
    const atKill = withDb(interrupted, (db) => db.prepare('SELECT id, status, checkpoint_row, rows_total, rows_valid, finished_at FROM jobs WHERE id = ?').get(jobId) as JobRow);
    expect(atKill.status).toBe('IMPORTING');
    expect(atKill.finished_at).toBeNull();
    expect(atKill.checkpoint_row).toBeGreaterThan(0);
    expect(atKill.checkpoint_row).toBeLessThan(ROWS + 1);
    expect(atKill.rows_total).toBeLessThan(ROWS);
    const partial = written(interrupted, jobId);
    expect(partial.values.length).toBe(atKill.rows_valid);
    expect(partial.values.length + partial.rejections.length).toBe(atKill.rows_total);

    // The same file imported without interruption into the second database.
    const reference = summaryOf(await runCli(importArgs, { cwd: dir, db: clean }));
    expect(reference.status).toBe('COMPLETED_WITH_ERRORS');
    expect(reference.errorCounts).toEqual(expected);

    const resumed = summaryOf(await runCli(['job', 'resume', jobId, '--json'], { cwd: dir, db: interrupted }));
    expect(resumed.jobId).toBe(jobId);
    expect(resumed.status).toBe('COMPLETED_WITH_ERRORS');
    expect(resumed.fileError).toBeNull();
    expect(resumed.rows).toEqual(reference.rows);
    expect(resumed.rows.total).toBe(ROWS);
    expect(resumed.rows.imported).toBe(resumed.rows.valid);
    expect(resumed.errorCounts).toEqual(expected);

    // Every valid row written exactly once, every row accounted for once, as in the clean run.
    const after = written(interrupted, jobId);
    expect(after.values.length).toBe(resumed.rows.valid);
    expect(after.distinctValueRows).toBe(resumed.rows.valid);
    expect(after.rejections.length).toBe(resumed.rows.rejected);
    expect(after.distinctRows).toBe(ROWS);
    const referenceWritten = written(clean, reference.jobId);
    expect(after.values).toEqual(referenceWritten.values);
    expect(after.rejections).toEqual(referenceWritten.rejections);
    const checkpoint = withDb(interrupted, (db) => (db.prepare('SELECT checkpoint_row AS n FROM jobs WHERE id = ?').get(jobId) as { n: number }).n);
    expect(checkpoint).toBe(ROWS + 1);
  }, 180_000);
});
