// The hardship exports, written as XLSX streams while their rows are read a page at a time: an import's
// error report, the 实名登记管理台账 (ledger) of a unit, and the 待动员名单 (one sheet per village).
// ID numbers are masked in all of them.
import type { Response } from 'express';
import { categoryName, INELIGIBLE_ZH, OUTCOME_ZH, REFUSAL_STATEMENT_ZH, type IneligibleReason, type Outcome } from '../../domain/hardship';
import { maskIdNumber } from '../../domain/idNumber';
import { type Cell, type SheetSource } from '../../formats/xlsxWriter';
import { hardshipCampaign, importErrorPages, importRow, refusalsOf, resultPages, unitOf, unitsOf, visibleRun } from '../../services/hardship/reads';
import type { ApiDeps } from '../http/deps';
import { route, type Answer } from '../http/route';
import { campaignAccess, changeZh, H, ImportParams, partOf, RunParams, UnitQuery, unitInScope, XLSX_TYPE } from './views';
import { sendXlsx } from '../http/files';

export const XLSX: Answer = { description: 'XLSX', contentType: XLSX_TYPE };
const yuan = (fen: number | null) => (fen === null ? null : fen / 100);

/** What an export is about: the campaign, the unit asked for (within the user's scope) and its name, the run covering it. */
export async function exportScope(d: ApiDeps, res: Response, params: { id: string; runId: string }, unit: string | undefined) {
  const campaign = await hardshipCampaign(d.db, params.id);
  const code = unitInScope(res, unit);
  const run = await visibleRun(d.db, campaign.id, params.runId, partOf(res, campaign), code === campaign.regionCode ? undefined : code);
  const names = await unitsOf(d.db, campaign.id);
  const unitName = unitOf(campaign, names, code).name;
  return { campaign, code, run, names, unitName };
}

export const exportRoutes = [
  route({
    method: 'GET',
    path: `${H}/imports/:importId/errors.xlsx`,
    summary: '错误报告',
    scope: campaignAccess('hardship.import'),
    audit: true,
    params: ImportParams,
    answers: { 200: XLSX, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const part = partOf(res, campaign);
      const row = await importRow(d.db, campaign.id, params.importId);
      async function* rows(): AsyncGenerator<Cell[]> {
        yield ['文件', '行号', '列', '值（已脱敏）', '错误原因'];
        let listed = 0;
        for await (const page of importErrorPages(d.db, row.id, part)) {
          for (const e of page) yield [row.fileName, e.line, e.column, e.value, e.reason];
          listed += page.length;
        }
        if (part !== null) yield [`只列出本辖区（${part}）村（居）的错误；其他辖区的错误和不属于任何村（居）的错误未列出`];
        else if (row.errorCount > listed) yield [`另有 ${row.errorCount - listed} 处错误未列出（错误报告最多列 ${listed} 处）；请先修改以上错误后重新上传`];
        if (row.message && listed === 0) yield [row.fileName, null, null, null, row.message];
      }
      await sendXlsx(res, `导入错误报告-${row.fileName.replace(/\.[^.]+$/, '')}.xlsx`, [{ name: '错误报告', rows: rows(), widths: [28, 8, 20, 22, 70] }]);
    },
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId/ledger.xlsx`,
    summary: '困难群体实名登记管理台账',
    scope: campaignAccess('hardship.export'),
    audit: true,
    params: RunParams,
    query: UnitQuery,
    answers: { 200: XLSX, 404: { description: '不存在' } },
    handler: async ({ params, query, res }, d) => {
      const { campaign, code, run, names, unitName } = await exportScope(d, res, params, query.unit);
      async function* rows(): AsyncGenerator<Cell[]> {
        yield [`${unitName} 困难群体参保实名登记管理台账`];
        yield [`筛查批次 ${run.id}，完成于 ${run.finishedAt?.toISOString().slice(0, 10) ?? '—'}；身份证号已脱敏`];
        yield ['序号', '姓名', '身份证号', '困难类别', '户籍村（居）', '核查结果', '不符合条件原因', '缴费档次（元）', '政府代缴（元）', '个人缴费（元）', '缴费补贴（元）', '拒绝参保证明', '本次变化'];
        let n = 0;
        for await (const page of resultPages(d.db, { runId: run.id, campaignRegion: campaign.regionCode, unitCode: code })) {
          const refusalOf = await refusalsOf(d.db, campaign.id, page);
          for (const r of page) {
            const refusal = r.refusalId ? refusalOf.get(r.refusalId) : undefined;
            yield [
              ++n,
              r.name,
              maskIdNumber(r.idNumber),
              r.categories.map(categoryName).join('、'),
              r.villageCode ? (names.get(r.villageCode)?.name ?? r.villageCode) : '—',
              OUTCOME_ZH[r.outcome as Outcome],
              r.reason ? INELIGIBLE_ZH[r.reason as IneligibleReason] : '',
              yuan(r.tierFen),
              yuan(r.govPaidFen),
              yuan(r.personalFen),
              yuan(r.subsidyFen),
              refusal ? `${REFUSAL_STATEMENT_ZH[refusal.statementBy as keyof typeof REFUSAL_STATEMENT_ZH]}（走访 ${refusal.visits} 次，${refusal.evidenceName}）` : '',
              changeZh(r.change),
            ];
          }
        }
      }
      await sendXlsx(res, `困难群体实名登记台账-${unitName}.xlsx`, [{ name: '实名登记台账', rows: rows(), widths: [6, 10, 22, 24, 14, 14, 26, 10, 10, 10, 10, 36, 10] }]);
    },
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId/mobilisation.xlsx`,
    summary: '待动员参保名单（每村一页）',
    scope: campaignAccess('mobilisation.export'),
    audit: true,
    params: RunParams,
    query: UnitQuery,
    answers: { 200: XLSX, 404: { description: '不存在' } },
    handler: async ({ params, query, res }, d) => {
      const { campaign, code, run, names, unitName } = await exportScope(d, res, params, query.unit);
      // One sheet per village, in village order: each sheet takes the rows of its village as they arrive.
      async function* sheets(): AsyncGenerator<SheetSource> {
        const people = (async function* () {
          for await (const page of resultPages(d.db, { runId: run.id, campaignRegion: campaign.regionCode, unitCode: code, outcome: 'to-mobilise' })) yield* page;
        })();
        let next = await people.next();
        if (next.done) {
          yield { name: '待动员名单', widths: [60], rows: [[`${unitName}：本批次没有待动员参保人员`]] };
          return;
        }
        while (!next.done) {
          const village = next.value.villageCode ?? '';
          const villageName = names.get(village)?.name ?? village;
          const rows = async function* (): AsyncGenerator<Cell[]> {
            yield [`${villageName} 困难群体待动员参保名单`];
            yield [`筛查批次 ${run.id}；身份证号已脱敏；请逐户走访并记录，拒绝参保的须取得书面声明`];
            yield ['序号', '姓名', '身份证号', '困难类别', '缴费档次（元）', '政府代缴（元）', '个人应缴（元）', '走访记录', '备注'];
            for (let i = 0; !next.done && (next.value.villageCode ?? '') === village; next = await people.next()) {
              const r = next.value;
              yield [++i, r.name, maskIdNumber(r.idNumber), r.categories.map(categoryName).join('、'), yuan(r.tierFen), yuan(r.govPaidFen), yuan(r.personalFen), '', changeZh(r.change)];
            }
          };
          yield { name: `${villageName}-${village.slice(-3)}`, widths: [6, 10, 22, 24, 10, 10, 10, 24, 20], rows: rows() };
        }
      }
      await sendXlsx(res, `困难群体待动员名单-${unitName}.xlsx`, sheets());
    },
  }),
];
