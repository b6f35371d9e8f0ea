// One error shape for the whole API: RFC 9457 problem details, naming the failing fields.
import type { ErrorRequestHandler } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError, z } from 'zod';
import type { PlanIssue } from '../domain/plan';
import { REJECTION } from '../contracts/campaign';
import { ServiceError } from '../services/errors';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: PlanIssue[],
    /** A more precise problem type than the status's (e.g. urn:problem:mfa-required). */
    readonly type?: string,
  ) {
    super(detail ?? title);
  }
}

export const TEMPORAL_UNAVAILABLE = '工作流服务（Temporal）暂时无法连接，本操作未执行；请稍后再试，如持续出现请联系运维人员';
export const temporalUnavailable = () => new HttpProblem(503, '服务暂不可用', TEMPORAL_UNAVAILABLE, undefined, 'urn:problem:temporal-unavailable');

/** gRPC status codes (google.rpc.Code): the service did not answer in time, or cannot be reached. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The gRPC failures that mean "the Temporal service is not there" (not "it said no"), however wrapped. */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e = err as { cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) return true;
    if (isGrpcDeadlineError(e)) return true;
  }
  return false;
}

/** A field's path as the request names it (`plan.phases[1].start`, `year`); the body as a whole when empty. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out || '（请求体）';
}

/** A path or query parameter parsed by its schema; a failure names the parameter. */
export function param<S extends z.ZodType>(source: Record<string, unknown>, name: string, schema: S): z.infer<S> {
  return z.object({ [name]: schema }).parse(source)[name] as z.infer<S>;
}

export const notFound = (what: string) => new HttpProblem(404, '未找到', what);
export const badRequest = (detail: string, errors?: PlanIssue[]) => new HttpProblem(400, '请求无效', detail, errors);

/** A ServiceError's title when it names none. */
const SERVICE_TITLES: Record<ServiceError['status'], string> = {
  400: '请求无效',
  404: '未找到',
  409: '冲突',
  413: '文件过大',
  415: '不支持的内容类型',
  422: '操作被拒绝',
};

const TYPES: Record<number, string> = {
  400: 'urn:problem:invalid-request',
  401: 'urn:problem:unauthenticated',
  403: 'urn:problem:forbidden',
  404: 'urn:problem:not-found',
  409: 'urn:problem:conflict',
  413: 'urn:problem:too-large',
  415: 'urn:problem:unsupported-media-type',
  422: 'urn:problem:action-rejected',
  429: 'urn:problem:too-many-requests',
  500: 'urn:problem:internal',
  503: 'urn:problem:unavailable',
};

/** Maps domain, validation and Temporal errors to problem details; never a 200 for a failure. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof ServiceError) {
    const errors = (err.details as { errors?: unknown } | undefined)?.errors;
    // The `errors` of a refused file are {file, line, column, value, reason}, not plan paths.
    return new HttpProblem(err.status, err.title ?? SERVICE_TITLES[err.status], err.message, Array.isArray(errors) ? (errors as PlanIssue[]) : undefined);
  }
  if (err instanceof ZodError) {
    return badRequest(
      '请求内容不符合要求',
      err.issues.map((i) => ({ path: fieldPath(i.path), message: i.message })),
    );
  }
  if (isTemporalUnavailable(err)) return temporalUnavailable();
  if (err instanceof WorkflowNotFoundError) return notFound('活动的工作流不存在或已结束');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new HttpProblem(409, '冲突', '工作流已存在');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type === REJECTION) return new HttpProblem(422, '操作被拒绝', cause.message);
    return new HttpProblem(422, '操作被拒绝', cause?.message ?? err.message);
  }
  // A path parameter that is not valid percent-encoding (Express's router fails to decode it).
  if (err instanceof URIError) return badRequest('地址中的参数不是有效的 URL 编码');
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string; expose?: boolean; cause?: { code?: string } };
  if (e?.type === 'entity.parse.failed') return badRequest(`请求体不是有效的 JSON:${e.message}`);
  if (e?.type === 'entity.too.large') return new HttpProblem(413, '请求体过大', e.message);
  // Other client errors raised by Express and body-parser (a path parameter that is not valid
  // percent-encoding, an unsupported charset): their status and message are meant for the client.
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpProblem(e.status, '请求无效', e.message);
  // Text PostgreSQL cannot store (U+0000, in text or jsonb) that got past the request checks, e.g. in a YAML plan.
  if (e?.cause?.code === '22P05' || e?.cause?.code === '22021') return badRequest('请求内容含有数据库无法保存的字符（NUL）');
  return new HttpProblem(500, '服务器内部错误', '请稍后再试；详情已记录在服务器日志');
}

export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  const problem = toProblem(err);
  if (problem.status >= 500 && problem.status !== 503) console.error(`[api] ${req.method} ${req.path}:`, err);
  if (problem.status === 503) res.setHeader('Retry-After', '5');
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: problem.type ?? TYPES[problem.status] ?? 'about:blank',
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
};
