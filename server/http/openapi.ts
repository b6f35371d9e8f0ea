// /api/openapi.json, generated from the route declarations: their paths, parameters, bodies and
// answers come from the same zod schemas that validate the requests.
import { z } from 'zod';
import { ProblemDto } from '../../contracts/api/campaigns';
import type { RouteSpec } from './route';

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
const problem = { 'application/problem+json': { schema: z.toJSONSchema(ProblemDto) } };
const err = (description: string) => ({ description, content: problem });

/** `/api/campaigns/:id` → `/api/campaigns/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function parameters(r: RouteSpec): Json[] {
  const out: Json[] = [];
  const names = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const declared = r.params ? ((schemaOf(r.params, 'input').properties ?? {}) as Record<string, Json>) : {};
  for (const name of names) out.push({ name, in: 'path', required: true, schema: declared[name] ?? { type: 'string' } });
  if (r.query) {
    const js = schemaOf(r.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) out.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s });
  }
  if (r.idempotent) out.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } });
  for (const h of r.headers ?? []) out.push({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } });
  return out;
}

function requestBody(r: RouteSpec): Json | undefined {
  if (r.bodyKind === 'stream') {
    return { required: true, content: Object.fromEntries((r.streamTypes ?? ['application/octet-stream']).map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) };
  }
  if (!r.body) return undefined;
  const content: Json = { 'application/json': { schema: schemaOf(r.body, 'input') } };
  if (r.bodyKind === 'json-or-yaml') content['application/yaml'] = { schema: { type: 'string' } };
  return { required: true, content };
}

function responses(r: RouteSpec): Json {
  const out: Json = {};
  for (const [status, a] of Object.entries(r.answers)) {
    if (a.schema) out[status] = { description: a.description, content: { [a.contentType ?? 'application/json']: { schema: schemaOf(a.schema, 'output') } } };
    else if (a.contentType) out[status] = { description: a.description, content: { [a.contentType]: { schema: { type: 'string', format: 'binary' } } } };
    else out[status] = { description: a.description };
  }
  // What every operation may answer besides its own: 400 when it takes parameters or a body, 413 for
  // a body over its limit, from the access check 401 without a session or second factor and 403 for a
  // role without the action or a write without the CSRF header, and 503 while Temporal is down.
  const add = (status: number, description: string) => void (out[status] ??= err(description));
  if (r.params || r.query || r.body || r.path.includes(':')) add(400, '请求参数或请求体无效');
  if (r.body || r.bodyKind === 'stream') add(413, '请求体过大');
  if (r.scope.kind !== 'public') {
    add(401, '未登录或尚未完成动态口令验证');
    add(403, '角色无权，或缺少 CSRF 令牌');
  }
  if (r.temporal) add(503, '工作流服务暂不可用');
  return out;
}

export function openApiDocument(routes: readonly RouteSpec[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const params = parameters(r);
    const body = requestBody(r);
    (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: body } : {}),
      responses: responses(r),
    };
  }
  return { openapi: '3.1.0', info: { title: '城乡居保征缴活动编排 API', version: '0.2.0' }, paths };
}
