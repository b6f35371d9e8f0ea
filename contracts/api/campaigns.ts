// The API's request and response shapes: zod schemas that validate requests, describe responses in
// /api/openapi.json, and whose inferred types the console imports (type-only), so the two never drift.
import { z } from 'zod';
import { BilingualDto, PeriodPreviewDto, ReportingPreviewDto } from './reporting';
import { PREVIEW_WARNING_CODES } from '../../domain/preview';
import { ROLLUP_RULES } from '../../domain/rollup';
import {
  ACTION_KINDS,
  CAMPAIGN_STATUSES,
  PHASE_END_REASONS,
  PHASE_STATUSES,
  REGION_LEVELS,
  UNIT_STATUSES,
} from '../../domain/status';

const actor = z.string().trim().min(1).max(64).default('市人社局');
const reason = z.string().trim().min(2, '请填写理由（至少 2 个字）').max(500);

/** A plan as an object, or as JSON/YAML text (what a user pastes or uploads). */
export const PlanSourceSchema = z.union([z.record(z.string(), z.unknown()), z.string().min(1).max(20_000_000)]);

export const PreviewRequestSchema = z.object({ plan: PlanSourceSchema }).strict();
export const LaunchRequestSchema = z.object({ plan: PlanSourceSchema, actor: actor }).strict();
export const AdvanceRequestSchema = z
  .object({ actor, reason, expectedPhaseKey: z.string().optional() })
  .strict();
export const AmendDeadlineRequestSchema = z
  .object({
    actor,
    reason,
    phaseKey: z.string().min(1),
    /** Local date or date-time in the plan's time zone (`YYYY-MM-DD` means end of that day). */
    deadline: z.string().min(1),
    /**
     * The official saw and accepted that the new deadline leaves time with no phase before the next
     * one starts (domain/phaseMoves.ts); without it such a move is refused (422).
     */
    acceptGap: z.boolean().optional(),
  })
  .strict();
export const CancelRequestSchema = z.object({ actor, reason }).strict();
/** 节点任务确认完成: which milestone, and an optional note (what was done, where it is filed). */
export const ConfirmMilestoneRequestSchema = z
  .object({ actor, key: z.string().trim().min(1, '请指明节点任务'), note: z.string().trim().max(500).optional() })
  .strict();

export const TargetsDto = z.object({
  enrolled: z.number().nullable(),
  paying: z.number().nullable(),
  paymentRate: z.number().nullable(),
  mobileShare: z.number().nullable(),
});

export const ProgressDto = z.object({
  enrolled: z.number(),
  paid: z.number(),
  amountYuan: z.number(),
  mobilePaid: z.number(),
  hardshipCovered: z.number(),
});

/**
 * Verified from the tax bureau's per-person feed: successful deductions only (扣费成功), as of the
 * delivery's latest date; mobileShare is 手机缴费率 in percent (one decimal).
 */
export const VerifiedDto = z.object({
  paid: z.number(),
  amountYuan: z.number(),
  mobilePaid: z.number(),
  mobileShare: z.number().nullable(),
  asOf: z.string(),
});

/** The roll-up's alternatives side by side (domain/rollup.ts): which one `progress` shows, and the others. */
export const RollupDto = z.object({
  rule: z.enum(ROLLUP_RULES),
  /** own: the unit's own report; children: the complete sum of its children; children-partial: not all reported; verified; none. */
  source: z.enum(['own', 'children', 'children-partial', 'verified', 'none']),
  own: z.object({ periodKey: z.string(), figures: ProgressDto }).nullable(),
  children: z.object({ figures: ProgressDto, reported: z.number(), of: z.number() }).nullable(),
  verified: VerifiedDto.nullable(),
});

export const PhaseDto = z.object({
  key: z.string(),
  seq: z.number(),
  nameZh: z.string(),
  nameEn: z.string(),
  /** ISO instants. */
  startAt: z.string(),
  deadlineAt: z.string(),
  status: z.enum(PHASE_STATUSES),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endReason: z.enum(PHASE_END_REASONS).nullable(),
});

export const CampaignSummaryDto = z.object({
  id: z.string(),
  title: z.string(),
  year: z.number(),
  regionCode: z.string(),
  regionName: z.string(),
  timeZone: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  currentPhaseKey: z.string().nullable(),
  workflowId: z.string(),
  launchedAt: z.string(),
  updatedAt: z.string(),
  targets: TargetsDto,
  progress: ProgressDto,
  /** The campaign's verified totals (per-person feed), beside the reported progress; null before a delivery. */
  verified: VerifiedDto.nullable(),
  /** The plan's roll-up rule (domain/rollup.ts). */
  rollupRule: z.enum(ROLLUP_RULES),
  unitCount: z.number(),
});

export const UnitDto = z.object({
  code: z.string(),
  parentCode: z.string(),
  name: z.string(),
  level: z.enum(REGION_LEVELS),
  status: z.enum(UNIT_STATUSES),
  /** null for villages (rows, not workflows). */
  workflowId: z.string().nullable(),
  phaseKey: z.string().nullable(),
  targets: TargetsDto,
  progress: ProgressDto,
  childCount: z.number(),
  updatedAt: z.string(),
  /** Worst of the unit and everything under it: red (overdue, missed target), yellow (behind pace), blue (due soon), green. */
  light: z.enum(['red', 'yellow', 'blue', 'green']),
  /** The unit's own light, before the roll-up. */
  lightSelf: z.enum(['red', 'yellow', 'blue', 'green']),
  reporting: z.object({
    nextPeriodKey: z.string().nullable(),
    nextDueAt: z.string().nullable(),
    overdue: z.boolean(),
    paceBehind: z.boolean(),
    paceExpected: z.number().nullable(),
    targetMissed: z.boolean(),
  }),
  /** The tax bureau's latest paid figures (税务到账), beside the reported ones. */
  tax: z.object({ paid: z.number(), amountYuan: z.number(), asOf: z.string() }).nullable(),
  /** Verified from the per-person feed (successful deductions only), beside the reported figures. */
  verified: VerifiedDto.nullable(),
  rollup: RollupDto,
});

export const ActionDto = z.object({
  id: z.string(),
  kind: z.enum(ACTION_KINDS),
  actor: z.string(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  at: z.string(),
});

export const CampaignDetailDto = CampaignSummaryDto.extend({
  phases: z.array(PhaseDto),
  actions: z.array(ActionDto),
  /** The owning region's direct children (counties for a city plan). */
  units: z.array(UnitDto),
  temporalUiUrl: z.string().nullable(),
});

export const UnitDetailDto = z.object({
  campaignId: z.string(),
  unit: UnitDto,
  /** From the owning region down to this unit's parent, for breadcrumbs. */
  ancestors: z.array(z.object({ code: z.string(), name: z.string(), level: z.enum(REGION_LEVELS) })),
  children: z.array(UnitDto),
  temporalUiUrl: z.string().nullable(),
});

export const PlanIssueDto = z.object({ path: z.string(), message: z.string() });

/** A number in a URL naming a row of an `integer` column: beyond its range it is a bad request, not a database error. */
export const IntRowIdSchema = z.coerce.number().int().min(1).max(2_147_483_647);

/** Something worth a look before launch; `blocking` ones make the plan unlaunchable by this user. */
export const PreviewProblemDto = z.object({
  code: z.enum(PREVIEW_WARNING_CODES),
  /** Where in the plan (`reporting[1]`, `milestones[0].due`, `phases[0].deadline`), when it is about one place. */
  path: z.string().optional(),
  year: z.number().optional(),
  /** True when launch would be refused (the plan's region outside the user's). */
  blocking: z.boolean(),
  message: BilingualDto,
});

const RungDto = z.object({ rung: z.string(), name: z.string(), delayWorkingDays: z.number(), notify: z.array(z.string()) });

/** One reporting stream: who reports (units per level), its rule, every due date per level with its shift reason, its ladder. */
export const StreamPreviewDto = z.object({
  key: z.string(),
  name: z.string(),
  reports: z.boolean(),
  circulars: z.boolean(),
  /** The single `reporting` block of plans written before streams. */
  legacy: z.boolean(),
  levels: z.array(z.object({ level: z.string(), count: z.number() })),
  total: z.number(),
  circularLevel: z.string().nullable(),
  ruleText: z.string(),
  span: z.object({ start: z.string(), end: z.string() }),
  dueTime: z.string(),
  shift: z.enum(['next-working-day', 'none']),
  ladder: z.array(RungDto).nullable(),
  paceChecks: z.boolean(),
  schedules: z.array(z.object({ level: z.string(), dueTime: z.string(), rule: z.record(z.string(), z.unknown()), periods: z.array(PeriodPreviewDto) })),
});

export const MilestonePreviewDto = z.object({
  key: z.string(),
  name: z.string(),
  startAt: z.string().nullable(),
  rawDueDate: z.string(),
  dueDate: z.string(),
  dueTime: z.string(),
  dueAt: z.string(),
  dueLocal: z.string(),
  shifted: z.boolean(),
  reason: BilingualDto.nullable(),
  onHoliday: z.boolean(),
  reminders: z.array(z.object({ workingDaysBefore: z.number(), date: z.string(), at: z.string() })),
  rungs: z.array(RungDto.extend({ index: z.number(), date: z.string(), at: z.string() })),
});

export const JudgedTargetsDto = z.object({
  /** The plan's own targets (every kind: counts, rates, money, increases). */
  plan: z.record(z.string(), z.unknown()),
  /** What the pace and missed-target checks judge, on how many units, how many of which have a target. */
  metrics: z.array(z.object({ metric: z.string(), name: z.string(), judgedUnits: z.number(), withTarget: z.number(), planTarget: z.number().nullable() })),
  pacePhase: z.string().nullable(),
  paceMargin: z.number().nullable(),
  judgedByLevel: z.record(z.string(), z.number()),
});

export const PolicyPreviewDto = z.object({
  /** The policy with its defaults decided (categories, tiers, subsidies, cost split). */
  resolved: z.record(z.string(), z.unknown()),
  /** A sample person of each category (and residence): amounts in fen and in a sentence. */
  samples: z.array(z.object({ category: z.string().nullable(), categoryName: z.string(), residence: z.string().nullable(), contribution: z.record(z.string(), z.unknown()), text: BilingualDto })),
});

export const PreviewDto = z.object({
  plan: z.object({
    id: z.string(),
    title: z.string(),
    year: z.number(),
    regionName: z.string(),
    timeZone: z.string(),
    regionCode: z.string(),
    regionLevel: z.enum(REGION_LEVELS),
  }),
  /**
   * Whether this user may launch the plan as it stands: false while a problem is `blocking` (its region
   * outside the user's). The console enables its launch button on it.
   */
  launchable: z.boolean(),
  /** Every problem worth a look before launch, blocking or not; `warnings` has their Chinese text too. */
  problems: z.array(PreviewProblemDto),
  streams: z.array(StreamPreviewDto),
  milestones: z.array(MilestonePreviewDto),
  judgedTargets: JudgedTargetsDto,
  /** Unit workflows per level, and the workflow with the most children (Temporal's 2,000-children limit). */
  workflows: z.object({ count: z.number(), byLevel: z.record(z.string(), z.number()), largest: z.object({ code: z.string(), name: z.string(), count: z.number() }).nullable() }),
  policy: PolicyPreviewDto.nullable(),
  /** The campaign's end: the later of the last phase deadline and the last milestone (ISO). */
  endAt: z.string(),
  phases: z.array(
    z.object({ key: z.string(), nameZh: z.string(), nameEn: z.string(), startAt: z.string(), deadlineAt: z.string(), startLocal: z.string(), deadlineLocal: z.string() }),
  ),
  unitCounts: z.record(z.string(), z.number()),
  workflowCount: z.number(),
  targets: TargetsDto,
  warnings: z.array(z.string()),
  /** Every phase deadline and report due date per level, with the calendar's shifts; null without a reporting block. */
  reporting: ReportingPreviewDto.nullable(),
});

export const LaunchResultDto = z.object({
  created: z.boolean(),
  campaign: CampaignSummaryDto,
  /** What the official should know, e.g. a year whose holiday notice is not on file (weekends only). */
  warnings: z.array(z.string()),
});

export const ExamplePlanDto = z.object({ name: z.string(), title: z.string(), file: z.string() });

export const HealthDto = z.object({
  status: z.enum(['ok', 'degraded']),
  temporal: z.object({ ok: z.boolean(), error: z.string().optional() }),
  database: z.object({ ok: z.boolean(), kind: z.enum(['pglite', 'postgres']), error: z.string().optional() }),
});

export const AppConfigDto = z.object({
  temporalUiUrl: z.string().nullable(),
  namespace: z.string(),
  defaultActor: z.string(),
});

/** RFC 9457 problem details; `errors` names each failing field. */
export const ProblemDto = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  errors: z.array(PlanIssueDto).optional(),
});

export type Targets = z.infer<typeof TargetsDto>;
export type Progress = z.infer<typeof ProgressDto>;
export type PhaseView = z.infer<typeof PhaseDto>;
export type CampaignSummary = z.infer<typeof CampaignSummaryDto>;
export type CampaignDetail = z.infer<typeof CampaignDetailDto>;
export type UnitView = z.infer<typeof UnitDto>;
export type UnitDetail = z.infer<typeof UnitDetailDto>;
export type ActionView = z.infer<typeof ActionDto>;
export type Preview = z.infer<typeof PreviewDto>;
export type LaunchResult = z.infer<typeof LaunchResultDto>;
export type ExamplePlan = z.infer<typeof ExamplePlanDto>;
export type Health = z.infer<typeof HealthDto>;
export type AppConfig = z.infer<typeof AppConfigDto>;
export type Problem = z.infer<typeof ProblemDto>;
