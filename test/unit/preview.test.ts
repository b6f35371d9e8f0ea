// The preview before launch: every example plan validates and, moved into the future, previews with
// no warning but the calendar years not on file; what the preview shows (reach per stream, due dates
// with shift reasons, ladders, judged targets, milestones, the campaign's end, policy samples); and
// each warning it raises.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shippedCalendar } from '../../domain/calendar';
import { shiftPlanToStart, validatePlan, type Plan, type PlanInput } from '../../domain/plan';
import { previewPlan } from '../../domain/preview';
import { previewReporting } from '../../domain/schedule';
import { renderExamplePlans } from '../../scripts/gen-example-plans';

const cal = shippedCalendar();
const iso = (ms: number) => new Date(ms).toISOString();
const FILES = renderExamplePlans().map((r) => r.file);
const example = (file: string) => parse(readFileSync(new URL(`../../examples/plans/${file}`, import.meta.url), 'utf8')) as PlanInput;
const startOf = (p: PlanInput) => Date.parse(`${p.phases[0].start}T00:00:00+08:00`);

function validated(input: unknown, now: number) {
  const v = validatePlan(input, now);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v;
}

describe('every example plan', () => {
  it.each(FILES)('%s validates as of its start and, moved to 2031, previews with only calendar-year warnings', (file) => {
    const plan = example(file);
    validated(plan, startOf(plan));
    const shifted = shiftPlanToStart(plan, `2031${plan.phases[0].start.slice(4)}`);
    const v = validated(shifted, Date.parse('2030-06-01'));
    const p = previewPlan(v.plan, v.phases, cal);
    expect(p.warnings.filter((w) => w.code !== 'calendar-year-missing')).toEqual([]);
    expect(p.warnings.map((w) => w.year)).toContain(2031);
    for (const s of p.streams) {
      expect(s.total, s.key).toBeGreaterThan(0);
      for (const schedule of s.schedules) expect(schedule.periods.length, `${s.key} ${schedule.level}`).toBeGreaterThan(0);
    }
    // Plain JSON: what the API returns and a workflow may carry.
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('what the preview shows', () => {
  it('Lanchen 2024: 12 communities reporting weekly, both rates judged, the 公示 holding the campaign open to next February', () => {
    const input = example('lanchen-2024.yaml');
    const v = validated(input, startOf(input));
    const p = previewPlan(v.plan, v.phases, cal);
    expect(p.warnings).toEqual([]);
    expect(p.streams).toHaveLength(1);
    const s = p.streams[0];
    expect(s).toMatchObject({ key: 'weekly', name: '征缴进度周报', ruleText: '每周五', levels: [{ level: 'village', count: 12 }], total: 12, circulars: true, circularLevel: 'village', span: { start: '2024-05-10', end: '2024-07-25' }, paceChecks: true });
    expect(s.ladder?.map((r) => r.name)).toEqual(['提醒', '预警', '通报', '纪工委督导', '追责']);
    expect(s.schedules.map((x) => [x.stream, x.level, x.periods.length])).toEqual([['weekly', 'village', 11]]);
    // Dragon Boat Festival 2024: Friday June 7 is a working day, Friday June 14 too; nothing shifts.
    expect(s.schedules[0].periods.map((x) => x.key).slice(0, 2)).toEqual(['weekly:2024-05-10', 'weekly:2024-05-17']);
    expect(p.workflows).toEqual({ count: 12, byLevel: { village: 12 }, largest: { code: '530502001', name: '兰城街道', count: 12 } });
    expect(p.targets.metrics).toEqual([
      { metric: 'paymentRate', name: '征缴率', judgedUnits: 12, withTarget: 12, planTarget: 0.99 },
      { metric: 'mobileShare', name: '手机缴费率', judgedUnits: 12, withTarget: 12, planTarget: 0.99 },
    ]);
    expect(p.targets.pacePhase).toBe('collection');
    expect(p.milestones.map((m) => [m.key, m.dueDate, m.reminders.map((r) => r.date)])).toEqual([['publicity', '2025-02-28', ['2025-02-14', '2025-02-25']]]);
    expect(iso(p.endAt)).toBe('2025-02-28T16:00:00.000Z');
    expect(p.policy?.samples).toHaveLength(18); // no hardship block: one ordinary resident per tier
  });

  it('Jiangmen 2023: a shifted due date says why, and the deployment deadline on National Day is a warning', () => {
    const input = example('jiangmen-2023.yaml');
    const v = validated(input, startOf(input));
    const p = previewPlan(v.plan, v.phases, cal);
    expect(p.warnings).toEqual([
      {
        code: 'deadline-on-holiday',
        path: 'phases[0].deadline',
        message: {
          zh: '「工作部署阶段」截止日9月30日（周六）适逢中秋节、国庆节假期（9月29日至10月6日），阶段截止不顺延',
          en: 'Deployment: deadline Sat 2023-09-30 falls in the Mid-Autumn Festival and National Day holiday (Sep 29 - Oct 6); phase deadlines are not shifted',
        },
      },
    ]);
    const s = p.streams[0];
    expect(s).toMatchObject({ key: 'reports', legacy: true, ruleText: '每月1日、15日', levels: [{ level: 'county', count: 7 }, { level: 'town', count: 73 }] });
    expect(s.schedules[0].periods[0]).toMatchObject({ key: '2023-10-15', dueDate: '2023-10-16', reason: { zh: '10月15日（周日）为周末，顺延至10月16日（周一）' } });
    expect(p.workflows.count).toBe(80);
    expect(p.milestones[0]).toMatchObject({ key: 'publicity-october', dueDate: '2023-10-31' });
    const youfu = p.policy!.samples.find((x) => x.category === 'special-care');
    expect(youfu).toBeUndefined(); // not a paid group in Jiangmen
    expect(p.policy!.samples.find((x) => x.category === 'dibao' && x.contribution.tierFen === 18000)!.text.zh).toBe(
      '低保对象，180元档：政府代缴 120.00 元，个人缴纳 60.00 元，缴费补贴 30.00 元；财政：市级 30.00 元、县级 120.00 元。',
    );
  });

  it('the enterprise plan: three streams, the quarterly circular without reports, money and 扩面 judged on the 旬报 only', () => {
    const input = example('enterprise-expansion.yaml');
    const v = validated(input, startOf(input));
    const p = previewPlan(v.plan, v.phases, cal);
    expect(p.streams.map((s) => [s.key, s.ruleText, s.reports, s.circulars, s.paceChecks, s.schedules[0].periods.length, s.ladder?.length ?? null])).toEqual([
      ['xunbao', '每月10日、20日、30日（当月无该日的，为月末）', true, false, true, 20, 4],
      ['diaodu', '每月5日', true, true, false, 7, 4],
      ['jitongbao', '每季度第3个月31日（当月无该日的，为月末）', false, true, false, 3, null],
    ]);
    expect(p.targets.metrics.map((m) => [m.name, m.planTarget])).toEqual([
      ['扩面人数', 432_000],
      ['征缴金额', 43_000_000_000],
    ]);
    expect(p.milestones[0]).toMatchObject({ key: 'census', dueDate: '2022-07-25' });
    expect(iso(p.milestones[0].startAt!)).toBe('2022-05-04T16:00:00.000Z');
    // 2022's notice is not on file; 2023's puts New Year's Eve 2022 in the 元旦 holiday.
    expect(p.warnings.map((w) => [w.code, w.path ?? w.year])).toEqual([
      ['calendar-year-missing', 2022],
      ['deadline-on-holiday', 'phases[2].deadline'],
    ]);
    expect(p.warnings[1].message.zh).toBe('「总结验收阶段」截止日12月31日（周六）适逢元旦假期（2022年12月31日至2023年1月2日），阶段截止不顺延；未收录2022年节假日安排，暂按周末计');
    // The report-schedule view the API serves today lists every stream's levels.
    expect(previewReporting(v.plan, v.phases, cal).levels.map((l) => [l.stream, l.level, l.periods.length])).toEqual([
      ['xunbao', 'county', 20],
      ['diaodu', 'county', 7],
      ['jitongbao', 'county', 3],
    ]);
  });
});

describe('what the preview warns about', () => {
  const base = () => {
    const input = structuredClone(example('xiayi-county.yaml')) as any;
    // Enrolment (calendar-day daily reports) then runs Sep 18 - Nov 11 2023, through National Day.
    return shiftPlanToStart(input, '2023-09-04');
  };
  const preview = (input: unknown) => {
    const v = validated(input, Date.parse('2023-09-01'));
    return previewPlan(v.plan, v.phases, cal);
  };

  it('a stream with no due date in its span', () => {
    const p = base() as any;
    p.reporting[1].rule.months = [2];
    expect(preview(p).warnings).toEqual([
      { code: 'stream-no-periods', path: 'reporting[1]', message: { zh: '「每周督查」在镇（街道）级没有任何报送日（检查开始、结束日期和规则）', en: '"每周督查" has no due date for level town (check its start, end and rule)' } },
    ]);
  });

  it('due dates on holidays that the plan does not shift: a stream\'s and a milestone\'s', () => {
    const p = base() as any;
    p.reporting[1] = { ...p.reporting[1], rule: { kind: 'days-of-month', days: [1] }, shift: 'none' };
    p.milestones = [{ key: 'roster', name: '花名册送达各村', due: '2023-10-02' }];
    const w = preview(p).warnings;
    expect(w).toEqual([
      { code: 'deadline-on-holiday', path: 'reporting[1]', message: { zh: '「每周督查」镇（街道）级有 1 个报送日适逢节假日且不顺延：10月1日（周日）', en: '"每周督查" (town) has 1 due date(s) on public holidays, not shifted: Sun 2023-10-01' } },
      { code: 'deadline-on-holiday', path: 'milestones[0].due', message: { zh: '节点「花名册送达各村」的截止日10月2日（周一）适逢节假日，且未设顺延', en: 'milestone "花名册送达各村" is due on a public holiday, Mon 2023-10-02, not shifted' } },
    ]);
    // The daily calendar-day stream runs through National Day on purpose: no warning for it.
    expect(w.some((x) => x.path === 'reporting[0]')).toBe(false);
  });

  it('every calendar year the campaign touches without a notice on file, once each, first', () => {
    const p = shiftPlanToStart(example('lanchen-2024.yaml'), '2026-11-02') as any;
    const v = validated(p, Date.parse('2026-01-01'));
    const w = previewPlan(v.plan, v.phases, cal).warnings;
    expect(w.map((x) => [x.code, x.year])).toEqual([['calendar-year-missing', 2027]]);
    expect(w[0].message.zh).toBe('2027年节假日安排尚未公布，暂按周末计；录入该年安排后，2027年的截止日期可能变化');
  });

  it('a stream that reaches nobody (the preview of a plan that was not validated)', () => {
    const input = example('jiangmen-2023.yaml');
    const v = validated(input, startOf(input));
    const plan: Plan = { ...v.plan, reporting: { ...(v.plan.reporting as object), levels: ['village'] } as Plan['reporting'], breakdown: v.plan.breakdown.map((c) => ({ ...c, children: [] })) };
    expect(previewPlan(plan, v.phases, cal).warnings.filter((x) => x.code === 'stream-reaches-no-unit')).toEqual([
      { code: 'stream-reaches-no-unit', path: 'reporting', message: { zh: '「统计报表」的报送层级在任务分解中没有任何单位', en: '"统计报表" reaches no unit of the breakdown' } },
    ]);
  });
});
