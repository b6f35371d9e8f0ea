// 缴费情况公示 (domain/notices.ts): one notice per village and version, frozen when prepared. Its rows
// are stored already masked by the plan's rule, so the table holds nothing a notice board would not
// show, and a later delivery never changes what an official approved.
import { date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const notices = pgTable(
  'notices',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    villageCode: text('village_code').notNull(),
    villageName: text('village_name').notNull(),
    /** 1, 2 …: a corrected notice after a release is a new version. */
    version: integer('version').notNull(),
    /** draft | approved | released */
    state: text('state').notNull(),
    title: text('title').notNull(),
    /** paid | unpaid | both, and the masking rule, as the plan said when prepared. */
    registers: text('registers').notNull(),
    nameMask: text('name_mask').notNull(),
    idMask: text('id_mask').notNull(),
    days: integer('days').notNull(),
    issuer: text('issuer').notNull(),
    contact: text('contact'),
    /** The milestone whose due date is the deadline, or null when the plan names none. */
    milestoneKey: text('milestone_key'),
    /** The delivery the rows come from and its data date (数据截至). */
    importId: text('import_id').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    paidCount: integer('paid_count').notNull(),
    unpaidCount: integer('unpaid_count').notNull(),
    preparedBy: text('prepared_by').notNull(),
    preparedAt: ts('prepared_at').notNull(),
    approvedBy: text('approved_by'),
    approvedAt: ts('approved_at'),
    approvalNote: text('approval_note'),
    releasedBy: text('released_by'),
    releasedAt: ts('released_at'),
    /** 公示期, set at release (local dates of the plan's time zone). */
    periodStart: date('period_start', { mode: 'string' }),
    periodEnd: date('period_end', { mode: 'string' }),
  },
  (t) => [uniqueIndex('notices_version_uq').on(t.campaignId, t.villageCode, t.version), index('notices_campaign_state_idx').on(t.campaignId, t.state)],
);

/** One masked line of a notice, in the order printed. */
export const noticeRows = pgTable(
  'notice_rows',
  {
    noticeId: integer('notice_id')
      .notNull()
      .references(() => notices.id, { onDelete: 'cascade' }),
    /** paid | unpaid */
    register: text('register').notNull(),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    idNumber: text('id_number').notNull(),
    /** What the 缴费档次 column says: 300元, 120元（政府代缴）, 未缴. */
    cell: text('cell').notNull(),
  },
  (t) => [primaryKey({ columns: [t.noticeId, t.register, t.seq] })],
);
