// The plan wizard's model (web/src/features/launch/model.ts): what the forms build is the plan the
// YAML produces and domain/plan.ts validates; YAML and back loses nothing; rows make the tree.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../domain/plan';
import {
  appendPhase,
  breakdownRows,
  draftFromExample,
  emptyDraft,
  fromYaml,
  issuesByStep,
  levelOfCode,
  newStream,
  parseDays,
  parsePastedRows,
  parsePercent,
  planObject,
  renamePhase,
  ruleOfKind,
  rowsToBreakdown,
  stepOfIssue,
  stepOfPath,
  toYaml,
  withRule,
  type BreakdownRow,
  type Draft,
} from '../../web/src/features/launch/model';

const TODAY = '2026-12-01';
const NOW = Date.parse('2026-12-01T12:00:00+08:00');

/** What the browser test's official builds: a city, two phases, three counties, a weekly report, a ladder. */
function builtPlan(): Draft {
  const d = emptyDraft(TODAY);
  d.id = 'wizard-2027';
  d.title = '示例市2027年度城乡居民基本养老保险征缴工作方案';
  d.region = { code: '990100', name: '示例市', level: 'city' };
  d.phases = renamePhase(d.phases!, 1, '参保缴费阶段');
  d.targets = { enrolled: 3000 };
  const rows: BreakdownRow[] = [
    { code: '990101', name: '甲区', level: 'county', parentCode: '990100', targets: { enrolled: 1000 } },
    { code: '990102', name: '乙区', level: 'county', parentCode: '990100', targets: { enrolled: 1200 } },
    { code: '990103', name: '丙县', level: 'county', parentCode: '990100', targets: { enrolled: 800, paying: undefined } },
  ];
  d.breakdown = rowsToBreakdown(rows);
  d.reporting = [newStream([], d.phases)];
  d.escalation = { ladder: [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }, { rung: 'warning', name: '预警', delayWorkingDays: 2, notify: ['unit', 'parent'] }] };
  d.contributionPolicy = { tiers: [200, 300, 500], subsidies: [{ fromTier: 200, toTier: 200, amount: 30 }, { fromTier: 300, amount: 40 }] };
  return d;
}

describe('plan wizard model', () => {
  it('builds a plan the domain accepts, equal after YAML and back', () => {
    const draft = builtPlan();
    const result = validatePlan(planObject(draft), NOW);
    expect(result.ok ? [] : result.errors).toEqual([]);
    // One unit short of the region's target: the domain says so, and the wizard shows it on the breakdown step.
    const short = validatePlan(planObject({ ...draft, targets: { enrolled: 3100 } }), NOW);
    expect(short.ok ? [] : short.errors.map(stepOfIssue)).toEqual(['breakdown']);
    const back = fromYaml(toYaml(draft));
    expect(back.ok && back.draft).toEqual(planObject(draft));
    expect(toYaml(draft)).not.toContain('paying'); // the emptied field is not sent
  });

  it('starts an empty plan whose only problems are the basics left to fill', () => {
    const result = validatePlan(planObject(emptyDraft(TODAY)), NOW);
    expect(result.ok).toBe(false);
    const steps = new Set(!result.ok ? result.errors.map((e) => stepOfPath(e.path)) : []);
    expect([...steps]).toEqual(['basics']);
  });

  it('moves an example into the future under a new id and keeps every field', () => {
    const example = parse(readFileSync(new URL('../../examples/plans/dongfang.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
    const draft = draftFromExample(example, TODAY);
    expect(draft.id).toBe('dongfang-2026');
    expect(draft.phases![0].start).toBe('2026-12-08');
    expect(Object.keys(draft).sort()).toEqual(Object.keys(example).sort());
    expect(draft.contributionPolicy).toEqual(example.contributionPolicy);
    const result = validatePlan(planObject(draft), NOW);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('sends each issue to the step that holds its field', () => {
    expect(stepOfPath('phases[1].deadline')).toBe('phases');
    expect(stepOfPath('region.code')).toBe('basics');
    expect(stepOfPath('targets.enrolled')).toBe('targets');
    expect(stepOfPath('breakdown[0].children[2].code')).toBe('breakdown');
    expect(stepOfPath('reporting[0].rule.days[0]')).toBe('reporting');
    expect(stepOfPath('escalation.ladder')).toBe('escalation');
    expect(stepOfPath('contributionPolicy.tiers')).toBe('policy');
    expect(stepOfPath('milestones[0].due')).toBe('preview');
    // The region's sum is fixed where the units are entered.
    expect(stepOfIssue({ path: 'targets.enrolled', message: '下级目标之和 2900 应等于本级目标 3000' })).toBe('breakdown');
    expect(stepOfIssue({ path: 'targets.enrolled', message: '不能为负数' })).toBe('targets');
    const grouped = issuesByStep([{ path: 'title', message: 'a' }, { path: 'phases', message: 'b' }]);
    expect(grouped.basics).toHaveLength(1);
    expect(grouped.phases).toHaveLength(1);
    expect(grouped.policy).toEqual([]);
  });

  it('turns rows into the tree and back, villages under their town', () => {
    const rows: BreakdownRow[] = [
      { code: '990101', name: '甲区', level: 'county', parentCode: '990100', targets: {} },
      { code: '990101001', name: '甲镇', level: 'town', parentCode: '990101', targets: { enrolled: 10 } },
      { code: '990102', name: '乙区', level: 'county', parentCode: '', targets: {} },
    ];
    const tree = rowsToBreakdown(rows);
    expect(tree.map((n) => n.code)).toEqual(['990101', '990102']);
    expect(tree[0].children.map((n) => n.name)).toEqual(['甲镇']);
    const draft: Draft = { region: { code: '990100', name: '示例市', level: 'city' }, breakdown: tree };
    expect(breakdownRows(draft).map((r) => [r.code, r.parentCode])).toEqual([
      ['990101', '990100'],
      ['990101001', '990101'],
      ['990102', '990100'],
    ]);
    // A row naming itself as its parent is kept, at the top, for the server to judge.
    expect(rowsToBreakdown([{ ...rows[0], parentCode: '990101' }])).toHaveLength(1);
  });

  it('reads what officials type', () => {
    expect(parseDays('5、15，25')).toEqual([5, 15, 25]);
    expect(parseDays('32')).toBeNull();
    expect(parsePercent('95.5')).toBe(0.955);
    expect(parsePercent('')).toBeUndefined();
    expect(levelOfCode('440700')).toBe('city');
    expect(levelOfCode('440703')).toBe('county');
    expect(levelOfCode('440703001')).toBe('town');
  });

  it('names new phases and keeps keys unique; calendar-day streams are never shifted', () => {
    const phases = appendPhase(emptyDraft(TODAY).phases!, TODAY);
    expect(phases[2].start).toBe('2027-04-08');
    const named = renamePhase(phases, 2, '总结验收阶段');
    expect(named[2].name).toEqual({ zh: '总结验收阶段', en: 'Review' });
    expect(named[2].key).toBe('phase-3');
    const stream = withRule(newStream([], phases), ruleOfKind('calendar-days'));
    expect(stream.rule).toEqual({ kind: 'daily', on: 'calendar-days' });
    expect(stream.shift).toBeUndefined();
  });

  it('says where YAML is wrong, in Chinese', () => {
    const bad = fromYaml('id: x\ntitle: [a\n');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^第 \d+ 行第 \d+ 列的 YAML 写法有误/);
    const list = fromYaml('- a\n- b\n');
    expect(!list.ok && list.message).toContain('不是单个值或列表');
  });
});

describe('rows pasted from a spreadsheet', () => {
  it('reads code, name, parent and target, and names each refused row by row and column', () => {
    const text = ['区划代码\t单位名称\t上级代码\t参保人数', '990101\t甲区\t\t1,000', '990101001\t甲镇\t990101\t400', '99010\t乙区\t\t5', '990102\t\t\t5', '990103\t丙县\t\t很多', ''].join('\n');
    const { rows, errors } = parsePastedRows(text, 'enrolled', '990100');
    expect(rows).toEqual([
      { code: '990101', name: '甲区', level: 'county', parentCode: '990100', targets: { enrolled: 1000 } },
      { code: '990101001', name: '甲镇', level: 'town', parentCode: '990101', targets: { enrolled: 400 } },
    ]);
    expect(errors).toEqual([
      { row: 4, column: '区划代码', reason: '“99010”不是 6、9 或 12 位的区划代码' },
      { row: 5, column: '单位名称', reason: '不能为空' },
      { row: 6, column: '目标', reason: '“很多”不是非负整数' },
    ]);
  });
});
