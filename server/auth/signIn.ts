// Signing in: the password with its lockouts and rate limits, then the TOTP second factor (verify, or
// enrol on first use).
//
// Failed logins are limited three ways, with counters in the database that every API instance shares
// (server/security/rateLimit.ts):
//   - per address: at most `ipLimit` attempts per `ipWindowMs`, which bounds the scrypt work one client
//     can cause; sized for a township office where hundreds of staff share one egress address;
//   - per account and address: `maxFailures` wrong passwords lock that pair for `lockMs`;
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
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { users } from '../../db/schema';
import { hashPassword, needsRehash, PasswordInputError, verifyPassword } from '../security/password';
import { createSharedLimiter, createSharedLockout } from '../security/rateLimit';
import { generateSecret, otpauthUri, TOTP_ISSUER, verifyTotp } from '../security/totp';
import { AuthError, mfaRequiredFor, minutes, normaliseUsername, publicUser, userFields, type AuthContext, type Authenticated, type LoginResult, type TotpEnrolment } from './model';
import { createSecretBox, type SecretBox } from './secretBox';
import { newToken, type Sessions } from './sessions';

const totpContext = (userId: number) => `users.totp_secret:${userId}`;

const locked = (retryAfterSeconds: number) =>
  new AuthError('locked', 429, `登录失败次数过多，账号已暂时锁定，请 ${minutes(retryAfterSeconds)} 分钟后再试`, { retryAfterSeconds });

const mfaLocked = (retryAfterSeconds: number) =>
  new AuthError('locked', 429, `动态口令错误次数过多，请 ${minutes(retryAfterSeconds)} 分钟后重新登录`, { retryAfterSeconds });

export function createSignIn(ctx: AuthContext, sessions: Sessions, secretKey?: Uint8Array | null) {
  const { db, now, limits, passwordParams: params, audit } = ctx;
  const box: SecretBox | null = secretKey ? createSecretBox(secretKey) : null;
  const requireBox = (): SecretBox => {
    if (!box) throw new Error('TOTP 加密密钥未配置：无法使用动态口令');
    return box;
  };

  const ipLimiter = createSharedLimiter(db, { scope: 'login:address', limit: limits.ipLimit, windowMs: limits.ipWindowMs });
  // One audit row per address per window for refused floods, so an attack cannot fill the audit log.
  const floodAudit = createSharedLimiter(db, { scope: 'login:flood-audit', limit: 1, windowMs: limits.ipWindowMs });
  const lockout = createSharedLockout(db, { scope: 'login:account_address', maxFailures: limits.maxFailures, lockMs: limits.lockMs });
  const mfaLockout = createSharedLockout(db, { scope: 'mfa', maxFailures: limits.mfaMaxFailures, lockMs: limits.lockMs });

  // Verifying against this when the account does not exist costs the same as a wrong password.
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= hashPassword(newToken(), params));
  // Made now, so that the first unknown account does not take twice as long as the rest.
  dummyHash().catch(() => {});

  /**
   * A wrong code during verification or enrolment: counted per account; at the limit the account's
   * pending sessions end, so the password must be typed again.
   */
  async function mfaFailure(auth: Authenticated, action: 'mfa.verify' | 'mfa.enrol', ip: string | null | undefined, t: number): Promise<never> {
    const u = auth.user;
    const state = await mfaLockout.recordFailure(String(u.id), t);
    await audit({ ...userFields(u, ip), action, target: 'session', result: 'failure', detail: { reason: 'invalid_code', failures: state.failures } });
    if (state.locked) {
      await sessions.endPendingOf(u.id);
      await audit({ ...userFields(u, ip), action: 'mfa.lockout', target: 'session', result: 'denied', detail: { until: new Date(state.lockedUntil!).toISOString() } });
      throw mfaLocked(state.retryAfterSeconds);
    }
    throw new AuthError('mfa_invalid', 401, '动态口令不正确或已使用过，请输入验证器中显示的新口令');
  }

  async function refuseWhileMfaLocked(auth: Authenticated, action: string, ip: string | null | undefined, t: number): Promise<void> {
    const state = await mfaLockout.check(String(auth.user.id), t);
    if (!state.locked) return;
    await sessions.end(auth.session.id);
    await audit({ ...userFields(auth.user, ip), action, target: 'session', result: 'denied', detail: { reason: 'locked' } });
    throw mfaLocked(state.retryAfterSeconds);
  }

  /** A code passed: the session counts as having passed the factor. */
  async function mfaPassed(auth: Authenticated): Promise<void> {
    await mfaLockout.recordSuccess(String(auth.user.id));
    await sessions.markMfaPassed(auth.session.id);
  }

  return {
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

      const rate = await ipLimiter.hit(address, t);
      if (!rate.allowed) {
        if ((await floodAudit.hit(address, t)).allowed) await audit({ ...base, result: 'denied', detail: { reason: 'rate_limited' } });
        throw new AuthError('rate_limited', 429, `登录尝试过于频繁，请 ${minutes(rate.retryAfterSeconds)} 分钟后再试`, {
          retryAfterSeconds: rate.retryAfterSeconds,
        });
      }
      if (typeof password !== 'string' || typeof usernameRaw !== 'string' || usernameRaw.trim() === '') {
        throw new AuthError('invalid_input', 400, '请输入账号和密码');
      }

      const pairKey = `${username ?? `?${usernameRaw.trim().toLowerCase().slice(0, 64)}`}|${address}`;
      const pair = await lockout.check(pairKey, t);
      if (pair.locked) {
        await audit({ ...base, result: 'denied', detail: { reason: 'locked', scope: 'account_address' } });
        throw locked(pair.retryAfterSeconds);
      }
      const user = username ? await ctx.userByName(username) : undefined;
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
        const pairState = await lockout.recordFailure(pairKey, t);
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
        throw new AuthError('disabled', 403, '账号已停用，请联系管理员');
      }

      await lockout.recordSuccess(pairKey);
      await db
        .update(users)
        .set({
          failedLogins: 0,
          lockedUntil: null,
          ...(needsRehash(user.passwordHash, params) ? { passwordHash: await hashPassword(password, params) } : {}),
        })
        .where(eq(users.id, user.id));

      const session = await sessions.open(user, at, { ip, userAgent, previousToken });
      const mfaRequired = mfaRequiredFor(user);
      await audit({ ...base, ...who, result: 'success', detail: { mfaRequired } });
      return { ...session, mfaRequired, mfaEnrolled: user.totpEnrolledAt !== null, user: publicUser(user) };
    },

    /** The second factor for a session that has passed the password. Replayed codes are refused. */
    async verifyMfa(token: unknown, code: unknown, ip?: string | null): Promise<Authenticated> {
      const at = now();
      const t = at.getTime();
      const auth = await sessions.requireSession(token, at);
      if (auth.session.mfaPassed) return auth;
      const u = (await ctx.userById(auth.user.id))!;
      if (!u.totpEnrolledAt || !u.totpSecret) throw new AuthError('mfa_not_enrolled', 409, '尚未绑定动态口令，请先完成绑定');
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

      await mfaPassed(auth);
      await audit({ ...userFields(u, ip), action: 'mfa.verify', target: 'session', result: 'success', detail: { drift: match!.drift } });
      return { ...auth, session: { ...auth.session, mfaPassed: true }, mfaSatisfied: true };
    },

    /** Starts TOTP enrolment: a fresh secret, kept sealed and pending until confirmed with a code. */
    async beginTotpEnrolment(token: unknown): Promise<TotpEnrolment> {
      const at = now();
      const auth = await sessions.requireSession(token, at);
      if (auth.user.mfaEnrolled) throw new AuthError('mfa_already_enrolled', 409, '已绑定动态口令；如需更换，请联系管理员重置');
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
      const auth = await sessions.requireSession(token, at);
      const u = (await ctx.userById(auth.user.id))!;
      if (u.totpEnrolledAt) throw new AuthError('mfa_already_enrolled', 409, '已绑定动态口令；如需更换，请联系管理员重置');
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
      await mfaPassed(auth);
      await audit({ ...userFields(u, ip), action: 'mfa.enrol', target: 'session', result: 'success' });
      return {
        ...auth,
        user: { ...auth.user, mfaEnrolled: true },
        session: { ...auth.session, mfaPassed: true },
        mfaRequired: true,
        mfaSatisfied: true,
      };
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
