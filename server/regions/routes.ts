// 区划 by name, for pickers and for naming codes: inside the caller's own region subtree only.
import { RegionsDto, RegionsQuerySchema } from '../../contracts/api/regions';
import { findRegions } from '../../services/regions';
import { authOf } from '../http/access';
import { route } from '../http/route';

export const regionRoutes = [
  route({
    method: 'GET',
    path: '/api/regions',
    summary: '按名称或代码查找本辖区内的区划（来自各活动的单位），或按代码取名称',
    scope: { kind: 'session' },
    query: RegionsQuerySchema,
    answers: { 200: { description: '区划', schema: RegionsDto }, 400: { description: '查询参数无效' } },
    handler: async ({ query, res }, d) => findRegions(d.db, authOf(res).auth.user.regionCode, query),
  }),
];
