/** The store disappeared under a running job (its SQLite file removed or replaced). */
export class StoreLostError extends Error {
  constructor(readonly location: string) {
    super(
      `The store "${location}" was removed or replaced while the job ran: the rows written since are not kept. Restore the file from a backup, or load the org again and run the import again`,
    );
    this.name = 'StoreLostError';
  }
}

/** A command other than one that starts a store named a SQLite file that is not there. */
export class StoreMissingError extends Error {
  constructor(readonly location: string) {
    super(
      `There is no store at "${location}": load an org into it first with \`loyalty-import org load FILE.json\`, or name the store with --db or $LOYALTY_DB`,
    );
    this.name = 'StoreMissingError';
  }
}

/** The PostgreSQL server named by the store's URL cannot be reached, or refuses the connection. */
export class StoreUnreachableError extends Error {
  constructor(
    readonly location: string,
    cause: Error,
  ) {
    super(`The PostgreSQL store at "${redactPassword(location)}" cannot be reached: ${cause.message}. Check that the server runs, that the database exists and that the URL (--db or $LOYALTY_DB) is right`, { cause });
    this.name = 'StoreUnreachableError';
  }
}

/** A connection URL as it may be shown: without its password. */
export function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
