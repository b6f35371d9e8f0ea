// 核查验收 discrepancies (差异): a unit's reported figure against the verified one beyond the plan's
// tolerance (domain/discrepancy.ts). One row per unit and metric: a later delivery updates its figures
// and closes it when the difference is back within tolerance; beyond tolerance again, it reopens with a
// new answer deadline. Answers (explanations, corrections) are kept apart and never updated.
import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const discrepancies = pgTable(
  'discrepancies',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    unitCode: text('unit_code').notNull(),
    /** paid (persons) | amount (fen) */
    metric: text('metric').notNull(),
    /** The reported figure compared: the unit's own latest report, or its correction. */
    reported: bigint('reported', { mode: 'number' }).notNull(),
    /** The report period the reported figure comes from ('更正' after a correction). */
    reportedPeriod: text('reported_period'),
    /** The own report period a correction replaced: while that is still the unit's latest report, the correction stands. */
    correctedFrom: text('corrected_from'),
    verified: bigint('verified', { mode: 'number' }).notNull(),
    /** reported − verified. */
    difference: bigint('difference', { mode: 'number' }).notNull(),
    /** The verified figure's data date (the delivery's latest deduction date). */
    asOf: text('as_of').notNull(),
    /** open | explained | corrected | closed */
    status: text('status').notNull().default('open'),
    /** Counts the openings: an answer or escalation names the episode it belongs to. */
    episode: integer('episode').notNull().default(1),
    openedAt: ts('opened_at').notNull(),
    answerBy: ts('answer_by').notNull(),
    /** When the unanswered discrepancy went one rung up, and to which unit (the parent, or the plan's region). */
    escalatedAt: ts('escalated_at'),
    escalatedTo: text('escalated_to'),
    closedAt: ts('closed_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.unitCode, t.metric] }), index('discrepancies_open_idx').on(t.campaignId, t.status, t.answerBy)],
);

export const discrepancyAnswers = pgTable(
  'discrepancy_answers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    unitCode: text('unit_code').notNull(),
    metric: text('metric').notNull(),
    episode: integer('episode').notNull(),
    /** explain | correct */
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    /** The corrected figure (persons, or fen), for a correction. */
    corrected: bigint('corrected', { mode: 'number' }),
    actor: text('actor').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('discrepancy_answers_idx').on(t.campaignId, t.unitCode, t.metric)],
);
