// Hardship groups (困难群体) and government-paid contributions (代缴): the categories, how roster values
// are read, who is covered, who must be mobilised, who is ineligible and how much the government pays.
// Pure: the screening activity matches people in the database and applies these rules to each match.
//
// Documented rules (the screening results and the ledger rely on them):
// - One outcome per person, whatever the number of lists they are on, decided in this order:
//   1. not in the campaign's roster (应参保花名册) or registered outside the campaign's region → ineligible, not-local;
//   2. deceased (roster status) → ineligible, deceased;
//   3. drawing a pension (roster flag) → ineligible, drawing-pension;
//   4. under 16 on the reference date → ineligible, under-16;
//   5. enrolled → covered;
//   6. a refusal is on record (statement from the person, guardian or village committee) → refused;
//   7. otherwise → eligible but not enrolled: goes on the village's mobilisation list.
// - The government pays once per person, for the categories the plan pays for (`paidCategories`;
//   Jiangmen names five, so a 重点优抚对象 there gets nothing): the minimum in full (full-minimum,
//   Jiangmen 120 yuan) or a partial amount per category (Dongfang 70/80), the highest of the person's
//   categories. It never exceeds the tier; the person pays the rest of a higher tier. Where the plan
//   makes 代缴 conditional on paying the balance (`balanceRequired`), a person known not to pay it gets
//   neither 代缴 nor subsidy (domain/policy.ts has every amount rule).
// - The tier is this year's from the roster, else the plan's default (last year's, or the lowest);
//   under full-minimum a person with no tier at all is on the minimum. The subsidy (缴费补贴, plus any
//   extra subsidy and county uplift) follows the actual tier, and the residence where the plan says so.
// - The reference date for age is the policy's `referenceDate`, else 31 December of the campaign year
//   (someone turning 16 during the year may join that year).
// - Amounts are integers in fen so that sums are exact.
import { z } from 'zod';
import { squash } from './categories';
import { ageOn } from './idNumber';
import { contribution, type ResolvedPolicy } from './policy';
import { memo } from './memo';
import type { ResidenceType } from './status';

export { HARDSHIP_CATEGORIES, HARDSHIP_CATEGORY_KEYS, categoryName, categoryRegistry, findCategory, parseCategory, type CategoryInfo, type HardshipCategory } from './categories';

export const ENROLMENT_STATUSES = ['enrolled', 'not-enrolled', 'suspended', 'deceased'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];
const ENROLMENT_TEXT: Record<string, EnrolmentStatus> = {};
const enrolmentAliases: Record<EnrolmentStatus, string[]> = {
  enrolled: ['参保', '已参保', '正常参保', '参保缴费', '正常', '正常缴费', '在保', 'enrolled'],
  'not-enrolled': ['未参保', '未参', '待参保', '否', 'not-enrolled', 'notenrolled'],
  suspended: ['暂停', '暂停参保', '中断', '中断缴费', '终止', '终止参保', 'suspended'],
  deceased: ['死亡', '已死亡', '已故', '死亡注销', '终止参保死亡', 'deceased'],
};
for (const [status, texts] of Object.entries(enrolmentAliases)) for (const t of texts) ENROLMENT_TEXT[squash(t)] = status as EnrolmentStatus;

/** 参保状态 as agencies export it; null if unknown (the import names the row). */
export const parseEnrolmentStatus: (text: string) => EnrolmentStatus | null = memo((text) => ENROLMENT_TEXT[squash(text)] ?? null);
export const ENROLMENT_STATUS_ZH: Record<EnrolmentStatus, string> = { enrolled: '已参保', 'not-enrolled': '未参保', suspended: '暂停/终止', deceased: '死亡' };

const YES = new Set(['是', '领取', '已领取', '正在领取', 'y', 'yes', 'true', '1']);
const NO = new Set(['否', '未领取', '不领取', 'n', 'no', 'false', '0', '']);
/** 是否领取待遇: 是/否, Y/N, 1/0, true/false; empty is no. Null if unreadable. */
export const parseYesNo: (text: string) => boolean | null = memo((text) => {
  const t = squash(text);
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return null;
});

/** 缴费档次 in yuan: "360", "360元", "360.00"; empty is none. Undefined if unreadable. */
export const parseTier: (text: string) => number | null | undefined = memo((text) => {
  const t = text.normalize('NFKC').replace(/[\s,元¥]/g, '');
  if (t === '') return null;
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return undefined;
  return Number(t);
});

export const OUTCOMES = ['covered', 'to-mobilise', 'ineligible', 'refused'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_ZH: Record<Outcome, string> = { covered: '已参保代缴', 'to-mobilise': '待动员参保', ineligible: '不符合条件', refused: '经动员拒绝参保' };

export const INELIGIBLE_REASONS = ['not-local', 'deceased', 'drawing-pension', 'under-16'] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];
export const INELIGIBLE_ZH: Record<IneligibleReason, string> = {
  'not-local': '非本地户籍（不在本地应参保花名册）',
  deceased: '已死亡',
  'drawing-pension': '已领取养老待遇',
  'under-16': '未满16周岁',
};

export const REFUSAL_STATEMENT_BY = ['person', 'guardian', 'village-committee'] as const;
export type RefusalStatementBy = (typeof REFUSAL_STATEMENT_BY)[number];
export const REFUSAL_STATEMENT_ZH: Record<RefusalStatementBy, string> = { person: '本人书面声明', guardian: '监护人书面声明', 'village-committee': '村（居）委会证明' };

export {
  contribution,
  governmentPayment,
  governmentShare,
  resolvePolicy,
  subsidyFor,
  yuanToFen,
  type ContributionRules,
  type HardshipPolicy,
  type ResolvedPolicy,
} from './policy';

/** One matched person: their lists and, when found, their roster row. */
export interface MatchedPerson {
  idNumber: string;
  birthDate: string;
  /** Category codes (built-in or the plan's own). */
  categories: readonly string[];
  roster: {
    villageCode: string;
    status: EnrolmentStatus;
    tierFen: number | null;
    lastYearTierFen: number | null;
    drawingPension: boolean;
    /** Where known: the subsidy may differ for urban and rural residents. */
    residence?: ResidenceType;
  } | null;
  /** The roster row's village lies under the campaign's region. */
  local: boolean;
  refused: boolean;
  /** Whether the person pays the balance of a conditional 代缴; absent: not known, assumed to pay. */
  balancePaid?: boolean;
}

export interface Screened {
  outcome: Outcome;
  reason: IneligibleReason | null;
  /** The tier the amounts are computed on (null when nothing is owed). */
  tierFen: number | null;
  govPaidFen: number;
  personalFen: number;
  /** Every subsidy of the tier: basic, extra and county uplift. */
  subsidyFen: number;
  /** The 代缴 depends on the person paying the balance. */
  conditional: boolean;
  /** Conditional 代缴 withheld: the person does not pay the balance. */
  withheld: boolean;
}

/** The rules at the top of this file, for one person. */
export function screenPerson(p: MatchedPerson, policy: ResolvedPolicy): Screened {
  const none = (outcome: Outcome, reason: IneligibleReason | null): Screened => ({ outcome, reason, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0, conditional: false, withheld: false });
  const r = p.roster;
  if (!r || !p.local) return none('ineligible', 'not-local');
  if (r.status === 'deceased') return none('ineligible', 'deceased');
  if (r.drawingPension) return none('ineligible', 'drawing-pension');
  if (ageOn(p.birthDate, policy.referenceDate) < 16) return none('ineligible', 'under-16');
  const outcome: Outcome = r.status === 'enrolled' ? 'covered' : p.refused ? 'refused' : 'to-mobilise';
  if (outcome === 'refused') return none('refused', null);
  const lowest = policy.tiersFen[0] ?? 0;
  let tierFen = r.tierFen ?? (policy.defaultTier === 'last-year' ? r.lastYearTierFen : null) ?? (policy.mode === 'full-minimum' ? policy.minimumFen : lowest);
  if (policy.mode === 'full-minimum' && tierFen < policy.minimumFen) tierFen = policy.minimumFen;
  const c = contribution(policy, {
    tierFen,
    categories: p.categories,
    regionCode: r.villageCode,
    ...(r.residence ? { residence: r.residence } : {}),
    ...(p.balancePaid !== undefined ? { balancePaid: p.balancePaid } : {}),
  });
  return {
    outcome,
    reason: null,
    tierFen,
    govPaidFen: c.govPaidFen,
    personalFen: c.personalFen,
    subsidyFen: c.subsidy.totalFen,
    conditional: c.govPaid.conditional,
    withheld: c.govPaid.withheld,
  };
}

export const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
