/** Another process is running the same job: its chunk was committed already. Nothing was written. */
export class JobConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobConflictError';
  }

  /** The conflict of a chunk whose checkpoint another process has passed. */
  static chunk(jobId: string, checkpointRow: number): JobConflictError {
    return new JobConflictError(`Job ${jobId} is being run by another process (its rows up to ${checkpointRow} are committed already); let that one finish`);
  }
}
