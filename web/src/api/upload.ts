import { ApiError, type Api } from './client';
import type { UploadedFile } from './types';

/**
 * Uploads a file as the raw body with XMLHttpRequest, the one browser API that reports upload
 * progress. Resolves with the stored file; rejects with an ApiError in words.
 */
export function uploadFile(api: Api, file: Blob, name: string, onProgress: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', api.orgPath(`/files?name=${encodeURIComponent(name)}`));
    xhr.setRequestHeader('authorization', `Bearer ${api.session.key}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve(body as UploadedFile);
        return;
      }
      const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      reject(new ApiError(xhr.status, err?.code ?? `HTTP_${xhr.status}`, err?.message ?? `The upload failed (${xhr.status})`, err?.details));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was cut off: the server could not be reached'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
