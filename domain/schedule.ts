// Report schedules: a plan's reporting rule turned into dated periods, each with its due date moved past
// holidays (节假日顺延) by the working-day calendar, and its due instant in the plan's time zone.
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
import {
  REPORTING_LEVELS,
  flattenBreakdown,
  type Plan,
  type Reporting,
  type ReportingLevel,
  type ResolvedPhase,
  type ScheduleRule,
} from './plan';
import type { RegionLevel } from './status';
import { addDaysLocal, localDateOf, localToInstant, parseLocal } from './time';

/** The rule and due time that apply to a level; null when the level does not report. */
export function reportingFor(reporting: Reporting, level: RegionLevel): { rule: ScheduleRule; dueTime: string } | null {
  if (!(reporting.levels as readonly string[]).includes(level)) return null;
  const override = reporting.byLevel?.[level as ReportingLevel];
  return { rule: override?.rule ?? reporting.rule, dueTime: override?.dueTime ?? reporting.dueTime };
}

export interface ScheduledPeriod {
  /** The raw date: stable when a calendar correction moves the due date. */
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

export interface ScheduleWarning {
  code: 'calendar-year-missing';
  year: number;
  message: Bilingual;
}

export interface LevelSchedule {
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

/** The instant a report is due: `dueTime` on `dueDate` in the zone; 24:00 is the next day's 00:00. */
export function dueInstant(dueDate: string, dueTime: string, timeZone: string): number {
  if (dueTime === '24:00') return localToInstant(dueDate, timeZone, 'deadline');
  return localToInstant(`${dueDate}T${dueTime}`, timeZone, 'start');
}

/**
 * The last date of the schedule: a date as given, or the last day inside a phase (a bare-date deadline
 * is the end of that day, i.e. the next day's 00:00, hence the 1 ms step back).
 */
export function scheduleEndDate(reporting: Reporting, phases: readonly PhaseBounds[], timeZone: string): string {
  if (typeof reporting.end === 'string') return reporting.end;
  const key = reporting.end?.phase;
  const phase = key === undefined ? phases[phases.length - 1] : phases.find((p) => p.key === key);
  if (!phase) throw new RangeError(key === undefined ? '没有阶段 / no phases' : `没有键为 ${key} 的阶段 / no phase ${key}`);
  return localDateOf(phase.deadlineAt - 1, timeZone);
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Each month's given days; a month without the day uses its last day, and days that collapse count once. */
function daysOfMonthDates(days: readonly number[], start: string, end: string): string[] {
  const s = parseLocal(start)!;
  const e = parseLocal(end)!;
  const out = new Set<string>();
  for (let y = s.year, m = s.month; y * 12 + m <= e.year * 12 + e.month; ) {
    const last = lastDayOfMonth(y, m);
    for (const d of days) {
      const date = `${y}-${pad(m)}-${pad(Math.min(d, last))}`;
      if (date >= start && date <= end) out.add(date);
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

function workingDates(calendar: WorkingCalendar, start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDaysLocal(d, 1)) if (dayInfo(calendar, d).working) out.push(d);
  return out;
}

/** The raw (unshifted) dates of a rule between two dates, inclusive. */
export function rawDates(rule: ScheduleRule, start: string, end: string, calendar: WorkingCalendar): string[] {
  if (end < start) return [];
  switch (rule.kind) {
    case 'days-of-month':
      return daysOfMonthDates(rule.days, start, end);
    case 'weekly':
      return weeklyDates(rule.weekday, start, end);
    case 'daily':
      // Every working day: already working, so nothing to shift.
      return workingDates(calendar, start, end);
  }
}

function period(
  rawDate: string,
  seq: number,
  shift: Reporting['shift'],
  dueTime: string,
  timeZone: string,
  calendar: WorkingCalendar,
): ScheduledPeriod {
  const moved = shift === 'next-working-day' ? nextWorkingDay(calendar, rawDate) : null;
  const dueDate = moved?.date ?? rawDate;
  return {
    key: rawDate,
    seq,
    rawDate,
    dueDate,
    dueAt: dueInstant(dueDate, dueTime, timeZone),
    shifted: moved?.shifted ?? false,
    reason: moved?.explanation ?? null,
    calendarKnown: unknownYears(calendar, rawDate, dueDate).length === 0,
  };
}

function missingYearWarnings(calendar: WorkingCalendar, from: string, to: string): ScheduleWarning[] {
  return unknownYears(calendar, from, to).map((year) => {
    const note = unknownYearNote(calendar, year);
    return {
      code: 'calendar-year-missing',
      year,
      message: {
        zh: `${note.zh};录入该年安排后,${year}年的截止日期可能变化`,
        en: `${note.en}; due dates in ${year} may change once its calendar is entered`,
      },
    };
  });
}

export interface ScheduleInput {
  reporting: Reporting;
  level: RegionLevel;
  timeZone: string;
  phases: readonly PhaseBounds[];
  calendar: WorkingCalendar;
}

/** A level's report schedule; null when the level does not report. Two raw dates may share a due date. */
export function computeSchedule({ reporting, level, timeZone, phases, calendar }: ScheduleInput): LevelSchedule | null {
  const applies = reportingFor(reporting, level);
  if (!applies) return null;
  const { rule, dueTime } = applies;
  const start = reporting.start;
  const end = scheduleEndDate(reporting, phases, timeZone);
  const periods = rawDates(rule, start, end, calendar).map((raw, i) =>
    period(raw, i + 1, reporting.shift, dueTime, timeZone, calendar),
  );
  // Years touched: the whole span for the working-day decisions, plus any due date shifted past the end.
  const lastDue = periods.reduce((max, p) => (p.dueDate > max ? p.dueDate : max), end);
  const warnings = end < start ? [] : missingYearWarnings(calendar, start, lastDue);
  return { level: level as ReportingLevel, rule, dueTime, periods, warnings };
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
      zh: `截止日${label.zh}适逢${day.holiday.zh}假期(${range.zh}),阶段截止不顺延`,
    });
  } else if (day.kind === 'weekend') {
    notes.push({
      en: `deadline ${label.en} is a weekend day; phase deadlines are not shifted`,
      zh: `截止日${label.zh}为周末,阶段截止不顺延`,
    });
  } else if (day.kind === 'makeup') {
    notes.push({ en: `deadline ${label.en} is a make-up working day`, zh: `截止日${label.zh}为调休上班日` });
  }
  if (!day.yearKnown) notes.push(unknownYearNote(calendar, Number(day.date.slice(0, 4))));
  if (notes.length === 0) return null;
  return { en: notes.map((n) => n.en).join('; '), zh: notes.map((n) => n.zh).join(';') };
}

export interface ReportingPreview {
  phases: PhasePreview[];
  levels: Array<Omit<LevelSchedule, 'warnings'>>;
  warnings: ScheduleWarning[];
}

/** What a plan's dates mean on the calendar, for the launch preview: phase deadlines and each reporting level's schedule. */
export function previewReporting(plan: Plan, phases: readonly ResolvedPhase[], calendar: WorkingCalendar): ReportingPreview {
  const phasePreviews = phases.map((p): PhasePreview => {
    const deadlineDate = localDateOf(p.deadlineAt - 1, plan.timeZone);
    const day = dayInfo(calendar, deadlineDate);
    const note = deadlineNote(calendar, day);
    return { key: p.key, nameZh: p.nameZh, nameEn: p.nameEn, deadlineAt: p.deadlineAt, deadlineDate, day, note };
  });
  const reporting = plan.reporting;
  if (!reporting) return { phases: phasePreviews, levels: [], warnings: [] };

  const present = new Set(flattenBreakdown(plan).map((n) => n.level));
  const levels: ReportingPreview['levels'] = [];
  const warnings = new Map<number, ScheduleWarning>();
  for (const level of REPORTING_LEVELS) {
    if (!present.has(level)) continue;
    const s = computeSchedule({ reporting, level, timeZone: plan.timeZone, phases, calendar });
    if (!s) continue;
    const { warnings: own, ...schedule } = s;
    levels.push(schedule);
    for (const w of own) warnings.set(w.year, w);
  }
  return { phases: phasePreviews, levels, warnings: [...warnings.values()].sort((a, b) => a.year - b.year) };
}
