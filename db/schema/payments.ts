// The tax bureau's per-person payment feed: the rows of each delivery (an import of the list machinery,
// list 'payments'), what the current delivery says of each roster person, the campaign's verified
// totals, and the village clerks' visit outcomes. Deliveries are year-to-date snapshots
// (domain/payments.ts): the current one is the `payments` pointer of `current_lists`, and
// `payment_statuses` and the units' verified figures are brought up to date (only the statuses that
// change are written) in the same transaction that moves it.
import { bigint, date, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One deduction of a delivery. No index, as for roster rows: written once in bulk, read whole by the match. */
export const paymentRows = pgTable('payment_rows', {
  importId: text('import_id').notNull(),
  line: integer('line').notNull(),
  idNumber: text('id_number').notNull(),
  name: text('name').notNull(),
  payYear: integer('pay_year').notNull(),
  tierFen: integer('tier_fen'),
  amountFen: integer('amount_fen').notNull(),
  paidOn: date('paid_on', { mode: 'string' }).notNull(),
  channel: text('channel').notNull(),
  status: text('status').notNull(),
  /** 参保地 as a significant prefix (domain/payments.ts regionPrefix), when the feed has the column. */
  insuredRegion: text('insured_region'),
});

/** Each roster person's status under the current delivery, and the payers not on the roster. */
export const paymentStatuses = pgTable(
  'payment_statuses',
  {
    /**
     * No foreign key, unlike the other tables: its rows are written a whole roster at a time (1.5
     * million per delivery), and the key's per-row check was a quarter of that insert's time
     * (`npm run bench:payments`, EXPLAIN ANALYZE: 2.1 of 7.8 s for 306,000 rows). The rows are only
     * ever written from a campaign's own delivery (services/payments.ts refreshPayments); campaigns
     * are never deleted.
     */
    campaignId: text('campaign_id').notNull(),
    idNumber: text('id_number').notNull(),
    /** The delivery that last changed this status (a later delivery rewrites only the statuses it changes). */
    importId: text('import_id').notNull(),
    name: text('name').notNull(),
    /** The roster village; null for a payer not on the roster. */
    villageCode: text('village_code'),
    status: text('status').notNull(),
    /** Of the latest successful deduction. */
    tierFen: integer('tier_fen'),
    channel: text('channel'),
    paidOn: date('paid_on', { mode: 'string' }),
    /** Successful deductions net of refunds. */
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull().default(0),
    lastYearTierFen: integer('last_year_tier_fen'),
  },
  // One key, by village then ID number: every read is a village's register, page by page in ID order (or
  // the payers with no village), and the rows are written in this order, so the index grows at its end.
  // (It replaced a primary key on the ID number and an index by village and status: two indexes filled
  // in random order were two thirds of the 1.5-million-row insert, `npm run bench:payments`.) NULLS NOT
  // DISTINCT: a payer outside the roster is listed once too.
  (t) => [unique('payment_statuses_person').on(t.campaignId, t.villageCode, t.idNumber).nullsNotDistinct()],
);

/** The campaign's verified totals (its own region has no units row) and the delivery they come from. */
export const paymentState = pgTable('payment_state', {
  campaignId: text('campaign_id')
    .primaryKey()
    .references(() => campaigns.id, { onDelete: 'cascade' }),
  importId: text('import_id').notNull(),
  /** The data's date: the latest deduction date in the delivery. */
  asOf: date('as_of', { mode: 'string' }).notNull(),
  paid: integer('paid').notNull(),
  amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  mobilePaid: integer('mobile_paid').notNull(),
  rosterPeople: integer('roster_people').notNull(),
  notInRoster: integer('not_in_roster').notNull(),
  refreshedAt: ts('refreshed_at').notNull().defaultNow(),
});

/** A village clerk's visit to a person on the unpaid register: append-only, the latest is shown. */
export const visitOutcomes = pgTable(
  'visit_outcomes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    idNumber: text('id_number').notNull(),
    villageCode: text('village_code').notNull(),
    outcome: text('outcome').notNull(),
    note: text('note'),
    actor: text('actor').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('visit_outcomes_person_idx').on(t.campaignId, t.idNumber, t.recordedAt)],
);
