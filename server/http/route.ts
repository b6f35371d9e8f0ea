// One declaration per API route: method, path, who may call it (the access scope), what it takes and
// answers (zod schemas) and its handler. The app registers routes from these declarations, the access
// policy (server/http/guard.ts) reads their scopes, and the OpenAPI document is generated from their
// schemas: the three can no longer drift apart.
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Action } from '../../domain/access';
import type { ApiDeps } from './deps';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  /**
   * A part of campaign `:id` that the body names (a county to screen): the campaign must be visible and the
   * role must have the action here; the handler checks the part's region with `requireRegion`.
   */
  | { kind: 'campaign-part'; action: Action }
  /** The unit `:code` of campaign `:id`. */
  | { kind: 'unit'; action: Action }
  /** The region of the plan in the body (a launch). */
  | { kind: 'plan'; action: Action }
  /** The role here; the region in the handler (`requireRegion`), from an object the body names. */
  | { kind: 'handler'; action: Action };

export interface Answer {
  description: string;
  /** JSON answer's schema; omitted for files, HTML and empty answers. */
  schema?: z.ZodType;
  /** Content type of a non-JSON answer (a file, a page). */
  contentType?: string;
}

/** What a request's body is: JSON parsed by a schema, a plan as JSON or YAML text, or a file streamed by the handler. */
export type BodyKind = 'json' | 'json-or-yaml' | 'stream';

export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** `Idempotency-Key` when well-formed: a retry with the same key is the same action. */
  idempotencyKey: string | undefined;
}

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, D = ApiDeps> {
  method: Method;
  /** Express path, e.g. `/api/campaigns/:id`. */
  path: string;
  /** One line in Chinese, for the API document. */
  summary: string;
  scope: Scope;
  /** Recorded in the audit log even though it is a GET (exports, personal data). */
  audit?: boolean;
  /** No CSRF header needed: a read that another origin must call (Temporal UI's codec requests). */
  csrfExempt?: boolean;
  /** The audit log's action name when the scope's is too coarse (a cancel is `campaign.cancel`, not `campaign.launch`). */
  auditAction?: string;
  /** Served while the session's password must still be changed (the change itself). */
  duringPasswordChange?: boolean;
  /** Starts, signals or updates a workflow: answered 503 at once while Temporal is down. */
  temporal?: boolean;
  /** Largest body read (default 1mb); streamed bodies are capped by their handler. */
  bodyLimit?: string;
  bodyKind?: BodyKind;
  /** Parse a JSON body whatever its Content-Type says (Temporal UI's codec requests). */
  anyContentType?: boolean;
  /** Runs before the body is read (a coarse limit before anybody's body costs parsing). */
  beforeBody?: (deps: D) => RequestHandler;
  params?: P;
  query?: Q;
  body?: B;
  /** Content types a streamed body may have, and extra headers, for the document. */
  streamTypes?: string[];
  headers?: { name: string; description: string; required?: boolean }[];
  /** Takes an `Idempotency-Key` header. */
  idempotent?: boolean;
  answers: Record<number, Answer>;
  /** Status of the handler's JSON answer; default the lowest 2xx of `answers`. */
  status?: number;
  /**
   * Returns the JSON answer (sent with `status`), a `Reply` for another
   * status, or `undefined` after answering itself (a file, a page) or for 204.
   */
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>, deps: D) => Promise<unknown>;
}

/** An answer with a status other than the route's first success status. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** Declares a route; the generic parameters type the handler's params, query and body from the schemas. */
export function route<P extends z.ZodType = z.ZodObject<Record<string, z.ZodString>>, Q extends z.ZodType = z.ZodObject<Record<string, z.ZodString>>, B extends z.ZodType = z.ZodUnknown>(
  spec: RouteSpec<P, Q, B, ApiDeps>,
): RouteSpec<z.ZodType, z.ZodType, z.ZodType, ApiDeps> {
  return spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType, ApiDeps>;
}

/** A route's entry in the access policy: everything but its handler and schemas. */
export interface PolicyEntry {
  method: Method;
  path: string;
  scope: Scope;
  audit?: boolean;
  csrfExempt?: boolean;
  temporal?: boolean;
}

export const policyEntry = (r: Pick<RouteSpec, keyof PolicyEntry>): PolicyEntry => ({
  method: r.method,
  path: r.path,
  scope: r.scope,
  ...(r.audit ? { audit: true } : {}),
  ...(r.csrfExempt ? { csrfExempt: true } : {}),
  ...(r.temporal ? { temporal: true } : {}),
});

// ---- common schemas ----

/** A row id in a path: a positive integer PostgreSQL's integer can hold. */
export const IntRowIdSchema = z.coerce.number().int().positive().max(2_147_483_647, '编号超出范围');
export const CampaignParams = z.object({ id: z.string() });
export const UnitParams = z.object({ id: z.string(), code: z.string() });
