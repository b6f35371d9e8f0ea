// Account administration: admins within their region (the CLI as SYSTEM_ACTOR) create, change, list
// and read accounts, reset a forgotten password or a lost second factor and lift a lock; a user
// changes their own password. Every action, and every denial, is in the audit log; a change that
// alters what a user may do ends their sessions.
import { eq, like } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema';
import { decide, REGION_CODE, regionPrefix, ROLES } from '../../domain/access';
import { checkPasswordPolicy, hashPassword, PasswordInputError, verifyPassword } from '../security/password';
import { actorAuditFields, AuthError, publicUser, USERNAME, userFields, type Actor, type AuthContext, type PublicUser, type UserRow } from './model';
import type { Sessions } from './sessions';

// Input schemas (zod at the boundary; the routes pass request bodies straight in)

const USERNAME_MESSAGE = '账号名应为 2–32 位小写字母、数字或 . _ -，并以字母或数字开头';

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

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (e.code === '23505') return true;
  }
  return false;
}

export function createUsers(ctx: AuthContext, sessions: Sessions) {
  const { db, now, passwordParams: params, audit } = ctx;

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
    const u = Number.isSafeInteger(userId) && userId > 0 ? await ctx.userById(userId) : undefined;
    if (!u) {
      await audit({ ...actorAuditFields(actor), action, target: `user#${userId}`, result: 'failure', detail: { reason: 'not_found' } });
      throw new AuthError('not_found', 404, '未找到该账号');
    }
    await authorizeManage(actor, u.regionCode, action, `user:${u.username}`);
    return u;
  }

  return {
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
            // An admin chose this password, so the admin knows it: the user replaces it at first sign-in.
            // The first admin, made at the command line by its own operator, does not have to.
            mustChangePassword: actor.role !== 'system',
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
        throw new AuthError('forbidden', 403, '不能停用自己的账号，也不能修改自己的角色或区划；请由其他管理员操作');
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
      const revoked = revoke ? await sessions.endAllOf(u.id) : 0;
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
      await db.update(users).set({ passwordHash, failedLogins: 0, lockedUntil: null, mustChangePassword: actor.role !== 'system', updatedAt: now() }).where(eq(users.id, u.id));
      const revoked = await sessions.endAllOf(u.id);
      await audit({ ...actorAuditFields(actor), action: 'user.password_reset', target: `user:${u.username}`, regionCode: u.regionCode, result: 'success', detail: { sessionsEnded: revoked } });
    },

    /** The user changes their own password; their other sessions end. */
    async changePassword(token: unknown, currentPassword: unknown, newPassword: unknown, ip?: string | null): Promise<void> {
      const at = now();
      const auth = await sessions.requireSession(token, at);
      if (!auth.mfaSatisfied) throw new AuthError('session_invalid', 401, '请先完成动态口令验证');
      if (typeof currentPassword !== 'string' || typeof newPassword !== 'string') throw new AuthError('invalid_input', 400, '请输入当前密码和新密码');
      const u = (await ctx.userById(auth.user.id))!;
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
      if (newPassword === currentPassword) {
        throw new AuthError('weak_password', 400, '密码不符合要求', { errors: [{ path: 'newPassword', message: '新密码不能与当前密码相同' }] });
      }
      await db.update(users).set({ passwordHash: await hashPassword(newPassword, params), mustChangePassword: false, updatedAt: at }).where(eq(users.id, u.id));
      const revoked = await sessions.endAllOf(u.id, auth.session.id);
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
      const revoked = await sessions.endAllOf(u.id);
      await audit({ ...actorAuditFields(actor), action: 'user.mfa_reset', target: `user:${u.username}`, regionCode: u.regionCode, result: 'success', detail: { sessionsEnded: revoked } });
    },

    /** Accounts in the actor's subtree, by username. */
    async listUsers(actor: Actor, page: { limit?: number; offset?: number } = {}): Promise<PublicUser[]> {
      if (actor.role !== 'system') {
        if (!actor.regionCode) throw new AuthError('forbidden', 403, '无权限：当前账户没有管辖区域，不能管理用户');
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

export type Users = ReturnType<typeof createUsers>;
