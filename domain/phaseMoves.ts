// What a phase change moves, before it is made: the console's confirmation shows it, and the API refuses
// a deadline move that would leave days with no phase unless the official accepted that gap. Pure (no
// I/O): instants in epoch milliseconds.
//
// The campaign workflow's rule for a deadline move (workflows/campaign.ts): the phase's deadline takes
// the new instant; when it passes the next phase's start, that start moves to it (the next phase gets
// shorter); when it falls before the next phase's start, nothing else moves and the days between belong
// to no phase (no phase's reminders, reports or escalations run then).

export interface PhaseSpan {
  key: string;
  nameZh: string;
  startAt: number;
  deadlineAt: number;
}

export interface DeadlineMove {
  phase: PhaseSpan;
  from: number;
  to: number;
  /** The next phase, when its start moves (the new deadline passes it). */
  nextStartMoved: { phase: PhaseSpan; from: number; to: number } | null;
  /** Time after the new deadline that belongs to no phase (before the next phase's start), if any. */
  gap: { after: PhaseSpan; before: PhaseSpan; from: number; to: number } | null;
}

/** What moving `phaseKey`'s deadline to `to` changes; null for an unknown phase. Phases in plan order. */
export function deadlineMove(phases: readonly PhaseSpan[], phaseKey: string, to: number): DeadlineMove | null {
  const i = phases.findIndex((p) => p.key === phaseKey);
  if (i < 0) return null;
  const phase = phases[i];
  const next = phases[i + 1];
  const nextStartMoved = next && next.startAt < to ? { phase: next, from: next.startAt, to } : null;
  const gap = next && next.startAt > to ? { after: phase, before: next, from: to, to: next.startAt } : null;
  return { phase, from: phase.deadlineAt, to, nextStartMoved, gap };
}

/** The gap's length in whole days, rounded up (a gap of 1 hour is still one day with no phase on it). */
export function gapDays(gap: { from: number; to: number }): number {
  return Math.ceil((gap.to - gap.from) / 86_400_000);
}
