// The campaign plan: one zod schema, plus the consistency rules a schema cannot express.
// A plan is data, never code: phases, dates, targets, breakdown, reporting streams, milestones, policy
// and escalation. Every object is strict: a field the product does not use is refused with its path,
// never silently accepted.
//
// The blocks live beside the rules that use them: targets (domain/targets.ts), the breakdown
// (domain/regions.ts), reporting streams (domain/streams.ts), escalation (domain/ladder.ts),
// milestones (domain/milestones.ts), the contribution policy (domain/policy.ts). This file composes
// them, validates across them, and re-exports what callers have always imported from here.
import { z } from 'zod';
import { localDateTime } from './fields';
import { EscalationSchema } from './ladder';
import { checkMilestones, MilestonesSchema } from './milestones';
import { checkNotice, NoticeSchema } from './notices';
import { checkPolicy, ContributionPolicySchema } from './policy';
import { breakdownUnits, LEVEL_RANK, RegionNodeSchema, RegionSchema, type RegionNode } from './regions';
import type { RegionLevel } from './status';
import { checkStreams, checkWorkflowLimit, ReportingFieldSchema, workflowLayout } from './streams';
import { ROLLUP_RULES } from './rollup';
import { VerificationSchema } from './discrepancy';
import { COUNT_TARGETS, METRIC_INFO, metricNeeds, metricTarget, TargetsSchema, type Targets } from './targets';
import { DEFAULT_TIME_ZONE, addDaysLocal, daysBetweenLocal, formatLocal, isValidTimeZone, localToInstant } from './time';

export { COUNT_TARGETS, TargetsSchema, type Targets } from './targets';
export { RegionNodeSchema, RegionSchema, flattenBreakdown, type RegionNode } from './regions';
export { ContributionPolicySchema, type ContributionPolicy } from './policy';
export {
  REPORTING_LEVELS,
  ReportingSchema,
  SCHEDULE_RULE_KINDS,
  ScheduleRuleSchema,
  StreamSchema,
  type LegacyReporting,
  type Reporting,
  type ReportingLevel,
  type ReportingStream,
  type ScheduleRule,
  type StreamSpec,
} from './streams';
export { ESCALATION_RUNGS, EscalationSchema, LadderSchema, NOTIFY_TARGETS, type Escalation, type EscalationRung, type Ladder, type NotifyTarget } from './ladder';
export { MilestoneSchema, type Milestone } from './milestones';

export const PhaseSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, '阶段键应为小写字母开头的 a-z0-9-'),
    name: z.object({ zh: z.string().trim().min(1), en: z.string().trim().min(1) }).strict(),
    start: localDateTime,
    deadline: localDateTime,
  })
  .strict();
export type Phase = z.infer<typeof PhaseSchema>;

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
    /** Reporting streams, or the single block plans wrote before streams (see domain/streams.ts). */
    reporting: ReportingFieldSchema.optional(),
    escalation: EscalationSchema.optional(),
    /** Deadlines and windows outside the phase chain (see domain/milestones.ts). */
    milestones: MilestonesSchema.min(1, '至少一个节点，或省略 milestones').optional(),
    /** What a parent's figures are when some of its children report (domain/rollup.ts); absent: own-first. */
    rollup: z.enum(ROLLUP_RULES, { error: `rollup 应为 ${ROLLUP_RULES.join('、')} 之一` }).optional(),
    /** The 缴费情况公示: its milestone, registers and masking (domain/notices.ts); absent: both registers, 张*明, 前6后4. */
    notice: NoticeSchema.optional(),
    /** 核查验收: the tolerance between reported and verified figures, and the answer window (domain/discrepancy.ts). */
    verification: VerificationSchema.optional(),
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

export function resolvePhases(plan: Pick<Plan, 'phases' | 'timeZone'>): ResolvedPhase[] {
  return plan.phases.map((p) => ({
    key: p.key,
    nameZh: p.name.zh,
    nameEn: p.name.en,
    startAt: localToInstant(p.start, plan.timeZone, 'start'),
    deadlineAt: localToInstant(p.deadline, plan.timeZone, 'deadline'),
  }));
}

// ---------------------------------------------------------------------------------------------
// Issues in Chinese, with the path of the branch the plan meant

const TYPE_ZH: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  boolean: '是或否（true/false）',
  array: '列表',
  object: '对象',
  record: '对象',
  date: '日期',
};

/** Zod's default messages in Chinese; messages the schemas give themselves are kept. */
function chineseMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'unrecognized_keys':
      return `含产品不使用的字段：${(iss.keys as string[]).join('、')}（方案只接受会被计算或执行的字段）`;
    case 'invalid_type':
      return iss.input === undefined ? '缺少此项' : `应为${TYPE_ZH[iss.expected as string] ?? String(iss.expected)}`;
    case 'invalid_value':
      return `应为以下之一：${(iss.values as unknown[]).map(String).join('、')}`;
    case 'too_small':
      return iss.origin === 'array' ? `至少应有 ${String(iss.minimum)} 项` : `不应小于 ${String(iss.minimum)}`;
    case 'too_big':
      return iss.origin === 'array' ? `至多 ${String(iss.maximum)} 项` : `不应大于 ${String(iss.maximum)}`;
    case 'invalid_key':
      return '键不在允许的取值之中';
    case 'invalid_format':
      return '格式不正确';
    default:
      return undefined;
  }
}

/**
 * A union (streams or the legacy block; a date or a phase; a flat or per-component split) reports
 * every branch's failure. The plan meant the branch whose shape matched (its errors are inside the
 * value, not about the value's type): its issues are kept, with their full paths.
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): PlanIssue[] {
  const out: PlanIssue[] = [];
  for (const i of issues) {
    const path = [...base, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const shapeMatched = i.errors.filter((branch) => branch.every((e) => e.path.length > 0 || (e.code !== 'invalid_type' && e.code !== 'invalid_value')));
      const chosen = shapeMatched[0] ?? i.errors.find((b) => b.some((e) => e.path.length > 0)) ?? null;
      if (chosen) {
        out.push(...flattenIssues(chosen, path));
        continue;
      }
      out.push({ path: formatPath(path), message: '格式不符合任何一种写法' });
      continue;
    }
    out.push({ path: formatPath(path), message: i.message });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * Parses and checks a plan. `now` (epoch ms) is passed in so that a plan whose every deadline has
 * passed can be refused; this module never reads a clock.
 */
export function validatePlan(input: unknown, now: number): PlanValidation {
  const parsed = PlanSchema.safeParse(input, { error: chineseMessage });
  if (!parsed.success) return { ok: false, errors: flattenIssues(parsed.error.issues) };
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
          message: `阶段顺序错误或重叠：开始于 ${formatLocal(p.startAt, plan.timeZone)}，早于上一阶段截止 ${formatLocal(prev.deadlineAt, plan.timeZone)}`,
        });
      }
    }
  });
  const last = phases[phases.length - 1];
  if (errors.length === 0 && last.deadlineAt <= now) {
    errors.push({
      path: 'phases',
      message: `所有阶段的截止时间均已过去（最后截止 ${formatLocal(last.deadlineAt, plan.timeZone)}）`,
    });
  }

  const breakdownOk = checkBreakdown(plan, errors);
  const phaseKeys = new Set(seenKeys.keys());
  checkStreams(plan, phaseKeys, errors);

  const pace = plan.escalation?.pace;
  if (pace?.phase !== undefined && !seenKeys.has(pace.phase)) {
    errors.push({ path: 'escalation.pace.phase', message: `没有键为 ${pace.phase} 的阶段` });
  }
  pace?.curve?.forEach((point, i, curve) => {
    if (i === 0) return;
    if (point.date <= curve[i - 1].date) errors.push({ path: `escalation.pace.curve[${i}].date`, message: '进度曲线的日期应严格递增' });
    if (point.share < curve[i - 1].share) errors.push({ path: `escalation.pace.curve[${i}].share`, message: '进度曲线的比例不应下降' });
  });
  if (breakdownOk) checkJudgedMetrics(plan, errors);
  if (plan.verification && !seenKeys.has(plan.verification.phase)) {
    errors.push({ path: 'verification.phase', message: `没有键为 ${plan.verification.phase} 的阶段（核查验收所在阶段）` });
  }

  checkMilestones(plan, phases[0].startAt, errors);
  checkNotice(plan, errors);
  checkPolicy(plan, errors);
  // Only on a sound tree: duplicate codes would make the layout meaningless.
  if (breakdownOk) checkWorkflowLimit(plan, errors);

  return errors.length ? { ok: false, errors } : { ok: true, plan, phases };
}

/** Returns whether the tree itself is sound (codes unique, levels descending). */
function checkBreakdown(plan: Plan, errors: PlanIssue[]): boolean {
  let sound = true;
  const seen = new Map<string, string>([[plan.region.code, 'region.code']]);
  const walk = (nodes: RegionNode[], parent: { level: RegionLevel; targets: Targets; path: string }, base: string) => {
    nodes.forEach((node, i) => {
      const path = `${base}[${i}]`;
      const prior = seen.get(node.code);
      if (prior) {
        errors.push({ path: `${path}.code`, message: `区划代码 ${node.code} 重复（已见于 ${prior}）` });
        sound = false;
      } else seen.set(node.code, `${path}.code`);
      if (LEVEL_RANK[node.level] <= LEVEL_RANK[parent.level]) {
        errors.push({ path: `${path}.level`, message: `层级 ${node.level} 应低于上级的 ${parent.level}` });
        sound = false;
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
  return sound;
}

/**
 * A metric named in `escalation.pace.metrics` must be judged somewhere (a judged unit has a target for
 * it), and a judged unit with a rate target needs the headcount it is a rate of.
 */
function checkJudgedMetrics(plan: Plan, errors: PlanIssue[]): void {
  const metrics = plan.escalation?.pace?.metrics;
  if (!metrics) return;
  const layout = workflowLayout(plan);
  const judged = new Set(layout.units.filter((u) => u.judged).map((u) => u.code));
  const units = breakdownUnits(plan).filter((u) => judged.has(u.code));
  metrics.forEach((metric, i) => {
    const info = METRIC_INFO[metric];
    const withTarget = units.filter((u) => metricTarget(metric, u.targets) !== null);
    if (withTarget.length === 0) {
      errors.push({ path: `escalation.pace.metrics[${i}]`, message: `被评判的单位都没有「${info.zh}」目标（targets.${info.target}），该指标无从评判` });
      return;
    }
    const need = metricNeeds(metric);
    if (!need) return;
    for (const u of withTarget) {
      if (u.targets[need] === undefined) {
        errors.push({ path: `${u.path}.targets.${need}`, message: `${u.name}须评判「${info.zh}」，但没有${need === 'headcount' ? '应参保人数（征缴基数）' : '扩面基数'} ${need}` });
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Moving a plan in time

/**
 * Moves every date of a plan by whole days so that its first phase starts on `startDate`: phases,
 * reporting (each stream's dates), milestones, the pace curve and the hardship reference date. Rules
 * (days of month, weekdays, months, quarters) are not moved. The demo uses it to make a past plan live
 * today; tests use it to move a plan into the time-skipping server's future.
 */
export function shiftPlanToStart<P extends PlanInput>(
  plan: P,
  startDate: string,
  overrides: { id?: string; title?: string } = {},
): P {
  const first = plan.phases[0];
  const days = daysBetweenLocal(first.start, startDate);
  const move = <T>(v: T): T => (typeof v === 'string' ? (addDaysLocal(v, days) as T) : v);
  const shifted: P = {
    ...plan,
    ...overrides,
    year: Number(addDaysLocal(first.start, days).slice(0, 4)),
    phases: plan.phases.map((p) => ({ ...p, start: addDaysLocal(p.start, days), deadline: addDaysLocal(p.deadline, days) })),
  };
  const r = plan.reporting;
  if (Array.isArray(r)) {
    shifted.reporting = r.map((s) => ({ ...s, start: move(s.start), end: move(s.end) }));
  } else if (r) {
    shifted.reporting = { ...r, start: addDaysLocal(r.start, days), end: move(r.end) };
  }
  if (plan.milestones) {
    shifted.milestones = plan.milestones.map((m) => ({ ...m, due: addDaysLocal(m.due, days), ...(m.start !== undefined ? { start: addDaysLocal(m.start, days) } : {}) }));
  }
  const curve = plan.escalation?.pace?.curve;
  if (plan.escalation && curve) {
    shifted.escalation = { ...plan.escalation, pace: { ...plan.escalation.pace, curve: curve.map((c) => ({ ...c, date: addDaysLocal(c.date, days) })) } };
  }
  const referenceDate = plan.contributionPolicy?.hardship?.referenceDate;
  if (plan.contributionPolicy?.hardship && referenceDate) {
    shifted.contributionPolicy = { ...plan.contributionPolicy, hardship: { ...plan.contributionPolicy.hardship, referenceDate: addDaysLocal(referenceDate, days) } };
  }
  return shifted;
}
