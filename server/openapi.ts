// /api/openapi.json, described from the same zod schemas that validate the requests.
import { z } from 'zod';
import * as dto from '../contracts/api/campaigns';
import * as ad from '../contracts/api/auth';
import * as hd from '../contracts/api/hardship';
import * as rd from '../contracts/api/reporting';
import * as td from '../contracts/api/taxFeed';
import { POLICY } from './authRoutes';

const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } });
const out = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { unrepresentable: 'any' }) } });
const problem = { 'application/problem+json': { schema: z.toJSONSchema(dto.ProblemDto) } };
const ok = (description: string, schema: z.ZodType) => ({ description, content: out(schema) });
const err = (description: string) => ({ description, content: problem });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const codeParam = { name: 'code', in: 'path', required: true, schema: { type: 'string' } };
const action = (summary: string, body: z.ZodType) => ({
  post: {
    summary,
    parameters: [idParam, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }],
    requestBody: { required: true, content: json(body) },
    responses: {
      200: ok('更新后的活动', dto.CampaignDetailDto),
      400: err('请求字段无效'),
      404: err('活动不存在'),
      422: err('操作被工作流拒绝(例如截止时间已过、活动已结束)'),
    },
  },
});

export function openApiDocument() {
  return withCommonProblems({
    openapi: '3.1.0',
    info: { title: '城乡居保征缴活动编排 API', version: '0.1.0' },
    paths: {
      '/api/health': { get: { summary: 'Temporal 与数据库可达性', responses: { 200: ok('正常', dto.HealthDto), 503: ok('不可用', dto.HealthDto) } } },
      '/api/config': { get: { summary: '控制台配置', responses: { 200: ok('配置', dto.AppConfigDto) } } },
      '/api/plans/examples': { get: { summary: '示例方案', responses: { 200: ok('列表', z.array(dto.ExamplePlanDto)) } } },
      '/api/plans/examples/{name}': {
        get: {
          summary: '一个示例方案',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: '方案', content: { 'application/json': { schema: { type: 'object' } } } }, 404: err('不存在') },
        },
      },
      '/api/plans/preview': {
        post: {
          summary: '校验并预览方案(不启动)',
          requestBody: { required: true, content: json(dto.PreviewRequestSchema) },
          responses: { 200: ok('预览', dto.PreviewDto), 400: err('方案错误,errors 列出每处路径与原因') },
        },
      },
      '/api/campaigns': {
        get: { summary: '活动列表', responses: { 200: ok('列表', z.array(dto.CampaignSummaryDto)) } },
        post: {
          summary: '启动活动(同一方案编号重复启动返回已有活动)',
          requestBody: {
            required: true,
            content: { ...json(dto.LaunchRequestSchema), 'application/yaml': { schema: { type: 'string' } } },
          },
          responses: { 201: ok('已启动', dto.LaunchResultDto), 200: ok('已存在', dto.LaunchResultDto), 400: err('方案错误') },
        },
      },
      '/api/demo': { post: { summary: '启动演示活动(江门方案平移到今天)', responses: { 201: ok('已启动', dto.LaunchResultDto), 200: ok('已存在', dto.LaunchResultDto) } } },
      '/api/campaigns/{id}': { get: { summary: '活动详情', parameters: [idParam], responses: { 200: ok('详情', dto.CampaignDetailDto), 404: err('不存在') } } },
      '/api/campaigns/{id}/units/{code}': {
        get: { summary: '单位详情', parameters: [idParam, codeParam], responses: { 200: ok('详情', dto.UnitDetailDto), 404: err('不存在') } },
      },
      '/api/campaigns/{id}/advance': action('提前进入下一阶段', dto.AdvanceRequestSchema),
      '/api/campaigns/{id}/deadline': action('调整阶段截止时间', dto.AmendDeadlineRequestSchema),
      '/api/campaigns/{id}/cancel': action('撤销活动', dto.CancelRequestSchema),
      ...reportingPaths(),
      ...taxFeedPaths(),
      ...hardshipPaths(),
      ...authPaths(),
    },
  });
}

type Operation = { parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> };

/**
 * The answers every operation can give besides its own, so that each one lists every status it may
 * send: 400 when it takes parameters or a body (one schema parse per handler), 413 for a body over the
 * parser's limit, and from the guard (the policy table) 401 without a session or second factor and 403
 * for a role without the action or a write without the CSRF header.
 */
function withCommonProblems<T extends { paths: Record<string, Record<string, Operation>> }>(doc: T): T {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const add = (status: number, description: string) => void (op.responses[status] ??= err(description));
      if (op.parameters?.length || op.requestBody) add(400, '请求参数或请求体无效');
      if (op.requestBody) add(413, '请求体过大');
      const policy = POLICY.find((e) => e.method === method.toUpperCase() && e.path.replace(/:(\w+)/g, '{$1}') === path);
      if (policy?.scope.kind !== 'public') {
        add(401, '未登录或尚未完成动态口令验证');
        add(403, '角色无权,或缺少 CSRF 令牌');
      }
    }
  }
  return doc;
}

/** Query parameters from the zod schema that parses them. */
function queryParams(schema: z.ZodObject) {
  const js = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, object>; required?: string[] };
  return Object.entries(js.properties).map(([name, s]) => ({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s }));
}

const idempotency = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } };
const seqParam = { name: 'seq', in: 'path', required: true, schema: z.toJSONSchema(dto.IntRowIdSchema) };
const closed = '活动已结束或撤销,或被工作流拒绝';

/** Reporting, escalations, circulars, the calendar, the deadlines board and the inbox (server/app.ts, server/reporting.ts). */
function reportingPaths() {
  const C = '/api/campaigns/{id}';
  return {
    '/api/calendar': { get: { summary: '节假日安排(内置与修订)及修改记录', responses: { 200: ok('日历', rd.CalendarDto) } } },
    '/api/calendar/{year}': {
      put: {
        summary: '新增或修订一年的节假日安排(通知进行中的活动重算截止日)',
        parameters: [{ name: 'year', in: 'path', required: true, schema: { type: 'integer', minimum: 2000, maximum: 2100 } }],
        requestBody: { required: true, content: json(rd.PutCalendarRequestSchema) },
        responses: { 200: ok('已保存', rd.PutCalendarResultDto), 400: err('日历内容无效或年份不一致') },
      },
    },
    '/api/deadlines': {
      get: { summary: '今后若干天的截止事项(本辖区)', parameters: queryParams(rd.DeadlinesQuerySchema), responses: { 200: ok('截止事项', rd.DeadlinesDto) } },
    },
    '/api/inbox': {
      get: {
        summary: '站内通知(本辖区)',
        parameters: queryParams(rd.InboxQuerySchema),
        responses: { 200: ok('通知', z.object({ messages: z.array(rd.InboxMessageDto) })), 404: err('收件单位不在本辖区') },
      },
    },
    [`${C}/units/{code}/reporting`]: {
      get: { summary: '单位的报送期与报送记录', parameters: [idParam, codeParam], responses: { 200: ok('报送', rd.UnitReportingDto), 404: err('活动或单位不存在') } },
    },
    [`${C}/units/{code}/reports`]: {
      post: {
        summary: '报送一期进度(同一期再报为更正)',
        parameters: [idParam, codeParam, idempotency, { name: 'X-Source', in: 'header', required: false, schema: { type: 'string' }, description: 'console 表示由控制台提交' }],
        requestBody: { required: true, content: json(rd.SubmitReportRequestSchema) },
        responses: { 201: ok('回执', rd.ReportReceiptDto), 404: err('活动或单位不存在'), 422: err(`${closed}(例如不是报送单位、报送期不存在)`) },
      },
    },
    [`${C}/escalations`]: {
      get: {
        summary: '督办记录(本辖区)',
        parameters: [idParam, ...queryParams(rd.EscalationQuerySchema)],
        responses: { 200: ok('督办', z.object({ escalations: z.array(rd.EscalationDto) })), 404: err('活动不存在或区域不在本辖区') },
      },
    },
    [`${C}/escalations/respond`]: {
      post: {
        summary: '签收、答复或豁免一条督办',
        parameters: [idParam, idempotency],
        requestBody: { required: true, content: json(rd.RespondEscalationRequestSchema) },
        responses: { 200: ok('回执', z.object({ escalationId: z.string(), status: z.enum(['acknowledged', 'answered', 'waived']) })), 404: err('督办不存在'), 422: err(closed) },
      },
    },
    [`${C}/circulars`]: { get: { summary: '通报列表', parameters: [idParam], responses: { 200: ok('通报', z.object({ circulars: z.array(rd.CircularDto) })), 404: err('活动不存在') } } },
    [`${C}/circulars/approve`]: {
      post: {
        summary: '审核发布通报',
        parameters: [idParam, idempotency],
        requestBody: { required: true, content: json(rd.ApproveCircularRequestSchema) },
        responses: { 200: ok('已发布', z.object({ circularId: z.string(), status: z.literal('published') })), 404: err('活动或通报不存在'), 422: err(closed) },
      },
    },
    [`${C}/circulars/{seq}/print`]: {
      get: { summary: '通报打印页', parameters: [idParam, seqParam], responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } }, 404: err('不存在') } },
    },
    [`${C}/circulars/{seq}/xlsx`]: { get: { summary: '通报排名表', parameters: [idParam, seqParam], responses: { 200: xlsx('XLSX'), 404: err('不存在') } } },
  };
}

/** The tax bureau's payment feed (server/taxFeed.ts). */
function taxFeedPaths() {
  const csv = { schema: { type: 'string', format: 'binary' } };
  return {
    '/api/campaigns/{id}/tax-feed': {
      get: { summary: '税务缴费数据导入记录与收件箱计划', parameters: [idParam], responses: { 200: ok('记录', td.TaxFeedOverviewDto), 404: err('活动不存在') } },
      post: {
        summary: '导入税务缴费数据(一个 CSV 文件,整份导入或整份拒绝;同一文件再次提交返回已有导入)',
        parameters: [idParam, { name: 'X-File-Name', in: 'header', required: false, schema: { type: 'string' }, description: 'encodeURIComponent(文件名)' }],
        requestBody: { required: true, content: { 'text/csv': csv, 'application/octet-stream': csv } },
        responses: {
          201: ok('已导入', td.ImportTaxFeedResultDto),
          200: ok('同一文件已导入', td.ImportTaxFeedResultDto),
          400: { description: '文件有错误,errors 列出行、列与原因', content: { 'application/problem+json': { schema: z.toJSONSchema(td.TaxFeedProblemDto) } } },
          404: err('活动不存在'),
          413: err('文件超过 5 MiB'),
          415: err('内容类型不是 CSV'),
        },
      },
    },
  };
}

const runParam = { name: 'runId', in: 'path', required: true, schema: { type: 'string' }, description: '筛查批次编号,或 latest' };
const importParam = { name: 'importId', in: 'path', required: true, schema: { type: 'string' } };
const unitQuery = { name: 'unit', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{6}(\\d{3}){0,2}$' } };
const xlsx = (description: string) => ({ description, content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } });

/** The hardship routes (server/hardship.ts). */
function hardshipPaths() {
  const base = '/api/campaigns/{id}/hardship';
  return {
    [`${base}/uploads`]: {
      post: {
        summary: '上传花名册或困难群体名单(CSV/XLSX 原始字节),返回表头与列对应',
        parameters: [
          idParam,
          { name: 'list', in: 'query', required: true, schema: { type: 'string', enum: [...hd.LIST_KINDS] } },
          { name: 'sheet', in: 'query', required: false, schema: { type: 'string' }, description: 'XLSX:要读取的工作表,序号(从 0 起)或名称;默认第一个未隐藏的工作表' },
          { name: 'X-File-Name', in: 'header', required: false, schema: { type: 'string' }, description: 'encodeURIComponent(文件名)' },
        ],
        requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          201: ok('已上传', hd.UploadDto),
          400: err('不是可读的名单文件(类型、大小、编码)'),
          404: err('活动不存在'),
          413: err('文件过大'),
          415: err('表单上传(multipart/form-data):请直接发送文件内容'),
          429: err('上传过于频繁'),
        },
      },
    },
    [`${base}/imports`]: {
      get: { summary: '导入记录', parameters: [idParam], responses: { 200: ok('列表', z.object({ imports: z.array(hd.ImportDto) })), 404: err('活动不存在') } },
      post: {
        summary: '导入已上传的文件(整份导入或整份拒绝)',
        parameters: [idParam],
        requestBody: { required: true, content: json(hd.StartImportRequestSchema) },
        responses: { 202: ok('已开始', hd.StartImportResultDto), 200: ok('同一导入已存在', hd.StartImportResultDto), 400: err('字段或列对应无效'), 404: err('活动或上传不存在'), 409: err('文件已不在服务器上') },
      },
    },
    [`${base}/imports/{importId}`]: { get: { summary: '导入状态、进度与错误', parameters: [idParam, importParam], responses: { 200: ok('导入', hd.ImportDto), 404: err('不存在') } } },
    [`${base}/imports/{importId}/errors.xlsx`]: { get: { summary: '错误报告', parameters: [idParam, importParam], responses: { 200: xlsx('XLSX'), 404: err('不存在') } } },
    [`${base}/screenings`]: {
      post: {
        summary: '开始筛查(整个活动或一个区县)',
        parameters: [idParam],
        requestBody: { required: false, content: json(hd.StartScreeningRequestSchema) },
        responses: { 202: ok('已开始', hd.StartScreeningResultDto), 404: err('活动不存在'), 409: err('尚无花名册或名单') },
      },
    },
    [base]: { get: { summary: '现行名单、筛查批次与代缴政策', parameters: [idParam], responses: { 200: ok('概况', hd.HardshipOverviewDto), 404: err('活动不存在') } } },
    [`${base}/runs/{runId}`]: { get: { summary: '筛查批次', parameters: [idParam, runParam], responses: { 200: ok('批次', hd.RunDto), 404: err('不存在') } } },
    [`${base}/runs/{runId}/summary`]: {
      get: { summary: '单位及其下级的筛查汇总', parameters: [idParam, runParam, unitQuery], responses: { 200: ok('汇总', hd.UnitSummariesDto), 400: err('单位代码无效'), 404: err('不存在') } },
    },
    [`${base}/runs/{runId}/results/search`]: {
      post: {
        summary: '查询筛查结果(身份证号已脱敏)',
        parameters: [idParam, runParam],
        requestBody: { required: false, content: json(hd.ResultSearchRequestSchema) },
        responses: { 200: ok('结果', hd.ResultPageDto), 400: err('条件无效'), 404: err('不存在') },
      },
    },
    [`${base}/refusals`]: {
      post: {
        summary: '登记拒绝参保(附书面声明)',
        parameters: [idParam],
        requestBody: { required: true, content: json(hd.RecordRefusalRequestSchema) },
        responses: { 201: ok('已登记', hd.RefusalDto), 400: err('字段或证明材料无效'), 404: err('不存在'), 409: err('该人员不是待动员状态'), 413: err('证明材料过大') },
      },
    },
    [`${base}/refusals/{refusalId}/evidence`]: {
      get: { summary: '拒绝参保证明材料', parameters: [idParam, { name: 'refusalId', in: 'path', required: true, schema: z.toJSONSchema(dto.IntRowIdSchema) }], responses: { 200: { description: 'PDF/JPEG/PNG' }, 404: err('不存在') } },
    },
    [`${base}/runs/{runId}/results/{resultId}/unmask`]: {
      post: {
        summary: '显示一人的完整身份证号(仅业务主管与督导,记入审计日志)',
        parameters: [idParam, runParam, { name: 'resultId', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { 200: ok('完整身份证号', z.object({ resultId: z.number(), idNumber: z.string() })), 403: err('角色无权'), 404: err('不存在或不在本辖区') },
      },
    },
    [`${base}/runs/{runId}/ledger.xlsx`]: { get: { summary: '实名登记管理台账', parameters: [idParam, runParam, unitQuery], responses: { 200: xlsx('XLSX'), 404: err('不存在') } } },
    [`${base}/runs/{runId}/mobilisation.xlsx`]: { get: { summary: '待动员参保名单(每村一页)', parameters: [idParam, runParam, unitQuery], responses: { 200: xlsx('XLSX'), 404: err('不存在') } } },
  };
}

const userIdParam = { name: 'userId', in: 'path', required: true, schema: z.toJSONSchema(dto.IntRowIdSchema) };
const noContent = { description: '完成' };

/** Sign-in, accounts and the audit log (server/authRoutes.ts). */
function authPaths() {
  const session = ok('会话', ad.SessionDto);
  return {
    '/api/auth/login': {
      post: {
        summary: '登录(设置 httpOnly 会话 Cookie)',
        requestBody: { required: true, content: json(ad.LoginRequestSchema) },
        responses: { 200: session, 400: err('请求无效'), 401: err('账号或密码错误'), 403: err('账号已停用'), 429: err('尝试过多,已锁定') },
      },
    },
    '/api/auth/session': { get: { summary: '当前会话', responses: { 200: session, 401: err('未登录') } } },
    '/api/auth/mfa/enrol': { post: { summary: '开始绑定动态口令', responses: { 200: ok('密钥', ad.TotpEnrolmentDto), 401: err('未登录'), 409: err('已绑定') } } },
    '/api/auth/mfa/confirm': { post: { summary: '确认绑定', requestBody: { required: true, content: json(ad.MfaCodeRequestSchema) }, responses: { 200: session, 401: err('口令错误') } } },
    '/api/auth/mfa/verify': { post: { summary: '验证动态口令', requestBody: { required: true, content: json(ad.MfaCodeRequestSchema) }, responses: { 200: session, 401: err('口令错误') } } },
    '/api/auth/password': { post: { summary: '修改密码', requestBody: { required: true, content: json(ad.ChangePasswordRequestSchema) }, responses: { 204: noContent, 400: err('不符合要求'), 401: err('原密码错误') } } },
    '/api/auth/logout': { post: { summary: '退出登录', responses: { 204: noContent } } },
    '/api/users': {
      get: { summary: '账户列表(管理员)', responses: { 200: ok('列表', z.object({ users: z.array(ad.UserDto) })), 403: err('无权') } },
      post: { summary: '新建账户(管理员)', requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } }, responses: { 201: ok('账户', ad.UserDto), 400: err('无效'), 403: err('无权'), 409: err('账号已存在') } },
    },
    '/api/users/{userId}': {
      patch: { summary: '修改账户', parameters: [userIdParam], requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } }, responses: { 200: ok('账户', ad.UserDto), 403: err('无权'), 404: err('不存在') } },
    },
    '/api/users/{userId}/password': { post: { summary: '重置密码', parameters: [userIdParam], requestBody: { required: true, content: json(ad.ResetPasswordRequestSchema) }, responses: { 204: noContent, 404: err('不存在') } } },
    '/api/users/{userId}/unlock': { post: { summary: '解除锁定', parameters: [userIdParam], responses: { 204: noContent, 404: err('不存在') } } },
    '/api/users/{userId}/reset-mfa': { post: { summary: '重置动态口令', parameters: [userIdParam], responses: { 204: noContent, 404: err('不存在') } } },
    '/api/audit': { get: { summary: '审计日志(审计员,本辖区)', responses: { 200: ok('记录', ad.AuditPageDto), 403: err('无权') } } },
  };
}
