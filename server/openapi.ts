// /api/openapi.json, described from the same zod schemas that validate the requests.
import { z } from 'zod';
import * as dto from './dto';

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
  return {
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
    },
  };
}
