// The HTTP app. createApp never listens: server/main.ts does, and tests mount it in-process.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IncomingMessage } from 'node:http';
import express, { type Request, type Router } from 'express';
import type { CampaignService } from './campaigns';
import {
  AdvanceRequestSchema,
  AmendDeadlineRequestSchema,
  CancelRequestSchema,
  IntRowIdSchema,
  LaunchRequestSchema,
  PreviewRequestSchema,
  type AppConfig,
  type Health,
} from './dto';
import type { Db } from '../db/client';
import { campaigns as campaignsTable } from '../db/schema';
import { campaignVisible, isRegionCode, regionContains, unitReachable } from '../domain/access';
import type { AuthService } from './auth/service';
import { actorName, authOf, authRouter, guard, policyFor, requireRegion, subjectOf } from './authRoutes';
import { codecCors, codecRouter } from './codecRoutes';
import { HttpProblem, badRequest, errorMiddleware, isTemporalUnavailable, notFound, param } from './errors';
import type { TemporalStatus } from './temporalStatus';
import { SlidingWindowLimiter } from './security/rateLimit';
import type { PayloadCodec } from '@temporalio/common';
import { demoPlan, listExamples, loadExample } from './examples';
import { openApiDocument } from './openapi';
import { writeXlsx } from '../formats/xlsxWriter';
import type { ReportingService } from './reporting';
import {
  ApproveCircularRequestSchema,
  DeadlinesQuerySchema,
  EscalationQuerySchema,
  InboxQuerySchema,
  PutCalendarRequestSchema,
  RespondEscalationRequestSchema,
  SubmitReportRequestSchema,
} from './reportingDto';
import { z } from 'zod';

const YearSchema = z.coerce.number().int().min(2000).max(2100);
const SeqSchema = IntRowIdSchema;

export interface AppDeps {
  campaigns: CampaignService;
  /** Sessions and the access policy: every /api route but health, config, the OpenAPI document and login needs a signed-in user. */
  auth: { service: AuthService; db: Db; cookieSecure: boolean; trustProxy?: number };
  /** The payload codec, for Temporal UI's codec endpoint (identity when payloads are not encrypted). */
  codec?: PayloadCodec;
  /** Reporting, escalation, calendar and circular routes. */
  reporting?: ReportingService;
  /** Extra routers mounted under /api before the not-found handler (the tax-feed upload). */
  routers?: Router[];
  health: () => Promise<Health>;
  /** Whether Temporal answers: routes that need it get a fast 503 when it does not. */
  temporal?: TemporalStatus;
  config: AppConfig;
  /** Built console; omitted in API-only tests. */
  webDist?: string;
  now?: () => number;
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/** JSON.parse reviver: body-parser answers what it throws as a 400 (entity.parse.failed). */
function refuseNul(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError('字符串中含有 NUL 字符(\\u0000)');
  return value;
}

/**
 * The largest body each kind of route reads. A bigger one is refused (413) before it is read, from its
 * Content-Length when it has one: sign-in and account bodies are a few fields, plans can be large.
 * File uploads are streamed by their own routes with their own caps.
 */
const BODY_LIMITS: { limit: string; matches: (method: string, path: string) => boolean }[] = [
  { limit: '16kb', matches: (_m, p) => p.startsWith('/api/auth/') || p.startsWith('/api/users') },
  { limit: '10mb', matches: (m, p) => m === 'POST' && (p === '/api/plans/preview' || p === '/api/campaigns') },
  // Refusal evidence travels base64-encoded inside the JSON (5 MB of file is about 6.7 MB of text).
  { limit: '8mb', matches: (m, p) => m === 'POST' && (p.endsWith('/hardship/refusals') || p === '/api/codec/decode') },
];
const DEFAULT_BODY_LIMIT = '1mb';

/** Deeper JSON (or YAML flow) nesting than any plan needs: refused before parsing, which is recursive. */
export const MAX_BODY_DEPTH = 64;

/** body-parser's `verify`: a linear scan of the raw bytes for bracket depth, outside strings. */
function refuseDeepNesting(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_BODY_DEPTH) {
        throw Object.assign(new Error(`请求体嵌套超过 ${MAX_BODY_DEPTH} 层,已拒绝`), { status: 400, expose: true, type: 'entity.verify.failed' });
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** Body parsers per limit, made once. */
function bodyParsers(isYamlBody: (req: IncomingMessage) => boolean) {
  const make = (limit: string) => [
    express.json({ limit, reviver: refuseNul, verify: refuseDeepNesting }),
    express.text({ type: isYamlBody, limit, verify: refuseDeepNesting }),
  ];
  const byLimit = new Map([...new Set([...BODY_LIMITS.map((b) => b.limit), DEFAULT_BODY_LIMIT])].map((l) => [l, make(l)]));
  return (req: Request): express.RequestHandler[] => {
    const path = `${req.baseUrl}${req.path}`;
    return byLimit.get(BODY_LIMITS.find((b) => b.matches(req.method, path))?.limit ?? DEFAULT_BODY_LIMIT)!;
  };
}

/** Runs handlers in order, as one (Express would, if they were registered one after another). */
function chain(handlers: express.RequestHandler[], req: Request, res: express.Response, next: express.NextFunction) {
  let i = 0;
  const step = (err?: unknown) => {
    if (err || i === handlers.length) return next(err);
    handlers[i++](req, res, step);
  };
  step();
}

const idempotencyKey = (req: Request) => {
  const key = req.get('Idempotency-Key');
  return key && /^[\w.:-]{8,128}$/.test(key) ? key : undefined;
};

export function createApp(deps: AppDeps) {
  const { campaigns } = deps;
  const now = deps.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  if (deps.auth.trustProxy) app.set('trust proxy', deps.auth.trustProxy);
  app.use(securityHeaders(deps.auth.cookieSecure));
  // File uploads are streamed by their routes: no body parser may read them first (a CSV sent as text/plain included).
  const isYamlBody = (req: IncomingMessage) => !(req.url ?? '').includes('/uploads') && YAML_TYPES.includes((req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase());
  // PostgreSQL text and jsonb cannot hold U+0000: a request carrying one is refused at the door, before
  // it can reach a query or a workflow whose activities would then fail on every retry.
  app.use('/api', (req, _res, next) => next(/%00/.test(req.originalUrl) ? badRequest('请求地址含有 NUL 字符(%00)') : undefined));
  // Sign-in is the one body anybody may send before any session: a coarse per-address limit comes
  // before it is even read (the sign-in service counts attempts more finely after).
  const preParseLimiter = new SlidingWindowLimiter({ limit: 120, windowMs: 60_000 });
  app.use('/api/auth/login', (req, res, next) => {
    if (req.method !== 'POST') return next();
    const d = preParseLimiter.hit(req.ip ?? req.socket.remoteAddress ?? 'unknown', now());
    if (d.allowed) return next();
    res.setHeader('Retry-After', String(d.retryAfterSeconds));
    next(new HttpProblem(429, '请求过于频繁', `登录请求过于频繁,请 ${Math.ceil(d.retryAfterSeconds / 60)} 分钟后再试`));
  });
  const parsersFor = bodyParsers(isYamlBody);
  app.use('/api', (req, res, next) => chain(parsersFor(req), req, res, next));
  app.use('/api/codec', codecCors(deps.config.temporalUiUrl ? new URL(deps.config.temporalUiUrl).origin : null));
  app.use('/api', guard({ db: deps.auth.db, auth: deps.auth.service, now }));
  // A route that starts, signals or updates a workflow answers 503 at once while Temporal is down,
  // before it writes anything (issue 9: it used to hang ~19 s and then fail with a 500).
  if (deps.temporal) {
    const temporal = deps.temporal;
    app.use('/api', (req, _res, next) => {
      if (!policyFor(req.method, `${req.baseUrl}${req.path}`)?.entry.temporal) return next();
      temporal.require().then(() => next(), next);
    });
  }
  app.use(codecRouter(deps.codec, deps.auth.db));
  app.use(authRouter({ db: deps.auth.db, auth: deps.auth.service, cookieSecure: deps.auth.cookieSecure }));

  app.get('/api/health', async (_req, res) => {
    const h = await deps.health();
    res.status(h.status === 'ok' ? 200 : 503).json(h);
  });
  app.get('/api/openapi.json', (_req, res) => void res.json(openApiDocument()));
  app.get('/api/config', (_req, res) => void res.json(deps.config));

  app.get('/api/plans/examples', (_req, res) => void res.json(listExamples()));
  app.get('/api/plans/examples/:name', (req, res) => void res.json(loadExample(req.params.name)));
  app.post('/api/plans/preview', async (req, res) => {
    const body = typeof req.body === 'string' ? { plan: req.body } : PreviewRequestSchema.parse(req.body);
    res.json(await campaigns.preview(body.plan));
  });

  app.get('/api/campaigns', async (_req, res) => {
    const user = subjectOf(res);
    res.json((await campaigns.list()).filter((c) => campaignVisible(user, c.regionCode)));
  });
  app.post('/api/campaigns', async (req, res) => {
    const body =
      typeof req.body === 'string'
        ? LaunchRequestSchema.parse({ plan: req.body })
        : LaunchRequestSchema.parse(req.body);
    const result = await campaigns.launch(body.plan, actorName(res));
    res.status(result.created ? 201 : 200).json(result);
  });
  app.post('/api/demo', async (req, res) => {
    const result = await campaigns.launch(demoPlan(now()) as Record<string, unknown>, actorName(res));
    res.status(result.created ? 201 : 200).json(result);
  });
  app.get('/api/campaigns/:id', async (req, res) => {
    // A user below the campaign's region sees the rows on their own line: their ancestors and their subtree.
    const { scope } = authOf(res);
    const detail = await campaigns.detail(req.params.id);
    res.json({ ...detail, units: detail.units.filter((u) => regionContains(scope, u.code) || regionContains(u.code, scope)) });
  });
  app.get('/api/campaigns/:id/units/:code', async (req, res) => void res.json(await campaigns.unit(req.params.id, req.params.code)));
  app.post('/api/campaigns/:id/advance', async (req, res) => {
    res.json(await campaigns.advance(req.params.id, { ...AdvanceRequestSchema.parse(req.body), actor: actorName(res) }, idempotencyKey(req)));
  });
  app.post('/api/campaigns/:id/deadline', async (req, res) => {
    res.json(await campaigns.amendDeadline(req.params.id, { ...AmendDeadlineRequestSchema.parse(req.body), actor: actorName(res) }, idempotencyKey(req)));
  });
  app.post('/api/campaigns/:id/cancel', async (req, res) => {
    res.json(await campaigns.cancel(req.params.id, { ...CancelRequestSchema.parse(req.body), actor: actorName(res) }, idempotencyKey(req)));
  });
  const r = deps.reporting;
  if (r) {
    app.get('/api/calendar', async (_req, res) => void res.json(await r.calendar()));
    app.put('/api/calendar/:year', async (req, res) => {
      res.json(await r.putCalendar(param(req.params, 'year', YearSchema), { ...PutCalendarRequestSchema.parse(req.body), actor: actorName(res) }));
    });
    app.get('/api/deadlines', async (req, res) => {
      const user = subjectOf(res);
      const view = await r.deadlines(DeadlinesQuerySchema.parse(req.query).days);
      const regions = new Map((await deps.auth.db.select({ id: campaignsTable.id, regionCode: campaignsTable.regionCode }).from(campaignsTable)).map((c) => [c.id, c.regionCode]));
      const items = view.items.filter((i) => (i.unitCode ? unitReachable(user, i.unitCode) : campaignVisible(user, regions.get(i.campaignId) ?? '')));
      res.json({ ...view, items });
    });
    app.get('/api/inbox', async (req, res) => {
      const q = InboxQuerySchema.parse(req.query);
      const user = subjectOf(res);
      const reachable = (code: string) => isRegionCode(code) && unitReachable(user, code);
      if (q.recipient && !reachable(q.recipient)) throw notFound('未找到');
      res.json({ messages: (await r.inbox(q.recipient, q.limit)).filter((m) => reachable(m.recipient)) });
    });
    app.get('/api/campaigns/:id/units/:code/reporting', async (req, res) => void res.json(await r.unitReporting(req.params.id, req.params.code)));
    app.post('/api/campaigns/:id/units/:code/reports', async (req, res) => {
      const body = { ...SubmitReportRequestSchema.parse(req.body), actor: actorName(res) };
      res.status(201).json(await r.submitReport(req.params.id, req.params.code, body, req.get('X-Source') === 'console' ? 'console' : 'api', idempotencyKey(req)));
    });
    app.get('/api/campaigns/:id/escalations', async (req, res) => {
      // Below the campaign's region, the board shows the user's own subtree only.
      const { scope } = authOf(res);
      const q = EscalationQuerySchema.parse(req.query);
      if (q.region && !regionContains(scope, q.region)) throw notFound('未找到');
      res.json({ escalations: await r.escalations(req.params.id, { ...q, region: q.region ?? scope }) });
    });
    app.post('/api/campaigns/:id/escalations/respond', async (req, res) => {
      const body = RespondEscalationRequestSchema.parse(req.body);
      // The escalation's id is `campaign/unit/track/period/rung`: the unit is what the user must reach.
      await requireRegion(deps.auth.db, res, 'escalation.respond', body.escalationId.split('/')[1] ?? null);
      res.json(await r.respond(req.params.id, { ...body, actor: actorName(res) }, idempotencyKey(req)));
    });
    app.get('/api/campaigns/:id/circulars', async (req, res) => void res.json({ circulars: await r.circulars(req.params.id) }));
    app.post('/api/campaigns/:id/circulars/approve', async (req, res) => {
      res.json(await r.approveCircular(req.params.id, { ...ApproveCircularRequestSchema.parse(req.body), actor: actorName(res) }, idempotencyKey(req)));
    });
    app.get('/api/campaigns/:id/circulars/:seq/print', async (req, res) => {
      res.type('text/html; charset=utf-8').send(await r.circularHtml(req.params.id, param(req.params, 'seq', SeqSchema)));
    });
    app.get('/api/campaigns/:id/circulars/:seq/xlsx', async (req, res) => {
      const file = await r.circularXlsx(req.params.id, param(req.params, 'seq', SeqSchema));
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(file.fileName);
      await writeXlsx(res, file.sheets);
    });
  }
  for (const router of deps.routers ?? []) app.use(router);

  app.use('/api', (req, res) => {
    res.status(404).type('application/problem+json').json({ type: 'urn:problem:not-found', title: '未找到', status: 404, detail: `没有接口 ${req.method} ${req.path}` });
  });

  if (deps.webDist) {
    const dist = resolve(deps.webDist);
    const index = resolve(dist, 'index.html');
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => {
      if (existsSync(index)) res.sendFile(index);
      else res.status(503).type('text/plain; charset=utf-8').send('控制台尚未构建:请运行 npm run build:web(npm start 会自动构建)');
    });
  }

  app.use(((err, _req, _res, next) => {
    if (isTemporalUnavailable(err)) deps.temporal?.markDown((err as Error).message);
    next(err);
  }) as express.ErrorRequestHandler);
  app.use(errorMiddleware);
  return app;
}

/** Headers for every answer: no sniffing, no framing, no referrer, a strict content policy; API answers are never cached. */
function securityHeaders(https: boolean): express.RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    );
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
