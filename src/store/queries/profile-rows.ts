import { type Kysely, sql } from 'kysely';
import type { RowStore } from '../port.js';
import type { ColumnOf, RowOf, TableDeclaration } from '../tables.js';
import { PAGE, pagesBy, type Queries, slices } from './queries.js';

/** Any declared table, as Kysely sees it: its name and columns are known only at run time. */
type Declared = Record<string, Record<string, string | number | null>>;

/**
 * Reads of the tables a profile declared: the generic queries its lookups, success report and
 * queries are built on. A lookup goes through the store's `lookup` and `inList` hooks, as the
 * store's own lookups of reference data do.
 */
export class ProfileRows implements RowStore {
  private readonly db: Kysely<Declared>;

  constructor(private readonly q: Queries) {
    this.db = q.db as unknown as Kysely<Declared>;
  }

  async findRows<T extends TableDeclaration, S extends ColumnOf<T>>(
    table: T,
    query: { where: Partial<RowOf<T>>; column: ColumnOf<T>; keys: ReadonlyArray<string | number>; select: readonly S[] },
  ): Promise<Array<Pick<RowOf<T>, S>>> {
    const out: Array<Pick<RowOf<T>, S>> = [];
    for (const slice of slices(query.keys)) {
      const rows = await this.q.lookup(this.where(table, query.where).select([...query.select]).where(query.column as string, 'in', this.q.inList([...slice])));
      // Rows come back in the declared shape (drivers return integers as numbers), with no copy.
      for (const r of rows) out.push(r as Pick<RowOf<T>, S>);
    }
    return out;
  }

  async selectRows<T extends TableDeclaration>(table: T, query: { where: Partial<RowOf<T>>; orderBy: ReadonlyArray<ColumnOf<T>> }): Promise<Array<RowOf<T>>> {
    let select = this.where(table, query.where).selectAll();
    for (const column of query.orderBy) select = select.orderBy(column as string);
    return (await select.execute()) as Array<RowOf<T>>;
  }

  async selectPage<T extends TableDeclaration>(
    table: T,
    query: { where: Partial<RowOf<T>>; orderBy: ReadonlyArray<ColumnOf<T>>; after: ReadonlyArray<string | number> | null; limit: number },
  ): Promise<Array<RowOf<T>>> {
    // Nulls ordered as 0 or '': both stores then order alike, and the row values compare.
    const keys = query.orderBy.map((c) => {
      const column = table.columns[c as string]!;
      return column.nullable ? sql`coalesce(${sql.ref(c as string)}, ${column.type === 'text' ? '' : 0})` : sql.ref(c as string);
    });
    let select = this.where(table, query.where).selectAll();
    if (query.after) select = select.where(sql<boolean>`(${sql.join(keys)}) > (${sql.join([...query.after])})`);
    for (const key of keys) select = select.orderBy(key);
    return (await select.limit(query.limit).execute()) as Array<RowOf<T>>;
  }

  rowPages<T extends TableDeclaration>(table: T, query: { where: Partial<RowOf<T>>; by: ColumnOf<T> }): AsyncIterable<Array<RowOf<T>>> {
    const by: string = query.by;
    return pagesBy(
      query.by,
      (after) => this.where(table, query.where).selectAll().where(by, '>', after).orderBy(by).limit(PAGE).execute() as Promise<Array<RowOf<T>>>,
      (row) => row,
    );
  }

  /** `FROM table WHERE` each column given equals its value. */
  private where(table: TableDeclaration, where: Readonly<Record<string, string | number | null | undefined>>) {
    let select = this.db.selectFrom(table.name);
    for (const [column, value] of Object.entries(where)) {
      if (value === undefined) continue;
      select = value === null ? select.where(column, 'is', null) : select.where(column, '=', value);
    }
    return select;
  }
}
