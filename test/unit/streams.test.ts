// Reporting streams: the legacy single block normalised to one stream with its bare-date keys, named
// streams keyed by stream, the quarterly and calendar-day rules and the months filter, who reports and
// which units run as workflows (Temporal's 2,000-children limit), the plan-level refusals with their
// paths, and the one lateness rule.
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../../domain/calendar';
import { resolvePhases, validatePlan, type PlanInput, type PlanValidation, type RegionNode } from '../../domain/plan';
import { circularSchedules, computeSchedule, computeStreamSchedule, dueInstant, isLate, paceCheckInstants, rawDates, unitSchedules, type PhaseBounds } from '../../domain/schedule';
import {
  MAX_CHILD_WORKFLOWS,
  describeRule,
  parsePeriodKey,
  periodKey,
  reportingStreams,
  streamLadder,
  streamUnits,
  workflowLayout,
  type ReportingStream,
  type ScheduleRule,
} from '../../domain/streams';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const SH = 'Asia/Shanghai';
const cal = shippedCalendar();
const BEFORE = Date.parse('2023-08-31T16:00:00Z');

/** A shipped example plan (test/unit/plan.test.ts proves each is what the generator writes). */
const example = (file: string) => parse(readFileSync(new URL(`../../examples/plans/${file}`, import.meta.url), 'utf8')) as PlanInput;

function validated(input: unknown, now = BEFORE) {
  const v = validatePlan(input, now);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v;
}
function errorsOf(result: PlanValidation) {
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

const village = (code: string, name = `${code}村`): RegionNode => ({ code, name, level: 'village', targets: {}, children: [] });
const town = (code: string, villages: RegionNode[]): RegionNode => ({ code, name: `${code}镇`, level: 'town', targets: {}, children: villages });

/** A county campaign: two towns of three villages each, phases across National Day 2023. */
function countyPlan(reporting: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'county-2023',
    title: '测试县2023年城乡居保参保工作方案',
    year: 2023,
    region: { code: '411426', name: '测试县', level: 'county' },
    phases: [
      { key: 'mobilisation', name: { zh: '发动', en: 'Mobilisation' }, start: '2023-09-20', deadline: '2023-10-31' },
      { key: 'payment', name: { zh: '缴费', en: 'Payment' }, start: '2023-11-01', deadline: '2023-12-31' },
    ],
    breakdown: [
      town('411426100', ['001', '002', '003'].map((v) => village(`411426100${v}`))),
      town('411426101', ['001', '002', '003'].map((v) => village(`411426101${v}`))),
    ],
    reporting,
    ...extra,
  };
}

const stream = (s: Record<string, unknown>) => ({ key: 'daily', name: '日报', levels: ['town'], start: '2023-09-20', ...s });
const PHASES: PhaseBounds[] = resolvePhases({
  timeZone: SH,
  phases: [
    { key: 'mobilisation', name: { zh: 'm', en: 'm' }, start: '2023-09-20', deadline: '2023-10-31' },
    { key: 'payment', name: { zh: 'p', en: 'p' }, start: '2023-11-01', deadline: '2023-12-31' },
  ],
});
const only = (v: ReturnType<typeof validated>) => reportingStreams(v.plan)[0];

describe('the legacy single block', () => {
  const legacy = { rule: { kind: 'days-of-month', days: [1, 15] }, start: '2023-10-15', end: { phase: 'payment' } };

  it('validates and normalises to one stream, 统计报表, that drafts circulars and climbs the plan ladder', () => {
    const v = validated(countyPlan(legacy));
    expect(reportingStreams(v.plan)).toEqual([
      {
        key: 'reports',
        name: '统计报表',
        rule: { kind: 'days-of-month', days: [1, 15] },
        levels: ['county', 'town'],
        byLevel: {},
        start: '2023-10-15',
        end: { phase: 'payment' },
        dueTime: '24:00',
        shift: 'next-working-day',
        circulars: true,
        reports: true,
        ladder: null,
        legacy: true,
        path: 'reporting',
      },
    ]);
    // The parsed plan keeps the block as written (stored plans re-parse unchanged).
    expect(v.plan.reporting).toEqual({ ...legacy, dueTime: '24:00', shift: 'next-working-day', levels: ['county', 'town'] });
  });

  it('keeps bare-date period keys, so running campaigns keep theirs', () => {
    const v = validated(countyPlan(legacy));
    const s = computeSchedule({ reporting: v.plan.reporting!, level: 'town', timeZone: SH, phases: PHASES, calendar: cal })!;
    expect(s.stream).toBe('reports');
    expect(s.periods.map((p) => [p.key, p.dueDate])).toEqual([
      ['2023-10-15', '2023-10-16'],
      ['2023-11-01', '2023-11-01'],
      ['2023-11-15', '2023-11-15'],
      ['2023-12-01', '2023-12-01'],
      ['2023-12-15', '2023-12-15'],
    ]);
    expect(periodKey(only(v), '2023-10-15')).toBe('2023-10-15');
    expect(parsePeriodKey('2023-10-15')).toEqual({ stream: 'reports', rawDate: '2023-10-15' });
  });

  it('refused when its default levels (county and town) reach nobody: a street\'s communities', () => {
    const lanchen = example('lanchen-2024.yaml');
    const legacyLanchen = { ...lanchen, reporting: { rule: { kind: 'weekly', weekday: 5 }, start: '2024-05-10' }, escalation: { ...lanchen.escalation!, pace: undefined } };
    expect(errorsOf(validatePlan(legacyLanchen, Date.parse('2024-05-01')))).toEqual([
      { path: 'reporting.levels', message: '「统计报表」的报送层级（县（区）、镇（街道））在任务分解中没有任何单位，请按分解的层级填写' },
    ]);
  });
});

describe('named streams', () => {
  it('key their periods by stream and climb their own ladder, else the plan\'s', () => {
    const ladder = [{ rung: 'circular', name: '通报批评', delayWorkingDays: 0, notify: ['unit'] }];
    const v = validated(
      countyPlan([stream({ rule: { kind: 'weekly', weekday: 5 } }), stream({ key: 'inspection', name: '周督查', rule: { kind: 'weekly', weekday: 1 }, ladder })], {
        escalation: { ladder: [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }] },
      }),
    );
    const [daily, inspection] = reportingStreams(v.plan);
    expect(daily).toMatchObject({ key: 'daily', legacy: false, circulars: false, reports: true, shift: 'next-working-day', path: 'reporting[0]' });
    const s = computeStreamSchedule({ stream: inspection, level: 'town', timeZone: SH, phases: PHASES, calendar: cal })!;
    expect(s.periods.slice(0, 3).map((p) => [p.key, p.dueDate])).toEqual([
      ['inspection:2023-09-25', '2023-09-25'],
      // Mon Oct 2 falls in the National Day holiday: Sat Oct 7 is the make-up working day.
      ['inspection:2023-10-02', '2023-10-07'],
      ['inspection:2023-10-09', '2023-10-09'],
    ]);
    expect(parsePeriodKey('inspection:2023-10-02')).toEqual({ stream: 'inspection', rawDate: '2023-10-02' });
    expect(streamLadder(inspection, v.plan.escalation)?.map((r) => r.name)).toEqual(['通报批评']);
    expect(streamLadder(daily, v.plan.escalation)?.map((r) => r.name)).toEqual(['提醒']);
    // computeSchedule picks a stream by key, the first without one.
    expect(computeSchedule({ reporting: v.plan.reporting!, stream: 'inspection', level: 'town', timeZone: SH, phases: PHASES, calendar: cal })!.stream).toBe('inspection');
    expect(computeSchedule({ reporting: v.plan.reporting!, level: 'town', timeZone: SH, phases: PHASES, calendar: cal })!.stream).toBe('daily');
  });

  it('start and end may be phases: the start is the phase\'s first day, the end its last', () => {
    const v = validated(countyPlan([stream({ rule: { kind: 'days-of-month', days: [1] }, start: { phase: 'payment' }, end: { phase: 'payment' } })]));
    const s = computeStreamSchedule({ stream: only(v), level: 'town', timeZone: SH, phases: PHASES, calendar: cal })!;
    expect(s.periods.map((p) => p.rawDate)).toEqual(['2023-11-01', '2023-12-01']);
  });

  it('a stream without reports only times circulars and has no ladder', () => {
    const v = validated(countyPlan([stream({ key: 'quarter', name: '季通报', rule: { kind: 'quarterly', month: 3, day: 31 }, reports: false, circulars: true })], { escalation: { ladder: [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }] } }));
    expect(streamLadder(only(v), v.plan.escalation)).toBeNull();
    expect(workflowLayout(v.plan).units.filter((u) => u.workflow)).toEqual([]);
  });
});

describe('rules', () => {
  const raw = (rule: ScheduleRule, start: string, end: string) => rawDates(rule, start, end, cal);

  it('quarterly: a day of the quarter\'s first, second or third month, last-day semantics', () => {
    expect(raw({ kind: 'quarterly', month: 3, day: 31 }, '2023-01-01', '2023-12-31')).toEqual(['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31']);
    // "季后10日内": the 10th of each quarter's first month.
    expect(raw({ kind: 'quarterly', month: 1, day: 10 }, '2023-01-01', '2023-12-31')).toEqual(['2023-01-10', '2023-04-10', '2023-07-10', '2023-10-10']);
    expect(raw({ kind: 'quarterly', month: 2, day: 31 }, '2024-01-01', '2024-12-31')).toEqual(['2024-02-29', '2024-05-31', '2024-08-31', '2024-11-30']);
    expect(raw({ kind: 'quarterly', month: 3, day: 31 }, '2023-05-11', '2023-11-30')).toEqual(['2023-06-30', '2023-09-30']);
  });

  it('quarterly due dates shift past holidays with their reasons', () => {
    const v = validated(countyPlan([stream({ key: 'quarter', name: '季通报', rule: { kind: 'quarterly', month: 3, day: 31 } })]));
    const s = computeStreamSchedule({ stream: only(v), level: 'town', timeZone: SH, phases: PHASES, calendar: cal })!;
    expect(s.periods.map((p) => [p.key, p.dueDate])).toEqual([
      ['quarter:2023-09-30', '2023-10-07'],
      ['quarter:2023-12-31', '2024-01-02'],
    ]);
    expect(s.periods[0].reason?.zh).toBe('9月30日（周六）适逢中秋节、国庆节假期（9月29日至10月6日），顺延至10月7日（周六，调休上班）');
  });

  it('daily on calendar days: every date, holidays and weekends included, never shifted', () => {
    const v = validated(countyPlan([stream({ rule: { kind: 'daily', on: 'calendar-days' }, start: '2023-09-28', end: '2023-10-08', dueTime: '17:00' })]));
    const s = computeStreamSchedule({ stream: only(v), level: 'town', timeZone: SH, phases: PHASES, calendar: cal })!;
    expect(only(v).shift).toBe('none');
    expect(s.periods.map((p) => p.dueDate)).toEqual([
      '2023-09-28', '2023-09-29', '2023-09-30', '2023-10-01', '2023-10-02', '2023-10-03',
      '2023-10-04', '2023-10-05', '2023-10-06', '2023-10-07', '2023-10-08',
    ]);
    expect(s.periods.every((p) => !p.shifted && p.reason === null)).toBe(true);
    expect(new Date(s.periods[0].dueAt).toISOString()).toBe('2023-09-28T09:00:00.000Z');
    // On working days, by contrast, the holiday is skipped.
    expect(raw({ kind: 'daily' }, '2023-09-28', '2023-10-08')).toEqual(['2023-09-28', '2023-10-07', '2023-10-08']);
  });

  it('months keeps only the dates in those months (Jiangmen\'s publicity months 2, 6, 10)', () => {
    expect(raw({ kind: 'days-of-month', days: [31], months: [2, 6, 10] }, '2023-01-01', '2023-12-31')).toEqual(['2023-02-28', '2023-06-30', '2023-10-31']);
    expect(raw({ kind: 'weekly', weekday: 1, months: [10] }, '2023-09-20', '2023-11-30')).toEqual(['2023-10-02', '2023-10-09', '2023-10-16', '2023-10-23', '2023-10-30']);
    expect(raw({ kind: 'daily', on: 'calendar-days', months: [2] }, '2024-01-30', '2024-03-02')).toHaveLength(29);
  });

  it('read as an official writes them', () => {
    expect(describeRule({ kind: 'days-of-month', days: [10, 20, 30] })).toBe('每月10日、20日、30日（当月无该日的，为月末）');
    expect(describeRule({ kind: 'days-of-month', days: [5] })).toBe('每月5日');
    expect(describeRule({ kind: 'weekly', weekday: 5, months: [2, 6, 10] })).toBe('每周五（仅2、6、10月）');
    expect(describeRule({ kind: 'daily' })).toBe('每个工作日');
    expect(describeRule({ kind: 'daily', on: 'calendar-days' })).toBe('每天（自然日）');
    expect(describeRule({ kind: 'quarterly', month: 3, day: 31 })).toBe('每季度第3个月31日（当月无该日的，为月末）');
  });
});

describe('streams refused, with their paths', () => {
  const paths = (input: unknown) => errorsOf(validatePlan(input, BEFORE)).map((e) => e.path);

  it('an unknown field in a stream or its rule', () => {
    const e = errorsOf(validatePlan(countyPlan([stream({ rule: { kind: 'daily' }, owner: '县人社局' })]), BEFORE));
    expect(e).toEqual([{ path: 'reporting[0]', message: '含产品不使用的字段：owner（方案只接受会被计算或执行的字段）' }]);
    expect(paths(countyPlan([stream({ rule: { kind: 'quarterly', month: 1, day: 10, months: [1] } })]))).toEqual(['reporting[0].rule']);
  });

  it('duplicate keys, calendar-day daily shifted, a stream that does nothing, a ladder that cannot be climbed', () => {
    expect(paths(countyPlan([stream({ rule: { kind: 'daily' } }), stream({ rule: { kind: 'daily' } })]))).toEqual(['reporting[1].key']);
    expect(paths(countyPlan([stream({ rule: { kind: 'daily', on: 'calendar-days' }, shift: 'next-working-day' })]))).toEqual(['reporting[0].shift']);
    expect(paths(countyPlan([stream({ rule: { kind: 'daily' }, reports: false })]))).toEqual(['reporting[0].reports']);
    const ladder = [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }];
    expect(paths(countyPlan([stream({ rule: { kind: 'daily' }, reports: false, circulars: true, ladder })]))).toEqual(['reporting[0].ladder']);
  });

  it('levels that are not below the region, or that the breakdown does not have', () => {
    const e = errorsOf(validatePlan(countyPlan([stream({ rule: { kind: 'daily' }, levels: ['county', 'village', 'town'] })]), BEFORE));
    expect(e).toEqual([{ path: 'reporting[0].levels[0]', message: '测试县为县（区）级区域，县（区）级不在其下，不能报送' }]);
    const noVillages = countyPlan([stream({ rule: { kind: 'daily' }, levels: ['town', 'village'] })]);
    (noVillages.breakdown as RegionNode[]).forEach((t) => (t.children = []));
    expect(errorsOf(validatePlan(noVillages, BEFORE))).toEqual([{ path: 'reporting[0].levels[1]', message: '任务分解中没有村（社区）级单位，「日报」在该层级无人报送' }]);
  });

  it('an override for a level that does not report, unknown phases, an end before the start', () => {
    expect(paths(countyPlan([stream({ rule: { kind: 'daily' }, byLevel: { village: { rule: { kind: 'daily' } } } })]))).toEqual(['reporting[0].byLevel.village']);
    expect(paths(countyPlan([stream({ rule: { kind: 'daily' }, start: { phase: 'nope' }, end: { phase: 'gone' } })]))).toEqual(['reporting[0].start.phase', 'reporting[0].end.phase']);
    expect(paths(countyPlan([stream({ rule: { kind: 'daily' }, start: '2023-11-02', end: '2023-11-01' })]))).toEqual(['reporting[0].end']);
    expect(paths(countyPlan([stream({ rule: { kind: 'daily' }, start: '2023-11-31' })]))).toEqual(['reporting[0].start']);
  });
});

describe('who reports, and which units run as workflows', () => {
  it('Lanchen: the street\'s communities report and run under the campaign', () => {
    const v = validated(example('lanchen-2024.yaml'), Date.parse('2024-05-01'));
    const layout = workflowLayout(v.plan);
    expect(layout.streams).toEqual([{ key: 'weekly', name: '征缴进度周报', reports: true, circulars: true, levels: [{ level: 'village', count: 12 }], total: 12, circularLevel: 'village' }]);
    expect(layout.workflowCount).toBe(12);
    expect(layout.units.every((u) => u.workflow && u.judged && u.workflowParent === '530502001' && u.streams[0] === 'weekly')).toBe(true);
    expect(layout.children).toEqual({ '530502001': 12 });
    expect(streamUnits(v.plan, 'weekly')[0]).toEqual({ code: '530502001001', name: '正阳社区', level: 'village' });
  });

  it('Jiangmen: counties and towns report and run as workflows (towns under their county); villages stay rows', () => {
    const v = validated(example('jiangmen-2023.yaml'));
    const layout = workflowLayout(v.plan);
    expect(layout.streams[0].levels).toEqual([{ level: 'county', count: 7 }, { level: 'town', count: 73 }]);
    expect(layout.workflowCount).toBe(80);
    expect(layout.children['440700']).toBe(7);
    expect(layout.largest).toEqual({ code: '440781', name: '台山市', count: 17 });
    const t = layout.units.find((u) => u.code === '440781100')!;
    expect(t).toMatchObject({ level: 'town', workflow: true, workflowParent: '440781' });
    expect(layout.units.filter((u) => u.level === 'village').every((u) => !u.workflow && u.workflowParent === null)).toBe(true);
  });

  it('Xiayi: 24 towns report daily and weekly; its 731 villages stay rows', () => {
    const plan = example('xiayi-county.yaml');
    const v = validated(plan, Date.parse('2012-04-01'));
    const layout = workflowLayout(v.plan);
    expect(layout.streams.map((s) => [s.key, s.total])).toEqual([['daily', 24], ['inspection', 24]]);
    expect(layout.units.filter((u) => u.level === 'village')).toHaveLength(731);
    expect(layout.workflowCount).toBe(24);
  });

  it('a level judged on pace runs as workflows without reporting, and parents the reporting units below it', () => {
    const esc = { ladder: [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }] };
    const villagesOnly = validated(countyPlan([stream({ rule: { kind: 'daily' }, levels: ['village'] })], { escalation: esc }));
    let layout = workflowLayout(villagesOnly.plan);
    expect(layout.units.filter((u) => u.level === 'town').map((u) => u.workflow)).toEqual([false, false]);
    expect(layout.children).toEqual({ '411426': 6 });
    const townsJudged = validated(countyPlan([stream({ rule: { kind: 'daily' }, levels: ['village'] })], { escalation: { ...esc, pace: { levels: ['town'] } } }));
    layout = workflowLayout(townsJudged.plan);
    expect(layout.units.filter((u) => u.level === 'town').map((u) => [u.workflow, u.judged, u.streams])).toEqual([
      [true, true, []],
      [true, true, []],
    ]);
    expect(layout.children).toEqual({ '411426': 2, '411426100': 3, '411426101': 3 });
    expect(errorsOf(validatePlan(countyPlan([stream({ rule: { kind: 'daily' } })], { escalation: { ...esc, pace: { levels: ['city'] } } }), BEFORE)).map((e) => e.path)).toEqual([
      'escalation.pace.levels[0]',
    ]);
  });

  it(`refuses a parent of more than ${MAX_CHILD_WORKFLOWS} workflows, with Temporal's limit in the message`, () => {
    // A county whose villages report directly under the campaign (no town workflows).
    const villages = (n: number) => Array.from({ length: n }, (_, i) => village(`411426${String(100 + Math.floor(i / 900)).padStart(3, '0')}${String((i % 900) + 100).padStart(3, '0')}`, `村${i + 1}`));
    const plan = (n: number) => ({ ...countyPlan([stream({ rule: { kind: 'weekly', weekday: 5 }, levels: ['village'] })]), breakdown: villages(n) });
    expect(validatePlan(plan(MAX_CHILD_WORKFLOWS), BEFORE).ok).toBe(true);
    expect(errorsOf(validatePlan(plan(MAX_CHILD_WORKFLOWS + 1), BEFORE))).toEqual([
      {
        path: 'breakdown',
        message:
          '测试县（411426）下有 2,001 个单位须以工作流运行（报送或被督办），超过 Temporal 单个父工作流 2,000 个子工作流的上限。请让更低层级不报送、作为数据行汇总，或由其上级单位逐级分担，或按省、市分别发起活动。',
      },
    ]);
  });
});

describe('lateness', () => {
  it('is at > dueAt: the whole due date counts, 24:00 itself is on time, a millisecond later is late', () => {
    const due = dueInstant('2023-10-16', '24:00', SH);
    expect(new Date(due).toISOString()).toBe('2023-10-16T16:00:00.000Z');
    expect(isLate(Date.parse('2023-10-16T15:59:59.999Z'), due)).toBe(false); // 23:59:59.999 Beijing
    expect(isLate(due, due)).toBe(false); // 24:00 exactly
    expect(isLate(due + 1, due)).toBe(true);
    const noon = dueInstant('2023-10-16', '12:00', SH);
    expect(isLate(noon, noon)).toBe(false);
    expect(isLate(noon + 60_000, noon)).toBe(true);
  });
});

describe('what the workflows schedule', () => {
  it('a unit keeps one schedule per stream its level reports in; the campaign drafts 通报 per stream that asks for them', () => {
    const v = validated(example('enterprise-expansion.yaml'), Date.parse('2022-04-01'));
    const ctx = { reporting: v.plan.reporting!, timeZone: SH, phases: v.phases, calendar: cal };
    expect(unitSchedules({ ...ctx, level: 'county' }).map((s) => [s.stream, s.periods.length, s.periods[0].key])).toEqual([
      ['xunbao', 20, 'xunbao:2022-05-20'],
      ['diaodu', 7, 'diaodu:2022-06-05'],
    ]);
    expect(unitSchedules({ ...ctx, level: 'town' })).toEqual([]);
    expect(circularSchedules(v.plan, v.phases, cal).map((c) => [c.stream, c.name, c.level, c.periods.map((p) => p.rawDate)])).toEqual([
      ['diaodu', '月调度', 'county', ['2022-06-05', '2022-07-05', '2022-08-05', '2022-09-05', '2022-10-05', '2022-11-05', '2022-12-05']],
      ['jitongbao', '季通报', 'county', ['2022-06-30', '2022-09-30', '2022-12-31']],
    ]);
    const jiangmen = validated(example('jiangmen-2023.yaml'));
    expect(circularSchedules(jiangmen.plan, jiangmen.phases, cal).map((c) => [c.stream, c.level, c.periods[0].key])).toEqual([['reports', 'county', '2023-10-15']]);
  });
});

describe('pace checks of units judged without reporting', () => {
  // Villages report a 日报 on working days and a weekly 周报; towns are judged on pace over them.
  const plan = (pace: Record<string, unknown>) =>
    validated(
      countyPlan(
        [
          stream({ rule: { kind: 'daily' }, levels: ['village'], start: '2023-11-01', end: '2023-11-10', dueTime: '17:00' }),
          { key: 'weekly', name: '周报', rule: { kind: 'weekly', weekday: 5 }, levels: ['village'], start: '2023-11-01', end: '2023-11-10' },
        ],
        { escalation: { ladder: [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }], pace: { phase: 'payment', ...pace } } },
      ),
    );
  const checks = (v: ReturnType<typeof validated>, level: 'town' | 'village' | 'county') =>
    paceCheckInstants({ reporting: v.plan.reporting!, escalation: v.plan.escalation, level, timeZone: SH, phases: v.phases, calendar: cal });

  it('a level named in pace.levels is checked at the pace-check streams’ due instants of the level below, once per instant', () => {
    const v = plan({ levels: ['town'], streams: ['daily'] });
    const got = checks(v, 'town');
    // Working days Nov 1–10, 2023 at 17:00 Beijing: Wed 1 … Fri 3, Mon 6 … Fri 10.
    expect(got.map((c) => c.key)).toEqual(['01', '02', '03', '06', '07', '08', '09', '10'].map((d) => `check:daily:2023-11-${d}`));
    expect(got[0].at).toBe(Date.parse('2023-11-01T09:00:00Z'));
    // Both streams judged: the weekly Friday 24:00 instants join the daily 17:00 ones.
    const both = checks(plan({ levels: ['town'] }), 'town');
    expect(both.filter((c) => c.key.startsWith('check:weekly:')).map((c) => [c.key, new Date(c.at).toISOString()])).toEqual([
      ['check:weekly:2023-11-03', '2023-11-03T16:00:00.000Z'],
      ['check:weekly:2023-11-10', '2023-11-10T16:00:00.000Z'],
    ]);
    expect(both).toHaveLength(10);
  });

  it('levels not named in pace.levels, and plans without it, have no such checks', () => {
    expect(checks(plan({ levels: ['town'] }), 'county')).toEqual([]);
    expect(checks(plan({}), 'town')).toEqual([]);
  });
});

// Every stream type the normalisation returns is plain JSON (a workflow carries it across continue-as-new).
it('normalised streams are plain JSON', () => {
  const v = validated(example('enterprise-expansion.yaml'), Date.parse('2022-04-01'));
  const streams: ReportingStream[] = reportingStreams(v.plan);
  expect(JSON.parse(JSON.stringify(streams))).toEqual(streams);
  expect(streams.map((s) => [s.key, s.name, s.reports, s.circulars])).toEqual([
    ['xunbao', '旬报告', true, false],
    ['diaodu', '月调度', true, true],
    ['jitongbao', '季通报', false, true],
  ]);
});
