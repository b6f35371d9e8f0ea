// 财政资金测算 of a screening run: as JSON for the console and as an XLSX for the finance bureau, per
// unit of the breakdown (the unit asked for and everything under it), with the government's money per
// component (缴费补贴, 加发补贴, 县级提高补贴, 政府代缴) and per funding level by the plan's cost split.
import { BudgetDto, type Budget } from '../../contracts/api/hardship';
import { COST_COMPONENTS, COST_COMPONENT_ZH, FUNDING_LEVELS, FUNDING_LEVEL_ZH, type BudgetRow, type FundingLevel } from '../../domain/policy';
import type { Cell } from '../../formats/xlsxWriter';
import { runBudget } from '../../services/hardship/budget';
import { route } from '../http/route';
import { sendXlsx } from '../http/files';
import { exportScope, XLSX } from './exports';
import { campaignAccess, H, RunParams, UnitQuery } from './views';

const BASIS = '测算口径：已参保代缴和待动员参保的困难群体人员，按本批次筛查时的缴费政策逐人计算，各项资金按方案的分担比例分到各级财政';
const yuan = (fen: number) => fen / 100;
const INDENT = '　';

/** The funding levels that carry any money in the estimate, in the order of government. */
function levelsUsed(rows: readonly BudgetRow[]): FundingLevel[] {
  return FUNDING_LEVELS.filter((l) => rows.some((r) => (r.line.byLevel[l] ?? 0) !== 0));
}

export const budgetRoutes = [
  route({
    method: 'GET',
    path: `${H}/runs/:runId/budget`,
    summary: '财政资金测算（按单位、分项、分级）',
    scope: campaignAccess('hardship.export'),
    params: RunParams,
    query: UnitQuery,
    answers: { 200: { description: '测算结果，金额单位为分', schema: BudgetDto }, 404: { description: '不存在' } },
    handler: async ({ params, query, res }, d): Promise<Budget> => {
      const { campaign, code, run } = await exportScope(d, res, params, query.unit);
      const { rows } = await runBudget(d.db, campaign, run, code);
      return {
        runId: run.id,
        basis: BASIS,
        rows: rows.map((r) => ({ code: r.code, name: r.name, level: r.level, depth: r.depth, ...r.line })),
      };
    },
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId/budget.xlsx`,
    summary: '财政资金测算表（XLSX）',
    scope: campaignAccess('hardship.export'),
    audit: true,
    params: RunParams,
    query: UnitQuery,
    answers: { 200: XLSX, 404: { description: '不存在' } },
    handler: async ({ params, query, res }, d) => {
      const { campaign, code, run, unitName } = await exportScope(d, res, params, query.unit);
      const { rows } = await runBudget(d.db, campaign, run, code);
      const levels = levelsUsed(rows);
      const depth0 = rows[0]?.depth ?? 0;
      const name = (r: BudgetRow) => INDENT.repeat(r.depth - depth0) + r.name;
      const title = `${unitName}困难群体参保财政资金测算表`;
      const note = `筛查批次 ${run.id}；${BASIS}；金额单位：元`;
      const summary: Cell[][] = [
        [title],
        [note],
        ['单位', '测算人数', '其中暂停代缴人数', '政府代缴', '缴费补贴', '加发缴费补贴', '县级提高补贴', '合计', ...levels.map((l) => `其中${FUNDING_LEVEL_ZH[l]}财政`)],
        ...rows.map((r): Cell[] => [
          name(r),
          r.line.people,
          r.line.withheld,
          yuan(r.line.govPaidFen),
          yuan(r.line.subsidyFen.basic),
          yuan(r.line.subsidyFen.extra),
          yuan(r.line.subsidyFen.uplift),
          yuan(r.line.totalFen),
          ...levels.map((l) => yuan(r.line.byLevel[l] ?? 0)),
        ]),
      ];
      const split: Cell[][] = [
        [`${title}（分项分级）`],
        [note],
        ['单位', '资金项目', ...levels.map((l) => `${FUNDING_LEVEL_ZH[l]}财政`), '合计'],
        ...rows.flatMap((r) =>
          COST_COMPONENTS.filter((c) => Object.keys(r.line.byComponent[c]).length > 0).map((c): Cell[] => {
            const byLevel = r.line.byComponent[c];
            return [name(r), COST_COMPONENT_ZH[c], ...levels.map((l) => yuan(byLevel[l] ?? 0)), yuan(Object.values(byLevel).reduce((a, b) => a + (b ?? 0), 0))];
          }),
        ),
      ];
      await sendXlsx(res, `财政资金测算表-${unitName}.xlsx`, [
        { name: '资金测算', rows: summary, widths: [24, 10, 10, 12, 12, 12, 12, 14, ...levels.map(() => 12)] },
        { name: '分项分级', rows: split, widths: [24, 14, ...levels.map(() => 12), 14] },
      ]);
    },
  }),
];
