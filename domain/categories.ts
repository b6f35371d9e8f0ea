// The registry of hardship categories (困难群体类别): code, Chinese name, issuing department and the
// texts files and officials use for it. Built in: the five groups every plan names (seed 001), key
// special-care recipients (重点优抚对象, seeds 002 and 003) and the family-planning groups of Dongfang
// (seed 002: 独生子女伤残/死亡家庭父母, 计划生育手术并发症人员). A plan adds its own with
// `contributionPolicy.categories`; which of them the government pays for is `hardship.paidCategories`.
// Pure.

export const HARDSHIP_CATEGORIES = [
  { key: 'dibao', zh: '低保对象', department: '民政部门', aliases: ['低保', '低保户', '城乡低保', '城镇低保', '最低生活保障对象', 'dibao', 'low-income'] },
  { key: 'tekun', zh: '特困人员', department: '民政部门', aliases: ['特困', '特困供养人员', '五保', 'tekun', 'extreme-poverty'] },
  { key: 'fanpin', zh: '易返贫致贫人口', department: '农业农村部门', aliases: ['防返贫监测对象', '监测对象', '返贫致贫', 'fanpin', 'at-risk'] },
  { key: 'severe-disability', zh: '重度残疾人', department: '残联', aliases: ['重度残疾', '一二级残疾', '一级残疾', '二级残疾', '重症残疾人', 'severe-disability'] },
  { key: 'mental-intellectual', zh: '精神/智力残疾人', department: '残联', aliases: ['精神残疾', '智力残疾', '精神智力残疾', '三四级精神智力残疾', 'mental-intellectual'] },
  { key: 'special-care', zh: '重点优抚对象', department: '退役军人事务部门', aliases: ['优抚对象', '重点优抚', '重点优扶对象', 'special-care'] },
] as const;
export type HardshipCategory = (typeof HARDSHIP_CATEGORIES)[number]['key'];
/** The categories lists can be imported under today (the console labels each of them). */
export const HARDSHIP_CATEGORY_KEYS = HARDSHIP_CATEGORIES.map((c) => c.key) as [HardshipCategory, ...HardshipCategory[]];

/**
 * Built in for plans, not yet for list imports: Dongfang's family-planning groups (seed 002). A plan
 * may name them in its policy; importing their lists needs their console labels first.
 */
export const FAMILY_PLANNING_CATEGORIES = [
  { key: 'only-child-disabled', zh: '独生子女伤残家庭父母', department: '卫生健康部门', aliases: ['独生子女伤残家庭', '独生子女伤残', 'only-child-disabled'] },
  { key: 'only-child-deceased', zh: '独生子女死亡家庭父母', department: '卫生健康部门', aliases: ['独生子女死亡家庭', '独生子女死亡', '失独家庭', 'only-child-deceased'] },
  { key: 'family-planning-complication', zh: '计划生育手术并发症人员', department: '卫生健康部门', aliases: ['计划生育手术并发症', '计生手术并发症', 'family-planning-complication'] },
] as const;

/** One category as a plan (or the built-in registry) defines it. */
export interface CategoryInfo {
  code: string;
  name: string;
  department: string;
  aliases: readonly string[];
  builtIn: boolean;
}

export const squash = (s: string) => s.normalize('NFKC').replace(/[\s()（）/、·]/g, '').toLowerCase();

const BUILT_IN: CategoryInfo[] = [...HARDSHIP_CATEGORIES, ...FAMILY_PLANNING_CATEGORIES].map((c) => ({ code: c.key, name: c.zh, department: c.department, aliases: c.aliases, builtIn: true }));

const CATEGORY_BY_TEXT = new Map<string, HardshipCategory>();
for (const c of HARDSHIP_CATEGORIES) for (const t of [c.key, c.zh, ...c.aliases]) CATEGORY_BY_TEXT.set(squash(t), c.key);

/** A built-in category as written in a file or a policy (key, Chinese name or a common alias); null if unknown. */
export function parseCategory(text: string): HardshipCategory | null {
  return CATEGORY_BY_TEXT.get(squash(text)) ?? null;
}
export const categoryName = (key: string) => BUILT_IN.find((c) => c.code === key)?.name ?? key;

/** The built-in categories followed by the plan's own. */
export function categoryRegistry(extra: ReadonlyArray<{ code: string; name: string; department: string; aliases?: readonly string[] }> = []): CategoryInfo[] {
  return [...BUILT_IN, ...extra.map((c) => ({ code: c.code, name: c.name, department: c.department, aliases: c.aliases ?? [], builtIn: false }))];
}

/** A category by code, name or alias within a registry; null if unknown. */
export function findCategory(registry: readonly CategoryInfo[], text: string): CategoryInfo | null {
  const t = squash(text);
  return registry.find((c) => squash(c.code) === t || squash(c.name) === t || c.aliases.some((a) => squash(a) === t)) ?? null;
}
