// Read model of campaigns: rows the workflows write at every transition, read by the console's lists.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const campaigns = pgTable('campaigns', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  year: integer('year').notNull(),
  regionCode: text('region_code').notNull(),
  regionName: text('region_name').notNull(),
  regionLevel: text('region_level').notNull(),
  timeZone: text('time_zone').notNull(),
  status: text('status').notNull(),
  currentPhaseKey: text('current_phase_key'),
  workflowId: text('workflow_id').notNull(),
  /** The validated plan as launched; amendments are recorded as actions and on the phases rows. */
  plan: jsonb('plan').notNull(),
  planHash: text('plan_hash').notNull(),
  launchedBy: text('launched_by').notNull(),
  launchedAt: ts('launched_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /** The workflow's transition counter: a write carrying an older version never overwrites a newer one. */
  version: integer('version').notNull().default(0),
});

export const phases = pgTable(
  'phases',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    seq: integer('seq').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    startAt: ts('start_at').notNull(),
    deadlineAt: ts('deadline_at').notNull(),
    status: text('status').notNull().default('pending'),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.key] })],
);

export const units = pgTable(
  'units',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    parentCode: text('parent_code').notNull(),
    name: text('name').notNull(),
    level: text('level').notNull(),
    depth: integer('depth').notNull(),
    /** Order within the parent, as in the plan. */
    ord: integer('ord').notNull(),
    status: text('status').notNull().default('pending'),
    workflowId: text('workflow_id'),
    /**
     * The workflow that starts this unit's workflow (the nearest ancestor that is one, else the plan's
     * region code for the campaign); null for a unit that is a row (it neither reports nor is judged).
     */
    workflowParent: text('workflow_parent'),
    phaseKey: text('phase_key'),
    targetEnrolled: integer('target_enrolled'),
    targetPaying: integer('target_paying'),
    targetPaymentRate: doublePrecision('target_payment_rate'),
    targetMobileShare: doublePrecision('target_mobile_share'),
    /** Every target of the unit, thresholds inherited from its ancestors and the plan (domain/targets.ts). */
    targets: jsonb('targets'),
    enrolled: integer('enrolled').notNull().default(0),
    paid: integer('paid').notNull().default(0),
    /** Money in fen (0.01 yuan) so that sums are exact. */
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull().default(0),
    mobilePaid: integer('mobile_paid').notNull().default(0),
    hardshipCovered: integer('hardship_covered').notNull().default(0),
    childCount: integer('child_count').notNull().default(0),
    /** The latest period this unit reported for itself (a county that does not report shows its towns' sum). */
    ownPeriodKey: text('own_period_key'),
    /** The unit's next open report period and when it is due (for the traffic light and the deadlines board). */
    nextPeriodKey: text('next_period_key'),
    nextDueAt: ts('next_due_at'),
    /** A missed report is open (red). */
    overdue: boolean('overdue').notNull().default(false),
    /** The target was missed at a phase deadline (red). */
    targetMissed: boolean('target_missed').notNull().default(false),
    /** Behind the expected pace at the last check (yellow). */
    paceBehind: boolean('pace_behind').notNull().default(false),
    /** The expected figure at the last pace check. */
    paceExpected: integer('pace_expected'),
    /** The tax bureau's latest paid figures for the unit (税务到账), beside the reported ones. */
    taxPaid: integer('tax_paid'),
    taxAmountFen: bigint('tax_amount_fen', { mode: 'number' }),
    taxAsOf: text('tax_as_of'),
    /**
     * Verified from the per-person feed (services/payments.ts): successful deductions of the unit's roster
     * people, rolled up the units tree; null before the first delivery. As of the delivery's latest date.
     */
    verifiedPaid: integer('verified_paid'),
    verifiedAmountFen: bigint('verified_amount_fen', { mode: 'number' }),
    verifiedMobilePaid: integer('verified_mobile_paid'),
    verifiedAsOf: text('verified_as_of'),
    /**
     * The roll-up's alternatives side by side (domain/rollup.ts): the unit's own latest report, its
     * children's sum with how many of them reported, and which one its figures show.
     */
    rollupOwn: jsonb('rollup_own'),
    rollupChildren: jsonb('rollup_children'),
    rollupSource: text('rollup_source'),
    /** The unit workflow's write counter for reporting columns. */
    reportingVersion: integer('reporting_version').notNull().default(0),
    version: integer('version').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.code] }),
    index('units_parent_idx').on(t.campaignId, t.parentCode, t.ord),
  ],
);

export const actions = pgTable(
  'actions',
  {
    /** Idempotency key made in the workflow (campaign id + update id): a retried write is a no-op. */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
    at: ts('at').notNull(),
  },
  (t) => [index('actions_campaign_idx').on(t.campaignId, t.at)],
);
