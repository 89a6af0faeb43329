/** Another process is running the same job: its chunk was committed already. Nothing was written. */
export class JobConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobConflictError';
  }
}
