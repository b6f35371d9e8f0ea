// 待办 (the personal to-do page): which of a user's to-do items they have read. The items themselves
// are not stored: they are what the read model says is open for the user's region right now (periods to
// report, escalations to answer, circulars to approve, lists to work; services/todo.ts). An item's key
// names the object and its state (`period:<campaign>/<unit>/<period>`), so an item that comes back in a
// new state (a new rung of the same escalation) is unread again.
import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth';

export const todoReads = pgTable(
  'todo_reads',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    itemKey: text('item_key').notNull(),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.itemKey] }), index('todo_reads_read_at_idx').on(t.readAt)],
);
