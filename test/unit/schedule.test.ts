// Report schedules: raw dates per rule, holiday shifting with reasons, due instants in the plan's zone,
// per-level rules, unknown calendar years, and the launch preview of a plan.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shippedCalendar } from '../../domain/calendar';
import { ReportingSchema, resolvePhases, validatePlan, type LegacyReporting, type PlanInput, type RegionNode, type Reporting } from '../../domain/plan';
import { computeSchedule, dueInstant, previewReporting, reportingFor, type PhaseBounds } from '../../domain/schedule';

const SH = 'Asia/Shanghai';
const cal = shippedCalendar();
const iso = (ms: number) => new Date(ms).toISOString();

/** A reporting block with the schema's defaults applied. */
const reporting = (r: Record<string, unknown>): Reporting => ReportingSchema.parse(r);

/** Phases as the plan resolves them (bare-date deadlines are the end of the day). */
const phases = (...p: Array<[key: string, start: string, deadline: string]>): PhaseBounds[] =>
  resolvePhases({ timeZone: SH, phases: p.map(([key, start, deadline]) => ({ key, name: { zh: key, en: key }, start, deadline })) });

const JIANGMEN_PHASES = phases(
  ['deployment', '2023-09-28', '2023-09-30'],
  ['mobilisation', '2023-10-01', '2023-10-31'],
  ['payment', '2023-11-01', '2023-11-30'],
  ['verification', '2023-12-01', '2023-12-31'],
);

const schedule = (r: Record<string, unknown>, ph: PhaseBounds[] = JIANGMEN_PHASES, level: 'county' | 'town' = 'county') =>
  computeSchedule({ reporting: reporting(r), level, timeZone: SH, phases: ph, calendar: cal })!;

const dueDates = (s: ReturnType<typeof schedule>) => s.periods.map((p) => [p.rawDate, p.dueDate]);

describe('reportingFor', () => {
  const r = reporting({
    rule: { kind: 'days-of-month', days: [1, 15] },
    start: '2023-10-15',
    levels: ['county', 'town'],
    byLevel: { town: { rule: { kind: 'weekly', weekday: 5 }, dueTime: '12:00' } },
  });

  it('a level without an override uses the plan rule and due time', () => {
    expect(reportingFor(r, 'county')).toEqual({ rule: { kind: 'days-of-month', days: [1, 15] }, dueTime: '24:00' });
  });

  it('byLevel overrides the rule and the due time', () => {
    expect(reportingFor(r, 'town')).toEqual({ rule: { kind: 'weekly', weekday: 5 }, dueTime: '12:00' });
    const ruleOnly = reporting({ ...r, byLevel: { town: { rule: { kind: 'daily' } } } });
    expect(reportingFor(ruleOnly, 'town')).toEqual({ rule: { kind: 'daily' }, dueTime: '24:00' });
  });

  it('levels not in reporting.levels do not report', () => {
    expect(reportingFor(r, 'city')).toBeNull();
    expect(reportingFor(r, 'village')).toBeNull();
    expect(reportingFor(reporting({ ...r, levels: ['county'] }), 'town')).toBeNull();
    expect(computeSchedule({ reporting: reporting({ ...r, levels: ['county'] }), level: 'town', timeZone: SH, phases: JIANGMEN_PHASES, calendar: cal })).toBeNull();
  });
});

describe('dueInstant and the time-zone edge', () => {
  it('24:00 is the end of the due date in Beijing time', () => {
    const dueAt = dueInstant('2023-10-16', '24:00', SH);
    expect(iso(dueAt)).toBe('2023-10-16T16:00:00.000Z');
    // 23:30 Beijing on the due date is on time; 00:10 the next day is late.
    expect(Date.parse('2023-10-16T15:30:00Z') < dueAt).toBe(true);
    expect(Date.parse('2023-10-16T16:10:00Z') > dueAt).toBe(true);
  });

  it('a clock time is that wall time on the due date', () => {
    expect(iso(dueInstant('2023-10-16', '17:30', SH))).toBe('2023-10-16T09:30:00.000Z');
    expect(iso(dueInstant('2023-10-16', '00:00', SH))).toBe('2023-10-15T16:00:00.000Z');
  });
});

describe('days-of-month', () => {
  it('Jiangmen: the 1st and 15th from Oct 15 to the end of verification, postponed past holidays', () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [1, 15] }, start: '2023-10-15', end: { phase: 'verification' } });
    expect(s.level).toBe('county');
    expect(s.warnings).toEqual([]);
    expect(dueDates(s)).toEqual([
      ['2023-10-15', '2023-10-16'], // Sunday
      ['2023-11-01', '2023-11-01'],
      ['2023-11-15', '2023-11-15'],
      ['2023-12-01', '2023-12-01'],
      ['2023-12-15', '2023-12-15'],
    ]);
    expect(s.periods[0]).toEqual({
      key: '2023-10-15',
      seq: 1,
      rawDate: '2023-10-15',
      dueDate: '2023-10-16',
      dueAt: Date.parse('2023-10-16T16:00:00Z'),
      shifted: true,
      reason: { en: 'due Sun 2023-10-15 -> Mon 2023-10-16: weekend', zh: '10月15日（周日）为周末，顺延至10月16日（周一）' },
      calendarKnown: true,
    });
    expect(s.periods[1]).toMatchObject({ seq: 2, shifted: false, reason: null });
  });

  it('the end defaults to the last phase; a bare-date deadline includes its day', () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [31] }, start: '2023-10-01' });
    expect(dueDates(s)).toEqual([
      ['2023-10-31', '2023-10-31'],
      ['2023-11-30', '2023-11-30'],
      ['2023-12-31', '2024-01-02'], // Sunday, then New Year's Day 2024
    ]);
  });

  it('the end may be an earlier phase (a date-time deadline) or a date', () => {
    const ph = phases(['a', '2023-10-01', '2023-10-31T12:00'], ['b', '2023-11-01', '2023-11-30']);
    expect(dueDates(schedule({ rule: { kind: 'days-of-month', days: [31] }, start: '2023-10-01', end: { phase: 'a' } }, ph))).toEqual([
      ['2023-10-31', '2023-10-31'],
    ]);
    expect(dueDates(schedule({ rule: { kind: 'days-of-month', days: [1] }, start: '2023-10-02', end: '2023-11-30' }))).toEqual([
      ['2023-11-01', '2023-11-01'],
    ]);
  });

  it('a month without the 30th uses its last day: Feb 2023 -> 28, Feb 2024 -> 29', () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [10, 20, 30] }, start: '2023-02-01', end: '2023-02-28' });
    expect(s.periods.map((p) => p.rawDate)).toEqual(['2023-02-10', '2023-02-20', '2023-02-28']);
    const leap = schedule({ rule: { kind: 'days-of-month', days: [10, 20, 30] }, start: '2024-02-01', end: '2024-03-10' });
    expect(dueDates(leap)).toEqual([
      ['2024-02-10', '2024-02-18'], // Spring Festival Feb 10-17; Sun Feb 18 is a make-up working day
      ['2024-02-20', '2024-02-20'],
      ['2024-02-29', '2024-02-29'],
      ['2024-03-10', '2024-03-11'],
    ]);
    expect(leap.periods[0].reason?.zh).toBe('2月10日（周六）适逢春节假期（2月10日至17日），顺延至2月18日（周日，调休上班）');
  });

  it('days that collapse onto the last day count once', () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [30, 31] }, start: '2023-01-01', end: '2023-04-30', shift: 'none' });
    expect(s.periods.map((p) => p.rawDate)).toEqual(['2023-01-30', '2023-01-31', '2023-02-28', '2023-03-30', '2023-03-31', '2023-04-30']);
  });

  it('two raw dates shifting onto the same due date stay two periods', () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [1, 2] }, start: '2023-10-01', end: '2023-10-31' });
    expect(s.periods.map((p) => [p.key, p.dueDate])).toEqual([
      ['2023-10-01', '2023-10-07'],
      ['2023-10-02', '2023-10-07'],
    ]);
  });

  it("shift 'none' keeps the raw date", () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [1] }, start: '2023-10-01', end: '2023-10-31', shift: 'none' });
    expect(s.periods).toEqual([
      expect.objectContaining({ rawDate: '2023-10-01', dueDate: '2023-10-01', shifted: false, reason: null, dueAt: Date.parse('2023-10-01T16:00:00Z') }),
    ]);
  });

  it('a start after the end gives no periods', () => {
    expect(schedule({ rule: { kind: 'days-of-month', days: [1] }, start: '2024-01-01', end: '2023-12-31' })).toMatchObject({ periods: [], warnings: [] });
  });
});

describe('weekly and daily', () => {
  it('weekly: every Friday, National Day Fridays move to the make-up Saturday', () => {
    const s = schedule({ rule: { kind: 'weekly', weekday: 5 }, start: '2023-09-20', end: '2023-10-20' });
    expect(dueDates(s)).toEqual([
      ['2023-09-22', '2023-09-22'],
      ['2023-09-29', '2023-10-07'],
      ['2023-10-06', '2023-10-07'],
      ['2023-10-13', '2023-10-13'],
      ['2023-10-20', '2023-10-20'],
    ]);
  });

  it('weekly on the start day itself', () => {
    expect(schedule({ rule: { kind: 'weekly', weekday: 1 }, start: '2023-11-06', end: '2023-11-13' }).periods.map((p) => p.rawDate)).toEqual([
      '2023-11-06',
      '2023-11-13',
    ]);
  });

  it('daily: every working day, make-up days included, nothing shifted', () => {
    const s = schedule({ rule: { kind: 'daily' }, start: '2023-09-27', end: '2023-10-10' });
    expect(s.periods.map((p) => p.dueDate)).toEqual(['2023-09-27', '2023-09-28', '2023-10-07', '2023-10-08', '2023-10-09', '2023-10-10']);
    expect(s.periods.every((p) => !p.shifted && p.key === p.dueDate)).toBe(true);
  });

  it('byLevel: towns report weekly at noon while counties report on the 1st and 15th', () => {
    const r = {
      rule: { kind: 'days-of-month', days: [1, 15] },
      start: '2023-11-01',
      end: '2023-11-15',
      byLevel: { town: { rule: { kind: 'weekly', weekday: 3 }, dueTime: '12:00' } },
    };
    expect(schedule(r, JIANGMEN_PHASES, 'county').periods.map((p) => p.dueDate)).toEqual(['2023-11-01', '2023-11-15']);
    const town = schedule(r, JIANGMEN_PHASES, 'town');
    expect(town).toMatchObject({ level: 'town', rule: { kind: 'weekly', weekday: 3 }, dueTime: '12:00' });
    expect(town.periods.map((p) => iso(p.dueAt))).toEqual(['2023-11-01T04:00:00.000Z', '2023-11-08T04:00:00.000Z', '2023-11-15T04:00:00.000Z']);
  });
});

describe('calendar years not on file', () => {
  it('a schedule into 2027 counts weekends only there and warns once', () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [1, 2] }, start: '2026-12-01', end: '2027-01-31' });
    expect(dueDates(s)).toEqual([
      ['2026-12-01', '2026-12-01'],
      ['2026-12-02', '2026-12-02'],
      ['2027-01-01', '2027-01-01'], // a Friday: New Year's Day in fact, but 2027's notice is not out
      ['2027-01-02', '2027-01-04'],
    ]);
    expect(s.periods.map((p) => p.calendarKnown)).toEqual([true, true, false, false]);
    expect(s.periods[3].reason?.en).toBe('due Sat 2027-01-02 -> Mon 2027-01-04: weekend; 2027 calendar not published yet: weekends only');
    expect(s.warnings).toEqual([
      {
        code: 'calendar-year-missing',
        year: 2027,
        message: {
          en: '2027 calendar not published yet: weekends only; due dates in 2027 may change once its calendar is entered',
          zh: '2027年节假日安排尚未公布，暂按周末计；录入该年安排后，2027年的截止日期可能变化',
        },
      },
    ]);
  });

  it('a due date shifted into an unknown year warns about that year too', () => {
    const s = schedule({ rule: { kind: 'days-of-month', days: [31] }, start: '2022-12-01', end: '2022-12-31' });
    expect(dueDates(s)).toEqual([['2022-12-31', '2023-01-03']]);
    expect(s.warnings.map((w) => w.year)).toEqual([2022]);
    expect(s.periods[0].calendarKnown).toBe(false);
  });
});

const PLANS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'plans');
const jiangmen = () => parse(readFileSync(join(PLANS_DIR, 'jiangmen-2023.yaml'), 'utf8')) as PlanInput;
const BEFORE = Date.parse('2023-08-31T16:00:00Z');

function validated(input: PlanInput) {
  const v = validatePlan(input, BEFORE);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v;
}

describe('previewReporting', () => {
  it('the Jiangmen plan: phase deadlines on the calendar, county and town schedules', () => {
    const { plan, phases: ph } = validated(jiangmen());
    const p = previewReporting(plan, ph, cal);
    expect(p.phases.map((x) => [x.key, x.deadlineDate, x.day.kind])).toEqual([
      ['deployment', '2023-09-30', 'holiday'],
      ['mobilisation', '2023-10-31', 'workday'],
      ['payment', '2023-11-30', 'workday'],
      ['verification', '2023-12-31', 'weekend'],
    ]);
    expect(p.phases[0].note).toEqual({
      en: 'deadline Sat 2023-09-30 falls in the Mid-Autumn Festival and National Day holiday (Sep 29 - Oct 6); phase deadlines are not shifted',
      zh: '截止日9月30日（周六）适逢中秋节、国庆节假期（9月29日至10月6日），阶段截止不顺延',
    });
    expect(p.phases[1].note).toBeNull();
    expect(p.phases[3].note?.zh).toBe('截止日12月31日（周日）为周末，阶段截止不顺延');
    // Phases are not shifted: the deadline instant is the plan's.
    expect(iso(p.phases[0].deadlineAt)).toBe('2023-09-30T16:00:00.000Z');
    expect(p.levels.map((l) => l.level)).toEqual(['county', 'town']);
    expect(p.levels[0].periods.map((x) => x.dueDate)).toEqual(['2023-10-16', '2023-11-01', '2023-11-15', '2023-12-01', '2023-12-15']);
    expect(p.warnings).toEqual([]);
  });

  it('only levels in reporting.levels that the breakdown has', () => {
    const input = jiangmen();
    const countyOnly = validated({ ...input, reporting: { ...(input.reporting as LegacyReporting), levels: ['county'] } });
    expect(previewReporting(countyOnly.plan, countyOnly.phases, cal).levels.map((l) => l.level)).toEqual(['county']);

    const noTowns = validated({ ...input, breakdown: (input.breakdown as RegionNode[]).map((c) => ({ ...c, children: [] })) });
    expect(previewReporting(noTowns.plan, noTowns.phases, cal).levels.map((l) => l.level)).toEqual(['county']);
  });

  it('a plan without a reporting block has phases and no levels', () => {
    const { reporting: _omit, ...input } = jiangmen();
    const v = validated(input);
    const p = previewReporting(v.plan, v.phases, cal);
    expect(p.phases).toHaveLength(4);
    expect(p.levels).toEqual([]);
    expect(p.warnings).toEqual([]);
  });
});
