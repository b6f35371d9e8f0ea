// What the three parts of sign-in share (sessions.ts, signIn.ts, users.ts): the limits, the account as
// the API may show it, who acts, the one error type, and the context each part is made from (the
// database, the clock, the audit log and the counters shared by every API instance).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';
import { MFA_REQUIRED_ROLES, type Role } from '../../domain/access';
import { appendAudit, type AuditEntry } from '../../services/audit';
import { HttpProblem } from '../errors';
import { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from '../security/password';

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
  /** An admin set the password: the user must choose their own before anything else. */
  mustChangePassword: boolean;
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
  403: '无权限',
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

/** A stored login name: lower-case letters, digits, `.`, `_`, `-`. */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** Full-width input (a Chinese IME) and upper case both map to the stored form. */
export function normaliseUsername(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.normalize('NFKC').trim().toLowerCase();
  return USERNAME.test(s) ? s : null;
}

export type UserRow = typeof users.$inferSelect;

export function publicUser(u: UserRow): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as Role,
    regionCode: u.regionCode,
    disabled: u.disabled,
    mfaEnrolled: u.totpEnrolledAt !== null,
    mustChangePassword: u.mustChangePassword,
    lockedUntil: u.lockedUntil,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

export const mfaRequiredFor = (u: Pick<UserRow, 'role' | 'totpEnrolledAt'>) => MFA_REQUIRED_ROLES.has(u.role as Role) || u.totpEnrolledAt !== null;

/** Whole minutes for a message ("请 15 分钟后再试"), at least 1. */
export const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** The audit log's who-and-from-where columns for an actor: `appendAudit(db, { ...actorAuditFields(a), action, … })`. */
export function actorAuditFields(a: Actor): Pick<AuditEntry, 'actorId' | 'actorUsername' | 'role' | 'ip'> {
  return { actorId: a.id, actorUsername: a.username, role: a.role, ip: a.ip ?? null };
}

/** The actor for management calls made by an authenticated user from a request. */
export function actorOf(auth: Pick<Authenticated, 'user'>, ip?: string | null): Actor {
  return { id: auth.user.id, username: auth.user.username, role: auth.user.role, regionCode: auth.user.regionCode, ip: ip ?? null };
}

/** The audit columns of a user acting for themselves (sign-in, second factor, own password). */
export const userFields = (u: Pick<UserRow, 'id' | 'username' | 'role' | 'regionCode'>, ip: string | null | undefined) => ({
  actorId: u.id,
  actorUsername: u.username,
  role: u.role,
  regionCode: u.regionCode,
  ip: ip ?? null,
});

/** What every part of sign-in is made from: one per auth service, shared by its parts. */
export interface AuthContext {
  db: Db;
  now: () => Date;
  limits: Readonly<AuthLimits>;
  passwordParams: ScryptParams;
  audit(entry: AuditEntry): Promise<void>;
  userById(id: number): Promise<UserRow | undefined>;
  userByName(username: string): Promise<UserRow | undefined>;
}

export function authContext(options: AuthServiceOptions): AuthContext {
  const { db } = options;
  return {
    db,
    now: options.now ?? (() => new Date()),
    limits: Object.freeze({ ...DEFAULT_AUTH_LIMITS, ...options.limits }),
    passwordParams: options.passwordParams ?? DEFAULT_SCRYPT_PARAMS,
    audit: (entry) => appendAudit(db, entry),
    async userById(id) {
      const [u] = await db.select().from(users).where(eq(users.id, id));
      return u;
    },
    async userByName(username) {
      const [u] = await db.select().from(users).where(eq(users.username, username));
      return u;
    },
  };
}
