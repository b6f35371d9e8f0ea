// A synthetic province-scale plan for the scale test and the launch benchmark: ~100 counties and
// ~1,500 towns (optionally villages), four phases, targets that add up at every level.
// Pure: no I/O, no clock, no Math.random; the same options always give the same plan.
import type { Plan, RegionNode } from './plan';
import { addDaysLocal, parseLocal } from './time';

export interface ProvincePlanOptions {
  /** County-level units under the province (at most 99 * 99). */
  counties?: number;
  /** Towns per county (at most 999). */
  townsPerCounty?: number;
  /** Villages per town (at most 999); 0 keeps towns as the leaves. */
  villagesPerTown?: number;
  /** Local date (`YYYY-MM-DD`, plan time zone) on which the first phase starts. */
  startDate: string;
  id?: string;
  /** Calendar days of each of the four phases; each phase starts the day after the previous deadline. */
  phaseDays?: readonly [number, number, number, number];
}

/** Shaped like Jiangmen's calendar: a short deployment, then about a month per phase. */
/**
 * Jiangmen's ladder (seed 001: criticism circular and supervision of laggards; the delays are made up):
 * shared by the shipped example plan and the synthetic province. A fresh copy each call.
 */
export function jiangmenEscalation(): NonNullable<Plan['escalation']> {
  return {
    ladder: [
      { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
      { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
      { rung: 'circular', name: '通报批评', delayWorkingDays: 3, notify: ['unit', 'parent', 'city'] },
      { rung: 'supervision', name: '督办', delayWorkingDays: 5, notify: ['unit', 'parent', 'city'] },
      { rung: 'accountability', name: '问责', delayWorkingDays: 10, notify: ['unit', 'parent', 'city'] },
    ],
    paceMargin: 0.05,
    warningWindowDays: 3,
  };
}

export const DEFAULT_PHASE_DAYS = [3, 31, 30, 31] as const;

const PHASES = [
  { key: 'deployment', zh: '工作部署阶段', en: 'Deployment' },
  { key: 'mobilisation', zh: '发动参保阶段', en: 'Mobilisation' },
  { key: 'payment', zh: '参保缴费阶段', en: 'Payment' },
  { key: 'verification', zh: '核查验收阶段', en: 'Verification' },
] as const;

/** A fictitious province code (no real province uses 99), so synthetic units never collide with real ones. */
const PROVINCE_CODE = '990000';
/** Counties are numbered within virtual prefectures of this many, as 6-digit codes require. */
const COUNTIES_PER_PREFECTURE = 20;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** A small integer hash (deterministic stand-in for randomness) used to vary the targets. */
function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ x, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Leaf targets: a few hundred to a few thousand enrolled, 35-45% of them paying. */
function leafTargets(size: number, ...key: number[]) {
  const h = mix(...key);
  const enrolled = size + (h % size);
  const paying = Math.floor((enrolled * (350 + ((h >>> 16) % 100))) / 1000);
  return { enrolled, paying };
}

function sumTargets(children: RegionNode[]) {
  return {
    enrolled: children.reduce((a, c) => a + (c.targets.enrolled ?? 0), 0),
    paying: children.reduce((a, c) => a + (c.targets.paying ?? 0), 0),
  };
}

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} should be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * Builds a province plan (region level province; counties; towns; optional villages) whose
 * parent targets are the exact sums of their children's, with `breakdownRule: 'sum-equals'`.
 * The result is a complete plan (defaults spelled out), so it is both a valid input to
 * `validatePlan` and usable as a parsed `Plan`.
 */
export function makeProvincePlan(options: ProvincePlanOptions): Plan {
  const { counties = 100, townsPerCounty = 15, villagesPerTown = 0, startDate, phaseDays = DEFAULT_PHASE_DAYS } = options;
  checkCount('counties', counties, 1, 99 * COUNTIES_PER_PREFECTURE);
  checkCount('townsPerCounty', townsPerCounty, 1, 999);
  checkCount('villagesPerTown', villagesPerTown, 0, 999);
  if (parseLocal(startDate)?.dateOnly !== true) throw new RangeError(`startDate should be YYYY-MM-DD, got ${startDate}`);
  if (phaseDays.length !== PHASES.length || !phaseDays.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`phaseDays should be ${PHASES.length} whole numbers of days >= 1`);
  }

  // Consecutive phases: each one's bare-date deadline is the end of its last day, and the next
  // starts at 00:00 of the following day, so they touch without overlapping.
  let cursor = startDate;
  const phases = PHASES.map((p, i) => {
    const start = cursor;
    const deadline = addDaysLocal(start, phaseDays[i] - 1);
    cursor = addDaysLocal(deadline, 1);
    return { key: p.key, name: { zh: p.zh, en: p.en }, start, deadline };
  });

  const breakdown: RegionNode[] = [];
  for (let c = 0; c < counties; c++) {
    const code = PROVINCE_CODE.slice(0, 2) + pad(Math.floor(c / COUNTIES_PER_PREFECTURE) + 1, 2) + pad((c % COUNTIES_PER_PREFECTURE) + 1, 2);
    const towns: RegionNode[] = [];
    for (let t = 0; t < townsPerCounty; t++) {
      const townCode = code + pad(t + 1, 3);
      const villages: RegionNode[] = [];
      for (let v = 0; v < villagesPerTown; v++) {
        villages.push({
          code: townCode + pad(v + 1, 3),
          name: `${c + 1}-${t + 1}-${v + 1}村`,
          level: 'village',
          targets: leafTargets(600, c, t, v),
          children: [],
        });
      }
      towns.push({
        code: townCode,
        name: `${c + 1}-${t + 1}镇`,
        level: 'town',
        targets: villages.length ? sumTargets(villages) : leafTargets(8000, c, t),
        children: villages,
      });
    }
    breakdown.push({ code, name: `第${c + 1}县`, level: 'county', targets: sumTargets(towns), children: towns });
  }

  const year = Number(startDate.slice(0, 4));
  const towns = counties * townsPerCounty;
  return {
    id: options.id ?? 'synthetic-province',
    title: `合成省${year}年城乡居民基本养老保险参保缴费工作方案（${counties}县 ${towns}镇）`,
    year,
    region: { code: PROVINCE_CODE, name: '合成省', level: 'province' },
    timeZone: 'Asia/Shanghai',
    phases,
    targets: sumTargets(breakdown),
    breakdownRule: 'sum-equals',
    breakdown,
    contributionPolicy: {
      tiers: [180, 240, 360, 600, 900, 1200, 1800, 3600, 4800],
      defaultTier: 'last-year',
      allowUpgrade: false,
      subsidies: [
        { fromTier: 120, toTier: 360, amount: 30 },
        { fromTier: 600, amount: 60 },
      ],
      hardship: { mode: 'full-minimum', minimum: 120 },
    },
    // Jiangmen's rhythm: reports on the 1st and 15th from two weeks into mobilisation to the end.
    reporting: {
      rule: { kind: 'days-of-month', days: [1, 15] },
      start: addDaysLocal(phases[1].start, 14),
      end: { phase: 'verification' },
      dueTime: '24:00',
      shift: 'next-working-day',
      levels: ['county', 'town'],
    },
    escalation: jiangmenEscalation(),
  };
}
