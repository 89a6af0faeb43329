import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import { AppError } from '../app/errors.js';
import { type UploadedFile, uploadFile } from '../app/uploads.js';

/**
 * An upload: the raw request body, or the `file` field of a multipart form. Either is streamed
 * into the file store as it arrives; nothing holds the whole file.
 */
export async function receiveUpload(ctx: AppContext, orgId: string, name: string, request: FastifyRequest): Promise<UploadedFile> {
  // A declared length over the limit is refused before a byte is read.
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > ctx.maxFileBytes + MULTIPART_OVERHEAD) {
    throw new AppError('FILE_TOO_LARGE', `The file is ${megabytes(declared)}; the largest file accepted is ${megabytes(ctx.maxFileBytes)} (LOYALTY_MAX_FILE_MB). Split it into smaller files`);
  }
  if (request.isMultipart()) {
    // The parser's own limit is one byte past ours, so that the file store is what refuses it.
    const part = await request.file({ limits: { fileSize: ctx.maxFileBytes + 1, files: 1 } });
    if (part?.fieldname !== 'file') {
      throw new AppError('INVALID_REQUEST', 'Send the file as the multipart field "file", or as the raw request body', [{ field: 'file', message: 'a multipart field "file" is required' }]);
    }
    return uploadFile(ctx, orgId, name, part.file);
  }
  return uploadFile(ctx, orgId, name, request.raw);
}

/** Room for a multipart envelope around a file of the largest size. */
const MULTIPART_OVERHEAD = 64 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
