// Accounts for tests: made through the real auth service (second factor enrolled the way the console
// does it), and an HTTP client that signs in through the real routes and then sends the session cookie
// and the CSRF header on every request.
import type { Role } from '../../domain/access';
import { SYSTEM_ACTOR, createAuthService, type AuthService, type PublicUser } from '../../server/auth/service';
import type { Db } from '../../db/client';
import { hotp, totpStep } from '../../server/security/totp';

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
  const ip = '127.0.0.9';
  const login = await auth.login(username, password, ip, 'test');
  const { secret } = await auth.beginTotpEnrolment(login.token);
  // The previous step's code (inside the ±1 window): a sign-in right away can use the current one.
  const step = totpStep(Date.now()) - 1;
  await auth.confirmTotpEnrolment(login.token, hotp(secret, step), ip);
  await auth.logout(login.token, ip);
  return { ...created, mfaEnrolled: true, password, totpSecret: secret, totpStep: step };
}

export interface ApiClient {
  account: TestAccount;
  csrfToken: string;
  /** `name=value` of the session cookie. */
  cookie: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  put(path: string, body?: unknown): Promise<Response>;
}

/** Signs in through POST /api/auth/login (and /mfa/verify) and returns a client carrying the session. */
export async function signIn(baseUrl: string, account: TestAccount): Promise<ApiClient> {
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: account.username, password: account.password }) });
  if (login.status !== 200) throw new Error(`sign-in of ${account.username} failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  let session = (await login.json()) as { csrfToken: string; mfaRequired: boolean; mfaSatisfied: boolean };
  if (session.mfaRequired && !session.mfaSatisfied) {
    // The next unused step, at most one ahead of now (the server's window).
    const step = Math.max(totpStep(Date.now()), (account.totpStep ?? 0) + 1);
    if (step > totpStep(Date.now()) + 1) throw new Error(`${account.username}: no unused TOTP step left in the window; wait 30 s`);
    account.totpStep = step;
    const verify = await fetch(`${baseUrl}/api/auth/mfa/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ code: hotp(account.totpSecret!, step) }),
    });
    if (verify.status !== 200) throw new Error(`second factor of ${account.username} failed: ${verify.status} ${await verify.text()}`);
    session = (await verify.json()) as typeof session;
  }
  const client: ApiClient = {
    account,
    csrfToken: session.csrfToken,
    cookie,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      if (init.method && init.method !== 'GET') headers.set('x-csrf-token', session.csrfToken);
      return fetch(`${baseUrl}${path}`, { ...init, headers });
    },
    get: (path) => client.fetch(path),
    post: (path, body, headers = {}) =>
      client.fetch(path, {
        method: 'POST',
        headers: { ...(typeof body === 'string' || body instanceof Uint8Array ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      }),
    put: (path, body) => client.fetch(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  };
  return client;
}
