// Writes the example plans shipped with the product: examples/plans/jiangmen-2023.yaml (seed 001)
// and examples/plans/lanchen-2024.yaml (seed 000).
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
      hardship: { mode: 'full-minimum', minimum: 120 },
      collectiveSubsidyCap: 4800,
    },
    reporting: {
      rule: { kind: 'days-of-month', days: [1, 15] },
      start: '2023-10-15',
      end: { phase: 'verification' },
      dueTime: '24:00',
      shift: 'next-working-day',
    },
    escalation: jiangmenEscalation(),
    breakdown,
  };
}

const JIANGMEN_HEADER = [
  ' 江门市2023年城乡居民基本养老保险参保缴费工作方案 (seed 001) as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the plan text: phases and deadlines, city targets (147万 enrolled, 56.4万 paying), tiers,',
  ' subsidies, the 120-yuan hardship minimum, reporting on the 1st and 15th from Oct 15 (节假日顺延).',
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
  // Each community must collect at least 99% of its headcount; the street's target is their sum.
  const children: RegionNode[] = LANCHEN_COMMUNITIES.map((name, i) => ({
    code: streetCode + pad3(i + 1),
    name,
    level: 'village',
    targets: { enrolled: headcounts[i], paying: Math.ceil(headcounts[i] * 0.99), paymentRate: 0.99, mobileShare: 0.99 },
    children: [],
  }));
  const paying = children.reduce((a, c) => a + (c.targets.paying ?? 0), 0);

  return {
    id: LANCHEN_ID,
    title: '兰城街道2024年度城乡居民基本养老保险征缴工作方案',
    year: 2024,
    region: { code: streetCode, name: '兰城街道', level: 'town' },
    timeZone: 'Asia/Shanghai',
    phases: [{ key: 'collection', name: { zh: '集中征缴', en: 'Collection' }, start: '2024-05-01', deadline: '2024-07-25' }],
    targets: { enrolled: LANCHEN_HEADCOUNT, paying, paymentRate: 0.99, mobileShare: 0.99 },
    breakdownRule: 'sum-equals',
    contributionPolicy: {
      tiers: [200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000],
      defaultTier: 'last-year',
      // 当年缴费可提档补差
      allowUpgrade: true,
      subsidies: [],
    },
    // "定期通报": the text names no day; a weekly Friday report is assumed.
    reporting: {
      rule: { kind: 'weekly', weekday: 5 },
      start: '2024-05-10',
      end: { phase: 'collection' },
      dueTime: '24:00',
      shift: 'next-working-day',
    },
    // 通报 by the street, 督导 by the discipline commission (纪工委), 追责 of slow communities.
    escalation: {
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
        { rung: 'circular', name: '通报', delayWorkingDays: 2, notify: ['unit', 'parent'] },
        { rung: 'supervision', name: '纪工委督导', delayWorkingDays: 5, notify: ['unit', 'parent'] },
        { rung: 'accountability', name: '追责', delayWorkingDays: 10, notify: ['unit', 'parent'] },
      ],
      paceMargin: 0.05,
      warningWindowDays: 3,
    },
    breakdown: children,
  };
}

const LANCHEN_HEADER = [
  ' 兰城街道2024年度城乡居民基本养老保险征缴工作方案 (seed 000) as a plan file.',
  ' GENERATED by scripts/gen-example-plans.ts: do not edit by hand, edit the script and run',
  '   npx tsx scripts/gen-example-plans.ts',
  ' From the plan text: collection May 1 - Jul 25, payment rate >= 99% of the tax system headcount,',
  ' mobile-payment share >= 99%, the 18 tiers, upgrading within the year (提档补差).',
  ' Made up: the headcount, the communities (names, codes, headcounts), the weekly reporting day and',
  ' the escalation delays. The street code follows the statistical division pattern.',
];

// ---------------------------------------------------------------------------------------------
// YAML output

/** Dates, times and codes are quoted so that YAML 1.1 readers do not turn them into timestamps or numbers. */
const LOOKS_TYPED = /^[0-9][0-9:T.-]*$/;
const FLOW_FIELDS = new Set(['targets', 'name', 'rule', 'end', 'hardship']);

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
