// Sign-in, sessions and the one place every API request is authorised.
//
// `POLICY` lists every route the app serves with the action it needs (domain/access.ts) and where the
// region it acts on comes from. `guard` runs before any route: it finds the request's entry (a route
// missing from the table is refused: fail closed), checks the session cookie, the second factor and,
// for anything but GET, the CSRF header; then asks `decide` with the region of the campaign, the unit
// or the plan named by the request. Another region's object is answered 404 with no data, a role
// without the action 403; both are written to the audit log, as is every state-changing request and
// every export. Routes whose region lies in the body (an escalation, a screening result) check it in
// their handler with `requireRegion`.
import type { IncomingHttpHeaders } from 'node:http';
import { eq } from 'drizzle-orm';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { match, type MatchFunction } from 'path-to-regexp';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../db/client';
import { campaigns } from '../db/schema';
import { ROLE_ACTIONS, campaignScope, decide, isRegionCode, roleAllows, type Action, type Subject } from '../domain/access';
import { appendAudit, searchAudit, AuditSearchSchema } from '../services/audit';
import { ChangePasswordRequestSchema, LoginRequestSchema, MfaCodeRequestSchema, ResetPasswordRequestSchema, type SessionView, type UserView } from '../contracts/api/auth';
import { AuthError, NewUserSchema, UserPatchSchema, actorAuditFields, actorOf, csrfOk, type Authenticated, type AuthService, type PublicUser } from './auth/service';
import { IntRowIdSchema } from '../contracts/api/campaigns';
import { HttpProblem, param } from './errors';
import { demoPlan } from './campaigns/examples';
import { z } from 'zod';

export const SESSION_COOKIE = 'campaign_session';

export type Scope =
  /** No session needed. */
  | { kind: 'public' }
  /** A session, even one still owing its second factor (sign-in steps, logout). */
  | { kind: 'signing-in' }
  /** Any signed-in user; the handler filters by the user's region. */
  | { kind: 'session' }
  /** The role must have the action; the object is not regional (the calendar, accounts, the audit log). */
  | { kind: 'role'; action: Action }
  /** The campaign `:id`: reads reach campaigns above and below the user's region, writes need containment. */
  | { kind: 'campaign'; action: Action }
  /** The unit `:code` of campaign `:id`. */
  | { kind: 'unit'; action: Action }
  /**
   * A part of campaign `:id` that the body names (a county to screen), else the whole campaign: the
   * guard checks that the campaign is visible and the role; the handler checks the part's region with
   * `requireRegion` (a county supervisor acts on their county of a city's campaign).
   */
  | { kind: 'campaign-part'; action: Action }
  /** The region of the plan in the body (a launch). */
  | { kind: 'plan'; action: Action }
  /** The role here; the region in the handler (`requireRegion`), from an object the body names. */
  | { kind: 'handler'; action: Action };

export interface PolicyEntry {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  scope: Scope;
  /** Recorded in the audit log even though it is a GET (exports, personal data). */
  audit?: boolean;
  /** No CSRF header needed: a read that another origin must call (Temporal UI's codec requests). */
  csrfExempt?: boolean;
  /** Starts, signals, updates or describes a workflow: answered 503 at once while Temporal is down. */
  temporal?: boolean;
}

const C = '/api/campaigns/:id';
const H = `${C}/hardship`;
const read = (path: string, action: Action = 'campaign.read', audit = false): PolicyEntry => ({ method: 'GET', path, scope: { kind: 'campaign', action }, audit });

/** Every route of the app. The route inventory test fails when a registered route is missing here. */
export const POLICY: PolicyEntry[] = [
  { method: 'GET', path: '/api/health', scope: { kind: 'public' } },
  { method: 'GET', path: '/api/openapi.json', scope: { kind: 'public' } },
  { method: 'GET', path: '/api/config', scope: { kind: 'public' } },
  { method: 'POST', path: '/api/auth/login', scope: { kind: 'public' } },
  { method: 'GET', path: '/api/auth/session', scope: { kind: 'signing-in' } },
  { method: 'POST', path: '/api/auth/mfa/enrol', scope: { kind: 'signing-in' } },
  { method: 'POST', path: '/api/auth/mfa/confirm', scope: { kind: 'signing-in' } },
  { method: 'POST', path: '/api/auth/mfa/verify', scope: { kind: 'signing-in' } },
  { method: 'POST', path: '/api/auth/logout', scope: { kind: 'signing-in' } },
  { method: 'POST', path: '/api/auth/password', scope: { kind: 'session' } },
  { method: 'GET', path: '/api/users', scope: { kind: 'role', action: 'user.manage' } },
  { method: 'POST', path: '/api/users', scope: { kind: 'role', action: 'user.manage' } },
  { method: 'PATCH', path: '/api/users/:userId', scope: { kind: 'role', action: 'user.manage' } },
  { method: 'POST', path: '/api/users/:userId/password', scope: { kind: 'role', action: 'user.manage' } },
  { method: 'POST', path: '/api/users/:userId/unlock', scope: { kind: 'role', action: 'user.manage' } },
  { method: 'POST', path: '/api/users/:userId/reset-mfa', scope: { kind: 'role', action: 'user.manage' } },
  { method: 'GET', path: '/api/audit', scope: { kind: 'role', action: 'audit.read' } },

  { method: 'GET', path: '/api/plans/examples', scope: { kind: 'session' } },
  { method: 'GET', path: '/api/plans/examples/:name', scope: { kind: 'session' } },
  { method: 'POST', path: '/api/plans/preview', scope: { kind: 'role', action: 'campaign.launch' } },
  { method: 'GET', path: '/api/campaigns', scope: { kind: 'session' } },
  { method: 'POST', path: '/api/campaigns', scope: { kind: 'plan', action: 'campaign.launch' }, temporal: true },
  { method: 'POST', path: '/api/demo', scope: { kind: 'plan', action: 'campaign.launch' }, temporal: true },
  read(C),
  { method: 'GET', path: `${C}/units/:code`, scope: { kind: 'unit', action: 'campaign.read' } },
  { method: 'POST', path: `${C}/advance`, scope: { kind: 'campaign', action: 'campaign.phase' }, temporal: true },
  { method: 'POST', path: `${C}/deadline`, scope: { kind: 'campaign', action: 'campaign.phase' }, temporal: true },
  { method: 'POST', path: `${C}/cancel`, scope: { kind: 'campaign', action: 'campaign.launch' }, temporal: true },
  { method: 'GET', path: '/api/calendar', scope: { kind: 'session' } },
  { method: 'PUT', path: '/api/calendar/:year', scope: { kind: 'role', action: 'calendar.edit' }, temporal: true },
  { method: 'GET', path: '/api/deadlines', scope: { kind: 'session' } },
  { method: 'GET', path: '/api/inbox', scope: { kind: 'session' } },
  { method: 'GET', path: `${C}/units/:code/reporting`, scope: { kind: 'unit', action: 'campaign.read' } },
  { method: 'POST', path: `${C}/units/:code/reports`, scope: { kind: 'unit', action: 'report.submit' }, temporal: true },
  read(`${C}/escalations`),
  { method: 'POST', path: `${C}/escalations/respond`, scope: { kind: 'handler', action: 'escalation.respond' }, temporal: true },
  read(`${C}/circulars`),
  { method: 'POST', path: `${C}/circulars/approve`, scope: { kind: 'campaign', action: 'circular.approve' }, temporal: true },
  read(`${C}/circulars/:seq/print`),
  read(`${C}/circulars/:seq/xlsx`, 'campaign.read', true),
  { method: 'POST', path: `${C}/tax-feed`, scope: { kind: 'campaign', action: 'taxfeed.import' }, temporal: true },
  read(`${C}/tax-feed`),

  { method: 'POST', path: `${H}/uploads`, scope: { kind: 'campaign', action: 'hardship.import' } },
  { method: 'POST', path: `${H}/imports`, scope: { kind: 'campaign', action: 'hardship.import' }, temporal: true },
  read(`${H}/imports`, 'hardship.read'),
  read(`${H}/imports/:importId`, 'hardship.read'),
  { method: 'GET', path: `${H}/imports/:importId/errors.xlsx`, scope: { kind: 'campaign', action: 'hardship.import' }, audit: true },
  { method: 'POST', path: `${H}/screenings`, scope: { kind: 'campaign-part', action: 'hardship.import' }, temporal: true },
  read(H, 'hardship.read'),
  read(`${H}/runs/:runId`, 'hardship.read'),
  read(`${H}/runs/:runId/summary`, 'hardship.read'),
  { method: 'POST', path: `${H}/runs/:runId/results/search`, scope: { kind: 'campaign', action: 'hardship.read' } },
  { method: 'POST', path: `${H}/runs/:runId/results/:resultId/unmask`, scope: { kind: 'handler', action: 'pii.unmask' } },
  { method: 'POST', path: `${H}/refusals`, scope: { kind: 'handler', action: 'hardship.refusal' } },
  { method: 'GET', path: `${H}/refusals/:refusalId/evidence`, scope: { kind: 'handler', action: 'hardship.read' }, audit: true },
  read(`${H}/runs/:runId/ledger.xlsx`, 'hardship.export', true),
  read(`${H}/runs/:runId/mobilisation.xlsx`, 'mobilisation.export', true),
  { method: 'POST', path: '/api/codec/decode', scope: { kind: 'role', action: 'pii.unmask' }, csrfExempt: true },
];

/** Campaign-scoped reads that a user may make from above or below the campaign's region. */
const CAMPAIGN_READS = new Set<Action>(['campaign.read', 'hardship.read', 'hardship.export', 'mobilisation.export']);

interface Compiled extends PolicyEntry {
  matches: MatchFunction<Record<string, string>>;
}
/** A parameter that is not valid percent-encoding is the client's error (Express's own router says 400 too). */
const decodeParam = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpProblem(400, '请求无效', `地址中的参数不是有效的 URL 编码:${value}`);
  }
};
const COMPILED: Compiled[] = POLICY.map((e) => ({ ...e, matches: match(e.path, { decode: decodeParam }) }));

export function policyFor(method: string, path: string): { entry: PolicyEntry; params: Record<string, string> } | null {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const e of COMPILED) {
    if (e.method !== m) continue;
    const r = e.matches(path);
    if (r) return { entry: e, params: r.params as Record<string, string> };
  }
  return null;
}

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

async function deny(db: Db, a: { auth: Authenticated; ip: string | null }, action: Action, target: string, asNotFound: boolean): Promise<never> {
  await appendAudit(db, { ...actorAuditFields(actorOf(a.auth, a.ip)), action: 'authz.denied', target, result: 'denied', regionCode: a.auth.user.regionCode, detail: { needs: action } });
  throw asNotFound ? new HttpProblem(404, '未找到', '未找到') : new HttpProblem(403, '无权操作', '当前角色无权执行此操作');
}

// ---- cookies ----

export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Expires=${expiresAt.toUTCString()}${secure ? '; Secure' : ''}`;
}
const clearedCookie = (secure: boolean) => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;

const ipOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? null;

// ---- the guard ----

export interface GuardDeps {
  db: Db;
  auth: AuthService;
  /** Plan parsing for a launch's region (JSON or YAML body). */
  now?: () => number;
}

export function guard(deps: GuardDeps): RequestHandler {
  const { db, auth } = deps;
  const regionOfCampaign = async (id: string) => {
    const [c] = await db.select({ regionCode: campaigns.regionCode }).from(campaigns).where(eq(campaigns.id, id));
    return c?.regionCode ?? null;
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const path = `${req.baseUrl}${req.path}`;
      const found = policyFor(req.method, path);
      // Not in the table: the not-found handler answers (after the session check, so nothing leaks).
      const entry = found?.entry;
      if (entry?.scope.kind === 'public') return next();
      const ip = ipOf(req);
      const token = readCookie(req.headers, SESSION_COOKIE);
      const a = token ? await auth.authenticate(token) : null;
      if (!a) throw new HttpProblem(401, '未登录', '登录已过期或尚未登录,请重新登录', undefined, 'urn:problem:unauthenticated');
      if (!a.mfaSatisfied && entry?.scope.kind !== 'signing-in') throw new HttpProblem(401, '需要动态口令', '请先完成动态口令验证', undefined, 'urn:problem:mfa-required');
      if (req.method !== 'GET' && req.method !== 'HEAD' && !entry?.csrfExempt && !csrfOk(a.session, req.get('X-CSRF-Token'))) {
        throw new HttpProblem(403, '请求被拒绝', '缺少或错误的 CSRF 令牌;请刷新页面后重试', undefined, 'urn:problem:csrf');
      }
      const requestAuth: RequestAuth = { auth: a, scope: a.user.regionCode, ip };
      res.locals.requestAuth = requestAuth;
      if (!found || !entry) return next();
      const user: Subject = { role: a.user.role, regionCode: a.user.regionCode };
      const s = entry.scope;
      if (s.kind === 'role' || s.kind === 'handler') {
        if (!roleAllows(user.role, s.action)) await deny(db, requestAuth, s.action, path, false);
      } else if (s.kind === 'campaign' || s.kind === 'unit') {
        const region = await regionOfCampaign(found.params.id);
        if (!region) await deny(db, requestAuth, s.action, path, true);
        const scope = campaignScope(user, region!);
        if (!scope) await deny(db, requestAuth, s.action, path, true);
        const target = s.kind === 'unit' ? { regionCode: found.params.code } : { regionCode: region!, campaign: CAMPAIGN_READS.has(s.action) };
        const decision = decide(user, s.action, target);
        if (!decision.allow) await deny(db, requestAuth, s.action, path, decision.asNotFound);
        requestAuth.scope = s.kind === 'unit' ? found.params.code : scope!;
      } else if (s.kind === 'campaign-part') {
        const region = await regionOfCampaign(found.params.id);
        const scope = region ? campaignScope(user, region) : null;
        if (!scope) await deny(db, requestAuth, s.action, path, true);
        if (!roleAllows(user.role, s.action)) await deny(db, requestAuth, s.action, path, false);
        requestAuth.scope = scope!;
      } else if (s.kind === 'plan') {
        // A plan without a readable region is invalid: its handler refuses it (400) and launches nothing.
        // Any plan that can launch names its region, so it is decided here.
        if (!roleAllows(user.role, s.action)) await deny(db, requestAuth, s.action, path, false);
        const region = planRegion(req, deps.now ?? Date.now);
        const decision = region && isRegionCode(region) ? decide(user, s.action, { regionCode: region }) : null;
        if (decision && !decision.allow) await deny(db, requestAuth, s.action, path, decision.asNotFound);
      }
      // Writes, exports and personal data are recorded with their outcome once answered.
      if (s.kind !== 'signing-in' && (req.method !== 'GET' || entry.audit)) {
        const action = 'action' in s ? s.action : 'session';
        res.on('finish', () => {
          void appendAudit(db, {
            ...actorAuditFields(actorOf(a, ip)),
            action: `${action}`.replace(/[^a-z0-9_.]/g, '_'),
            target: `${req.method} ${entry.path}`,
            regionCode: requestAuth.scope,
            result: res.statusCode < 400 ? 'success' : res.statusCode === 403 || res.statusCode === 404 ? 'denied' : 'failure',
            // A handler may add what the entry should say beyond the request (the codec: what it decoded and withheld).
            detail: { params: found.params, status: res.statusCode, ...(res.locals.auditDetail as Record<string, unknown> | undefined) },
          }).catch((e: unknown) => console.error('[audit] could not record', (e as Error).message));
        });
      }
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** The launch body's plan region: JSON `{plan}` or a raw YAML plan; the demo is Jiangmen's. */
function planRegion(req: Request, now: () => number): string | null {
  if (req.path.endsWith('/demo')) return (demoPlan(now()) as { region: { code: string } }).region.code;
  try {
    const body = req.body as unknown;
    const plan = typeof body === 'string' ? parseYaml(body) : (body as { plan?: unknown })?.plan;
    const p = typeof plan === 'string' ? parseYaml(plan) : plan;
    const code = (p as { region?: { code?: unknown } })?.region?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

// ---- sign-in and account routes ----

export function sessionView(a: Authenticated): SessionView {
  return {
    user: userView(a.user),
    mfaRequired: a.mfaRequired,
    mfaEnrolled: a.user.mfaEnrolled,
    mfaSatisfied: a.mfaSatisfied,
    csrfToken: a.session.csrfToken,
    expiresAt: a.session.expiresAt.toISOString(),
    actions: [...ROLE_ACTIONS[a.user.role]],
  };
}
export function userView(u: PublicUser): UserView {
  return { ...u, lockedUntil: u.lockedUntil ? u.lockedUntil.toISOString() : null, createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString() };
}

const UserIdSchema = IntRowIdSchema;

export function authRouter(deps: { db: Db; auth: AuthService; cookieSecure: boolean }): Router {
  const { db, auth, cookieSecure } = deps;
  const router = Router();
  const token = (req: Request) => readCookie(req.headers, SESSION_COOKIE);

  router.post('/api/auth/login', async (req, res) => {
    const body = LoginRequestSchema.parse(req.body ?? {});
    try {
      const r = await auth.login(body.username, body.password, ipOf(req), req.get('user-agent') ?? null, token(req));
      res.setHeader('Set-Cookie', sessionCookie(r.token, r.expiresAt, cookieSecure));
      const a = await auth.authenticate(r.token);
      res.json(sessionView(a!));
    } catch (e) {
      if (e instanceof AuthError && e.retryAfterSeconds) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      throw e;
    }
  });
  router.get('/api/auth/session', (_req, res) => void res.json(sessionView(authOf(res).auth)));
  router.post('/api/auth/mfa/enrol', async (req, res) => void res.json(await auth.beginTotpEnrolment(token(req))));
  router.post('/api/auth/mfa/confirm', async (req, res) => {
    const { code } = MfaCodeRequestSchema.parse(req.body ?? {});
    res.json(sessionView(await auth.confirmTotpEnrolment(token(req), code, ipOf(req))));
  });
  router.post('/api/auth/mfa/verify', async (req, res) => {
    const { code } = MfaCodeRequestSchema.parse(req.body ?? {});
    res.json(sessionView(await auth.verifyMfa(token(req), code, ipOf(req))));
  });
  router.post('/api/auth/password', async (req, res) => {
    const body = ChangePasswordRequestSchema.parse(req.body ?? {});
    await auth.changePassword(token(req), body.currentPassword, body.newPassword, ipOf(req));
    res.status(204).end();
  });
  router.post('/api/auth/logout', async (req, res) => {
    await auth.logout(token(req), ipOf(req));
    res.setHeader('Set-Cookie', clearedCookie(cookieSecure));
    res.status(204).end();
  });

  const actor = (res: Response) => actorOf(authOf(res).auth, authOf(res).ip);
  router.get('/api/users', async (_req, res) => void res.json({ users: (await auth.listUsers(actor(res), { limit: 500 })).map(userView) }));
  router.post('/api/users', async (req, res) => void res.status(201).json(userView(await auth.createUser(actor(res), NewUserSchema.parse(req.body ?? {})))));
  router.patch('/api/users/:userId', async (req, res) => {
    res.json(userView(await auth.updateUser(actor(res), param(req.params, 'userId', UserIdSchema), UserPatchSchema.parse(req.body ?? {}))));
  });
  router.post('/api/users/:userId/password', async (req, res) => {
    await auth.resetPassword(actor(res), param(req.params, 'userId', UserIdSchema), ResetPasswordRequestSchema.parse(req.body ?? {}).password);
    res.status(204).end();
  });
  router.post('/api/users/:userId/unlock', async (req, res) => {
    await auth.unlockUser(actor(res), param(req.params, 'userId', UserIdSchema));
    res.status(204).end();
  });
  router.post('/api/users/:userId/reset-mfa', async (req, res) => {
    await auth.resetMfa(actor(res), param(req.params, 'userId', UserIdSchema));
    res.status(204).end();
  });
  router.get('/api/audit', async (req, res) => {
    const { user } = authOf(res).auth;
    const filters = AuditSearchSchema.parse({ ...req.query, region: user.regionCode, includeUnscoped: user.regionCode.length === 6 && user.regionCode.endsWith('00') });
    const page = await searchAudit(db, filters);
    res.json({ rows: page.rows.map((r) => ({ ...r, at: r.at.toISOString() })), nextBefore: page.nextBefore });
  });
  return router;
}
