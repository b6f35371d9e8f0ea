// Escalation rules: when each rung of the missed-report ladder falls due, what pace a unit is expected
// to keep, and the plain-language reason recorded with every escalation. Pure: safe in workflow code.
import { addWorkingDays, type WorkingCalendar } from './calendar';
import type { Escalation, Ladder, NotifyTarget } from './plan';
import { dueInstant } from './schedule';
import { formatDueLocal, localToInstant } from './time';

export const ESCALATION_TRACKS = ['missed-report', 'behind-pace'] as const;
export type EscalationTrack = (typeof ESCALATION_TRACKS)[number];

export interface Text {
  zh: string;
  en: string;
}

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

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const num = (n: number) => n.toLocaleString('en-US');

export function missedReason(input: {
  periodKey: string;
  dueAt: number;
  shiftReason: Text | null;
  timeZone: string;
  rungName: string;
  delayWorkingDays: number;
  rungDate: string;
}): Text {
  const due = formatDueLocal(input.dueAt, input.timeZone);
  const shiftZh = input.shiftReason ? `(${input.shiftReason.zh})` : '';
  const shiftEn = input.shiftReason ? ` (${input.shiftReason.en})` : '';
  if (input.delayWorkingDays === 0) {
    return {
      zh: `${input.periodKey} 期报表应于 ${due} 前报送${shiftZh},到期未报送,按方案「${input.rungName}」。`,
      en: `The report for period ${input.periodKey} was due by ${due}${shiftEn} and has not arrived: ${input.rungName}.`,
    };
  }
  return {
    zh: `${input.periodKey} 期报表应于 ${due} 前报送${shiftZh},逾期 ${input.delayWorkingDays} 个工作日(至 ${input.rungDate})仍未报送,按方案升级为「${input.rungName}」。`,
    en: `The report for period ${input.periodKey} was due by ${due}${shiftEn}; ${input.delayWorkingDays} working day(s) later (through ${input.rungDate}) it has still not arrived: ${input.rungName}.`,
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

export interface PaceEvaluation {
  behind: boolean;
  metric: 'paying' | 'enrolled';
  target: number;
  actual: number;
  expected: number;
  expectedShare: number;
  actualShare: number;
  margin: number;
  reason: Text;
}

const METRIC_NAME = { paying: { zh: '缴费人数', en: 'paying' }, enrolled: { zh: '参保人数', en: 'enrolled' } } as const;

/** Behind pace: the actual share trails the expected share by more than the margin. No target, no judgement. */
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
  const actualShare = input.actual / input.target;
  const expected = Math.ceil(input.target * input.expectedShare);
  const gap = input.expectedShare - actualShare;
  const behind = gap > input.margin;
  const when = formatDueLocal(input.at, input.timeZone);
  const name = METRIC_NAME[input.metric];
  const reason: Text = behind
    ? {
        zh: `截至 ${when},${name.zh} ${num(input.actual)}(目标 ${num(input.target)} 的 ${pct(actualShare)}),按序时进度应达 ${num(expected)}(${pct(input.expectedShare)}),落后 ${(gap * 100).toFixed(1)} 个百分点,超过允许的 ${(input.margin * 100).toFixed(1)} 个百分点。`,
        en: `As of ${when}, ${name.en} is ${num(input.actual)} (${pct(actualShare)} of the target ${num(input.target)}); the expected pace is ${num(expected)} (${pct(input.expectedShare)}), ${(gap * 100).toFixed(1)} points behind, more than the allowed ${(input.margin * 100).toFixed(1)}.`,
      }
    : {
        zh: `截至 ${when},${name.zh} ${num(input.actual)}(${pct(actualShare)}),序时进度 ${pct(input.expectedShare)},在允许范围内。`,
        en: `As of ${when}, ${name.en} is ${num(input.actual)} (${pct(actualShare)}) against an expected ${pct(input.expectedShare)}: on pace.`,
      };
  return { behind, metric: input.metric, target: input.target, actual: input.actual, expected, expectedShare: input.expectedShare, actualShare, margin: input.margin, reason };
}

export function targetMissedReason(phase: PhaseWindow, evaluation: PaceEvaluation, timeZone: string): Text {
  const name = METRIC_NAME[evaluation.metric];
  const when = formatDueLocal(phase.deadlineAt, timeZone);
  return {
    zh: `阶段「${phase.nameZh}」于 ${when} 截止,${name.zh} ${num(evaluation.actual)},未完成目标 ${num(evaluation.target)}(完成 ${pct(evaluation.actualShare)}),升级一级。`,
    en: `Phase ${phase.key} ended at ${when} with ${name.en} at ${num(evaluation.actual)}, short of the target ${num(evaluation.target)} (${pct(evaluation.actualShare)}): raised one more rung.`,
  };
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
