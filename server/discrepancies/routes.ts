// 核查验收 discrepancies over HTTP (services/discrepancies.ts): the list in the caller's region, an
// official's check (compare now, whatever the phase), a unit's answer (explain or correct, audited as
// every write is), and a unit's mobilisation figures from the clerks' visit outcomes. The check and a
// payment delivery start the campaign's discrepancy workflow (its answer-deadline timer), or poke it.
import { z } from 'zod';
import { AnswerDiscrepancySchema, AnswerResultDto, CheckResultDto, DiscrepancyListDto, DiscrepancyQuery, MobilisationDto } from '../../contracts/api/discrepancies';
import { DISCREPANCY_METRICS } from '../../domain/discrepancy';
import { answerDiscrepancy, checkDiscrepancies, listDiscrepancies, verificationSettings, watchDiscrepancies as watchWith } from '../../services/discrepancies';
import { mobilisationOf, paymentsCampaign } from '../../services/payments';
import { actorName, authOf } from '../http/access';
import type { ApiDeps } from '../http/deps';
import { route } from '../http/route';

const C = '/api/campaigns/:id';
const UnitParams = z.object({ id: z.string(), code: z.string() });

/** After a change that may open discrepancies: services/discrepancies.ts watchDiscrepancies, with the API's client. */
export async function watchDiscrepancies(d: Pick<ApiDeps, 'db' | 'client' | 'taskQueue'>, campaignId: string): Promise<void> {
  await watchWith(d.db, { client: d.client, taskQueue: d.taskQueue }, campaignId);
}

export const discrepancyRoutes = [
  route({
    method: 'GET',
    path: `${C}/discrepancies`,
    summary: '核查差异：报送数与税务核实数之差超出方案允许误差的单位（本辖区；默认不含已消除的）',
    scope: { kind: 'campaign', action: 'campaign.read' },
    query: DiscrepancyQuery,
    answers: { 200: { description: '差异', schema: DiscrepancyListDto }, 404: { description: '活动不存在' } },
    handler: async ({ params, query, res }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      const list = await listDiscrepancies(d.db, campaign.id, { region: authOf(res).scope, unitCode: query.unit, includeClosed: query.closed === 'true' });
      return { verification: await verificationSettings(d.db, campaign.id), discrepancies: list };
    },
  }),
  route({
    method: 'POST',
    path: `${C}/discrepancies/check`,
    summary: '核查：按当前税务核实数比对各单位报送数，超出允许误差的开立差异（重复核查不重复开立）',
    scope: { kind: 'campaign', action: 'campaign.phase' },
    auditAction: 'discrepancy.check',
    temporal: true,
    answers: { 200: { description: '核查结果', schema: CheckResultDto }, 404: { description: '活动不存在' }, 409: { description: '方案未设置核查验收容差' } },
    handler: async ({ params }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      const result = await checkDiscrepancies(d.db, campaign.id, d.now());
      await watchDiscrepancies(d, campaign.id);
      return result;
    },
  }),
  route({
    method: 'POST',
    path: `${C}/units/:code/discrepancies/:metric/answer`,
    summary: '答复核查差异：说明原因，或更正报送数（人数；金额以元计）',
    scope: { kind: 'unit', action: 'report.submit' },
    auditAction: 'discrepancy.answer',
    params: UnitParams.extend({ metric: z.enum(DISCREPANCY_METRICS, { error: '指标应为 paid（实缴人数）或 amount（实缴金额）' }) }),
    body: AnswerDiscrepancySchema,
    answers: { 200: { description: '已答复', schema: AnswerResultDto }, 400: { description: '字段无效' }, 404: { description: '没有该差异' }, 409: { description: '差异已消除' } },
    handler: async ({ params, body, res }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      const corrected = body.kind === 'correct' ? (params.metric === 'amount' ? Math.round(body.corrected! * 100) : Math.round(body.corrected!)) : null;
      return answerDiscrepancy(d.db, { campaignId: campaign.id, unitCode: params.code, metric: params.metric, kind: body.kind, text: body.text, corrected, actor: actorName(res), at: d.now() });
    },
  }),
  route({
    method: 'GET',
    path: `${C}/units/:code/mobilisation`,
    summary: '走访动员情况：已走访人数及各走访结果人数（按每人最近一次走访，逐级汇总）',
    scope: { kind: 'unit', action: 'campaign.read' },
    params: UnitParams,
    answers: { 200: { description: '走访情况', schema: MobilisationDto }, 404: { description: '不存在或不在本辖区' } },
    handler: async ({ params }, d) => {
      const campaign = await paymentsCampaign(d.db, params.id);
      return { unitCode: params.code, ...(await mobilisationOf(d.db, campaign.id, params.code)) };
    },
  }),
];
