import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issue, type RowIssue } from '../src/core/error-codes.js';
import type { ChunkCommit, Store } from '../src/store/port.js';
import { createTableMigration, defineTable, insertRows, type RowOf } from '../src/store/tables.js';
import { successReportCsv } from '../src/jobs/reports.js';
import { profileOf, registerProfile } from '../src/profiles/registry.js';
import type { ChunkResult, ParsedRow, PreparedProfile, ProfileDefinition } from '../src/profiles/types.js';
import { codes, lines, loadOrg, runImport, tempStoreForEachTest } from './helpers.js';

/**
 * A profile defined here and nowhere else: notes on customers, kept in a table of its own. It
 * registers as the shipped profiles do, and imports through the same engine, on either store,
 * without a line of the engine or the store knowing it.
 */

const CUSTOMER_NOTES = defineTable({
  name: 'test_customer_notes',
  columns: {
    org_id: { type: 'text' },
    user_id: { type: 'bigint' },
    note: { type: 'text' },
    job_id: { type: 'text' },
    row_number: { type: 'bigint' },
  },
  primaryKey: ['job_id', 'row_number'],
});

const notesConfigSchema = z
  .object({
    /** Whether the engine may look up a chunk ahead (see `prefetchAhead`). */
    lookAhead: z.boolean().default(true),
  })
  .strict();
type NotesConfig = z.output<typeof notesConfigSchema>;

/** What a chunk's lookups found: the customers named, and those who have a note already. */
interface NotesPrefetch {
  customers: Set<number>;
  noted: Map<number, string>;
}

/** What happened, in order: each prefetch's start and each commit (by the rows they cover). */
const events: string[] = [];

const notesProfile: ProfileDefinition<NotesConfig> = {
  key: 'TEST_CUSTOMER_NOTES',
  label: 'Customer notes',
  fields: [
    { key: 'customer', label: 'User ID', type: 'integer', aliases: ['Customer'], mandatory: 'always' },
    { key: 'note', label: 'Note', type: 'string', aliases: [], mandatory: 'always' },
  ],
  configSchema: notesConfigSchema,
  extraNames: () => [],
  awardsUnderPromotion: false,
  userPromotionIdentifier: () => null,
  async prepare({ org, config, store, jobId }) {
    const prepared: PreparedProfile<NotesPrefetch> = {
      mandatoryFields: ['customer', 'note'],
      optionalFields: [],
      // One note per customer: a chunk looks up the notes earlier chunks wrote, so its lookups
      // must wait for them unless the template says otherwise (to show what ahead means).
      prefetchAhead: config.lookAhead,
      async prefetch(rows) {
        events.push(`prefetch ${rows[0]?.rowNumber}`);
        const ids = [...new Set(rows.map((r) => r.values.customer as number))];
        const [customers, noted] = await Promise.all([
          store.findCustomers(org.id, 'USER_ID', ids),
          store.findRows(CUSTOMER_NOTES, { where: { org_id: org.id }, column: 'user_id', keys: ids, select: ['user_id', 'job_id'] }),
        ]);
        return { customers: new Set(customers.map((c) => c.userId)), noted: new Map(noted.map((n) => [n.user_id, n.job_id])) };
      },
      async resolve(rows: ParsedRow[], { customers, noted }): Promise<ChunkResult> {
        const rejected: Array<{ row: ParsedRow; issue: RowIssue }> = [];
        const writes: Array<RowOf<typeof CUSTOMER_NOTES>> = [];
        for (const row of rows) {
          const userId = row.values.customer as number;
          if (!customers.has(userId)) {
            rejected.push({ row, issue: issue('CUSTOMER_NOT_FOUND', 'customer', row.raw.customer!, `Customer ${userId} does not exist`) });
          } else if (noted.has(userId)) {
            rejected.push({ row, issue: issue('ALREADY_TRACKED', 'customer', row.raw.customer!, `Customer ${userId} has a note already (job ${noted.get(userId)})`) });
          } else {
            noted.set(userId, jobId);
            writes.push({ org_id: org.id, user_id: userId, note: row.values.note as string, job_id: jobId, row_number: row.rowNumber });
          }
        }
        return { rejected, writes: [insertRows(CUSTOMER_NOTES, writes)], accepted: writes.length };
      },
    };
    return prepared;
  },
  successReport: {
    columns: ['row_number', 'user_id', 'note'],
    async *rows(store, jobId) {
      for await (const page of store.rowPages(CUSTOMER_NOTES, { where: { job_id: jobId }, by: 'row_number' })) {
        yield page.map((n) => [n.row_number, n.user_id, n.note]);
      }
    },
  },
  tables: [CUSTOMER_NOTES],
  migrations: { '0001_customer_notes': createTableMigration(CUSTOMER_NOTES) },
};

// Before any store opens: its migration makes the table when the store is opened.
registerProfile(notesProfile as ProfileDefinition<unknown>);

let store: Store;
tempStoreForEachTest(async (t) => {
  store = t.store;
  await loadOrg(store);
});

const NOTES = { profile: 'TEST_CUSTOMER_NOTES', name: 'notes' };

/** The success report of a job, as CSV text. */
async function successReport(jobId: string): Promise<string> {
  const job = (await store.getJob(jobId))!;
  let text = '';
  for await (const piece of successReportCsv(store, job)) text += piece;
  return text;
}

/** Rows of the notes table, in row order. */
async function notes(): Promise<Array<[number, number, string]>> {
  const rows = await store.selectRows(CUSTOMER_NOTES, { where: { org_id: 'acme' }, orderBy: ['row_number'] });
  return rows.map((r) => [r.row_number, r.user_id, r.note]);
}

describe('a profile defined outside the product', () => {
  it('is a profile like the others: its key reads from the registry', () => {
    expect(profileOf('TEST_CUSTOMER_NOTES').label).toBe('Customer notes');
  });

  it('imports into its own table, rejects unknown customers and reports what it wrote', async () => {
    const csv = lines('Customer,Note', '1001,likes tea', '4242,nobody', '1002,"prefers email, not calls"', '1001,a second note');
    const { job, rejections } = await runImport(store, NOTES, csv);
    expect(job.status).toBe('COMPLETED_WITH_ERRORS');
    expect(job.counts).toMatchObject({ total: 4, valid: 2, rejected: 2, imported: 2 });
    expect(codes(rejections)).toEqual([
      [3, 'CUSTOMER_NOT_FOUND', 'customer'],
      [5, 'ALREADY_TRACKED', 'customer'],
    ]);
    expect(rejections[0]!.message).toBe('Customer 4242 does not exist');
    expect(await notes()).toEqual([
      [2, 1001, 'likes tea'],
      [4, 1002, 'prefers email, not calls'],
    ]);
    expect(await successReport(job.id)).toBe('row_number,user_id,note\r\n2,1001,likes tea\r\n4,1002,"prefers email, not calls"\r\n');
  });

  it('writes nothing in a dry run, and its report has its header only', async () => {
    const { job, rejections } = await runImport(store, NOTES, lines('Customer,Note', '1001,likes tea', '9,nobody'), { dryRun: true });
    expect(job.status).toBe('VALIDATED');
    expect(codes(rejections)).toEqual([[3, 'CUSTOMER_NOT_FOUND', 'customer']]);
    expect(await notes()).toEqual([]);
    expect(await successReport(job.id)).toBe('row_number,user_id,note\r\n');
  });

  it("a later import finds the notes an earlier one wrote, through the profile's lookup", async () => {
    await runImport(store, NOTES, lines('Customer,Note', '1001,likes tea'));
    const { job, rejections } = await runImport(store, { ...NOTES, name: 'notes again' }, lines('Customer,Note', '1003,new', '1001,again'));
    expect(codes(rejections)).toEqual([[3, 'ALREADY_TRACKED', 'customer']]);
    expect(job.counts.imported).toBe(1);
    expect(await notes()).toEqual([
      [2, 1001, 'likes tea'],
      [2, 1003, 'new'],
    ]);
  });
});

describe('looking a chunk up ahead', () => {
  /** Runs the file in chunks of one row, with every commit and prefetch recorded in `events`. */
  async function runLogged(lookAhead: boolean) {
    events.length = 0;
    const logged = Object.create(store) as Store;
    logged.commitChunk = async (commit: ChunkCommit) => {
      await store.commitChunk(commit);
      events.push(`commit ${commit.checkpointRow}`);
    };
    return runImport(logged, { ...NOTES, config: { lookAhead } }, lines('Customer,Note', '1001,first', '1001,second', '1002,third'), { chunkRows: 1 });
  }

  it("runs a chunk's lookups before the two chunks before it commit, by default", async () => {
    const { job } = await runLogged(true);
    expect(events).toEqual(['prefetch 2', 'prefetch 3', 'prefetch 4', 'commit 2', 'commit 3', 'commit 4']);
    expect(job.counts.total).toBe(3);
  });

  it('runs them once the previous chunk has committed when the profile says so, and sees its writes', async () => {
    const { job, rejections } = await runLogged(false);
    expect(events).toEqual(['prefetch 2', 'commit 2', 'prefetch 3', 'commit 3', 'prefetch 4', 'commit 4']);
    expect(codes(rejections)).toEqual([[3, 'ALREADY_TRACKED', 'customer']]);
    expect(job.counts.imported).toBe(2);
  });
});
