// Reporting, escalations, circulars, the working-day calendar, the deadlines board and the inbox.
import { z } from 'zod';
import {
  ApproveCircularRequestSchema,
  CalendarDto,
  CircularDto,
  DeadlinesDto,
  DeadlinesQuerySchema,
  EscalationDto,
  EscalationQuerySchema,
  InboxMessageDto,
  InboxQuerySchema,
  PutCalendarRequestSchema,
  PutCalendarResultDto,
  ReportReceiptDto,
  RespondEscalationRequestSchema,
  SubmitReportRequestSchema,
  UnitReportingDto,
} from '../../contracts/api/reporting';
import { campaigns as campaignsTable } from '../../db/schema';
import { campaignVisible, isRegionCode, regionContains, unitReachable } from '../../domain/access';
import { notFound } from '../errors';
import { actorName, authOf, requireRegion, subjectOf } from '../http/access';
import { CampaignParams, IntRowIdSchema, UnitParams, route } from '../http/route';
import { sendXlsx, XLSX_TYPE } from '../http/files';

const C = '/api/campaigns/:id';
const closed = '活动已结束或撤销，或被工作流拒绝';
const CircularParams = z.object({ id: z.string(), seq: IntRowIdSchema });

export const reportingRoutes = [
  route({
    method: 'GET',
    path: '/api/calendar',
    summary: '节假日安排（内置与修订）及修改记录',
    scope: { kind: 'session' },
    answers: { 200: { description: '日历', schema: CalendarDto } },
    handler: async (_ctx, d) => d.reporting.calendar(),
  }),
  route({
    method: 'PUT',
    path: '/api/calendar/:year',
    summary: '新增或修订一年的节假日安排（通知进行中的活动重算截止日）',
    scope: { kind: 'role', action: 'calendar.edit' },
    temporal: true,
    params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
    body: PutCalendarRequestSchema,
    answers: { 200: { description: '已保存', schema: PutCalendarResultDto }, 400: { description: '日历内容无效或年份不一致' } },
    handler: async ({ params, body, res }, d) => d.reporting.putCalendar(params.year, { ...body, actor: actorName(res) }),
  }),
  route({
    method: 'GET',
    path: '/api/deadlines',
    summary: '今后若干天的截止事项（本辖区）',
    scope: { kind: 'session' },
    query: DeadlinesQuerySchema,
    answers: { 200: { description: '截止事项', schema: DeadlinesDto } },
    handler: async ({ query, res }, d) => {
      const user = subjectOf(res);
      const view = await d.reporting.deadlines(query.days);
      const regions = new Map((await d.db.select({ id: campaignsTable.id, regionCode: campaignsTable.regionCode }).from(campaignsTable)).map((c) => [c.id, c.regionCode]));
      const items = view.items.filter((i) => (i.unitCode ? unitReachable(user, i.unitCode) : campaignVisible(user, regions.get(i.campaignId) ?? '')));
      return { ...view, items };
    },
  }),
  route({
    method: 'GET',
    path: '/api/inbox',
    summary: '站内通知（本辖区）',
    scope: { kind: 'session' },
    query: InboxQuerySchema,
    answers: { 200: { description: '通知', schema: z.object({ messages: z.array(InboxMessageDto) }) }, 404: { description: '收件单位不在本辖区' } },
    handler: async ({ query, res }, d) => {
      const user = subjectOf(res);
      const reachable = (code: string) => isRegionCode(code) && unitReachable(user, code);
      if (query.recipient && !reachable(query.recipient)) throw notFound('未找到');
      return { messages: (await d.reporting.inbox(query.recipient, query.limit)).filter((m) => reachable(m.recipient)) };
    },
  }),
  route({
    method: 'GET',
    path: `${C}/units/:code/reporting`,
    summary: '单位的报送期与报送记录',
    scope: { kind: 'unit', action: 'campaign.read' },
    params: UnitParams,
    answers: { 200: { description: '报送', schema: UnitReportingDto }, 404: { description: '活动或单位不存在' } },
    handler: async ({ params }, d) => d.reporting.unitReporting(params.id, params.code),
  }),
  route({
    method: 'POST',
    path: `${C}/units/:code/reports`,
    summary: '报送一期进度（同一期再报为更正）',
    scope: { kind: 'unit', action: 'report.submit' },
    temporal: true,
    idempotent: true,
    headers: [{ name: 'X-Source', description: 'console 表示由控制台提交' }],
    params: UnitParams,
    body: SubmitReportRequestSchema,
    answers: { 201: { description: '回执', schema: ReportReceiptDto }, 404: { description: '活动或单位不存在' }, 422: { description: `${closed}（例如不是报送单位、报送期不存在）` } },
    handler: async ({ params, body, req, res, idempotencyKey }, d) =>
      d.reporting.submitReport(params.id, params.code, { ...body, actor: actorName(res) }, req.get('X-Source') === 'console' ? 'console' : 'api', idempotencyKey),
  }),
  route({
    method: 'GET',
    path: `${C}/escalations`,
    summary: '督办记录（本辖区）',
    scope: { kind: 'campaign', action: 'campaign.read' },
    params: CampaignParams,
    query: EscalationQuerySchema,
    answers: { 200: { description: '督办', schema: z.object({ escalations: z.array(EscalationDto) }) }, 404: { description: '活动不存在或区域不在本辖区' } },
    handler: async ({ params, query, res }, d) => {
      // Below the campaign's region, the board shows the user's own subtree only.
      const { scope } = authOf(res);
      if (query.region && !regionContains(scope, query.region)) throw notFound('未找到');
      return { escalations: await d.reporting.escalations(params.id, { ...query, region: query.region ?? scope }) };
    },
  }),
  route({
    method: 'POST',
    path: `${C}/escalations/respond`,
    summary: '签收、答复或豁免一条督办',
    scope: { kind: 'handler', action: 'escalation.respond' },
    temporal: true,
    idempotent: true,
    params: CampaignParams,
    body: RespondEscalationRequestSchema,
    answers: {
      200: { description: '回执', schema: z.object({ escalationId: z.string(), status: z.enum(['acknowledged', 'answered', 'waived']) }) },
      404: { description: '督办不存在' },
      422: { description: closed },
    },
    handler: async ({ params, body, res, idempotencyKey }, d) => {
      // The escalation's id is `campaign/unit/track/period/rung`: the unit is what the user must reach.
      await requireRegion(d.db, res, 'escalation.respond', body.escalationId.split('/')[1] ?? null);
      return d.reporting.respond(params.id, { ...body, actor: actorName(res) }, idempotencyKey);
    },
  }),
  route({
    method: 'GET',
    path: `${C}/circulars`,
    summary: '通报列表',
    scope: { kind: 'campaign', action: 'campaign.read' },
    params: CampaignParams,
    answers: { 200: { description: '通报', schema: z.object({ circulars: z.array(CircularDto) }) }, 404: { description: '活动不存在' } },
    handler: async ({ params }, d) => ({ circulars: await d.reporting.circulars(params.id) }),
  }),
  route({
    method: 'POST',
    path: `${C}/circulars/approve`,
    summary: '审核发布通报',
    scope: { kind: 'campaign', action: 'circular.approve' },
    temporal: true,
    idempotent: true,
    params: CampaignParams,
    body: ApproveCircularRequestSchema,
    answers: {
      200: { description: '已发布', schema: z.object({ circularId: z.string(), status: z.literal('published') }) },
      404: { description: '活动或通报不存在' },
      422: { description: closed },
    },
    handler: async ({ params, body, res, idempotencyKey }, d) => d.reporting.approveCircular(params.id, { ...body, actor: actorName(res) }, idempotencyKey),
  }),
  route({
    method: 'GET',
    path: `${C}/circulars/:seq/print`,
    summary: '通报打印页',
    scope: { kind: 'campaign', action: 'campaign.read' },
    params: CircularParams,
    answers: { 200: { description: 'HTML', contentType: 'text/html' }, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => void res.type('text/html; charset=utf-8').send(await d.reporting.circularHtml(params.id, params.seq)),
  }),
  route({
    method: 'GET',
    path: `${C}/circulars/:seq/xlsx`,
    summary: '通报排名表',
    scope: { kind: 'campaign', action: 'campaign.read' },
    audit: true,
    params: CircularParams,
    answers: { 200: { description: 'XLSX', contentType: XLSX_TYPE }, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => {
      const file = await d.reporting.circularXlsx(params.id, params.seq);
      await sendXlsx(res, file.fileName, file.sheets);
    },
  }),
  route({
    method: 'GET',
    path: `${C}/progress-table`,
    summary: '各单位进度表（XLSX，本辖区）',
    scope: { kind: 'campaign', action: 'campaign.read' },
    audit: true,
    params: CampaignParams,
    answers: { 200: { description: 'XLSX', contentType: XLSX_TYPE }, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => {
      const { scope } = authOf(res);
      const detail = await d.campaigns.detail(params.id);
      const rows = detail.units.filter((u) => regionContains(scope, u.code));
      await sendXlsx(res, `progress-${params.id}.xlsx`, [{ name: '进度表', rows: unitProgressRows(detail.title, detail.regionName, rows, d.now(), detail.timeZone), widths: [14, 16, 10, 12, 12, 12, 12, 14, 10, 10, 8] }]);
    },
  }),
];

const UNIT_STATUS_ZH: Record<string, string> = { pending: '待启动', active: '进行中', completed: '已完成', cancelled: '已撤销', failed: '异常' };
const LIGHT_ZH: Record<string, string> = { red: '红', yellow: '黄', blue: '蓝', green: '绿' };

/** The county (or town) progress table as the console shows it, for officials to file or forward. */
function unitProgressRows(
  title: string,
  regionName: string,
  units: ReadonlyArray<{ code: string; name: string; status: string; light: string; targets: { enrolled: number | null; paying: number | null }; progress: { enrolled: number; paid: number; amountYuan: number } }>,
  now: number,
  timeZone: string,
) {
  const rate = (a: number, t: number | null) => (t ? `${((a / t) * 100).toFixed(1)}%` : '—');
  const at = new Intl.DateTimeFormat('zh-CN', { timeZone, year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(now));
  return [
    [`${title}：各单位进度表`],
    [`${regionName}，导出时间：${at}`],
    ['代码', '单位', '进度灯', '参保人数', '参保目标', '缴费人数', '缴费目标', '缴费金额（元）', '参保完成率', '缴费完成率', '状态'],
    ...units.map((u) => [
      u.code,
      u.name,
      LIGHT_ZH[u.light] ?? u.light,
      u.progress.enrolled,
      u.targets.enrolled,
      u.progress.paid,
      u.targets.paying,
      Math.round(u.progress.amountYuan * 100) / 100,
      rate(u.progress.enrolled, u.targets.enrolled),
      rate(u.progress.paid, u.targets.paying),
      UNIT_STATUS_ZH[u.status] ?? u.status,
    ]),
  ];
}
