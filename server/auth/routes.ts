// Sign-in, the second factor, the session, accounts (admins) and the audit log (auditors).
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AuditPageDto, ChangePasswordRequestSchema, LoginRequestSchema, MfaCodeRequestSchema, ResetPasswordRequestSchema, SessionDto, TotpEnrolmentDto, UserDto, type SessionView, type UserView } from '../../contracts/api/auth';
import { campaigns } from '../../db/schema';
import { isRegionCode, regionContains, ROLE_ACTIONS } from '../../domain/access';
import { auditActor, auditResult, auditWhat } from '../../domain/auditText';
import { DEFAULT_TIME_ZONE, formatLocal } from '../../domain/time';
import { AuditSearchSchema, searchAudit } from '../../services/audit';
import { HttpProblem } from '../errors';
import { SESSION_COOKIE, authOf, clearedCookie, ipOf, readCookie, sessionCookie } from '../http/access';
import { IntRowIdSchema, route } from '../http/route';
import { AuthError, NewUserSchema, UserPatchSchema, actorOf, type Authenticated, type PublicUser } from './service';
import { sendXlsx, XLSX_TYPE } from '../http/files';

export function sessionView(a: Authenticated): SessionView {
  return {
    user: userView(a.user),
    mfaRequired: a.mfaRequired,
    mfaEnrolled: a.user.mfaEnrolled,
    mfaSatisfied: a.mfaSatisfied,
    passwordChangeRequired: a.user.mustChangePassword,
    csrfToken: a.session.csrfToken,
    expiresAt: a.session.expiresAt.toISOString(),
    actions: [...ROLE_ACTIONS[a.user.role]],
  };
}
export function userView(u: PublicUser): UserView {
  return { ...u, lockedUntil: u.lockedUntil ? u.lockedUntil.toISOString() : null, createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString() };
}

const token = (req: Request) => readCookie(req.headers, SESSION_COOKIE);
const actor = (res: Response) => actorOf(authOf(res).auth, authOf(res).ip);
const UserParams = z.object({ userId: IntRowIdSchema });

const AUDIT_EXPORT_MAX = 20_000;

/** The auditor's filters: a `unit` narrows to that unit's subtree, which must lie inside the auditor's region. */
const AuditQuerySchema = AuditSearchSchema.omit({ region: true, includeUnscoped: true }).extend({
  unit: z.string().refine(isRegionCode, '区划代码应为 6、9 或 12 位数字').optional(),
});

function auditScope(res: Response, query: Omit<z.infer<typeof AuditQuerySchema>, 'limit'> & { limit?: number }) {
  const { user } = authOf(res).auth;
  const { unit, ...rest } = query;
  if (unit && !regionContains(user.regionCode, unit)) throw new HttpProblem(404, '未找到', '未找到');
  // The top-level auditor also sees entries with no region (failed logins on unknown accounts).
  const top = user.regionCode.length === 6 && user.regionCode.endsWith('00');
  return { ...rest, region: unit ?? user.regionCode, includeUnscoped: !unit && top };
}

const session = { description: '会话', schema: SessionDto };
const done = { 204: { description: '完成' } };

export const authRoutes = [
  route({
    method: 'POST',
    path: '/api/auth/login',
    summary: '登录（设置 httpOnly 会话 Cookie）',
    scope: { kind: 'public' },
    bodyLimit: '16kb',
    // Sign-in is the one body anybody may send before any session: a coarse per-address limit comes
    // before it is even read (the sign-in service counts attempts more finely after).
    beforeBody: (d) => (req, res, next) => {
      const decision = d.limits.preLogin.hit(ipOf(req) ?? 'unknown', d.now());
      if (decision.allowed) return next();
      res.setHeader('Retry-After', String(decision.retryAfterSeconds));
      next(new HttpProblem(429, '请求过于频繁', `登录请求过于频繁，请 ${Math.ceil(decision.retryAfterSeconds / 60)} 分钟后再试`));
    },
    body: LoginRequestSchema,
    answers: { 200: session, 400: { description: '请求无效' }, 401: { description: '账号或密码错误' }, 403: { description: '账号已停用' }, 429: { description: '尝试过多，已锁定' } },
    handler: async ({ body, req, res }, d) => {
      try {
        const r = await d.auth.login(body.username, body.password, ipOf(req), req.get('user-agent') ?? null, token(req));
        res.setHeader('Set-Cookie', sessionCookie(r.token, r.expiresAt, d.cookieSecure));
        return sessionView((await d.auth.authenticate(r.token))!);
      } catch (e) {
        if (e instanceof AuthError && e.retryAfterSeconds) res.setHeader('Retry-After', String(e.retryAfterSeconds));
        throw e;
      }
    },
  }),
  route({
    method: 'GET',
    path: '/api/auth/session',
    summary: '当前会话',
    scope: { kind: 'signing-in' },
    answers: { 200: session, 401: { description: '未登录' } },
    handler: async ({ res }) => sessionView(authOf(res).auth),
  }),
  route({
    method: 'POST',
    path: '/api/auth/mfa/enrol',
    summary: '开始绑定动态口令',
    scope: { kind: 'signing-in' },
    bodyLimit: '16kb',
    answers: { 200: { description: '密钥', schema: TotpEnrolmentDto }, 401: { description: '未登录' }, 409: { description: '已绑定' } },
    handler: async ({ req }, d) => d.auth.beginTotpEnrolment(token(req)),
  }),
  route({
    method: 'POST',
    path: '/api/auth/mfa/confirm',
    summary: '确认绑定',
    scope: { kind: 'signing-in' },
    bodyLimit: '16kb',
    body: MfaCodeRequestSchema,
    answers: { 200: session, 401: { description: '口令错误' } },
    handler: async ({ req, body }, d) => sessionView(await d.auth.confirmTotpEnrolment(token(req), body.code, ipOf(req))),
  }),
  route({
    method: 'POST',
    path: '/api/auth/mfa/verify',
    summary: '验证动态口令',
    scope: { kind: 'signing-in' },
    bodyLimit: '16kb',
    body: MfaCodeRequestSchema,
    answers: { 200: session, 401: { description: '口令错误' } },
    handler: async ({ req, body }, d) => sessionView(await d.auth.verifyMfa(token(req), body.code, ipOf(req))),
  }),
  route({
    method: 'POST',
    path: '/api/auth/password',
    summary: '修改密码（管理员设置的密码须在首次登录时修改）',
    scope: { kind: 'session' },
    duringPasswordChange: true,
    bodyLimit: '16kb',
    body: ChangePasswordRequestSchema,
    answers: { 204: { description: '已修改' }, 400: { description: '不符合要求' }, 401: { description: '原密码错误' } },
    handler: async ({ req, body }, d) => void (await d.auth.changePassword(token(req), body.currentPassword, body.newPassword, ipOf(req))),
  }),
  route({
    method: 'POST',
    path: '/api/auth/logout',
    summary: '退出登录',
    scope: { kind: 'signing-in' },
    bodyLimit: '16kb',
    answers: { 204: { description: '已退出' } },
    handler: async ({ req, res }, d) => {
      await d.auth.logout(token(req), ipOf(req));
      res.setHeader('Set-Cookie', clearedCookie(d.cookieSecure));
    },
  }),
  route({
    method: 'GET',
    path: '/api/users',
    summary: '账户列表（管理员）',
    scope: { kind: 'role', action: 'user.manage' },
    answers: { 200: { description: '列表', schema: z.object({ users: z.array(UserDto) }) } },
    handler: async ({ res }, d) => ({ users: (await d.auth.listUsers(actor(res), { limit: 500 })).map(userView) }),
  }),
  route({
    method: 'POST',
    path: '/api/users',
    summary: '新建账户（管理员）',
    scope: { kind: 'role', action: 'user.manage' },
    bodyLimit: '16kb',
    body: NewUserSchema,
    answers: { 201: { description: '账户', schema: UserDto }, 409: { description: '账号已存在' } },
    handler: async ({ res, body }, d) => userView(await d.auth.createUser(actor(res), body)),
  }),
  route({
    method: 'PATCH',
    path: '/api/users/:userId',
    summary: '修改账户',
    scope: { kind: 'role', action: 'user.manage' },
    bodyLimit: '16kb',
    params: UserParams,
    body: UserPatchSchema,
    answers: { 200: { description: '账户', schema: UserDto }, 404: { description: '不存在' } },
    handler: async ({ res, params, body }, d) => userView(await d.auth.updateUser(actor(res), params.userId, body)),
  }),
  route({
    method: 'POST',
    path: '/api/users/:userId/password',
    summary: '重置密码',
    scope: { kind: 'role', action: 'user.manage' },
    bodyLimit: '16kb',
    params: UserParams,
    body: ResetPasswordRequestSchema,
    answers: { ...done, 404: { description: '不存在' } },
    handler: async ({ res, params, body }, d) => void (await d.auth.resetPassword(actor(res), params.userId, body.password)),
  }),
  route({
    method: 'POST',
    path: '/api/users/:userId/unlock',
    summary: '解除锁定',
    scope: { kind: 'role', action: 'user.manage' },
    bodyLimit: '16kb',
    params: UserParams,
    answers: { ...done, 404: { description: '不存在' } },
    handler: async ({ res, params }, d) => void (await d.auth.unlockUser(actor(res), params.userId)),
  }),
  route({
    method: 'POST',
    path: '/api/users/:userId/reset-mfa',
    summary: '重置动态口令',
    scope: { kind: 'role', action: 'user.manage' },
    bodyLimit: '16kb',
    params: UserParams,
    answers: { ...done, 404: { description: '不存在' } },
    handler: async ({ res, params }, d) => void (await d.auth.resetMfa(actor(res), params.userId)),
  }),
  route({
    method: 'GET',
    path: '/api/audit',
    summary: '审计日志（审计员，本辖区；可按人员、单位、事项、日期筛选）',
    scope: { kind: 'role', action: 'audit.read' },
    query: AuditQuerySchema,
    answers: { 200: { description: '记录', schema: AuditPageDto }, 404: { description: '单位不在本辖区' } },
    handler: async ({ res, query }, d) => {
      const page = await searchAudit(d.db, auditScope(res, query));
      return { rows: page.rows.map((r) => ({ ...r, at: r.at.toISOString() })), nextBefore: page.nextBefore };
    },
  }),
  route({
    method: 'GET',
    path: '/api/audit/xlsx',
    summary: '导出审计日志（XLSX，每条一句话；同一筛选，最多 20000 条）',
    scope: { kind: 'role', action: 'audit.read' },
    audit: true,
    query: AuditQuerySchema.omit({ before: true, limit: true }),
    answers: { 200: { description: 'XLSX', contentType: XLSX_TYPE }, 404: { description: '单位不在本辖区' } },
    handler: async ({ res, query }, d) => {
      const filters = auditScope(res, query);
      const names = new Map((await d.db.select({ id: campaigns.id, title: campaigns.title }).from(campaigns)).map((c) => [c.id, c.title]));
      const at = (t: Date) => formatLocal(t.getTime(), DEFAULT_TIME_ZONE);
      async function* rows() {
        yield ['时间', '人员', '事项', '结果', '区域', 'IP 地址', '记录'];
        let before: number | undefined;
        for (let n = 0; n < AUDIT_EXPORT_MAX; ) {
          const page = await searchAudit(d.db, { ...filters, limit: 500, ...(before ? { before } : {}) });
          for (const r of page.rows) yield [at(r.at), auditActor(r), auditWhat(r, names), auditResult(r), r.regionCode ?? '', r.ip ?? '', r.id];
          n += page.rows.length;
          if (page.nextBefore === null) break;
          before = page.nextBefore;
        }
      }
      await sendXlsx(res, 'audit-log.xlsx', [{ name: '审计日志', rows: rows(), widths: [18, 28, 60, 16, 14, 16, 10] }]);
    },
  }),
];
