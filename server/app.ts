// The HTTP app. createApp never listens: server/main.ts does, and tests mount it in-process. Every API
// route is declared once in server/routes.ts; this file wires what surrounds them: security headers,
// the codec's CORS, the console's static files and the one error shape.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import express from 'express';
import type { AppConfig, Health } from '../contracts/api/campaigns';
import type { Db } from '../db/client';
import type { AuthService } from './auth/service';
import type { CampaignService } from './campaigns/service';
import { demoPlan } from './campaigns/examples';
import { codecCors } from './codec/routes';
import { badRequest, errorMiddleware, isTemporalUnavailable } from './errors';
import { unknownRoute, type GuardDeps } from './http/access';
import type { ApiDeps } from './http/deps';
import { mountRoutes } from './http/pipeline';
import type { ReportingService } from './reporting/service';
import { API_ROUTES } from './routes';
import { createSharedLimiter, SlidingWindowLimiter } from './security/rateLimit';
import type { TemporalStatus } from './temporalStatus';

export interface AppDeps {
  db: Db;
  /** Temporal client: workflows started, updated and signalled, and their progress described. */
  client: Client;
  taskQueue: string;
  /** Where uploaded lists wait for their import (shared with the workers). */
  uploadDir: string;
  campaigns: CampaignService;
  reporting: ReportingService;
  /** Sessions and the access policy: every /api route but health, config, the OpenAPI document and login needs a signed-in user. */
  auth: { service: AuthService; cookieSecure: boolean; trustProxy?: number };
  /** The payload codec, for Temporal UI's codec endpoint (identity when payloads are not encrypted). */
  codec?: PayloadCodec;
  health: () => Promise<Health>;
  /** Whether Temporal answers: routes that need it get a fast 503 when it does not. */
  temporal?: TemporalStatus;
  config: AppConfig;
  /** Built console; omitted in API-only tests. */
  webDist?: string;
  now?: () => number;
}

export function createApp(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  if (deps.auth.trustProxy) app.set('trust proxy', deps.auth.trustProxy);
  app.use(securityHeaders(deps.auth.cookieSecure));
  // PostgreSQL text and jsonb cannot hold U+0000: a request carrying one is refused at the door, before
  // it can reach a query or a workflow whose activities would then fail on every retry.
  app.use('/api', (req, _res, next) => next(/%00/.test(req.originalUrl) ? badRequest('请求地址含有 NUL 字符（%00）') : undefined));
  app.use('/api/codec', codecCors(deps.config.temporalUiUrl ? new URL(deps.config.temporalUiUrl).origin : null));

  const api: ApiDeps = {
    db: deps.db,
    client: deps.client,
    taskQueue: deps.taskQueue,
    uploadDir: deps.uploadDir,
    campaigns: deps.campaigns,
    reporting: deps.reporting,
    auth: deps.auth.service,
    cookieSecure: deps.auth.cookieSecure,
    codec: deps.codec,
    health: deps.health,
    config: deps.config,
    now,
    limits: {
      // Per process on purpose: it guards the process that would read the body, before any database work.
      preLogin: new SlidingWindowLimiter({ limit: 120, windowMs: 60_000 }),
      upload: createSharedLimiter(deps.db, { scope: 'upload', limit: 30, windowMs: 60_000 }),
    },
  };
  const guard: GuardDeps = { db: deps.db, auth: deps.auth.service, demoRegion: () => (demoPlan(now()) as { region: { code: string } }).region.code };
  mountRoutes(app, API_ROUTES, { guard, temporal: deps.temporal, deps: api });
  app.use('/api', unknownRoute(guard));

  if (deps.webDist) {
    const dist = resolve(deps.webDist);
    const index = resolve(dist, 'index.html');
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => {
      if (existsSync(index)) res.sendFile(index);
      else res.status(503).type('text/plain; charset=utf-8').send('控制台尚未构建：请运行 npm run build:web（npm start 会自动构建）');
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
