// Plans, campaigns and their phase actions.
import { z } from 'zod';
import {
  AdvanceRequestSchema,
  AmendDeadlineRequestSchema,
  CampaignDetailDto,
  CampaignSummaryDto,
  CancelRequestSchema,
  ConfirmMilestoneRequestSchema,
  ExamplePlanDto,
  LaunchRequestSchema,
  LaunchResultDto,
  PreviewDto,
  PreviewRequestSchema,
  UnitDetailDto,
} from '../../contracts/api/campaigns';
import { campaignVisible, regionContains } from '../../domain/access';
import { actorName, authOf, subjectOf } from '../http/access';
import { CampaignParams, Reply, UnitParams, route } from '../http/route';
import { demoPlan, listExamples, loadExample } from './examples';

const C = '/api/campaigns/:id';
/** Plans can be large (a province's breakdown): their routes read up to this much. */
const PLAN_BODY_LIMIT = '10mb';
const closed = '活动已结束或撤销，或被工作流拒绝';
const updated = { 200: { description: '更新后的活动', schema: CampaignDetailDto }, 404: { description: '活动不存在' }, 422: { description: `${closed}（例如截止时间已过）` } };

export const campaignRoutes = [
  route({
    method: 'GET',
    path: '/api/plans/examples',
    summary: '示例方案',
    scope: { kind: 'session' },
    answers: { 200: { description: '列表', schema: z.array(ExamplePlanDto) } },
    handler: async () => listExamples(),
  }),
  route({
    method: 'GET',
    path: '/api/plans/examples/:name',
    summary: '一个示例方案',
    scope: { kind: 'session' },
    params: z.object({ name: z.string() }),
    answers: { 200: { description: '方案', schema: z.record(z.string(), z.unknown()) }, 404: { description: '不存在' } },
    handler: async ({ params }) => loadExample(params.name),
  }),
  route({
    method: 'POST',
    path: '/api/plans/preview',
    summary: '校验并预览方案（不启动）',
    scope: { kind: 'role', action: 'campaign.launch' },
    bodyKind: 'json-or-yaml',
    bodyLimit: PLAN_BODY_LIMIT,
    body: PreviewRequestSchema,
    answers: { 200: { description: '预览', schema: PreviewDto }, 400: { description: '方案错误，errors 列出每处路径与原因' } },
    handler: async ({ body, res }, d) => d.campaigns.preview(body.plan, subjectOf(res)),
  }),
  route({
    method: 'GET',
    path: '/api/campaigns',
    summary: '活动列表',
    scope: { kind: 'session' },
    answers: { 200: { description: '列表', schema: z.array(CampaignSummaryDto) } },
    handler: async ({ res }, d) => {
      const user = subjectOf(res);
      return (await d.campaigns.list()).filter((c) => campaignVisible(user, c.regionCode));
    },
  }),
  route({
    method: 'POST',
    path: '/api/campaigns',
    summary: '启动活动（同一方案编号重复启动返回已有活动）',
    scope: { kind: 'plan', action: 'campaign.launch' },
    temporal: true,
    bodyKind: 'json-or-yaml',
    bodyLimit: PLAN_BODY_LIMIT,
    body: LaunchRequestSchema,
    status: 201,
    answers: { 201: { description: '已启动', schema: LaunchResultDto }, 200: { description: '已存在', schema: LaunchResultDto }, 400: { description: '方案错误' }, 403: { description: '方案所属区域不在您的管辖区域之内（detail 说明），或角色无权启动' } },
    handler: async ({ body, res }, d) => {
      const result = await d.campaigns.launch(body.plan, actorName(res));
      return result.created ? result : new Reply(200, result);
    },
  }),
  route({
    method: 'POST',
    path: '/api/demo',
    summary: '启动演示活动（江门方案平移到今天）',
    scope: { kind: 'plan', action: 'campaign.launch' },
    temporal: true,
    status: 201,
    answers: { 201: { description: '已启动', schema: LaunchResultDto }, 200: { description: '已存在', schema: LaunchResultDto } },
    handler: async ({ res }, d) => {
      const result = await d.campaigns.launch(demoPlan(d.now()) as Record<string, unknown>, actorName(res));
      return result.created ? result : new Reply(200, result);
    },
  }),
  route({
    method: 'GET',
    path: C,
    summary: '活动详情',
    scope: { kind: 'campaign', action: 'campaign.read' },
    params: CampaignParams,
    answers: { 200: { description: '详情', schema: CampaignDetailDto }, 404: { description: '不存在' } },
    handler: async ({ params, res }, d) => {
      // A user below the campaign's region sees the rows on their own line: their ancestors and their subtree.
      const { scope } = authOf(res);
      const detail = await d.campaigns.detail(params.id);
      return { ...detail, units: detail.units.filter((u) => regionContains(scope, u.code) || regionContains(u.code, scope)) };
    },
  }),
  route({
    method: 'GET',
    path: `${C}/units/:code`,
    summary: '单位详情',
    scope: { kind: 'unit', action: 'campaign.read' },
    params: UnitParams,
    answers: { 200: { description: '详情', schema: UnitDetailDto }, 404: { description: '不存在' } },
    handler: async ({ params }, d) => d.campaigns.unit(params.id, params.code),
  }),
  route({
    method: 'POST',
    path: `${C}/advance`,
    summary: '提前进入下一阶段',
    scope: { kind: 'campaign', action: 'campaign.phase' },
    temporal: true,
    idempotent: true,
    params: CampaignParams,
    body: AdvanceRequestSchema,
    answers: updated,
    handler: async ({ params, body, res, idempotencyKey }, d) => d.campaigns.advance(params.id, { ...body, actor: actorName(res) }, idempotencyKey),
  }),
  route({
    method: 'POST',
    path: `${C}/deadline`,
    summary: '调整阶段截止时间',
    scope: { kind: 'campaign', action: 'campaign.phase' },
    temporal: true,
    idempotent: true,
    params: CampaignParams,
    body: AmendDeadlineRequestSchema,
    answers: updated,
    handler: async ({ params, body, res, idempotencyKey }, d) => d.campaigns.amendDeadline(params.id, { ...body, actor: actorName(res) }, idempotencyKey),
  }),
  route({
    method: 'POST',
    path: `${C}/milestones/confirm`,
    summary: '确认节点任务已完成（本活动区域或其上级的业务主管）',
    scope: { kind: 'campaign', action: 'campaign.phase' },
    temporal: true,
    idempotent: true,
    params: CampaignParams,
    body: ConfirmMilestoneRequestSchema,
    answers: { ...updated, 422: { description: '没有该节点任务、已确认、尚未开始，或活动已结束或撤销' } },
    handler: async ({ params, body, res, idempotencyKey }, d) =>
      d.campaigns.confirmMilestone(params.id, { actor: actorName(res), key: body.key, note: body.note ?? null }, idempotencyKey),
  }),
  route({
    method: 'POST',
    path: `${C}/cancel`,
    summary: '撤销活动',
    scope: { kind: 'campaign', action: 'campaign.launch' },
    auditAction: 'campaign.cancel',
    temporal: true,
    idempotent: true,
    params: CampaignParams,
    body: CancelRequestSchema,
    answers: updated,
    handler: async ({ params, body, res, idempotencyKey }, d) => d.campaigns.cancel(params.id, { ...body, actor: actorName(res) }, idempotencyKey),
  }),
];
