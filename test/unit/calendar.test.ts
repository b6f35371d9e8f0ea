// The working-day calendar: the shipped notices, make-up days, holidays spilling across New Year,
// unknown years, explanations, working-day arithmetic, schema errors and correction summaries.
import { describe, expect, it } from 'vitest';
import {
  CalendarYearSchema,
  SHIPPED_CALENDAR_YEARS,
  addWorkingDays,
  calendarDiff,
  calendarOf,
  dayInfo,
  nextWorkingDay,
  parseCalendarYear,
  shippedCalendar,
  unknownYears,
  workingDaysBetween,
  type CalendarYear,
} from '../../domain/calendar';

const cal = shippedCalendar();
const y2023 = cal.years['2023'];

/** A deep copy of the shipped 2023 year to break in one place. */
const copy2023 = (): CalendarYear => JSON.parse(JSON.stringify(y2023)) as CalendarYear;

describe('shipped notices', () => {
  it('every shipped file validates and is keyed by its year', () => {
    expect(SHIPPED_CALENDAR_YEARS).toHaveLength(4);
    for (const raw of SHIPPED_CALENDAR_YEARS) expect(parseCalendarYear(raw)).toMatchObject({ ok: true });
    expect(Object.keys(cal.years).sort()).toEqual(['2023', '2024', '2025', '2026']);
  });

  it('each call hands out its own copy', () => {
    const mine = shippedCalendar();
    mine.years['2023'].holidays.pop();
    delete mine.years['2024'];
    expect(shippedCalendar().years['2023'].holidays).toHaveLength(6);
    expect(shippedCalendar().years['2024']).toBeDefined();
  });

  it('each names its source notice', () => {
    expect(cal.years['2023'].source).toMatchObject({ issuer: '国务院办公厅', docNo: '国办发明电〔2022〕16号', publishedOn: '2022-12-08' });
    expect(cal.years['2024'].source.docNo).toBe('国办发明电〔2023〕7号');
    expect(cal.years['2025'].source.docNo).toBe('国办发明电〔2024〕12号');
    expect(cal.years['2026'].source).toMatchObject({ docNo: '国办发明电〔2025〕7号', publishedOn: '2025-11-04' });
    for (const y of Object.values(cal.years)) expect(y.source.title).toBe(`国务院办公厅关于${y.year}年部分节假日安排的通知`);
  });

  it('the days off per notice add up to the notices\' 共N天', () => {
    const daysOff = (year: string) => cal.years[year].holidays.reduce((n, h) => n + daysIn(h.from, h.to), 0);
    // 3+7+1+5+3+8, 1+8+3+5+1+3+7, 1+8+3+5+3+8, 3+9+3+5+3+3+7
    expect([daysOff('2023'), daysOff('2024'), daysOff('2025'), daysOff('2026')]).toEqual([27, 28, 28, 33]);
  });
});

/** Calendar days in [from, to]. */
function daysIn(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
}

describe('dayInfo', () => {
  it('make-up working days are working weekend days', () => {
    expect(dayInfo(cal, '2023-10-07')).toMatchObject({ weekday: 6, working: true, kind: 'makeup', makeupFor: '中秋节、国庆节', yearKnown: true });
    expect(dayInfo(cal, '2023-10-08')).toMatchObject({ weekday: 7, working: true, kind: 'makeup' });
    expect(dayInfo(cal, '2026-01-04')).toMatchObject({ weekday: 7, working: true, kind: 'makeup', makeupFor: '元旦' });
  });

  it('a weekend day that is not a make-up day is not a working day', () => {
    expect(dayInfo(cal, '2023-11-04')).toMatchObject({ weekday: 6, working: false, kind: 'weekend' });
    expect(dayInfo(cal, '2023-10-15')).toMatchObject({ weekday: 7, working: false, kind: 'weekend' });
  });

  it('holidays, including weekdays and weekend days inside a holiday', () => {
    expect(dayInfo(cal, '2023-10-02')).toMatchObject({
      weekday: 1,
      working: false,
      kind: 'holiday',
      holiday: { zh: '中秋节、国庆节', en: 'Mid-Autumn Festival and National Day', from: '2023-09-29', to: '2023-10-06' },
    });
    expect(dayInfo(cal, '2023-10-01')).toMatchObject({ kind: 'holiday', working: false });
  });

  it('plain weekdays are working days', () => {
    expect(dayInfo(cal, '2023-10-09')).toMatchObject({ weekday: 1, working: true, kind: 'workday' });
    expect(dayInfo(cal, '2025-12-31')).toMatchObject({ weekday: 3, working: true, kind: 'workday', yearKnown: true });
  });

  it('a December day listed by the next year\'s notice is a holiday even when its own year is unknown', () => {
    // 2022 is not on file, but 2023's notice says 2022-12-31 .. 2023-01-02 is 元旦: trust the notice.
    expect(dayInfo(cal, '2022-12-31')).toMatchObject({ kind: 'holiday', working: false, yearKnown: false, holiday: { zh: '元旦' } });
    // The rest of 2022 is unknown: weekends only.
    expect(dayInfo(cal, '2022-12-30')).toMatchObject({ kind: 'workday', working: true, yearKnown: false });
    expect(dayInfo(cal, '2023-01-02')).toMatchObject({ kind: 'holiday', yearKnown: true });
  });

  it('an unknown year counts weekends only', () => {
    expect(dayInfo(cal, '2027-01-01')).toMatchObject({ weekday: 5, working: true, kind: 'workday', yearKnown: false });
    expect(dayInfo(cal, '2027-10-02')).toMatchObject({ weekday: 6, working: false, kind: 'weekend', yearKnown: false });
  });

  it('refuses a date that is not a date', () => {
    expect(() => dayInfo(cal, '2023-02-30')).toThrow(RangeError);
    expect(() => dayInfo(cal, '2023-10-01T10:00')).toThrow(RangeError);
  });
});

describe('nextWorkingDay', () => {
  it('a working day is itself, without explanation', () => {
    expect(nextWorkingDay(cal, '2023-10-09')).toEqual({ date: '2023-10-09', shifted: false, explanation: null, yearsUnknown: [] });
    expect(nextWorkingDay(cal, '2023-10-07')).toMatchObject({ date: '2023-10-07', shifted: false });
  });

  it('a report due on National Day 2023 moves to the make-up Saturday, with the facts', () => {
    expect(nextWorkingDay(cal, '2023-10-01')).toEqual({
      date: '2023-10-07',
      shifted: true,
      explanation: {
        en: 'due Sun 2023-10-01 -> Sat 2023-10-07: Mid-Autumn Festival and National Day holiday Sep 29 - Oct 6; Oct 7 is a make-up working day',
        zh: '10月1日（周日）适逢中秋节、国庆节假期（9月29日至10月6日），顺延至10月7日（周六，调休上班）',
      },
      yearsUnknown: [],
    });
  });

  it('a plain weekend moves to Monday', () => {
    expect(nextWorkingDay(cal, '2023-11-04').explanation).toEqual({
      en: 'due Sat 2023-11-04 -> Mon 2023-11-06: weekend',
      zh: '11月4日（周六）为周末，顺延至11月6日（周一）',
    });
  });

  it('New Year 2026: Jan 1-3 off, Sun Jan 4 is a make-up working day', () => {
    expect(nextWorkingDay(cal, '2025-12-31')).toMatchObject({ date: '2025-12-31', shifted: false });
    expect(nextWorkingDay(cal, '2026-01-01')).toMatchObject({
      date: '2026-01-04',
      explanation: {
        en: "due Thu 2026-01-01 -> Sun 2026-01-04: New Year's Day holiday Jan 1 - Jan 3; Jan 4 is a make-up working day",
        zh: '1月1日（周四）适逢元旦假期（1月1日至3日），顺延至1月4日（周日，调休上班）',
      },
    });
  });

  it('a holiday spilling from the previous December, across the year boundary', () => {
    expect(nextWorkingDay(cal, '2023-01-01')).toMatchObject({ date: '2023-01-03', shifted: true, yearsUnknown: [] });
    expect(nextWorkingDay(cal, '2022-12-31')).toMatchObject({
      date: '2023-01-03',
      yearsUnknown: [],
      explanation: {
        en: "due Sat 2022-12-31 -> Tue 2023-01-03: New Year's Day holiday Dec 31 2022 - Jan 2 2023",
        zh: '2022年12月31日（周六）适逢元旦假期（2022年12月31日至2023年1月2日），顺延至2023年1月3日（周二）',
      },
    });
  });

  it('a weekend followed by a holiday names both', () => {
    expect(nextWorkingDay(cal, '2023-12-30')).toMatchObject({
      date: '2024-01-02',
      explanation: {
        en: "due Sat 2023-12-30 -> Tue 2024-01-02: weekend, then New Year's Day holiday Jan 1",
        zh: '2023年12月30日（周六）为周末，其后为元旦假期（1月1日），顺延至2024年1月2日（周二）',
      },
    });
  });

  it('an unknown year says so', () => {
    expect(nextWorkingDay(cal, '2027-01-02')).toEqual({
      date: '2027-01-04',
      shifted: true,
      yearsUnknown: [2027],
      explanation: {
        en: 'due Sat 2027-01-02 -> Mon 2027-01-04: weekend; 2027 calendar not published yet: weekends only',
        zh: '1月2日（周六）为周末，顺延至1月4日（周一）；2027年节假日安排尚未公布，暂按周末计',
      },
    });
    // A working day in an unknown year is not shifted, but the guess is reported.
    expect(nextWorkingDay(cal, '2027-01-05')).toEqual({ date: '2027-01-05', shifted: false, explanation: null, yearsUnknown: [2027] });
    // Before the first notice on file: "not on file", not "not published yet".
    expect(nextWorkingDay(cal, '2022-11-05').explanation?.en).toBe('due Sat 2022-11-05 -> Mon 2022-11-07: weekend; 2022 calendar not on file: weekends only');
  });
});

describe('working-day arithmetic', () => {
  it('addWorkingDays skips holidays and counts make-up days', () => {
    expect(addWorkingDays(cal, '2023-10-09', 0)).toBe('2023-10-09');
    expect(addWorkingDays(cal, '2023-10-01', 0)).toBe('2023-10-07');
    expect(addWorkingDays(cal, '2023-09-28', 1)).toBe('2023-10-07');
    expect(addWorkingDays(cal, '2023-09-28', 3)).toBe('2023-10-09');
    expect(addWorkingDays(cal, '2023-11-03', 1)).toBe('2023-11-06');
    expect(() => addWorkingDays(cal, '2023-11-03', -1)).toThrow(RangeError);
  });

  it('workingDaysBetween counts (a, b]', () => {
    expect(workingDaysBetween(cal, '2023-09-28', '2023-10-09')).toBe(3); // Oct 7, Oct 8, Oct 9
    expect(workingDaysBetween(cal, '2023-11-06', '2023-11-06')).toBe(0);
    expect(workingDaysBetween(cal, '2023-11-06', '2023-11-13')).toBe(5);
    expect(workingDaysBetween(cal, '2023-11-13', '2023-11-06')).toBe(0);
  });

  it('unknownYears lists the years without a notice', () => {
    expect(unknownYears(cal, '2023-10-01', '2026-12-31')).toEqual([]);
    expect(unknownYears(cal, '2022-12-01', '2028-01-01')).toEqual([2022, 2027, 2028]);
  });

  it('a calendar without years is weekends only', () => {
    const empty = calendarOf([]);
    expect(dayInfo(empty, '2023-10-02')).toMatchObject({ working: true, kind: 'workday', yearKnown: false });
    expect(nextWorkingDay(empty, '2023-10-01').date).toBe('2023-10-02');
  });
});

describe('CalendarYearSchema', () => {
  const errorsOf = (input: unknown) => {
    const r = parseCalendarYear(input);
    if (r.ok) throw new Error('expected errors');
    return r.errors;
  };

  it('a range ending before it starts, or outside the year', () => {
    const y = copy2023();
    y.holidays[2].to = '2023-04-04';
    y.holidays[3].to = '2024-05-03';
    const errors = errorsOf(y);
    expect(errors).toContainEqual({ path: 'holidays[2].to', message: '结束日期 2023-04-04 早于开始日期 2023-04-05' });
    expect(errors).toContainEqual({ path: 'holidays[3].to', message: '结束日期 2024-05-03 应在 2023 年内' });
  });

  it('a range of more than 31 days is taken for a typo', () => {
    const y = copy2023();
    y.holidays[5].to = '2023-12-06';
    y.makeupWorkdays = y.makeupWorkdays.filter((m) => m.for !== '中秋节、国庆节');
    expect(errorsOf(y)).toEqual([{ path: 'holidays[5].to', message: '假期 2023-09-29 至 2023-12-06 超过 31 天，请检查日期' }]);
  });

  it('only a range starting in the previous December may start before the year', () => {
    const y = copy2023();
    y.holidays[0].from = '2022-11-30';
    expect(errorsOf(y)).toContainEqual({ path: 'holidays[0].from', message: '开始日期 2022-11-30 应在 2023 年内（元旦假期可从上一年 12 月开始）' });
    expect(CalendarYearSchema.safeParse(y2023).success).toBe(true);
  });

  it('overlapping ranges and duplicate names', () => {
    const y = copy2023();
    y.holidays[5].from = '2023-06-24';
    y.holidays[5].to = '2023-06-28';
    y.makeupWorkdays = y.makeupWorkdays.filter((m) => m.date !== '2023-06-25');
    expect(errorsOf(y).map((e) => e.path)).toEqual(['holidays[5].from']);
    expect(errorsOf(y)[0].message).toContain('holidays[4]');

    const z = copy2023();
    z.holidays[1].name.zh = '元旦';
    expect(errorsOf(z).map((e) => e.path)).toContain('holidays[1].name.zh');
  });

  it('make-up days: a weekend day in the year, outside holidays, once, for a named holiday', () => {
    const y = copy2023();
    y.makeupWorkdays[0].date = '2023-01-30'; // a Monday
    y.makeupWorkdays[1].date = '2023-01-22'; // inside 春节
    y.makeupWorkdays[2].date = '2023-05-06'; // duplicate of [3]... listed before it
    y.makeupWorkdays[4].for = '重阳节';
    y.makeupWorkdays[5].date = '2024-01-06';
    const errors = errorsOf(y);
    expect(errors).toContainEqual({ path: 'makeupWorkdays[0].date', message: '调休上班日 2023-01-30 是周一，应为周六或周日' });
    expect(errors).toContainEqual({
      path: 'makeupWorkdays[1].date',
      message: '调休上班日 2023-01-22 在 holidays[1]（春节 2023-01-21 至 2023-01-27）之内',
    });
    expect(errors).toContainEqual({ path: 'makeupWorkdays[3].date', message: '调休上班日 2023-05-06 与 makeupWorkdays[2] 重复' });
    expect(errors).toContainEqual({ path: 'makeupWorkdays[4].for', message: '本年没有名为 重阳节 的假期' });
    expect(errors).toContainEqual({ path: 'makeupWorkdays[5].date', message: '调休上班日 2024-01-06 应在 2023 年内' });
  });

  it('field errors name their path in Chinese', () => {
    const y = copy2023() as unknown as Record<string, unknown>;
    (y.source as Record<string, unknown>).publishedOn = '2022-13-08';
    (y.holidays as Array<Record<string, unknown>>)[0].from = 'soon';
    y.year = 2023.5;
    const errors = errorsOf(y);
    expect(errors).toContainEqual({ path: 'source.publishedOn', message: '应为有效的日期 YYYY-MM-DD' });
    expect(errors).toContainEqual({ path: 'holidays[0].from', message: '应为有效的日期 YYYY-MM-DD' });
    expect(errors).toContainEqual({ path: 'year', message: '年份应为整数' });
    expect(errorsOf({ ...y2023, extra: 1 })).toEqual([{ path: '(calendar)', message: '节假日安排含未知字段：extra' }]);
    expect(errorsOf({ ...y2023, source: 'gov.cn' })).toEqual([{ path: 'source', message: '来源应为对象' }]);
  });
});

describe('calendarDiff', () => {
  it('a new year', () => {
    expect(calendarDiff(undefined, cal.years['2026'])).toEqual({
      en: '2026 calendar added: 7 holidays, 6 make-up working days',
      zh: '新增2026年节假日安排：7个假期，6个调休上班日',
    });
  });

  it('no change', () => {
    expect(calendarDiff(y2023, copy2023())).toEqual({ en: '2023 calendar: no changes', zh: '2023年节假日安排：无变化' });
  });

  it('a moved holiday, an added and a removed one, make-up days and the source', () => {
    const after = copy2023();
    after.holidays[5] = { name: { zh: '国庆节', en: 'National Day' }, from: '2023-10-01', to: '2023-10-07' };
    after.holidays[4].to = '2023-06-23';
    after.holidays.push({ name: { zh: '重阳节', en: 'Double Ninth Festival' }, from: '2023-10-23', to: '2023-10-23' });
    after.makeupWorkdays = after.makeupWorkdays.filter((m) => m.date !== '2023-10-07' && m.date !== '2023-10-08');
    after.makeupWorkdays.push({ date: '2023-09-23', for: '国庆节' }, { date: '2023-10-14', for: '国庆节' });
    after.source.docNo = '国办发明电〔2022〕17号';
    expect(calendarDiff(y2023, after)).toEqual({
      en:
        '2023 calendar: Dragon Boat Festival moved from Jun 22 - Jun 24 to Jun 22 - Jun 23; ' +
        'holiday added: National Day Oct 1 - Oct 7; holiday added: Double Ninth Festival Oct 23; ' +
        'holiday removed: Mid-Autumn Festival and National Day Sep 29 - Oct 6; ' +
        'make-up working days added: Sep 23, Oct 14; make-up working days removed: Oct 7, Oct 8; ' +
        'source: 国办发明电〔2022〕16号 (2022-12-08) -> 国办发明电〔2022〕17号 (2022-12-08)',
      zh:
        '2023年节假日安排：端午节由6月22日至24日改为6月22日至23日；新增假期国庆节（10月1日至7日）；新增假期重阳节（10月23日）；' +
        '取消假期中秋节、国庆节（9月29日至10月6日）；新增调休上班日9月23日、10月14日；取消调休上班日10月7日、10月8日；' +
        '依据由国办发明电〔2022〕16号（2022-12-08）改为国办发明电〔2022〕17号（2022-12-08）',
    });
  });
});
