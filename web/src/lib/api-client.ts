// The console's side of the one API client (client/index.ts): the browser keeps the session cookie,
// every failure becomes an ApiError whose message a person can read (the server's problem `detail`,
// its field errors, or a translated sentence for network and non-JSON failures), and state-changing
// requests carry the CSRF token, `X-Source: console` and an Idempotency-Key (the action's own, from
// useActionKey, or a fresh one).
import { ApiError, apiErrorFrom as apiErrorFromText, createApiClient, newIdempotencyKey, type ClientMessages } from '../../../client';
import { env } from '../config/env';
import { translate } from './i18n';

export { ApiError, queryString } from '../../../client';

const messages: ClientMessages = {
  network: () => translate('error.network'),
  http: (status, statusText) => translate('error.http', { status, statusText }).trim(),
  badResponse: (status) => translate('error.badResponse', { status }),
};

type UnauthenticatedListener = () => void;
let unauthenticatedListener: UnauthenticatedListener | null = null;

/** The router registers where a lost session leads (the login page). Returns the unregistration. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListener = listener;
  return () => {
    if (unauthenticatedListener === listener) unauthenticatedListener = null;
  };
}

/**
 * A 401 from any business route means the session ended (timeout, logout elsewhere, password changed)
 * or still owes its second factor: both are settled on the login page. The auth routes' own 401s are
 * answers to the person typing (wrong password, wrong current password) and stay on their form.
 */
export function noticeUnauthorized(path: string, status: number): void {
  if (status === 401 && !path.startsWith('/api/auth/')) unauthenticatedListener?.();
}

const client = createApiClient({
  baseUrl: env.API_BASE,
  cookies: 'browser',
  writeHeaders: { 'X-Source': 'console' },
  messages,
  onUnauthenticated: (path) => noticeUnauthorized(path, 401),
});

/** A failed answer's text read as the server's problem+json, else a translated sentence. */
export const apiErrorFrom = (status: number, statusText: string, text: string): ApiError => apiErrorFromText(status, statusText, text, messages);

/** Remembered from each SessionDto the console receives; null after logout. */
export function setCsrfToken(token: string | null): void {
  client.setCsrfToken(token);
}

/** Headers a state-changing request sent outside `api` (an upload by XMLHttpRequest) carries. */
export function writeHeaders(idempotencyKey: string = newIdempotencyKey()): Record<string, string> {
  return { 'X-Source': 'console', 'Idempotency-Key': idempotencyKey, ...(client.csrfToken ? { 'X-CSRF-Token': client.csrfToken } : {}) };
}

/** The action's key (useActionKey), else a fresh one: every change is safe to resend. */
const write = (idempotencyKey: string | undefined) => ({ idempotencyKey: idempotencyKey ?? newIdempotencyKey() });

export const api = {
  get: <T>(path: string, options: { signal?: AbortSignal } = {}) => client.get<T>(path, options),
  post: <T>(path: string, body: unknown = {}, idempotencyKey?: string) => client.post<T>(path, body, write(idempotencyKey)),
  put: <T>(path: string, body: unknown = {}, idempotencyKey?: string) => client.put<T>(path, body, write(idempotencyKey)),
  patch: <T>(path: string, body: unknown = {}, idempotencyKey?: string) => client.patch<T>(path, body, write(idempotencyKey)),
};

/** A readable sentence for any error a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
