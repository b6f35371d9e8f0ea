// The auth service as the API, the launcher and the CLI use it: one object over the three parts, made
// from one context (database, clock, limits). Each part lives in its own module:
//   - sessions.ts: tokens, authenticate (idle and absolute timeouts), logout, CSRF, housekeeping;
//   - signIn.ts:   password login with its lockouts and rate limits, the TOTP second factor;
//   - users.ts:    account administration (create, update, reset password or second factor, unlock, list).
// Every outcome that matters to an auditor (login success and failure, lockouts, second-factor
// failures, logouts, account changes) is appended to the audit log.
//
// Transport-free: the routes (server/authRoutes.ts) set and clear the cookie, read the CSRF header and
// map AuthError to problem details (it is an HttpProblem, so the error middleware already does).
import { authContext, type AuthLimits, type AuthServiceOptions } from './model';
import { createSessions } from './sessions';
import { createSignIn } from './signIn';
import { createUsers } from './users';

export * from './model';
export { csrfOk, sessionIdOf } from './sessions';
export { NewUserSchema, UserPatchSchema, type NewUser, type UserPatch } from './users';

export function createAuthService(options: AuthServiceOptions) {
  const ctx = authContext(options);
  const sessions = createSessions(ctx);
  const signIn = createSignIn(ctx, sessions, options.secretKey);
  const users = createUsers(ctx, sessions);
  return {
    limits: ctx.limits as Readonly<AuthLimits>,
    authenticate: sessions.authenticate,
    csrfOk: sessions.csrfOk,
    logout: sessions.logout,
    purgeExpiredSessions: sessions.purgeExpiredSessions,
    ...signIn,
    ...users,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
