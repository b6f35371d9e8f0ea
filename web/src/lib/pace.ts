// 序时进度 in the console: the share of its target a unit is expected to have reached by a date, by the
// same rule the workflows escalate on (domain/escalation.ts `pacePhase` and `expectedShare`), so that
// a chart's pace line is the line a unit is judged against. And the figures a unit reported, one per
// period (its latest revision), for charts and their tables.
import { expectedShare, pacePhase, type PhaseWindow } from '../../../domain/escalation';
import type { Escalation } from '../../../domain/plan';
import { localToInstant } from '../../../domain/time';
import type { PeriodView, PhaseView, Progress, ReportView, Targets } from '../types/api';
import { ratio } from './format';

/** The plan's pace settings (escalation.pace); absent: linear over the `payment` phase (else the last), on paying. */
export type PaceSettings = Escalation['pace'];

/** What the pace rules read of a plan's escalation block: only `pace`. */
const rules = (pace: PaceSettings) => ({ pace }) as Escalation;

export function phaseWindows(phases: readonly Pick<PhaseView, 'key' | 'nameZh' | 'startAt' | 'deadlineAt'>[]): PhaseWindow[] {
  return phases.map((p) => ({ key: p.key, nameZh: p.nameZh, startAt: Date.parse(p.startAt), deadlineAt: Date.parse(p.deadlineAt) }));
}

export interface Pace {
  /** The phase over which the target is to be reached. */
  phase: PhaseWindow;
  metric: 'paying' | 'enrolled';
  /** The expected share at `at` (0..1). */
  shareAt(at: number): number;
  /** The pace curve's corners, [instant, share], from the phase's start (0) to its deadline (1). */
  corners: Array<[number, number]>;
}

/** The campaign's pace rule, or null when it has no phase to measure over. */
export function paceOf(phases: readonly Pick<PhaseView, 'key' | 'nameZh' | 'startAt' | 'deadlineAt'>[], timeZone: string, pace?: PaceSettings): Pace | null {
  const windows = phaseWindows(phases);
  const phase = pacePhase(rules(pace), windows);
  if (!phase) return null;
  const shareAt = (at: number) => expectedShare(rules(pace), phase, timeZone, at);
  // The curve is straight between its points: its corners are the phase's ends and the plan's dates.
  const instants = new Set<number>([phase.startAt, phase.deadlineAt]);
  for (const p of pace?.curve ?? []) {
    const at = localToInstant(p.date, timeZone, 'deadline');
    if (at > phase.startAt && at < phase.deadlineAt) instants.add(at);
  }
  const corners = [...instants].sort((a, b) => a - b).map((at): [number, number] => [at, shareAt(at)]);
  return { phase, metric: pace?.metric ?? 'paying', shareAt, corners };
}

export interface PeriodFigures {
  period: PeriodView;
  /** The latest revision for the period, or null when none arrived. */
  report: ReportView | null;
}

/**
 * The schedule's periods up to `now` (and any later one already reported), in order, each with the
 * latest revision reported for it. Withdrawn periods are left out.
 */
export function figuresByPeriod(periods: readonly PeriodView[], reports: readonly ReportView[], now: number): PeriodFigures[] {
  const latest = new Map<string, ReportView>();
  for (const r of reports) {
    const seen = latest.get(r.periodKey);
    if (!seen || r.revision > seen.revision) latest.set(r.periodKey, r);
  }
  return periods
    .filter((p) => p.status !== 'withdrawn')
    .sort((a, b) => a.seq - b.seq)
    .filter((p) => Date.parse(p.dueAt) <= now || latest.has(p.key))
    .map((period) => ({ period, report: latest.get(period.key) ?? null }));
}

/** The figure the pace is judged on, from a report or a unit's progress. */
export function paceFigure(metric: 'paying' | 'enrolled', figures: { paid: number; enrolled: number }): number {
  return metric === 'paying' ? figures.paid : figures.enrolled;
}

/** 完成率: paying is what a collection campaign is judged on; enrolment stands in when no paying target is set. */
export function completion(targets: Targets, progress: Progress): number | null {
  return ratio(progress.paid, targets.paying) ?? ratio(progress.enrolled, targets.enrolled);
}
