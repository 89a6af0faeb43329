import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { Rejection } from '../domain/jobs.js';

/**
 * Tables declared as data: what a profile writes and reads, and what both adapters need to write
 * any such table without knowing it (SQLite binds values in column order; PostgreSQL sends one
 * typed array per column). A column type is portable: the same declaration serves both stores.
 */

export const COLUMN_TYPES = ['text', 'bigint', 'integer'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnDeclaration {
  readonly type: ColumnType;
  /** Whether the column may hold NULL; a column is NOT NULL unless it says so. */
  readonly nullable?: boolean;
}

export interface TableDeclaration<C extends Readonly<Record<string, ColumnDeclaration>> = Readonly<Record<string, ColumnDeclaration>>> {
  readonly name: string;
  /** The columns, in the order a row's values are written. */
  readonly columns: C;
  /** The columns that identify a row: a row written "unless present" is skipped when one with this key exists. */
  readonly primaryKey: readonly string[];
}

type ValueOf<D extends ColumnDeclaration> = (D['type'] extends 'text' ? string : number) | (D['nullable'] extends true ? null : never);

/** A row of a declared table, as written and as read back (integers come back as numbers). */
export type RowOf<T extends TableDeclaration> = { -readonly [K in keyof T['columns']]: ValueOf<T['columns'][K]> };

/** A column name of a declared table. */
export type ColumnOf<T extends TableDeclaration> = keyof T['columns'] & string;

/** Declares a table; its column names and types become the type of its rows (`RowOf`). */
export function defineTable<const C extends Readonly<Record<string, ColumnDeclaration>>>(table: {
  name: string;
  columns: C;
  primaryKey: readonly (keyof C & string)[];
}): TableDeclaration<C> {
  return table;
}

/** The column names of a table, in order. */
export function columnsOf(table: TableDeclaration): string[] {
  return Object.keys(table.columns);
}

/** Rows a chunk writes into one declared table. */
export interface TableWrite {
  readonly table: TableDeclaration;
  readonly rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>;
  /** Insert each row unless one with its primary key exists (a promotion the first chunk creates), instead of inserting all. */
  readonly unlessPresent: boolean;
}

/** Rows to insert into `table`. */
export function insertRows<T extends TableDeclaration>(table: T, rows: RowOf<T>[]): TableWrite {
  return { table, rows: rows as TableWrite['rows'], unlessPresent: false };
}

/** Rows to insert into `table` unless a row with the same primary key is there. */
export function insertRowsUnlessPresent<T extends TableDeclaration>(table: T, rows: RowOf<T>[]): TableWrite {
  return { table, rows: rows as TableWrite['rows'], unlessPresent: true };
}

/**
 * The migration that creates a declared table with its primary key: what a profile's first
 * migration usually is. Indexes beyond the key are the profile's to add, in the same migration
 * or a later one.
 */
export function createTableMigration(table: TableDeclaration): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped database, as Kysely advises
    async up(db: Kysely<any>) {
      let create: CreateTableBuilder<string, string> = db.schema.createTable(table.name);
      for (const [name, column] of Object.entries(table.columns)) {
        create = create.addColumn(name, column.type, (c) => (column.nullable ? c : c.notNull()));
      }
      await create.addPrimaryKeyConstraint(`${table.name}_pk`, [...table.primaryKey]).execute();
    },
  };
}

// The tables of the store itself that a chunk writes, declared so that the adapters write them as
// they write a profile's.

/** A job's rejected rows (migration 0001_initial). */
export const JOB_REJECTIONS = defineTable({
  name: 'job_rejections',
  columns: {
    job_id: { type: 'text' },
    row_number: { type: 'bigint' },
    code: { type: 'text' },
    field: { type: 'text', nullable: true },
    value: { type: 'text', nullable: true },
    message: { type: 'text' },
    cells: { type: 'text' },
  },
  primaryKey: ['job_id', 'row_number'],
});

/** A chunk's rejections as rows of `JOB_REJECTIONS`. */
export function rejectionRows(jobId: string, rejections: readonly Rejection[]): TableWrite {
  return insertRows(
    JOB_REJECTIONS,
    rejections.map((r) => ({ job_id: jobId, row_number: r.rowNumber, code: r.code, field: r.field, value: r.value, message: r.message, cells: JSON.stringify(r.cells) })),
  );
}

/** An org's promotions (migration 0001_initial): loaded with its reference data, or created by an import. */
export const PROMOTIONS = defineTable({
  name: 'promotions',
  columns: {
    org_id: { type: 'text' },
    identifier: { type: 'text' },
    name: { type: 'text' },
    program_id: { type: 'bigint' },
    created_at: { type: 'text' },
  },
  primaryKey: ['org_id', 'identifier'],
});
