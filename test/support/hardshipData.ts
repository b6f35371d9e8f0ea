// A synthetic roster and hardship lists whose right answers are known, on the Jiangmen plan's villages:
// every outcome, a person on two lists (once by a 15-digit legacy number), someone not in the roster,
// someone registered outside the city, and a second version of a list that adds, removes and changes.
import { computeCheckDigit } from '../../domain/idNumber';

export const V1 = '440703001001'; // 蓬江区 环市街道 北步社区
export const V2 = '440703001002'; // 蓬江区 环市街道 城西社区
export const V3 = '440704001001'; // 江海区
export const OUTSIDE = '440106001001'; // 广州市天河区: not under the campaign

/** An 18-digit number from a region, a YYYYMMDD birth date and a 3-digit sequence. */
export function idOf(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

export const P = {
  A: { id: idOf('440703', '19700312', 101), name: '陈一' },
  B: { id: idOf('440703', '19650701', 102), name: '李二' },
  C: { id: idOf('440703', '19800101', 103), name: '张三' },
  D: { id: idOf('440703', '19500505', 104), name: '王四' },
  E: { id: idOf('440704', '19551010', 105), name: '赵五' },
  F: { id: idOf('440704', '20170101', 106), name: '钱六' },
  G: { id: idOf('440705', '19880808', 107), name: '孙七' },
  H: { id: idOf('440106', '19900909', 108), name: '周八' },
  I: { id: idOf('440704', '19751212', 109), name: '吴九' },
  J: { id: idOf('440703', '19720202', 110), name: '郑十' },
  K: { id: idOf('440703', '19850505', 111), name: '冯十一' },
  L: { id: idOf('440703', '19920606', 112), name: '陈十二' },
} as const;

/** A's number in its 15-digit legacy form (same person after the GB 11643 upgrade). */
export const A15 = `${P.A.id.slice(0, 6)}${P.A.id.slice(8, 17)}`;

export const ROSTER_HEADER = ['身份证号', '姓名', '户籍地行政区划代码', '参保状态', '本年缴费档次', '上年缴费档次', '缴费状态', '是否领取待遇'];
export const ROSTER: string[][] = [
  [P.A.id, P.A.name, V1, '已参保', '180', '180', '已缴费', '否'],
  [P.B.id, P.B.name, V1, '未参保', '', '240', '', '否'],
  [P.C.id, P.C.name, V2, '已参保', '', '', '未缴费', '否'],
  [P.D.id, P.D.name, V2, '死亡', '', '180', '', '否'],
  [P.E.id, P.E.name, V3, '已参保', '', '', '', '是'],
  [P.F.id, P.F.name, V3, '未参保', '', '', '', '否'],
  [P.H.id, P.H.name, OUTSIDE, '已参保', '180', '', '', '否'],
  [P.I.id, P.I.name, V3, '已参保', '600', '360', '已缴费', '否'],
  [P.J.id.toLowerCase(), P.J.name, V1, '未参保', '', '', '', '否'],
  [P.K.id, P.K.name, V1, '已参保', '240', '240', '已缴费', '否'],
  [P.L.id, P.L.name, V2, '未参保', '', '', '', '否'],
];

export const LIST_HEADER = ['身份证号', '姓名'];
export const DIBAO_V1 = [P.A, P.B, P.D, P.F, P.H, P.J].map((p) => [p.id, p.name]);
/** Version 2: D removed, C and L added. */
export const DIBAO_V2 = [P.A, P.B, P.C, P.F, P.H, P.J, P.L].map((p) => [p.id, p.name]);
export const SEVERE = [[P.B.id, P.B.name], [P.G.id, P.G.name], [P.I.id, P.I.name], [A15, P.A.name]];
export const TEKUN = [P.C, P.E].map((p) => [p.id, p.name]);

/** What the first run must find (Jiangmen policy: the county pays the 120-yuan minimum in full). */
export const EXPECTED_RUN1: Record<string, { outcome: string; reason: string | null; categories: string[]; village: string | null; tierFen: number | null; govPaidFen: number; personalFen: number; subsidyFen: number }> = {
  [P.A.id]: { outcome: 'covered', reason: null, categories: ['dibao', 'severe-disability'], village: V1, tierFen: 18000, govPaidFen: 12000, personalFen: 6000, subsidyFen: 3000 },
  [P.B.id]: { outcome: 'to-mobilise', reason: null, categories: ['dibao', 'severe-disability'], village: V1, tierFen: 24000, govPaidFen: 12000, personalFen: 12000, subsidyFen: 3000 },
  [P.C.id]: { outcome: 'covered', reason: null, categories: ['tekun'], village: V2, tierFen: 12000, govPaidFen: 12000, personalFen: 0, subsidyFen: 3000 },
  [P.D.id]: { outcome: 'ineligible', reason: 'deceased', categories: ['dibao'], village: V2, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 },
  [P.E.id]: { outcome: 'ineligible', reason: 'drawing-pension', categories: ['tekun'], village: V3, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 },
  [P.F.id]: { outcome: 'ineligible', reason: 'under-16', categories: ['dibao'], village: V3, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 },
  [P.G.id]: { outcome: 'ineligible', reason: 'not-local', categories: ['severe-disability'], village: null, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 },
  [P.H.id]: { outcome: 'ineligible', reason: 'not-local', categories: ['dibao'], village: OUTSIDE, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 },
  [P.I.id]: { outcome: 'covered', reason: null, categories: ['severe-disability'], village: V3, tierFen: 60000, govPaidFen: 12000, personalFen: 48000, subsidyFen: 6000 },
  [P.J.id]: { outcome: 'to-mobilise', reason: null, categories: ['dibao'], village: V1, tierFen: 12000, govPaidFen: 12000, personalFen: 0, subsidyFen: 3000 },
};

export const csvOf = (header: string[], rows: string[][]) => `${[header, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
