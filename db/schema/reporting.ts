// Reporting, escalation, notification and circular tables. The unit workflows own the truth; these
// rows are what they record, written by idempotent activities keyed on ids made in the workflow.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One year of the official working-day calendar (节假日安排), as published or corrected by an official. */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** The CalendarYear document (domain/calendar.ts). */
  data: jsonb('data').notNull(),
  version: integer('version').notNull().default(1),
  /** 'shipped' for the files in data/calendar, else the official who changed it. */
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Every change of a calendar year, with the before and after documents. Never updated. */
export const calendarChanges = pgTable('calendar_changes', {
  id: serial('id').primaryKey(),
  year: integer('year').notNull(),
  version: integer('version').notNull(),
  actor: text('actor').notNull(),
  reason: text('reason').notNull(),
  summary: text('summary').notNull(),
  before: jsonb('before'),
  after: jsonb('after').notNull(),
  at: ts('at').notNull().defaultNow(),
});

/** A unit's reporting periods: the raw date, the shifted due date and why, and what happened. */
export const reportPeriods = pgTable(
  'report_periods',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    unitCode: text('unit_code').notNull(),
    /** The raw due date (legacy stream) or `<stream>:<raw date>`, stable when the calendar moves the due date. */
    periodKey: text('period_key').notNull(),
    /** The reporting stream's key (`reports` for plans written with the single legacy block). */
    stream: text('stream').notNull().default('reports'),
    /** Position in the unit's schedule: every stream's periods by due instant (one stream: its order). */
    seq: integer('seq').notNull(),
    rawDate: text('raw_date').notNull(),
    dueDate: text('due_date').notNull(),
    dueAt: ts('due_at').notNull(),
    shifted: boolean('shifted').notNull().default(false),
    /** {zh, en} explanation of the shift, or null. */
    reason: jsonb('reason'),
    calendarKnown: boolean('calendar_known').notNull().default(true),
    /** open | reported | late | missed */
    status: text('status').notNull().default('open'),
    reportedAt: ts('reported_at'),
    /** Why the due date last changed after launch (a calendar correction), {zh, en}. */
    changeNote: jsonb('change_note'),
    /** The unit workflow's write counter: an older schedule never overwrites a newer one. */
    version: integer('version').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.unitCode, t.periodKey] }),
    index('report_periods_due_idx').on(t.campaignId, t.dueAt),
  ],
);

/** Every submitted report, amendments included (revision 1, 2, ...). */
export const reports = pgTable(
  'reports',
  {
    /** Idempotency key made in the workflow (unit workflow id + update id). */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    unitCode: text('unit_code').notNull(),
    periodKey: text('period_key').notNull(),
    stream: text('stream').notNull().default('reports'),
    revision: integer('revision').notNull(),
    enrolled: integer('enrolled').notNull(),
    paid: integer('paid').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    mobilePaid: integer('mobile_paid').notNull(),
    hardshipCovered: integer('hardship_covered').notNull(),
    late: boolean('late').notNull(),
    /** console | api | tax-feed */
    source: text('source').notNull(),
    actor: text('actor').notNull(),
    note: text('note'),
    submittedAt: ts('submitted_at').notNull(),
  },
  (t) => [index('reports_unit_idx').on(t.campaignId, t.unitCode, t.periodKey, t.revision)],
);

/** One fired rung of an escalation track, with its reason and what was done about it. */
export const escalations = pgTable(
  'escalations',
  {
    /** campaign/unit/track/episode/rung: a rung fires once per unit and period. */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    unitCode: text('unit_code').notNull(),
    /** missed-report | behind-pace | milestone (then the unit is the plan's region) */
    track: text('track').notNull(),
    /** The stream of the missed period (missed-report track); null for pace and milestones. */
    stream: text('stream'),
    /** The period (missed report) or the check where the lag began (behind pace). */
    episode: text('episode').notNull(),
    rung: text('rung').notNull(),
    rungIndex: integer('rung_index').notNull(),
    rungName: text('rung_name').notNull(),
    /** Plain-language reason {zh, en}. */
    reason: jsonb('reason').notNull(),
    /** The figures and computation behind the reason. */
    detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
    /** Region codes notified. */
    notified: jsonb('notified').notNull().default(sql`'[]'::jsonb`),
    firedAt: ts('fired_at').notNull(),
    /** open | acknowledged | answered | waived | resolved */
    status: text('status').notNull().default('open'),
    /** When the next rung of this track is due, while it is open. */
    nextRungAt: ts('next_rung_at'),
    resolvedAt: ts('resolved_at'),
    resolution: text('resolution'),
  },
  (t) => [
    index('escalations_campaign_idx').on(t.campaignId, t.firedAt),
    index('escalations_unit_idx').on(t.campaignId, t.unitCode),
  ],
);

/** Acknowledgements, answers and waivers of an escalation: who, when, what. Never updated. */
export const escalationResponses = pgTable('escalation_responses', {
  /** Idempotency key made in the workflow. */
  id: text('id').primaryKey(),
  escalationId: text('escalation_id')
    .notNull()
    .references(() => escalations.id, { onDelete: 'cascade' }),
  /** acknowledge | answer | waive */
  kind: text('kind').notNull(),
  actor: text('actor').notNull(),
  text: text('text').notNull(),
  at: ts('at').notNull(),
});

/** Notifications to deliver, written in the same transaction as the record they announce. */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id').references(() => campaigns.id, { onDelete: 'cascade' }),
    /** escalation | circular | calendar | reminder */
    kind: text('kind').notNull(),
    refId: text('ref_id').notNull(),
    /** console | webhook | email */
    channel: text('channel').notNull(),
    /** Region code the message is for ('*' for everyone). */
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** pending | delivered | dead */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [index('outbox_pending_idx').on(t.status, t.nextAttemptAt)],
);

/** The console inbox: console-channel notifications once delivered. */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    /** The outbox row's id: delivering twice is a no-op. */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id').references(() => campaigns.id, { onDelete: 'cascade' }),
    recipient: text('recipient').notNull(),
    kind: text('kind').notNull(),
    refId: text('ref_id').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    readAt: ts('read_at'),
  },
  (t) => [index('inbox_recipient_idx').on(t.recipient, t.createdAt)],
);

/** 通报: drafted at each reporting period's close, published after an official approves it. */
export const circulars = pgTable(
  'circulars',
  {
    /** campaign/period */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    periodKey: text('period_key').notNull(),
    /** The stream whose period close drafted it. */
    stream: text('stream').notNull().default('reports'),
    /** Campaign-wide number (all streams), the circular's 第 n 期. */
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    /** Ranking, changes, late reporters, praised units (server/circulars.ts shapes it). */
    content: jsonb('content').notNull(),
    /** draft | published */
    status: text('status').notNull().default('draft'),
    draftedAt: ts('drafted_at').notNull(),
    approvedBy: text('approved_by'),
    approvalNote: text('approval_note'),
    publishedAt: ts('published_at'),
    /** 发文单位 as the approving official named it (the document's header and 落款); null on a draft. */
    issuer: text('issuer'),
    /** 文号 from the issuing office's register (e.g. 江人社通〔2026〕3号); null on a draft. */
    docNo: text('doc_no'),
  },
  (t) => [index('circulars_campaign_idx').on(t.campaignId, t.seq)],
);

/**
 * 节点任务: a plan's milestones as the campaign workflow keeps them (due instant after any holiday
 * shift, reminders and rungs sent so far) and who confirmed each done.
 */
export const milestones = pgTable(
  'milestones',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** Order in the plan. */
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    /** A window's opening, or null for a plain deadline. */
    startAt: ts('start_at'),
    dueDate: text('due_date').notNull(),
    dueAt: ts('due_at').notNull(),
    shifted: boolean('shifted').notNull().default(false),
    /** {zh, en} reason of the shift, or null. */
    reason: jsonb('reason'),
    /** pending (not yet due) | overdue (due, not confirmed) | confirmed */
    status: text('status').notNull().default('pending'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    /** Rungs fired while nobody confirmed it. */
    rungsFired: integer('rungs_fired').notNull().default(0),
    /** When the next reminder or rung is due, while unconfirmed. */
    nextEventAt: ts('next_event_at'),
    confirmedBy: text('confirmed_by'),
    confirmedAt: ts('confirmed_at'),
    confirmationNote: text('confirmation_note'),
    /** The campaign workflow's write counter: an older write never overwrites a newer one. */
    version: integer('version').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.key] })],
);

/** The tax bureau's payment feed: one row per unit per imported file. */
export const taxFeedImports = pgTable('tax_feed_imports', {
  /** sha256 of the file: the same file imported twice is one import. */
  id: text('id').primaryKey(),
  campaignId: text('campaign_id')
    .notNull()
    .references(() => campaigns.id, { onDelete: 'cascade' }),
  fileName: text('file_name').notNull(),
  encoding: text('encoding').notNull(),
  rows: integer('rows').notNull(),
  asOf: text('as_of').notNull(),
  /** upload | inbox */
  source: text('source').notNull(),
  actor: text('actor').notNull(),
  importedAt: ts('imported_at').notNull().defaultNow(),
});

export const taxFeedRows = pgTable(
  'tax_feed_rows',
  {
    importId: text('import_id')
      .notNull()
      .references(() => taxFeedImports.id, { onDelete: 'cascade' }),
    campaignId: text('campaign_id').notNull(),
    unitCode: text('unit_code').notNull(),
    paid: integer('paid').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    asOf: text('as_of').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.unitCode] }), index('tax_feed_unit_idx').on(t.campaignId, t.unitCode)],
);

export type CalendarYearRow = typeof calendarYears.$inferSelect;
export type ReportRow = typeof reports.$inferSelect;
export type EscalationRow = typeof escalations.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type CircularRow = typeof circulars.$inferSelect;
export type MilestoneRow = typeof milestones.$inferSelect;
