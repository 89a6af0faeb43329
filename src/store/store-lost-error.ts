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
    super(`The PostgreSQL store at "${withoutPassword(location).shown}" cannot be reached: ${cause.message}. Check that the server runs, that the database exists and that the URL (--db or $LOYALTY_DB) is right`, { cause });
    this.name = 'StoreUnreachableError';
  }
}

/**
 * A store location as it may be shown or logged: a PostgreSQL URL without its password, wherever
 * the URL holds one (`user:password@`, or a `password` parameter); any other location as it is.
 * `hadPassword` says one was left out.
 */
export function withoutPassword(location: string): { shown: string; hadPassword: boolean } {
  if (!/^postgres(ql)?:\/\//i.test(location)) return { shown: location, hadPassword: false };
  // A URL the WHATWG parser refuses (no host: `postgres://u:pw@/db?host=…`) is still one the
  // driver reads, so the password is cut out of the text itself.
  const userPassword = /^(postgres(?:ql)?:\/\/[^:@/?#]*):[^@/?#]*@/i;
  const passwordParam = /([?&])password=[^&#]*(&?)/i;
  let shown = location;
  let hadPassword = false;
  if (userPassword.test(shown)) {
    shown = shown.replace(userPassword, '$1@');
    hadPassword = true;
  }
  while (passwordParam.test(shown)) {
    shown = shown.replace(passwordParam, (_m, lead: string, tail: string) => (tail ? lead : ''));
    hadPassword = true;
  }
  return { shown, hadPassword };
}
