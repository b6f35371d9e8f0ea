// Accounts and sessions: password login with lockout and rate limits, a TOTP second factor, sessions
// with idle and absolute timeouts, CSRF tokens, and user management. Every outcome that matters to an
// auditor (login success and failure, lockouts, second-factor failures, logouts, user management)
// is appended to the audit log.
//
// Transport-free: the routes (next step) set and clear the cookie, read the CSRF header and map
// AuthError to problem details (it is an HttpProblem, so the error middleware already does).
//
// Sessions: the browser holds a 256-bit random token; the database holds only its sha256, so a copy of
// the sessions table cannot be replayed. A login always makes a fresh token (the previous session of that
// browser, if presented, is ended), which rules out session fixation. A session ends after `idleTimeoutMs`
// without a request and in any case `absoluteTimeoutMs` after login.
//
// Failed logins are limited three ways (server/security/rateLimit.ts):
//   - per address: at most `ipLimit` attempts per `ipWindowMs`, which bounds the scrypt work one client
//     can cause; sized for a township office where hundreds of staff share one egress address;
//   - per account and address: `maxFailures` wrong passwords lock that pair for `lockMs` (in memory);
//   - per account, from anywhere: `accountMaxFailures` lock the account for `lockMs`, kept in the users
//     row so that a restart or many addresses do not reset it. It is higher than `maxFailures`, because an
//     account-wide lock is also a way to keep an official out of the console.
// A locked attempt is refused before the password is checked, so guessing cannot continue during a lock.
// An unknown account gets the same answer and costs the same scrypt work as a wrong password.
//
// Second factor: officials and admins must pass TOTP before their session may do anything else; any
// other user who has enrolled must too (an enrolled factor that could be skipped protects nothing).
// The first enrolment of an account happens after its first password login (trust on first use), so an
// admin should hand out initial passwords in person and users should enrol at once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, like, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { sessions, users } from '../../db/schema';
import {
  decide,
  MFA_REQUIRED_ROLES,
  REGION_CODE,
  regionPrefix,
  ROLES,
  type Role,
} from '../../domain/access';
import { appendAudit, type AuditEntry } from '../../services/audit';
import { HttpProblem } from '../errors';
import {
  checkPasswordPolicy,
  DEFAULT_SCRYPT_PARAMS,
  hashPassword,
  needsRehash,
  PasswordInputError,
  verifyPassword,
  type ScryptParams,
} from '../security/password';
import { LoginLockout, SlidingWindowLimiter } from '../security/rateLimit';
import { generateSecret, otpauthUri, TOTP_ISSUER, verifyTotp } from '../security/totp';
import { createSecretBox, type SecretBox } from './secretBox';

// ---------------------------------------------------------------------------------------------------
// Types

export interface AuthLimits {
  /** A session ends after this long without a request. Default 30 min. */
  idleTimeoutMs: number;
  /** A session ends this long after login, whatever the activity. Default 12 h. */
  absoluteTimeoutMs: number;
  /** A session that still owes its second factor ends this long after login. Default 10 min. */
  mfaPendingTimeoutMs: number;
  /** Wrong passwords for one account from one address before that pair is locked. Default 5. */
  maxFailures: number;
  /** How long a lock lasts (both kinds). Default 15 min. */
  lockMs: number;
  /** Wrong passwords for one account from any address before the account is locked. Default 20. */
  accountMaxFailures: number;
  /** Login attempts per address per window. Default 60 per minute. */
  ipLimit: number;
  ipWindowMs: number;
  /** Wrong second-factor codes before the account's pending sessions end and codes are refused for `lockMs`. Default 5. */
  mfaMaxFailures: number;
  /** lastSeenAt is written at most this often per session (one write per request would be wasteful). Default 60 s. */
  touchIntervalMs: number;
}

export const DEFAULT_AUTH_LIMITS: Readonly<AuthLimits> = Object.freeze({
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 12 * 3600_000,
  mfaPendingTimeoutMs: 10 * 60_000,
  maxFailures: 5,
  lockMs: 15 * 60_000,
  accountMaxFailures: 20,
  ipLimit: 60,
  ipWindowMs: 60_000,
  mfaMaxFailures: 5,
  touchIntervalMs: 60_000,
});

export interface AuthServiceOptions {
  db: Db;
  /** 32-byte key sealing TOTP secrets at rest. Only the TOTP operations need it (the CLI does not). */
  secretKey?: Uint8Array | null;
  /** The clock; injected by tests. */
  now?: () => Date;
  limits?: Partial<AuthLimits>;
  /** scrypt cost of new hashes (tests lower it); stored hashes weaker than this are upgraded at login. */
  passwordParams?: ScryptParams;
}

/** An account as the API may show it: no hash, no seed. */
export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  disabled: boolean;
  mfaEnrolled: boolean;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who performs a management action: an authenticated user, or the operator at the command line. */
export interface Actor {
  id: number | null;
  username: string;
  role: Role | 'system';
  regionCode: string | null;
  ip?: string | null;
}

/** The operator running `npm run create-admin` (full database access already; not region-scoped). */
export const SYSTEM_ACTOR: Readonly<Actor> = Object.freeze({ id: null, username: 'system', role: 'system', regionCode: null });

export interface SessionInfo {
  /** sha256 of the token (safe to log; not a credential). */
  id: string;
  userId: number;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  mfaPassed: boolean;
  ip: string | null;
  userAgent: string | null;
}

export interface Authenticated {
  user: PublicUser;
  session: SessionInfo;
  /** The user must pass TOTP in this session. */
  mfaRequired: boolean;
  /** False until a required second factor is passed: allow only the MFA routes and logout. */
  mfaSatisfied: boolean;
}

export interface LoginResult {
  /** For the httpOnly cookie; never stored server-side. */
  token: string;
  /** For the console to send back in a header on state-changing requests. */
  csrfToken: string;
  expiresAt: Date;
  mfaRequired: boolean;
  /** With mfaRequired: false means the console must show TOTP enrolment first. */
  mfaEnrolled: boolean;
  user: PublicUser;
}

export interface TotpEnrolment {
  /** Base32, for typing by hand. */
  secret: string;
  /** For the QR code. */
  otpauthUri: string;
}

export type AuthErrorCode =
  | 'invalid_input'
  | 'weak_password'
  | 'invalid_credentials'
  | 'locked'
  | 'rate_limited'
  | 'disabled'
  | 'session_invalid'
  | 'mfa_invalid'
  | 'mfa_not_enrolled'
  | 'mfa_already_enrolled'
  | 'forbidden'
  | 'not_found'
  | 'username_taken';

const TITLES: Record<number, string> = {
  400: '请求无效',
  401: '未登录或登录失败',
  403: '无权操作',
  404: '未找到',
  409: '冲突',
  429: '请求过于频繁',
};

/** An HttpProblem, so the error middleware maps it; `code` is stable for the console. */
export class AuthError extends HttpProblem {
  constructor(
    readonly code: AuthErrorCode,
    status: number,
    detail: string,
    options: { errors?: { path: string; message: string }[]; retryAfterSeconds?: number } = {},
  ) {
    super(status, TITLES[status] ?? '请求失败', detail, options.errors, `urn:problem:${code.replace(/_/g, '-')}`);
    this.name = 'AuthError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  /** For a `Retry-After` header on 429. */
  readonly retryAfterSeconds?: number;
}

// ---------------------------------------------------------------------------------------------------
// Input schemas (zod at the boundary; the routes pass request bodies straight in)

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const USERNAME_MESSAGE = '账号名应为 2–32 位小写字母、数字或 . _ -,并以字母或数字开头';

/** Full-width input (a Chinese IME) and upper case both map to the stored form. */
export function normaliseUsername(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.normalize('NFKC').trim().toLowerCase();
  return USERNAME.test(s) ? s : null;
}

const UsernameSchema = z
  .string({ error: '账号名不能为空' })
  .transform((s) => s.normalize('NFKC').trim().toLowerCase())
  .pipe(
    z
      .string()
      .regex(USERNAME, USERNAME_MESSAGE)
      // A login name appears in the audit log and in URLs of the user console: never an ID number.
      .refine((s) => !/^\d{17}[\dx]$|^\d{15}$/.test(s), '账号名不能使用身份证号'),
  );
const DisplayNameSchema = z.string({ error: '姓名不能为空' }).trim().min(1, '姓名不能为空').max(50, '姓名不得超过 50 个字符');
const RoleSchema = z.enum(ROLES, { error: `角色应为 ${ROLES.join('、')} 之一` });
const RegionSchema = z.string({ error: '区划代码不能为空' }).regex(REGION_CODE, '区划代码应为 6、9 或 12 位数字');

export const NewUserSchema = z
  .object({
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    role: RoleSchema,
    regionCode: RegionSchema,
    password: z.string({ error: '密码不能为空' }),
  })
  .strict();
export type NewUser = z.input<typeof NewUserSchema>;

export const UserPatchSchema = z
  .object({
    displayName: DisplayNameSchema.optional(),
    role: RoleSchema.optional(),
    regionCode: RegionSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type UserPatch = z.input<typeof UserPatchSchema>;

// ---------------------------------------------------------------------------------------------------

const TOKEN_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const newToken = () => randomBytes(TOKEN_BYTES).toString('base64url');

/** The session id for a token, or null for anything that is not a token we could have issued. */
export function sessionIdOf(token: unknown): string | null {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null;
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of the session's CSRF token with the one the request sent. */
export function csrfOk(session: Pick<SessionInfo, 'csrfToken'>, headerToken: unknown): boolean {
  if (typeof headerToken !== 'string' || headerToken.length === 0 || headerToken.length > 256) return false;
  // Digests first: equal lengths for timingSafeEqual, and no length leak.
  const a = createHash('sha256').update(session.csrfToken, 'utf8').digest();
  const b = createHash('sha256').update(headerToken, 'utf8').digest();
  return timingSafeEqual(a, b);
}

type UserRow = typeof users.$inferSelect;

function publicUser(u: UserRow): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as Role,
    regionCode: u.regionCode,
    disabled: u.disabled,
    mfaEnrolled: u.totpEnrolledAt !== null,
    lockedUntil: u.lockedUntil,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

const mfaRequiredFor = (u: Pick<UserRow, 'role' | 'totpEnrolledAt'>) => MFA_REQUIRED_ROLES.has(u.role as Role) || u.totpEnrolledAt !== null;

const totpContext = (userId: number) => `users.totp_secret:${userId}`;

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (e.code === '23505') return true;
  }
  return false;
}

const locked = (retryAfterSeconds: number) =>
  new AuthError('locked', 429, `登录失败次数过多,账号已暂时锁定,请 ${minutes(retryAfterSeconds)} 分钟后再试`, { retryAfterSeconds });

// ---------------------------------------------------------------------------------------------------

export function createAuthService(options: AuthServiceOptions) {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const limits: AuthLimits = { ...DEFAULT_AUTH_LIMITS, ...options.limits };
  const params = options.passwordParams ?? DEFAULT_SCRYPT_PARAMS;
  const box: SecretBox | null = options.secretKey ? createSecretBox(options.secretKey) : null;
  const requireBox = (): SecretBox => {
    if (!box) throw new Error('TOTP 加密密钥未配置:无法使用动态口令');
    return box;
  };

  const ipLimiter = new SlidingWindowLimiter({ limit: limits.ipLimit, windowMs: limits.ipWindowMs });
  // One audit row per address per window for refused floods, so an attack cannot fill the audit log.
  const floodAudit = new SlidingWindowLimiter({ limit: 1, windowMs: limits.ipWindowMs });
  const lockout = new LoginLockout({ maxFailures: limits.maxFailures, lockMs: limits.lockMs });
  const mfaLockout = new LoginLockout({ maxFailures: limits.mfaMaxFailures, lockMs: limits.lockMs });

  // Verifying against this when the account does not exist costs the same as a wrong password.
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= hashPassword(newToken(), params));
  // Made now, so that the first unknown account does not take twice as long as the rest.
  dummyHash().catch(() => {});

  const audit = (entry: AuditEntry) => appendAudit(db, entry);
  const userFields = (u: Pick<UserRow, 'id' | 'username' | 'role' | 'regionCode'>, ip: string | null | undefined) => ({
    actorId: u.id,
    actorUsername: u.username,
    role: u.role,
    regionCode: u.regionCode,
    ip: ip ?? null,
  });

  async function userById(id: number): Promise<UserRow | undefined> {
    const [u] = await db.select().from(users).where(eq(users.id, id));
    return u;
  }

  async function userByName(username: string): Promise<UserRow | undefined> {
    const [u] = await db.select().from(users).where(eq(users.username, username));
    return u;
  }

  async function revokeSessionsOf(userId: number, except?: string): Promise<number> {
    const where = except ? and(eq(sessions.userId, userId), sql`${sessions.id} <> ${except}`) : eq(sessions.userId, userId);
    const gone = await db.delete(sessions).where(where).returning({ id: sessions.id });
    return gone.length;
  }

  function policyErrors(password: string, username: string, displayName: string) {
    const policy = checkPasswordPolicy(password, { account: username, personal: [displayName] });
    if (!policy.ok) {
      throw new AuthError('weak_password', 400, '密码不符合要求', {
        errors: policy.violations.map((v) => ({ path: 'password', message: v.message })),
      });
    }
  }

  /** user.manage on a region; a denial is audited and answered as 404 (other region) or 403 (role). */
  async function authorizeManage(actor: Actor, regionCode: string, action: string, target: string): Promise<void> {
    if (actor.role === 'system') return;
    const d = actor.regionCode ? decide({ role: actor.role, regionCode: actor.regionCode }, 'user.manage', { regionCode }) : null;
    if (d?.allow) return;
    await audit({ ...actorAuditFields(actor), action, target, regionCode, result: 'denied', detail: { reason: d?.reason ?? 'invalid' } });
    if (!d || d.asNotFound) throw new AuthError('not_found', 404, '未找到该账号');
    throw new AuthError('forbidden', 403, d.message);
  }

  /** The account an admin acts on, if it exists and lies in the admin's subtree. */
  async function managedUser(actor: Actor, userId: number, action: string): Promise<UserRow> {
    const u = Number.isSafeInteger(userId) && userId > 0 ? await userById(userId) : undefined;
    if (!u) {
      await audit({ ...actorAuditFields(actor), action, target: `user#${userId}`, result: 'failure', detail: { reason: 'not_found' } });
      throw new AuthError('not_found', 404, '未找到该账号');
    }
    await authorizeManage(actor, u.regionCode, action, `user:${u.username}`);
    return u;
  }

  /** A session that is still valid, with its user; refreshes lastSeenAt. Null otherwise (and ends it). */
  async function authenticate(token: unknown, at: Date = now()): Promise<Authenticated | null> {
    const id = sessionIdOf(token);
    if (!id) return null;
    const [row] = await db.select({ s: sessions, u: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, id));
    if (!row) return null;
    const { s, u } = row;
    const t = at.getTime();
    const mfaRequired = mfaRequiredFor(u);
    const over =
      t >= s.expiresAt.getTime() ||
      t - s.lastSeenAt.getTime() >= limits.idleTimeoutMs ||
      u.disabled ||
      (mfaRequired && !s.mfaPassed && t - s.createdAt.getTime() >= limits.mfaPendingTimeoutMs);
    if (over) {
      await db.delete(sessions).where(eq(sessions.id, id));
      return null;
    }
    let lastSeenAt = s.lastSeenAt;
    if (t - lastSeenAt.getTime() >= limits.touchIntervalMs) {
      lastSeenAt = at;
      await db.update(sessions).set({ lastSeenAt }).where(eq(sessions.id, id));
    }
    return {
      user: publicUser(u),
      session: { ...s, lastSeenAt },
      mfaRequired,
      mfaSatisfied: !mfaRequired || s.mfaPassed,
    };
  }

  async function requireSession(token: unknown, at: Date): Promise<Authenticated> {
    const auth = await authenticate(token, at);
    if (!auth) throw new AuthError('session_invalid', 401, '登录已失效,请重新登录');
    return auth;
  }

  /**
   * A wrong code during verification or enrolment: counted per account; at the limit the account's
   * pending sessions end, so the password must be typed again.
   */
  async function mfaFailure(auth: Authenticated, action: 'mfa.verify' | 'mfa.enrol', ip: string | null | undefined, t: number): Promise<never> {
    const u = auth.user;
    const state = mfaLockout.recordFailure(`mfa:${u.id}`, t);
    await audit({ ...userFields(u, ip), action, target: 'session', result: 'failure', detail: { reason: 'invalid_code', failures: state.failures } });
    if (state.locked) {
      await db.delete(sessions).where(and(eq(sessions.userId, u.id), eq(sessions.mfaPassed, false)));
      await audit({ ...userFields(u, ip), action: 'mfa.lockout', target: 'session', result: 'denied', detail: { until: new Date(state.lockedUntil!).toISOString() } });
      throw new AuthError('locked', 429, `动态口令错误次数过多,请 ${minutes(state.retryAfterSeconds)} 分钟后重新登录`, {
        retryAfterSeconds: state.retryAfterSeconds,
      });
    }
    throw new AuthError('mfa_invalid', 401, '动态口令不正确或已使用过,请输入验证器中显示的新口令');
  }

  async function refuseWhileMfaLocked(auth: Authenticated, action: string, ip: string | null | undefined, t: number): Promise<void> {
    const state = mfaLockout.check(`mfa:${auth.user.id}`, t);
    if (!state.locked) return;
    await db.delete(sessions).where(eq(sessions.id, auth.session.id));
    await audit({ ...userFields(auth.user, ip), action, target: 'session', result: 'denied', detail: { reason: 'locked' } });
    throw new AuthError('locked', 429, `动态口令错误次数过多,请 ${minutes(state.retryAfterSeconds)} 分钟后重新登录`, {
      retryAfterSeconds: state.retryAfterSeconds,
    });
  }

  return {
    limits: limits as Readonly<AuthLimits>,
    authenticate,
    csrfOk,

    /**
     * Password login. Returns a new session; with `mfaRequired` the session may only pass (or enrol) the
     * second factor. `previousToken` is the session cookie the browser sent, ended on success.
     */
    async login(usernameRaw: unknown, password: unknown, ip?: string | null, userAgent?: string | null, previousToken?: unknown): Promise<LoginResult> {
      const at = now();
      const t = at.getTime();
      const address = ip ?? 'unknown';
      const username = normaliseUsername(usernameRaw);
      // What was typed goes into the audit log only if it could be a username: people type passwords
      // (or ID numbers) into the wrong field.
      const base = { action: 'login', target: 'session', actorUsername: username, ip: ip ?? null };

      const rate = ipLimiter.hit(address, t);
      if (!rate.allowed) {
        if (floodAudit.hit(address, t).allowed) await audit({ ...base, result: 'denied', detail: { reason: 'rate_limited' } });
        throw new AuthError('rate_limited', 429, `登录尝试过于频繁,请 ${minutes(rate.retryAfterSeconds)} 分钟后再试`, {
          retryAfterSeconds: rate.retryAfterSeconds,
        });
      }
      if (typeof password !== 'string' || typeof usernameRaw !== 'string' || usernameRaw.trim() === '') {
        throw new AuthError('invalid_input', 400, '请输入账号和密码');
      }

      const pairKey = `${username ?? `?${usernameRaw.trim().toLowerCase().slice(0, 64)}`}|${address}`;
      const pair = lockout.check(pairKey, t);
      if (pair.locked) {
        await audit({ ...base, result: 'denied', detail: { reason: 'locked', scope: 'account_address' } });
        throw locked(pair.retryAfterSeconds);
      }
      const user = username ? await userByName(username) : undefined;
      const who = user ? userFields(user, ip) : {};
      if (user?.lockedUntil && user.lockedUntil.getTime() > t) {
        await audit({ ...base, ...who, result: 'denied', detail: { reason: 'locked', scope: 'account' } });
        throw locked(Math.ceil((user.lockedUntil.getTime() - t) / 1000));
      }

      let ok: boolean;
      try {
        ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
      } catch (e) {
        if (e instanceof PasswordInputError) throw new AuthError('invalid_input', 400, e.message);
        throw e;
      }

      if (!user || !ok) {
        const pairState = lockout.recordFailure(pairKey, t);
        let accountLockedUntil: Date | null = null;
        if (user) {
          const n = limits.accountMaxFailures;
          const until = new Date(t + limits.lockMs).toISOString();
          // One statement, so concurrent failures from many addresses all count.
          const [r] = await db
            .update(users)
            .set({
              failedLogins: sql`case when ${users.failedLogins} + 1 >= ${n} then 0 else ${users.failedLogins} + 1 end`,
              lockedUntil: sql`case when ${users.failedLogins} + 1 >= ${n} then ${until}::timestamptz else ${users.lockedUntil} end`,
            })
            .where(eq(users.id, user.id))
            .returning({ lockedUntil: users.lockedUntil });
          if (r?.lockedUntil && r.lockedUntil.getTime() > t) accountLockedUntil = r.lockedUntil;
        }
        await audit({ ...base, ...who, result: 'failure', detail: { reason: user ? 'bad_password' : 'unknown_account' } });
        if (pairState.locked) {
          await audit({ ...base, ...who, action: 'login.lockout', result: 'denied', detail: { scope: 'account_address', until: new Date(pairState.lockedUntil!).toISOString() } });
        }
        if (accountLockedUntil) {
          await audit({ ...base, ...who, action: 'login.lockout', result: 'denied', detail: { scope: 'account', until: accountLockedUntil.toISOString() } });
        }
        if (pairState.locked) throw locked(pairState.retryAfterSeconds);
        if (accountLockedUntil) throw locked(Math.ceil((accountLockedUntil.getTime() - t) / 1000));
        throw new AuthError('invalid_credentials', 401, '账号或密码错误');
      }

      if (user.disabled) {
        await audit({ ...base, ...who, result: 'denied', detail: { reason: 'disabled' } });
        throw new AuthError('disabled', 403, '账号已停用,请联系管理员');
      }

      lockout.recordSuccess(pairKey);
      await db
        .update(users)
        .set({
          failedLogins: 0,
          lockedUntil: null,
          ...(needsRehash(user.passwordHash, params) ? { passwordHash: await hashPassword(password, params) } : {}),
        })
        .where(eq(users.id, user.id));

      // Rotation: whatever session this browser held ends; the new one shares nothing with it.
      const previousId = sessionIdOf(previousToken);
      if (previousId) await db.delete(sessions).where(eq(sessions.id, previousId));
      const token = newToken();
      const csrfToken = newToken();
      const expiresAt = new Date(t + limits.absoluteTimeoutMs);
      await db.insert(sessions).values({
        id: sessionIdOf(token)!,
        userId: user.id,
        csrfToken,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
        ip: ip ?? null,
        userAgent: userAgent ? userAgent.slice(0, 512) : null,
        mfaPassed: false,
      });
      const mfaRequired = mfaRequiredFor(user);
      await audit({ ...base, ...who, result: 'success', detail: { mfaRequired } });
      return { token, csrfToken, expiresAt, mfaRequired, mfaEnrolled: user.totpEnrolledAt !== null, user: publicUser(user) };
    },

    /** The second factor for a session that has passed the password. Replayed codes are refused. */
    async verifyMfa(token: unknown, code: unknown, ip?: string | null): Promise<Authenticated> {
      const at = now();
      const t = at.getTime();
      const auth = await requireSession(token, at);
      if (auth.session.mfaPassed) return auth;
      const u = (await userById(auth.user.id))!;
      if (!u.totpEnrolledAt || !u.totpSecret) throw new AuthError('mfa_not_enrolled', 409, '尚未绑定动态口令,请先完成绑定');
      await refuseWhileMfaLocked(auth, 'mfa.verify', ip, t);

      const secret = requireBox().open(u.totpSecret, totpContext(u.id));
      const match = verifyTotp(secret, typeof code === 'string' ? code : '', at, { lastUsedStep: u.totpLastStep });
      // The step is claimed in one conditional update: two requests racing with the same code cannot both win.
      const claimed = match
        ? await db
            .update(users)
            .set({ totpLastStep: match.step })
            .where(and(eq(users.id, u.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, match.step))))
            .returning({ id: users.id })
        : [];
      if (claimed.length !== 1) return mfaFailure(auth, 'mfa.verify', ip, t);

      mfaLockout.recordSuccess(`mfa:${u.id}`);
      await db.update(sessions).set({ mfaPassed: true }).where(eq(sessions.id, auth.session.id));
      await audit({ ...userFields(u, ip), action: 'mfa.verify', target: 'session', result: 'success', detail: { drift: match!.drift } });
      return { ...auth, session: { ...auth.session, mfaPassed: true }, mfaSatisfied: true };
    },

    /** Starts TOTP enrolment: a fresh secret, kept sealed and pending until confirmed with a code. */
    async beginTotpEnrolment(token: unknown): Promise<TotpEnrolment> {
      const at = now();
      const auth = await requireSession(token, at);
      if (auth.user.mfaEnrolled) throw new AuthError('mfa_already_enrolled', 409, '已绑定动态口令;如需更换,请联系管理员重置');
      const seal = requireBox();
      const secret = generateSecret();
      await db
        .update(users)
        .set({ totpSecret: seal.seal(secret, totpContext(auth.user.id)), totpLastStep: null, updatedAt: at })
        .where(and(eq(users.id, auth.user.id), isNull(users.totpEnrolledAt)));
      return { secret, otpauthUri: otpauthUri({ issuer: TOTP_ISSUER, account: auth.user.username, secret }) };
    },

    /** Confirms enrolment with a code from the app; the session then counts as having passed the factor. */
    async confirmTotpEnrolment(token: unknown, code: unknown, ip?: string | null): Promise<Authenticated> {
      const at = now();
      const t = at.getTime();
      const auth = await requireSession(token, at);
      const u = (await userById(auth.user.id))!;
      if (u.totpEnrolledAt) throw new AuthError('mfa_already_enrolled', 409, '已绑定动态口令;如需更换,请联系管理员重置');
      if (!u.totpSecret) throw new AuthError('mfa_not_enrolled', 409, '请先开始绑定动态口令');
      await refuseWhileMfaLocked(auth, 'mfa.enrol', ip, t);
      const secret = requireBox().open(u.totpSecret, totpContext(u.id));
      const match = verifyTotp(secret, typeof code === 'string' ? code : '', at);
      const done = match
        ? await db
            .update(users)
            .set({ totpEnrolledAt: at, totpLastStep: match.step, updatedAt: at })
            .where(and(eq(users.id, u.id), isNull(users.totpEnrolledAt), eq(users.totpSecret, u.totpSecret)))
            .returning({ id: users.id })
        : [];
      if (done.length !== 1) return mfaFailure(auth, 'mfa.enrol', ip, t);
      mfaLockout.recordSuccess(`mfa:${u.id}`);
      await db.update(sessions).set({ mfaPassed: true }).where(eq(sessions.id, auth.session.id));
      await audit({ ...userFields(u, ip), action: 'mfa.enrol', target: 'session', result: 'success' });
      return {
        ...auth,
        user: { ...auth.user, mfaEnrolled: true },
        session: { ...auth.session, mfaPassed: true },
        mfaRequired: true,
        mfaSatisfied: true,
      };
    },

    /** Ends the session. True when there was one. */
    async logout(token: unknown, ip?: string | null): Promise<boolean> {
      const id = sessionIdOf(token);
      if (!id) return false;
      const [gone] = await db.delete(sessions).where(eq(sessions.id, id)).returning({ userId: sessions.userId });
      if (!gone) return false;
      const u = await userById(gone.userId);
      if (u) await audit({ ...userFields(u, ip), action: 'logout', target: 'session', result: 'success' });
      return true;
    },

    /** Housekeeping: deletes sessions past their absolute or idle end. */
    async purgeExpiredSessions(at: Date = now()): Promise<number> {
      const idleBefore = new Date(at.getTime() - limits.idleTimeoutMs);
      const gone = await db
        .delete(sessions)
        .where(or(lt(sessions.expiresAt, at), lt(sessions.lastSeenAt, idleBefore)))
        .returning({ id: sessions.id });
      return gone.length;
    },

    // -------------------------------------------------------------------------------------------------
    // User management (admins within their region; the CLI as SYSTEM_ACTOR)

    async createUser(actor: Actor, input: NewUser): Promise<PublicUser> {
      const v = NewUserSchema.parse(input);
      await authorizeManage(actor, v.regionCode, 'user.create', `user:${v.username}`);
      policyErrors(v.password, v.username, v.displayName);
      const passwordHash = await hashPassword(v.password, params);
      const at = now();
      try {
        const [u] = await db
          .insert(users)
          .values({
            username: v.username,
            displayName: v.displayName,
            role: v.role,
            regionCode: v.regionCode,
            passwordHash,
            createdBy: actor.id,
            createdAt: at,
            updatedAt: at,
          })
          .returning();
        await audit({ ...actorAuditFields(actor), action: 'user.create', target: `user:${u.username}`, regionCode: u.regionCode, result: 'success', detail: { role: u.role } });
        return publicUser(u);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        await audit({ ...actorAuditFields(actor), action: 'user.create', target: `user:${v.username}`, regionCode: v.regionCode, result: 'failure', detail: { reason: 'username_taken' } });
        throw new AuthError('username_taken', 409, `账号名“${v.username}”已被使用`, { errors: [{ path: 'username', message: '账号名已被使用' }] });
      }
    },

    /** Name, role, region, disabled. A change of role, region or status ends the user's sessions. */
    async updateUser(actor: Actor, userId: number, patch: UserPatch): Promise<PublicUser> {
      const p = UserPatchSchema.parse(patch);
      const u = await managedUser(actor, userId, 'user.update');
      if (p.regionCode !== undefined && p.regionCode !== u.regionCode) {
        await authorizeManage(actor, p.regionCode, 'user.update', `user:${u.username}`);
      }
      if (actor.id === u.id && ((p.role !== undefined && p.role !== u.role) || p.disabled === true || (p.regionCode !== undefined && p.regionCode !== u.regionCode))) {
        // The last admin of a region could otherwise lock everyone out of user management.
        throw new AuthError('forbidden', 403, '不能停用自己的账号,也不能修改自己的角色或区划;请由其他管理员操作');
      }
      const at = now();
      const [updated] = await db
        .update(users)
        .set({ ...p, updatedAt: at })
        .where(eq(users.id, u.id))
        .returning();
      const changed = Object.fromEntries(
        Object.entries(p).filter(([k, val]) => (u as Record<string, unknown>)[k] !== val && k !== 'displayName'),
      );
      const revoke = 'role' in changed || 'regionCode' in changed || changed.disabled === true;
      const revoked = revoke ? await revokeSessionsOf(u.id) : 0;
      await audit({
        ...actorAuditFields(actor),
        action: 'user.update',
        target: `user:${u.username}`,
        regionCode: updated.regionCode,
        result: 'success',
        detail: { changed: Object.keys(p), ...('role' in changed ? { role: [u.role, p.role] } : {}), ...('regionCode' in changed ? { region: [u.regionCode, p.regionCode] } : {}), ...(p.disabled !== undefined ? { disabled: p.disabled } : {}), sessionsEnded: revoked },
      });
      return publicUser(updated);
    },

    /** An admin sets a new password (e.g. forgotten); the user's sessions end and their lock is lifted. */
    async resetPassword(actor: Actor, userId: number, password: string): Promise<void> {
      const u = await managedUser(actor, userId, 'user.password_reset');
      policyErrors(password, u.username, u.displayName);
      const passwordHash = await hashPassword(password, params);
      await db.update(users).set({ passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: now() }).where(eq(users.id, u.id));
      const revoked = await revokeSessionsOf(u.id);
      await audit({ ...actorAuditFields(actor), action: 'user.password_reset', target: `user:${u.username}`, regionCode: u.regionCode, result: 'success', detail: { sessionsEnded: revoked } });
    },

    /** The user changes their own password; their other sessions end. */
    async changePassword(token: unknown, currentPassword: unknown, newPassword: unknown, ip?: string | null): Promise<void> {
      const at = now();
      const auth = await requireSession(token, at);
      if (!auth.mfaSatisfied) throw new AuthError('session_invalid', 401, '请先完成动态口令验证');
      if (typeof currentPassword !== 'string' || typeof newPassword !== 'string') throw new AuthError('invalid_input', 400, '请输入当前密码和新密码');
      const u = (await userById(auth.user.id))!;
      let ok = false;
      try {
        ok = await verifyPassword(currentPassword, u.passwordHash);
      } catch (e) {
        if (!(e instanceof PasswordInputError)) throw e;
      }
      if (!ok) {
        await audit({ ...userFields(u, ip), action: 'password.change', target: `user:${u.username}`, result: 'failure', detail: { reason: 'bad_password' } });
        throw new AuthError('invalid_credentials', 401, '当前密码不正确', { errors: [{ path: 'currentPassword', message: '当前密码不正确' }] });
      }
      policyErrors(newPassword, u.username, u.displayName);
      await db.update(users).set({ passwordHash: await hashPassword(newPassword, params), updatedAt: at }).where(eq(users.id, u.id));
      const revoked = await revokeSessionsOf(u.id, auth.session.id);
      await audit({ ...userFields(u, ip), action: 'password.change', target: `user:${u.username}`, result: 'success', detail: { sessionsEnded: revoked } });
    },

    /** Lifts an account-wide lock now (a per-address lock still runs out by itself). */
    async unlockUser(actor: Actor, userId: number): Promise<void> {
      const u = await managedUser(actor, userId, 'user.unlock');
      await db.update(users).set({ failedLogins: 0, lockedUntil: null, updatedAt: now() }).where(eq(users.id, u.id));
      await audit({ ...actorAuditFields(actor), action: 'user.unlock', target: `user:${u.username}`, regionCode: u.regionCode, result: 'success' });
    },

    /** Removes the user's second factor (a lost phone); they enrol again at their next login. */
    async resetMfa(actor: Actor, userId: number): Promise<void> {
      const u = await managedUser(actor, userId, 'user.mfa_reset');
      await db.update(users).set({ totpSecret: null, totpLastStep: null, totpEnrolledAt: null, updatedAt: now() }).where(eq(users.id, u.id));
      const revoked = await revokeSessionsOf(u.id);
      await audit({ ...actorAuditFields(actor), action: 'user.mfa_reset', target: `user:${u.username}`, regionCode: u.regionCode, result: 'success', detail: { sessionsEnded: revoked } });
    },

    /** Accounts in the actor's subtree, by username. */
    async listUsers(actor: Actor, page: { limit?: number; offset?: number } = {}): Promise<PublicUser[]> {
      if (actor.role !== 'system') {
        if (!actor.regionCode) throw new AuthError('forbidden', 403, '当前角色无权执行此操作');
        const d = decide({ role: actor.role, regionCode: actor.regionCode }, 'user.manage', { regionCode: actor.regionCode });
        if (!d.allow) {
          await audit({ ...actorAuditFields(actor), action: 'user.list', target: 'users', regionCode: actor.regionCode, result: 'denied', detail: { reason: d.reason } });
          throw new AuthError('forbidden', 403, d.message);
        }
      }
      const limit = Math.min(Math.max(Math.trunc(page.limit ?? 100), 1), 500);
      const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
      const rows = await db
        .select()
        .from(users)
        .where(actor.regionCode && actor.role !== 'system' ? like(users.regionCode, `${regionPrefix(actor.regionCode)}%`) : undefined)
        .orderBy(users.username)
        .limit(limit)
        .offset(offset);
      return rows.map(publicUser);
    },

    /** One account, if it lies in the actor's subtree (another region's account is "not found"). */
    async getUser(actor: Actor, userId: number): Promise<PublicUser> {
      return publicUser(await managedUser(actor, userId, 'user.read'));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** The audit log's who-and-from-where columns for an actor: `appendAudit(db, { ...actorAuditFields(a), action, … })`. */
export function actorAuditFields(a: Actor): Pick<AuditEntry, 'actorId' | 'actorUsername' | 'role' | 'ip'> {
  return { actorId: a.id, actorUsername: a.username, role: a.role, ip: a.ip ?? null };
}

/** The actor for management calls made by an authenticated user from a request. */
export function actorOf(auth: Pick<Authenticated, 'user'>, ip?: string | null): Actor {
  return { id: auth.user.id, username: auth.user.username, role: auth.user.role, regionCode: auth.user.regionCode, ip: ip ?? null };
}
