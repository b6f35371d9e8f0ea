// Escalation rules: when each rung of the missed-report ladder falls due, what pace a unit is expected
// to keep, and the plain-language reason recorded with every escalation. Pure: safe in workflow code.
import { addWorkingDays, type WorkingCalendar } from './calendar';
import type { Escalation, Ladder, NotifyTarget } from './ladder';
import { parsePeriodKey, reportingStreams, type Reporting, type ReportingStream } from './streams';
import { evaluateMetric, missedTargetText, type Metric, type MetricEvaluation, type Text } from './targets';
import { dueInstant, formatDueLocal, localToInstant } from './time';

export type { Text } from './targets';

export const ESCALATION_TRACKS = ['missed-report', 'behind-pace'] as const;
export type EscalationTrack = (typeof ESCALATION_TRACKS)[number];

export interface PhaseWindow {
  key: string;
  nameZh: string;
  startAt: number;
  deadlineAt: number;
}

/** A rung fires once per unit, track, episode (the period) and rung: this id is the proof. */
export function escalationId(campaignId: string, unitCode: string, track: EscalationTrack, episode: string, rung: string): string {
  return `${campaignId}/${unitCode}/${track}/${episode}/${rung}`;
}

export function paceLadder(escalation: Escalation): Ladder {
  return escalation.paceLadder ?? escalation.ladder;
}

/** Region codes a rung notifies, without repeats (a county's parent may be the city). */
export function notifyCodes(notify: readonly NotifyTarget[], codes: { unit: string; parent: string; city: string }): string[] {
  return [...new Set(notify.map((n) => codes[n]))];
}

/** When rung `delayWorkingDays` of a missed report falls due: that many working days after the due date, at the due time. */
export function missedRungAt(
  calendar: WorkingCalendar,
  period: { dueDate: string; dueAt: number },
  dueTime: string,
  timeZone: string,
  delayWorkingDays: number,
): { at: number; date: string } {
  if (delayWorkingDays === 0) return { at: period.dueAt, date: period.dueDate };
  const date = addWorkingDays(calendar, period.dueDate, delayWorkingDays);
  return { at: dueInstant(date, dueTime, timeZone), date };
}

export function missedReason(input: {
  periodKey: string;
  dueAt: number;
  shiftReason: Text | null;
  timeZone: string;
  rungName: string;
  delayWorkingDays: number;
  rungDate: string;
  /** The stream's name (旬报 …): the period then reads 「旬报」2023-10-10 期 instead of its key. */
  streamName?: string;
}): Text {
  const due = formatDueLocal(input.dueAt, input.timeZone);
  const shiftZh = input.shiftReason ? `（${input.shiftReason.zh}）` : '';
  const shiftEn = input.shiftReason ? ` (${input.shiftReason.en})` : '';
  const raw = parsePeriodKey(input.periodKey).rawDate;
  const periodZh = input.streamName ? `「${input.streamName}」${raw} 期报表` : `${input.periodKey} 期报表`;
  const periodEn = input.streamName ? `The ${input.streamName} report for ${raw}` : `The report for period ${input.periodKey}`;
  if (input.delayWorkingDays === 0) {
    return {
      zh: `${periodZh}应于 ${due} 前报送${shiftZh}，到期未报送，按方案「${input.rungName}」。`,
      en: `${periodEn} was due by ${due}${shiftEn} and has not arrived: ${input.rungName}.`,
    };
  }
  return {
    zh: `${periodZh}应于 ${due} 前报送${shiftZh}，逾期 ${input.delayWorkingDays} 个工作日（至 ${input.rungDate}）仍未报送，按方案升级为「${input.rungName}」。`,
    en: `${periodEn} was due by ${due}${shiftEn}; ${input.delayWorkingDays} working day(s) later (through ${input.rungDate}) it has still not arrived: ${input.rungName}.`,
  };
}

/** The phase over which a unit is expected to reach its target: the plan's choice, else `payment`, else the last. */
export function pacePhase(escalation: Escalation, phases: readonly PhaseWindow[]): PhaseWindow | undefined {
  const wanted = escalation.pace?.phase;
  if (wanted) return phases.find((p) => p.key === wanted);
  return phases.find((p) => p.key === 'payment') ?? phases[phases.length - 1];
}

/**
 * The share of the target expected by `at`: linear from the phase's start (0) to its deadline (1),
 * or through the plan's curve, whose points are the shares expected by the end of their dates.
 */
export function expectedShare(escalation: Escalation, phase: PhaseWindow, timeZone: string, at: number): number {
  const points: Array<[number, number]> = [[phase.startAt, 0]];
  for (const p of escalation.pace?.curve ?? []) points.push([localToInstant(p.date, timeZone, 'deadline'), p.share]);
  if (points[points.length - 1][0] < phase.deadlineAt) points.push([phase.deadlineAt, 1]);
  if (at <= points[0][0]) return 0;
  for (let i = 1; i < points.length; i++) {
    const [t1, s1] = points[i];
    if (at <= t1) {
      const [t0, s0] = points[i - 1];
      return t1 === t0 ? s1 : s0 + ((s1 - s0) * (at - t0)) / (t1 - t0);
    }
  }
  return points[points.length - 1][1];
}

/** A count judged the way plans written before `pace.metrics` judge it (see domain/targets.ts for every metric). */
export type PaceEvaluation = MetricEvaluation & { metric: 'paying' | 'enrolled' };

/**
 * Behind pace on one count (缴费人数 or 参保人数): the actual share trails the expected share by more than
 * the margin. No target, no judgement. Kept for the single-metric `pace.metric`; `evaluateMetric` and
 * `evaluateTargets` judge every metric a plan names.
 */
export function evaluatePace(input: {
  metric: 'paying' | 'enrolled';
  target: number | null | undefined;
  actual: number;
  expectedShare: number;
  margin: number;
  at: number;
  timeZone: string;
}): PaceEvaluation | null {
  if (!input.target) return null;
  const e = evaluateMetric({
    metric: input.metric,
    targets: { [input.metric]: input.target },
    figures: { enrolled: input.actual, paid: input.actual, mobilePaid: 0, amountFen: 0 },
    expectedShare: input.expectedShare,
    margin: input.margin,
    at: input.at,
    timeZone: input.timeZone,
  });
  return e as PaceEvaluation | null;
}

/** The metrics a plan judges: `pace.metrics`, else the single `pace.metric`, else 缴费人数. */
export function judgedMetrics(escalation: Escalation | null | undefined): Metric[] {
  const pace = escalation?.pace;
  return pace?.metrics ? [...pace.metrics] : [pace?.metric ?? 'paying'];
}

/** The streams whose due instants are pace checks: `pace.streams`, else every stream that asks for reports. */
export function paceCheckStreams(plan: { reporting?: Reporting | null; escalation?: Escalation | null }): ReportingStream[] {
  const wanted = plan.escalation?.pace?.streams;
  return reportingStreams(plan).filter((s) => (wanted ? wanted.includes(s.key) : s.reports));
}

/** Why a missed target raises the ladder once more at the phase's deadline: the metric, actual, target and when. */
export function targetMissedReason(phase: PhaseWindow, evaluation: MetricEvaluation, timeZone: string): Text {
  return missedTargetText(evaluation, phase, formatDueLocal(phase.deadlineAt, timeZone));
}

/**
 * The next pace rung may fire at a check once its delay (working days since the lag was first seen)
 * has passed; a missed target at the phase deadline raises it regardless of delay.
 */
export function paceRungReady(
  calendar: WorkingCalendar,
  ladder: Ladder,
  next: number,
  sinceDate: string,
  checkDate: string,
): boolean {
  if (next >= ladder.length) return false;
  const delay = ladder[next].delayWorkingDays;
  return delay === 0 || addWorkingDays(calendar, sinceDate, delay) <= checkDate;
}
