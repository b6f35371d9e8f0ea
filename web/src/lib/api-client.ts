// The one place that talks HTTP. Every failure becomes an ApiError whose message a person can read:
// the server's problem `detail` (e.g. why an advance was refused), its field errors, or a plain
// sentence for network and non-JSON failures.
import type { PlanIssue, Problem } from '../types/api';
import { env } from '../config/env';
import { translate } from './i18n';

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly problem: Problem | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field-level errors of a 400 (e.g. plan paths such as `phases[1].deadline`). */
  get issues(): PlanIssue[] {
    return this.problem?.errors ?? [];
  }
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { title?: unknown }).title === 'string' &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}

/** A failed answer's text read as the server's problem+json (detail, field errors), else a plain sentence. */
export function apiErrorFrom(status: number, statusText: string, text: string): ApiError {
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isProblem(body)) {
    return new ApiError(body.detail || body.title, status, body);
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return new ApiError((body as { message: string }).message, status);
  }
  return new ApiError(translate('error.http', { status, statusText }).trim(), status);
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  return apiErrorFrom(response.status, response.statusText, text);
}

// ---- the session's two loose ends: the CSRF token and what to do when the session is gone ----
// The session cookie is httpOnly and travels by itself; the CSRF token comes in the SessionDto (login,
// GET /api/auth/session) and must go back as a header on every request that changes something.

let csrfToken: string | null = null;

/** Remembered from each SessionDto the console receives; null after logout. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Headers every state-changing request carries: where it comes from, a resend key, the CSRF token. */
export function writeHeaders(): Record<string, string> {
  return {
    'X-Source': 'console',
    'Idempotency-Key': crypto.randomUUID(),
    ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
  };
}

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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${env.API_BASE}${path}`, {
      method,
      signal,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(method === 'GET' ? {} : writeHeaders()),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(translate('error.network'), 0);
  }
  if (!response.ok) {
    noticeUnauthorized(path, response.status);
    throw await toApiError(response);
  }
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(translate('error.badResponse', { status: response.status }), response.status);
  }
}

export const api = {
  get: <T>(path: string, options: { signal?: AbortSignal } = {}) => request<T>('GET', path, undefined, options.signal),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, body),
};

/** A query string from the defined, non-empty values: `?track=missed-report&limit=50`, or ''. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** A readable sentence for any error a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
