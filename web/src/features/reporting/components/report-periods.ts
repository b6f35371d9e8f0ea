// Which periods a unit may report for, mirroring the workflow's validator: the first period always,
// any later one once the period before it is past. The server still judges.
import type { PeriodView } from '../../../types/api';

/** The live schedule in order (periods withdrawn by a calendar or deadline change are left out). */
export function livePeriods(periods: readonly PeriodView[]): PeriodView[] {
  return periods.filter((p) => p.status !== 'withdrawn').sort((a, b) => a.seq - b.seq);
}

export function isPeriodOpenForReports(periods: readonly PeriodView[], index: number, now: number): boolean {
  return index === 0 || Date.parse(periods[index - 1].dueAt) <= now;
}

/** A period past its due minute with no report yet (the workflow marks it missed at the due instant). */
export function isOverdue(p: PeriodView, now: number): boolean {
  return (p.status === 'missed' || p.status === 'open') && Date.parse(p.dueAt) < now;
}

/**
 * The default period of the report form: the earliest overdue period still unreported (a catch-up
 * report belongs to it, late, and stops its ladder; issue 12), else the earliest open period that has
 * started, else the latest started.
 */
export function defaultPeriodKey(periods: readonly PeriodView[], now: number): string | null {
  const live = livePeriods(periods);
  const started = live.filter((_, i) => isPeriodOpenForReports(live, i, now));
  return (started.find((p) => isOverdue(p, now)) ?? started.find((p) => p.status === 'open') ?? started[started.length - 1] ?? null)?.key ?? null;
}
