// China's working-day calendar: public holidays and make-up working days (调休) as versioned data, one
// year per State Council notice (国务院办公厅关于YYYY年部分节假日安排的通知). Not an algorithm: a year
// whose notice is not on file counts weekends only, and says so.
// Pure: no I/O, no clock. The shipped years are imported as JSON so that the workflow bundle carries them.
import { z } from 'zod';
import { addDaysLocal, daysBetweenLocal, parseLocal } from './time';
import y2023 from '../data/calendar/2023.json';
import y2024 from '../data/calendar/2024.json';
import y2025 from '../data/calendar/2025.json';
import y2026 from '../data/calendar/2026.json';

export interface Bilingual {
  zh: string;
  en: string;
}

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const isoDate = z
  .string({ error: '应为日期 YYYY-MM-DD' })
  .refine((s) => parseLocal(s)?.dateOnly === true, { message: '应为有效的日期 YYYY-MM-DD' });

/** A strict object whose unknown-field and wrong-type errors read in Chinese. */
function record<T extends z.core.$ZodLooseShape>(what: string, shape: T) {
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return `${what}含未知字段：${iss.keys.join(', ')}`;
      if (iss.code === 'invalid_type') return `${what}应为对象`;
      return undefined;
    },
  });
}

const text = (what: string) => z.string({ error: `${what}应为文本` }).trim().min(1, `${what}不能为空`);

const SourceSchema = record('来源', {
  title: text('通知标题'),
  issuer: text('发文机关'),
  docNo: text('文号').optional(),
  publishedOn: isoDate,
  url: z.url({ error: '应为有效网址' }).optional(),
});

const HolidaySchema = record('假期', {
  name: record('假期名称', { zh: text('假期中文名称'), en: text('假期英文名称') }),
  from: isoDate,
  to: isoDate,
});

const MakeupSchema = record('调休上班日', {
  date: isoDate,
  /** The holiday's `name.zh` this make-up day belongs to. */
  for: text('调休对应的假期'),
});

type Holiday = z.infer<typeof HolidaySchema>;
type Makeup = z.infer<typeof MakeupSchema>;

type Ctx = z.RefinementCtx<{ year: number; holidays: Holiday[]; makeupWorkdays: Makeup[] }>;
const issue = (ctx: Ctx, path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });

const MAX_HOLIDAY_DAYS = 31;

function checkHolidays(year: number, holidays: Holiday[], ctx: Ctx): void {
  holidays.forEach((h, i) => {
    const from = parseLocal(h.from);
    const to = parseLocal(h.to);
    if (!from || !to) return;
    if (h.from > h.to) issue(ctx, ['holidays', i, 'to'], `结束日期 ${h.to} 早于开始日期 ${h.from}`);
    // No notice has given more than about 10 days in a row; a month or more is a typo that would swallow working days.
    else if (daysBetweenLocal(h.from, h.to) >= MAX_HOLIDAY_DAYS) {
      issue(ctx, ['holidays', i, 'to'], `假期 ${h.from} 至 ${h.to} 超过 ${MAX_HOLIDAY_DAYS} 天，请检查日期`);
    }
    if (to.year !== year) issue(ctx, ['holidays', i, 'to'], `结束日期 ${h.to} 应在 ${year} 年内`);
    // 元旦 may start on the previous year's last days (2023's notice: 2022-12-31 至 2023-01-02).
    const fromOk = from.year === year || (from.year === year - 1 && from.month === 12);
    if (!fromOk) issue(ctx, ['holidays', i, 'from'], `开始日期 ${h.from} 应在 ${year} 年内（元旦假期可从上一年 12 月开始）`);
    for (let j = 0; j < i; j++) {
      const other = holidays[j];
      if (other.name.zh === h.name.zh) issue(ctx, ['holidays', i, 'name', 'zh'], `假期名称 ${h.name.zh} 与 holidays[${j}] 重复`);
      if (h.from <= other.to && other.from <= h.to) {
        issue(ctx, ['holidays', i, 'from'], `假期 ${h.from} 至 ${h.to} 与 holidays[${j}]（${other.name.zh} ${other.from} 至 ${other.to}）重叠`);
      }
    }
  });
}

function checkMakeups(year: number, holidays: Holiday[], makeups: Makeup[], ctx: Ctx): void {
  makeups.forEach((m, i) => {
    const p = parseLocal(m.date);
    if (!p) return;
    if (p.year !== year) issue(ctx, ['makeupWorkdays', i, 'date'], `调休上班日 ${m.date} 应在 ${year} 年内`);
    const wd = weekdayOf(m.date);
    if (wd < 6) issue(ctx, ['makeupWorkdays', i, 'date'], `调休上班日 ${m.date} 是${WEEKDAY_ZH[wd]}，应为周六或周日`);
    const inside = holidays.findIndex((h) => h.from <= m.date && m.date <= h.to);
    if (inside >= 0) {
      const h = holidays[inside];
      issue(ctx, ['makeupWorkdays', i, 'date'], `调休上班日 ${m.date} 在 holidays[${inside}]（${h.name.zh} ${h.from} 至 ${h.to}）之内`);
    }
    const dup = makeups.findIndex((o, j) => j < i && o.date === m.date);
    if (dup >= 0) issue(ctx, ['makeupWorkdays', i, 'date'], `调休上班日 ${m.date} 与 makeupWorkdays[${dup}] 重复`);
    if (!holidays.some((h) => h.name.zh === m.for)) issue(ctx, ['makeupWorkdays', i, 'for'], `本年没有名为 ${m.for} 的假期`);
  });
}

/** One year's notice. Cross-field rules (ranges, weekends, overlaps) are issues with paths like `holidays[2].to`. */
export const CalendarYearSchema = record('节假日安排', {
  year: z
    .number({ error: '年份应为整数' })
    .int('年份应为整数')
    .min(2000, '年份应在 2000 至 2100 之间')
    .max(2100, '年份应在 2000 至 2100 之间'),
  source: SourceSchema,
  holidays: z.array(HolidaySchema, { error: '假期应为列表' }),
  makeupWorkdays: z.array(MakeupSchema, { error: '调休上班日应为列表' }),
}).superRefine((y, ctx) => {
    checkHolidays(y.year, y.holidays, ctx);
    checkMakeups(y.year, y.holidays, y.makeupWorkdays, ctx);
  });
export type CalendarYear = z.infer<typeof CalendarYearSchema>;

export interface CalendarIssue {
  /** JSON path such as `holidays[2].to`. */
  path: string;
  message: string;
}

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out || '(calendar)';
}

/** Parses one year as an official submits it (editing a year, or a corrected notice). */
export function parseCalendarYear(input: unknown): { ok: true; year: CalendarYear } | { ok: false; errors: CalendarIssue[] } {
  const parsed = CalendarYearSchema.safeParse(input);
  if (parsed.success) return { ok: true, year: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })) };
}

// ---------------------------------------------------------------------------------------------
// The calendar
// ---------------------------------------------------------------------------------------------

/** Plain JSON, keyed by year ("2023"); a year not present is unknown (weekends only). */
export interface WorkingCalendar {
  years: Record<string, CalendarYear>;
}

/** The shipped notices, raw (validated by `shippedCalendar`). */
export const SHIPPED_CALENDAR_YEARS: readonly unknown[] = [y2023, y2024, y2025, y2026];

export function calendarOf(years: readonly CalendarYear[]): WorkingCalendar {
  return { years: Object.fromEntries(years.map((y) => [String(y.year), y])) };
}

let shipped: CalendarYear[] | undefined;

/** The calendar built from the shipped notices; a shipped file that fails the schema is a bug and throws. */
export function shippedCalendar(): WorkingCalendar {
  shipped ??= SHIPPED_CALENDAR_YEARS.map((raw) => {
    const r = parseCalendarYear(raw);
    if (!r.ok) {
      const year = (raw as { year?: unknown }).year;
      throw new Error(`data/calendar/${String(year)}.json: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    }
    return r.year;
  });
  // Copies: a caller editing its calendar (an official's correction) must not alter anyone else's.
  return calendarOf(JSON.parse(JSON.stringify(shipped)) as CalendarYear[]);
}

/**
 * Only the years a campaign can touch (a due date shifted into January needs the next year's notice):
 * what a unit workflow carries in its input, instead of every year on file.
 */
export function calendarBetween(cal: WorkingCalendar, fromYear: number, toYear: number): WorkingCalendar {
  return { years: Object.fromEntries(Object.entries(cal.years).filter(([y]) => Number(y) >= fromYear && Number(y) <= toYear + 1)) };
}

export function knownYears(cal: WorkingCalendar): number[] {
  return Object.keys(cal.years).map(Number).sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Dates and labels
// ---------------------------------------------------------------------------------------------

const WEEKDAY_EN = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const MONTH_EN = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function requireDate(date: string) {
  const p = parseLocal(date);
  if (!p?.dateOnly) throw new RangeError(`不是有效日期 / not a valid date（YYYY-MM-DD）：${date}`);
  return p;
}

/** 1 = Monday .. 7 = Sunday. */
export function weekdayOf(date: string): number {
  const p = requireDate(date);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

const yearOf = (date: string) => Number(date.slice(0, 4));

/**
 * "Sun 2023-10-01" / "10月1日（周日）"; the zh form names the year only when asked (a shift across New Year)
 * and may carry a remark after the weekday ("10月7日（周六，调休上班）").
 */
export function dayLabel(date: string, opts: { withYearZh?: boolean; remarkZh?: string } = {}): Bilingual {
  const p = requireDate(date);
  const wd = weekdayOf(date);
  const year = opts.withYearZh ? `${p.year}年` : '';
  const remark = opts.remarkZh ? `，${opts.remarkZh}` : '';
  return { en: `${WEEKDAY_EN[wd]} ${date}`, zh: `${year}${p.month}月${p.day}日（${WEEKDAY_ZH[wd]}${remark}）` };
}

/** "Sep 29 - Oct 6" / "9月29日至10月6日", in the notices' style ("1月21日至27日"; a single day is one date). */
export function rangeLabel(from: string, to: string): Bilingual {
  const f = requireDate(from);
  const t = requireDate(to);
  if (from === to) return { en: `${MONTH_EN[f.month]} ${f.day}`, zh: `${f.month}月${f.day}日` };
  if (f.year !== t.year) {
    return {
      en: `${MONTH_EN[f.month]} ${f.day} ${f.year} - ${MONTH_EN[t.month]} ${t.day} ${t.year}`,
      zh: `${f.year}年${f.month}月${f.day}日至${t.year}年${t.month}月${t.day}日`,
    };
  }
  return {
    en: `${MONTH_EN[f.month]} ${f.day} - ${MONTH_EN[t.month]} ${t.day}`,
    zh: f.month === t.month ? `${f.month}月${f.day}日至${t.day}日` : `${f.month}月${f.day}日至${t.month}月${t.day}日`,
  };
}

/** Why an unknown year counts weekends only: not yet published (after the last known year) or simply not on file. */
export function unknownYearNote(cal: WorkingCalendar, year: number): Bilingual {
  const known = knownYears(cal);
  if (known.length > 0 && year > known[known.length - 1]) {
    return { en: `${year} calendar not published yet: weekends only`, zh: `${year}年节假日安排尚未公布，暂按周末计` };
  }
  return { en: `${year} calendar not on file: weekends only`, zh: `未收录${year}年节假日安排，暂按周末计` };
}

// ---------------------------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------------------------

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup';

export interface DayInfo {
  date: string;
  /** 1 = Monday .. 7 = Sunday. */
  weekday: number;
  working: boolean;
  kind: DayKind;
  holiday?: { zh: string; en: string; from: string; to: string };
  /** The holiday (`name.zh`) a make-up working day belongs to. */
  makeupFor?: string;
  /** Whether this date's own year has a notice on file. */
  yearKnown: boolean;
}

// Every year is searched: a range in one notice may begin in the previous December (元旦).
function findHoliday(cal: WorkingCalendar, date: string): Holiday | undefined {
  for (const y of Object.values(cal.years)) {
    const h = y.holidays.find((r) => r.from <= date && date <= r.to);
    if (h) return h;
  }
  return undefined;
}

/**
 * What a date is. A holiday wins over everything (a December day listed by next year's notice is a
 * holiday even when its own year is unknown: the notice says so; `yearKnown` is still false then).
 * A make-up day is a working weekend day; any other weekend day is not a working day.
 */
export function dayInfo(cal: WorkingCalendar, date: string): DayInfo {
  const weekday = weekdayOf(date);
  const own = cal.years[String(yearOf(date))];
  const base = { date, weekday, yearKnown: own !== undefined };
  const h = findHoliday(cal, date);
  if (h) return { ...base, working: false, kind: 'holiday', holiday: { ...h.name, from: h.from, to: h.to } };
  const m = own?.makeupWorkdays.find((d) => d.date === date);
  if (m) return { ...base, working: true, kind: 'makeup', makeupFor: m.for };
  if (weekday >= 6) return { ...base, working: false, kind: 'weekend' };
  return { ...base, working: true, kind: 'workday' };
}

/** Whether a day's status rests on weekends alone (its year unknown and no notice lists it). */
const guessed = (d: DayInfo) => !d.yearKnown && d.kind !== 'holiday';

export interface NextWorkingDay {
  date: string;
  shifted: boolean;
  explanation: Bilingual | null;
  /** Years whose notice is missing and whose days were decided by weekends only on the way. */
  yearsUnknown: number[];
}

/** `date` itself when it is a working day, else the next working day with the facts that moved it. */
export function nextWorkingDay(cal: WorkingCalendar, date: string): NextWorkingDay {
  const skipped: DayInfo[] = [];
  let day = dayInfo(cal, date);
  // Ends: holidays are capped in length and every year past the last notice on file has working weekdays.
  while (!day.working) {
    skipped.push(day);
    day = dayInfo(cal, addDaysLocal(day.date, 1));
  }
  const yearsUnknown = [...new Set([...skipped, day].filter(guessed).map((d) => yearOf(d.date)))].sort((a, b) => a - b);
  if (skipped.length === 0) return { date, shifted: false, explanation: null, yearsUnknown };
  return { date: day.date, shifted: true, explanation: explainShift(cal, skipped, day, yearsUnknown), yearsUnknown };
}

type Reason = { key: string; holiday?: NonNullable<DayInfo['holiday']> };

/** Consecutive skipped days grouped by why they are off: one holiday range, or a weekend. */
function reasons(skipped: DayInfo[]): Reason[] {
  const out: Reason[] = [];
  for (const d of skipped) {
    const r: Reason = d.holiday ? { key: `h:${d.holiday.from}`, holiday: d.holiday } : { key: 'weekend' };
    if (out[out.length - 1]?.key !== r.key) out.push(r);
  }
  return out;
}

function explainShift(cal: WorkingCalendar, skipped: DayInfo[], target: DayInfo, yearsUnknown: number[]): Bilingual {
  const from = skipped[0].date;
  const withYearZh = yearOf(from) !== yearOf(target.date);
  const makeup = target.kind === 'makeup';
  const fromLabel = dayLabel(from, { withYearZh });
  const toLabel = dayLabel(target.date, { withYearZh, remarkZh: makeup ? '调休上班' : undefined });
  const parts = reasons(skipped);

  const en = parts.map((r) => (r.holiday ? `${r.holiday.en} holiday ${rangeLabel(r.holiday.from, r.holiday.to).en}` : 'weekend'));
  const zh = parts.map((r, i) => {
    const what = r.holiday ? `${r.holiday.zh}假期（${rangeLabel(r.holiday.from, r.holiday.to).zh}）` : '周末';
    if (i === 0) return r.holiday ? `${fromLabel.zh}适逢${what}` : `${fromLabel.zh}为周末`;
    return `其后为${what}`;
  });

  let enText = `due ${fromLabel.en} -> ${toLabel.en}: ${en.join(', then ')}`;
  if (makeup) enText += `; ${rangeLabel(target.date, target.date).en} is a make-up working day`;
  let zhText = `${zh.join('，')}，顺延至${toLabel.zh}`;
  for (const y of yearsUnknown) {
    const note = unknownYearNote(cal, y);
    enText += `; ${note.en}`;
    zhText += `；${note.zh}`;
  }
  return { zh: zhText, en: enText };
}

/** The date `n` working days after `date`; n = 0 is `date` itself if working, else the next working day. */
export function addWorkingDays(cal: WorkingCalendar, date: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer: ${n}`);
  if (n === 0) return nextWorkingDay(cal, date).date;
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDaysLocal(d, 1);
    if (dayInfo(cal, d).working) left--;
  }
  return d;
}

/**
 * The date `n` (>= 1) working days before `date`: a reminder "5 working days before" the due date.
 * Counts back over working days only, so a holiday week in between is skipped.
 */
export function workingDaysBefore(cal: WorkingCalendar, date: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer: ${n}`);
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDaysLocal(d, -1);
    if (dayInfo(cal, d).working) left--;
  }
  return d;
}

/** Working days in the half-open interval (a, b]; 0 when b <= a. */
export function workingDaysBetween(cal: WorkingCalendar, a: string, b: string): number {
  requireDate(a);
  requireDate(b);
  let count = 0;
  for (let d = addDaysLocal(a, 1); d <= b; d = addDaysLocal(d, 1)) if (dayInfo(cal, d).working) count++;
  return count;
}

/** Years from `fromDate` to `toDate` (inclusive) that have no notice in the calendar. */
export function unknownYears(cal: WorkingCalendar, fromDate: string, toDate: string): number[] {
  const first = requireDate(fromDate).year;
  const last = requireDate(toDate).year;
  const out: number[] = [];
  for (let y = first; y <= last; y++) {
    if (!cal.years[String(y)]) out.push(y);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Corrections
// ---------------------------------------------------------------------------------------------

function makeupList(dates: string[]): Bilingual {
  const labels = dates.sort().map((d) => rangeLabel(d, d));
  return { en: labels.map((l) => l.en).join(', '), zh: labels.map((l) => l.zh).join('、') };
}

/** A short summary of what an official's correction (or a newly entered year) changes. */
export function calendarDiff(before: CalendarYear | undefined, after: CalendarYear): Bilingual {
  const y = after.year;
  if (!before) {
    return {
      en: `${y} calendar added: ${after.holidays.length} holidays, ${after.makeupWorkdays.length} make-up working days`,
      zh: `新增${y}年节假日安排：${after.holidays.length}个假期，${after.makeupWorkdays.length}个调休上班日`,
    };
  }
  const en: string[] = [];
  const zh: string[] = [];
  const range = (h: Holiday) => rangeLabel(h.from, h.to);

  for (const h of after.holidays) {
    const old = before.holidays.find((o) => o.name.zh === h.name.zh);
    if (!old) {
      en.push(`holiday added: ${h.name.en} ${range(h).en}`);
      zh.push(`新增假期${h.name.zh}（${range(h).zh}）`);
    } else if (old.from !== h.from || old.to !== h.to) {
      en.push(`${h.name.en} moved from ${range(old).en} to ${range(h).en}`);
      zh.push(`${h.name.zh}由${range(old).zh}改为${range(h).zh}`);
    }
  }
  for (const o of before.holidays) {
    if (after.holidays.some((h) => h.name.zh === o.name.zh)) continue;
    en.push(`holiday removed: ${o.name.en} ${range(o).en}`);
    zh.push(`取消假期${o.name.zh}（${range(o).zh}）`);
  }

  const beforeDates = new Set(before.makeupWorkdays.map((m) => m.date));
  const afterDates = new Set(after.makeupWorkdays.map((m) => m.date));
  const added = [...afterDates].filter((d) => !beforeDates.has(d));
  const removed = [...beforeDates].filter((d) => !afterDates.has(d));
  if (added.length) {
    const l = makeupList(added);
    en.push(`make-up working days added: ${l.en}`);
    zh.push(`新增调休上班日${l.zh}`);
  }
  if (removed.length) {
    const l = makeupList(removed);
    en.push(`make-up working days removed: ${l.en}`);
    zh.push(`取消调休上班日${l.zh}`);
  }
  if (before.source.docNo !== after.source.docNo || before.source.publishedOn !== after.source.publishedOn) {
    const src = (s: CalendarYear['source']) => `${s.docNo ?? s.title} (${s.publishedOn})`;
    const srcZh = (s: CalendarYear['source']) => `${s.docNo ?? s.title}（${s.publishedOn}）`;
    en.push(`source: ${src(before.source)} -> ${src(after.source)}`);
    zh.push(`依据由${srcZh(before.source)}改为${srcZh(after.source)}`);
  }

  if (en.length === 0) return { en: `${y} calendar: no changes`, zh: `${y}年节假日安排：无变化` };
  return { en: `${y} calendar: ${en.join('; ')}`, zh: `${y}年节假日安排：${zh.join('；')}` };
}

/** A schedule's (or a milestone's) dates fall in a year with no State Council notice on file. */
export interface ScheduleWarning {
  code: 'calendar-year-missing';
  year: number;
  message: Bilingual;
}

export function missingYearWarnings(calendar: WorkingCalendar, from: string, to: string): ScheduleWarning[] {
  if (to < from) return [];
  return unknownYears(calendar, from, to).map((year) => {
    const note = unknownYearNote(calendar, year);
    return {
      code: 'calendar-year-missing',
      year,
      message: {
        zh: `${note.zh}；录入该年安排后，${year}年的截止日期可能变化`,
        en: `${note.en}; due dates in ${year} may change once its calendar is entered`,
      },
    };
  });
}
