// Registers the declared routes on an Express app. Each request of a route goes through, in order:
// an optional pre-parse step (the sign-in limiter), its body parser with the route's own limit, the
// access check of its scope (server/http/access.ts), the Temporal gate for routes that need a workflow,
// and the handler with params, query and body parsed by the route's schemas.
import type { IncomingMessage } from 'node:http';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { TemporalStatus } from '../temporalStatus';
import { authorize, type GuardDeps } from './access';
import type { ApiDeps } from './deps';
import { Reply, type RouteSpec } from './route';

export const DEFAULT_BODY_LIMIT = '1mb';
/** Deeper JSON (or YAML flow) nesting than any plan needs: refused before parsing, which is recursive. */
export const MAX_BODY_DEPTH = 64;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/** JSON.parse reviver: body-parser answers what it throws as a 400 (entity.parse.failed). */
function refuseNul(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError('字符串中含有 NUL 字符（\\u0000）');
  return value;
}

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
        throw Object.assign(new Error(`请求体嵌套超过 ${MAX_BODY_DEPTH} 层，已拒绝`), { status: 400, expose: true, type: 'entity.verify.failed' });
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** The parsers a route's body goes through (none for a streamed body: its handler reads it). */
function bodyParsers(route: RouteSpec): RequestHandler[] {
  const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const kind = route.bodyKind ?? 'json';
  if (kind === 'stream') return [];
  const json = express.json({ limit, reviver: refuseNul, verify: refuseDeepNesting, ...(route.anyContentType ? { type: () => true } : {}) });
  if (kind === 'json') return [json];
  const isYaml = (req: IncomingMessage) => YAML_TYPES.includes((req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase());
  return [json, express.text({ type: isYaml, limit, verify: refuseDeepNesting })];
}

const IDEMPOTENCY_KEY = /^[\w.:-]{8,128}$/;

export interface PipelineDeps {
  guard: GuardDeps;
  temporal?: TemporalStatus;
  /** What handlers are given: services, the Temporal client, configuration. */
  deps: ApiDeps;
}

/** The handler step: parse, call, answer. */
function run(route: RouteSpec, deps: ApiDeps): RequestHandler {
  const success = route.status ?? Math.min(...Object.keys(route.answers).map(Number).filter((s) => s >= 200 && s < 300));
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const params = route.params ? route.params.parse(req.params) : req.params;
      const query = route.query ? route.query.parse(req.query) : req.query;
      let body: unknown = req.body;
      if (route.bodyKind === 'json-or-yaml' && typeof req.body === 'string') body = { plan: req.body };
      if (route.body) body = route.body.parse(body ?? {});
      const key = req.get('Idempotency-Key');
      const result = await route.handler({ req, res, params, query, body, idempotencyKey: key && IDEMPOTENCY_KEY.test(key) ? key : undefined }, deps);
      if (res.headersSent) return;
      if (result instanceof Reply) res.status(result.status).json(result.body);
      else if (result === undefined) res.status(success === 200 ? 204 : success).end();
      else res.status(success).json(result);
    } catch (e) {
      next(e);
    }
  };
}

/** Registers every route. A route whose body is not JSON nor YAML reads its own stream. */
export function mountRoutes(app: Express, routes: readonly RouteSpec[], p: PipelineDeps): void {
  for (const route of routes) {
    const steps: RequestHandler[] = [];
    if (route.beforeBody) steps.push(route.beforeBody(p.deps));
    steps.push(...bodyParsers(route), authorize(route, p.guard));
    if (route.temporal && p.temporal) {
      const temporal = p.temporal;
      // A route that starts, signals or updates a workflow answers 503 at once while Temporal is down,
      // before it writes anything (issue 9: it used to hang ~19 s and then fail with a 500).
      steps.push((_req, _res, next) => void temporal.require().then(() => next(), next));
    }
    steps.push(run(route, p.deps));
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    app[method](route.path, ...steps);
  }
}
