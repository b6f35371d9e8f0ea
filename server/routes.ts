// Every API route, declared once (server/http/route.ts): the app registers them, the access policy
// reads their scopes and the OpenAPI document is generated from their schemas.
import { z } from 'zod';
import { AppConfigDto, HealthDto } from '../contracts/api/campaigns';
import { authRoutes } from './auth/routes';
import { campaignRoutes } from './campaigns/routes';
import { codecRoutes } from './codec/routes';
import { discrepancyRoutes } from './discrepancies/routes';
import { hardshipRoutes } from './hardship/routes';
import { openApiDocument } from './http/openapi';
import { noticeRoutes } from './notices/routes';
import { paymentRoutes } from './payments/routes';
import { breakdownRoutes } from './plans/breakdown';
import { policyEntry, Reply, route, type PolicyEntry, type RouteSpec } from './http/route';
import { regionRoutes } from './regions/routes';
import { reportingRoutes } from './reporting/routes';
import { taxFeedRoutes } from './taxFeed/routes';
import { todoRoutes } from './todo/routes';

const systemRoutes = [
  route({
    method: 'GET',
    path: '/api/health',
    summary: 'Temporal 与数据库可达性（一秒内应答）',
    scope: { kind: 'public' },
    answers: { 200: { description: '正常', schema: HealthDto }, 503: { description: '不可用', schema: HealthDto } },
    handler: async (_ctx, d) => {
      const h = await d.health();
      return h.status === 'ok' ? h : new Reply(503, h);
    },
  }),
  route({
    method: 'GET',
    path: '/api/openapi.json',
    summary: '本接口文档（OpenAPI 3.1）',
    scope: { kind: 'public' },
    answers: { 200: { description: 'OpenAPI 文档', schema: z.record(z.string(), z.unknown()) } },
    handler: async () => openApiDocument(API_ROUTES),
  }),
  route({
    method: 'GET',
    path: '/api/config',
    summary: '控制台配置',
    scope: { kind: 'public' },
    answers: { 200: { description: '配置', schema: AppConfigDto } },
    handler: async (_ctx, d) => d.config,
  }),
];

export const API_ROUTES: readonly RouteSpec[] = [...systemRoutes, ...authRoutes, ...campaignRoutes, ...breakdownRoutes, ...reportingRoutes, ...taxFeedRoutes, ...paymentRoutes, ...noticeRoutes, ...discrepancyRoutes, ...hardshipRoutes, ...codecRoutes, ...todoRoutes, ...regionRoutes];

/** The access policy, one entry per route: what the authorization matrix test walks. */
export const POLICY: readonly PolicyEntry[] = API_ROUTES.map(policyEntry);
