import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { queueUtils } from '../src/jobs/queue.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';

/**
 * Global setup of a run on PostgreSQL (`TEST_STORE=postgres`): one empty database with every
 * migration applied and the workers' queue made (a server on PostgreSQL opens it), which each
 * test's database is made from (`create database … template`), so that no test waits for the
 * migrations; dropped when the run ends. Nothing on SQLite.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated empty database of the run, '' when there is none. */
    postgresTemplate: string;
  }
}

const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function admin(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TEST_STORE !== 'postgres') {
    project.provide('postgresTemplate', '');
    return undefined;
  }
  const name = `loyalty_template_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const store = await PostgresStore.open(`${SERVER}/${name}`);
  await store.close();
  await (await queueUtils({ connectionString: `${SERVER}/${name}` })).release();
  project.provide('postgresTemplate', name);
  return () => admin(`drop database if exists ${name} with (force)`);
}
