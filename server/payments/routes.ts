// The tax bureau's per-person payment feed over HTTP. A delivery goes through the list machinery: the
// file uploaded (its header found and columns mapped), then imported by the list-import workflow, whole
// or not at all (services/hardship/listImport.ts); its swap matches it to the roster and rolls the
// verified figures up (services/payments.ts). A village's paid and unpaid registers are read masked, as
// JSON pages for the console and as XLSX, and the clerk records visit outcomes; both are scoped to the
// unit `:code` (a clerk of another village is refused) and recorded in the audit log.
import { z } from 'zod';
import { OutsideRosterDto, PaymentsOverviewDto, RegisterPageDto, RegisterQuery, StartPaymentsImportSchema, VisitRequestSchema, VisitResultDto } from '../../contracts/api/payments';
import { ImportDto, StartImportResultDto, UploadDto } from '../../contracts/api/hardship';
import { eq, and, desc } from 'drizzle-orm';
import { listImports, units } from '../../db/schema';
import { PERSON_PAYMENT_STATUS_ZH, PAYMENT_CHANNEL_ZH, VISIT_OUTCOME_ZH, type PaymentChannel } from '../../domain/payments';
import { type Cell } from '../../formats/xlsxWriter';
import { importRow } from '../../services/hardship/reads';
import { maxUploadBytes, multipartRefused, prepareImport, storeUpload, uploadTooLarge } from '../../services/hardship/uploads';
import { paymentOverview, payersNotInRoster, paymentsCampaign, recordVisit, registerRows, villageRegister, type Register } from '../../services/payments';
import { HttpProblem, notFound } from '../errors';
import { actorName, authOf } from '../http/access';
import { fileNameOf, sendXlsx } from '../http/files';
import type { ApiDeps } from '../http/deps';
import { route } from '../http/route';
import { startListImport } from '../hardship/uploads';
import { watchDiscrepancies } from '../discrepancies/routes';
import { importView, XLSX_TYPE } from '../hardship/views';

const P = '/api/campaigns/:id/payments';
const U = '/api/campaigns/:id/units/:code';
const UnitParams = z.object({ id: z.string(), code: z.string() });
const VILLAGE = /^\d{12}$/;
const REGISTER_ZH: Record<Register, string> = { paid: '已缴费人员清册', unpaid: '未缴费人员清册' };

/** The village `:code` of the campaign, with its name when the plan's units go down to villages. */
async function villageOf(d: ApiDeps, campaignId: string, code: string) {
  const campaign = await paymentsCampaign(d.db, campaignId);
  if (!VILLAGE.test(code)) throw notFound('清册按村（居）提供：请指定 12 位村（居）代码');
  const [unit] = await d.db.select({ name: units.name }).from(units).where(and(eq(units.campaignId, campaign.id), eq(units.code, code)));
  return { campaign, village: { code, name: unit?.name ?? code } };
}

const registerRoutes = (['paid', 'unpaid'] as const).flatMap((register) => [
  route({
    method: 'GET',
    path: `${U}/registers/${register}`,
    summary: `${REGISTER_ZH[register]}（本村居，姓名与身份证号已脱敏，含上年档次与最近走访结果）`,
    scope: { kind: 'unit', action: 'mobilisation.export' },
    audit: true,
    params: UnitParams,
    query: RegisterQuery,
    answers: { 200: { description: '一页', schema: RegisterPageDto }, 404: { description: '不存在或不在本辖区' } },
    handler: async ({ params, query }, d) => {
      const { campaign, village } = await villageOf(d, params.id, params.code);
      const page = await villageRegister(d.db, { campaignId: campaign.id, village: village.code, register, limit: query.limit, after: query.after });
      return { village, register, ...page };
    },
  }),
  route({
    method: 'GET',
    path: `${U}/registers/${register}.xlsx`,
    summary: `${REGISTER_ZH[register]}（XLSX，可打印，已脱敏）`,
    scope: { kind: 'unit', action: 'mobilisation.export' },
    audit: true,
    params: UnitParams,
    answers: { 200: { description: 'XLSX', contentType: XLSX_TYPE }, 404: { description: '不存在或不在本辖区' } },
    handler: async ({ params, res }, d) => {
      const { campaign, village } = await villageOf(d, params.id, params.code);
      const first = await villageRegister(d.db, { campaignId: campaign.id, village: village.code, register, limit: 1 });
      async function* rows(): AsyncGenerator<Cell[]> {
        yield [`${village.name} ${campaign.year}年度城乡居民养老保险${REGISTER_ZH[register]}`];
        yield [`数据截至 ${first.asOf ?? '—'}（税务部门逐人缴费明细，仅计扣费成功）；姓名、身份证号已脱敏`];
        yield ['序号', '姓名', '身份证号', '缴费状态', '本年档次（元）', '上年档次（元）', '缴费渠道', '缴费日期', '走访结果', '走访日期'];
        let n = 0;
        for await (const r of registerRows(d.db, { campaignId: campaign.id, village: village.code, register })) {
          yield [
            ++n,
            r.name,
            r.idNumber,
            PERSON_PAYMENT_STATUS_ZH[r.status],
            r.tierYuan,
            r.lastYearTierYuan,
            r.channel ? PAYMENT_CHANNEL_ZH[r.channel as PaymentChannel] : '',
            r.paidOn ?? '',
            r.visit ? VISIT_OUTCOME_ZH[r.visit.outcome] : '',
            r.visit ? r.visit.date : '',
          ];
        }
        if (n === 0) yield [`本村（居）${register === 'paid' ? '暂无已缴费人员' : '暂无未缴费人员'}`];
      }
      await sendXlsx(res, `${REGISTER_ZH[register]}-${village.name}.xlsx`, [{ name: REGISTER_ZH[register], rows: rows(), widths: [6, 10, 22, 16, 12, 12, 12, 12, 12, 12] }]);
      return undefined;
    },
  }),
]);

export const paymentRoutes = [
  route({
    method: 'POST',
    path: `${P}/uploads`,
    summary: '上传税务逐人缴费明细（CSV/XLSX 原始字节），返回表头与列对应',
    scope: { kind: 'campaign', action: 'taxfeed.import' },
    bodyKind: 'stream',
    headers: [{ name: 'X-File-Name', description: '文件名，经 encodeURIComponent 编码' }],
    query: z.object({ sheet: z.string().optional().describe('XLSX：工作表序号（从 0 起）或名称') }),
    answers: {
      201: { description: '已上传', schema: UploadDto },
      400: { description: '不是可读的文件（类型、大小、编码）' },
      404: { description: '活动不存在' },
      413: { description: '文件过大' },
      415: { description: '表单上传：请直接发送文件内容' },
      429: { description: '上传过于频繁' },
    },
    handler: async ({ req, res, params, query }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      if (req.is('multipart/form-data')) throw multipartRefused();
      const fileName = fileNameOf(req, '缴费明细');
      const declared = Number(req.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > maxUploadBytes('payments')) throw uploadTooLarge(fileName, maxUploadBytes('payments'));
      if (!(await d.limits.upload.hit(String(authOf(res).auth.user.id), d.now())).allowed) throw new HttpProblem(429, '请求过于频繁', '上传过于频繁，请稍后再试');
      const sheet = query.sheet === undefined ? undefined : /^\d+$/.test(query.sheet) ? Number(query.sheet) : query.sheet;
      return storeUpload(d.db, { uploadDir: d.uploadDir, now: d.now }, { campaignId: campaign.id, list: 'payments', fileName, source: req, actor: actorName(res), sheet });
    },
  }),
  route({
    method: 'POST',
    path: `${P}/imports`,
    summary: '导入已上传的逐人缴费明细（本年度截至当日的全量快照；整份导入或整份拒绝；同一文件再次导入不改变任何数据）',
    scope: { kind: 'campaign', action: 'taxfeed.import' },
    temporal: true,
    body: StartPaymentsImportSchema,
    answers: {
      202: { description: '已开始', schema: StartImportResultDto },
      200: { description: '同一导入已存在', schema: StartImportResultDto },
      400: { description: '列对应无效' },
      404: { description: '活动或上传不存在' },
      409: { description: '文件已不在服务器上' },
    },
    handler: async ({ params, body, res }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      const prepared = await prepareImport(d.db, { uploadDir: d.uploadDir, now: d.now }, campaign.id, { ...body, list: 'payments', screenAfter: false, actor: actorName(res) });
      const started = await startListImport(d, prepared, campaign.id);
      // 核查验收: the delivery may open discrepancies; their answer-deadline timer watches (server/discrepancies).
      await watchDiscrepancies(d, campaign.id);
      return started;
    },
  }),
  route({
    method: 'GET',
    path: `${P}/imports/:importId`,
    summary: '一次缴费明细导入的状态与错误（行、列、脱敏后的值、原因）',
    scope: { kind: 'campaign', action: 'taxfeed.import' },
    params: z.object({ id: z.string(), importId: z.string() }),
    answers: { 200: { description: '导入', schema: ImportDto }, 404: { description: '不存在' } },
    handler: async ({ params }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      const row = await importRow(d.db, campaign.id, params.importId);
      if (row.list !== 'payments') throw notFound('未找到');
      return importView(d.db, d.client, row, true);
    },
  }),
  route({
    method: 'GET',
    path: P,
    summary: '逐人缴费明细：当前数据（核实数、各缴费状态人数）与历次报送',
    scope: { kind: 'campaign', action: 'campaign.read' },
    answers: { 200: { description: '概况', schema: PaymentsOverviewDto }, 404: { description: '活动不存在' } },
    handler: async ({ params }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      const deliveries = await d.db
        .select()
        .from(listImports)
        .where(and(eq(listImports.campaignId, campaign.id), eq(listImports.list, 'payments')))
        .orderBy(desc(listImports.createdAt))
        .limit(50);
      return {
        current: await paymentOverview(d.db, campaign.id),
        deliveries: deliveries.map((r) => ({ importId: r.id, fileName: r.fileName, status: r.status, rowsTotal: r.rowsTotal, errorCount: r.errorCount, message: r.message, createdAt: r.createdAt.toISOString() })),
      };
    },
  }),
  route({
    method: 'GET',
    path: `${P}/outside-roster`,
    summary: '已缴费但不在花名册的人员（待核查，已脱敏）',
    scope: { kind: 'campaign', action: 'taxfeed.import' },
    audit: true,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    answers: { 200: { description: '名单', schema: OutsideRosterDto }, 404: { description: '活动不存在' } },
    handler: async ({ params, query }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      return { people: await payersNotInRoster(d.db, campaign.id, query.limit) };
    },
  }),
  ...registerRoutes,
  route({
    method: 'POST',
    path: `${U}/visits`,
    summary: '记录对未缴费人员的走访结果（已走访、承诺缴费、拒绝、已迁出、已死亡、在校学生）',
    scope: { kind: 'unit', action: 'visit.record' },
    params: UnitParams,
    body: VisitRequestSchema,
    answers: { 201: { description: '已记录', schema: VisitResultDto }, 400: { description: '字段无效' }, 404: { description: '人员不在本村（居）花名册' } },
    handler: async ({ params, body, res }, d) => {
      const { campaign, village } = await villageOf(d, params.id, params.code);
      return recordVisit(d.db, { campaignId: campaign.id, village: village.code, ref: body.ref, outcome: body.outcome, note: body.note ?? null, actor: actorName(res), at: new Date(d.now()) });
    },
  }),
];
