// Everything the preview must show before launch, from the plan, its resolved phases and the calendar:
// who reports in each stream (counts per level), every due date with its shift reason, the ladders, the
// targets and what is judged, the milestones with their instants, the campaign's end, the policy's
// amounts for a sample person of each category and tier, and every problem worth a look before launch.
// Pure. The one warning that needs the user (the plan's region outside theirs) is `regionOutsideWarning`
// in domain/access.ts; the API adds it.
import { dayInfo, dayLabel, knownYears, unknownYearNote, type WorkingCalendar } from './calendar';
import { judgedMetrics, pacePhase, paceCheckStreams } from './escalation';
import type { Ladder } from './ladder';
import { campaignEndAt, planMilestones, type MilestoneSchedule } from './milestones';
import type { Plan, ResolvedPhase } from './plan';
import { policySamples, resolvePolicy, type PolicySample, type ResolvedPolicy } from './policy';
import { breakdownUnits } from './regions';
import { computeStreamSchedule, phasePreviews, streamSpan, type LevelSchedule, type PhasePreview } from './schedule';
import type { RegionLevel } from './status';
import { describeRule, LEVEL_ZH, reportingStreams, streamLadder, workflowLayout, type StreamReach } from './streams';
import { METRIC_INFO, metricTarget, type Metric, type Targets, type Text } from './targets';
import { localDateOf } from './time';

export const PREVIEW_WARNING_CODES = ['calendar-year-missing', 'stream-reaches-no-unit', 'stream-no-periods', 'deadline-on-holiday', 'region-outside-user'] as const;
export type PreviewWarningCode = (typeof PREVIEW_WARNING_CODES)[number];

export interface PreviewWarning {
  code: PreviewWarningCode;
  /** Where in the plan, when it is about one place (`reporting[1]`, `milestones[0].due`, `phases[0].deadline`). */
  path?: string;
  /** The calendar year, for calendar-year-missing. */
  year?: number;
  message: Text;
}

export interface StreamPreview extends StreamReach {
  legacy: boolean;
  /** The rule in words: 每月10日、20日、30日(当月无该日的,为月末). */
  ruleText: string;
  span: { start: string; end: string };
  dueTime: string;
  shift: 'next-working-day' | 'none';
  /** The missed-report ladder it climbs (its own or the plan's); null when it asks for no reports or there is none. */
  ladder: Ladder | null;
  /** Whether its due instants are pace checks. */
  paceChecks: boolean;
  /** Per level that has units. */
  schedules: Array<Omit<LevelSchedule, 'warnings'>>;
}

export interface TargetsPreview {
  plan: Targets;
  metrics: Array<{ metric: Metric; name: string; judgedUnits: number; withTarget: number; planTarget: number | null }>;
  pacePhase: string | null;
  paceMargin: number | null;
  /** Judged units per level. */
  judgedByLevel: Partial<Record<RegionLevel, number>>;
}

export interface PolicyPreview {
  resolved: ResolvedPolicy;
  samples: PolicySample[];
}

export interface PlanPreviewData {
  phases: PhasePreview[];
  streams: StreamPreview[];
  workflows: { count: number; byLevel: Partial<Record<RegionLevel, number>>; largest: { code: string; name: string; count: number } | null };
  targets: TargetsPreview;
  milestones: MilestoneSchedule[];
  /** The later of the last phase deadline and the last milestone. */
  endAt: number;
  policy: PolicyPreview | null;
  warnings: PreviewWarning[];
}

/** Everything the preview shows for a validated plan (see the file header). */
export function previewPlan(plan: Plan, phases: readonly ResolvedPhase[], calendar: WorkingCalendar): PlanPreviewData {
  const tz = plan.timeZone;
  const warnings: PreviewWarning[] = [];
  const years = new Set<number>();
  const layout = workflowLayout(plan);
  const paceStreams = new Set(plan.escalation ? paceCheckStreams(plan).map((s) => s.key) : []);
  const phaseViews = phasePreviews(plan, phases, calendar);

  const streams: StreamPreview[] = reportingStreams(plan).map((stream, i) => {
    const reach = layout.streams[i];
    const schedules: StreamPreview['schedules'] = [];
    for (const { level, count } of reach.levels) {
      if (count === 0) continue;
      const s = computeStreamSchedule({ stream, level, timeZone: tz, phases, calendar });
      if (!s) continue;
      const { warnings: own, ...schedule } = s;
      schedules.push(schedule);
      for (const w of own) years.add(w.year);
      if (schedule.periods.length === 0) {
        warnings.push({ code: 'stream-no-periods', path: stream.path, message: { zh: `「${stream.name}」在${LEVEL_ZH[level]}级没有任何报送日（检查开始、结束日期和规则）`, en: `"${stream.name}" has no due date for level ${level} (check its start, end and rule)` } });
      }
      const calendarDays = schedule.rule.kind === 'daily' && schedule.rule.on === 'calendar-days';
      const onHoliday = calendarDays ? [] : schedule.periods.filter((p) => dayInfo(calendar, p.dueDate).kind === 'holiday');
      if (onHoliday.length) {
        const dates = onHoliday.map((p) => dayLabel(p.dueDate));
        warnings.push({
          code: 'deadline-on-holiday',
          path: stream.path,
          message: {
            zh: `「${stream.name}」${LEVEL_ZH[level]}级有 ${onHoliday.length} 个报送日适逢节假日且不顺延：${dates.map((d) => d.zh).join('、')}`,
            en: `"${stream.name}" (${level}) has ${onHoliday.length} due date(s) on public holidays, not shifted: ${dates.map((d) => d.en).join(', ')}`,
          },
        });
      }
    }
    if (reach.total === 0) {
      warnings.push({ code: 'stream-reaches-no-unit', path: stream.path, message: { zh: `「${stream.name}」的报送层级在任务分解中没有任何单位`, en: `"${stream.name}" reaches no unit of the breakdown` } });
    }
    return {
      ...reach,
      legacy: stream.legacy,
      ruleText: describeRule(stream.rule),
      span: streamSpan(stream, phases, tz),
      dueTime: stream.dueTime,
      shift: stream.shift,
      ladder: streamLadder(stream, plan.escalation),
      paceChecks: paceStreams.has(stream.key),
      schedules,
    };
  });

  phaseViews.forEach((p, i) => {
    if (p.day.kind !== 'holiday') return;
    warnings.push({ code: 'deadline-on-holiday', path: `phases[${i}].deadline`, message: { zh: `「${p.nameZh}」${p.note?.zh ?? ''}`, en: `${p.nameEn}: ${p.note?.en ?? ''}` } });
  });

  const milestones = planMilestones(plan, calendar);
  milestones.forEach((m, i) => {
    for (const w of m.warnings) years.add(w.year);
    if (m.onHoliday) {
      const d = dayLabel(m.dueDate);
      warnings.push({ code: 'deadline-on-holiday', path: `milestones[${i}].due`, message: { zh: `节点「${m.name}」的截止日${d.zh}适逢节假日，且未设顺延`, en: `milestone "${m.name}" is due on a public holiday, ${d.en}, not shifted` } });
    }
  });
  const endAt = campaignEndAt(plan, phases, calendar);

  // Every year the campaign touches, from its first start to its end, needs its holiday notice.
  const first = Number(localDateOf(phases[0].startAt, tz).slice(0, 4));
  const last = Number(localDateOf(endAt - 1, tz).slice(0, 4));
  const known = new Set(knownYears(calendar));
  for (let y = first; y <= last; y++) if (!known.has(y)) years.add(y);
  for (const year of [...years].sort((a, b) => a - b)) {
    const note = unknownYearNote(calendar, year);
    warnings.unshift({ code: 'calendar-year-missing', year, message: { zh: `${note.zh}；录入该年安排后，${year}年的截止日期可能变化`, en: `${note.en}; due dates in ${year} may change once its calendar is entered` } });
  }
  // Calendar warnings first, in year order.
  warnings.sort((a, b) => (a.code === 'calendar-year-missing' ? 0 : 1) - (b.code === 'calendar-year-missing' ? 0 : 1) || (a.year ?? 0) - (b.year ?? 0));

  const byLevel: Partial<Record<RegionLevel, number>> = {};
  const judgedByLevel: Partial<Record<RegionLevel, number>> = {};
  for (const u of layout.units) {
    if (u.workflow) byLevel[u.level] = (byLevel[u.level] ?? 0) + 1;
    if (u.judged) judgedByLevel[u.level] = (judgedByLevel[u.level] ?? 0) + 1;
  }
  const judged = new Set(layout.units.filter((u) => u.judged).map((u) => u.code));
  const units = breakdownUnits(plan).filter((u) => judged.has(u.code));
  const phase = plan.escalation ? pacePhase(plan.escalation, phases) : undefined;
  const targets: TargetsPreview = {
    plan: plan.targets,
    metrics: plan.escalation
      ? judgedMetrics(plan.escalation).map((metric) => ({
          metric,
          name: METRIC_INFO[metric].zh,
          judgedUnits: units.length,
          withTarget: units.filter((u) => metricTarget(metric, u.targets) !== null).length,
          planTarget: metricTarget(metric, plan.targets),
        }))
      : [],
    pacePhase: phase?.key ?? null,
    paceMargin: plan.escalation?.paceMargin ?? null,
    judgedByLevel,
  };

  let policy: PolicyPreview | null = null;
  if (plan.contributionPolicy) {
    const resolved = resolvePolicy(plan.contributionPolicy, plan.year, { regionLevel: plan.region.level });
    policy = { resolved, samples: policySamples(resolved) };
  }

  return {
    phases: phaseViews,
    streams,
    workflows: { count: layout.workflowCount, byLevel, largest: layout.largest },
    targets,
    milestones,
    endAt,
    policy,
    warnings,
  };
}
