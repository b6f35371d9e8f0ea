// 待办: the signed-in user's open work (services/todo.ts) and its read marks.
import { MarkReadRequestSchema, TodoDto } from '../../contracts/api/todo';
import { listTodo, markTodo } from '../../services/todo';
import { authOf } from '../http/access';
import { route } from '../http/route';

export const todoRoutes = [
  route({
    method: 'GET',
    path: '/api/todo',
    summary: '我的待办（本单位待报送、待答复督办、待审核通报、待动员名单）',
    scope: { kind: 'session' },
    answers: { 200: { description: '待办', schema: TodoDto } },
    handler: async ({ res }, d) => {
      const { user } = authOf(res).auth;
      return listTodo(d.db, { id: user.id, role: user.role, regionCode: user.regionCode });
    },
  }),
  route({
    method: 'POST',
    path: '/api/todo/read',
    summary: '标记待办为已读或未读',
    scope: { kind: 'session' },
    body: MarkReadRequestSchema,
    status: 204,
    answers: { 204: { description: '已标记' } },
    handler: async ({ body, res }, d) => {
      await markTodo(d.db, authOf(res).auth.user.id, body.keys, body.read);
      return undefined;
    },
  }),
];
