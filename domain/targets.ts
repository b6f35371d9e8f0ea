// Targets (任务目标) per unit and how each judged metric is evaluated against a unit's figures.
// Pure: the figures and the expected share of the pace are passed in; no clock, no I/O.
//
// The metrics (what a plan can name in `escalation.pace.metrics`):
// - enrolled (参保人数), paying (缴费人数): counts against `targets.enrolled` / `targets.paying`;
// - enrolmentRate (参保率 = enrolled ÷ headcount) and paymentRate (征缴率 = paying ÷ headcount), where
//   headcount is 应参保人数, or the tax system's 征缴基数 (Lanchen: "征缴基数以税务部门信息系统人数为准");
// - mobileShare (手机缴费率 = mobile payers ÷ payers): a floor, not a quantity that grows (Lanchen:
//   "各社区手机缴费率不得低于99%");
// - amount (征缴金额, fen) with an optional stretch (力争) target (seed 004: 4.3亿, 力争 4.5亿);
// - enrolledIncrease (扩面 = enrolled − baselineEnrolled ≥ N; seed 004: 扩面 43.2万人).
//
// Pace (序时进度): quantities (counts, money, increase, rates) are behind when the share of the target
// reached trails the expected share by more than the margin; a floor (mobileShare) is behind when it is
// more than the margin under its threshold. At the pace phase's deadline a target is missed when the
// actual value is under it (`actual < target` for every metric, rates and floors included).
import { z } from 'zod';
import { count, rate } from './fields';
import { formatDueLocal } from './time';

export interface Text {
  zh: string;
  en: string;
}

export const TargetsSchema = z
  .object({
    /** 参保人数 */
    enrolled: count.optional(),
    /** 缴费人数 */
    paying: count.optional(),
    /** 应参保人数, or the tax system's 征缴基数: the denominator of 参保率 and 征缴率. */
    headcount: count.optional(),
    /** 参保率 threshold (enrolled ÷ headcount). */
    enrolmentRate: rate.optional(),
    /** 征缴率 threshold (paying ÷ headcount). */
    paymentRate: rate.optional(),
    /** 手机缴费率 threshold (mobile payers ÷ payers). */
    mobileShare: rate.optional(),
    /** 征缴金额 in fen (4.3亿元 is 43,000,000,000). */
    amountFen: count.optional(),
    /** 力争 amount in fen: reported beside the target, never escalated. */
    amountStretchFen: count.optional(),
    /** 扩面基数: enrolled when the campaign starts (上年末参保人数). */
    baselineEnrolled: count.optional(),
    /** 扩面指标: enrolled − baselineEnrolled must reach this. */
    enrolledIncrease: count.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.amountStretchFen !== undefined) {
      if (t.amountFen === undefined) ctx.addIssue({ code: 'custom', path: ['amountStretchFen'], message: '力争金额须与目标金额 amountFen 一同给出' });
      else if (t.amountStretchFen < t.amountFen) ctx.addIssue({ code: 'custom', path: ['amountStretchFen'], message: `力争金额 ${t.amountStretchFen} 不应低于目标金额 ${t.amountFen}` });
    }
    if (t.enrolledIncrease !== undefined && t.baselineEnrolled === undefined) {
      ctx.addIssue({ code: 'custom', path: ['baselineEnrolled'], message: '扩面指标 enrolledIncrease 须给出扩面基数 baselineEnrolled' });
    }
  });
export type Targets = z.infer<typeof TargetsSchema>;

/** Count targets that add up down the breakdown tree (rates and thresholds are never summed). */
export const COUNT_TARGETS = ['enrolled', 'paying', 'headcount', 'amountFen', 'amountStretchFen', 'baselineEnrolled', 'enrolledIncrease'] as const;

/** Thresholds a unit inherits from the nearest ancestor (or the plan) that sets them. */
export const INHERITED_TARGETS = ['enrolmentRate', 'paymentRate', 'mobileShare'] as const;

export const METRICS = ['enrolled', 'paying', 'enrolmentRate', 'paymentRate', 'mobileShare', 'amount', 'enrolledIncrease'] as const;
export type Metric = (typeof METRICS)[number];

export type MetricKind = 'count' | 'rate' | 'floor' | 'money' | 'increase';

export const METRIC_INFO: Readonly<Record<Metric, { zh: string; en: string; kind: MetricKind; target: keyof Targets }>> = {
  enrolled: { zh: '参保人数', en: 'enrolled', kind: 'count', target: 'enrolled' },
  paying: { zh: '缴费人数', en: 'paying', kind: 'count', target: 'paying' },
  enrolmentRate: { zh: '参保率', en: 'enrolment rate', kind: 'rate', target: 'enrolmentRate' },
  paymentRate: { zh: '征缴率', en: 'payment rate', kind: 'rate', target: 'paymentRate' },
  mobileShare: { zh: '手机缴费率', en: 'mobile-payment share', kind: 'floor', target: 'mobileShare' },
  amount: { zh: '征缴金额', en: 'amount collected', kind: 'money', target: 'amountFen' },
  enrolledIncrease: { zh: '扩面人数', en: 'enrolment increase', kind: 'increase', target: 'enrolledIncrease' },
};

/** A unit's figures as its reports (or the roll-up of its children's) give them. */
export interface UnitFigures {
  enrolled: number;
  paid: number;
  mobilePaid: number;
  amountFen: number;
}

/**
 * A unit's targets with the thresholds it inherits: `chain` runs from the plan's own targets down to
 * the unit's (Lanchen states 99% once for the street; every community is held to it).
 */
export function inheritTargets(chain: readonly Targets[]): Targets {
  const own = chain[chain.length - 1] ?? {};
  const out: Targets = { ...own };
  for (const key of INHERITED_TARGETS) {
    if (out[key] !== undefined) continue;
    for (let i = chain.length - 2; i >= 0; i--) {
      const v = chain[i][key];
      if (v !== undefined) {
        out[key] = v;
        break;
      }
    }
  }
  return out;
}

/** The target value of a metric for a unit (a count, a rate, or fen); null when the unit has none. */
export function metricTarget(metric: Metric, targets: Targets): number | null {
  return targets[METRIC_INFO[metric].target] ?? null;
}

/** What a metric needs besides its own target, named for validation (`headcount` for rates, the baseline for 扩面). */
export function metricNeeds(metric: Metric): keyof Targets | null {
  const kind = METRIC_INFO[metric].kind;
  if (kind === 'rate') return 'headcount';
  if (kind === 'increase') return 'baselineEnrolled';
  return null;
}

interface Actual {
  value: number;
  numerator?: number;
  denominator?: number;
}

/** The actual value of a metric from the figures; null when it cannot be computed (no headcount, nobody paid yet). */
export function metricActual(metric: Metric, targets: Targets, f: UnitFigures): Actual | null {
  switch (metric) {
    case 'enrolled':
      return { value: f.enrolled };
    case 'paying':
      return { value: f.paid };
    case 'amount':
      return { value: f.amountFen };
    case 'enrolledIncrease':
      return targets.baselineEnrolled === undefined ? null : { value: f.enrolled - targets.baselineEnrolled, numerator: f.enrolled, denominator: targets.baselineEnrolled };
    case 'enrolmentRate':
    case 'paymentRate': {
      const h = targets.headcount;
      if (!h) return null;
      const n = metric === 'enrolmentRate' ? f.enrolled : f.paid;
      return { value: n / h, numerator: n, denominator: h };
    }
    case 'mobileShare':
      return f.paid > 0 ? { value: f.mobilePaid / f.paid, numerator: f.mobilePaid, denominator: f.paid } : null;
  }
}

export interface MetricEvaluation {
  metric: Metric;
  behind: boolean;
  /** The target: a count, a rate (0..1), or fen. */
  target: number;
  actual: number;
  /** What the pace expects by now, in the target's unit (the threshold itself for a floor). */
  expected: number;
  expectedShare: number;
  /** actual ÷ target. */
  actualShare: number;
  margin: number;
  /** The counts behind a rate (numerator ÷ denominator), or enrolled and baseline for 扩面. */
  numerator?: number;
  denominator?: number;
  /** 力争 amount in fen, for the money metric. */
  stretch?: number;
  reason: Text;
}

// ---------------------------------------------------------------------------------------------
// Formatting (Chinese register: 万/亿 for large money, two decimals for 元, one for rates)

export const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
export const num = (n: number) => n.toLocaleString('en-US');

/** Fen as officials write money: 4.30亿元, 12.35万元, 1,234.50元. */
export function formatFen(fen: number): string {
  const yuan = fen / 100;
  const abs = Math.abs(yuan);
  if (abs >= 1e8) return `${(yuan / 1e8).toFixed(2)}亿元`;
  if (abs >= 1e4) return `${(yuan / 1e4).toFixed(2)}万元`;
  return `${yuan.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}元`;
}
const formatFenEn = (fen: number) => `${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} yuan`;

/** A metric's value in its own unit. */
export function formatMetricValue(metric: Metric, value: number, lang: 'zh' | 'en' = 'zh'): string {
  const kind = METRIC_INFO[metric].kind;
  if (kind === 'rate' || kind === 'floor') return pct(value);
  if (kind === 'money') return lang === 'zh' ? formatFen(value) : formatFenEn(value);
  return num(value);
}

/** The counts behind a value, without brackets: "缴费 9,750 人 ÷ 应参保 10,000 人"; null for plain counts and money. */
function basis(e: Pick<MetricEvaluation, 'metric' | 'numerator' | 'denominator'>): Text | null {
  if (e.numerator === undefined || e.denominator === undefined) return null;
  switch (e.metric) {
    case 'enrolmentRate':
      return { zh: `参保 ${num(e.numerator)} 人 ÷ 应参保 ${num(e.denominator)} 人`, en: `${num(e.numerator)} enrolled of a headcount of ${num(e.denominator)}` };
    case 'paymentRate':
      return { zh: `缴费 ${num(e.numerator)} 人 ÷ 应参保 ${num(e.denominator)} 人`, en: `${num(e.numerator)} paying of a headcount of ${num(e.denominator)}` };
    case 'mobileShare':
      return { zh: `手机缴费 ${num(e.numerator)} 人 ÷ 缴费 ${num(e.denominator)} 人`, en: `${num(e.numerator)} of ${num(e.denominator)} payers paid by phone` };
    case 'enrolledIncrease':
      return { zh: `参保 ${num(e.numerator)} 人 − 扩面基数 ${num(e.denominator)} 人`, en: `${num(e.numerator)} enrolled less the baseline ${num(e.denominator)}` };
    default:
      return null;
  }
}
/** `(inner)` in Chinese, ` (inner)` in English; nothing when there is nothing to say. */
const bracket = (t: Text | null): Text => (t ? { zh: `（${t.zh}）`, en: ` (${t.en})` } : { zh: '', en: '' });
/** `inner;` / `inner; ` to lead a bracket that says more. */
const lead = (t: Text | null): Text => (t ? { zh: `${t.zh}；`, en: `${t.en}; ` } : { zh: '', en: '' });

export interface EvaluateInput {
  metric: Metric;
  /** The unit's targets, thresholds inherited (see `inheritTargets`). */
  targets: Targets;
  figures: UnitFigures;
  /** Share of the target the pace expects by `at` (see escalation.ts `expectedShare`). */
  expectedShare: number;
  margin: number;
  at: number;
  timeZone: string;
}

/** One metric for one unit at one instant; null when the unit has no target for it or it cannot be computed yet. */
export function evaluateMetric(input: EvaluateInput): MetricEvaluation | null {
  const { metric, targets, margin } = input;
  const target = metricTarget(metric, targets);
  if (!target) return null;
  const actual = metricActual(metric, targets, input.figures);
  if (!actual) return null;
  const info = METRIC_INFO[metric];
  const when = formatDueLocal(input.at, input.timeZone);
  const v = (x: number) => formatMetricValue(metric, x);
  const vEn = (x: number) => formatMetricValue(metric, x, 'en');
  const inner = basis({ metric, numerator: actual.numerator, denominator: actual.denominator });
  const b = bracket(inner);
  const l = lead(inner);
  const actualShare = actual.value / target;
  const common = {
    metric,
    target,
    actual: actual.value,
    actualShare,
    margin,
    ...(actual.numerator !== undefined ? { numerator: actual.numerator, denominator: actual.denominator } : {}),
    ...(metric === 'amount' && targets.amountStretchFen !== undefined ? { stretch: targets.amountStretchFen } : {}),
  };

  if (info.kind === 'floor') {
    // A floor is judged as it stands: the pace curve says nothing about a share of payers.
    const gap = target - actual.value;
    const behind = gap > margin;
    const reason: Text = behind
      ? {
          zh: `截至 ${when}，${info.zh} ${v(actual.value)}${b.zh}，低于目标 ${v(target)} ${(gap * 100).toFixed(1)} 个百分点，超过允许的 ${(margin * 100).toFixed(1)} 个百分点。`,
          en: `As of ${when}, the ${info.en} is ${vEn(actual.value)}${b.en}, ${(gap * 100).toFixed(1)} points under the target ${vEn(target)}, more than the allowed ${(margin * 100).toFixed(1)}.`,
        }
      : {
          zh: `截至 ${when}，${info.zh} ${v(actual.value)}${b.zh}，目标 ${v(target)}，在允许范围内。`,
          en: `As of ${when}, the ${info.en} is ${vEn(actual.value)}${b.en} against a target of ${vEn(target)}: within the margin.`,
        };
    return { ...common, behind, expected: target, expectedShare: 1, reason };
  }

  const expected = info.kind === 'rate' ? target * input.expectedShare : Math.ceil(target * input.expectedShare);
  const gap = input.expectedShare - actualShare;
  const behind = gap > margin;
  const points = (gap * 100).toFixed(1);
  const allowed = (margin * 100).toFixed(1);
  let reason: Text;
  if (info.kind === 'rate') {
    reason = behind
      ? {
          zh: `截至 ${when}，${info.zh} ${v(actual.value)}${b.zh}，为目标 ${v(target)} 的 ${pct(actualShare)}；按序时进度应达 ${v(expected)}（目标的 ${pct(input.expectedShare)}），落后 ${points} 个百分点，超过允许的 ${allowed} 个百分点。`,
          en: `As of ${when}, the ${info.en} is ${vEn(actual.value)}${b.en}, ${pct(actualShare)} of the target ${vEn(target)}; the expected pace is ${vEn(expected)} (${pct(input.expectedShare)} of the target), ${points} points behind, more than the allowed ${allowed}.`,
        }
      : {
          zh: `截至 ${when}，${info.zh} ${v(actual.value)}${b.zh}，为目标 ${v(target)} 的 ${pct(actualShare)}，序时进度 ${pct(input.expectedShare)}，在允许范围内。`,
          en: `As of ${when}, the ${info.en} is ${vEn(actual.value)}${b.en} (${pct(actualShare)} of the target ${vEn(target)}) against an expected ${pct(input.expectedShare)}: on pace.`,
        };
  } else {
    // Counts, money and 扩面: the wording the missed-report and pace reasons have always used.
    reason = behind
      ? {
          zh: `截至 ${when}，${info.zh} ${v(actual.value)}（${l.zh}目标 ${v(target)} 的 ${pct(actualShare)}），按序时进度应达 ${v(expected)}（${pct(input.expectedShare)}），落后 ${points} 个百分点，超过允许的 ${allowed} 个百分点。`,
          en: `As of ${when}, ${info.en} is ${vEn(actual.value)} (${l.en}${pct(actualShare)} of the target ${vEn(target)}); the expected pace is ${vEn(expected)} (${pct(input.expectedShare)}), ${points} points behind, more than the allowed ${allowed}.`,
        }
      : {
          zh: `截至 ${when}，${info.zh} ${v(actual.value)}（${l.zh}${pct(actualShare)}），序时进度 ${pct(input.expectedShare)}，在允许范围内。`,
          en: `As of ${when}, ${info.en} is ${vEn(actual.value)} (${l.en}${pct(actualShare)}) against an expected ${pct(input.expectedShare)}: on pace.`,
        };
  }
  return { ...common, behind, expected, expectedShare: input.expectedShare, reason };
}

/** Every named metric the unit has a target for, in the plan's order. */
export function evaluateTargets(input: Omit<EvaluateInput, 'metric'> & { metrics: readonly Metric[] }): MetricEvaluation[] {
  const out: MetricEvaluation[] = [];
  for (const metric of input.metrics) {
    const e = evaluateMetric({ ...input, metric });
    if (e) out.push(e);
  }
  return out;
}

/** At the deadline: the target is missed when the actual value is under it (rates and floors included). */
export const targetMissed = (e: Pick<MetricEvaluation, 'actual' | 'target'>) => e.actual < e.target;

/**
 * The reason a missed target raises the ladder once more: which metric, its actual value and target,
 * and when the phase ended. Counts keep the wording used since the pace track existed.
 */
export function missedTargetText(e: MetricEvaluation, phase: { key: string; nameZh: string }, deadlineLocal: string): Text {
  const info = METRIC_INFO[e.metric];
  const v = (x: number) => formatMetricValue(e.metric, x);
  const vEn = (x: number) => formatMetricValue(e.metric, x, 'en');
  const b = bracket(basis(e));
  const head = `阶段「${phase.nameZh}」于 ${deadlineLocal} 截止，`;
  const headEn = `Phase ${phase.key} ended at ${deadlineLocal} with`;
  switch (info.kind) {
    case 'rate':
    case 'floor':
      return {
        zh: `${head}${info.zh} ${v(e.actual)}${b.zh}，未达到目标 ${v(e.target)}，升级一级。`,
        en: `${headEn} the ${info.en} at ${vEn(e.actual)}${b.en}, under the target ${vEn(e.target)}: raised one more rung.`,
      };
    case 'money': {
      const stretch = e.stretch !== undefined ? `；力争目标 ${v(e.stretch)}` : '';
      const stretchEn = e.stretch !== undefined ? `; stretch target ${vEn(e.stretch)}` : '';
      return {
        zh: `${head}${info.zh} ${v(e.actual)}，未完成目标 ${v(e.target)}（完成 ${pct(e.actualShare)}${stretch}），升级一级。`,
        en: `${headEn} the ${info.en} at ${vEn(e.actual)}, short of the target ${vEn(e.target)} (${pct(e.actualShare)}${stretchEn}): raised one more rung.`,
      };
    }
    default:
      return {
        zh: `${head}${info.zh} ${v(e.actual)}${b.zh}，未完成目标 ${v(e.target)}（完成 ${pct(e.actualShare)}），升级一级。`,
        en: `${headEn} ${info.en} at ${vEn(e.actual)}${b.en}, short of the target ${vEn(e.target)} (${pct(e.actualShare)}): raised one more rung.`,
      };
  }
}

/** How the money target stands against its stretch (力争) amount, for summaries and the preview. */
export function stretchStatus(e: Pick<MetricEvaluation, 'metric' | 'actual' | 'target' | 'stretch'>): Text | null {
  if (e.metric !== 'amount' || e.stretch === undefined) return null;
  if (e.actual >= e.stretch) return { zh: `已达到力争目标 ${formatFen(e.stretch)}`, en: `stretch target ${formatFenEn(e.stretch)} reached` };
  if (e.actual >= e.target) return { zh: `已完成目标 ${formatFen(e.target)}，距力争目标 ${formatFen(e.stretch)} 尚差 ${formatFen(e.stretch - e.actual)}`, en: `target reached; ${formatFenEn(e.stretch - e.actual)} short of the stretch target` };
  return { zh: `未完成目标 ${formatFen(e.target)}（力争 ${formatFen(e.stretch)}）`, en: `short of the target ${formatFenEn(e.target)} (stretch ${formatFenEn(e.stretch)})` };
}
