/** The store disappeared under a running job (its SQLite file removed or replaced). */
export class StoreLostError extends Error {
  constructor(readonly location: string) {
    super(
      `The store "${location}" was removed or replaced while the job ran: the rows written since are not kept. Restore the file from a backup, or load the org again and run the import again`,
    );
    this.name = 'StoreLostError';
  }
}
