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
// - The government pays once per person. Full-minimum policy (Jiangmen): the plan's minimum (120 yuan)
//   whatever the categories; partial policy (Dongfang): the highest amount among the person's
//   categories. The payment never exceeds the tier; the person pays the rest of a higher tier.
// - The tier is this year's from the roster, else the plan's default (last year's, or the lowest);
//   under full-minimum a person with no tier at all is on the minimum. The subsidy (缴费补贴) follows
//   the actual tier through the plan's subsidy table.
// - The reference date for age is the policy's `referenceDate`, else 31 December of the campaign year
//   (someone turning 16 during the year may join that year).
// - Amounts are integers in fen so that sums are exact.
import { z } from 'zod';
import { ageOn } from './idNumber';

export const HARDSHIP_CATEGORIES = [
  { key: 'dibao', zh: '低保对象', aliases: ['低保', '低保户', '城乡低保', '最低生活保障对象', 'dibao', 'low-income'] },
  { key: 'tekun', zh: '特困人员', aliases: ['特困', '特困供养人员', '五保', 'tekun', 'extreme-poverty'] },
  { key: 'fanpin', zh: '易返贫致贫人口', aliases: ['防返贫监测对象', '监测对象', '返贫致贫', 'fanpin', 'at-risk'] },
  { key: 'severe-disability', zh: '重度残疾人', aliases: ['重度残疾', '一二级残疾', '一级残疾', '二级残疾', 'severe-disability'] },
  { key: 'mental-intellectual', zh: '精神/智力残疾人', aliases: ['精神残疾', '智力残疾', '精神智力残疾', '三四级精神智力残疾', 'mental-intellectual'] },
  { key: 'special-care', zh: '重点优抚对象', aliases: ['优抚对象', '重点优抚', 'special-care'] },
] as const;
export type HardshipCategory = (typeof HARDSHIP_CATEGORIES)[number]['key'];
export const HARDSHIP_CATEGORY_KEYS = HARDSHIP_CATEGORIES.map((c) => c.key) as [HardshipCategory, ...HardshipCategory[]];

const squash = (s: string) => s.normalize('NFKC').replace(/[\s()（）/、·]/g, '').toLowerCase();

/**
 * Columns such as 参保状态 hold a handful of distinct texts over a million rows: each is read once.
 * Bounded, so a file of all-different junk cannot grow it without limit.
 */
function memo<T>(read: (text: string) => T, max = 256): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    const hit = seen.get(text);
    if (hit !== undefined || seen.has(text)) return hit as T;
    const value = read(text);
    if (seen.size < max) seen.set(text, value);
    return value;
  };
}
const CATEGORY_BY_TEXT = new Map<string, HardshipCategory>();
for (const c of HARDSHIP_CATEGORIES) for (const t of [c.key, c.zh, ...c.aliases]) CATEGORY_BY_TEXT.set(squash(t), c.key);

/** A category as written in a file or a policy (key, Chinese name or a common alias); null if unknown. */
export function parseCategory(text: string): HardshipCategory | null {
  return CATEGORY_BY_TEXT.get(squash(text)) ?? null;
}
export const categoryName = (key: string) => HARDSHIP_CATEGORIES.find((c) => c.key === key)?.zh ?? key;

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
  'not-local': '非本地户籍(不在本地应参保花名册)',
  deceased: '已死亡',
  'drawing-pension': '已领取养老待遇',
  'under-16': '未满16周岁',
};

export const REFUSAL_STATEMENT_BY = ['person', 'guardian', 'village-committee'] as const;
export type RefusalStatementBy = (typeof REFUSAL_STATEMENT_BY)[number];
export const REFUSAL_STATEMENT_ZH: Record<RefusalStatementBy, string> = { person: '本人书面声明', guardian: '监护人书面声明', 'village-committee': '村(居)委会证明' };

/** The plan's hardship block as validated by domain/plan.ts (amounts in yuan). */
export interface HardshipPolicy {
  mode: 'full-minimum' | 'partial';
  minimum?: number;
  perCategory?: Record<string, number>;
  referenceDate?: string;
}
export interface ContributionRules {
  tiers: number[];
  defaultTier: 'last-year' | 'lowest';
  subsidies: { fromTier: number; toTier?: number; amount: number }[];
  hardship?: HardshipPolicy;
}

/** What the screening needs from the plan, resolved once per run (amounts in fen, categories by key). */
export interface ResolvedPolicy {
  mode: 'full-minimum' | 'partial' | 'none';
  minimumFen: number;
  perCategoryFen: Partial<Record<HardshipCategory, number>>;
  referenceDate: string;
  tiersFen: number[];
  defaultTier: 'last-year' | 'lowest';
  subsidies: { fromFen: number; toFen: number | null; amountFen: number }[];
}

export const yuanToFen = (y: number) => Math.round(y * 100);

/** Throws with a plain reason when a perCategory key is not a known category. */
export function resolvePolicy(rules: ContributionRules | undefined, year: number): ResolvedPolicy {
  const h = rules?.hardship;
  const perCategoryFen: Partial<Record<HardshipCategory, number>> = {};
  for (const [k, v] of Object.entries(h?.perCategory ?? {})) {
    const key = parseCategory(k);
    if (!key) throw new Error(`方案 contributionPolicy.hardship.perCategory 中的类别“${k}”无法识别`);
    perCategoryFen[key] = yuanToFen(v);
  }
  return {
    mode: h ? h.mode : 'none',
    minimumFen: yuanToFen(h?.minimum ?? 0),
    perCategoryFen,
    referenceDate: h?.referenceDate ?? `${year}-12-31`,
    tiersFen: (rules?.tiers ?? []).map(yuanToFen),
    defaultTier: rules?.defaultTier ?? 'last-year',
    subsidies: (rules?.subsidies ?? []).map((s) => ({ fromFen: yuanToFen(s.fromTier), toFen: s.toTier === undefined ? null : yuanToFen(s.toTier), amountFen: yuanToFen(s.amount) })),
  };
}

/** One matched person: their lists and, when found, their roster row. */
export interface MatchedPerson {
  idNumber: string;
  birthDate: string;
  categories: HardshipCategory[];
  roster: {
    villageCode: string;
    status: EnrolmentStatus;
    tierFen: number | null;
    lastYearTierFen: number | null;
    drawingPension: boolean;
  } | null;
  /** The roster row's village lies under the campaign's region. */
  local: boolean;
  refused: boolean;
}

export interface Screened {
  outcome: Outcome;
  reason: IneligibleReason | null;
  /** The tier the amounts are computed on (null when nothing is owed). */
  tierFen: number | null;
  govPaidFen: number;
  personalFen: number;
  subsidyFen: number;
}

export function subsidyFor(policy: ResolvedPolicy, tierFen: number): number {
  const s = policy.subsidies.find((x) => tierFen >= x.fromFen && (x.toFen === null || tierFen <= x.toFen));
  return s?.amountFen ?? 0;
}

/** The government's share for the person's categories (before capping by the tier). */
export function governmentShare(policy: ResolvedPolicy, categories: readonly HardshipCategory[]): number {
  if (policy.mode === 'full-minimum') return policy.minimumFen;
  if (policy.mode === 'partial') return Math.max(0, ...categories.map((c) => policy.perCategoryFen[c] ?? 0));
  return 0;
}

/** The rules at the top of this file, for one person. */
export function screenPerson(p: MatchedPerson, policy: ResolvedPolicy): Screened {
  const none = (outcome: Outcome, reason: IneligibleReason | null): Screened => ({ outcome, reason, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 });
  const r = p.roster;
  if (!r || !p.local) return none('ineligible', 'not-local');
  if (r.status === 'deceased') return none('ineligible', 'deceased');
  if (r.drawingPension) return none('ineligible', 'drawing-pension');
  if (ageOn(p.birthDate, policy.referenceDate) < 16) return none('ineligible', 'under-16');
  const outcome: Outcome = r.status === 'enrolled' ? 'covered' : p.refused ? 'refused' : 'to-mobilise';
  if (outcome === 'refused') return none('refused', null);
  const share = governmentShare(policy, p.categories);
  const lowest = policy.tiersFen[0] ?? 0;
  let tierFen = r.tierFen ?? (policy.defaultTier === 'last-year' ? r.lastYearTierFen : null) ?? (policy.mode === 'full-minimum' ? policy.minimumFen : lowest);
  if (policy.mode === 'full-minimum' && tierFen < policy.minimumFen) tierFen = policy.minimumFen;
  const govPaidFen = Math.min(share, tierFen);
  return { outcome, reason: null, tierFen, govPaidFen, personalFen: tierFen - govPaidFen, subsidyFen: subsidyFor(policy, tierFen) };
}

export const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
