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
