// The one HTTP client of the API, for the console, the CLI, the tests and the benchmarks.
//
// - Sign-in: the password, then the second factor from a code provider when the session owes it.
// - The session: in a browser the httpOnly cookie travels by itself (`cookies: 'browser'`); elsewhere
//   (Node: CLI, tests, benchmarks) the client keeps it (`cookies: 'own'`) and sends it back. The CSRF
//   token of each SessionDto goes back as `X-CSRF-Token` on every request that changes something.
// - Errors: any answer but 2xx becomes an ApiError carrying the problem+json's status, title, detail
//   and field `errors` (path, message); an unreachable server is status 0.
// - Bodies: JSON by default; `rawBody(…)` sends bytes, text or a stream as they are (uploads, YAML).
// - `idempotencyKey` makes a resent request safe: the server deduplicates on it.
//
// Browser-safe: fetch, Headers and Response only (no Node modules), and types only from the server.
import type { SessionView } from '../contracts/api/auth';
import type { Problem } from '../contracts/api/campaigns';

export type { SessionView };

/** One failing field: `phases[1].deadline` and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string | undefined;
  readonly errors: FieldError[];
  /** The problem+json as the server sent it, or null when the answer was not one. */
  readonly problem: Problem | null;

  constructor(message: string, status: number, problem: Problem | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.title = problem?.title ?? message;
    this.detail = problem?.detail;
    this.type = problem?.type;
    this.errors = problem?.errors ?? [];
  }

  /** The field errors (the console's name for them). */
  get issues(): FieldError[] {
    return this.errors;
  }
}

/** The sentences for failures that carry no problem from the server; the console passes translated ones. */
export interface ClientMessages {
  network(): string;
  http(status: number, statusText: string): string;
  badResponse(status: number): string;
}

const MESSAGES_ZH: ClientMessages = {
  network: () => '无法连接服务器，请检查网络或稍后重试。',
  http: (status, statusText) => `服务器返回错误 ${status} ${statusText}`.trim(),
  badResponse: (status) => `服务器返回的内容无法识别（${status}）。`,
};

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as { title?: unknown }).title === 'string' && typeof (value as { status?: unknown }).status === 'number';
}

/** A failed answer's text read as the server's problem+json (detail, field errors), else a plain sentence. */
export function apiErrorFrom(status: number, statusText: string, text: string, messages: ClientMessages = MESSAGES_ZH): ApiError {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isProblem(body)) return new ApiError(body.detail || body.title, status, body);
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') return new ApiError((body as { message: string }).message, status);
  return new ApiError(messages.http(status, statusText), status);
}

/** A body sent as it is: bytes, text, a Blob or a stream, with its content type. */
export class RawBody {
  constructor(
    readonly body: BodyInit | ReadableStream<Uint8Array>,
    readonly contentType: string | null,
  ) {}
}

/** `rawBody(stream, 'text/csv')`; a null type sends none (the runtime's default for the body, if any). */
export const rawBody = (body: BodyInit | ReadableStream<Uint8Array>, contentType: string | null = 'application/octet-stream') => new RawBody(body, contentType);

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  headers?: Record<string, string>;
  /** The same key for every resend of one action; the server answers a repeat with the first result. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** Origin (and path prefix) of the API; '' for the page's own origin. */
  baseUrl?: string;
  /** Who keeps the session cookie: the browser, or this client (default). */
  cookies?: 'browser' | 'own';
  /** Sent with every request (the console's `X-Source: console`). */
  headers?: Record<string, string>;
  /** Sent only with requests that change something. */
  writeHeaders?: Record<string, string>;
  messages?: ClientMessages;
  /** A 401 from a route other than sign-in's: the session ended. */
  onUnauthenticated?: (path: string) => void;
  fetch?: typeof fetch;
}

export interface SignInRequest {
  username: string;
  password: string;
  /** The 6-digit code, asked only when the session owes its second factor. */
  totp?: (session: SessionView) => string | Promise<string>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The `name=value` of each Set-Cookie; a cleared cookie (empty value or Max-Age=0) as `name=`. */
function setCookies(headers: Headers): Array<[string, string]> {
  const lines = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : (headers.get('set-cookie') ?? '').split(/,(?=\s*[^;=\s]+=)/);
  const out: Array<[string, string]> = [];
  for (const line of lines) {
    const [pair, ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const cleared = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    out.push([pair.slice(0, eq).trim(), cleared ? '' : pair.slice(eq + 1).trim()]);
  }
  return out;
}

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
  const ownCookies = (options.cookies ?? 'own') === 'own';
  const messages = options.messages ?? MESSAGES_ZH;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const jar = new Map<string, string>();
  let csrfToken: string | null = null;

  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

  /** The request as the API wants it (cookie, CSRF, the given headers); the answer whatever its status. */
  async function fetchRaw(path: string, init: RequestInit = {}): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(options.headers);
    if (!SAFE_METHODS.has(method)) {
      for (const [k, v] of Object.entries(options.writeHeaders ?? {})) headers.set(k, v);
      if (csrfToken) headers.set('X-CSRF-Token', csrfToken);
    }
    new Headers(init.headers).forEach((v, k) => headers.set(k, v));
    if (ownCookies && jar.size > 0) headers.set('Cookie', cookieHeader());
    const streamed = typeof ReadableStream !== 'undefined' && init.body instanceof ReadableStream;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        ...init,
        method,
        headers,
        ...(ownCookies ? {} : { credentials: 'same-origin' as const }),
        // A stream body goes out as it is read (fetch requires saying so).
        ...(streamed ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (e) {
      // An abort is the caller's own doing (a DOMException in browsers): passed on as it is.
      if ((e as { name?: unknown } | null)?.name === 'AbortError') throw e;
      throw new ApiError(messages.network(), 0);
    }
    if (ownCookies) {
      for (const [name, value] of setCookies(response.headers)) {
        if (value) jar.set(name, value);
        else jar.delete(name);
      }
    }
    return response;
  }

  /** Sends `body` as JSON, or as it is when it is a RawBody. */
  function send(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<Response> {
    // Headers, not a record: names are case-insensitive, and the caller's override ours.
    const headers = new Headers({ Accept: 'application/json, application/problem+json' });
    let payload: BodyInit | ReadableStream<Uint8Array> | undefined;
    if (body instanceof RawBody) {
      payload = body.body;
      if (body.contentType) headers.set('Content-Type', body.contentType);
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers.set('Content-Type', 'application/json');
    }
    if (opts.idempotencyKey) headers.set('Idempotency-Key', opts.idempotencyKey);
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
    return fetchRaw(path, { method, headers, body: payload as BodyInit | undefined, signal: opts.signal });
  }

  /** The answer's JSON (undefined for 204); an ApiError for anything but 2xx. */
  async function request<T>(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const response = await send(method, path, body, opts);
    if (!response.ok) {
      if (response.status === 401 && !path.startsWith('/api/auth/')) options.onUnauthenticated?.(path);
      throw apiErrorFrom(response.status, response.statusText, await response.text().catch(() => ''), messages);
    }
    if (response.status === 204 || method === 'HEAD') return undefined as T;
    let data: unknown;
    try {
      data = await response.json();
    } catch {
      throw new ApiError(messages.badResponse(response.status), response.status);
    }
    // Every SessionDto the sign-in routes answer carries the CSRF token for what follows.
    if (path.startsWith('/api/auth/') && typeof (data as { csrfToken?: unknown } | null)?.csrfToken === 'string') csrfToken = (data as SessionView).csrfToken;
    return data as T;
  }

  return {
    fetch: fetchRaw,
    send,
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
    post: <T>(path: string, body: unknown = {}, opts?: RequestOptions) => request<T>('POST', path, body, opts),
    put: <T>(path: string, body: unknown = {}, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
    patch: <T>(path: string, body: unknown = {}, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
    delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),

    /** The password, then the second factor if the account has one (or must enrol: refused here). */
    async signIn(req: SignInRequest): Promise<SessionView> {
      let session = await request<SessionView>('POST', '/api/auth/login', { username: req.username, password: req.password });
      if (session.mfaRequired && !session.mfaSatisfied) {
        if (!session.mfaEnrolled || !req.totp) {
          const detail = session.mfaEnrolled ? '该账号需要动态口令，请提供 6 位动态口令' : '该账号尚未绑定动态口令：请先在控制台登录完成绑定';
          throw new ApiError(detail, 401, { type: 'urn:problem:mfa-required', title: '需要动态口令', status: 401, detail });
        }
        session = await request<SessionView>('POST', '/api/auth/mfa/verify', { code: await req.totp(session) });
      }
      return session;
    },

    /** Ends the session on the server and forgets it here. */
    async signOut(): Promise<void> {
      try {
        await request<void>('POST', '/api/auth/logout');
      } finally {
        csrfToken = null;
        jar.clear();
      }
    },

    /** The CSRF token in use (from the last SessionDto), or null. */
    get csrfToken(): string | null {
      return csrfToken;
    },
    /** The console sets it from each SessionDto it reads, and clears it when the session is gone. */
    setCsrfToken(token: string | null): void {
      csrfToken = token;
    },
    /** `name=value` of the cookies this client keeps (`cookies: 'own'`), for a tool that must send them itself. */
    get cookie(): string {
      return cookieHeader();
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A query string from the defined, non-empty values: `?track=missed-report&limit=50`, or ''. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** A fresh Idempotency-Key (a UUID; the server accepts 8 to 128 of `[\w.:-]`). */
export const newIdempotencyKey = (): string => globalThis.crypto.randomUUID();
