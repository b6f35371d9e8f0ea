// Sessions: tokens, authenticate (idle and absolute timeouts), logout, CSRF, and ending sessions for
// the other parts (a new sign-in, a locked second factor, an administrator's change).
//
// The browser holds a 256-bit random token; the database holds only its sha256, so a copy of the
// sessions table cannot be replayed. A sign-in always makes a fresh token (the previous session of that
// browser, if presented, is ended), which rules out session fixation. A session ends after
// `idleTimeoutMs` without a request and in any case `absoluteTimeoutMs` after sign-in; one still owing
// its second factor ends `mfaPendingTimeoutMs` after sign-in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import { sessions, users } from '../../db/schema';
import { AuthError, mfaRequiredFor, publicUser, userFields, type AuthContext, type Authenticated, type SessionInfo, type UserRow } from './model';

const TOKEN_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const newToken = () => randomBytes(TOKEN_BYTES).toString('base64url');

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

export function createSessions(ctx: AuthContext) {
  const { db, now, limits } = ctx;

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
    if (!auth) throw new AuthError('session_invalid', 401, '登录已失效，请重新登录');
    return auth;
  }

  /**
   * A new session for a user whose password was right. Rotation: whatever session this browser held
   * (`previousToken`) ends; the new one shares nothing with it.
   */
  async function open(user: UserRow, at: Date, client: { ip?: string | null; userAgent?: string | null; previousToken?: unknown }) {
    const previousId = sessionIdOf(client.previousToken);
    if (previousId) await db.delete(sessions).where(eq(sessions.id, previousId));
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = new Date(at.getTime() + limits.absoluteTimeoutMs);
    await db.insert(sessions).values({
      id: sessionIdOf(token)!,
      userId: user.id,
      csrfToken,
      createdAt: at,
      lastSeenAt: at,
      expiresAt,
      ip: client.ip ?? null,
      userAgent: client.userAgent ? client.userAgent.slice(0, 512) : null,
      mfaPassed: false,
    });
    return { token, csrfToken, expiresAt };
  }

  return {
    authenticate,
    requireSession,
    open,
    csrfOk,

    /** The session has passed its second factor. */
    async markMfaPassed(sessionId: string): Promise<void> {
      await db.update(sessions).set({ mfaPassed: true }).where(eq(sessions.id, sessionId));
    },

    async end(sessionId: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.id, sessionId));
    },

    /** Ends every session of a user (but `except`); returns how many ended. */
    async endAllOf(userId: number, except?: string): Promise<number> {
      const where = except ? and(eq(sessions.userId, userId), sql`${sessions.id} <> ${except}`) : eq(sessions.userId, userId);
      const gone = await db.delete(sessions).where(where).returning({ id: sessions.id });
      return gone.length;
    },

    /** Ends the user's sessions still owing their second factor. */
    async endPendingOf(userId: number): Promise<void> {
      await db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.mfaPassed, false)));
    },

    /** Ends the session. True when there was one. */
    async logout(token: unknown, ip?: string | null): Promise<boolean> {
      const id = sessionIdOf(token);
      if (!id) return false;
      const [gone] = await db.delete(sessions).where(eq(sessions.id, id)).returning({ userId: sessions.userId });
      if (!gone) return false;
      const u = await ctx.userById(gone.userId);
      if (u) await ctx.audit({ ...userFields(u, ip), action: 'logout', target: 'session', result: 'success' });
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
  };
}

export type Sessions = ReturnType<typeof createSessions>;
