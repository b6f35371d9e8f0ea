// Hardship screening over HTTP: uploads, imports, screening runs, results, refusals and the ledger and
// mobilisation-list exports. Personal data: ID numbers leave masked (440703********123X); nothing
// personal is read from a URL (searches and refusals are POST bodies naming a result by its opaque id).
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  EVIDENCE_MAX_BYTES,
  HardshipOverviewDto,
  ImportDto,
  LIST_KINDS,
  RecordRefusalRequestSchema,
  RefusalDto,
  ResultPageDto,
  ResultSearchRequestSchema,
  RunDto,
  StartImportRequestSchema,
  StartImportResultDto,
  StartScreeningRequestSchema,
  StartScreeningResultDto,
  UnitSummariesDto,
  UploadDto,
} from '../../contracts/api/hardship';
import type { Action } from '../../domain/access';
import type { ApiDeps } from '../http/deps';
import { IntRowIdSchema, route, type Answer, type Scope } from '../http/route';
import { hardshipHandlers } from './handlers';

const H = '/api/campaigns/:id/hardship';
const XLSX: Answer = { description: 'XLSX', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
const campaign = (action: Action): Scope => ({ kind: 'campaign', action });
const RunParams = z.object({ id: z.string(), runId: z.string().describe('筛查批次编号，或 latest') });
const ImportParams = z.object({ id: z.string(), importId: z.string() });
const UnitQuery = z.object({ unit: z.string().regex(/^\d{6}(\d{3}){0,2}$/, '单位代码应为 6、9 或 12 位数字').optional() });

/** The handlers for one app's dependencies, made once. */
const made = new WeakMap<ApiDeps, ReturnType<typeof hardshipHandlers>>();
function handlers(d: ApiDeps) {
  let h = made.get(d);
  if (!h) made.set(d, (h = hardshipHandlers({ db: d.db, client: d.client, taskQueue: d.taskQueue, uploadDir: d.uploadDir, now: d.now, uploadLimiter: d.limits.upload })));
  return h;
}
/** A route answered by the handler of the same method and path below `/hardship`. */
const by = (key: string) => async ({ req, res }: { req: Request; res: Response }, d: ApiDeps) => {
  await handlers(d)[key](req as Request<Record<string, string>>, res);
};

export const hardshipRoutes = [
  route({
    method: 'POST',
    path: `${H}/uploads`,
    summary: '上传花名册或困难群体名单（CSV/XLSX 原始字节），返回表头与列对应',
    scope: campaign('hardship.import'),
    bodyKind: 'stream',
    headers: [{ name: 'X-File-Name', description: 'encodeURIComponent(文件名)' }],
    query: z.object({
      list: z.enum(LIST_KINDS),
      sheet: z.string().optional().describe('XLSX：要读取的工作表，序号（从 0 起）或名称；默认第一个未隐藏的工作表'),
    }),
    answers: {
      201: { description: '已上传', schema: UploadDto },
      400: { description: '不是可读的名单文件（类型、大小、编码）' },
      404: { description: '活动不存在' },
      413: { description: '文件过大' },
      415: { description: '表单上传（multipart/form-data）：请直接发送文件内容' },
      429: { description: '上传过于频繁' },
    },
    handler: by('POST /uploads'),
  }),
  route({
    method: 'POST',
    path: `${H}/imports`,
    summary: '导入已上传的文件（整份导入或整份拒绝）',
    scope: campaign('hardship.import'),
    temporal: true,
    body: StartImportRequestSchema,
    answers: {
      202: { description: '已开始', schema: StartImportResultDto },
      200: { description: '同一导入已存在', schema: StartImportResultDto },
      400: { description: '字段或列对应无效' },
      404: { description: '活动或上传不存在' },
      409: { description: '文件已不在服务器上' },
    },
    handler: by('POST /imports'),
  }),
  route({
    method: 'GET',
    path: `${H}/imports`,
    summary: '导入记录',
    scope: campaign('hardship.read'),
    answers: { 200: { description: '列表', schema: z.object({ imports: z.array(ImportDto) }) }, 404: { description: '活动不存在' } },
    handler: by('GET /imports'),
  }),
  route({
    method: 'GET',
    path: `${H}/imports/:importId`,
    summary: '导入状态、进度与错误',
    scope: campaign('hardship.read'),
    params: ImportParams,
    answers: { 200: { description: '导入', schema: ImportDto }, 404: { description: '不存在' } },
    handler: by('GET /imports/:importId'),
  }),
  route({
    method: 'GET',
    path: `${H}/imports/:importId/errors.xlsx`,
    summary: '错误报告',
    scope: campaign('hardship.import'),
    audit: true,
    params: ImportParams,
    answers: { 200: XLSX, 404: { description: '不存在' } },
    handler: by('GET /imports/:importId/errors.xlsx'),
  }),
  route({
    method: 'POST',
    path: `${H}/screenings`,
    summary: '开始筛查（整个活动或一个区县）',
    scope: { kind: 'campaign-part', action: 'hardship.import' },
    temporal: true,
    body: StartScreeningRequestSchema,
    answers: { 202: { description: '已开始', schema: StartScreeningResultDto }, 404: { description: '活动不存在' }, 409: { description: '尚无花名册或名单' } },
    handler: by('POST /screenings'),
  }),
  route({
    method: 'GET',
    path: H,
    summary: '现行名单、筛查批次与代缴政策',
    scope: campaign('hardship.read'),
    answers: { 200: { description: '概况', schema: HardshipOverviewDto }, 404: { description: '活动不存在' } },
    handler: by('GET '),
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId`,
    summary: '筛查批次',
    scope: campaign('hardship.read'),
    params: RunParams,
    answers: { 200: { description: '批次', schema: RunDto }, 404: { description: '不存在' } },
    handler: by('GET /runs/:runId'),
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId/summary`,
    summary: '单位及其下级的筛查汇总',
    scope: campaign('hardship.read'),
    params: RunParams,
    query: UnitQuery,
    answers: { 200: { description: '汇总', schema: UnitSummariesDto }, 400: { description: '单位代码无效' }, 404: { description: '不存在' } },
    handler: by('GET /runs/:runId/summary'),
  }),
  route({
    method: 'POST',
    path: `${H}/runs/:runId/results/search`,
    summary: '查询筛查结果（身份证号已脱敏）',
    scope: campaign('hardship.read'),
    params: RunParams,
    body: ResultSearchRequestSchema,
    answers: { 200: { description: '结果', schema: ResultPageDto }, 400: { description: '条件无效' }, 404: { description: '不存在' } },
    handler: by('POST /runs/:runId/results/search'),
  }),
  route({
    method: 'POST',
    path: `${H}/runs/:runId/results/:resultId/unmask`,
    summary: '显示一人的完整身份证号（仅业务主管与督导，记入审计日志）',
    scope: { kind: 'handler', action: 'pii.unmask' },
    params: z.object({ id: z.string(), runId: z.string(), resultId: IntRowIdSchema }),
    answers: { 200: { description: '完整身份证号', schema: z.object({ resultId: z.number(), idNumber: z.string() }) }, 403: { description: '角色无权' }, 404: { description: '不存在或不在本辖区' } },
    handler: by('POST /runs/:runId/results/:resultId/unmask'),
  }),
  route({
    method: 'POST',
    path: `${H}/refusals`,
    summary: '登记拒绝参保（附书面声明）',
    scope: { kind: 'handler', action: 'hardship.refusal' },
    // The evidence travels base64-encoded in the JSON (5 MB of file is about 6.7 MB of text).
    bodyLimit: `${Math.ceil((EVIDENCE_MAX_BYTES * 4) / 3 / 1024 / 1024) + 1}mb`,
    body: RecordRefusalRequestSchema,
    answers: {
      201: { description: '已登记', schema: RefusalDto },
      400: { description: '字段或证明材料无效' },
      404: { description: '不存在' },
      409: { description: '该人员不是待动员状态' },
      413: { description: '证明材料过大' },
    },
    handler: by('POST /refusals'),
  }),
  route({
    method: 'GET',
    path: `${H}/refusals/:refusalId/evidence`,
    summary: '拒绝参保证明材料',
    scope: { kind: 'handler', action: 'hardship.read' },
    audit: true,
    params: z.object({ id: z.string(), refusalId: IntRowIdSchema }),
    answers: { 200: { description: 'PDF/JPEG/PNG' }, 404: { description: '不存在' } },
    handler: by('GET /refusals/:refusalId/evidence'),
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId/ledger.xlsx`,
    summary: '困难群体实名登记管理台账',
    scope: campaign('hardship.export'),
    audit: true,
    params: RunParams,
    query: UnitQuery,
    answers: { 200: XLSX, 404: { description: '不存在' } },
    handler: by('GET /runs/:runId/ledger.xlsx'),
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId/mobilisation.xlsx`,
    summary: '待动员参保名单（每村一页）',
    scope: campaign('mobilisation.export'),
    audit: true,
    params: RunParams,
    query: UnitQuery,
    answers: { 200: XLSX, 404: { description: '不存在' } },
    handler: by('GET /runs/:runId/mobilisation.xlsx'),
  }),
];
