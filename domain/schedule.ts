// Report schedules: a stream's rule turned into dated periods per level, each with its due date moved
// past holidays (节假日顺延) by the working-day calendar, and its due instant in the plan's time zone.
// Pure: the calendar is data passed in; no clock, no I/O.
import {
  dayInfo,
  dayLabel,
  nextWorkingDay,
  rangeLabel,
  unknownYearNote,
  unknownYears,
  weekdayOf,
  type Bilingual,
  type DayInfo,
  type WorkingCalendar,
} from './calendar';
import type { Plan, ResolvedPhase } from './plan';
import { missingYearWarnings, type ScheduleWarning } from './calendar';

export { missingYearWarnings, type ScheduleWarning };
import { paceCheckStreams } from './escalation';
import type { Escalation } from './ladder';
import { flattenBreakdown, LEVEL_RANK } from './regions';
import type { RegionLevel } from './status';
import {
  REPORTING_LEVELS,
  normaliseReporting,
  periodKey,
  streamOf,
  streamRuleFor,
  type LegacyReporting,
  type Reporting,
  type ReportingLevel,
  type ReportingStream,
  type ScheduleRule,
  type ShiftRule,
  workflowLayout,
} from './streams';
import { addDaysLocal, dueInstant, localDateOf, parseLocal } from './time';

export { dueInstant, isLate } from './time';

/**
 * The rule and due time that apply to a level of the legacy block (or of one stream); null when the
 * level does not report. Kept for callers written before streams: see `streamRuleFor`.
 */
export function reportingFor(reporting: Reporting | ReportingStream, level: RegionLevel): { rule: ScheduleRule; dueTime: string } | null {
  const stream = streamOf(reporting);
  return stream ? streamRuleFor(stream, level) : null;
}

export interface ScheduledPeriod {
  /** The raw date (legacy stream) or `<stream>:<raw date>`: stable when a calendar correction moves the due date. */
  key: string;
  /** 1-based position in the schedule. */
  seq: number;
  rawDate: string;
  dueDate: string;
  /** Epoch ms: dueDate at dueTime in the plan's zone; 24:00 is the end of the day. */
  dueAt: number;
  shifted: boolean;
  reason: Bilingual | null;
  /** Whether every year between the raw and the due date has a notice on file. */
  calendarKnown: boolean;
}


export interface LevelSchedule {
  /** The stream's key (`reports` for the legacy block). */
  stream: string;
  level: ReportingLevel;
  rule: ScheduleRule;
  dueTime: string;
  periods: ScheduledPeriod[];
  warnings: ScheduleWarning[];
}

export interface PhaseBounds {
  key: string;
  startAt: number;
  deadlineAt: number;
}

function phaseOf(phases: readonly PhaseBounds[], key: string | undefined): PhaseBounds {
  const phase = key === undefined ? phases[phases.length - 1] : phases.find((p) => p.key === key);
  if (!phase) throw new RangeError(key === undefined ? '没有阶段 / no phases' : `没有键为 ${key} 的阶段 / no phase ${key}`);
  return phase;
}

/**
 * The last date of a schedule: a date as given, or the last day inside a phase (a bare-date deadline
 * is the end of that day, i.e. the next day's 00:00, hence the 1 ms step back); by default the last phase's.
 */
export function scheduleEndDate(reporting: LegacyReporting | ReportingStream, phases: readonly PhaseBounds[], timeZone: string): string {
  const end = reporting.end ?? undefined;
  if (typeof end === 'string') return end;
  return localDateOf(phaseOf(phases, end?.phase).deadlineAt - 1, timeZone);
}

/** The first and last date of a stream: `{phase}` as a start is that phase's first day. */
export function streamSpan(stream: ReportingStream, phases: readonly PhaseBounds[], timeZone: string): { start: string; end: string } {
  const start = typeof stream.start === 'string' ? stream.start : localDateOf(phaseOf(phases, stream.start.phase).startAt, timeZone);
  return { start, end: scheduleEndDate(stream, phases, timeZone) };
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Each month's given days; a month without the day uses its last day, and days that collapse count once. */
function daysOfMonthDates(days: readonly number[], start: string, end: string, onlyMonths?: readonly number[]): string[] {
  const s = parseLocal(start)!;
  const e = parseLocal(end)!;
  const out = new Set<string>();
  for (let y = s.year, m = s.month; y * 12 + m <= e.year * 12 + e.month; ) {
    if (!onlyMonths || onlyMonths.includes(m)) {
      const last = lastDayOfMonth(y, m);
      for (const d of days) {
        const date = `${y}-${pad(m)}-${pad(Math.min(d, last))}`;
        if (date >= start && date <= end) out.add(date);
      }
    }
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return [...out].sort();
}

function weeklyDates(weekday: number, start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = addDaysLocal(start, (weekday - weekdayOf(start) + 7) % 7); d <= end; d = addDaysLocal(d, 7)) out.push(d);
  return out;
}

function everyDate(start: string, end: string, keep: (date: string) => boolean): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDaysLocal(d, 1)) if (keep(d)) out.push(d);
  return out;
}

const monthOf = (date: string) => Number(date.slice(5, 7));
const inMonths = (onlyMonths: readonly number[] | undefined) => (date: string) => !onlyMonths || onlyMonths.includes(monthOf(date));

/** The raw (unshifted) dates of a rule between two dates, inclusive. */
export function rawDates(rule: ScheduleRule, start: string, end: string, calendar: WorkingCalendar): string[] {
  if (end < start) return [];
  switch (rule.kind) {
    case 'days-of-month':
      return daysOfMonthDates(rule.days, start, end, rule.months);
    case 'weekly':
      return weeklyDates(rule.weekday, start, end).filter(inMonths(rule.months));
    case 'daily': {
      const months = inMonths(rule.months);
      // Calendar days: every date. Working days: already working, so nothing to shift.
      if (rule.on === 'calendar-days') return everyDate(start, end, months);
      return everyDate(start, end, (d) => months(d) && dayInfo(calendar, d).working);
    }
    case 'quarterly':
      // The quarter's months are 1-3, 4-6, 7-9, 10-12; `month` picks the first, second or third of them.
      return daysOfMonthDates([rule.day], start, end, [rule.month, rule.month + 3, rule.month + 6, rule.month + 9]);
  }
}

function period(
  key: string,
  rawDate: string,
  seq: number,
  shift: ShiftRule,
  dueTime: string,
  timeZone: string,
  calendar: WorkingCalendar,
): ScheduledPeriod {
  const moved = shift === 'next-working-day' ? nextWorkingDay(calendar, rawDate) : null;
  const dueDate = moved?.date ?? rawDate;
  return {
    key,
    seq,
    rawDate,
    dueDate,
    dueAt: dueInstant(dueDate, dueTime, timeZone),
    shifted: moved?.shifted ?? false,
    reason: moved?.explanation ?? null,
    calendarKnown: unknownYears(calendar, rawDate, dueDate).length === 0,
  };
}


export interface StreamScheduleInput {
  stream: ReportingStream;
  level: RegionLevel;
  timeZone: string;
  phases: readonly PhaseBounds[];
  calendar: WorkingCalendar;
}

/**
 * A level's schedule in one stream; null when the level is not one of the stream's. Two raw dates may
 * share a due date (two periods). A stream without reports still has periods: they time its circulars.
 */
export function computeStreamSchedule({ stream, level, timeZone, phases, calendar }: StreamScheduleInput): LevelSchedule | null {
  const applies = streamRuleFor(stream, level);
  if (!applies) return null;
  const { rule, dueTime } = applies;
  const { start, end } = streamSpan(stream, phases, timeZone);
  const periods = rawDates(rule, start, end, calendar).map((raw, i) =>
    period(periodKey(stream, raw), raw, i + 1, stream.shift, dueTime, timeZone, calendar),
  );
  // Years touched: the whole span for the working-day decisions, plus any due date shifted past the end.
  const lastDue = periods.reduce((max, p) => (p.dueDate > max ? p.dueDate : max), end);
  const warnings = end < start ? [] : missingYearWarnings(calendar, start, lastDue);
  return { stream: stream.key, level: level as ReportingLevel, rule, dueTime, periods, warnings };
}

export interface ScheduleInput {
  reporting: Reporting | ReportingStream;
  level: RegionLevel;
  timeZone: string;
  phases: readonly PhaseBounds[];
  calendar: WorkingCalendar;
  /** The stream's key; default the only (legacy) or first stream. */
  stream?: string;
}

/** A level's report schedule in the plan's (first, or named) stream; null when the level does not report there. */
export function computeSchedule({ reporting, stream: key, ...rest }: ScheduleInput): LevelSchedule | null {
  const stream = streamOf(reporting, key);
  return stream ? computeStreamSchedule({ stream, ...rest }) : null;
}

/** A unit's schedules: one per stream in which its level submits reports, in the plan's order. */
export function unitSchedules(input: Omit<ScheduleInput, 'stream'>): LevelSchedule[] {
  const { reporting, ...rest } = input;
  const out: LevelSchedule[] = [];
  for (const stream of normaliseReporting(reporting)) {
    if (!stream.reports) continue;
    const s = computeStreamSchedule({ stream, ...rest });
    if (s) out.push(s);
  }
  return out;
}

/**
 * A unit judged on pace without reporting itself (`escalation.pace.levels`: the towns over reporting
 * villages) is checked at the due instants of the pace-check streams at the nearest level below it that
 * reports in them; its figures are its children's. One check per instant, keyed `check:<period key>`.
 * None for a level not named in `pace.levels`.
 */
export function paceCheckInstants(input: Omit<ScheduleInput, 'stream'> & { escalation: Escalation | null | undefined }): Array<{ key: string; at: number }> {
  const { escalation, reporting, level, ...rest } = input;
  if (!escalation?.pace?.levels?.includes(level as ReportingLevel)) return [];
  const seen = new Map<number, string>();
  for (const stream of paceCheckStreams({ reporting: reporting as Reporting, escalation })) {
    const below = stream.levels.filter((l) => LEVEL_RANK[l] > LEVEL_RANK[level]).sort((a, b) => LEVEL_RANK[a] - LEVEL_RANK[b])[0];
    if (!below) continue;
    const schedule = computeStreamSchedule({ stream, level: below, ...rest });
    for (const p of schedule?.periods ?? []) if (!seen.has(p.dueAt)) seen.set(p.dueAt, `check:${p.key}`);
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([at, key]) => ({ key, at }));
}

export interface CircularSchedule {
  stream: string;
  name: string;
  /** The level its 通报 ranks: the highest of the stream's levels that has units. */
  level: ReportingLevel;
  periods: ScheduledPeriod[];
}

/**
 * The campaign's 通报: per stream that drafts circulars, a draft at each period's due instant of the
 * level it ranks (for the legacy block with its default levels: the counties of a city plan, as before).
 */
export function circularSchedules(
  plan: Pick<Plan, 'reporting' | 'timeZone' | 'region' | 'breakdown' | 'targets'>,
  phases: readonly PhaseBounds[],
  calendar: WorkingCalendar,
): CircularSchedule[] {
  const reach = new Map(workflowLayout(plan).streams.map((r) => [r.key, r]));
  const out: CircularSchedule[] = [];
  for (const stream of normaliseReporting(plan.reporting)) {
    const level = reach.get(stream.key)?.circularLevel;
    if (!stream.circulars || !level) continue;
    const s = computeStreamSchedule({ stream, level, timeZone: plan.timeZone, phases, calendar });
    if (s) out.push({ stream: stream.key, name: stream.name, level, periods: s.periods });
  }
  return out;
}

export interface PhasePreview {
  key: string;
  nameZh: string;
  nameEn: string;
  deadlineAt: number;
  /** The last day inside the phase. */
  deadlineDate: string;
  day: DayInfo;
  /** Why the deadline day deserves a look (holiday, weekend, make-up day, unknown year); phases are never shifted. */
  note: Bilingual | null;
}

function deadlineNote(calendar: WorkingCalendar, day: DayInfo): Bilingual | null {
  const label = dayLabel(day.date);
  const notes: Bilingual[] = [];
  if (day.kind === 'holiday' && day.holiday) {
    const range = rangeLabel(day.holiday.from, day.holiday.to);
    notes.push({
      en: `deadline ${label.en} falls in the ${day.holiday.en} holiday (${range.en}); phase deadlines are not shifted`,
      zh: `截止日${label.zh}适逢${day.holiday.zh}假期（${range.zh}），阶段截止不顺延`,
    });
  } else if (day.kind === 'weekend') {
    notes.push({
      en: `deadline ${label.en} is a weekend day; phase deadlines are not shifted`,
      zh: `截止日${label.zh}为周末，阶段截止不顺延`,
    });
  } else if (day.kind === 'makeup') {
    notes.push({ en: `deadline ${label.en} is a make-up working day`, zh: `截止日${label.zh}为调休上班日` });
  }
  if (!day.yearKnown) notes.push(unknownYearNote(calendar, Number(day.date.slice(0, 4))));
  if (notes.length === 0) return null;
  return { en: notes.map((n) => n.en).join('; '), zh: notes.map((n) => n.zh).join('；') };
}

/** Each phase's deadline day on the calendar, with a note when it deserves a look. */
export function phasePreviews(plan: Pick<Plan, 'timeZone'>, phases: readonly ResolvedPhase[], calendar: WorkingCalendar): PhasePreview[] {
  return phases.map((p): PhasePreview => {
    const deadlineDate = localDateOf(p.deadlineAt - 1, plan.timeZone);
    const day = dayInfo(calendar, deadlineDate);
    return { key: p.key, nameZh: p.nameZh, nameEn: p.nameEn, deadlineAt: p.deadlineAt, deadlineDate, day, note: deadlineNote(calendar, day) };
  });
}

export interface ReportingPreview {
  phases: PhasePreview[];
  /** Every stream's schedule per level present in the breakdown (streams in plan order, levels top down). */
  levels: Array<Omit<LevelSchedule, 'warnings'>>;
  warnings: ScheduleWarning[];
}

/** Every schedule of every stream, per level the breakdown has, top level first. */
export function planSchedules(plan: Pick<Plan, 'reporting' | 'timeZone' | 'region' | 'breakdown'>, phases: readonly PhaseBounds[], calendar: WorkingCalendar): LevelSchedule[] {
  const present = new Set(flattenBreakdown(plan).map((n) => n.level));
  const out: LevelSchedule[] = [];
  for (const stream of normaliseReporting(plan.reporting)) {
    for (const level of REPORTING_LEVELS) {
      if (!present.has(level)) continue;
      const s = computeStreamSchedule({ stream, level, timeZone: plan.timeZone, phases, calendar });
      if (s) out.push(s);
    }
  }
  return out;
}

/** What a plan's dates mean on the calendar, for the launch preview: phase deadlines and each stream's schedule per level. */
export function previewReporting(plan: Plan, phases: readonly ResolvedPhase[], calendar: WorkingCalendar): ReportingPreview {
  const levels: ReportingPreview['levels'] = [];
  const warnings = new Map<number, ScheduleWarning>();
  for (const { warnings: own, ...schedule } of planSchedules(plan, phases, calendar)) {
    levels.push(schedule);
    for (const w of own) warnings.set(w.year, w);
  }
  return { phases: phasePreviews(plan, phases, calendar), levels, warnings: [...warnings.values()].sort((a, b) => a.year - b.year) };
}
