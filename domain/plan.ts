// The campaign plan: one zod schema, plus the consistency rules a schema cannot express.
// A plan is data, never code: phases, dates, targets, breakdown, policy, reporting and escalation.
import { HARDSHIP_CATEGORIES, parseCategory } from './hardship';
import { z } from 'zod';
import { REGION_LEVELS, type RegionLevel } from './status';
import {
  DEFAULT_TIME_ZONE,
  addDaysLocal,
  daysBetweenLocal,
  formatLocal,
  isValidTimeZone,
  localToInstant,
  parseLocal,
} from './time';

const localDateTime = z
  .string()
  .refine((s) => parseLocal(s) !== undefined, { message: '应为有效的日期 YYYY-MM-DD 或时间 YYYY-MM-DDTHH:mm[:ss]' });

const localDate = z
  .string()
  .refine((s) => parseLocal(s)?.dateOnly === true, { message: '应为有效的日期 YYYY-MM-DD' });

const count = z.number().int('应为整数').nonnegative('不能为负数');
const rate = z.number().min(0, '比率应在 0 到 1 之间').max(1, '比率应在 0 到 1 之间');

export const TargetsSchema = z
  .object({
    /** 参保人数 */
    enrolled: count.optional(),
    /** 缴费人数 */
    paying: count.optional(),
    /** 征缴率 (paying / headcount) */
    paymentRate: rate.optional(),
    /** 手机缴费率 */
    mobileShare: rate.optional(),
  })
  .strict();
export type Targets = z.infer<typeof TargetsSchema>;

/** Summed down the breakdown tree; rates are not summed. */
export const COUNT_TARGETS = ['enrolled', 'paying'] as const;

/** 6 digits (county and above), 9 (town), 12 (village), as in the statistical division codes. */
const regionCode = z.string().regex(/^\d{6}(\d{3}){0,2}$/, '区划代码应为 6、9 或 12 位数字');

export const RegionSchema = z
  .object({
    code: regionCode,
    name: z.string().trim().min(1, '名称不能为空'),
    level: z.enum(REGION_LEVELS),
  })
  .strict();

export interface RegionNode {
  code: string;
  name: string;
  level: RegionLevel;
  targets: Targets;
  children: RegionNode[];
}

export const RegionNodeSchema: z.ZodType<RegionNode, unknown> = z.lazy(() =>
  z
    .object({
      code: regionCode,
      name: z.string().trim().min(1, '名称不能为空'),
      level: z.enum(REGION_LEVELS),
      targets: TargetsSchema.default({}),
      children: z.array(RegionNodeSchema).default([]),
    })
    .strict(),
) as z.ZodType<RegionNode, unknown>;

export const PhaseSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, '阶段键应为小写字母开头的 a-z0-9-'),
    name: z.object({ zh: z.string().trim().min(1), en: z.string().trim().min(1) }).strict(),
    start: localDateTime,
    deadline: localDateTime,
  })
  .strict();
export type Phase = z.infer<typeof PhaseSchema>;

/** 缴费档次、补贴、困难群体代缴 — carried and validated here, used by the hardship capability. */
export const ContributionPolicySchema = z
  .object({
    tiers: z
      .array(z.number().positive('档次应为正数'))
      .min(1, '至少一个缴费档次')
      .refine((t) => t.every((v, i) => i === 0 || v > t[i - 1]), { message: '缴费档次应严格递增' }),
    defaultTier: z.enum(['last-year', 'lowest']).default('last-year'),
    allowUpgrade: z.boolean().default(false),
    subsidies: z
      .array(
        z
          .object({ fromTier: z.number().positive(), toTier: z.number().positive().optional(), amount: z.number().nonnegative() })
          .strict(),
      )
      .default([]),
    costSplit: z.record(z.string(), z.number().nonnegative()).optional(),
    hardship: z
      .object({
        mode: z.enum(['full-minimum', 'partial']),
        minimum: z.number().nonnegative().optional(),
        perCategory: z.record(z.string(), z.number().nonnegative()).optional(),
        /** Age (>= 16) is judged on this date; default 31 December of the campaign year. */
        referenceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD').optional(),
      })
      .strict()
      .refine((h) => h.mode !== 'full-minimum' || h.minimum !== undefined, { message: '全额代缴(full-minimum)须给出 minimum(最低档金额)', path: ['minimum'] })
      .refine((h) => h.mode !== 'partial' || Object.keys(h.perCategory ?? {}).length > 0, { message: '部分代缴(partial)须按类别给出 perCategory 金额', path: ['perCategory'] })
      .refine((h) => Object.keys(h.perCategory ?? {}).every((k) => parseCategory(k) !== null), {
        message: `perCategory 的类别应为:${HARDSHIP_CATEGORIES.map((c) => `${c.key}(${c.zh})`).join('、')}`,
        path: ['perCategory'],
      })
      .optional(),
    collectiveSubsidyCap: z.number().nonnegative().optional(),
  })
  .strict();

export const SCHEDULE_RULE_KINDS = ['days-of-month', 'weekly', 'daily'] as const;

/** days-of-month: a month without the day (the 30th in February) uses its last day. weekly: 1 = Monday .. 7 = Sunday. */
export const ScheduleRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days-of-month'), days: z.array(z.number().int().min(1).max(31)).min(1) }).strict(),
  z.object({ kind: z.literal('weekly'), weekday: z.number().int().min(1).max(7) }).strict(),
  z.object({ kind: z.literal('daily') }).strict(),
]);
export type ScheduleRule = z.infer<typeof ScheduleRuleSchema>;

const dueTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, '应为 HH:mm');

/** Levels that run as workflows and can be asked to report. */
export const REPORTING_LEVELS = ['county', 'town'] as const;
export type ReportingLevel = (typeof REPORTING_LEVELS)[number];

/** 报告时间表: when each reporting unit's figures are due. */
export const ReportingSchema = z
  .object({
    rule: ScheduleRuleSchema,
    start: localDate,
    /** A date, or a phase whose deadline ends the schedule; default: the last phase's deadline. */
    end: z.union([localDate, z.object({ phase: z.string() }).strict()]).optional(),
    /** Time of day the report is due on its due date; 24:00 is the end of the day. */
    dueTime: dueTime.default('24:00'),
    /** 节假日顺延: a due date on a non-working day moves to the next working day. */
    shift: z.enum(['next-working-day', 'none']).default('next-working-day'),
    /** Which workflow levels submit reports. */
    levels: z.array(z.enum(REPORTING_LEVELS)).min(1).default(['county', 'town']),
    // partialRecord: a plan overrides the rule for some levels only (z.record with enum keys would demand all five).
    byLevel: z
      .partialRecord(z.enum(REPORTING_LEVELS), z.object({ rule: ScheduleRuleSchema, dueTime: dueTime.optional() }).strict())
      .optional(),
  })
  .strict();
export type Reporting = z.infer<typeof ReportingSchema>;

export const ESCALATION_RUNGS = ['reminder', 'warning', 'circular', 'supervision', 'accountability'] as const;
export type EscalationRung = (typeof ESCALATION_RUNGS)[number];
export const NOTIFY_TARGETS = ['unit', 'parent', 'city'] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

const LadderSchema = z
  .array(
    z
      .object({
        rung: z.enum(ESCALATION_RUNGS),
        name: z.string().min(1),
        /** Working days after the missed due date (missed-report track) or after the lag was first seen (behind-pace track). */
        delayWorkingDays: z.number().int().nonnegative(),
        notify: z.array(z.enum(NOTIFY_TARGETS)).min(1),
      })
      .strict(),
  )
  .min(1)
  .refine((l) => l.every((r, i) => i === 0 || r.delayWorkingDays >= l[i - 1].delayWorkingDays), {
    message: '阶梯的延迟天数应逐级不减',
  });
export type Ladder = z.infer<typeof LadderSchema>;

/** 升级阶梯: the missed-report ladder, an optional separate behind-pace ladder, and the pace rule. */
export const EscalationSchema = z
  .object({
    ladder: LadderSchema,
    /** Ladder of the behind-pace (序时进度) track; default: the same as `ladder`. */
    paceLadder: LadderSchema.optional(),
    pace: z
      .object({
        /** The phase over which the target is expected to be reached; default `payment`, else the last phase. */
        phase: z.string().optional(),
        metric: z.enum(['paying', 'enrolled']).default('paying'),
        /** Expected share of the target by date; linear over the phase when absent. */
        curve: z.array(z.object({ date: localDate, share: rate }).strict()).min(1).optional(),
      })
      .strict()
      .optional(),
    paceMargin: rate.default(0.05),
    warningWindowDays: z.number().int().nonnegative().default(3),
  })
  .strict();
export type Escalation = z.infer<typeof EscalationSchema>;

export const BREAKDOWN_RULES = ['sum-equals', 'sum-at-least', 'none'] as const;

export const PlanSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, '方案编号应为小写字母、数字和连字符'),
    title: z.string().trim().min(1, '标题不能为空'),
    year: z.number().int().min(2000).max(2100),
    region: RegionSchema,
    timeZone: z.string().default(DEFAULT_TIME_ZONE),
    phases: z.array(PhaseSchema).min(1, '至少需要一个阶段'),
    targets: TargetsSchema.default({}),
    /** Whether children's count targets must add up to their parent's. */
    breakdownRule: z.enum(BREAKDOWN_RULES).default('none'),
    breakdown: z.array(RegionNodeSchema).default([]),
    contributionPolicy: ContributionPolicySchema.optional(),
    reporting: ReportingSchema.optional(),
    escalation: EscalationSchema.optional(),
  })
  .strict();

export type Plan = z.infer<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;

export interface PlanIssue {
  /** JSON path such as `phases[1].deadline` or `breakdown[0].children[3].code`. */
  path: string;
  message: string;
}

export interface ResolvedPhase {
  key: string;
  nameZh: string;
  nameEn: string;
  /** Instants in epoch milliseconds. */
  startAt: number;
  deadlineAt: number;
}

export type PlanValidation =
  | { ok: true; plan: Plan; phases: ResolvedPhase[] }
  | { ok: false; errors: PlanIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(plan)';
}

const LEVEL_RANK: Record<RegionLevel, number> = Object.fromEntries(REGION_LEVELS.map((l, i) => [l, i])) as Record<
  RegionLevel,
  number
>;

export function resolvePhases(plan: Pick<Plan, 'phases' | 'timeZone'>): ResolvedPhase[] {
  return plan.phases.map((p) => ({
    key: p.key,
    nameZh: p.name.zh,
    nameEn: p.name.en,
    startAt: localToInstant(p.start, plan.timeZone, 'start'),
    deadlineAt: localToInstant(p.deadline, plan.timeZone, 'deadline'),
  }));
}

/**
 * Parses and checks a plan. `now` (epoch ms) is passed in so that a plan whose every deadline has
 * passed can be refused; this module never reads a clock.
 */
export function validatePlan(input: unknown, now: number): PlanValidation {
  const parsed = PlanSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  }
  const plan = parsed.data;
  const errors: PlanIssue[] = [];

  if (!isValidTimeZone(plan.timeZone)) {
    return { ok: false, errors: [{ path: 'timeZone', message: `未知时区 ${plan.timeZone}` }] };
  }

  const phases = resolvePhases(plan);
  const seenKeys = new Map<string, number>();
  phases.forEach((p, i) => {
    const prior = seenKeys.get(p.key);
    if (prior !== undefined) errors.push({ path: `phases[${i}].key`, message: `阶段键 ${p.key} 与 phases[${prior}] 重复` });
    seenKeys.set(p.key, i);
    if (p.deadlineAt <= p.startAt) {
      errors.push({ path: `phases[${i}].deadline`, message: '截止时间应晚于开始时间' });
    }
    if (i > 0) {
      const prev = phases[i - 1];
      if (p.startAt < prev.deadlineAt) {
        errors.push({
          path: `phases[${i}].start`,
          message: `阶段顺序错误或重叠:开始于 ${formatLocal(p.startAt, plan.timeZone)},早于上一阶段截止 ${formatLocal(prev.deadlineAt, plan.timeZone)}`,
        });
      }
    }
  });
  const last = phases[phases.length - 1];
  if (errors.length === 0 && last.deadlineAt <= now) {
    errors.push({
      path: 'phases',
      message: `所有阶段的截止时间均已过去(最后截止 ${formatLocal(last.deadlineAt, plan.timeZone)})`,
    });
  }

  checkBreakdown(plan, errors);

  if (plan.reporting?.end && typeof plan.reporting.end === 'object' && !seenKeys.has(plan.reporting.end.phase)) {
    errors.push({ path: 'reporting.end.phase', message: `没有键为 ${plan.reporting.end.phase} 的阶段` });
  }
  const pace = plan.escalation?.pace;
  if (pace?.phase !== undefined && !seenKeys.has(pace.phase)) {
    errors.push({ path: 'escalation.pace.phase', message: `没有键为 ${pace.phase} 的阶段` });
  }
  pace?.curve?.forEach((point, i, curve) => {
    if (i === 0) return;
    if (point.date <= curve[i - 1].date) errors.push({ path: `escalation.pace.curve[${i}].date`, message: '进度曲线的日期应严格递增' });
    if (point.share < curve[i - 1].share) errors.push({ path: `escalation.pace.curve[${i}].share`, message: '进度曲线的比例不应下降' });
  });

  return errors.length ? { ok: false, errors } : { ok: true, plan, phases };
}

function checkBreakdown(plan: Plan, errors: PlanIssue[]): void {
  const seen = new Map<string, string>([[plan.region.code, 'region.code']]);
  const walk = (
    nodes: RegionNode[],
    parent: { level: RegionLevel; targets: Targets; path: string },
    base: string,
  ) => {
    nodes.forEach((node, i) => {
      const path = `${base}[${i}]`;
      const prior = seen.get(node.code);
      if (prior) errors.push({ path: `${path}.code`, message: `区划代码 ${node.code} 重复(已见于 ${prior})` });
      else seen.set(node.code, `${path}.code`);
      if (LEVEL_RANK[node.level] <= LEVEL_RANK[parent.level]) {
        errors.push({ path: `${path}.level`, message: `层级 ${node.level} 应低于上级的 ${parent.level}` });
      }
      walk(node.children, { level: node.level, targets: node.targets, path }, `${path}.children`);
    });
    if (plan.breakdownRule !== 'none' && nodes.length > 0) {
      for (const field of COUNT_TARGETS) {
        const want = parent.targets[field];
        if (want === undefined) continue;
        const sum = nodes.reduce((acc, n) => acc + (n.targets[field] ?? 0), 0);
        const bad = plan.breakdownRule === 'sum-equals' ? sum !== want : sum < want;
        if (bad) {
          const rule = plan.breakdownRule === 'sum-equals' ? '应等于' : '应不少于';
          errors.push({
            path: `${parent.path ? `${parent.path}.` : ''}targets.${field}`,
            message: `下级目标之和 ${sum} ${rule}本级目标 ${want}`,
          });
        }
      }
    }
  };
  walk(plan.breakdown, { level: plan.region.level, targets: plan.targets, path: '' }, 'breakdown');
}

/** Every region node in the tree, depth first, with its parent's code. */
export function flattenBreakdown(plan: Plan): Array<RegionNode & { parentCode: string; depth: number }> {
  const out: Array<RegionNode & { parentCode: string; depth: number }> = [];
  const walk = (nodes: RegionNode[], parentCode: string, depth: number) => {
    for (const n of nodes) {
      out.push({ ...n, parentCode, depth });
      walk(n.children, n.code, depth + 1);
    }
  };
  walk(plan.breakdown, plan.region.code, 1);
  return out;
}

/**
 * Moves every date of a plan by whole days so that its first phase starts on `startDate`.
 * The demo uses it to make a past plan live today; tests use it to move a plan into the
 * time-skipping server's future.
 */
export function shiftPlanToStart<P extends PlanInput>(
  plan: P,
  startDate: string,
  overrides: { id?: string; title?: string } = {},
): P {
  const first = plan.phases[0];
  const days = daysBetweenLocal(first.start, startDate);
  const shifted: P = {
    ...plan,
    ...overrides,
    year: Number(addDaysLocal(first.start, days).slice(0, 4)),
    phases: plan.phases.map((p) => ({ ...p, start: addDaysLocal(p.start, days), deadline: addDaysLocal(p.deadline, days) })),
  };
  if (plan.reporting) {
    const r = plan.reporting;
    shifted.reporting = {
      ...r,
      start: addDaysLocal(r.start, days),
      end: typeof r.end === 'string' ? addDaysLocal(r.end, days) : r.end,
    };
  }
  return shifted;
}
