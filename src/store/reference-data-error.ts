/** A reference-data file that breaks a rule; the message names the entry. Nothing was written. */
export class ReferenceDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceDataError';
  }
}
