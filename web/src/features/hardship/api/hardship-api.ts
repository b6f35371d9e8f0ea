// Where the hardship routes live, their query keys, and the one call the shared api-client cannot
// make: a raw file body (a roster can be hundreds of megabytes, so it is streamed as is, never read
// into a string or wrapped in JSON), with upload progress and the same readable errors.
import { env } from '../../../config/env';
import { ApiError, apiErrorFrom, noticeUnauthorized, writeHeaders } from '../../../lib/api-client';
import { translate } from '../../../lib/i18n';

/** `/api/campaigns/:id/hardship` + rest. IDs of imports and runs are opaque; nothing personal goes here. */
export const hardshipPath = (campaignId: string, rest = '') => `/api/campaigns/${encodeURIComponent(campaignId)}/hardship${rest}`;

/** An address the browser opens by itself (downloads): the API base in front. */
export const hardshipHref = (campaignId: string, rest: string) => `${env.API_BASE}${hardshipPath(campaignId, rest)}`;

/** Everything of one campaign's hardship screening starts with `['hardship', campaignId]`. */
export const hardshipKeys = {
  all: (campaignId: string) => ['hardship', campaignId] as const,
  overview: (campaignId: string) => ['hardship', campaignId, 'overview'] as const,
  imports: (campaignId: string) => ['hardship', campaignId, 'imports'] as const,
  import: (campaignId: string, importId: string) => ['hardship', campaignId, 'imports', importId] as const,
  run: (campaignId: string, runId: string) => ['hardship', campaignId, 'runs', runId] as const,
  summary: (campaignId: string, runId: string, unit: string | undefined) => ['hardship', campaignId, 'runs', runId, 'summary', unit ?? ''] as const,
  results: (campaignId: string, runId: string, request: unknown) => ['hardship', campaignId, 'runs', runId, 'results', request] as const,
};

/** Polling while an import or a run moves: often enough for a progress bar to move smoothly. */
export const PROGRESS_REFETCH_MS = 1000;

/**
 * POSTs a file's bytes as the body. XMLHttpRequest rather than fetch: fetch cannot report how much
 * of the body has gone, and an official uploading a city's roster needs to see that it moves.
 */
export function postFile<T>(path: string, file: Blob, headers: Record<string, string>, onProgress?: (fraction: number) => void, idempotencyKey?: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${env.API_BASE}${path}`);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    for (const [name, value] of Object.entries(writeHeaders(idempotencyKey))) xhr.setRequestHeader(name, value);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
    }
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        noticeUnauthorized(path, xhr.status);
        reject(apiErrorFrom(xhr.status, xhr.statusText, xhr.responseText));
        return;
      }
      try {
        resolve(JSON.parse(xhr.responseText) as T);
      } catch {
        reject(new ApiError(translate('error.badResponse', { status: xhr.status }), xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError(translate('error.network'), 0));
    xhr.onabort = () => reject(new DOMException('上传已取消', 'AbortError'));
    xhr.send(file);
  });
}

/** A file's bytes as base64 (no `data:` prefix), for the refusal's evidence. */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}
