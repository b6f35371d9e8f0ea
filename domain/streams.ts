// Reporting streams (报送): who reports what, when, and which units therefore run as workflows.
//
// A plan's `reporting` is a list of named streams — 旬报 on the 10th/20th/30th, a written 月调度 by the
// 5th and a quarterly 季通报 (seed 004); 每日一通报 and 每周一督查 (seed 003) — each with its own rule,
// levels, span, due time, holiday shift, circulars and ladder. A plan written before streams existed has
// a single block there (`rule`, `start`, …); it still validates and is normalised to one stream, the
// legacy stream, whose period keys stay bare dates so that running campaigns keep their keys:
//
//   reporting: { rule, start, end?, dueTime?, shift?, levels?, byLevel? }
//     ≡ reporting: [{ key: reports, name: 统计报表, rule, start, end, dueTime, shift, levels, byLevel,
//                     circulars: true, reports: true }]   with period keys `2023-10-15`
//   reporting: [{ key: xunbao, … }]  →  period keys `xunbao:2023-10-10`
//
// Who reports is data: any level below the plan's region (a province's cities, a city's counties and
// towns, a street's communities). Units that report, or are judged on pace, run as workflows; the rest
// stay rows. Pure: no clock, no I/O.
import { z } from 'zod';
import { dataKey, dateOrPhase, dueTime, localDate, months, type DateOrPhase } from './fields';
import { LadderSchema, type Escalation, type Ladder } from './ladder';
import { breakdownUnits, isBelow, LEVEL_RANK, type PlanTree } from './regions';
import { REPORTING_LEVELS, WORKFLOW_LEVELS, type RegionLevel, type ReportingLevel } from './status';

export { REPORTING_LEVELS, type ReportingLevel } from './status';

export interface Issue {
  /** JSON path such as `reporting[1].levels[0]`. */
  path: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Rules

export const SCHEDULE_RULE_KINDS = ['days-of-month', 'weekly', 'daily', 'quarterly'] as const;
export const SHIFT_RULES = ['next-working-day', 'none'] as const;
export type ShiftRule = (typeof SHIFT_RULES)[number];

/**
 * days-of-month: a month without the day (the 30th in February) uses its last day. weekly: 1 = Monday
 * .. 7 = Sunday. daily: every working day, or every calendar day (`on: calendar-days`). quarterly: day
 * `day` of the quarter's `month`-th month, last-day semantics: {month: 3, day: 31} is each quarter's
 * last day; "季后10日内" is {month: 1, day: 10} (Jan 10, Apr 10, Jul 10, Oct 10). `months` keeps only
 * the dates in those months (Jiangmen's publicity months 2, 6 and 10).
 */
export const ScheduleRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days-of-month'), days: z.array(z.number().int().min(1).max(31)).min(1), months: months.optional() }).strict(),
  z.object({ kind: z.literal('weekly'), weekday: z.number().int().min(1).max(7), months: months.optional() }).strict(),
  z.object({ kind: z.literal('daily'), on: z.enum(['working-days', 'calendar-days']).optional(), months: months.optional() }).strict(),
  z.object({ kind: z.literal('quarterly'), month: z.number().int().min(1).max(3), day: z.number().int().min(1).max(31) }).strict(),
]);
export type ScheduleRule = z.infer<typeof ScheduleRuleSchema>;

const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** A rule in an official's words: 每月10日、20日、30日(无30日的月份为月末). */
export function describeRule(rule: ScheduleRule): string {
  const only = 'months' in rule && rule.months ? `（仅${rule.months.join('、')}月）` : '';
  switch (rule.kind) {
    case 'days-of-month': {
      const days = rule.days.map((d) => `${d}日`).join('、');
      const last = rule.days.some((d) => d > 28) ? '（当月无该日的，为月末）' : '';
      return `每月${days}${last}${only}`;
    }
    case 'weekly':
      return `每${WEEKDAY_ZH[rule.weekday]}${only}`;
    case 'daily':
      return `${rule.on === 'calendar-days' ? '每天（自然日）' : '每个工作日'}${only}`;
    case 'quarterly':
      return `每季度第${rule.month}个月${rule.day}日${rule.day > 28 ? '（当月无该日的，为月末）' : ''}`;
  }
}

const levelsList = z
  .array(z.enum(REPORTING_LEVELS))
  .min(1, '至少一个层级')
  .refine((l) => new Set(l).size === l.length, { message: '层级不应重复' });

const byLevelSchema = z
  // partialRecord: a plan overrides the rule for some levels only (z.record with enum keys would demand all).
  .partialRecord(z.enum(REPORTING_LEVELS), z.object({ rule: ScheduleRuleSchema, dueTime: dueTime.optional() }).strict())
  .optional();

// ---------------------------------------------------------------------------------------------
// The legacy single block, and streams

/** 报告时间表 as plans wrote it before streams: one block, normalised to the legacy stream. */
export const ReportingSchema = z
  .object({
    rule: ScheduleRuleSchema,
    start: localDate,
    /** A date, or a phase whose deadline ends the schedule; default: the last phase's deadline. */
    end: dateOrPhase.optional(),
    /** Time of day the report is due on its due date; 24:00 is the end of the day. */
    dueTime: dueTime.default('24:00'),
    /** 节假日顺延: a due date on a non-working day moves to the next working day. */
    shift: z.enum(SHIFT_RULES).default('next-working-day'),
    /** Which levels submit reports. */
    levels: levelsList.default(['county', 'town']),
    byLevel: byLevelSchema,
  })
  .strict();
export type LegacyReporting = z.infer<typeof ReportingSchema>;

/** One named stream. */
export const StreamSchema = z
  .object({
    /** In period keys (`<key>:<date>`), escalation ids and circulars: choose once, never rename a running one. */
    key: dataKey('报送键'),
    /** 旬报, 月调度, 季通报, 日报, 周督查 … */
    name: z.string().trim().min(1, '名称不能为空'),
    rule: ScheduleRuleSchema,
    /** Levels whose units submit (or, for a stream without reports, are ranked in its circulars). */
    levels: levelsList,
    /** A date, or `{phase}`: that phase's start. */
    start: dateOrPhase,
    /** A date, or `{phase}`: that phase's last day; default the last phase's. */
    end: dateOrPhase.optional(),
    dueTime: dueTime.default('24:00'),
    /** 节假日顺延 or not; default next-working-day, except daily on calendar days (never shifted). */
    shift: z.enum(SHIFT_RULES).optional(),
    /** Whether each period's close drafts a 通报 ranking the units of the stream's top level. */
    circulars: z.boolean().default(false),
    /** Whether units submit a report each period; false: the stream only times circulars (季通报 on figures already reported). */
    reports: z.boolean().default(true),
    /** This stream's missed-report ladder; default the plan's `escalation.ladder`. */
    ladder: LadderSchema.optional(),
    byLevel: byLevelSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.reports && !s.circulars) ctx.addIssue({ code: 'custom', path: ['reports'], message: '既不收报表也不起草通报的报送安排没有任何作用' });
    if (!s.reports && s.ladder) ctx.addIssue({ code: 'custom', path: ['ladder'], message: '不收报表（reports: false）的安排不会逾期，不应设置督办阶梯' });
    if (s.rule.kind === 'daily' && s.rule.on === 'calendar-days' && s.shift === 'next-working-day') {
      ctx.addIssue({ code: 'custom', path: ['shift'], message: '按自然日每日报送的日期不顺延，请写 shift: none 或省略' });
    }
  });
export type StreamSpec = z.infer<typeof StreamSchema>;

/** The plan's `reporting` field: a list of streams, or the legacy single block. */
export const ReportingFieldSchema = z.union([
  z
    .array(StreamSchema)
    .min(1, '至少一项报送安排')
    .superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((s, i) => {
        const prior = seen.get(s.key);
        if (prior !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `报送键 ${s.key} 与 reporting[${prior}] 重复` });
        seen.set(s.key, i);
      });
    }),
  ReportingSchema,
]);
/** The plan's reporting as written: streams, or the legacy block. Normalise with `reportingStreams`. */
export type Reporting = z.infer<typeof ReportingFieldSchema>;

/** Key and name of the stream a legacy block becomes. */
export const LEGACY_STREAM_KEY = 'reports';
export const LEGACY_STREAM_NAME = '统计报表';

/** A stream with every default decided: what schedules, reach and escalation work from. */
export interface ReportingStream {
  key: string;
  name: string;
  rule: ScheduleRule;
  levels: ReportingLevel[];
  byLevel: Partial<Record<ReportingLevel, { rule: ScheduleRule; dueTime?: string }>>;
  start: DateOrPhase;
  /** null: the last phase's deadline. */
  end: DateOrPhase | null;
  dueTime: string;
  shift: ShiftRule;
  circulars: boolean;
  reports: boolean;
  /** The stream's own ladder; null: the plan's `escalation.ladder`. */
  ladder: Ladder | null;
  /** Written as the single legacy block: period keys are bare dates. */
  legacy: boolean;
  /** Where the stream is written, for errors: `reporting` or `reporting[2]`. */
  path: string;
}

function fromLegacy(r: LegacyReporting): ReportingStream {
  return {
    key: LEGACY_STREAM_KEY,
    name: LEGACY_STREAM_NAME,
    rule: r.rule,
    levels: [...r.levels],
    byLevel: { ...(r.byLevel ?? {}) },
    start: r.start,
    end: r.end ?? null,
    dueTime: r.dueTime,
    shift: r.shift,
    // The campaign has always drafted a 通报 at each period's close.
    circulars: true,
    reports: true,
    ladder: null,
    legacy: true,
    path: 'reporting',
  };
}

function fromSpec(s: StreamSpec, i: number): ReportingStream {
  const calendarDays = s.rule.kind === 'daily' && s.rule.on === 'calendar-days';
  return {
    key: s.key,
    name: s.name,
    rule: s.rule,
    levels: [...s.levels],
    byLevel: { ...(s.byLevel ?? {}) },
    start: s.start,
    end: s.end ?? null,
    dueTime: s.dueTime,
    shift: s.shift ?? (calendarDays ? 'none' : 'next-working-day'),
    circulars: s.circulars,
    reports: s.reports,
    ladder: s.ladder ?? null,
    legacy: false,
    path: `reporting[${i}]`,
  };
}

/** The plan's streams, normalised; [] without reporting. See the file header for the legacy form. */
export function reportingStreams(plan: { reporting?: Reporting | null }): ReportingStream[] {
  return normaliseReporting(plan.reporting);
}

export function normaliseReporting(reporting: Reporting | ReportingStream | null | undefined): ReportingStream[] {
  if (!reporting) return [];
  if (Array.isArray(reporting)) return reporting.map(fromSpec);
  if ('legacy' in reporting) return [reporting];
  return [fromLegacy(reporting)];
}

/** One stream by key; the only (or first) stream when no key is given. */
export function streamOf(reporting: Reporting | ReportingStream | null | undefined, key?: string): ReportingStream | null {
  const streams = normaliseReporting(reporting);
  if (key === undefined) return streams[0] ?? null;
  return streams.find((s) => s.key === key) ?? null;
}

/** The rule and due time that apply to a level; null when the level does not report in this stream. */
export function streamRuleFor(stream: ReportingStream, level: RegionLevel): { rule: ScheduleRule; dueTime: string } | null {
  if (!(stream.levels as readonly string[]).includes(level)) return null;
  const override = stream.byLevel[level as ReportingLevel];
  return { rule: override?.rule ?? stream.rule, dueTime: override?.dueTime ?? stream.dueTime };
}

/** A period's key: the raw date for the legacy stream (keys of running campaigns), else `<stream>:<raw date>`. */
export function periodKey(stream: Pick<ReportingStream, 'key' | 'legacy'>, rawDate: string): string {
  return stream.legacy ? rawDate : `${stream.key}:${rawDate}`;
}

/** The stream and raw date of a period key; a bare date belongs to the legacy stream. */
export function parsePeriodKey(key: string): { stream: string; rawDate: string } {
  const i = key.lastIndexOf(':');
  return i < 0 ? { stream: LEGACY_STREAM_KEY, rawDate: key } : { stream: key.slice(0, i), rawDate: key.slice(i + 1) };
}

/** The ladder a stream's missed reports climb: its own, else the plan's; null when neither exists. */
export function streamLadder(stream: ReportingStream, escalation: Escalation | null | undefined): Ladder | null {
  if (!stream.reports) return null;
  return stream.ladder ?? escalation?.ladder ?? null;
}

// ---------------------------------------------------------------------------------------------
// Who reports, and which units run as workflows

/**
 * Temporal refuses to start more than 2,000 pending child workflows from one parent (the server's
 * `limit.numPendingChildExecutions.error`, default 2,000), and every child start also grows the
 * parent's history (each is several events; a history is capped at 51,200 events / 50 MB). So no unit,
 * and not the campaign itself, may parent more than 2,000 workflows.
 *
 * How a country-sized programme is laid out under it (~2,850 counties, ~38,000 towns, ~490,000
 * villages): one campaign per province (or per city), never one for the country. A province campaign
 * parents ~100 county workflows, each county its ~15 towns (≈1,600 workflows in all); villages stay
 * rows unless they report, and then each town parents its own villages (tens, at most a few hundred).
 * A province with more than 2,000 counties under one parent cannot exist; a city whose villages report
 * directly under the campaign (no town workflows) is refused here once it passes 2,000.
 */
export const MAX_CHILD_WORKFLOWS = 2_000;

/** What the reach helpers need of a plan. */
export type ReachPlan = PlanTree & { reporting?: Reporting | null; escalation?: Escalation | null };

export interface StreamReach {
  key: string;
  name: string;
  reports: boolean;
  circulars: boolean;
  /** Units per level, in the stream's order; a level with no unit has count 0. */
  levels: Array<{ level: ReportingLevel; count: number }>;
  total: number;
  /** The level its circulars rank: the highest of its levels that has units. */
  circularLevel: ReportingLevel | null;
}

export interface UnitRole {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string;
  path: string;
  /** Streams in which this unit submits reports. */
  streams: string[];
  /** Judged on pace and targets (it reports, or its level is in `escalation.pace.levels`). */
  judged: boolean;
  /** Runs as a unit workflow (reports or is judged); otherwise a row. */
  workflow: boolean;
  /** The workflow that starts it: the nearest ancestor that is a workflow, else the campaign (the plan's region code). */
  workflowParent: string | null;
}

export interface WorkflowLayout {
  streams: StreamReach[];
  /** Every unit of the breakdown, depth first. */
  units: UnitRole[];
  /** Unit workflows (the campaign's own workflow not counted). */
  workflowCount: number;
  /** Workflow children per parent code (the plan's region code is the campaign). */
  children: Record<string, number>;
  /** The parent with the most workflow children. */
  largest: { code: string; name: string; count: number } | null;
}

/** Per stream who reports, and which units must run as workflows, and under which parent. */
export function workflowLayout(plan: ReachPlan): WorkflowLayout {
  const units = breakdownUnits(plan);
  const streams = reportingStreams(plan);
  const perLevel = new Map<RegionLevel, number>();
  for (const u of units) perLevel.set(u.level, (perLevel.get(u.level) ?? 0) + 1);

  const reach: StreamReach[] = streams.map((s) => {
    const levels = s.levels.map((level) => ({ level, count: perLevel.get(level) ?? 0 }));
    const present = levels.filter((l) => l.count > 0).map((l) => l.level);
    const circularLevel = present.length ? present.reduce((a, b) => (LEVEL_RANK[a] <= LEVEL_RANK[b] ? a : b)) : null;
    return { key: s.key, name: s.name, reports: s.reports, circulars: s.circulars, levels, total: levels.reduce((a, l) => a + l.count, 0), circularLevel };
  });

  const judgedLevels = new Set<RegionLevel>(plan.escalation?.pace?.levels ?? []);
  const oldLayout = streams.every((s) => s.legacy);
  const roles: UnitRole[] = [];
  const byCode = new Map<string, UnitRole>();
  for (const u of units) {
    const own = streams.filter((s) => s.reports && (s.levels as readonly string[]).includes(u.level)).map((s) => s.key);
    // Pace is judged where there is an escalation block: on units that report, and on the levels it names.
    const judged = plan.escalation ? own.length > 0 || judgedLevels.has(u.level) : false;
    // A plan without streams (no reporting, or the single block written before streams) keeps the
    // layout every plan had: all its counties and towns run as workflows that follow the phases, plus
    // any other unit that reports. With streams, exactly the units that report or are judged do.
    const workflow = (oldLayout && WORKFLOW_LEVELS.includes(u.level)) || own.length > 0 || judged;
    const role: UnitRole = { code: u.code, name: u.name, level: u.level, parentCode: u.parentCode, path: u.path, streams: own, judged, workflow, workflowParent: null };
    roles.push(role);
    byCode.set(u.code, role);
  }
  const children: Record<string, number> = {};
  for (const [i, role] of roles.entries()) {
    if (!role.workflow) continue;
    const parent = units[i].ancestors.find((code) => byCode.get(code)?.workflow) ?? plan.region.code;
    role.workflowParent = parent;
    children[parent] = (children[parent] ?? 0) + 1;
  }
  let largest: WorkflowLayout['largest'] = null;
  for (const [code, count] of Object.entries(children)) {
    if (largest && count <= largest.count) continue;
    largest = { code, name: code === plan.region.code ? plan.region.name : byCode.get(code)!.name, count };
  }
  return { streams: reach, units: roles, workflowCount: roles.filter((r) => r.workflow).length, children, largest };
}

/** The units that submit reports in one stream, with their level. */
export function streamUnits(plan: ReachPlan, streamKey: string): Array<{ code: string; name: string; level: RegionLevel }> {
  return workflowLayout(plan)
    .units.filter((u) => u.streams.includes(streamKey))
    .map(({ code, name, level }) => ({ code, name, level }));
}

/**
 * The plan-level checks of streams (the schema has checked each field): levels below the plan's
 * region and present in the breakdown, overrides only for levels that report, phases that exist, an
 * end not before the start, and no parent over Temporal's child limit.
 */
export function checkStreams(plan: ReachPlan, phaseKeys: ReadonlySet<string>, errors: Issue[]): void {
  const units = breakdownUnits(plan);
  const present = new Set(units.map((u) => u.level));
  for (const s of reportingStreams(plan)) {
    // The legacy block's levels default to county and town whatever the region: only a block that
    // reaches nobody at all is refused (below). A stream names its levels, each of which must exist.
    if (!s.legacy) s.levels.forEach((level, j) => {
      if (!isBelow(level, plan.region.level)) {
        errors.push({ path: `${s.path}.levels[${j}]`, message: `${plan.region.name}为${LEVEL_ZH[plan.region.level]}级区域，${LEVEL_ZH[level]}级不在其下，不能报送` });
      } else if (!present.has(level)) {
        errors.push({ path: `${s.path}.levels[${j}]`, message: `任务分解中没有${LEVEL_ZH[level]}级单位，「${s.name}」在该层级无人报送` });
      }
    });
    if (!s.levels.some((l) => present.has(l) && isBelow(l, plan.region.level))) {
      // The legacy default (county and town) under a street reaches nobody: say so rather than run silently.
      errors.push({ path: `${s.path}.levels`, message: `「${s.name}」的报送层级（${s.levels.map((l) => LEVEL_ZH[l]).join('、')}）在任务分解中没有任何单位，请按分解的层级填写` });
    }
    for (const level of Object.keys(s.byLevel) as ReportingLevel[]) {
      if (!s.levels.includes(level)) errors.push({ path: `${s.path}.byLevel.${level}`, message: `${LEVEL_ZH[level]}级不在 levels 中，单独设置的规则不会生效` });
    }
    for (const [field, value] of [['start', s.start], ['end', s.end]] as const) {
      if (value && typeof value === 'object' && !phaseKeys.has(value.phase)) errors.push({ path: `${s.path}.${field}.phase`, message: `没有键为 ${value.phase} 的阶段` });
    }
    if (typeof s.start === 'string' && typeof s.end === 'string' && s.end < s.start) {
      errors.push({ path: `${s.path}.end`, message: `结束日期 ${s.end} 早于开始日期 ${s.start}` });
    }
  }
  const pace = plan.escalation?.pace;
  const streamKeys = new Set(reportingStreams(plan).map((s) => s.key));
  pace?.streams?.forEach((k, i) => {
    if (!streamKeys.has(k)) errors.push({ path: `escalation.pace.streams[${i}]`, message: `没有键为 ${k} 的报送安排` });
  });
  pace?.levels?.forEach((level, i) => {
    if (!isBelow(level, plan.region.level) || !present.has(level)) errors.push({ path: `escalation.pace.levels[${i}]`, message: `任务分解中${plan.region.name}之下没有${LEVEL_ZH[level]}级单位` });
  });
}

/** No workflow (the campaign included) may parent more than MAX_CHILD_WORKFLOWS workflows. */
export function checkWorkflowLimit(plan: ReachPlan, errors: Issue[]): void {
  const layout = workflowLayout(plan);
  const pathOf = new Map(layout.units.map((u) => [u.code, u.path]));
  for (const [code, n] of Object.entries(layout.children)) {
    if (n <= MAX_CHILD_WORKFLOWS) continue;
    const name = code === plan.region.code ? plan.region.name : layout.units.find((u) => u.code === code)!.name;
    errors.push({
      path: code === plan.region.code ? 'breakdown' : `${pathOf.get(code)}.children`,
      message: `${name}（${code}）下有 ${n.toLocaleString('en-US')} 个单位须以工作流运行（报送或被督办），超过 Temporal 单个父工作流 ${MAX_CHILD_WORKFLOWS.toLocaleString('en-US')} 个子工作流的上限。请让更低层级不报送、作为数据行汇总，或由其上级单位逐级分担，或按省、市分别发起活动。`,
    });
  }
}

export const LEVEL_ZH: Readonly<Record<RegionLevel, string>> = { province: '省', city: '市', county: '县（区）', town: '镇（街道）', village: '村（社区）' };
