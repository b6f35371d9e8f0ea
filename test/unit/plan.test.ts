// validatePlan: the schema and the consistency rules, each refusal asserted with its exact path;
// the shipped example plans; shiftPlanToStart; and the synthetic province plan.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  flattenBreakdown,
  shiftPlanToStart,
  validatePlan,
  type LegacyReporting,
  type Plan,
  type PlanInput,
  type PlanValidation,
  type RegionNode,
  type StreamSpec,
} from '../../domain/plan';
import { makeProvincePlan } from '../../domain/synthetic';
import { renderExamplePlans } from '../../scripts/gen-example-plans';

const PLANS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'plans');
const loadExample = (file: string): PlanInput => parse(readFileSync(join(PLANS_DIR, file), 'utf8')) as PlanInput;

const iso = (ms: number) => new Date(ms).toISOString();
/** 2023-09-01 00:00 Asia/Shanghai: before every deadline of the small plan below. */
const BEFORE = Date.parse('2023-08-31T16:00:00.000Z');

/** A small city plan with two counties, the first broken down to towns, all targets adding up. */
function smallPlan(): PlanInput {
  return {
    id: 'test-2023',
    title: '测试市2023年城乡居保参保工作方案',
    year: 2023,
    region: { code: '440700', name: '江门市', level: 'city' },
    timeZone: 'Asia/Shanghai',
    phases: [
      { key: 'deployment', name: { zh: '工作部署阶段', en: 'Deployment' }, start: '2023-09-28', deadline: '2023-09-30' },
      { key: 'mobilisation', name: { zh: '发动参保阶段', en: 'Mobilisation' }, start: '2023-10-01', deadline: '2023-10-31' },
      { key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: '2023-11-01', deadline: '2023-11-30' },
    ],
    targets: { enrolled: 1000, paying: 400 },
    breakdownRule: 'sum-equals',
    breakdown: [
      {
        code: '440703',
        name: '蓬江区',
        level: 'county',
        targets: { enrolled: 600, paying: 240 },
        children: [
          { code: '440703001', name: '环市街道', level: 'town', targets: { enrolled: 250, paying: 100 }, children: [] },
          { code: '440703100', name: '杜阮镇', level: 'town', targets: { enrolled: 350, paying: 140 }, children: [] },
        ],
      },
      { code: '440704', name: '江海区', level: 'county', targets: { enrolled: 400, paying: 160 }, children: [] },
    ],
    reporting: { rule: { kind: 'days-of-month', days: [1, 15] }, start: '2023-10-15', end: { phase: 'payment' } },
  };
}

/** A structured clone with one change applied, so every case starts from the valid plan. */
function variant(change: (p: any) => void): unknown {
  const p = structuredClone(smallPlan());
  change(p);
  return p;
}

function errorsOf(result: PlanValidation) {
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}
const pathsOf = (result: PlanValidation) => errorsOf(result).map((e) => e.path);

function counts(plan: Plan) {
  const by: Record<string, number> = {};
  for (const n of flattenBreakdown(plan)) by[n.level] = (by[n.level] ?? 0) + 1;
  return by;
}

/** Every parent's count targets equal the sum of its children's (walks the whole tree). */
function expectSumsExact(targets: Plan['targets'], children: RegionNode[]): void {
  if (children.length === 0) return;
  for (const field of ['enrolled', 'paying'] as const) {
    if (targets[field] === undefined) continue;
    expect(children.reduce((a, c) => a + (c.targets[field] ?? 0), 0)).toBe(targets[field]);
  }
  for (const c of children) expectSumsExact(c.targets, c.children);
}

describe('validatePlan accepts', () => {
  it('a valid plan, resolving bare dates to start-of-day and end-of-day instants in the plan zone', () => {
    const result = validatePlan(smallPlan(), BEFORE);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.phases.map((p) => [p.key, iso(p.startAt), iso(p.deadlineAt)])).toEqual([
      ['deployment', '2023-09-27T16:00:00.000Z', '2023-09-30T16:00:00.000Z'],
      ['mobilisation', '2023-09-30T16:00:00.000Z', '2023-10-31T16:00:00.000Z'],
      ['payment', '2023-10-31T16:00:00.000Z', '2023-11-30T16:00:00.000Z'],
    ]);
    // Defaults are filled in by the schema.
    const reporting = result.plan.reporting as LegacyReporting;
    expect(reporting.dueTime).toBe('24:00');
    expect(reporting.shift).toBe('next-working-day');
  });

  it('phases that touch (next start = previous deadline) and a one-day phase', () => {
    const p = variant((p) => {
      p.phases[0].start = '2023-09-30';
      p.phases[0].deadline = '2023-09-30';
    });
    expect(validatePlan(p, BEFORE).ok).toBe(true);
  });

  it('date-times with hours and minutes', () => {
    const p = variant((p) => {
      p.phases[0].start = '2023-09-28T09:00';
      p.phases[0].deadline = '2023-09-30T17:30:00';
    });
    const result = validatePlan(p, BEFORE);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(iso(result.phases[0].startAt)).toBe('2023-09-28T01:00:00.000Z');
    expect(iso(result.phases[0].deadlineAt)).toBe('2023-09-30T09:30:00.000Z');
  });

  it('a reporting rule overridden for one level only (byLevel is a partial record)', () => {
    const p = variant((p) => {
      p.reporting.byLevel = { town: { rule: { kind: 'weekly', weekday: 1 } } };
    });
    expect(validatePlan(p, BEFORE).ok).toBe(true);
  });

  it('children adding up to more than the parent under sum-at-least, and anything under none', () => {
    const over = (rule: string) =>
      variant((p) => {
        p.breakdownRule = rule;
        p.breakdown[1].targets.enrolled = 450;
      });
    expect(validatePlan(over('sum-at-least'), BEFORE).ok).toBe(true);
    expect(pathsOf(validatePlan(over('sum-equals'), BEFORE))).toEqual(['targets.enrolled']);
    const under = variant((p) => {
      p.breakdownRule = 'none';
      p.breakdown[1].targets.enrolled = 1;
    });
    expect(validatePlan(under, BEFORE).ok).toBe(true);
  });

  it('a breakdown that skips a level (city straight to towns)', () => {
    const p = variant((p) => {
      p.breakdown = [
        { code: '440703001', name: '环市街道', level: 'town', targets: { enrolled: 500, paying: 200 } },
        { code: '440703100', name: '杜阮镇', level: 'town', targets: { enrolled: 500, paying: 200 } },
      ];
    });
    expect(validatePlan(p, BEFORE).ok).toBe(true);
  });
});

describe('validatePlan refuses, naming the path', () => {
  it('overlapping phases at the later phase\'s start', () => {
    const p = variant((p) => {
      p.phases[1].start = '2023-09-30';
    });
    const errors = errorsOf(validatePlan(p, BEFORE));
    expect(errors.map((e) => e.path)).toEqual(['phases[1].start']);
    expect(errors[0].message).toContain('2023-09-30 00:00');
    expect(errors[0].message).toContain('2023-10-01 00:00');
  });

  it('phases out of order at the later phase\'s start', () => {
    const p = variant((p) => {
      [p.phases[1], p.phases[2]] = [p.phases[2], p.phases[1]];
    });
    expect(pathsOf(validatePlan(p, BEFORE))).toEqual(['phases[2].start']);
  });

  it('a deadline before its start', () => {
    const p = variant((p) => {
      p.phases[2].deadline = '2023-10-15';
    });
    expect(pathsOf(validatePlan(p, BEFORE))).toEqual(['phases[2].deadline']);
  });

  it('a date-time deadline equal to its start', () => {
    const p = variant((p) => {
      p.phases[0].start = '2023-09-28T09:00';
      p.phases[0].deadline = '2023-09-28T09:00';
    });
    expect(pathsOf(validatePlan(p, BEFORE))).toEqual(['phases[0].deadline']);
  });

  it('a duplicate phase key', () => {
    const p = variant((p) => {
      p.phases[1].key = 'deployment';
    });
    const errors = errorsOf(validatePlan(p, BEFORE));
    expect(errors).toEqual([{ path: 'phases[1].key', message: '阶段键 deployment 与 phases[0] 重复' }]);
  });

  it('a duplicate region code, at the second occurrence', () => {
    const p = variant((p) => {
      p.breakdown[0].children[1].code = '440703001';
    });
    const errors = errorsOf(validatePlan(p, BEFORE));
    expect(errors.map((e) => e.path)).toEqual(['breakdown[0].children[1].code']);
    expect(errors[0].message).toContain('breakdown[0].children[0].code');
  });

  it('a breakdown unit reusing the plan region\'s code', () => {
    const p = variant((p) => {
      p.breakdown[1].code = '440700';
    });
    expect(pathsOf(validatePlan(p, BEFORE))).toEqual(['breakdown[1].code']);
  });

  it('children not adding up to a county, at the county\'s target', () => {
    const p = variant((p) => {
      p.breakdown.push({
        code: '440705',
        name: '新会区',
        level: 'county',
        targets: { enrolled: 100, paying: 0 },
        children: [
          { code: '440705001', name: '会城街道', level: 'town', targets: { enrolled: 60, paying: 0 } },
          { code: '440705100', name: '大泽镇', level: 'town', targets: { enrolled: 39, paying: 0 } },
        ],
      });
      p.breakdown[1].targets.enrolled = 300; // keep the city's sum right: 600 + 300 + 100
    });
    const errors = errorsOf(validatePlan(p, BEFORE));
    expect(errors).toEqual([{ path: 'breakdown[2].targets.enrolled', message: '下级目标之和 99 应等于本级目标 100' }]);
  });

  it('counties not adding up to the city, at the plan\'s own target', () => {
    const p = variant((p) => {
      p.breakdown[1].targets.paying = 159;
    });
    expect(errorsOf(validatePlan(p, BEFORE))).toEqual([{ path: 'targets.paying', message: '下级目标之和 399 应等于本级目标 400' }]);
  });

  it('children short of the parent under sum-at-least', () => {
    const p = variant((p) => {
      p.breakdownRule = 'sum-at-least';
      p.breakdown[0].children[0].targets.enrolled = 249;
    });
    expect(errorsOf(validatePlan(p, BEFORE))).toEqual([
      { path: 'breakdown[0].targets.enrolled', message: '下级目标之和 599 应不少于本级目标 600' },
    ]);
  });

  it('an unknown key, at the object that holds it, naming the key', () => {
    const root = errorsOf(validatePlan(variant((p) => (p.owner = '市人社局')), BEFORE));
    expect(root.map((e) => e.path)).toEqual(['(plan)']);
    expect(root[0].message).toContain('owner');
    const phase = errorsOf(validatePlan(variant((p) => (p.phases[1].due = '2023-10-31')), BEFORE));
    expect(phase.map((e) => e.path)).toEqual(['phases[1]']);
    expect(phase[0].message).toContain('due');
    const node = errorsOf(validatePlan(variant((p) => (p.breakdown[0].children[1].population = 1)), BEFORE));
    expect(node.map((e) => e.path)).toEqual(['breakdown[0].children[1]']);
    const targets = errorsOf(validatePlan(variant((p) => (p.targets.insured = 1)), BEFORE));
    expect(targets.map((e) => e.path)).toEqual(['targets']);
  });

  it('a wrong date format', () => {
    expect(pathsOf(validatePlan(variant((p) => (p.phases[0].start = '2023/09/28')), BEFORE))).toEqual(['phases[0].start']);
    expect(pathsOf(validatePlan(variant((p) => (p.phases[1].deadline = '2023-10-31 24:00')), BEFORE))).toEqual([
      'phases[1].deadline',
    ]);
    expect(pathsOf(validatePlan(variant((p) => (p.phases[2].deadline = '2023-11-31')), BEFORE))).toEqual(['phases[2].deadline']);
    expect(pathsOf(validatePlan(variant((p) => (p.phases[0].start = '2023-9-28')), BEFORE))).toEqual(['phases[0].start']);
    // Reporting starts on a date, not a time.
    expect(pathsOf(validatePlan(variant((p) => (p.reporting.start = '2023-10-15T09:00')), BEFORE))).toEqual(['reporting.start']);
    // A YAML 1.1 reader would have made a Date object of an unquoted date.
    expect(pathsOf(validatePlan(variant((p) => (p.phases[0].start = new Date('2023-09-28'))), BEFORE))).toEqual([
      'phases[0].start',
    ]);
  });

  it('an unknown time zone', () => {
    const errors = errorsOf(validatePlan(variant((p) => (p.timeZone = 'Asia/Beijing')), BEFORE));
    expect(errors).toEqual([{ path: 'timeZone', message: '未知时区 Asia/Beijing' }]);
  });

  it('a plan whose every deadline has passed, at `phases`', () => {
    const lastDeadline = Date.parse('2023-11-30T16:00:00.000Z');
    expect(validatePlan(smallPlan(), lastDeadline - 1).ok).toBe(true);
    const errors = errorsOf(validatePlan(smallPlan(), lastDeadline));
    expect(errors.map((e) => e.path)).toEqual(['phases']);
    expect(errors[0].message).toContain('2023-12-01 00:00');
  });

  it('a unit at or above its parent\'s level', () => {
    const sameAsCity = variant((p) => {
      p.breakdown[1].level = 'city';
    });
    expect(pathsOf(validatePlan(sameAsCity, BEFORE))).toEqual(['breakdown[1].level']);
    const countyUnderCounty = variant((p) => {
      p.breakdown[0].children[0].level = 'county';
    });
    expect(pathsOf(validatePlan(countyUnderCounty, BEFORE))).toEqual(['breakdown[0].children[0].level']);
    const provinceUnderCity = variant((p) => {
      p.breakdown[0].level = 'province';
    });
    // Its towns are still below a province, so only the county itself is wrong.
    expect(pathsOf(validatePlan(provinceUnderCity, BEFORE))).toEqual(['breakdown[0].level']);
    const villageOverTown = variant((p) => {
      p.breakdown[1].level = 'village';
      p.breakdown[1].children = [{ code: '440704001', name: '江南街道', level: 'town', targets: { enrolled: 400, paying: 160 } }];
    });
    expect(pathsOf(validatePlan(villageOverTown, BEFORE))).toEqual(['breakdown[1].children[0].level']);
  });

  it('reporting that ends with an unknown phase', () => {
    const errors = errorsOf(validatePlan(variant((p) => (p.reporting.end = { phase: 'verification' })), BEFORE));
    expect(errors).toEqual([{ path: 'reporting.end.phase', message: '没有键为 verification 的阶段' }]);
  });

  it('schema violations: region code length, negative and fractional targets, rates above 1, no phases', () => {
    expect(pathsOf(validatePlan(variant((p) => (p.breakdown[0].children[0].code = '4407031')), BEFORE))).toEqual([
      'breakdown[0].children[0].code',
    ]);
    expect(pathsOf(validatePlan(variant((p) => (p.breakdown[1].targets.paying = -1)), BEFORE))).toEqual([
      'breakdown[1].targets.paying',
    ]);
    expect(pathsOf(validatePlan(variant((p) => (p.targets.enrolled = 1000.5)), BEFORE))).toEqual(['targets.enrolled']);
    expect(pathsOf(validatePlan(variant((p) => (p.targets.paymentRate = 1.01)), BEFORE))).toEqual(['targets.paymentRate']);
    expect(pathsOf(validatePlan(variant((p) => (p.phases = [])), BEFORE))).toEqual(['phases']);
  });

  it('several problems at once, all reported', () => {
    const p = variant((p) => {
      p.phases[1].start = '2023-09-29';
      p.breakdown[0].children[1].code = '440703001';
      p.reporting.end = { phase: 'nope' };
    });
    // All-past is judged only when the phases themselves are sound.
    expect(pathsOf(validatePlan(p, Date.parse('2030-01-01T00:00:00Z')))).toEqual([
      'phases[1].start',
      'breakdown[0].children[1].code',
      'reporting.end.phase',
    ]);
  });
});

describe('the shipped example plans', () => {
  const jiangmen = loadExample('jiangmen-2023.yaml');
  const lanchen = loadExample('lanchen-2024.yaml');

  it('jiangmen-2023 validates before its last deadline: 4 phases, 7 counties, ~70 towns, ~1,300 villages', () => {
    const result = validatePlan(jiangmen, Date.parse('2023-12-31T15:59:59.999Z'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { plan } = result;
    expect(plan.id).toBe('jiangmen-2023');
    expect(plan.title).toBe('江门市2023年城乡居民基本养老保险参保缴费工作方案');
    expect(plan.region).toEqual({ code: '440700', name: '江门市', level: 'city' });
    expect(result.phases.map((p) => [p.key, p.nameZh, iso(p.startAt), iso(p.deadlineAt)])).toEqual([
      ['deployment', '工作部署阶段', '2023-09-27T16:00:00.000Z', '2023-09-30T16:00:00.000Z'],
      ['mobilisation', '发动参保阶段', '2023-09-30T16:00:00.000Z', '2023-10-31T16:00:00.000Z'],
      ['payment', '参保缴费阶段', '2023-10-31T16:00:00.000Z', '2023-11-30T16:00:00.000Z'],
      ['verification', '核查验收阶段', '2023-11-30T16:00:00.000Z', '2023-12-31T16:00:00.000Z'],
    ]);
    expect(plan.targets).toEqual({ enrolled: 1_470_000, paying: 564_000 });
    expect(plan.breakdownRule).toBe('sum-equals');
    expect(plan.breakdown.map((c) => `${c.code} ${c.name}`)).toEqual([
      '440703 蓬江区',
      '440704 江海区',
      '440705 新会区',
      '440781 台山市',
      '440783 开平市',
      '440784 鹤山市',
      '440785 恩平市',
    ]);
    const by = counts(plan);
    expect(by.county).toBe(7);
    expect(by.town).toBeGreaterThanOrEqual(60);
    expect(by.town).toBeLessThanOrEqual(80);
    expect(by.village).toBeGreaterThanOrEqual(1_200);
    expect(by.village).toBeLessThanOrEqual(1_400);
    expectSumsExact(plan.targets, plan.breakdown);
    // Codes nest: counties are 4407xx, a town's code extends its county's, a village's its town's.
    for (const n of flattenBreakdown(plan)) {
      if (n.level === 'county') expect(n.code).toMatch(/^4407\d{2}$/);
      else expect(n.code).toMatch(new RegExp(`^${n.parentCode}\\d{3}$`));
    }
    expect(plan.contributionPolicy?.tiers).toEqual([180, 240, 360, 600, 900, 1200, 1800, 3600, 4800]);
    // The five groups the text names: a 重点优抚对象 is not paid for in Jiangmen.
    expect(plan.contributionPolicy?.hardship).toEqual({
      mode: 'full-minimum',
      minimum: 120,
      paidCategories: ['fanpin', 'dibao', 'tekun', 'severe-disability', 'mental-intellectual'],
    });
    expect(plan.milestones).toMatchObject([{ key: 'publicity-october', start: '2023-10-01', due: '2023-10-31', levels: ['county'] }]);
    expect(plan.contributionPolicy?.subsidies).toEqual([
      { fromTier: 120, toTier: 360, amount: 30 },
      { fromTier: 600, amount: 60 },
    ]);
    expect(plan.reporting).toMatchObject({
      rule: { kind: 'days-of-month', days: [1, 15] },
      start: '2023-10-15',
      shift: 'next-working-day',
    });
    expect(plan.escalation?.ladder.map((r) => [r.rung, r.name])).toEqual([
      ['reminder', '提醒'],
      ['warning', '预警'],
      ['circular', '通报批评'],
      ['supervision', '督办'],
      ['accountability', '问责'],
    ]);
  });

  it('lanchen-2024 validates before its deadline: one collection phase, 99% rates judged per community, 18 tiers, the 公示 milestone', () => {
    const result = validatePlan(lanchen, Date.parse('2024-05-01T00:00:00.000Z'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { plan } = result;
    expect(plan.id).toBe('lanchen-2024');
    expect(plan.region).toEqual({ code: '530502001', name: '兰城街道', level: 'town' });
    expect(result.phases.map((p) => [p.key, p.nameZh, iso(p.startAt), iso(p.deadlineAt)])).toEqual([
      ['collection', '集中征缴', '2024-04-30T16:00:00.000Z', '2024-07-25T16:00:00.000Z'],
    ]);
    expect(plan.targets).toEqual({ headcount: 23_460, paymentRate: 0.99, mobileShare: 0.99 });
    expect(plan.escalation?.pace?.metrics).toEqual(['paymentRate', 'mobileShare']);
    expect(plan.contributionPolicy?.tiers).toEqual([
      200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000,
    ]);
    expect(plan.contributionPolicy?.allowUpgrade).toBe(true);
    // The communities report (a street-level plan): a stream at the village level.
    expect(plan.reporting).toMatchObject([{ key: 'weekly', levels: ['village'], rule: { kind: 'weekly', weekday: 5 }, circulars: true }]);
    expect(plan.milestones).toMatchObject([{ key: 'publicity', due: '2025-02-28', levels: ['village'] }]);
    const by = counts(plan);
    expect(Object.keys(by)).toEqual(['village']);
    expect(by.village).toBeGreaterThanOrEqual(10);
    expect(by.village).toBeLessThanOrEqual(15);
    for (const c of plan.breakdown) {
      expect(c.code).toMatch(/^530502001\d{3}$/);
      expect(c.name).toMatch(/社区$/);
    }
    expect(plan.breakdown.reduce((a, c) => a + c.targets.headcount!, 0)).toBe(23_460);
  });

  it('are exactly what scripts/gen-example-plans.ts writes (stable, not hand-edited)', () => {
    const rendered = renderExamplePlans();
    expect(rendered.map((r) => r.file)).toEqual([
      'jiangmen-2023.yaml',
      'lanchen-2024.yaml',
      'dongfang.yaml',
      'xiayi-county.yaml',
      'changchun-2011.yaml',
      'enterprise-expansion.yaml',
    ]);
    for (const { file, text } of rendered) {
      expect(text).toBe(readFileSync(join(PLANS_DIR, file), 'utf8'));
      expect(text.startsWith('#')).toBe(true);
    }
    expect(rendered[0].text).toContain('BELOW THE COUNTY LEVEL IS MADE UP');
  });

  it('all are refused as all-past today', () => {
    const now = Date.now();
    for (const { file } of renderExamplePlans()) {
      const errors = errorsOf(validatePlan(loadExample(file), now));
      expect(errors.map((e) => e.path), file).toEqual(['phases']);
    }
  });

  it('shiftPlanToStart moves Jiangmen into 2031, keeping every duration', () => {
    const before = structuredClone(jiangmen);
    const shifted = shiftPlanToStart(jiangmen, '2031-09-28', { id: 'jiangmen-2031' });
    expect(jiangmen).toEqual(before); // the input is not modified
    expect(shifted.id).toBe('jiangmen-2031');
    expect(shifted.year).toBe(2031);
    expect(shifted.phases.map((p) => [p.start, p.deadline])).toEqual([
      ['2031-09-28', '2031-09-30'],
      ['2031-10-01', '2031-10-31'],
      ['2031-11-01', '2031-11-30'],
      ['2031-12-01', '2031-12-31'],
    ]);
    expect((shifted.reporting as LegacyReporting).start).toBe('2031-10-15');
    expect((shifted.reporting as LegacyReporting).end).toEqual({ phase: 'verification' });

    const result = validatePlan(shifted, Date.parse('2031-01-01T00:00:00.000Z'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.phases.map((p) => [p.key, iso(p.startAt), iso(p.deadlineAt)])).toEqual([
      ['deployment', '2031-09-27T16:00:00.000Z', '2031-09-30T16:00:00.000Z'],
      ['mobilisation', '2031-09-30T16:00:00.000Z', '2031-10-31T16:00:00.000Z'],
      ['payment', '2031-10-31T16:00:00.000Z', '2031-11-30T16:00:00.000Z'],
      ['verification', '2031-11-30T16:00:00.000Z', '2031-12-31T16:00:00.000Z'],
    ]);
    const original = validatePlan(jiangmen, Date.parse('2023-01-01T00:00:00.000Z'));
    if (!original.ok) throw new Error(JSON.stringify(original.errors));
    expect(result.phases.map((p) => p.deadlineAt - p.startAt)).toEqual(original.phases.map((p) => p.deadlineAt - p.startAt));
    // 8 years with two leap days (2024, 2028) between the two starts.
    expect(result.phases[0].startAt - original.phases[0].startAt).toBe(2922 * 86_400_000);
  });

  it('shiftPlanToStart moves Lanchen across a year boundary and back again', () => {
    const shifted = shiftPlanToStart(lanchen, '2030-02-27');
    expect(shifted.year).toBe(2030);
    // May 1 -> Jul 25 is 85 days; from Feb 27 2030 (no leap day) that ends on May 23.
    expect(shifted.phases).toEqual([{ ...lanchen.phases[0], start: '2030-02-27', deadline: '2030-05-23' }]);
    expect((shifted.reporting as StreamSpec[])[0].start).toBe('2030-03-08');
    // The 公示 due 2025-02-28, 303 days after the start, keeps that distance.
    expect(shifted.milestones?.[0].due).toBe('2030-12-27');
    const back = shiftPlanToStart(shifted, '2024-05-01');
    expect(back.phases).toEqual(lanchen.phases);
    expect(back.reporting).toEqual(lanchen.reporting);
    expect(back.milestones).toEqual(lanchen.milestones);
    expect(back.year).toBe(2024);
  });
});

describe('makeProvincePlan', () => {
  it('builds a valid province plan with 100 counties and 1,500 towns, targets adding up', () => {
    const plan = makeProvincePlan({ startDate: '2031-09-28' });
    const result = validatePlan(plan, Date.parse('2031-09-27T16:00:00.000Z'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 5)));
    expect(result.plan.region.level).toBe('province');
    expect(counts(result.plan)).toEqual({ county: 100, town: 1_500 });
    expectSumsExact(result.plan.targets, result.plan.breakdown);
    expect(result.phases.map((p) => [p.key, iso(p.startAt), iso(p.deadlineAt)])).toEqual([
      ['deployment', '2031-09-27T16:00:00.000Z', '2031-09-30T16:00:00.000Z'],
      ['mobilisation', '2031-09-30T16:00:00.000Z', '2031-10-31T16:00:00.000Z'],
      ['payment', '2031-10-31T16:00:00.000Z', '2031-11-30T16:00:00.000Z'],
      ['verification', '2031-11-30T16:00:00.000Z', '2031-12-31T16:00:00.000Z'],
    ]);
    // Already complete: the schema adds nothing.
    expect(result.plan).toEqual(plan);
  });

  it('is deterministic and honours id, phaseDays and villages', () => {
    expect(makeProvincePlan({ startDate: '2030-01-01' })).toEqual(makeProvincePlan({ startDate: '2030-01-01' }));
    const plan = makeProvincePlan({
      counties: 3,
      townsPerCounty: 4,
      villagesPerTown: 5,
      startDate: '2028-02-27',
      id: 'bench-small',
      phaseDays: [1, 2, 3, 4],
    });
    expect(plan.id).toBe('bench-small');
    expect(plan.year).toBe(2028);
    expect(plan.phases.map((p) => [p.start, p.deadline])).toEqual([
      ['2028-02-27', '2028-02-27'],
      ['2028-02-28', '2028-02-29'],
      ['2028-03-01', '2028-03-03'],
      ['2028-03-04', '2028-03-07'],
    ]);
    const result = validatePlan(plan, Date.parse('2028-01-01T00:00:00Z'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(counts(result.plan)).toEqual({ county: 3, town: 12, village: 60 });
    expectSumsExact(result.plan.targets, result.plan.breakdown);
  });

  it('refuses impossible sizes and dates', () => {
    expect(() => makeProvincePlan({ startDate: '2031-02-30' })).toThrow(RangeError);
    expect(() => makeProvincePlan({ startDate: '2031-09-28', townsPerCounty: 1_000 })).toThrow(RangeError);
    expect(() => makeProvincePlan({ startDate: '2031-09-28', counties: 0 })).toThrow(RangeError);
    expect(() => makeProvincePlan({ startDate: '2031-09-28', phaseDays: [1, 0, 1, 1] })).toThrow(RangeError);
  });
});

describe('a field the product does not use is refused anywhere, with its path', () => {
  /** Every plain object in a parsed plan, with its path as validatePlan writes it. */
  function objectsOf(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; node: Record<string, unknown> }> {
    if (Array.isArray(value)) return value.flatMap((v, i) => objectsOf(v, [...path, i]));
    if (value === null || typeof value !== 'object') return [];
    const node = value as Record<string, unknown>;
    return [{ path, node }, ...Object.entries(node).flatMap(([k, v]) => objectsOf(v, [...path, k]))];
  }
  const formatted = (path: Array<string | number>) => path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '') || '(plan)';

  it.each(['lanchen-2024.yaml', 'dongfang.yaml', 'changchun-2011.yaml', 'enterprise-expansion.yaml'])('%s: every object of the plan', (file) => {
    const plan = loadExample(file);
    const at = Date.parse(`${plan.phases[0].start}T00:00:00+08:00`);
    expect(validatePlan(plan, at).ok).toBe(true);
    const objects = objectsOf(plan);
    expect(objects.length).toBeGreaterThan(30);
    for (const { path } of objects) {
      const copy = structuredClone(plan) as unknown;
      const target = path.reduce<any>((o, seg) => o[seg], copy);
      target.unusedField = 1;
      const errors = errorsOf(validatePlan(copy, at));
      const where = formatted(path);
      // perCategory is keyed by category: an unknown key there is an unknown category.
      const expected = where.endsWith('perCategory') ? /类别/ : /含产品不使用的字段：unusedField/;
      expect(errors, where).toContainEqual({ path: where, message: expect.stringMatching(expected) });
    }
  });
});
