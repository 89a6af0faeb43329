import { storeFile } from '../jobs/files.js';
import { type AppContext, requireOrg } from './context.js';
import { AppError } from './errors.js';

/** What an upload answers. */
export interface UploadedFile {
  fileId: string;
  name: string;
  bytes: number;
  sha256: string;
}

/** Checks an uploaded file's name: a plain file name, which reports and job lists show. */
export function checkFileName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!trimmed || trimmed.length > 255 || /[/\\]/.test(trimmed) || [...trimmed].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new AppError('INVALID_REQUEST', 'Name the file with ?name=FILE.csv: a file name of at most 255 characters, without a folder or a control character', [
      { field: 'name', message: 'a plain file name is required' },
    ]);
  }
  return trimmed;
}

/** Streams an upload into the file store, hashing it; over `maxFileBytes` it is refused (FILE_TOO_LARGE) and nothing is kept. */
export async function uploadFile(ctx: AppContext, orgId: string, name: string, source: AsyncIterable<Uint8Array>): Promise<UploadedFile> {
  await requireOrg(ctx, orgId);
  const stored = await storeFile(ctx.store, orgId, checkFileName(name), source, { maxBytes: ctx.maxFileBytes, origin: 'upload' });
  return { fileId: stored.id, name: stored.name, bytes: stored.bytes, sha256: stored.sha256 };
}
