// The one place every API request is authorised, from its route's declared scope (server/http/route.ts).
//
// Before a handler runs: the session cookie, the second factor and, for anything but GET, the CSRF
// header; then `decide` (domain/access.ts) with the region of the campaign, the unit or the plan the
// request names. Another region's object is answered 404 with no data, a role without the action 403;
// both are written to the audit log, as is every state-changing request and every export. Routes whose
// region lies in the body (an escalation, a screening result) check it in their handler with
// `requireRegion`, before they take any lock (the denial is audited through the database handle).
import type { IncomingHttpHeaders } from 'node:http';
import { eq } from 'drizzle-orm';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../../db/client';
import { campaigns } from '../../db/schema';
import { campaignScope, decide, denialMessage, isRegionCode, regionOutsideWarning, roleAllows, type Action, type Subject } from '../../domain/access';
import { appendAudit } from '../../services/audit';
import { actorAuditFields, actorOf, csrfOk, type Authenticated, type AuthService } from '../auth/service';
import { HttpProblem } from '../errors';
import type { RouteSpec } from './route';

export const SESSION_COOKIE = 'campaign_session';

/** Campaign-scoped reads that a user may make from above or below the campaign's region. */
const CAMPAIGN_READS = new Set<Action>(['campaign.read', 'hardship.read', 'hardship.export', 'mobilisation.export']);

// ---- what handlers read ----

export interface RequestAuth {
  auth: Authenticated;
  /** The region this request may see within the campaign it names (campaign routes), else the user's. */
  scope: string;
  ip: string | null;
}

export function authOf(res: Response): RequestAuth {
  const a = res.locals.requestAuth as RequestAuth | undefined;
  if (!a) throw new HttpProblem(401, '未登录', '请先登录');
  return a;
}
/** Who did it, as recorded on campaigns, reports and answers: 显示名(账号). */
export function actorName(res: Response): string {
  const { user } = authOf(res).auth;
  return `${user.displayName}(${user.username})`;
}
export const subjectOf = (res: Response): Subject => {
  const { user } = authOf(res).auth;
  return { role: user.role, regionCode: user.regionCode };
};

/** For routes whose region comes from the object a body names: refuse (404 or 403, audited) unless allowed. */
export async function requireRegion(db: Db, res: Response, action: Action, regionCode: string | null): Promise<void> {
  const a = authOf(res);
  const decision = regionCode ? decide(subjectOf(res), action, { regionCode }) : ({ allow: false, reason: 'invalid', asNotFound: true, message: '未找到' } as const);
  if (decision.allow) return;
  await deny(db, a, action, `${res.req.method} ${res.req.baseUrl}${res.req.path}`, decision.asNotFound);
}

/**
 * Refuses (audited). Another region's object is 404 with nothing said; otherwise 403 with the reason in
 * words: what the role lacks, or whose the object is (a campaign above the user's region that they see),
 * or the problem the caller gives (a plan outside the user's region: their own text, so saying why leaks nothing).
 */
async function deny(
  db: Db,
  a: { auth: Authenticated; ip: string | null },
  action: Action,
  target: string,
  asNotFound: boolean,
  above?: { regionCode: string; name?: string },
  problem?: HttpProblem,
): Promise<never> {
  const reason = problem ? problem.detail : asNotFound ? 'region' : above && roleAllows(a.auth.user.role, action) ? 'above' : 'role';
  await appendAudit(db, {
    ...actorAuditFields(actorOf(a.auth, a.ip)),
    action: 'authz.denied',
    target,
    result: 'denied',
    regionCode: a.auth.user.regionCode,
    detail: { needs: action, reason },
  });
  if (problem) throw problem;
  if (asNotFound) throw new HttpProblem(404, '未找到', '未找到');
  const user = { role: a.auth.user.role, regionCode: a.auth.user.regionCode };
  throw new HttpProblem(403, '无权限', denialMessage(user, action, reason === 'above' ? 'region' : 'role', above));
}

// ---- cookies ----

export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Expires=${expiresAt.toUTCString()}${secure ? '; Secure' : ''}`;
}
export const clearedCookie = (secure: boolean) => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;

export const ipOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? null;

// ---- the guard ----

export interface GuardDeps {
  db: Db;
  auth: AuthService;
  /** The demo plan's region (a launch of the demo names no plan in its body). */
  demoRegion: () => string;
}

/** The signed-in user of a request that needs one, or a 401 problem (no session, or a second factor owed). */
async function sessionOf(deps: GuardDeps, req: Request, signingIn: boolean): Promise<RequestAuth> {
  const token = readCookie(req.headers, SESSION_COOKIE);
  const a = token ? await deps.auth.authenticate(token) : null;
  if (!a) throw new HttpProblem(401, '未登录', '登录已过期或尚未登录，请重新登录', undefined, 'urn:problem:unauthenticated');
  if (!a.mfaSatisfied && !signingIn) throw new HttpProblem(401, '需要动态口令', '请先完成动态口令验证', undefined, 'urn:problem:mfa-required');
  return { auth: a, scope: a.user.regionCode, ip: ipOf(req) };
}

/** Authorises a request for `route`: sets `res.locals.requestAuth` or refuses (audited). */
export function authorize(route: RouteSpec, deps: GuardDeps): RequestHandler {
  const { db } = deps;
  const s = route.scope;
  const campaignOf = async (id: string) => {
    const [c] = await db.select({ regionCode: campaigns.regionCode, name: campaigns.regionName }).from(campaigns).where(eq(campaigns.id, id));
    return c ?? null;
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (s.kind === 'public') return next();
      const requestAuth = await sessionOf(deps, req, s.kind === 'signing-in');
      const a = requestAuth.auth;
      if (req.method !== 'GET' && req.method !== 'HEAD' && !route.csrfExempt && !csrfOk(a.session, req.get('X-CSRF-Token'))) {
        throw new HttpProblem(403, '请求被拒绝', '缺少或错误的 CSRF 令牌；请刷新页面后重试', undefined, 'urn:problem:csrf');
      }
      res.locals.requestAuth = requestAuth;
      if (a.user.mustChangePassword && s.kind !== 'signing-in' && !route.duringPasswordChange) {
        throw new HttpProblem(403, '请先修改密码', '您的密码由管理员设置，请先修改为只有您自己知道的密码，再继续使用。', undefined, 'urn:problem:password-change-required');
      }
      const path = `${req.baseUrl}${req.path}`;
      const params = req.params as Record<string, string>;
      const user: Subject = { role: a.user.role, regionCode: a.user.regionCode };
      if (s.kind === 'role' || s.kind === 'handler') {
        if (!roleAllows(user.role, s.action)) await deny(db, requestAuth, s.action, path, false);
      } else if (s.kind === 'campaign' || s.kind === 'unit') {
        const campaign = await campaignOf(params.id);
        if (!campaign) await deny(db, requestAuth, s.action, path, true);
        const region = campaign!.regionCode;
        const scope = campaignScope(user, region);
        if (!scope) await deny(db, requestAuth, s.action, path, true);
        const target = s.kind === 'unit' ? { regionCode: params.code } : { regionCode: region, campaign: CAMPAIGN_READS.has(s.action) };
        const decision = decide(user, s.action, target);
        if (!decision.allow) {
          // The campaign is visible to this user (above or below them): a write on it from below is
          // refused with the reason (无权限), not hidden as "not found", which would only confuse.
          const visibleWhole = s.kind === 'campaign' && decision.reason === 'region';
          await deny(db, requestAuth, s.action, path, decision.asNotFound && !visibleWhole, visibleWhole ? { regionCode: region, name: campaign!.name } : undefined);
        }
        requestAuth.scope = s.kind === 'unit' ? params.code : scope!;
      } else if (s.kind === 'campaign-part') {
        const region = (await campaignOf(params.id))?.regionCode ?? null;
        const scope = region ? campaignScope(user, region) : null;
        if (!scope) await deny(db, requestAuth, s.action, path, true);
        if (!roleAllows(user.role, s.action)) await deny(db, requestAuth, s.action, path, false);
        requestAuth.scope = scope!;
      } else if (s.kind === 'plan') {
        // A plan without a readable region is invalid: its handler refuses it (400) and launches nothing.
        // Any plan that can launch names its region, so it is decided here.
        if (!roleAllows(user.role, s.action)) await deny(db, requestAuth, s.action, path, false);
        const region = route.path === '/api/demo' ? { code: deps.demoRegion(), name: deps.demoRegion() } : planRegion(req.body);
        const decision = region && isRegionCode(region.code) ? decide(user, s.action, { regionCode: region.code }) : null;
        if (decision && !decision.allow) {
          // The plan is the user's own text, so nothing leaks by saying why: its region is outside theirs
          // (the preview said so as a blocking problem), answered 403 with the reason, never 未找到.
          const outside = decision.reason === 'region' ? regionOutsideWarning(region!, user) : null;
          await deny(db, requestAuth, s.action, path, decision.asNotFound && !outside, undefined, outside ? new HttpProblem(403, '不能启动该方案', outside.message.zh, undefined, 'urn:problem:plan-region-outside') : undefined);
        }
      }
      // Writes, exports and personal data are recorded with their outcome once answered.
      if (s.kind !== 'signing-in' && (req.method !== 'GET' || route.audit)) {
        const action = route.auditAction ?? ('action' in s ? s.action : 'session');
        // 'close', not 'finish': a streamed export the client abandons never finishes, and must still be recorded.
        res.on('close', () => {
          void appendAudit(db, {
            ...actorAuditFields(actorOf(a, requestAuth.ip)),
            action: `${action}`.replace(/[^a-z0-9_.]/g, '_'),
            target: `${req.method} ${route.path}`,
            regionCode: requestAuth.scope,
            result: res.statusCode < 400 ? 'success' : res.statusCode === 403 || res.statusCode === 404 ? 'denied' : 'failure',
            // A handler may add what the entry should say beyond the request (the codec: what it decoded and withheld).
            detail: { params, status: res.statusCode, ...(res.writableFinished ? {} : { aborted: true }), ...(res.locals.auditDetail as Record<string, unknown> | undefined) },
          }).catch((e: unknown) => console.error('[audit] could not record', (e as Error).message));
        });
      }
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** An /api request no route matches: answered 404, but only to a signed-in user (nothing leaks). */
export function unknownRoute(deps: GuardDeps): RequestHandler {
  return async (req, _res, next) => {
    try {
      await sessionOf(deps, req, false);
      next(new HttpProblem(404, '未找到', `没有接口 ${req.method} ${req.path}`));
    } catch (e) {
      next(e);
    }
  };
}

/** The launch body's plan region (code, and name when it has one): JSON `{plan}` or a raw YAML plan. */
function planRegion(body: unknown): { code: string; name: string } | null {
  try {
    const plan = typeof body === 'string' ? parseYaml(body) : (body as { plan?: unknown })?.plan;
    const p = typeof plan === 'string' ? parseYaml(plan) : plan;
    const r = (p as { region?: { code?: unknown; name?: unknown } })?.region;
    return typeof r?.code === 'string' ? { code: r.code, name: typeof r.name === 'string' ? r.name : r.code } : null;
  } catch {
    return null;
  }
}
