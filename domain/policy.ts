// The contribution policy (筹资标准): tiers, subsidies, government-paid contributions (代缴) for hardship
// groups, 提档补差, the collective subsidy and who bears each cost. Every field computes something here;
// the schema refuses any field the product does not use. Pure: amounts are integers in fen.
//
// Rules, with the clauses behind them:
// - Tiers (缴费档次) in yuan, strictly increasing. A person without this year's tier keeps last year's
//   (defaultTier: last-year, seed 001 "自动默认进行扣缴") or takes the lowest.
// - The subsidy (缴费补贴) follows the actual tier, 代缴 included (seed 001 "政府缴费补贴按实际缴费(含代缴)
//   档次的标准执行"): `subsidies` rows by tier range, optionally by residence (seed 003, Changchun: above
//   500 yuan rural residents get 50, urban 55..75). A person whose residence is not known gets the row
//   without residence, else the smallest of the residence rows (never more than is certain).
// - `extraSubsidies`: a second subsidy by tier with its own payer (seed 002, Dongfang: 30 yuan for
//   everyone from province and city 6:4, plus 15..95 yuan by tier from the city).
// - `subsidyUplifts`: a county raises the subsidy for its residents, at its own cost (seed 001 "各县可
//   适当提高缴费补贴标准,提高部分所需资金由各县负担"). Uplifts of every region containing the person add up.
// - 代缴: the government pays, for the categories the plan names (`hardship.paidCategories`; seed 001
//   names five: a 重点优抚对象 gets nothing there), the minimum in full (`minimum`) or a partial amount
//   per category (`perCategory`, seed 002: 低保 70, 重点优抚对象 80), never more than the tier; the person
//   pays the rest. Categories in `balanceRequired` are paid only if the person pays the balance (seed 002
//   "如个人不愿意缴纳,市财政不给予代缴部分保费"): a person who does not pay gets neither 代缴 nor subsidy.
//   A person in several categories is paid once: the highest amount (unconditional first on a tie).
// - 提档补差 (`allowUpgrade`, seed 000): a tier raised within the year costs the difference; the subsidy
//   follows the final tier.
// - 集体补助 (`collectiveSubsidyCap`): a village collective may add to a member's contribution, capped
//   (seed 001: not above the highest tier).
// - Cost split (`costSplit`, 财政分担) per component across levels (seed 002: province:city 6:4; seed 003:
//   province:city:district 6:2:2), computed per person in fen by `splitFen` (largest remainder) and rolled
//   up per unit into the budget estimate (财政资金测算). A component without a split is borne by the
//   plan's own level, except the county uplift, borne by the county.
import { z } from 'zod';
import { regionContains } from './access';
import { categoryRegistry, findCategory, type CategoryInfo } from './categories';
import { breakdownUnits, regionCode, type PlanTree } from './regions';
import { RESIDENCE_TYPES, RESIDENCE_ZH, type RegionLevel, type ResidenceType } from './status';
import type { Text } from './targets';

export const FUNDING_LEVELS = ['central', 'province', 'city', 'county', 'town'] as const;
export type FundingLevel = (typeof FUNDING_LEVELS)[number];
export const FUNDING_LEVEL_ZH: Readonly<Record<FundingLevel, string>> = { central: '中央', province: '省级', city: '市级', county: '县级', town: '乡镇' };

export const COST_COMPONENTS = ['subsidy', 'extraSubsidy', 'uplift', 'govPaid'] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];
export const COST_COMPONENT_ZH: Readonly<Record<CostComponent, string>> = { subsidy: '缴费补贴', extraSubsidy: '加发缴费补贴', uplift: '县级提高补贴', govPaid: '政府代缴' };

// ---------------------------------------------------------------------------------------------
// Schema

/** Yuan with at most two decimals (fen are exact). */
const yuan = z
  .number()
  .nonnegative('金额不能为负数')
  .refine((y) => Math.abs(y * 100 - Math.round(y * 100)) < 1e-6, { message: '金额至多两位小数（分）' });

const SubsidyRowSchema = z
  .object({
    fromTier: z.number().positive('档次应为正数'),
    toTier: z.number().positive('档次应为正数').optional(),
    amount: yuan,
    /** Only for urban or rural residents; absent: everyone. */
    residence: z.enum(RESIDENCE_TYPES).optional(),
  })
  .strict()
  .refine((r) => r.toTier === undefined || r.toTier >= r.fromTier, { message: 'toTier 不应小于 fromTier', path: ['toTier'] });
export type SubsidyRow = z.infer<typeof SubsidyRowSchema>;

const UpliftSchema = z
  .object({
    /** The county (or any region of the breakdown) that raises the subsidy of its residents. */
    region: regionCode,
    amount: yuan.refine((y) => y > 0, { message: '提高的金额应大于 0' }),
    fromTier: z.number().positive().optional(),
    toTier: z.number().positive().optional(),
  })
  .strict();
export type Uplift = z.infer<typeof UpliftSchema>;

const CategoryDefSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, '类别代码应为小写字母开头的 a-z0-9-'),
    name: z.string().trim().min(1, '名称不能为空'),
    /** The department that issues the list (民政局, 残联 …). */
    department: z.string().trim().min(1, '发文部门不能为空'),
    /** Other texts files use for it (column values, list titles). */
    aliases: z.array(z.string().trim().min(1)).min(1).optional(),
  })
  .strict();

export const HardshipPolicySchema = z
  .object({
    /** full-minimum: the government pays `minimum` in full; partial: the `perCategory` amount. */
    mode: z.enum(['full-minimum', 'partial']),
    /** 最低缴费标准 in yuan (Jiangmen 120); default for `minimum` amounts: the lowest tier. */
    minimum: yuan.optional(),
    /** Yuan per category, or `minimum` (the minimum in full); overrides the mode for that category. */
    perCategory: z.record(z.string(), z.union([yuan, z.literal('minimum')])).optional(),
    /** The categories the government pays for; default: every category (full-minimum) or those in perCategory (partial). */
    paidCategories: z.array(z.string()).min(1).optional(),
    /** Categories paid only if the person pays the balance. */
    balanceRequired: z.array(z.string()).min(1).optional(),
    /** Age (>= 16) is judged on this date; default 31 December of the campaign year. */
    referenceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD').optional(),
  })
  .strict()
  .refine((h) => h.mode !== 'full-minimum' || h.minimum !== undefined, { message: '全额代缴（full-minimum）须给出 minimum（最低档金额）', path: ['minimum'] })
  .refine((h) => h.mode !== 'partial' || Object.keys(h.perCategory ?? {}).length > 0, { message: '部分代缴（partial）须按类别给出 perCategory 金额', path: ['perCategory'] });
export type HardshipPolicy = z.infer<typeof HardshipPolicySchema>;

const Weights = z
  .partialRecord(z.enum(FUNDING_LEVELS), z.number().nonnegative('分担比例不能为负数'))
  .refine((w) => Object.values(w).reduce((a: number, b) => a + (b ?? 0), 0) > 0, { message: '各级分担比例之和应大于 0' });
export type Weights = z.infer<typeof Weights>;

/**
 * 财政分担: weights per level for each component, e.g. `{subsidy: {province: 6, city: 4}}`; a flat
 * `{province: 6, city: 2, county: 2}` (as plans wrote it first) splits the subsidies and 代缴 alike.
 */
const CostSplitSchema = z.union([
  z.object({ subsidy: Weights.optional(), extraSubsidy: Weights.optional(), uplift: Weights.optional(), govPaid: Weights.optional() }).strict(),
  Weights,
]);
export type CostSplit = z.infer<typeof CostSplitSchema>;

export const ContributionPolicySchema = z
  .object({
    tiers: z
      .array(z.number().positive('档次应为正数'))
      .min(1, '至少一个缴费档次')
      .refine((t) => t.every((v, i) => i === 0 || v > t[i - 1]), { message: '缴费档次应严格递增' }),
    defaultTier: z.enum(['last-year', 'lowest']).default('last-year'),
    /** 提档补差: a tier may be raised within the year, paying the difference. */
    allowUpgrade: z.boolean().default(false),
    /** 缴费补贴 by tier (and residence). */
    subsidies: z.array(SubsidyRowSchema).default([]),
    /** A second subsidy by tier, with its own payer (`costSplit.extraSubsidy`). */
    extraSubsidies: z.array(SubsidyRowSchema).min(1).optional(),
    /** Counties raising the subsidy of their residents, at their own cost. */
    subsidyUplifts: z.array(UpliftSchema).min(1).optional(),
    /** The plan's own hardship categories, beside the built-in ones. */
    categories: z.array(CategoryDefSchema).min(1).optional(),
    hardship: HardshipPolicySchema.optional(),
    costSplit: CostSplitSchema.optional(),
    /** 集体补助 cap per person and year, in yuan. */
    collectiveSubsidyCap: yuan.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const registry = categoryRegistry(p.categories ?? []);
    const builtIn = registry.filter((r) => r.builtIn);
    p.categories?.forEach((c, i) => {
      const clash = builtIn.find((r) => [r.code, r.name, ...r.aliases].some((t) => t === c.code || t === c.name));
      if (clash) issue(['categories', i, 'code'], `类别「${c.name}」（${c.code}）与内置类别「${clash.name}」（${clash.code}）重复`);
      const prior = p.categories!.findIndex((o) => o.code === c.code);
      if (prior < i) issue(['categories', i, 'code'], `类别代码 ${c.code} 与 categories[${prior}] 重复`);
    });
    const known = `${registry.map((c) => `${c.code}（${c.name}）`).join('、')}`;
    const h = p.hardship;
    if (!h) return;
    const resolve = (text: string) => findCategory(registry, text)?.code ?? null;
    const perCategory = new Map<string, unknown>();
    for (const k of Object.keys(h.perCategory ?? {})) {
      const code = resolve(k);
      if (!code) issue(['hardship', 'perCategory'], `perCategory 的类别应为：${known}`);
      else perCategory.set(code, h.perCategory![k]);
    }
    const paid = new Set<string>();
    h.paidCategories?.forEach((k, i) => {
      const code = resolve(k);
      if (!code) issue(['hardship', 'paidCategories', i], `未知类别“${k}”，可用：${known}`);
      else {
        paid.add(code);
        if (h.mode === 'partial' && !perCategory.has(code)) issue(['hardship', 'paidCategories', i], `部分代缴须在 perCategory 中给出“${k}”的金额`);
      }
    });
    h.balanceRequired?.forEach((k, i) => {
      const code = resolve(k);
      if (!code) issue(['hardship', 'balanceRequired', i], `未知类别“${k}”，可用：${known}`);
      else if (h.paidCategories ? !paid.has(code) : h.mode === 'partial' && !perCategory.has(code)) issue(['hardship', 'balanceRequired', i], `“${k}”不在政府代缴的类别之中`);
    });
    if (h.paidCategories) {
      for (const code of perCategory.keys()) {
        if (!paid.has(code)) issue(['hardship', 'perCategory'], `perCategory 中的“${code}”不在 paidCategories 之中，其金额不会使用`);
      }
    }
    p.subsidyUplifts?.forEach((u, i) => {
      if (u.toTier !== undefined && u.fromTier !== undefined && u.toTier < u.fromTier) issue(['subsidyUplifts', i, 'toTier'], 'toTier 不应小于 fromTier');
    });
  });
export type ContributionPolicy = z.infer<typeof ContributionPolicySchema>;

/** The plan's policy block as stored (plans from before some fields existed lack them). */
export interface ContributionRules {
  tiers: number[];
  defaultTier?: 'last-year' | 'lowest';
  allowUpgrade?: boolean;
  subsidies?: SubsidyRow[];
  extraSubsidies?: SubsidyRow[];
  subsidyUplifts?: Uplift[];
  categories?: Array<{ code: string; name: string; department: string; aliases?: string[] }>;
  hardship?: {
    mode: 'full-minimum' | 'partial';
    minimum?: number;
    perCategory?: Record<string, number | 'minimum'>;
    paidCategories?: string[];
    balanceRequired?: string[];
    referenceDate?: string;
  };
  costSplit?: CostSplit;
  collectiveSubsidyCap?: number;
}

/** Uplifts of the plan that name no unit of its breakdown (checked by validatePlan). */
export function checkPolicy(plan: PlanTree & { contributionPolicy?: ContributionRules }, errors: Array<{ path: string; message: string }>): void {
  const codes = new Set([plan.region.code, ...breakdownUnits(plan).map((u) => u.code)]);
  plan.contributionPolicy?.subsidyUplifts?.forEach((u, i) => {
    if (!codes.has(u.region)) errors.push({ path: `contributionPolicy.subsidyUplifts[${i}].region`, message: `任务分解中没有区划代码为 ${u.region} 的单位` });
  });
}

// ---------------------------------------------------------------------------------------------
// Resolved (fen) — what screening runs store and every computation reads

export interface SubsidyFen {
  fromFen: number;
  toFen: number | null;
  amountFen: number;
  residence?: ResidenceType;
}

/** The policy resolved once (amounts in fen, categories by code). Fields after `subsidies` are absent from runs stored before they existed: read as the old behaviour. */
export interface ResolvedPolicy {
  mode: 'full-minimum' | 'partial' | 'none';
  minimumFen: number;
  /** 代缴 per category (full-minimum: only the categories that differ from the minimum). */
  perCategoryFen: Record<string, number>;
  referenceDate: string;
  tiersFen: number[];
  defaultTier: 'last-year' | 'lowest';
  subsidies: SubsidyFen[];
  /** null or absent: every category is paid (plans written before paidCategories). */
  paidCategories?: string[] | null;
  balanceRequired?: string[];
  extraSubsidies?: SubsidyFen[];
  uplifts?: Array<{ region: string; fromFen: number; toFen: number | null; amountFen: number }>;
  allowUpgrade?: boolean;
  costSplit?: Record<CostComponent, Weights>;
  collectiveCapFen?: number | null;
  categories?: CategoryInfo[];
}

export const yuanToFen = (y: number) => Math.round(y * 100);

const fundingLevelOf = (level: RegionLevel | undefined): FundingLevel => (level === undefined ? 'city' : level === 'village' ? 'town' : level);

function isPerComponent(split: CostSplit): split is Partial<Record<CostComponent, Weights>> {
  return Object.keys(split).some((k) => (COST_COMPONENTS as readonly string[]).includes(k));
}

/** Who bears each component: the plan's split, else its own level (the county for the county uplift). */
export function resolveCostSplit(split: CostSplit | undefined, regionLevel?: RegionLevel): Record<CostComponent, Weights> {
  const own: Weights = { [fundingLevelOf(regionLevel)]: 1 };
  const out: Record<CostComponent, Weights> = { subsidy: own, extraSubsidy: own, uplift: { county: 1 }, govPaid: own };
  if (!split) return out;
  if (isPerComponent(split)) {
    for (const c of COST_COMPONENTS) if (split[c]) out[c] = split[c]!;
  } else {
    out.subsidy = out.extraSubsidy = out.govPaid = split as Weights;
  }
  return out;
}

const rowsFen = (rows: readonly SubsidyRow[] | undefined): SubsidyFen[] =>
  (rows ?? []).map((s) => ({ fromFen: yuanToFen(s.fromTier), toFen: s.toTier === undefined ? null : yuanToFen(s.toTier), amountFen: yuanToFen(s.amount), ...(s.residence ? { residence: s.residence } : {}) }));

/**
 * The policy in fen, categories by code. Throws with a plain reason when a category is unknown
 * (validatePlan refuses such a plan first). `regionLevel` decides who bears an unsplit cost.
 */
export function resolvePolicy(rules: ContributionRules | undefined, year: number, options: { regionLevel?: RegionLevel } = {}): ResolvedPolicy {
  const registry = categoryRegistry(rules?.categories ?? []);
  const code = (k: string, field: string) => {
    const c = findCategory(registry, k);
    if (!c) throw new Error(`方案 contributionPolicy.hardship.${field} 中的类别“${k}”无法识别`);
    return c.code;
  };
  const h = rules?.hardship;
  const tiersFen = (rules?.tiers ?? []).map(yuanToFen);
  const minimumFen = yuanToFen(h?.minimum ?? 0);
  const fullMinimumFen = h?.minimum !== undefined ? minimumFen : (tiersFen[0] ?? 0);
  const perCategoryFen: Record<string, number> = {};
  for (const [k, v] of Object.entries(h?.perCategory ?? {})) perCategoryFen[code(k, 'perCategory')] = v === 'minimum' ? fullMinimumFen : yuanToFen(v);
  const paidCategories = h?.paidCategories ? h.paidCategories.map((k) => code(k, 'paidCategories')) : h?.mode === 'partial' ? Object.keys(perCategoryFen) : null;
  return {
    mode: h ? h.mode : 'none',
    minimumFen,
    perCategoryFen,
    referenceDate: h?.referenceDate ?? `${year}-12-31`,
    tiersFen,
    defaultTier: rules?.defaultTier ?? 'last-year',
    subsidies: rowsFen(rules?.subsidies),
    paidCategories,
    balanceRequired: (h?.balanceRequired ?? []).map((k) => code(k, 'balanceRequired')),
    extraSubsidies: rowsFen(rules?.extraSubsidies),
    uplifts: (rules?.subsidyUplifts ?? []).map((u) => ({
      region: u.region,
      fromFen: u.fromTier === undefined ? 0 : yuanToFen(u.fromTier),
      toFen: u.toTier === undefined ? null : yuanToFen(u.toTier),
      amountFen: yuanToFen(u.amount),
    })),
    allowUpgrade: rules?.allowUpgrade ?? false,
    costSplit: resolveCostSplit(rules?.costSplit, options.regionLevel),
    collectiveCapFen: rules?.collectiveSubsidyCap === undefined ? null : yuanToFen(rules.collectiveSubsidyCap),
    categories: registry,
  };
}

// ---------------------------------------------------------------------------------------------
// Amounts

const inRange = (tierFen: number, r: { fromFen: number; toFen: number | null }) => tierFen >= r.fromFen && (r.toFen === null || tierFen <= r.toFen);

/** The row of a subsidy table that applies to a tier and residence (see the file header for an unknown residence). */
export function subsidyRow(rows: readonly SubsidyFen[], tierFen: number, residence?: ResidenceType): SubsidyFen | null {
  const matching = rows.filter((r) => inRange(tierFen, r));
  if (residence) return matching.find((r) => r.residence === residence) ?? matching.find((r) => !r.residence) ?? null;
  const general = matching.find((r) => !r.residence);
  if (general) return general;
  const specific = matching.filter((r) => r.residence);
  return specific.length ? specific.reduce((a, b) => (b.amountFen < a.amountFen ? b : a)) : null;
}

/** The basic subsidy (缴费补贴) for a tier. */
export function subsidyFor(policy: Pick<ResolvedPolicy, 'subsidies'>, tierFen: number, residence?: ResidenceType): number {
  return subsidyRow(policy.subsidies, tierFen, residence)?.amountFen ?? 0;
}

/** The extra subsidy (加发补贴) for a tier. */
export function extraSubsidyFor(policy: Pick<ResolvedPolicy, 'extraSubsidies'>, tierFen: number, residence?: ResidenceType): number {
  return subsidyRow(policy.extraSubsidies ?? [], tierFen, residence)?.amountFen ?? 0;
}

/** The uplifts of every region containing the person's code (county, town …), added up. */
export function upliftFor(policy: Pick<ResolvedPolicy, 'uplifts'>, tierFen: number, regionCode: string | undefined): number {
  if (!regionCode) return 0;
  return (policy.uplifts ?? []).filter((u) => inRange(tierFen, u) && regionContains(u.region, regionCode)).reduce((a, u) => a + u.amountFen, 0);
}

export interface GovernmentPayment {
  fen: number;
  /** The category it is paid for; null when nothing is paid (or for the old full-minimum without categories). */
  category: string | null;
  /** Paid only if the person pays the balance. */
  conditional: boolean;
}

/** What the government pays for a person's categories, before capping by the tier (the highest; unconditional first on a tie). */
export function governmentPayment(policy: ResolvedPolicy, categories: readonly string[]): GovernmentPayment {
  if (policy.mode === 'none') return { fen: 0, category: null, conditional: false };
  const paid = policy.paidCategories;
  const required = new Set(policy.balanceRequired ?? []);
  // Plans written before paidCategories: full-minimum paid the minimum whatever the list.
  if (policy.mode === 'full-minimum' && !paid && categories.length === 0) return { fen: policy.minimumFen, category: null, conditional: false };
  let best: GovernmentPayment = { fen: 0, category: null, conditional: false };
  for (const c of categories) {
    if (paid && !paid.includes(c)) continue;
    const fen = policy.perCategoryFen[c] ?? (policy.mode === 'full-minimum' ? policy.minimumFen : 0);
    const conditional = required.has(c);
    if (fen > best.fen || (fen === best.fen && fen > 0 && best.conditional && !conditional)) best = { fen, category: c, conditional };
  }
  return best;
}

/** The government's share for the person's categories (before capping by the tier). */
export function governmentShare(policy: ResolvedPolicy, categories: readonly string[]): number {
  return governmentPayment(policy, categories).fen;
}

export type UpgradeResult =
  | { ok: true; fromTierFen: number; toTierFen: number; differenceFen: number }
  | { ok: false; reason: Text };

/** 提档补差: raising a tier within the year costs the difference; refused when the plan does not allow it or the tier is not higher. */
export function upgradeDifference(policy: Pick<ResolvedPolicy, 'allowUpgrade' | 'tiersFen'>, fromTierFen: number, toTierFen: number): UpgradeResult {
  const y = (f: number) => (f / 100).toFixed(2);
  if (!policy.allowUpgrade) return { ok: false, reason: { zh: '方案未允许当年提档补差', en: 'the plan does not allow raising the tier within the year' } };
  if (!policy.tiersFen.includes(toTierFen)) return { ok: false, reason: { zh: `${y(toTierFen)} 元不是方案的缴费档次`, en: `${y(toTierFen)} yuan is not one of the plan's tiers` } };
  if (toTierFen <= fromTierFen) return { ok: false, reason: { zh: `提档后的档次 ${y(toTierFen)} 元应高于已缴的 ${y(fromTierFen)} 元`, en: `the new tier ${y(toTierFen)} must be above the ${y(fromTierFen)} already paid` } };
  return { ok: true, fromTierFen, toTierFen, differenceFen: toTierFen - fromTierFen };
}

/** 集体补助: what a collective may add, capped. */
export function collectiveSubsidy(policy: Pick<ResolvedPolicy, 'collectiveCapFen'>, offeredFen: number): { offeredFen: number; grantedFen: number; capped: boolean } {
  const cap = policy.collectiveCapFen ?? null;
  const grantedFen = cap === null ? offeredFen : Math.min(offeredFen, cap);
  return { offeredFen, grantedFen, capped: grantedFen < offeredFen };
}

/**
 * Splits fen across levels by weight, exactly: each level first gets floor(amount × w ÷ W); the fen
 * left over (fewer than the number of levels) go one each to the levels with the largest remainders,
 * a tie going to the higher level (central, then province, city, county, town). So 30 yuan at 6:4 is
 * 18 + 12, and 7 fen at 6:2:2 is 4 + 2 + 1 (4.2, 1.4, 1.4: one fen left, to the city, before the county).
 * Weights may be fractions (0.6, 0.4): they are read to six decimals.
 */
export function splitFen(amountFen: number, weights: Weights): Partial<Record<FundingLevel, number>> {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new RangeError(`amount must be whole fen >= 0: ${amountFen}`);
  const levels = FUNDING_LEVELS.filter((l) => (weights[l] ?? 0) > 0);
  if (levels.length === 0) throw new RangeError('分担比例之和应大于 0');
  const w = levels.map((l) => BigInt(Math.round(weights[l]! * 1e6)));
  const total = w.reduce((a, b) => a + b, 0n);
  const amount = BigInt(amountFen);
  const parts = w.map((x) => (amount * x) / total);
  const rem = w.map((x) => (amount * x) % total);
  let left = Number(amount - parts.reduce((a, b) => a + b, 0n));
  const order = levels.map((_, i) => i).sort((a, b) => (rem[b] > rem[a] ? 1 : rem[b] < rem[a] ? -1 : a - b));
  for (let k = 0; left > 0; k++, left--) parts[order[k]] += 1n;
  const out: Partial<Record<FundingLevel, number>> = {};
  levels.forEach((l, i) => (out[l] = Number(parts[i])));
  return out;
}

/** One person as the amounts need them. */
export interface PersonInput {
  /** The tier paid (after any upgrade), in fen. */
  tierFen: number;
  categories?: readonly string[];
  residence?: ResidenceType;
  /** The person's village (or town, county) code: decides county uplifts. */
  regionCode?: string;
  /** Whether the person pays the balance; false withholds conditional 代缴. Absent: assumed to pay. */
  balancePaid?: boolean;
  /** The tier first paid this year, when it was raised (提档补差). */
  upgradedFromTierFen?: number;
  /** What a village collective offers (集体补助), in fen. */
  collectiveFen?: number;
}

export interface Contribution {
  tierFen: number;
  govPaid: GovernmentPayment & { withheld: boolean };
  govPaidFen: number;
  personalFen: number;
  subsidy: { basicFen: number; extraFen: number; upliftFen: number; totalFen: number };
  upgrade: { fromTierFen: number; differenceFen: number; subsidyBeforeFen: number } | null;
  collective: { offeredFen: number; grantedFen: number; capped: boolean } | null;
  /** Government money per component and level (subsidies and 代缴), each split exactly. */
  byComponent: Record<CostComponent, Partial<Record<FundingLevel, number>>>;
  byLevel: Partial<Record<FundingLevel, number>>;
  /** Subsidies plus 代缴. */
  governmentFen: number;
}

const emptyComponents = (): Record<CostComponent, Partial<Record<FundingLevel, number>>> => ({ subsidy: {}, extraSubsidy: {}, uplift: {}, govPaid: {} });

function subsidies(policy: ResolvedPolicy, tierFen: number, person: PersonInput) {
  const basicFen = subsidyFor(policy, tierFen, person.residence);
  const extraFen = extraSubsidyFor(policy, tierFen, person.residence);
  const upliftFen = upliftFor(policy, tierFen, person.regionCode);
  return { basicFen, extraFen, upliftFen, totalFen: basicFen + extraFen + upliftFen };
}

/** Everything one person's contribution means in money: 代缴, personal share, subsidies, 补差, collective, and who pays. */
export function contribution(policy: ResolvedPolicy, person: PersonInput): Contribution {
  const tierFen = person.tierFen;
  const pay = governmentPayment(policy, person.categories ?? []);
  const withheld = pay.conditional && person.balancePaid === false;
  const collective = person.collectiveFen === undefined ? null : collectiveSubsidy(policy, person.collectiveFen);
  if (withheld) {
    // Seed 002: a person who will not pay the balance gets no 代缴, and without a contribution no subsidy.
    return { tierFen, govPaid: { ...pay, withheld }, govPaidFen: 0, personalFen: 0, subsidy: { basicFen: 0, extraFen: 0, upliftFen: 0, totalFen: 0 }, upgrade: null, collective, byComponent: emptyComponents(), byLevel: {}, governmentFen: 0 };
  }
  const govPaidFen = Math.min(pay.fen, tierFen);
  const subsidy = subsidies(policy, tierFen, person);
  let upgrade: Contribution['upgrade'] = null;
  if (person.upgradedFromTierFen !== undefined) {
    const u = upgradeDifference(policy, person.upgradedFromTierFen, tierFen);
    if (!u.ok) throw new RangeError(u.reason.zh);
    upgrade = { fromTierFen: u.fromTierFen, differenceFen: u.differenceFen, subsidyBeforeFen: subsidies(policy, u.fromTierFen, person).totalFen };
  }
  const split = policy.costSplit ?? resolveCostSplit(undefined);
  const byComponent = emptyComponents();
  const amounts: Record<CostComponent, number> = { subsidy: subsidy.basicFen, extraSubsidy: subsidy.extraFen, uplift: subsidy.upliftFen, govPaid: govPaidFen };
  const byLevel: Partial<Record<FundingLevel, number>> = {};
  for (const c of COST_COMPONENTS) {
    if (amounts[c] === 0) continue;
    byComponent[c] = splitFen(amounts[c], split[c]);
    for (const [l, fen] of Object.entries(byComponent[c]) as Array<[FundingLevel, number]>) byLevel[l] = (byLevel[l] ?? 0) + fen;
  }
  return {
    tierFen,
    govPaid: { ...pay, withheld },
    govPaidFen,
    personalFen: tierFen - govPaidFen,
    subsidy,
    upgrade,
    collective,
    byComponent,
    byLevel,
    governmentFen: subsidy.totalFen + govPaidFen,
  };
}

// ---------------------------------------------------------------------------------------------
// Budget estimate (财政资金测算)

export interface BudgetLine {
  people: number;
  /** People whose conditional 代缴 is withheld (they do not pay the balance). */
  withheld: number;
  govPaidFen: number;
  subsidyFen: { basic: number; extra: number; uplift: number };
  byComponent: Record<CostComponent, Partial<Record<FundingLevel, number>>>;
  byLevel: Partial<Record<FundingLevel, number>>;
  totalFen: number;
}

export const emptyBudgetLine = (): BudgetLine => ({ people: 0, withheld: 0, govPaidFen: 0, subsidyFen: { basic: 0, extra: 0, uplift: 0 }, byComponent: emptyComponents(), byLevel: {}, totalFen: 0 });

function addToLine(line: BudgetLine, c: Contribution): void {
  line.people += 1;
  if (c.govPaid.withheld) line.withheld += 1;
  line.govPaidFen += c.govPaidFen;
  line.subsidyFen.basic += c.subsidy.basicFen;
  line.subsidyFen.extra += c.subsidy.extraFen;
  line.subsidyFen.uplift += c.subsidy.upliftFen;
  for (const comp of COST_COMPONENTS) {
    for (const [l, fen] of Object.entries(c.byComponent[comp]) as Array<[FundingLevel, number]>) line.byComponent[comp][l] = (line.byComponent[comp][l] ?? 0) + fen;
  }
  for (const [l, fen] of Object.entries(c.byLevel) as Array<[FundingLevel, number]>) line.byLevel[l] = (line.byLevel[l] ?? 0) + fen;
  line.totalFen += c.governmentFen;
}

/** Adds one line's people and money to another (sums of budget lines computed a page at a time). */
export function mergeBudgetLine(into: BudgetLine, from: BudgetLine): void {
  into.people += from.people;
  into.withheld += from.withheld;
  into.govPaidFen += from.govPaidFen;
  into.subsidyFen.basic += from.subsidyFen.basic;
  into.subsidyFen.extra += from.subsidyFen.extra;
  into.subsidyFen.uplift += from.subsidyFen.uplift;
  for (const comp of COST_COMPONENTS) {
    for (const [l, fen] of Object.entries(from.byComponent[comp]) as Array<[FundingLevel, number]>) into.byComponent[comp][l] = (into.byComponent[comp][l] ?? 0) + fen;
  }
  for (const [l, fen] of Object.entries(from.byLevel) as Array<[FundingLevel, number]>) into.byLevel[l] = (into.byLevel[l] ?? 0) + fen;
  into.totalFen += from.totalFen;
}

/** Government money per unit (the code each person is counted under, usually their village) and in all; each person split exactly. */
export function budgetEstimate(policy: ResolvedPolicy, people: Iterable<PersonInput & { unitCode: string }>): { units: Record<string, BudgetLine>; total: BudgetLine } {
  const units: Record<string, BudgetLine> = {};
  const total = emptyBudgetLine();
  for (const p of people) {
    const c = contribution(policy, p);
    addToLine((units[p.unitCode] ??= emptyBudgetLine()), c);
    addToLine(total, c);
  }
  return { units, total };
}

export interface BudgetRow {
  code: string;
  name: string;
  level: RegionLevel;
  depth: number;
  /** This unit and everything under it. */
  line: BudgetLine;
}

/**
 * The estimate rolled up the breakdown: the plan's region first, then every unit depth first, each with
 * its subtree's sum. A code below the breakdown (a village under a town leaf) counts in its deepest unit.
 */
export function rollUpBudget(plan: PlanTree, lines: Readonly<Record<string, BudgetLine>>): BudgetRow[] {
  const units = breakdownUnits(plan);
  const byCode = new Map(units.map((u) => [u.code, u]));
  const sums = new Map<string, BudgetLine>([[plan.region.code, emptyBudgetLine()]]);
  for (const u of units) sums.set(u.code, emptyBudgetLine());
  const sixDigit = units.filter((u) => u.code.length === 6);
  for (const [code, line] of Object.entries(lines)) {
    if (!regionContains(plan.region.code, code)) continue;
    let home = byCode.get(code) ?? byCode.get(code.slice(0, 9)) ?? byCode.get(code.slice(0, 6));
    home ??= sixDigit.filter((u) => regionContains(u.code, code)).sort((a, b) => b.depth - a.depth)[0];
    mergeBudgetLine(sums.get(plan.region.code)!, line);
    if (!home) continue;
    for (const c of [home.code, ...home.ancestors]) mergeBudgetLine(sums.get(c)!, line);
  }
  return [
    { code: plan.region.code, name: plan.region.name, level: plan.region.level, depth: 0, line: sums.get(plan.region.code)! },
    ...units.map((u) => ({ code: u.code, name: u.name, level: u.level, depth: u.depth, line: sums.get(u.code)! })),
  ];
}

// ---------------------------------------------------------------------------------------------
// Samples for the preview

export interface PolicySample {
  /** null: a resident in no hardship category. */
  category: string | null;
  categoryName: string;
  residence: ResidenceType | null;
  contribution: Contribution;
  text: Text;
}

const y2 = (fen: number) => (fen / 100).toFixed(2);

function levelText(byLevel: Partial<Record<FundingLevel, number>>): Text {
  const parts = FUNDING_LEVELS.filter((l) => byLevel[l]);
  return {
    zh: parts.map((l) => `${FUNDING_LEVEL_ZH[l]} ${y2(byLevel[l]!)} 元`).join('、'),
    en: parts.map((l) => `${l} ${y2(byLevel[l]!)}`).join(', '),
  };
}

/** One person's amounts in a sentence: "低保对象,180元档:政府代缴 120.00 元,个人缴纳 60.00 元,缴费补贴 30.00 元;财政:县级 150.00 元". */
export function describeContribution(c: Contribution, who: { categoryName: string; residence: ResidenceType | null }): Text {
  const res = who.residence ? `（${RESIDENCE_ZH[who.residence]}）` : '';
  const head = `${who.categoryName}${res}，${y2(c.tierFen).replace(/\.00$/, '')}元档：`;
  const headEn = `${who.categoryName}${who.residence ? ` (${who.residence})` : ''}, tier ${y2(c.tierFen)}: `;
  if (c.govPaid.withheld) {
    return { zh: `${head}个人不缴纳差额的，政府不予代缴，亦无缴费补贴。`, en: `${headEn}without the balance paid there is no 代缴 and no subsidy.` };
  }
  const zh: string[] = [];
  const en: string[] = [];
  if (c.govPaidFen > 0) {
    zh.push(`政府代缴 ${y2(c.govPaidFen)} 元${c.govPaid.conditional ? '（以个人缴纳差额为条件）' : ''}`);
    en.push(`government pays ${y2(c.govPaidFen)}${c.govPaid.conditional ? ' (if the balance is paid)' : ''}`);
  }
  zh.push(`个人缴纳 ${y2(c.personalFen)} 元`);
  en.push(`personal ${y2(c.personalFen)}`);
  const s = c.subsidy;
  const detail = [s.extraFen ? `含加发 ${y2(s.extraFen)} 元` : '', s.upliftFen ? `含县级提高 ${y2(s.upliftFen)} 元` : ''].filter(Boolean).join('、');
  zh.push(`缴费补贴 ${y2(s.totalFen)} 元${detail ? `（${detail}）` : ''}`);
  en.push(`subsidy ${y2(s.totalFen)}`);
  const lv = levelText(c.byLevel);
  return {
    zh: `${head}${zh.join('，')}${lv.zh ? `；财政：${lv.zh}` : ''}。`,
    en: `${headEn}${en.join(', ')}${lv.en ? `; budgets: ${lv.en}` : ''}.`,
  };
}

/**
 * A sample person for each category the government pays for (and one in none), each tier, and each
 * residence where the subsidy differs by it: what the preview shows before launch.
 */
export function policySamples(policy: ResolvedPolicy): PolicySample[] {
  const registry = policy.categories ?? categoryRegistry();
  const paid = policy.mode === 'none' ? [] : (policy.paidCategories ?? registry.map((c) => c.code));
  const residences: Array<ResidenceType | null> = [...(policy.subsidies ?? []), ...(policy.extraSubsidies ?? [])].some((r) => r.residence) ? ['urban', 'rural'] : [null];
  const out: PolicySample[] = [];
  for (const category of [null, ...paid]) {
    const categoryName = category === null ? '一般参保人' : (registry.find((c) => c.code === category)?.name ?? category);
    for (const residence of residences) {
      for (const tierFen of policy.tiersFen) {
        const c = contribution(policy, { tierFen, categories: category ? [category] : [], ...(residence ? { residence } : {}) });
        out.push({ category, categoryName, residence, contribution: c, text: describeContribution(c, { categoryName, residence }) });
      }
    }
  }
  return out;
}
