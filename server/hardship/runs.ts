// Screening runs: started here, run by the screening workflow; the overview (current lists, runs,
// policy), a run with its figures, unit summaries, the results searched (ID numbers masked) and one
// person's full number for those who resolve cases.
import { z } from 'zod';
import {
  HardshipOverviewDto,
  ResultPageDto,
  ResultSearchRequestSchema,
  RunDto,
  StartScreeningRequestSchema,
  StartScreeningResultDto,
  UnitSummariesDto,
  type HardshipOverview,
  type ResultPage,
  type UnitSummaries,
} from '../../contracts/api/hardship';
import { SCREENING_WORKFLOW, type ScreeningCounts } from '../../contracts/hardship';
import { regionContains } from '../../domain/access';
import { HARDSHIP_CATEGORIES, resolvePolicy, type ContributionRules } from '../../domain/hardship';
import { currentListsOf } from '../../services/hardship/listImport';
import {
  countsWithin,
  hardshipCampaign,
  recentRuns,
  resultIdentity,
  runReach,
  runRow,
  searchResults,
  summariesOf,
  unitLevel,
  unitOf,
  unitsOf,
  visibleRun,
} from '../../services/hardship/reads';
import { beginScreening, failScreening, newScreeningRunId, screeningInput } from '../../services/hardship/screening';
import type { screeningWorkflow } from '../../workflows/hardship';
import { badRequest, HttpProblem, notFound } from '../errors';
import { actorName, authOf, requireRegion, subjectOf } from '../http/access';
import { IntRowIdSchema, route } from '../http/route';
import { campaignAccess, H, listIdentity, partOf, resultView, RunParams, runView, UnitQuery, unitInScope } from './views';

export const runRoutes = [
  route({
    method: 'POST',
    path: `${H}/screenings`,
    summary: '开始筛查（整个活动或一个区县）',
    scope: { kind: 'campaign-part', action: 'hardship.import' },
    temporal: true,
    body: StartScreeningRequestSchema,
    answers: { 202: { description: '已开始', schema: StartScreeningResultDto }, 404: { description: '活动不存在' }, 409: { description: '尚无花名册或名单' } },
    handler: async ({ params, body, res }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      // The whole campaign is screened by its region's users; one county by that county's (or a higher
      // region's): a county supervisor screens their own county of a city's campaign. The guard has seen
      // that the campaign is visible and that the role may screen.
      const user = subjectOf(res);
      if (!body.countyCode && !regionContains(user.regionCode, campaign.regionCode)) {
        const own = await unitLevel(d.db, campaign.id, user.regionCode);
        throw new HttpProblem(
          403,
          '无权操作',
          own === 'county'
            ? `只能筛查本辖区的人员:请选择本区县(countyCode 填 ${user.regionCode});全${campaign.regionName}的筛查由${campaign.regionName}的人员发起`
            : `困难群体筛查按区县进行,由区县或${campaign.regionName}的人员发起;您的辖区(${user.regionCode})不能发起筛查`,
        );
      }
      await requireRegion(d.db, res, 'hardship.import', body.countyCode ?? campaign.regionCode);
      if (body.countyCode && (await unitLevel(d.db, campaign.id, body.countyCode)) !== 'county') {
        throw badRequest('所选区县不在该活动中', [{ path: 'countyCode', message: `${body.countyCode} 不是该活动的区县` }]);
      }
      const run = screeningInput(newScreeningRunId(campaign.id, d.now()), campaign.id, body.countyCode ?? null, actorName(res));
      // The run's row is made here, before the answer, by the same service function the workflow's first
      // step calls (which then finds it and goes on): the answer names a run the console can show at
      // once, and a campaign with no roster or no list is refused (409) before any workflow starts. The
      // API runs no activity: `beginScreening` is a plain function over the database.
      await beginScreening(d.db, run, d.now);
      try {
        await d.client.workflow.start<typeof screeningWorkflow>(SCREENING_WORKFLOW, { workflowId: run.workflowId, taskQueue: d.taskQueue, args: [run] });
      } catch (e) {
        await failScreening(d.db, { runId: run.runId, message: '未能启动筛查工作流' }, d.now);
        throw e;
      }
      return { runId: run.runId, workflowId: run.workflowId };
    },
  }),
  route({
    method: 'GET',
    path: H,
    summary: '现行名单、筛查批次与代缴政策',
    scope: campaignAccess('hardship.read'),
    answers: { 200: { description: '概况', schema: HardshipOverviewDto }, 404: { description: '活动不存在' } },
    handler: async ({ params, res }, d): Promise<HardshipOverview> => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const plan = campaign.plan as { contributionPolicy?: ContributionRules };
      const policy = resolvePolicy(plan.contributionPolicy, campaign.year);
      const current = await currentListsOf(d.db, campaign.id);
      const part = partOf(res, campaign);
      // Another county's runs are not listed; the rest are narrowed to the user's part when they cover more.
      const runs = (await recentRuns(d.db, campaign.id, part ? 200 : 20)).filter((r) => runReach(r, part)).slice(0, 20);
      const narrowed = part ? runs.filter((r) => runReach(r, part) === 'part' && r.status === 'completed').map((r) => r.id) : [];
      const partCounts = part ? await countsWithin(d.db, narrowed, part) : new Map<string, ScreeningCounts>();
      const view = (r: (typeof runs)[number]) => (part && runReach(r, part) === 'part' ? runView(d.db, d.client, r, { part, counts: partCounts.get(r.id) }) : runView(d.db, d.client, r));
      return {
        categories: HARDSHIP_CATEGORIES.map((c) => ({ key: c.key, name: c.zh })),
        policy: { mode: policy.mode, minimumFen: policy.minimumFen, perCategoryFen: policy.perCategoryFen as Record<string, number>, referenceDate: policy.referenceDate },
        lists: current.map((l) => ({
          importId: l.importId,
          ...listIdentity(l),
          version: l.version,
          rows: l.rows,
          storedAt: l.storedAt.toISOString(),
        })),
        runs: await Promise.all(runs.map(view)),
        latestRunId: runs.find((r) => r.status === 'completed')?.id ?? null,
      };
    },
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId`,
    summary: '筛查批次',
    scope: campaignAccess('hardship.read'),
    params: RunParams,
    answers: { 200: { description: '批次', schema: RunDto }, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const part = partOf(res, campaign);
      const run = await visibleRun(d.db, campaign.id, params.runId, part);
      return part && runReach(run, part) === 'part' ? runView(d.db, d.client, run, { part, detail: true }) : runView(d.db, d.client, run);
    },
  }),
  route({
    method: 'GET',
    path: `${H}/runs/:runId/summary`,
    summary: '单位及其下级的筛查汇总',
    scope: campaignAccess('hardship.read'),
    params: RunParams,
    query: UnitQuery,
    answers: { 200: { description: '汇总', schema: UnitSummariesDto }, 400: { description: '单位代码无效' }, 404: { description: '不存在' } },
    handler: async ({ params, query, res }, d): Promise<UnitSummaries> => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const code = unitInScope(res, query.unit);
      const run = await visibleRun(d.db, campaign.id, params.runId, partOf(res, campaign), code === campaign.regionCode ? undefined : code);
      const names = await unitsOf(d.db, campaign.id);
      const unit = unitOf(campaign, names, code);
      const childCodes = [...names.values()].filter((u) => u.parentCode === code).sort((a, b) => a.ord - b.ord).map((u) => u.code);
      const byCode = await summariesOf(d.db, run.id, [code, ...childCodes]);
      const view = (c: string, name: string, level: string) => {
        const s = byCode.get(c);
        return { code: c, name, level, listed: s?.listed ?? 0, covered: s?.covered ?? 0, toMobilise: s?.toMobilise ?? 0, ineligible: s?.ineligible ?? 0, refused: s?.refused ?? 0, govPaidFen: s?.govPaidFen ?? 0 };
      };
      return {
        runId: run.id,
        unit: view(code, unit.name, unit.level),
        children: childCodes.map((c) => view(c, names.get(c)!.name, names.get(c)!.level)),
      };
    },
  }),
  route({
    method: 'POST',
    path: `${H}/runs/:runId/results/search`,
    summary: '查询筛查结果（身份证号已脱敏）',
    scope: campaignAccess('hardship.read'),
    params: RunParams,
    body: ResultSearchRequestSchema,
    answers: { 200: { description: '结果', schema: ResultPageDto }, 400: { description: '条件无效' }, 404: { description: '不存在' } },
    handler: async ({ params, body, res }, d): Promise<ResultPage> => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const run = await visibleRun(d.db, campaign.id, params.runId, partOf(res, campaign));
      // Below the campaign's region a user searches their own subtree only.
      const { scope } = authOf(res);
      if (body.unitCode && !regionContains(scope, body.unitCode)) throw notFound('未找到');
      const { total, rows } = await searchResults(d.db, campaign, run.id, { ...body, unitCode: body.unitCode ?? scope });
      const names = await unitsOf(d.db, campaign.id);
      return { total, page: body.page, pageSize: body.pageSize, rows: rows.map((r) => resultView(r, names)) };
    },
  }),
  route({
    method: 'POST',
    path: `${H}/runs/:runId/results/:resultId/unmask`,
    summary: '显示一人的完整身份证号（仅业务主管与督导，记入审计日志）',
    scope: { kind: 'handler', action: 'pii.unmask' },
    params: z.object({ id: z.string(), runId: z.string(), resultId: IntRowIdSchema }),
    answers: { 200: { description: '完整身份证号', schema: z.object({ resultId: z.number(), idNumber: z.string() }) }, 403: { description: '角色无权' }, 404: { description: '不存在或不在本辖区' } },
    // A person's full ID number: only for roles that resolve individual cases, one at a time, audited.
    handler: async ({ params, res }, d) => {
      const campaign = await hardshipCampaign(d.db, params.id);
      const run = await runRow(d.db, campaign.id, params.runId);
      const r = await resultIdentity(d.db, run.id, params.resultId);
      await requireRegion(d.db, res, 'pii.unmask', r.village ?? campaign.regionCode);
      return { resultId: params.resultId, idNumber: r.idNumber };
    },
  }),
];
