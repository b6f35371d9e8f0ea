// Shapes of the sign-in, user-management and audit routes (server/authRoutes.ts); the console re-exports
// the types (web/src/types/api.ts).
//
// Routes:
//   POST /api/auth/login            LoginRequest -> SessionDto, sets the httpOnly session cookie
//   GET  /api/auth/session          -> SessionDto (401 without a live session)
//   POST /api/auth/mfa/enrol        -> TotpEnrolmentDto (a user without a second factor yet)
//   POST /api/auth/mfa/confirm      MfaCodeRequest -> SessionDto (enrolment confirmed, factor passed)
//   POST /api/auth/mfa/verify       MfaCodeRequest -> SessionDto
//   POST /api/auth/password         ChangePasswordRequest -> 204
//   POST /api/auth/logout           -> 204, clears the cookie
//   GET  /api/users                 -> { users: UserDto[] }                 (admin)
//   POST /api/users                 NewUserRequest -> 201 UserDto           (admin)
//   PATCH /api/users/:userId        UserPatchRequest -> UserDto             (admin)
//   POST /api/users/:userId/password  ResetPasswordRequest -> 204          (admin)
//   POST /api/users/:userId/unlock    -> 204                               (admin)
//   POST /api/users/:userId/reset-mfa -> 204                               (admin)
//   GET  /api/audit?from&to&actor&action&result&before&limit -> AuditPageDto (auditor)
//
// Every request except GET/HEAD and the login itself must carry `X-CSRF-Token: <SessionDto.csrfToken>`.
// 401 problem `type: urn:problem:unauthenticated` means sign in again; `urn:problem:mfa-required`
// means the session still owes its second factor (enrol when `mfaEnrolled` is false, else verify).
import { z } from 'zod';
import { ROLES } from '../../domain/access';

export const UserDto = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  regionCode: z.string(),
  disabled: z.boolean(),
  mfaEnrolled: z.boolean(),
  /** An admin set the password; the user must change it before anything else. */
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const SessionDto = z.object({
  user: UserDto,
  mfaRequired: z.boolean(),
  mfaEnrolled: z.boolean(),
  /** False until a required second factor is passed: only the MFA routes and logout work. */
  mfaSatisfied: z.boolean(),
  /**
   * The password was set by an admin (a new account, a reset): until it is changed, every route but
   * the sign-in steps and POST /api/auth/password answers 403 `urn:problem:password-change-required`.
   */
  passwordChangeRequired: z.boolean(),
  csrfToken: z.string(),
  expiresAt: z.string(),
  /** What the console may offer this user (domain/access.ts actions, by role). */
  actions: z.array(z.string()),
});
export const LoginRequestSchema = z.object({ username: z.string().max(64), password: z.string().max(1024) }).strict();
export const MfaCodeRequestSchema = z.object({ code: z.string().regex(/^\d{6}$/, '请输入 6 位数字动态口令') }).strict();
export const TotpEnrolmentDto = z.object({ secret: z.string(), otpauthUri: z.string() });
export const ChangePasswordRequestSchema = z.object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) }).strict();
export const ResetPasswordRequestSchema = z.object({ password: z.string().max(1024) }).strict();
export const AuditRowDto = z.object({
  id: z.number(),
  at: z.string(),
  actorUsername: z.string().nullable(),
  role: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  result: z.string(),
  ip: z.string().nullable(),
  regionCode: z.string().nullable(),
  detail: z.unknown(),
});
export const AuditPageDto = z.object({ rows: z.array(AuditRowDto), nextBefore: z.number().nullable() });

export type UserView = z.infer<typeof UserDto>;
export type SessionView = z.infer<typeof SessionDto>;
export type TotpEnrolmentView = z.infer<typeof TotpEnrolmentDto>;
export type AuditRowView = z.infer<typeof AuditRowDto>;
export type AuditPageView = z.infer<typeof AuditPageDto>;
