// The contribution policy, each component with exact fen: the category registry and which categories
// the government pays for (Jiangmen: a 优抚 person gets nothing), partial 代缴 conditional on the
// balance (Dongfang), subsidies by tier and residence (Changchun), county uplifts, 提档补差, the cost
// split per component (largest remainder), the budget estimate rolled up the breakdown, the collective
// cap, the preview's samples; screening as before; every unused field refused with its path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { categoryRegistry, findCategory, parseCategory } from '../../domain/categories';
import { screenPerson, type MatchedPerson } from '../../domain/hardship';
import { validatePlan, type Plan, type PlanInput, type PlanValidation } from '../../domain/plan';
import {
  budgetEstimate,
  collectiveSubsidy,
  contribution,
  policySamples,
  resolvePolicy,
  rollUpBudget,
  splitFen,
  upgradeDifference,
  type ResolvedPolicy,
  type Weights,
} from '../../domain/policy';

const example = (file: string) => parse(readFileSync(new URL(`../../examples/plans/${file}`, import.meta.url), 'utf8')) as PlanInput;
function planOf(file: string, change: (p: any) => void = () => {}): Plan {
  const input = structuredClone(example(file)) as any;
  change(input);
  const v = validatePlan(input, Date.parse(`${input.phases[0].start}T00:00:00+08:00`));
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.plan;
}
const policyOf = (plan: Plan) => resolvePolicy(plan.contributionPolicy, plan.year, { regionLevel: plan.region.level });
function errorsOf(result: PlanValidation) {
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}
const refused = (file: string, change: (p: any) => void) => {
  const input = structuredClone(example(file)) as any;
  change(input);
  return errorsOf(validatePlan(input, Date.parse(`${input.phases[0].start}T00:00:00+08:00`)));
};

const jiangmen = policyOf(planOf('jiangmen-2023.yaml'));
const dongfang = policyOf(planOf('dongfang.yaml'));
const changchun = policyOf(planOf('changchun-2011.yaml'));

describe('the category registry', () => {
  it('has the five groups, 重点优抚对象 and Dongfang\'s family-planning groups, each with its issuing department', () => {
    expect(categoryRegistry().map((c) => [c.code, c.name, c.department])).toEqual([
      ['dibao', '低保对象', '民政部门'],
      ['tekun', '特困人员', '民政部门'],
      ['fanpin', '易返贫致贫人口', '农业农村部门'],
      ['severe-disability', '重度残疾人', '残联'],
      ['mental-intellectual', '精神/智力残疾人', '残联'],
      ['special-care', '重点优抚对象', '退役军人事务部门'],
      ['only-child-disabled', '独生子女伤残家庭父母', '卫生健康部门'],
      ['only-child-deceased', '独生子女死亡家庭父母', '卫生健康部门'],
      ['family-planning-complication', '计划生育手术并发症人员', '卫生健康部门'],
    ]);
    expect(findCategory(categoryRegistry(), '失独家庭')?.code).toBe('only-child-deceased');
    // List imports know the six the console labels today.
    expect(parseCategory('低保户')).toBe('dibao');
    expect(parseCategory('独生子女伤残家庭')).toBeNull();
  });

  it('a plan adds its own, paid like any other; a clash with a built-in is refused', () => {
    const plan = planOf('dongfang.yaml', (p) => {
      p.contributionPolicy.categories = [{ code: 'only-child-certificate', name: '独生子女领证户', department: '卫生健康部门', aliases: ['领证户'] }];
      p.contributionPolicy.hardship.perCategory['领证户'] = 20;
    });
    const policy = policyOf(plan);
    expect(policy.categories?.at(-1)).toEqual({ code: 'only-child-certificate', name: '独生子女领证户', department: '卫生健康部门', aliases: ['领证户'], builtIn: false });
    expect(policy.perCategoryFen['only-child-certificate']).toBe(2000);
    expect(contribution(policy, { tierFen: 10000, categories: ['only-child-certificate'] }).govPaidFen).toBe(2000);
    expect(refused('dongfang.yaml', (p) => (p.contributionPolicy.categories = [{ code: 'poor', name: '低保对象', department: '民政局' }]))).toEqual([
      { path: 'contributionPolicy.categories[0].code', message: '类别「低保对象」（poor）与内置类别「低保对象」（dibao）重复' },
    ]);
  });
});

describe('代缴: which categories, how much, on what condition', () => {
  it('Jiangmen pays the 120-yuan minimum for its five groups only: a 重点优抚对象 gets nothing', () => {
    expect(jiangmen.paidCategories).toEqual(['fanpin', 'dibao', 'tekun', 'severe-disability', 'mental-intellectual']);
    const dibao = contribution(jiangmen, { tierFen: 18000, categories: ['dibao'] });
    expect([dibao.govPaidFen, dibao.personalFen, dibao.subsidy.totalFen]).toEqual([12000, 6000, 3000]);
    // The counties bear 代缴; the unsplit subsidy is the plan's own level's.
    expect(dibao.byComponent).toEqual({ subsidy: { city: 3000 }, extraSubsidy: {}, uplift: {}, govPaid: { county: 12000 } });
    const youfu = contribution(jiangmen, { tierFen: 18000, categories: ['special-care'] });
    expect([youfu.govPaidFen, youfu.personalFen, youfu.subsidy.totalFen]).toEqual([0, 18000, 3000]);
    expect(contribution(jiangmen, { tierFen: 18000, categories: ['special-care', 'tekun'] }).govPaid).toEqual({ fen: 12000, category: 'tekun', conditional: false, withheld: false });
  });

  it('a plan written before paidCategories keeps paying every category (stored campaigns behave as before)', () => {
    const legacy = resolvePolicy({ tiers: [180, 240], hardship: { mode: 'full-minimum', minimum: 120 } }, 2023);
    expect(legacy.paidCategories).toBeNull();
    expect(contribution(legacy, { tierFen: 18000, categories: ['special-care'] }).govPaidFen).toBe(12000);
  });

  it('Dongfang: 70/80 yuan for 低保/优抚 only if the balance is paid, the minimum in full for the others, split 6:4', () => {
    const d = contribution(dongfang, { tierFen: 10000, categories: ['dibao'] });
    expect(d.govPaid).toEqual({ fen: 7000, category: 'dibao', conditional: true, withheld: false });
    expect([d.personalFen, d.subsidy.basicFen, d.subsidy.extraFen]).toEqual([3000, 3000, 0]);
    expect(d.byComponent.subsidy).toEqual({ province: 1800, city: 1200 });
    expect(d.byComponent.govPaid).toEqual({ province: 4200, city: 2800 });
    expect([d.byLevel, d.governmentFen]).toEqual([{ province: 6000, city: 4000 }, 10000]);
    // "如个人不愿意缴纳,市财政不给予代缴部分保费": no 代缴, no contribution, no subsidy.
    const refusing = contribution(dongfang, { tierFen: 10000, categories: ['dibao'], balancePaid: false });
    expect([refusing.govPaid.withheld, refusing.govPaidFen, refusing.personalFen, refusing.subsidy.totalFen, refusing.governmentFen]).toEqual([true, 0, 0, 0, 0]);
    const youfu = contribution(dongfang, { tierFen: 20000, categories: ['special-care'] });
    expect([youfu.govPaidFen, youfu.personalFen, youfu.subsidy.basicFen, youfu.subsidy.extraFen]).toEqual([8000, 12000, 3000, 1500]);
    expect(youfu.byComponent.extraSubsidy).toEqual({ city: 1500 });
    // 重度残疾人: the 100-yuan minimum in full, unconditionally, and the subsidy of a higher tier.
    const severe = contribution(dongfang, { tierFen: 100000, categories: ['severe-disability'] });
    expect([severe.govPaidFen, severe.govPaid.conditional, severe.personalFen, severe.subsidy.totalFen]).toEqual([10000, false, 90000, 10500]);
    // On two lists: paid once, the higher amount.
    expect(contribution(dongfang, { tierFen: 10000, categories: ['dibao', 'severe-disability'], balancePaid: false }).govPaid).toEqual({ fen: 10000, category: 'severe-disability', conditional: false, withheld: false });
  });

  it('on a tie the unconditional category is the one paid', () => {
    const p = resolvePolicy({ tiers: [100], hardship: { mode: 'partial', perCategory: { dibao: 70, tekun: 70 }, balanceRequired: ['dibao'] } }, 2011);
    expect(contribution(p, { tierFen: 10000, categories: ['dibao', 'tekun'], balancePaid: false }).govPaid).toEqual({ fen: 7000, category: 'tekun', conditional: false, withheld: false });
  });
});

describe('subsidies by tier, residence and county', () => {
  it('Changchun: above 500 yuan urban residents get 55..75, rural 50; unknown residence, the smaller', () => {
    const at = (tierFen: number, residence?: 'urban' | 'rural') => contribution(changchun, { tierFen, ...(residence ? { residence } : {}) }).subsidy.basicFen;
    expect([at(30000, 'urban'), at(30000, 'rural'), at(70000, 'urban'), at(70000, 'rural'), at(70000), at(100000, 'urban')]).toEqual([4000, 4000, 6000, 5000, 5000, 7500]);
    expect(contribution(changchun, { tierFen: 70000, residence: 'urban' }).byComponent.subsidy).toEqual({ province: 3600, city: 1200, county: 1200 });
  });

  it('Changchun pays the minimum in full for three groups, who keep the subsidy', () => {
    const dibao = contribution(changchun, { tierFen: 10000, categories: ['dibao'] });
    expect([dibao.govPaidFen, dibao.personalFen, dibao.subsidy.totalFen]).toEqual([10000, 0, 3000]);
    expect(dibao.byComponent.govPaid).toEqual({ county: 10000 });
    expect(contribution(changchun, { tierFen: 10000, categories: ['tekun'] }).govPaidFen).toBe(0);
  });

  it('a county uplift adds to its residents\' subsidy, at the county\'s cost', () => {
    const plan = planOf('jiangmen-2023.yaml', (p) => (p.contributionPolicy.subsidyUplifts = [{ region: '440781', amount: 10 }]));
    const policy = policyOf(plan);
    const taishan = contribution(policy, { tierFen: 18000, regionCode: '440781100200' });
    expect(taishan.subsidy).toEqual({ basicFen: 3000, extraFen: 0, upliftFen: 1000, totalFen: 4000 });
    expect(taishan.byComponent.uplift).toEqual({ county: 1000 });
    expect(contribution(policy, { tierFen: 18000, regionCode: '440703001001' }).subsidy.upliftFen).toBe(0);
    expect(refused('jiangmen-2023.yaml', (p) => (p.contributionPolicy.subsidyUplifts = [{ region: '440799', amount: 10 }]))).toEqual([
      { path: 'contributionPolicy.subsidyUplifts[0].region', message: '任务分解中没有区划代码为 440799 的单位' },
    ]);
  });
});

describe('提档补差 and the collective subsidy', () => {
  const upgradable = resolvePolicy({ ...planOf('changchun-2011.yaml').contributionPolicy!, allowUpgrade: true }, 2011, { regionLevel: 'city' });

  it('a tier raised within the year costs the difference; the subsidy follows the final tier', () => {
    expect(upgradeDifference(upgradable, 30000, 70000)).toEqual({ ok: true, fromTierFen: 30000, toTierFen: 70000, differenceFen: 40000 });
    const c = contribution(upgradable, { tierFen: 70000, upgradedFromTierFen: 30000, residence: 'urban' });
    expect(c.upgrade).toEqual({ fromTierFen: 30000, differenceFen: 40000, subsidyBeforeFen: 4000 });
    expect([c.personalFen, c.subsidy.basicFen]).toEqual([70000, 6000]);
  });

  it('is refused where the plan does not allow it, for a tier that is not one, or a lower one', () => {
    expect(upgradeDifference(changchun, 30000, 70000)).toEqual({ ok: false, reason: { zh: '方案未允许当年提档补差', en: 'the plan does not allow raising the tier within the year' } });
    expect(upgradeDifference(upgradable, 30000, 55000)).toMatchObject({ ok: false, reason: { zh: '550.00 元不是方案的缴费档次' } });
    expect(upgradeDifference(upgradable, 30000, 20000)).toMatchObject({ ok: false, reason: { zh: '提档后的档次 200.00 元应高于已缴的 300.00 元' } });
    expect(() => contribution(changchun, { tierFen: 70000, upgradedFromTierFen: 30000 })).toThrow('方案未允许当年提档补差');
  });

  it('a collective subsidy is capped (Changchun: the top tier)', () => {
    expect(changchun.collectiveCapFen).toBe(100000);
    expect(collectiveSubsidy(changchun, 150000)).toEqual({ offeredFen: 150000, grantedFen: 100000, capped: true });
    expect(collectiveSubsidy(changchun, 50000)).toEqual({ offeredFen: 50000, grantedFen: 50000, capped: false });
    expect(contribution(changchun, { tierFen: 10000, collectiveFen: 120000 }).collective).toEqual({ offeredFen: 120000, grantedFen: 100000, capped: true });
    expect(collectiveSubsidy(dongfang, 999999).capped).toBe(false);
  });
});

describe('the cost split, in exact fen', () => {
  it('splits by weight with the largest remainder, ties to the higher level', () => {
    expect(splitFen(3000, { province: 6, city: 4 })).toEqual({ province: 1800, city: 1200 });
    expect(splitFen(3000, { province: 6, city: 2, county: 2 })).toEqual({ province: 1800, city: 600, county: 600 });
    // 4.2, 1.4, 1.4: one fen left over, to the largest remainder: the city (before the county on the tie).
    expect(splitFen(7, { province: 6, city: 2, county: 2 })).toEqual({ province: 4, city: 2, county: 1 });
    expect(splitFen(1, { province: 6, city: 4 })).toEqual({ province: 1, city: 0 });
    expect(splitFen(1, { county: 1, city: 1 })).toEqual({ city: 1, county: 0 });
    expect(splitFen(12345, { province: 0.6, city: 0.4 })).toEqual(splitFen(12345, { province: 6, city: 4 }));
    expect(splitFen(0, { province: 6, city: 4 })).toEqual({ province: 0, city: 0 });
  });

  it('always adds up to the amount, each share within one fen of its exact value', () => {
    const weightSets: Weights[] = [{ province: 6, city: 4 }, { province: 6, city: 2, county: 2 }, { central: 1, province: 1, city: 1 }, { province: 0.55, city: 0.3, county: 0.15 }, { county: 1 }];
    for (const w of weightSets) {
      const total = Object.values(w).reduce((a, b) => a + b!, 0);
      for (let amount = 0; amount <= 2500; amount += 7) {
        const parts = splitFen(amount, w);
        expect(Object.values(parts).reduce((a, b) => a + b!, 0)).toBe(amount);
        for (const [level, fen] of Object.entries(parts)) expect(Math.abs(fen! - (amount * w[level as keyof Weights]!) / total)).toBeLessThan(1);
      }
    }
  });

  it('refuses what is not whole fen or has no payer', () => {
    expect(() => splitFen(1.5, { city: 1 })).toThrow(RangeError);
    expect(() => splitFen(-1, { city: 1 })).toThrow(RangeError);
    expect(() => splitFen(100, { city: 0 })).toThrow('分担比例之和应大于 0');
  });

  it('a flat split (as plans wrote it first) covers the subsidies and 代缴; the county uplift stays the county\'s', () => {
    const p = resolvePolicy({ tiers: [100], subsidies: [{ fromTier: 100, amount: 30 }], costSplit: { province: 6, city: 2, county: 2 } }, 2011);
    expect(p.costSplit).toEqual({ subsidy: { province: 6, city: 2, county: 2 }, extraSubsidy: { province: 6, city: 2, county: 2 }, uplift: { county: 1 }, govPaid: { province: 6, city: 2, county: 2 } });
    expect(planOf('changchun-2011.yaml', (x) => (x.contributionPolicy.costSplit = { province: 6, city: 2, county: 2 })).contributionPolicy?.costSplit).toEqual({ province: 6, city: 2, county: 2 });
  });
});

describe('the budget estimate (财政资金测算)', () => {
  it('sums each person\'s exact split per unit and rolls it up the breakdown', () => {
    const plan = planOf('dongfang.yaml');
    const people = [
      { unitCode: '469007100', tierFen: 10000, categories: ['dibao'] }, // 代缴 70 + subsidy 30
      { unitCode: '469007100', tierFen: 20000, categories: ['severe-disability'] }, // 代缴 100 + 30 + 15
      { unitCode: '469007100', tierFen: 50000 }, // 30 + 45
      { unitCode: '469007100201', tierFen: 10000 }, // a village under the town: counted in the town
      { unitCode: '469007101', tierFen: 10000, categories: ['dibao'], balancePaid: false }, // withheld
      { unitCode: '440703001001', tierFen: 10000 }, // outside the plan's region: not in the roll-up
    ];
    const { units, total } = budgetEstimate(dongfang, people);
    expect(units['469007100']).toMatchObject({ people: 3, withheld: 0, govPaidFen: 17000, subsidyFen: { basic: 9000, extra: 6000, uplift: 0 }, byLevel: { province: 15600, city: 16400 }, totalFen: 32000 });
    expect(units['469007101']).toMatchObject({ people: 1, withheld: 1, totalFen: 0 });
    expect(total).toMatchObject({ people: 6, withheld: 1, totalFen: 38000 });
    const rows = rollUpBudget(plan, units);
    expect(rows[0]).toMatchObject({ code: '469007', depth: 0, line: { people: 5, withheld: 1, totalFen: 35000, byLevel: { province: 17400, city: 17600 } } });
    expect(rows.find((r) => r.code === '469007100')!.line).toMatchObject({ people: 4, totalFen: 35000, byComponent: { extraSubsidy: { city: 6000 }, govPaid: { province: 10200, city: 6800 } } });
    expect(rows.find((r) => r.code === '469007101')!.line).toMatchObject({ people: 1, withheld: 1, totalFen: 0 });
    expect(rows.find((r) => r.code === '469007102')!.line.people).toBe(0);
  });
});

describe('samples for the preview', () => {
  it('every paid category (and none) at every tier, with amounts in words', () => {
    const samples = policySamples(dongfang);
    expect(samples).toHaveLength(7 * 10);
    const dibao = samples.find((s) => s.category === 'dibao' && s.contribution.tierFen === 10000)!;
    expect(dibao.text.zh).toBe('低保对象，100元档：政府代缴 70.00 元（以个人缴纳差额为条件），个人缴纳 30.00 元，缴费补贴 30.00 元；财政：省级 60.00 元、市级 40.00 元。');
    const severe = samples.find((s) => s.category === 'severe-disability' && s.contribution.tierFen === 20000)!;
    expect(severe.text.zh).toBe('重度残疾人，200元档：政府代缴 100.00 元，个人缴纳 100.00 元，缴费补贴 45.00 元（含加发 15.00 元）；财政：省级 78.00 元、市级 67.00 元。');
    // Changchun's subsidy differs by residence: each sample twice.
    const cc = policySamples(changchun);
    expect(cc).toHaveLength(4 * 2 * 10);
    expect(cc.find((s) => s.category === null && s.residence === 'urban' && s.contribution.tierFen === 70000)!.text.zh).toBe(
      '一般参保人（城镇居民），700元档：个人缴纳 700.00 元，缴费补贴 60.00 元；财政：省级 36.00 元、市级 12.00 元、县级 12.00 元。',
    );
  });
});

describe('screening, as before and with the new rules', () => {
  const person = (categories: string[], roster: Partial<NonNullable<MatchedPerson['roster']>> = {}, extra: Partial<MatchedPerson> = {}): MatchedPerson => ({
    idNumber: '440703198001011234',
    birthDate: '1980-01-01',
    categories,
    roster: { villageCode: '440703001001', status: 'enrolled', tierFen: 18000, lastYearTierFen: null, drawingPension: false, ...roster },
    local: true,
    refused: false,
    ...extra,
  });

  it('Jiangmen: covered at 180 with 120 paid, 60 personal, 30 subsidy; a 优抚 person alone gets no 代缴', () => {
    expect(screenPerson(person(['dibao', 'severe-disability']), jiangmen)).toEqual({ outcome: 'covered', reason: null, tierFen: 18000, govPaidFen: 12000, personalFen: 6000, subsidyFen: 3000, conditional: false, withheld: false });
    expect(screenPerson(person(['tekun'], { tierFen: null, status: 'not-enrolled' }), jiangmen)).toMatchObject({ outcome: 'to-mobilise', tierFen: 12000, govPaidFen: 12000, personalFen: 0 });
    expect(screenPerson(person(['special-care']), jiangmen)).toMatchObject({ outcome: 'covered', govPaidFen: 0, personalFen: 18000, subsidyFen: 3000 });
  });

  it('Dongfang: conditional 代缴 is flagged, and withheld from a person known not to pay the balance', () => {
    expect(screenPerson(person(['dibao'], { tierFen: 10000, status: 'not-enrolled' }), dongfang)).toMatchObject({ outcome: 'to-mobilise', govPaidFen: 7000, personalFen: 3000, conditional: true, withheld: false });
    expect(screenPerson(person(['dibao'], { tierFen: 10000, status: 'not-enrolled' }, { balancePaid: false }), dongfang)).toMatchObject({ govPaidFen: 0, personalFen: 0, subsidyFen: 0, withheld: true });
  });

  it('Changchun: the subsidy by the person\'s residence, where the roster says it', () => {
    expect(screenPerson(person(['dibao'], { tierFen: 70000, residence: 'urban' }), changchun)).toMatchObject({ govPaidFen: 10000, personalFen: 60000, subsidyFen: 6000 });
    expect(screenPerson(person(['dibao'], { tierFen: 70000 }), changchun)).toMatchObject({ subsidyFen: 5000 });
  });

  it('a policy resolved and stored before these rules existed screens as it did', () => {
    const stored = {
      mode: 'partial',
      minimumFen: 0,
      perCategoryFen: { dibao: 7000, 'special-care': 8000 },
      referenceDate: '2031-12-31',
      tiersFen: [10000, 20000],
      defaultTier: 'last-year',
      subsidies: [{ fromFen: 10000, toFen: null, amountFen: 3000 }],
    } as unknown as ResolvedPolicy;
    expect(screenPerson(person(['dibao', 'special-care'], { tierFen: 20000 }), stored)).toEqual({ outcome: 'covered', reason: null, tierFen: 20000, govPaidFen: 8000, personalFen: 12000, subsidyFen: 3000, conditional: false, withheld: false });
    const oldFull = { ...stored, mode: 'full-minimum', minimumFen: 12000, perCategoryFen: {} } as ResolvedPolicy;
    expect(screenPerson(person(['special-care'], { tierFen: 20000 }), oldFull)).toMatchObject({ govPaidFen: 12000 });
  });
});

describe('every field computes something: the rest is refused with its path', () => {
  it('unknown fields in the policy, its hardship block, a subsidy row, a split', () => {
    const paths = (change: (p: any) => void) => refused('dongfang.yaml', change).map((e) => e.path);
    expect(paths((p) => (p.contributionPolicy.pensionTop = 55))).toEqual(['contributionPolicy']);
    expect(paths((p) => (p.contributionPolicy.hardship.payer = '市财政'))).toEqual(['contributionPolicy.hardship']);
    expect(paths((p) => (p.contributionPolicy.subsidies[0].payer = 'city'))).toEqual(['contributionPolicy.subsidies[0]']);
    expect(paths((p) => (p.contributionPolicy.extraSubsidies[2].residence = 'suburban'))).toEqual(['contributionPolicy.extraSubsidies[2].residence']);
    expect(refused('dongfang.yaml', (p) => (p.contributionPolicy.costSplit.subsidy.state = 1))).toEqual([
      { path: 'contributionPolicy.costSplit.subsidy', message: '含产品不使用的字段：state（方案只接受会被计算或执行的字段）' },
    ]);
    expect(paths((p) => (p.contributionPolicy.costSplit.basic = { city: 1 }))).toEqual(['contributionPolicy.costSplit']);
    expect(paths((p) => (p.contributionPolicy.costSplit.govPaid = { province: 0 }))).toEqual(['contributionPolicy.costSplit.govPaid']);
    expect(paths((p) => (p.contributionPolicy.subsidies[0].amount = 30.005))).toEqual(['contributionPolicy.subsidies[0].amount']);
  });

  it('categories that are unknown, unpaid, or paid without an amount', () => {
    expect(refused('dongfang.yaml', (p) => (p.contributionPolicy.hardship.paidCategories = ['dibao', 'veterans']))).toEqual([
      { path: 'contributionPolicy.hardship.paidCategories[1]', message: expect.stringMatching(/^未知类别“veterans”，可用：dibao（低保对象）、/) },
      { path: 'contributionPolicy.hardship.balanceRequired[1]', message: '“special-care”不在政府代缴的类别之中' },
      { path: 'contributionPolicy.hardship.perCategory', message: 'perCategory 中的“severe-disability”不在 paidCategories 之中，其金额不会使用' },
      { path: 'contributionPolicy.hardship.perCategory', message: 'perCategory 中的“only-child-disabled”不在 paidCategories 之中，其金额不会使用' },
      { path: 'contributionPolicy.hardship.perCategory', message: 'perCategory 中的“only-child-deceased”不在 paidCategories 之中，其金额不会使用' },
      { path: 'contributionPolicy.hardship.perCategory', message: 'perCategory 中的“family-planning-complication”不在 paidCategories 之中，其金额不会使用' },
      { path: 'contributionPolicy.hardship.perCategory', message: 'perCategory 中的“special-care”不在 paidCategories 之中，其金额不会使用' },
    ]);
    expect(refused('dongfang.yaml', (p) => (p.contributionPolicy.hardship.perCategory.veterans = 50)).map((e) => e.path)).toEqual(['contributionPolicy.hardship.perCategory']);
    expect(refused('dongfang.yaml', (p) => (p.contributionPolicy.hardship.balanceRequired = ['tekun']))).toEqual([
      { path: 'contributionPolicy.hardship.balanceRequired[0]', message: '“tekun”不在政府代缴的类别之中' },
    ]);
    expect(refused('jiangmen-2023.yaml', (p) => ((p.contributionPolicy.hardship.mode = 'partial'), (p.contributionPolicy.hardship.perCategory = { dibao: 100 }))).map((e) => e.path)).toEqual([
      'contributionPolicy.hardship.paidCategories[0]',
      'contributionPolicy.hardship.paidCategories[2]',
      'contributionPolicy.hardship.paidCategories[3]',
      'contributionPolicy.hardship.paidCategories[4]',
    ]);
  });
});
