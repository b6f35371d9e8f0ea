// 待办: the signed-in user's open work, as GET /api/todo answers it, and the read marks.
import { z } from 'zod';

export const TODO_KINDS = ['period', 'escalation', 'circular', 'list', 'discrepancy'] as const;
export type TodoKind = (typeof TODO_KINDS)[number];

export const TodoItemDto = z.object({
  /** Names the object and its state (`escalation:<id>/<rung>`): a new state is a new, unread item. */
  key: z.string(),
  kind: z.enum(TODO_KINDS),
  campaignId: z.string(),
  campaignTitle: z.string(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  /** One line in words (第3期进度报送、预警：逾期未报送…). */
  title: z.string(),
  detail: z.string(),
  /** When it is due, if it has a due time (ISO). */
  dueAt: z.string().nullable(),
  /** A circular's seq, for its link. */
  seq: z.number().nullable(),
  read: z.boolean(),
});
export type TodoItem = z.infer<typeof TodoItemDto>;

export const TodoDto = z.object({ items: z.array(TodoItemDto), unread: z.number() });
export type TodoView = z.infer<typeof TodoDto>;

export const MarkReadRequestSchema = z.object({ keys: z.array(z.string().min(1).max(200)).min(1).max(200), read: z.boolean().default(true) }).strict();
export type MarkReadRequest = z.input<typeof MarkReadRequestSchema>;
