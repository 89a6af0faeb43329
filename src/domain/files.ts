/**
 * A file in the store's file storage: an upload, or the copy a job takes of the file it was
 * given. `origin` says which: a job's copy goes when its job ends; an upload stays for later jobs
 * (a dry run, then its import) until it expires.
 */
export interface StoredFile {
  id: string;
  orgId: string;
  name: string;
  bytes: number;
  sha256: string;
  path: string;
  origin: 'upload' | 'job';
  createdAt: string;
}
