// Judged targets: headcount and the rates of it (参保率, 征缴率), the mobile-payment floor (手机缴费率),
// money with its stretch amount, 扩面 above a baseline; each evaluated on pace and at the deadline with
// its reason in Chinese; thresholds inherited down the breakdown; the plan-level refusals.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluatePace, judgedMetrics, paceCheckStreams, targetMissedReason, type PhaseWindow } from '../../domain/escalation';
import { validatePlan, type PlanInput, type PlanValidation } from '../../domain/plan';
import { effectiveTargets } from '../../domain/regions';
import { evaluateMetric, evaluateTargets, formatFen, inheritTargets, stretchStatus, targetMissed, type UnitFigures } from '../../domain/targets';

const TZ = 'Asia/Shanghai';
const example = (file: string) => parse(readFileSync(new URL(`../../examples/plans/${file}`, import.meta.url), 'utf8')) as PlanInput;
const figures = (f: Partial<UnitFigures>): UnitFigures => ({ enrolled: 0, paid: 0, mobilePaid: 0, amountFen: 0, ...f });
/** 2024-06-12 24:00 in Beijing. */
const AT = Date.parse('2024-06-12T16:00:00Z');
const judge = (metric: Parameters<typeof evaluateMetric>[0]['metric'], targets: Parameters<typeof evaluateMetric>[0]['targets'], f: Partial<UnitFigures>, expectedShare = 0.5) =>
  evaluateMetric({ metric, targets, figures: figures(f), expectedShare, margin: 0.05, at: AT, timeZone: TZ });

function errorsOf(result: PlanValidation) {
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

describe('rates of the headcount (参保率, 征缴率)', () => {
  it('征缴率 = paying ÷ headcount, behind when the share of the target trails the pace beyond the margin', () => {
    const e = judge('paymentRate', { headcount: 1000, paymentRate: 0.99 }, { paid: 400 })!;
    expect(e).toMatchObject({ metric: 'paymentRate', behind: true, target: 0.99, actual: 0.4, numerator: 400, denominator: 1000 });
    expect(e.expected).toBeCloseTo(0.495, 10);
    expect(e.reason.zh).toBe(
      '截至 2024-06-12 24:00，征缴率 40.0%（缴费 400 人 ÷ 应参保 1,000 人），为目标 99.0% 的 40.4%；按序时进度应达 49.5%（目标的 50.0%），落后 9.6 个百分点，超过允许的 5.0 个百分点。',
    );
    expect(e.reason.en).toMatch(/^As of 2024-06-12 24:00, the payment rate is 40\.0% \(400 paying of a headcount of 1,000\)/);
    const ok = judge('paymentRate', { headcount: 1000, paymentRate: 0.99 }, { paid: 460 })!;
    expect(ok.behind).toBe(false);
    expect(ok.reason.zh).toBe('截至 2024-06-12 24:00，征缴率 46.0%（缴费 460 人 ÷ 应参保 1,000 人），为目标 99.0% 的 46.5%，序时进度 50.0%，在允许范围内。');
  });

  it('参保率 = enrolled ÷ headcount; no headcount or no threshold, no judgement', () => {
    const e = judge('enrolmentRate', { headcount: 2000, enrolmentRate: 0.6 }, { enrolled: 300 }, 0.5)!;
    expect(e.behind).toBe(true);
    expect(e.reason.zh).toContain('参保率 15.0%（参保 300 人 ÷ 应参保 2,000 人）');
    expect(judge('enrolmentRate', { enrolmentRate: 0.6 }, { enrolled: 300 })).toBeNull();
    expect(judge('enrolmentRate', { headcount: 2000 }, { enrolled: 300 })).toBeNull();
  });
});

describe('the mobile-payment floor (手机缴费率 = mobile ÷ paid)', () => {
  it('is judged as it stands, not on the pace curve', () => {
    const e = judge('mobileShare', { mobileShare: 0.99 }, { paid: 1000, mobilePaid: 930 }, 0.1)!;
    expect(e).toMatchObject({ behind: true, target: 0.99, actual: 0.93, expected: 0.99 });
    expect(e.reason.zh).toBe('截至 2024-06-12 24:00，手机缴费率 93.0%（手机缴费 930 人 ÷ 缴费 1,000 人），低于目标 99.0% 6.0 个百分点，超过允许的 5.0 个百分点。');
    const ok = judge('mobileShare', { mobileShare: 0.99 }, { paid: 1000, mobilePaid: 960 })!;
    expect(ok.behind).toBe(false);
    expect(ok.reason.zh).toBe('截至 2024-06-12 24:00，手机缴费率 96.0%（手机缴费 960 人 ÷ 缴费 1,000 人），目标 99.0%，在允许范围内。');
    // Nobody has paid yet: there is no share to judge.
    expect(judge('mobileShare', { mobileShare: 0.99 }, { paid: 0 })).toBeNull();
  });
});

describe('money and 扩面', () => {
  it('征缴金额 in fen, written in 亿元, its stretch reported beside it', () => {
    const e = judge('amount', { amountFen: 43_000_000_000, amountStretchFen: 45_000_000_000 }, { amountFen: 12_000_000_000 })!;
    expect(e).toMatchObject({ behind: true, target: 43_000_000_000, expected: 21_500_000_000, stretch: 45_000_000_000 });
    expect(e.reason.zh).toBe('截至 2024-06-12 24:00，征缴金额 1.20亿元（目标 4.30亿元 的 27.9%），按序时进度应达 2.15亿元（50.0%），落后 22.1 个百分点，超过允许的 5.0 个百分点。');
    expect(stretchStatus({ ...e, actual: 46_000_000_000 })?.zh).toBe('已达到力争目标 4.50亿元');
    expect(stretchStatus({ ...e, actual: 44_000_000_000 })?.zh).toBe('已完成目标 4.30亿元，距力争目标 4.50亿元 尚差 1000.00万元');
    expect(stretchStatus({ ...e, actual: 1 })?.zh).toBe('未完成目标 4.30亿元（力争 4.50亿元）');
    expect([formatFen(123_450), formatFen(123_456_789), formatFen(43_000_000_000)]).toEqual(['1,234.50元', '123.46万元', '4.30亿元']);
  });

  it('扩面 = enrolled − baseline, against the increase target', () => {
    const e = judge('enrolledIncrease', { baselineEnrolled: 1_850_000, enrolledIncrease: 432_000 }, { enrolled: 1_950_000 })!;
    expect(e).toMatchObject({ behind: true, actual: 100_000, target: 432_000, expected: 216_000 });
    expect(e.reason.zh).toBe(
      '截至 2024-06-12 24:00，扩面人数 100,000（参保 1,950,000 人 − 扩面基数 1,850,000 人；目标 432,000 的 23.1%），按序时进度应达 216,000（50.0%），落后 26.9 个百分点，超过允许的 5.0 个百分点。',
    );
  });

  it('counts keep the wording the pace track has always used', () => {
    const legacy = evaluatePace({ metric: 'paying', target: 9000, actual: 3200, expectedShare: 0.5, margin: 0.05, at: AT, timeZone: TZ })!;
    const now = judge('paying', { paying: 9000 }, { paid: 3200 })!;
    expect(now.reason).toEqual(legacy.reason);
    expect(now.reason.zh).toBe('截至 2024-06-12 24:00，缴费人数 3,200（目标 9,000 的 35.6%），按序时进度应达 4,500（50.0%），落后 14.4 个百分点，超过允许的 5.0 个百分点。');
  });

  it('evaluateTargets judges the named metrics a unit has targets for, in the plan\'s order', () => {
    const list = evaluateTargets({
      metrics: ['paymentRate', 'amount', 'mobileShare'],
      targets: { headcount: 1000, paymentRate: 0.99, mobileShare: 0.99 },
      figures: figures({ paid: 900, mobilePaid: 899 }),
      expectedShare: 0.9,
      margin: 0.05,
      at: AT,
      timeZone: TZ,
    });
    expect(list.map((e) => [e.metric, e.behind])).toEqual([
      ['paymentRate', false],
      ['mobileShare', false],
    ]);
  });
});

describe('a missed target at the deadline', () => {
  const phase = (key: string, nameZh: string, deadline: string): PhaseWindow => ({ key, nameZh, startAt: 0, deadlineAt: Date.parse(deadline) });

  it('is actual < target for every metric, and its reason names the metric, the values and the date', () => {
    const collection = phase('collection', '集中征缴', '2024-07-25T16:00:00Z');
    const rate = judge('paymentRate', { headcount: 1000, paymentRate: 0.99 }, { paid: 980 }, 1)!;
    expect(targetMissed(rate)).toBe(true);
    expect(targetMissedReason(collection, rate, TZ).zh).toBe('阶段「集中征缴」于 2024-07-25 24:00 截止，征缴率 98.0%（缴费 980 人 ÷ 应参保 1,000 人），未达到目标 99.0%，升级一级。');
    expect(targetMissed(judge('paymentRate', { headcount: 1000, paymentRate: 0.99 }, { paid: 990 }, 1)!)).toBe(false);

    const floor = judge('mobileShare', { mobileShare: 0.99 }, { paid: 1000, mobilePaid: 985 }, 1)!;
    expect(targetMissed(floor)).toBe(true);
    expect(targetMissedReason(collection, floor, TZ).zh).toBe('阶段「集中征缴」于 2024-07-25 24:00 截止，手机缴费率 98.5%（手机缴费 985 人 ÷ 缴费 1,000 人），未达到目标 99.0%，升级一级。');

    const implementation = phase('implementation', '组织实施阶段', '2022-11-30T16:00:00Z');
    const money = judge('amount', { amountFen: 43_000_000_000, amountStretchFen: 45_000_000_000 }, { amountFen: 41_000_000_000 }, 1)!;
    expect(targetMissedReason(implementation, money, TZ).zh).toBe('阶段「组织实施阶段」于 2022-11-30 24:00 截止，征缴金额 4.10亿元，未完成目标 4.30亿元（完成 95.3%；力争目标 4.50亿元），升级一级。');
    const increase = judge('enrolledIncrease', { baselineEnrolled: 1_850_000, enrolledIncrease: 432_000 }, { enrolled: 2_250_000 }, 1)!;
    expect(targetMissedReason(implementation, increase, TZ).zh).toBe('阶段「组织实施阶段」于 2022-11-30 24:00 截止，扩面人数 400,000（参保 2,250,000 人 − 扩面基数 1,850,000 人），未完成目标 432,000（完成 92.6%），升级一级。');
    const count = judge('paying', { paying: 9000 }, { paid: 8000 }, 1)!;
    expect(targetMissedReason(phase('payment', '参保缴费阶段', '2023-11-30T16:00:00Z'), count, TZ).zh).toBe('阶段「参保缴费阶段」于 2023-11-30 24:00 截止，缴费人数 8,000，未完成目标 9,000（完成 88.9%），升级一级。');
  });
});

describe('targets per unit', () => {
  it('a unit inherits the thresholds its plan or ancestors state, never the counts', () => {
    expect(inheritTargets([{ headcount: 23_460, paymentRate: 0.99, mobileShare: 0.99, enrolled: 5 }, { headcount: 2309 }])).toEqual({ headcount: 2309, paymentRate: 0.99, mobileShare: 0.99 });
    expect(inheritTargets([{ paymentRate: 0.99 }, { paymentRate: 0.95 }, {}])).toEqual({ paymentRate: 0.95 });
    const v = validatePlan(example('lanchen-2024.yaml'), Date.parse('2024-05-01'));
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    expect(effectiveTargets(v.plan, '530502001001')).toEqual({ headcount: 2309, paymentRate: 0.99, mobileShare: 0.99 });
    expect(effectiveTargets(v.plan, '530502001')).toEqual({ headcount: 23_460, paymentRate: 0.99, mobileShare: 0.99 });
    expect(effectiveTargets(v.plan, '999999')).toBeNull();
  });

  it('the metrics a plan judges, and the streams whose due instants are pace checks', () => {
    expect(judgedMetrics(undefined)).toEqual(['paying']);
    expect(judgedMetrics({ ladder: [], paceMargin: 0.05, warningWindowDays: 3, pace: { metric: 'enrolled' } })).toEqual(['enrolled']);
    const enterprise = validatePlan(example('enterprise-expansion.yaml'), Date.parse('2022-04-01'));
    if (!enterprise.ok) throw new Error(JSON.stringify(enterprise.errors));
    expect(judgedMetrics(enterprise.plan.escalation)).toEqual(['enrolledIncrease', 'amount']);
    expect(paceCheckStreams(enterprise.plan).map((s) => s.key)).toEqual(['xunbao']);
    // Without `pace.streams`: every stream that asks for reports (not the 季通报).
    const { streams: _omit, ...pace } = enterprise.plan.escalation!.pace!;
    expect(paceCheckStreams({ ...enterprise.plan, escalation: { ...enterprise.plan.escalation!, pace } }).map((s) => s.key)).toEqual(['xunbao', 'diaodu']);
  });
});

describe('targets refused, with their paths', () => {
  const lanchen = () => structuredClone(example('lanchen-2024.yaml')) as any;
  const AT_START = Date.parse('2024-05-01');

  it('a stretch without its target or under it, 扩面 without its baseline', () => {
    const p = lanchen();
    p.targets.amountStretchFen = 5;
    p.breakdown[0].targets.amountFen = 10;
    p.breakdown[0].targets.amountStretchFen = 9;
    p.breakdown[1].targets.enrolledIncrease = 100;
    expect(errorsOf(validatePlan(p, AT_START))).toEqual([
      { path: 'targets.amountStretchFen', message: '力争金额须与目标金额 amountFen 一同给出' },
      { path: 'breakdown[0].targets.amountStretchFen', message: '力争金额 9 不应低于目标金额 10' },
      { path: 'breakdown[1].targets.baselineEnrolled', message: '扩面指标 enrolledIncrease 须给出扩面基数 baselineEnrolled' },
    ]);
  });

  it('a judged rate without the headcount it is a rate of', () => {
    const p = lanchen();
    p.breakdownRule = 'none';
    delete p.breakdown[3].targets.headcount;
    expect(errorsOf(validatePlan(p, AT_START))).toEqual([
      { path: 'breakdown[3].targets.headcount', message: '下巷社区须评判「征缴率」，但没有应参保人数（征缴基数） headcount' },
    ]);
  });

  it('a judged metric no judged unit has a target for, and metric beside metrics', () => {
    const p = lanchen();
    p.escalation.pace.metrics = ['paymentRate', 'amount'];
    expect(errorsOf(validatePlan(p, AT_START))).toEqual([
      { path: 'escalation.pace.metrics[1]', message: '被评判的单位都没有「征缴金额」目标（targets.amountFen），该指标无从评判' },
    ]);
    const q = lanchen();
    q.escalation.pace.metric = 'paying';
    expect(errorsOf(validatePlan(q, AT_START)).map((e) => e.path)).toEqual(['escalation.pace.metric']);
    const r = lanchen();
    r.escalation.pace.metrics = ['paymentRate', 'paymentRate'];
    expect(errorsOf(validatePlan(r, AT_START)).map((e) => e.path)).toEqual(['escalation.pace.metrics']);
  });

  it('headcount, money and 扩面 add up down the tree like the other counts', () => {
    const p = lanchen();
    p.breakdown[0].targets.headcount += 1;
    expect(errorsOf(validatePlan(p, AT_START))).toEqual([{ path: 'targets.headcount', message: '下级目标之和 23461 应等于本级目标 23460' }]);
  });
});
