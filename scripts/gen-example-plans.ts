// Writes the example plans shipped with the product, one per policy document in ../shared/seeds:
// jiangmen-2023 (seed 001), lanchen-2024 (seed 000), dongfang (seed 002), xiayi-county and
// changchun-2011 (seed 003), enterprise-expansion (seed 004), as examples/plans/<id>.yaml.
//
// What comes from the policy text (phases, dates, city targets, tiers, subsidies, hardship minimum,
// reporting days) is written out literally below. What is not public (county targets in 附件1, town
// targets, villages and communities) is made up, deterministically: a seeded PRNG keyed by the unit's
// code, so the files are byte-identical on every run and a change to one unit does not reshuffle others.
//
//   npx tsx scripts/gen-example-plans.ts          # (re)write the files
//   npx tsx scripts/gen-example-plans.ts --check  # exit 1 if the files on disk are stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Document, Scalar, YAMLMap, YAMLSeq, isPair, isScalar, isSeq, visit } from 'yaml';
import { validatePlan, type PlanInput, type RegionNode, type Targets } from '../domain/plan';
import { jiangmenEscalation } from '../domain/synthetic';
import { localToInstant } from '../domain/time';

/** A plan input whose breakdown is fully spelled out (the schema's input type leaves it `unknown`). */
export type ExamplePlan = Omit<PlanInput, 'breakdown'> & { breakdown: RegionNode[] };

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** FNV-1a 32-bit: turns a key such as `jiangmen-2023:440705` into a PRNG seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function seededRandom(key: string): () => number {
  let a = fnv1a(key);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (rnd: () => number, lo: number, hi: number) => lo + (hi - lo) * rnd();

/**
 * Splits an integer total into integer parts proportional to `weights` that add up exactly
 * (largest remainder; ties go to the earlier index so the result is deterministic).
 */
export function splitExact(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const parts = raw.map(Math.floor);
  let left = total - parts.reduce((a, p) => a + p, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((x, y) => y.frac - x.frac || x.i - y.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k].i] += 1;
  return parts;
}

/**
 * Breaks a parent's enrolled/paying targets down over children: enrolled by the children's
 * weights, paying by enrolled with a little jitter, so every child pays at a plausible share and
 * never more than it enrols.
 */
function breakDown(parent: Required<Pick<Targets, 'enrolled' | 'paying'>>, weights: number[], rnd: () => number) {
  const enrolled = splitExact(parent.enrolled, weights);
  const paying = splitExact(
    parent.paying,
    enrolled.map((e) => e * between(rnd, 0.88, 1.12)),
  );
  return enrolled.map((e, i) => {
    if (paying[i] > e) throw new Error(`paying ${paying[i]} > enrolled ${e}`);
    return { enrolled: e, paying: paying[i] };
  });
}

// ---------------------------------------------------------------------------------------------
// Made-up village and community names (two syllables + 村 / 社区), unique within their town

const FIRST = [
  ...'东西南北上下新大小龙凤石沙水塘岗冲田莲荷竹松梅桥江河海金长高白黄青云平安和兴隆富华联合永乐仁义福文昌盛泰康宁美良德光明岭湾洲',
];
const SECOND = [...'头尾边口岗坑田塘湾洲冲岭山围圩坪朗步溪桥安和平兴隆富华乐美南北东西龙凤江河庄屋园堡滘涌'];
const COMMUNITY = [
  ...'建设跃进东华新华人民胜利文明朝阳团结解放迎宾光明友谊滨江城南城北城东城西中山育英和平长安锦绣金湾翠苑江华',
];

/** Combinations that are ordinary words rather than place names. */
const AWKWARD = new Set(['下岗', '东西', '上下', '大小']);

function villageName(rnd: () => number, used: Set<string>, kind: 'village' | 'community'): string {
  for (;;) {
    let stem: string;
    if (kind === 'community') {
      // Community names come in pairs of characters (建设, 跃进, ...) or the village pattern.
      const pairs = COMMUNITY.length / 2;
      const p = Math.floor(rnd() * pairs);
      stem = rnd() < 0.6 ? COMMUNITY[2 * p] + COMMUNITY[2 * p + 1] : pick(rnd, FIRST) + pick(rnd, SECOND);
    } else {
      stem = pick(rnd, FIRST) + pick(rnd, SECOND);
    }
    if (stem[0] === stem[1] || AWKWARD.has(stem)) continue;
    const name = stem + (kind === 'community' ? '社区' : '村');
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

const pad3 = (n: number) => String(n).padStart(3, '0');

// ---------------------------------------------------------------------------------------------
// Jiangmen 2023 (seed 001)

const JIANGMEN_ID = 'jiangmen-2023';
export const JIANGMEN_TARGETS = { enrolled: 1_470_000, paying: 564_000 } as const;
/** Villages and communities across the city (the domain brief: ~1,300). */
export const JIANGMEN_VILLAGES = 1_300;

interface CountySeed {
  code: string;
  name: string;
  /** Made up (附件1 is not public), but summing exactly to the city's 147万 / 56.4万. */
  enrolled: number;
  paying: number;
  /** Real town-level units; streets (街道) first, then towns (镇), as the code numbering runs. */
  towns: string[];
}

const JIANGMEN_COUNTIES: CountySeed[] = [
  { code: '440703', name: '蓬江区', enrolled: 138_000, paying: 52_600, towns: ['环市街道', '潮连街道', '白沙街道', '杜阮镇', '棠下镇', '荷塘镇'] },
  { code: '440704', name: '江海区', enrolled: 52_000, paying: 19_800, towns: ['江南街道', '外海街道', '礼乐街道'] },
  {
    code: '440705',
    name: '新会区',
    enrolled: 318_000,
    paying: 124_500,
    towns: ['会城街道', '大泽镇', '司前镇', '罗坑镇', '双水镇', '崖门镇', '沙堆镇', '古井镇', '三江镇', '睦洲镇', '大鳌镇'],
  },
  {
    code: '440781',
    name: '台山市',
    enrolled: 356_000,
    paying: 133_200,
    towns: [
      '台城街道', '大江镇', '水步镇', '四九镇', '白沙镇', '三合镇', '冲蒌镇', '斗山镇', '都斛镇',
      '赤溪镇', '端芬镇', '广海镇', '海宴镇', '汶村镇', '深井镇', '北陡镇', '川岛镇',
    ],
  },
  {
    code: '440783',
    name: '开平市',
    enrolled: 262_000,
    paying: 99_800,
    towns: [
      '长沙街道', '三埠街道', '月山镇', '水口镇', '沙塘镇', '苍城镇', '龙胜镇', '大沙镇',
      '马冈镇', '塘口镇', '赤坎镇', '百合镇', '蚬冈镇', '金鸡镇', '赤水镇',
    ],
  },
  {
    code: '440784',
    name: '鹤山市',
    enrolled: 142_000,
    paying: 55_100,
    towns: ['沙坪街道', '雅瑶镇', '古劳镇', '桃源镇', '鹤城镇', '共和镇', '址山镇', '宅梧镇', '龙口镇', '双合镇'],
  },
  {
    code: '440785',
    name: '恩平市',
    enrolled: 202_000,
    paying: 79_000,
    towns: ['恩城街道', '横陂镇', '圣堂镇', '良西镇', '沙湖镇', '牛江镇', '君堂镇', '大田镇', '那吉镇', '大槐镇', '东成镇'],
  },
];

/** Town-level code: streets 001.., towns 100.. (the pattern of the 统计用区划代码; not the official codes). */
function townCodes(county: CountySeed): string[] {
  let street = 0;
  let town = 99;
  return county.towns.map((name) => county.code + pad3(name.endsWith('街道') ? ++street : ++town));
}

function buildVillages(townCode: string, townName: string, count: number, targets: { enrolled: number; paying: number }): RegionNode[] {
  const rnd = seededRandom(`${JIANGMEN_ID}:${townCode}:villages`);
  // Streets are mostly urban communities; towns have one or two communities at the seat, the rest villages.
  const communities = townName.endsWith('街道') ? Math.ceil(count * 0.7) : count > 15 ? 2 : 1;
  const used = new Set<string>();
  const weights = Array.from({ length: count }, () => between(rnd, 0.55, 1.45));
  const parts = breakDown(targets, weights, rnd);
  let c = 0;
  let v = 199;
  return parts.map((t, i) => {
    const kind = i < communities ? 'community' : 'village';
    // Village-level code: 居委会 001.., 村委会 200.. (again the official pattern, made-up numbers).
    const code = townCode + pad3(kind === 'community' ? ++c : ++v);
    return { code, name: villageName(rnd, used, kind), level: 'village', targets: t, children: [] };
  });
}

export function buildJiangmen2023(): ExamplePlan {
  const cityTotals = JIANGMEN_COUNTIES.reduce(
    (acc, c) => ({ enrolled: acc.enrolled + c.enrolled, paying: acc.paying + c.paying }),
    { enrolled: 0, paying: 0 },
  );
  if (cityTotals.enrolled !== JIANGMEN_TARGETS.enrolled || cityTotals.paying !== JIANGMEN_TARGETS.paying) {
    throw new Error(`county targets add up to ${JSON.stringify(cityTotals)}, not the city's`);
  }

  // Towns first (targets), then the city-wide village count split over towns by their size.
  const counties = JIANGMEN_COUNTIES.map((county) => {
    const rnd = seededRandom(`${JIANGMEN_ID}:${county.code}`);
    const codes = townCodes(county);
    // Streets in the urban districts hold fewer rural residents than the towns around them.
    const weights = county.towns.map((name) => between(rnd, 0.6, 1.4) * (name.endsWith('街道') ? 0.75 : 1));
    const targets = breakDown(county, weights, rnd);
    return { county, towns: county.towns.map((name, i) => ({ code: codes[i], name, targets: targets[i] })) };
  });
  const allTowns = counties.flatMap((c) => c.towns);
  const villageCounts = splitExact(
    JIANGMEN_VILLAGES,
    allTowns.map((t) => t.targets.enrolled),
  );
  const villageCountOf = new Map(allTowns.map((t, i) => [t.code, villageCounts[i]]));

  const breakdown: RegionNode[] = counties.map(({ county, towns }) => ({
    code: county.code,
    name: county.name,
    level: 'county',
    targets: { enrolled: county.enrolled, paying: county.paying },
    children: towns.map((t) => ({
      code: t.code,
      name: t.name,
      level: 'town',
      targets: t.targets,
      children: buildVillages(t.code, t.name, villageCountOf.get(t.code)!, t.targets),
    })),
  }));

  return {
    id: JIANGMEN_ID,
    title: '江门市2023年城乡居民基本养老保险参保缴费工作方案',
    year: 2023,
    region: { code: '440700', name: '江门市', level: 'city' },
    timeZone: 'Asia/Shanghai',
    phases: [
      { key: 'deployment', name: { zh: '工作部署阶段', en: 'Deployment' }, start: '2023-09-28', deadline: '2023-09-30' },
      { key: 'mobilisation', name: { zh: '发动参保阶段', en: 'Mobilisation' }, start: '2023-10-01', deadline: '2023-10-31' },
      { key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: '2023-11-01', deadline: '2023-11-30' },
      { key: 'verification', name: { zh: '核查验收阶段', en: 'Verification' }, start: '2023-12-01', deadline: '2023-12-31' },
    ],
    targets: { ...JIANGMEN_TARGETS },
    breakdownRule: 'sum-equals',
    contributionPolicy: {
      tiers: [180, 240, 360, 600, 900, 1200, 1800, 3600, 4800],
      defaultTier: 'last-year',
      allowUpgrade: false,
      // "低档次标准(每年120元—360元)… 不低于30元; 600元及以上… 不低于60元": 120 is the hardship minimum.
      subsidies: [
        { fromTier: 120, toTier: 360, amount: 30 },
        { fromTier: 600, amount: 60 },
      ],
      // "易返贫致贫人口、低保对象、特困人员、重度残疾人和精神智力残疾人等困难群体 … 按每年不低于120元最低
      // 缴费标准全额为其代缴": these five only (a 重点优抚对象 is not among them).
      hardship: { mode: 'full-minimum', minimum: 120, paidCategories: ['fanpin', 'dibao', 'tekun', 'severe-disability', 'mental-intellectual'] },
      // "所需资金由各县(市、区)人民政府自行负担"
      costSplit: { govPaid: { county: 1 } },
      // "集体补助金额不超过我市设定的最高缴费档次标准"
      collectiveSubsidyCap: 4800,
    },
    // The single block as plans wrote it before streams: one stream, period keys stay bare dates.
    // (The weekly tax feedback "税务部门应每周将参保缴费信息…反馈到村委会" is the tax bureau's duty, run
    // by the tax-feed Schedule; it is not a report the counties owe, so it is no stream here.)
    reporting: {
      rule: { kind: 'days-of-month', days: [1, 15] },
      start: '2023-10-15',
      end: { phase: 'verification' },
      dueTime: '24:00',
      shift: 'next-working-day',
    },
    escalation: jiangmenEscalation(),
    // 核查验收阶段: the city verifies the counts, which are the successful deductions in the tax system
    // (seed 001). Made up: the 2% tolerance and the three working days to answer.
    verification: { phase: 'verification', tolerance: { share: 0.02 }, answerWithinWorkingDays: 3 },
    // "在每年2月、6月、10月开展城乡居民参保宣传活动": October falls in this campaign (February and June
    // belong to the year-round work, not to this campaign).
    milestones: [
      { key: 'publicity-october', name: '10月参保宣传活动', start: '2023-10-01', due: '2023-10-31', shift: 'none', remindWorkingDays: [3], levels: ['county'] },
    ],
    breakdown,
  };
}

const JIANGMEN_HEADER = [
  ' 江门市2023年城乡居民基本养老保险参保缴费工作方案 (seed 001) as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the plan text: phases and deadlines, city targets (147万 enrolled, 56.4万 paying), tiers,',
  ' subsidies, the 120-yuan hardship minimum paid in full by the counties for five named groups,',
  ' the collective-subsidy cap, reporting on the 1st and 15th from Oct 15 (节假日顺延; the single',
  ' reporting block plans wrote before streams), the October publicity month (宣传活动).',
  ' Made up: the county targets (附件1 is not public; they add up exactly to the city targets) and the',
  ' escalation delays. The breakdown BELOW THE COUNTY LEVEL IS MADE UP: town targets, and every',
  ' village/community with its name, code and targets. Town names are real; town and village codes',
  ' follow the pattern of the statistical division codes but are not the official ones.',
];

// ---------------------------------------------------------------------------------------------
// Lanchen 2024 (seed 000)

const LANCHEN_ID = 'lanchen-2024';
/** Made up: the tax system's headcount of the street (征缴基数), the base of the 99% rate. */
export const LANCHEN_HEADCOUNT = 23_460;
/** Made up but plausible community names of a street in 隆阳区 (保山市). */
const LANCHEN_COMMUNITIES = [
  '正阳社区', '太保社区', '上巷社区', '下巷社区', '升阳社区', '保岫社区',
  '易罗社区', '北城社区', '新城社区', '龙泉社区', '沙坝社区', '青华社区',
];

export function buildLanchen2024(): ExamplePlan {
  const streetCode = '530502001';
  const rnd = seededRandom(`${LANCHEN_ID}:${streetCode}`);
  const headcounts = splitExact(
    LANCHEN_HEADCOUNT,
    LANCHEN_COMMUNITIES.map(() => between(rnd, 0.6, 1.4)),
  );
  // Each community's base is the tax system's headcount; the 99% rates are stated once for the street
  // and hold for every community ("各社区…征缴率不低于99%", "各社区手机缴费率不得低于99%").
  const children: RegionNode[] = LANCHEN_COMMUNITIES.map((name, i) => ({
    code: streetCode + pad3(i + 1),
    name,
    level: 'village',
    targets: { headcount: headcounts[i] },
    children: [],
  }));

  return {
    id: LANCHEN_ID,
    title: '兰城街道2024年度城乡居民基本养老保险征缴工作方案',
    year: 2024,
    region: { code: streetCode, name: '兰城街道', level: 'town' },
    timeZone: 'Asia/Shanghai',
    phases: [{ key: 'collection', name: { zh: '集中征缴', en: 'Collection' }, start: '2024-05-01', deadline: '2024-07-25' }],
    targets: { headcount: LANCHEN_HEADCOUNT, paymentRate: 0.99, mobileShare: 0.99 },
    breakdownRule: 'sum-equals',
    contributionPolicy: {
      tiers: [200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000],
      defaultTier: 'last-year',
      // 当年缴费可提档补差
      allowUpgrade: true,
      subsidies: [],
    },
    // The communities report: "定期通报集中征缴工作进度". The text names no day; a weekly Friday report is assumed.
    reporting: [
      {
        key: 'weekly',
        name: '征缴进度周报',
        rule: { kind: 'weekly', weekday: 5 },
        levels: ['village'],
        start: '2024-05-10',
        end: { phase: 'collection' },
        dueTime: '24:00',
        circulars: true,
      },
    ],
    // 通报 by the street, 督导 by the discipline commission (纪工委), 追责 of slow communities.
    escalation: {
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
        { rung: 'circular', name: '通报', delayWorkingDays: 2, notify: ['unit', 'parent'] },
        { rung: 'supervision', name: '纪工委督导', delayWorkingDays: 5, notify: ['unit', 'parent'] },
        { rung: 'accountability', name: '追责', delayWorkingDays: 10, notify: ['unit', 'parent'] },
      ],
      pace: { phase: 'collection', metrics: ['paymentRate', 'mobileShare'] },
      paceMargin: 0.05,
      warningWindowDays: 3,
    },
    // "街道于次年2月底前落实好…缴费明细公示制度,指导各社区…做好…已缴费及未缴费人员清册的个人信息保护"
    milestones: [
      {
        key: 'publicity',
        name: '缴费明细公示（已缴费及未缴费人员清册）',
        due: '2025-02-28',
        shift: 'none',
        remindWorkingDays: [10, 3],
        levels: ['village'],
      },
    ],
    // The 公示 of that milestone: both registers, each community's own, names 张*明 and ID numbers
    // 前6后4 ("做好…人员清册的个人信息保护"), seven days on the notice board. The contact line is made up.
    notice: {
      milestone: 'publicity',
      registers: 'both',
      mask: { name: '张*明', idNumber: '前6后4' },
      days: 7,
      contact: '如有异议，请在公示期内向本社区居民委员会或兰城街道社会保障服务中心反映（联系电话：0875-2123456）。',
    },
    breakdown: children,
  };
}

const LANCHEN_HEADER = [
  ' 兰城街道2024年度城乡居民基本养老保险征缴工作方案 (seed 000) as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the plan text: collection May 1 - Jul 25, payment rate (征缴率) >= 99% of the tax system',
  ' headcount and mobile-payment share (手机缴费率) >= 99% for every community, both judged; the 18',
  ' tiers, upgrading within the year (提档补差); periodic progress circulars; the 公示 of the paid and',
  ' unpaid registers by the end of next February (the notice block: names 张*明, ID numbers 前6后4,',
  ' seven days on the board). The communities report (a street-level plan).',
  ' Made up: the headcount, the communities (names, codes, headcounts), the weekly reporting day and',
  ' the escalation delays. The street code follows the statistical division pattern.',
];

// ---------------------------------------------------------------------------------------------
// Shared by the plans below: a breakdown of made-up units whose count targets add up exactly

/** Splits each count target of `total` over `weights`, exactly (largest remainder). */
function splitTargets(total: Record<string, number>, weights: number[]): Array<Record<string, number>> {
  const parts = Object.entries(total).map(([k, v]) => [k, splitExact(v, weights)] as const);
  return weights.map((_, i) => Object.fromEntries(parts.map(([k, p]) => [k, p[i]])));
}

// ---------------------------------------------------------------------------------------------
// Dongfang (seed 002: 城镇居民养老保险活动方案, 东方市)

const DONGFANG_ID = 'dongfang';
/** Made up: urban residents of working age without a pension scheme, the base of the 60% rate. */
export const DONGFANG_HEADCOUNT = 38_600;
/** The city's towns and townships; codes follow the pattern (镇 1xx, 乡 2xx), not the official list. */
const DONGFANG_TOWNS = ['八所镇', '东河镇', '大田镇', '感城镇', '板桥镇', '三家镇', '四更镇', '新龙镇', '天安乡', '江边乡'];

export function buildDongfang(): ExamplePlan {
  const city = '469007';
  const rnd = seededRandom(`${DONGFANG_ID}:${city}`);
  // 八所镇 is the city seat: most urban residents live there.
  const weights = DONGFANG_TOWNS.map((_name, i) => (i === 0 ? 6 : 1) * between(rnd, 0.6, 1.4));
  const headcounts = splitExact(DONGFANG_HEADCOUNT, weights);
  let town = 99;
  let xiang = 199;
  const breakdown: RegionNode[] = DONGFANG_TOWNS.map((name, i) => ({
    code: city + pad3(name.endsWith('乡') ? ++xiang : ++town),
    name,
    level: 'town',
    targets: { headcount: headcounts[i] },
    children: [],
  }));
  return {
    id: DONGFANG_ID,
    title: '东方市城镇居民社会养老保险实施方案',
    year: 2011,
    region: { code: city, name: '东方市', level: 'city' },
    timeZone: 'Asia/Shanghai',
    phases: [
      { key: 'mobilisation', name: { zh: '宣传发动阶段', en: 'Mobilisation' }, start: '2011-07-01', deadline: '2011-07-31' },
      { key: 'enrolment', name: { zh: '参保登记缴费阶段', en: 'Enrolment' }, start: '2011-08-01', deadline: '2011-11-30' },
      { key: 'review', name: { zh: '总结验收阶段', en: 'Review' }, start: '2011-12-01', deadline: '2011-12-31' },
    ],
    // "全市城镇居民养老保险参保率达到60%以上"
    targets: { headcount: DONGFANG_HEADCOUNT, enrolmentRate: 0.6 },
    breakdownRule: 'sum-equals',
    contributionPolicy: {
      tiers: [100, 200, 300, 400, 500, 600, 800, 1000, 1500, 2000],
      defaultTier: 'last-year',
      allowUpgrade: false,
      // (2) "政府给予每人每年30元补贴…由省财政和市财政按6:4的比例分担"; (3) "再分别给予…补贴,所需资金由市财政负担".
      subsidies: [{ fromTier: 100, amount: 30 }],
      extraSubsidies: [
        { fromTier: 200, toTier: 200, amount: 15 },
        { fromTier: 300, toTier: 300, amount: 25 },
        { fromTier: 400, toTier: 400, amount: 35 },
        { fromTier: 500, toTier: 500, amount: 45 },
        { fromTier: 600, toTier: 600, amount: 55 },
        { fromTier: 800, toTier: 800, amount: 65 },
        { fromTier: 1000, toTier: 1000, amount: 75 },
        { fromTier: 1500, toTier: 1500, amount: 85 },
        { fromTier: 2000, toTier: 2000, amount: 95 },
      ],
      hardship: {
        mode: 'partial',
        minimum: 100,
        // (4) the severely disabled and the family-planning groups: the minimum, in full; (5) "城镇低保人员、
        // 重点优抚对象…分别以70元、80元为其代缴部分…如个人不愿意缴纳,市财政不给予代缴部分保费".
        perCategory: {
          'severe-disability': 'minimum',
          'only-child-disabled': 'minimum',
          'only-child-deceased': 'minimum',
          'family-planning-complication': 'minimum',
          dibao: 70,
          'special-care': 80,
        },
        balanceRequired: ['dibao', 'special-care'],
      },
      costSplit: {
        subsidy: { province: 6, city: 4 },
        extraSubsidy: { city: 1 },
        govPaid: { province: 6, city: 4 },
      },
    },
    // Made up: the text names supervision "定期或不定期"; a monthly town report by the 25th is assumed.
    reporting: [
      {
        key: 'monthly',
        name: '参保进度月报',
        rule: { kind: 'days-of-month', days: [25] },
        levels: ['town'],
        start: { phase: 'enrolment' },
        end: { phase: 'enrolment' },
        dueTime: '24:00',
        circulars: false,
      },
    ],
    // "发现问题,及时责令整改 … 市政府将启动问责程序"
    escalation: {
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'warning', name: '督促检查', delayWorkingDays: 2, notify: ['unit', 'parent'] },
        { rung: 'supervision', name: '责令整改', delayWorkingDays: 5, notify: ['unit', 'parent', 'city'] },
        { rung: 'accountability', name: '问责', delayWorkingDays: 10, notify: ['unit', 'parent', 'city'] },
      ],
      pace: { phase: 'enrolment', metrics: ['enrolmentRate'] },
      paceMargin: 0.05,
      warningWindowDays: 3,
    },
    breakdown,
  };
}

const DONGFANG_HEADER = [
  ' 东方市城镇居民社会养老保险实施方案 (seed 002) as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the plan text: 10 tiers; a 30-yuan subsidy for everyone (province:city 6:4) plus an extra',
  ' subsidy by tier borne by the city; the minimum paid in full for the severely disabled and the',
  ' family-planning groups, 70 yuan for 低保 and 80 for 重点优抚对象 only if the person pays the balance,',
  ' 代缴 shared 6:4; enrolment rate >= 60%.',
  ' The source text lost its digit 1 in places (0元 for 100元, 00元 for 1000元, 500元 for 1500元, 10元',
  ' for the 100-yuan minimum); restored here, with 15 yuan for the 200-yuan tier (the extra subsidies',
  ' step by 10: 25, 35 … 95). The 独生子女领证户 subsidy lost its amount and is left out.',
  ' Made up: the year and phases (the text leaves the dates blank), the towns\' codes and headcounts,',
  ' the monthly report and the escalation delays.',
];

// ---------------------------------------------------------------------------------------------
// Xiayi county (seed 003, second article: 夏邑县)

const XIAYI_ID = 'xiayi-county';
/** "组建了24个工作组…分包全县731个行政村" */
export const XIAYI_VILLAGES = 731;
/** Made up: the county's enrolment target (the article's figures are XXXX). */
export const XIAYI_ENROLLED = 562_000;
/** The county's towns and townships (曹集乡 is named in the article); codes made up. */
const XIAYI_TOWNS = [
  '城关镇', '会亭镇', '马头镇', '济阳镇', '李集镇', '车站镇', '杨集镇', '韩道口镇', '太平镇', '罗庄镇', '火店镇', '北岭镇',
  '刘店集乡', '郭店乡', '业庙乡', '中峰乡', '桑堌乡', '胡桥乡', '何营乡', '王集乡', '歧河乡', '骆集乡', '曹集乡', '孔庄乡',
];

export function buildXiayiCounty(): ExamplePlan {
  const county = '411426';
  const rnd = seededRandom(`${XIAYI_ID}:${county}`);
  const weights = XIAYI_TOWNS.map(() => between(rnd, 0.6, 1.4));
  const enrolled = splitExact(XIAYI_ENROLLED, weights);
  const villageCounts = splitExact(XIAYI_VILLAGES, weights);
  let town = 99;
  let xiang = 199;
  const breakdown: RegionNode[] = XIAYI_TOWNS.map((name, i) => {
    const code = county + pad3(name.endsWith('乡') ? ++xiang : ++town);
    const vr = seededRandom(`${XIAYI_ID}:${code}:villages`);
    const used = new Set<string>();
    const vWeights = Array.from({ length: villageCounts[i] }, () => between(vr, 0.55, 1.45));
    const vEnrolled = splitExact(enrolled[i], vWeights);
    return {
      code,
      name,
      level: 'town',
      targets: { enrolled: enrolled[i] },
      children: vEnrolled.map((e, j) => ({ code: code + pad3(200 + j), name: villageName(vr, used, 'village'), level: 'village', targets: { enrolled: e }, children: [] })),
    };
  });
  return {
    id: XIAYI_ID,
    title: '夏邑县城乡居民社会养老保险参保工作方案',
    year: 2012,
    region: { code: county, name: '夏邑县', level: 'county' },
    timeZone: 'Asia/Shanghai',
    phases: [
      { key: 'mobilisation', name: { zh: '宣传发动阶段', en: 'Mobilisation' }, start: '2012-04-23', deadline: '2012-05-06' },
      { key: 'enrolment', name: { zh: '集中参保阶段', en: 'Enrolment' }, start: '2012-05-07', deadline: '2012-06-30' },
      { key: 'inspection', name: { zh: '督查验收阶段', en: 'Inspection' }, start: '2012-07-01', deadline: '2012-07-15' },
    ],
    targets: { enrolled: XIAYI_ENROLLED },
    breakdownRule: 'sum-equals',
    // "每日一通报,每周一督查": the towns report every day (calendar days: a sprint does not stop at weekends)
    // and are circulated daily; each week they are inspected.
    reporting: [
      {
        key: 'daily',
        name: '每日通报',
        rule: { kind: 'daily', on: 'calendar-days' },
        levels: ['town'],
        start: { phase: 'enrolment' },
        end: { phase: 'enrolment' },
        dueTime: '17:00',
        circulars: true,
      },
      {
        key: 'inspection',
        name: '每周督查',
        rule: { kind: 'weekly', weekday: 5 },
        levels: ['town'],
        start: { phase: 'enrolment' },
        end: { phase: 'inspection' },
        dueTime: '24:00',
        circulars: false,
        // "对工作滞后的予以通报批评 … 严肃追究有关责任人的责任"
        ladder: [
          { rung: 'circular', name: '通报批评', delayWorkingDays: 0, notify: ['unit', 'parent'] },
          { rung: 'accountability', name: '追究责任', delayWorkingDays: 5, notify: ['unit', 'parent'] },
        ],
      },
    ],
    escalation: {
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'circular', name: '通报批评', delayWorkingDays: 1, notify: ['unit', 'parent'] },
        { rung: 'accountability', name: '追究责任', delayWorkingDays: 5, notify: ['unit', 'parent'] },
      ],
      pace: { phase: 'enrolment', metrics: ['enrolled'], streams: ['daily'] },
      paceMargin: 0.05,
      warningWindowDays: 1,
    },
    // 督查验收阶段: the inspection compares the towns' counts with the system's. Made up: 5 persons or
    // 1,000 元 of difference allowed, two working days to answer.
    verification: { phase: 'inspection', tolerance: { persons: 5, amountYuan: 1000 }, answerWithinWorkingDays: 2 },
    breakdown,
  };
}

const XIAYI_HEADER = [
  ' 夏邑县城乡居民社会养老保险参保工作 （seed 003，第二篇） as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the text: a county campaign over 731 administrative villages (rows, not workflows); the towns',
  ' report daily and are circulated daily (每日一通报) and inspected weekly (每周一督查); laggards are',
  ' publicly criticised and held accountable. The +5/-5 assessment points of the target letters are',
  ' not modelled.',
  ' Made up: the year and phases, the enrolment targets, the town codes, the villages (names, codes,',
  ' targets), the report times and the escalation delays. Town names are as far as known the county\'s.',
];

// ---------------------------------------------------------------------------------------------
// Changchun 2011 (seed 003, third article: 长春市)

const CHANGCHUN_ID = 'changchun-2011';
/** 长春市本级: the districts the text applies to ("其它县(市)、双阳区可参照"). */
const CHANGCHUN_DISTRICTS = [
  { code: '220102', name: '南关区' },
  { code: '220103', name: '宽城区' },
  { code: '220104', name: '朝阳区' },
  { code: '220105', name: '二道区' },
  { code: '220106', name: '绿园区' },
];

export function buildChangchun2011(): ExamplePlan {
  return {
    id: CHANGCHUN_ID,
    title: '长春市城乡居民社会养老保险实施方案（2011年）',
    year: 2011,
    region: { code: '220100', name: '长春市', level: 'city' },
    timeZone: 'Asia/Shanghai',
    phases: [{ key: 'enrolment', name: { zh: '集中参保缴费', en: 'Enrolment' }, start: '2011-12-08', deadline: '2011-12-31' }],
    targets: {},
    breakdownRule: 'none',
    contributionPolicy: {
      tiers: [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
      defaultTier: 'last-year',
      allowUpgrade: false,
      // "缴费100元补贴30元 … 500元补贴50元;选择缴费500元以上的农村居民,政府补贴均为50元;… 城镇居民 … 缴费600元
      // 补贴55元 … 1000元补贴75元"
      subsidies: [
        { fromTier: 100, toTier: 100, amount: 30 },
        { fromTier: 200, toTier: 200, amount: 35 },
        { fromTier: 300, toTier: 300, amount: 40 },
        { fromTier: 400, toTier: 400, amount: 45 },
        { fromTier: 500, toTier: 500, amount: 50 },
        { fromTier: 600, toTier: 1000, amount: 50, residence: 'rural' },
        { fromTier: 600, toTier: 600, amount: 55, residence: 'urban' },
        { fromTier: 700, toTier: 700, amount: 60, residence: 'urban' },
        { fromTier: 800, toTier: 800, amount: 65, residence: 'urban' },
        { fromTier: 900, toTier: 900, amount: 70, residence: 'urban' },
        { fromTier: 1000, toTier: 1000, amount: 75, residence: 'urban' },
      ],
      // "对城乡重度残疾人、低保户、重点优扶对象等缴费困难群体,由各区政府、开发区管委会为其代缴全部最低缴费标准的养老保险费,
      // 并同时享受政府的缴费补贴"
      hardship: { mode: 'full-minimum', minimum: 100, paidCategories: ['severe-disability', 'dibao', 'special-care'] },
      // "补贴资金由省、市、区(开发区)按6:2:2比例分担"; 代缴 by the districts.
      costSplit: { subsidy: { province: 6, city: 2, county: 2 }, govPaid: { county: 1 } },
      // "补助资助金额的总和每年不超过本实施方案规定的个人缴费最高档"
      collectiveSubsidyCap: 1000,
    },
    // Made up: the text names no reporting; a weekly district report is assumed.
    reporting: [
      {
        key: 'weekly',
        name: '参保进度周报',
        rule: { kind: 'weekly', weekday: 5 },
        levels: ['county'],
        start: '2011-12-09',
        end: { phase: 'enrolment' },
        dueTime: '24:00',
        circulars: true,
      },
    ],
    escalation: {
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
        { rung: 'circular', name: '通报', delayWorkingDays: 3, notify: ['unit', 'parent', 'city'] },
      ],
      paceMargin: 0.05,
      warningWindowDays: 2,
    },
    // "根据国家和我省要求,60周岁以上的城乡居民要在今年12月15日前领到基础养老金"
    milestones: [{ key: 'basic-pension', name: '60周岁以上居民领到基础养老金', due: '2011-12-15', shift: 'none', remindWorkingDays: [3], levels: ['county'] }],
    breakdown: CHANGCHUN_DISTRICTS.map((d) => ({ ...d, level: 'county', targets: {}, children: [] })),
  };
}

const CHANGCHUN_HEADER = [
  ' 长春市城乡居民社会养老保险推进 （seed 003，第三篇，2011） as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the text: 10 tiers 100..1000; subsidies 30..50 up to 500 yuan, then 50 for rural and 55..75 for',
  ' urban residents, shared province:city:district 6:2:2; the minimum paid in full by the districts for',
  ' the severely disabled, 低保户 and 重点优抚对象 (with the subsidy); the collective subsidy capped at the',
  ' top tier; the basic pension in hand by December 15 for everyone over 60.',
  ' Made up: the phase dates, the weekly district report and the escalation delays. The districts are',
  ' 长春市本级\'s (the 开发区 have no division code and are left out).',
];

// ---------------------------------------------------------------------------------------------
// Enterprise pension expansion (seed 004: 养老保险体系专项行动实施方案)

const ENTERPRISE_ID = 'enterprise-expansion';
/** "完成扩面工作指标43.2万人,完成统筹基金征缴指标4.3亿元,力争达到4.5亿元目标" */
export const ENTERPRISE_TARGETS = { enrolledIncrease: 432_000, amountFen: 43_000_000_000, amountStretchFen: 45_000_000_000 } as const;
/** Made up: enrolled in the enterprise scheme when the campaign starts (扩面基数). */
export const ENTERPRISE_BASELINE = 1_850_000;
/** The city is not named ("*市"): a fictitious code (no real province uses 99) and made-up districts. */
const ENTERPRISE_COUNTIES = ['城关区', '东城区', '西城区', '南城区', '北城区', '高新区', '东县', '西县'];

export function buildEnterpriseExpansion(): ExamplePlan {
  const city = '990100';
  const rnd = seededRandom(`${ENTERPRISE_ID}:${city}`);
  const weights = ENTERPRISE_COUNTIES.map((name) => between(rnd, 0.6, 1.4) * (name.endsWith('县') ? 0.6 : 1));
  // Money breaks down in whole 万元 (1,000,000 fen), as a city's allocation table would.
  const WAN = 1_000_000;
  const parts = splitTargets(
    { baselineEnrolled: ENTERPRISE_BASELINE, enrolledIncrease: ENTERPRISE_TARGETS.enrolledIncrease, amountFen: ENTERPRISE_TARGETS.amountFen / WAN, amountStretchFen: ENTERPRISE_TARGETS.amountStretchFen / WAN },
    weights,
  ).map((t) => ({ ...t, amountFen: t.amountFen * WAN, amountStretchFen: t.amountStretchFen * WAN }));
  const breakdown: RegionNode[] = ENTERPRISE_COUNTIES.map((name, i) => ({
    code: city.slice(0, 4) + String(i + 2).padStart(2, '0'),
    name,
    level: 'county',
    targets: parts[i],
    children: [],
  }));
  return {
    id: ENTERPRISE_ID,
    title: '巩固完善社会养老保险体系专项行动实施方案',
    year: 2022,
    region: { code: city, name: '示例市', level: 'city' },
    timeZone: 'Asia/Shanghai',
    phases: [
      { key: 'mobilisation', name: { zh: '动员部署阶段', en: 'Mobilisation' }, start: '2022-05-01', deadline: '2022-05-10' },
      { key: 'implementation', name: { zh: '组织实施阶段', en: 'Implementation' }, start: '2022-05-11', deadline: '2022-11-30' },
      { key: 'acceptance', name: { zh: '总结验收阶段', en: 'Acceptance' }, start: '2022-12-01', deadline: '2022-12-31' },
    ],
    targets: { baselineEnrolled: ENTERPRISE_BASELINE, ...ENTERPRISE_TARGETS },
    breakdownRule: 'sum-equals',
    // "建立旬报告、月调度、季通报制度": 10th/20th/30th (a month without the 30th: its last day), a written
    // report by the 5th followed by the 调度会 and its circular, and a quarterly circular.
    reporting: [
      {
        key: 'xunbao',
        name: '旬报告',
        rule: { kind: 'days-of-month', days: [10, 20, 30] },
        levels: ['county'],
        start: { phase: 'implementation' },
        end: { phase: 'implementation' },
        dueTime: '24:00',
        circulars: false,
      },
      {
        key: 'diaodu',
        name: '月调度',
        rule: { kind: 'days-of-month', days: [5] },
        levels: ['county'],
        start: { phase: 'implementation' },
        end: { phase: 'acceptance' },
        dueTime: '24:00',
        circulars: true,
      },
      {
        key: 'jitongbao',
        name: '季通报',
        rule: { kind: 'quarterly', month: 3, day: 31 },
        levels: ['county'],
        start: { phase: 'implementation' },
        end: { phase: 'acceptance' },
        dueTime: '24:00',
        circulars: true,
        reports: false,
      },
    ],
    // "对因支持配合不力,未完成任务的县区…予以通报批评,取消评先选优资格并追究相关人员责任"
    escalation: {
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'warning', name: '预警', delayWorkingDays: 2, notify: ['unit', 'parent'] },
        { rung: 'circular', name: '通报批评', delayWorkingDays: 5, notify: ['unit', 'parent', 'city'] },
        { rung: 'accountability', name: '追究责任', delayWorkingDays: 10, notify: ['unit', 'parent', 'city'] },
      ],
      pace: { phase: 'implementation', metrics: ['enrolledIncrease', 'amount'], streams: ['xunbao'] },
      paceMargin: 0.05,
      warningWindowDays: 3,
    },
    // "从20*年5月5日至7月25日,对城镇各类企业…的基本养老保险参保情况进行全面普查"
    milestones: [{ key: 'census', name: '参保资源普查', start: '2022-05-05', due: '2022-07-25', shift: 'none', remindWorkingDays: [10, 3], levels: ['county'] }],
    breakdown,
  };
}

const ENTERPRISE_HEADER = [
  ' 巩固完善社会养老保险体系专项行动实施方案 (seed 004) as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the plan text: mobilisation in early May, implementation May-November, acceptance in December;',
  ' 扩面 43.2万人 (enrolled above the baseline) and 4.3亿元 collected, 力争 4.5亿元, both judged; 旬报告',
  ' on the 10th, 20th and 30th, 月调度 by the 5th, 季通报; the census window May 5 - July 25.',
  ' Made up: the city (not named: a fictitious division code) and its districts, the year (the text',
  ' says 20*), the baseline and how the targets break down, and the escalation delays.',
];

// ---------------------------------------------------------------------------------------------
// YAML output

/** Dates, times and codes are quoted so that YAML 1.1 readers do not turn them into timestamps or numbers. */
const LOOKS_TYPED = /^[0-9][0-9:T.-]*$/;
const FLOW_FIELDS = new Set(['targets', 'name', 'rule', 'start', 'end', 'perCategory', 'subsidy', 'extraSubsidy', 'uplift', 'govPaid']);

export function toYaml(plan: PlanInput, header: string[]): string {
  const doc = new Document(plan);
  doc.commentBefore = header.join('\n');
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && LOOKS_TYPED.test(node.value)) node.type = Scalar.QUOTE_SINGLE;
    },
    Map(_key, node, path) {
      // Small maps on one line: targets, phase names, schedule rules, ladder rungs, and leaf regions.
      const owner = path[path.length - 1];
      const field = isPair(owner) && isScalar(owner.key) ? owner.key.value : undefined;
      if (typeof field === 'string' && FLOW_FIELDS.has(field)) node.flow = true;
      else if (isLeafRegion(node) || isRungOrSubsidy(node)) node.flow = true;
    },
    Seq(_key, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function isLeafRegion(node: YAMLMap): boolean {
  if (!node.has('code') || !node.has('level')) return false;
  const children = node.get('children');
  return !children || (isSeq(children) && (children as YAMLSeq).items.length === 0);
}

function isRungOrSubsidy(node: YAMLMap): boolean {
  return node.has('rung') || node.has('fromTier');
}

/** Leaf regions carry no `children: []` (the schema's default) to keep the files short. */
function dropEmptyChildren(nodes: RegionNode[]): RegionNode[] {
  return nodes.map((n) => {
    if (n.children.length > 0) return { ...n, children: dropEmptyChildren(n.children) };
    const { children: _omit, ...rest } = n;
    return rest as RegionNode;
  });
}

export const EXAMPLE_PLANS = [
  { file: 'jiangmen-2023.yaml', build: buildJiangmen2023, header: JIANGMEN_HEADER },
  { file: 'lanchen-2024.yaml', build: buildLanchen2024, header: LANCHEN_HEADER },
  { file: 'dongfang.yaml', build: buildDongfang, header: DONGFANG_HEADER },
  { file: 'xiayi-county.yaml', build: buildXiayiCounty, header: XIAYI_HEADER },
  { file: 'changchun-2011.yaml', build: buildChangchun2011, header: CHANGCHUN_HEADER },
  { file: 'enterprise-expansion.yaml', build: buildEnterpriseExpansion, header: ENTERPRISE_HEADER },
] as const;

export function renderExamplePlans(): Array<{ file: string; text: string }> {
  return EXAMPLE_PLANS.map(({ file, build, header }) => {
    const plan = build();
    // Refuse to write a plan the product would refuse (judged as of its own first start).
    const firstStart = localToInstant(plan.phases[0].start, plan.timeZone ?? 'Asia/Shanghai', 'start');
    const result = validatePlan(plan, firstStart);
    if (!result.ok) throw new Error(`${file} is invalid: ${JSON.stringify(result.errors)}`);
    const text = toYaml({ ...plan, breakdown: dropEmptyChildren(plan.breakdown) }, header);
    return { file, text };
  });
}

function main(argv: string[]): number {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'plans');
  const check = argv.includes('--check');
  let stale = 0;
  for (const { file, text } of renderExamplePlans()) {
    const path = join(dir, file);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // A missing file is stale.
      }
      if (current !== text) {
        console.error(`stale: ${path} (run npx tsx scripts/gen-example-plans.ts)`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path} (${text.length} characters)`);
    }
  }
  return stale ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
