// Accounts for tests: made through the real auth service (second factor enrolled the way the console
// does it), and the shared API client (client/) signed in through the real routes, which then sends the
// session cookie and the CSRF header on every request.
import type { Role } from '../../domain/access';
import { SYSTEM_ACTOR, createAuthService, type AuthService, type PublicUser } from '../../server/auth/service';
import type { Db } from '../../db/client';
import { hotp, totpStep } from '../../server/security/totp';
import { ApiError, createApiClient, rawBody, type ApiClient as SharedClient } from '../../client';

/** A fixed key (32 bytes, base64) sealing TOTP seeds; never used outside tests. */
export const TEST_AUTH_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
/** A fixed payload key ring for the stack (Temporal payloads encrypted as in production). */
export const TEST_PAYLOAD_KEYS = `t1:${Buffer.alloc(32, 9).toString('base64')}`;
/** Cheap scrypt for test accounts (the product's cost is ~100 ms per hash, which adds up on 2 cores). */
export const TEST_PASSWORD_PARAMS = { N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 };

export function testAuthService(db: Db): AuthService {
  return createAuthService({ db, secretKey: Buffer.from(TEST_AUTH_SECRET_KEY, 'base64'), passwordParams: TEST_PASSWORD_PARAMS });
}

export interface TestAccount extends PublicUser {
  password: string;
  totpSecret?: string;
  /** The last TOTP step used; each sign-in takes the next one (the server refuses a replayed step). */
  totpStep?: number;
}

let seq = 0;

/** An account of `role` over `regionCode`; officials and admins come enrolled in TOTP. */
export async function createAccount(auth: AuthService, role: Role, regionCode: string, opts: { username?: string; displayName?: string } = {}): Promise<TestAccount> {
  const username = opts.username ?? `t${role.slice(0, 3)}${regionCode}${++seq}`;
  const password = `Kx9-口令-${seq}-${role.length}q7Z`;
  const created = await auth.createUser(SYSTEM_ACTOR, { username, displayName: opts.displayName ?? `测试${role}${seq}`, role, regionCode, password });
  if (role !== 'official' && role !== 'admin') return { ...created, password };
  const { secret, step } = await enrolTotp(auth, username, password);
  return { ...created, mfaEnrolled: true, password, totpSecret: secret, totpStep: step };
}

/**
 * Binds a second factor the way the console does (sign in, begin, confirm), then signs out again. The
 * confirming code is the previous step's (inside the server's ±1 window), so a sign-in right away can
 * use the current one; `step` is the one used.
 */
export async function enrolTotp(auth: AuthService, username: string, password: string): Promise<{ secret: string; step: number }> {
  const ip = '127.0.0.9';
  const login = await auth.login(username, password, ip, 'test');
  const { secret } = await auth.beginTotpEnrolment(login.token);
  const step = totpStep(Date.now()) - 1;
  await auth.confirmTotpEnrolment(login.token, hotp(secret, step), ip);
  await auth.logout(login.token, ip);
  return { secret, step };
}

/**
 * A signed-in test user: the shared client (client/index.ts) with the user's session, plus the
 * Response-level calls the API tests assert on (status, headers, raw bodies).
 */
export interface ApiClient {
  account: TestAccount;
  /** The shared client, signed in: typed calls that throw ApiError. */
  api: SharedClient;
  csrfToken: string;
  /** `name=value` of the session cookie. */
  cookie: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  get(path: string): Promise<Response>;
  /** JSON, or a string or bytes sent as they are (with the content type in `headers`). */
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  put(path: string, body?: unknown): Promise<Response>;
}

/** The last TOTP step each account used: the server refuses a code whose step is not later (replay). */
const lastTotpStep = new Map<string, number>();

/**
 * A code for a step later than the account's last, inside the server's ±1-step window: the current
 * step, or the next one; when both are used up (two sign-ins within one 30-second step), waits.
 */
export async function nextTotpCode(account: { username: string; totpSecret?: string; totpStep?: number; totpLastStep?: number }): Promise<string> {
  const secret = account.totpSecret;
  if (!secret) throw new Error(`${account.username} has no TOTP secret`);
  for (;;) {
    const last = lastTotpStep.get(account.username) ?? account.totpStep ?? account.totpLastStep ?? -1;
    const current = totpStep(Date.now());
    const step = Math.max(current, last + 1);
    if (step <= current + 1) {
      lastTotpStep.set(account.username, step);
      account.totpStep = step;
      return hotp(secret, step);
    }
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 50));
  }
}

/** Signs in through POST /api/auth/login (and /mfa/verify) and returns a client carrying the session. */
export async function signIn(baseUrl: string, account: TestAccount): Promise<ApiClient> {
  const api = createApiClient({ baseUrl });
  try {
    await api.signIn({ username: account.username, password: account.password, totp: () => nextTotpCode(account) });
  } catch (e) {
    throw new Error(`sign-in of ${account.username} failed: ${e instanceof ApiError ? `${e.status} ${e.message}` : String(e)}`, { cause: e });
  }
  const raw = (body: unknown) => typeof body === 'string' || body instanceof Uint8Array;
  return {
    account,
    api,
    csrfToken: api.csrfToken!,
    cookie: api.cookie,
    fetch: (path, init) => api.fetch(path, init),
    get: (path) => api.fetch(path),
    post: (path, body, headers) => api.send('POST', path, raw(body) ? rawBody(body as BodyInit, null) : body, { headers }),
    put: (path, body) => api.send('PUT', path, body),
  };
}
