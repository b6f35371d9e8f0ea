// One error shape for the whole API: RFC 9457 problem details, naming the failing fields.
import type { ErrorRequestHandler } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { formatPath, type PlanIssue } from '../domain/plan';
import { REJECTION } from '../workflows/messages';

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

export const notFound = (what: string) => new HttpProblem(404, '未找到', what);
export const badRequest = (detail: string, errors?: PlanIssue[]) => new HttpProblem(400, '请求无效', detail, errors);

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
  if (err instanceof ZodError) {
    return badRequest(
      '请求内容不符合要求',
      err.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  if (err instanceof WorkflowNotFoundError) return notFound('活动的工作流不存在或已结束');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new HttpProblem(409, '冲突', '工作流已存在');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type === REJECTION) return new HttpProblem(422, '操作被拒绝', cause.message);
    return new HttpProblem(422, '操作被拒绝', cause?.message ?? err.message);
  }
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string; expose?: boolean; cause?: { code?: string } };
  if (e?.type === 'entity.parse.failed') return badRequest(`请求体不是有效的 JSON:${e.message}`);
  if (e?.type === 'entity.too.large') return new HttpProblem(413, '请求体过大', e.message);
  // Other client errors raised by Express and body-parser (a path parameter that is not valid
  // percent-encoding, an unsupported charset): their status and message are meant for the client.
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpProblem(e.status, '请求无效', e.message);
  // Text PostgreSQL cannot store (U+0000, in text or jsonb) that got past the request checks, e.g. in a YAML plan.
  if (e?.cause?.code === '22P05' || e?.cause?.code === '22021') return badRequest('请求内容含有数据库无法保存的字符(NUL)');
  return new HttpProblem(500, '服务器内部错误', '请稍后再试;详情已记录在服务器日志');
}

export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  const problem = toProblem(err);
  if (problem.status >= 500) console.error(`[api] ${req.method} ${req.path}:`, err);
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
