// What a parent unit's figures are when it and some of its children report: the one roll-up rule.
//
// Issue 12: 蓬江区 reported 3,200 enrolled for the whole county; then 2 of its 6 towns reported and the
// county (and the city above it) switched to the towns' partial sum, 1,450. A published circular said
// 1,180 paid; the page then showed 550. A complete figure must never be silently replaced by a partial
// sum, so the plan chooses one of these rules (plan.rollup, default `own-first`) and the API shows every
// alternative beside the chosen one:
//
// - `own-first` (default, the safe rule): the unit's own latest report stands until ALL of its children
//   have reported for a period at least as recent; then their (complete) sum. Without an own report,
//   the children's sum, marked "n of m reported".
// - `children-sum`: the children's sum whenever any child reported more recently than the unit itself
//   (the behaviour before issue 12), always marked "n of m reported".
// - `verified`: paid headcount, amount and mobile payments from the tax bureau's per-person feed
//   (successful deductions only, seed 001), when a delivery is current; the other figures as `own-first`.

export const ROLLUP_RULES = ['own-first', 'children-sum', 'verified'] as const;
export type RollupRule = (typeof ROLLUP_RULES)[number];
export const DEFAULT_ROLLUP_RULE: RollupRule = 'own-first';
export const ROLLUP_RULE_ZH: Record<RollupRule, string> = {
  'own-first': '本级报数优先（下级全部报齐后取下级合计）',
  'children-sum': '下级合计（注明已报下级数）',
  verified: '税务核实数（仅计扣费成功）',
};

export interface Figures {
  enrolled: number;
  paid: number;
  amountFen: number;
  mobilePaid: number;
  hardshipCovered: number;
}

export interface RollupInput {
  /** The unit's own latest report, or null. */
  own: { figures: Figures; periodKey: string } | null;
  /** The sum of the children's figures; `reported` of `of` children have figures. */
  children: { figures: Figures; reported: number; of: number; latestPeriodKey: string | null };
  /** The verified figures from the per-person feed, or null before the first delivery. */
  verified: { paid: number; amountFen: number; mobilePaid: number; asOf: string } | null;
}

export type RollupSource = 'own' | 'children' | 'children-partial' | 'verified' | 'none';

export interface RollupResult {
  source: RollupSource;
  figures: Figures;
}

const ZERO: Figures = { enrolled: 0, paid: 0, amountFen: 0, mobilePaid: 0, hardshipCovered: 0 };

/** The unit's figures under `rule`, and where they come from. Pure: the same input, the same answer. */
export function rollUpFigures(rule: RollupRule, input: RollupInput): RollupResult {
  const { own, children, verified } = input;
  const kids = children.of > 0 && children.reported > 0;
  const complete = kids && children.reported >= children.of;
  const childrenNewer = kids && (!own || (children.latestPeriodKey !== null && children.latestPeriodKey > own.periodKey));
  const childrenAtLeastAsRecent = kids && (!own || (children.latestPeriodKey !== null && children.latestPeriodKey >= own.periodKey));

  let reported: RollupResult;
  if (rule === 'children-sum') {
    reported = childrenNewer || (!own && kids) ? { source: complete ? 'children' : 'children-partial', figures: children.figures } : own ? { source: 'own', figures: own.figures } : { source: 'none', figures: ZERO };
  } else if (own) {
    // A complete own figure is replaced only by a complete children's sum at least as recent.
    reported = complete && childrenAtLeastAsRecent ? { source: 'children', figures: children.figures } : { source: 'own', figures: own.figures };
  } else {
    reported = kids ? { source: complete ? 'children' : 'children-partial', figures: children.figures } : { source: 'none', figures: ZERO };
  }
  if (rule === 'verified' && verified) {
    return { source: 'verified', figures: { ...reported.figures, paid: verified.paid, amountFen: verified.amountFen, mobilePaid: verified.mobilePaid } };
  }
  return reported;
}
