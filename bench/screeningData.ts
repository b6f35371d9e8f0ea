// Test data of the screening benchmark (bench/screening.ts): a Jiangmen-sized roster (应参保花名册) and
// the hardship lists (困难群体名单) of four categories, each list twice: "dirty" as departments send
// it (1% bad rows, a few within-file duplicate ID numbers) and "clean" (the same rows without those).
//
// Deterministic and streaming: every person's attributes are a hash of (seed, person index), so the
// lists can name roster people without the roster being held anywhere; the files are written
// through small buffers with back-pressure, so memory stays flat whatever the row counts.
//
// People and ID numbers:
// - person i has birth date and sequence from a bijection of i onto (day 1930-01-01..2012-12-31) x
//   (000..999), so ID numbers are unique by construction; the region code is the county part of the
//   person's village (roster) or another place in China (people not in the roster);
// - roster people are indices 0..roster-1; people on the lists but not in the roster come after them;
//   the ID numbers of bad rows after those.
// - a list member is a roster person in ~93% of cases (the rest are not local); ~10% of members are on
//   two category lists (overlaps are normal and kept in the clean version).
// The severe-disability list (残联) is written in GBK with CRLF line ends, as a Windows spreadsheet
// saves it; everything else is UTF-8 (no BOM) with LF.
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { parse as parseYaml } from 'yaml';
import { computeCheckDigit } from '../domain/idNumber';

/** Bump when the generated content changes, so that cached files of an older layout are not reused. */
export const GENERATOR_VERSION = 1;

export const ROSTER_HEADERS = ['身份证号', '姓名', '户籍地行政区划代码', '参保状态', '本年缴费档次', '上年缴费档次', '缴费状态', '是否领取待遇'] as const;
export const LIST_HEADERS = ['身份证号', '姓名'] as const;
export const TIERS = [180, 240, 360, 600, 900, 1200, 1800, 3600, 4800] as const;

export interface ListSpec {
  category: 'dibao' | 'tekun' | 'severe-disability' | 'fanpin';
  zh: string;
  department: string;
  /** Share of all list memberships. */
  share: number;
  encoding: 'utf8' | 'gbk';
}
export const LISTS: readonly ListSpec[] = [
  { category: 'dibao', zh: '低保对象', department: '民政局', share: 0.4, encoding: 'utf8' },
  { category: 'tekun', zh: '特困人员', department: '民政局', share: 0.1, encoding: 'utf8' },
  { category: 'severe-disability', zh: '重度残疾人', department: '残联', share: 0.25, encoding: 'gbk' },
  { category: 'fanpin', zh: '易返贫致贫人口', department: '农业农村局', share: 0.25, encoding: 'utf8' },
];

export interface GenerateOptions {
  rosterRows: number;
  /** Clean list rows in all, across the four categories. */
  listRows: number;
  seed: number;
  /** The Jiangmen plan file, whose village codes the roster uses. */
  planFile: string;
  /** Parent folder; the data set goes to a subfolder named after the parameters. */
  rootDir: string;
  log?: (message: string) => void;
}

export type BadRowKind = 'check-digit' | 'birth-date' | 'empty-name' | 'scientific';
export interface FileInfo {
  /** Absolute path. */
  path: string;
  fileName: string;
  encoding: 'utf8' | 'gbk';
  /** Data rows (the header not counted). */
  rows: number;
  bytes: number;
}
export interface ListFiles {
  spec: ListSpec;
  dirty: FileInfo & { badRows: Record<BadRowKind, number>; duplicateRows: number };
  clean: FileInfo;
}
export interface DataSet {
  version: number;
  rosterRows: number;
  listRows: number;
  seed: number;
  dir: string;
  villages: number;
  roster: FileInfo;
  lists: ListFiles[];
  /** Distinct people on the lists, of whom not in the roster, and on two lists. */
  members: { people: number; notInRoster: number; onTwoLists: number; memberships: number };
  generatedSeconds: number;
}

// ---- deterministic hashing ----

/** A 32-bit hash of (seed, index, salt): murmur3's finaliser over a mix of the three. */
function hash32(seed: number, i: number, salt: number): number {
  let x = Math.imul(i ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(salt + 0x632be5ab, 0x85ebca77) ^ seed;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  x = Math.imul(x ^ (i >>> 16), 0xcc9e2d51);
  x ^= x >>> 13;
  x = Math.imul(x, 0x1b873593);
  x ^= x >>> 16;
  return x >>> 0;
}
const unit = (seed: number, i: number, salt: number) => hash32(seed, i, salt) / 4294967296;

// ---- people ----

const FIRST_DAY = Date.UTC(1930, 0, 1);
const DAYS = Math.round((Date.UTC(2013, 0, 1) - FIRST_DAY) / 86_400_000); // 1930-01-01 .. 2012-12-31
const SLOTS = DAYS * 1000;
/** Prime, coprime with SLOTS (= 2^5 5^3 11 13 53), so i -> i*P mod SLOTS is a bijection. */
const SLOT_STRIDE = 15_485_863;
const BIRTH_DATES: string[] = Array.from({ length: DAYS }, (_, d) => new Date(FIRST_DAY + d * 86_400_000).toISOString().slice(0, 10).replaceAll('-', ''));

const SURNAMES = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文');
const GIVEN = Array.from('伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳思');
const OTHER_REGIONS = ['440106', '440304', '441302', '445102', '450102', '360102', '430104', '510107', '350203', '420106'];

/** Birth date (YYYYMMDD) and sequence of person i: unique for every i < SLOTS. */
function slotOf(seed: number, i: number): { birth: string; seq: string } {
  const k = (i * SLOT_STRIDE + (seed % SLOTS)) % SLOTS;
  return { birth: BIRTH_DATES[Math.floor(k / 1000)], seq: String(k % 1000).padStart(3, '0') };
}

export function idNumberOf(seed: number, i: number, region: string): string {
  const { birth, seq } = slotOf(seed, i);
  const first17 = region + birth + seq;
  return first17 + computeCheckDigit(first17);
}

function nameOf(seed: number, i: number): string {
  const h = hash32(seed, i, 2);
  const surname = SURNAMES[h % SURNAMES.length];
  const a = GIVEN[(h >>> 8) % GIVEN.length];
  if ((h >>> 28) < 5) return surname + a; // about a third have one-character given names
  return surname + a + GIVEN[hash32(seed, i, 3) % GIVEN.length];
}

/** The 12-digit village codes of a plan file (every node of level `village` in its breakdown). */
export function villageCodes(planFile: string): string[] {
  const plan = parseYaml(readFileSync(planFile, 'utf8')) as { breakdown?: unknown[] };
  const codes: string[] = [];
  const walk = (nodes: unknown[] | undefined) => {
    for (const n of nodes ?? []) {
      const node = n as { code?: unknown; level?: unknown; children?: unknown[] };
      if (node.level === 'village' && typeof node.code === 'string' && /^\d{12}$/.test(node.code)) codes.push(node.code);
      walk(node.children);
    }
  };
  walk(plan.breakdown);
  if (codes.length === 0) throw new Error(`${planFile}: no 12-digit village codes in the breakdown`);
  return codes;
}

interface RosterPerson {
  id: string;
  name: string;
  village: string;
}
function rosterPerson(seed: number, villages: readonly string[], i: number): RosterPerson {
  const village = villages[hash32(seed, i, 1) % villages.length];
  return { id: idNumberOf(seed, i, village.slice(0, 6)), name: nameOf(seed, i), village };
}

function rosterLine(seed: number, villages: readonly string[], i: number): string {
  const p = rosterPerson(seed, villages, i);
  const r = unit(seed, i, 4);
  const status = r < 0.86 ? '已参保' : r < 0.97 ? '未参保' : '死亡';
  // Lower tiers are far more common: the index is skewed towards 0.
  const tier = (salt: number) => TIERS[Math.floor(unit(seed, i, salt) ** 2.5 * TIERS.length)];
  const thisYear = status === '已参保' && unit(seed, i, 5) < 0.75 ? String(tier(6)) : '';
  const lastYear = status !== '死亡' && unit(seed, i, 7) < 0.7 ? String(tier(8)) : status === '死亡' && unit(seed, i, 7) < 0.5 ? String(tier(8)) : '';
  const paid = thisYear !== '' && unit(seed, i, 9) < 0.8 ? '已缴费' : '未缴费';
  const born = Number(p.id.slice(6, 10));
  const pension = born <= 1963 && unit(seed, i, 11) < 0.55 ? '是' : '否';
  return `${p.id},${p.name},${p.village},${status},${thisYear},${lastYear},${paid},${pension}`;
}

// ---- files ----

/** Lines into a file through a small buffer, encoded on the way, honouring the stream's back-pressure. */
class LineWriter {
  private parts: string[] = [];
  private chars = 0;
  private stream: WriteStream;
  constructor(
    readonly file: string,
    private encoding: 'utf8' | 'gbk',
    private eol: string,
  ) {
    this.stream = createWriteStream(file);
  }
  /** True when the buffer should be flushed (await flush()) before writing more. */
  line(text: string): boolean {
    this.parts.push(text, this.eol);
    this.chars += text.length + this.eol.length;
    return this.chars >= 256 * 1024;
  }
  async flush(): Promise<void> {
    if (this.chars === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    const bytes = this.encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8');
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }
  private closed: Promise<void> | undefined;
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.flush();
      this.stream.end();
      await once(this.stream, 'finish');
    })();
    return this.closed;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function dataSetDir(o: GenerateOptions): string {
  return path.join(o.rootDir, `v${GENERATOR_VERSION}-roster${o.rosterRows}-lists${o.listRows}-seed${o.seed}`);
}

/** The data set for these parameters: reused when already complete on disk, generated otherwise. */
export async function ensureDataSet(o: GenerateOptions): Promise<{ data: DataSet; reused: boolean }> {
  const dir = dataSetDir(o);
  const manifest = path.join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    const data = JSON.parse(readFileSync(manifest, 'utf8')) as DataSet;
    const files = [data.roster, ...data.lists.flatMap((l) => [l.dirty, l.clean])];
    // The manifest's paths are relative to the data set's folder, wherever the project now lives.
    for (const f of files) f.path = path.join(dir, f.path);
    data.dir = dir;
    const intact = await Promise.all(files.map((f) => stat(f.path).then((s) => s.size === f.bytes, () => false)));
    if (data.version === GENERATOR_VERSION && intact.every(Boolean)) return { data, reused: true };
  }
  return { data: await generate(o, dir), reused: false };
}

async function generate(o: GenerateOptions, dir: string): Promise<DataSet> {
  const log = o.log ?? (() => {});
  const { seed, rosterRows: N, listRows: L } = o;
  const started = Date.now();
  const villages = villageCodes(o.planFile);
  // Distinct people: ~10% of them are on two lists, so memberships = 1.1 x people.
  const people = Math.round(L / 1.1);
  // Roster members are picked by a bijection of the person index onto the roster, so people <= roster.
  if (people > N) throw new Error(`--lists ${L} needs ${people} distinct people, more than the roster's ${N} rows`);
  if (N + 2 * people + L > SLOTS) throw new Error(`too many people for unique ID numbers (at most ${SLOTS})`);

  // Written next to the final folder and renamed at the end, so that an interrupted run is never reused.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(path.join(partial, 'dirty'), { recursive: true });
  await mkdir(path.join(partial, 'clean'), { recursive: true });

  // Roster.
  const rosterName = '应参保花名册.csv';
  log(`generating the roster: ${N.toLocaleString('en')} rows over ${villages.length} villages`);
  const roster = new LineWriter(path.join(partial, rosterName), 'utf8', '\n');
  roster.line(ROSTER_HEADERS.join(','));
  for (let i = 0; i < N; i++) {
    if (roster.line(rosterLine(seed, villages, i))) await roster.flush();
    if (i > 0 && i % 500_000 === 0) log(`  ${i.toLocaleString('en')} rows`);
  }

  // Lists: people u = 0..people-1 in order; each goes to one category (by share) and 10% to a second.
  log(`generating the hardship lists: ~${L.toLocaleString('en')} rows for ${people.toLocaleString('en')} people, dirty and clean`);
  let stride = Math.max(1, Math.round(N * 0.6180339887)) | 1;
  while (gcd(stride, N) !== 1) stride += 2;
  const offset = hash32(seed, 0, 20) % N;
  const shares = LISTS.map((l) => l.share);
  const pick = (r: number, exclude: number) => {
    const total = shares.reduce((a, s, k) => a + (k === exclude ? 0 : s), 0);
    let x = r * total;
    for (let k = 0; k < shares.length; k++) {
      if (k === exclude) continue;
      if ((x -= shares[k]) < 0) return k;
    }
    return shares.length - 1 === exclude ? shares.length - 2 : shares.length - 1;
  };
  const fileName = (l: ListSpec) => `${l.zh}名单-${l.department}.csv`;
  const out = LISTS.map((spec) => {
    const eol = spec.encoding === 'gbk' ? '\r\n' : '\n';
    return {
      spec,
      dirty: new LineWriter(path.join(partial, 'dirty', fileName(spec)), spec.encoding, eol),
      clean: new LineWriter(path.join(partial, 'clean', fileName(spec)), spec.encoding, eol),
      cleanRows: 0,
      dirtyRows: 0,
      badRows: { 'check-digit': 0, 'birth-date': 0, 'empty-name': 0, scientific: 0 } as Record<BadRowKind, number>,
      duplicateRows: 0,
      // Recent clean rows, for duplicates a few hundred lines apart.
      ring: [] as string[],
    };
  });
  for (const f of out) {
    f.dirty.line(LIST_HEADERS.join(','));
    f.clean.line(LIST_HEADERS.join(','));
  }
  let nextExtra = N + people; // ID numbers of bad rows: after every real person
  let bad = 0;
  let notInRoster = 0;
  let onTwo = 0;
  const BAD_KINDS: BadRowKind[] = ['check-digit', 'birth-date', 'empty-name', 'scientific'];
  const badLine = (f: (typeof out)[number]): string => {
    const kind = BAD_KINDS[bad++ % BAD_KINDS.length];
    f.badRows[kind]++;
    const i = nextExtra++;
    const region = villages[hash32(seed, i, 1) % villages.length].slice(0, 6);
    const name = nameOf(seed, i);
    const id = idNumberOf(seed, i, region);
    switch (kind) {
      case 'check-digit': {
        const wrong = '0123456789X'.replace(id[17], '');
        return `${id.slice(0, 17)}${wrong[hash32(seed, i, 21) % wrong.length]},${name}`;
      }
      case 'birth-date': {
        // A year that exists, with month 13 or a 30th of February, check digit right for the digits.
        const impossible = hash32(seed, i, 22) % 2 === 0 ? `${id.slice(6, 10)}1315` : `${id.slice(6, 10)}0230`;
        const first17 = region + impossible + id.slice(14, 17);
        return `${first17}${computeCheckDigit(first17)},${name}`;
      }
      case 'empty-name':
        return `${id},`;
      case 'scientific':
        // What Excel shows for an 18-digit number typed into a General cell.
        return `${id[0]}.${id.slice(1, 6)}E+17,${name}`;
    }
  };
  const write = async (k: number, row: string, u: number) => {
    const f = out[k];
    const r = unit(seed, u * 8 + k, 30);
    if (r < 1 / 99) {
      // Bad row before it: 1 in 100 rows of the dirty file.
      f.dirtyRows++;
      if (f.dirty.line(badLine(f))) await f.dirty.flush();
    }
    f.dirtyRows++;
    f.cleanRows++;
    if (f.dirty.line(row)) await f.dirty.flush();
    if (f.clean.line(row)) await f.clean.flush();
    if (f.ring.length < 2000) f.ring.push(row);
    else f.ring[hash32(seed, u, 31) % 2000] = row;
    if (unit(seed, u * 8 + k, 32) < 0.002 && f.ring.length > 100) {
      f.dirtyRows++;
      f.duplicateRows++;
      if (f.dirty.line(f.ring[hash32(seed, u, 33) % (f.ring.length - 50)])) await f.dirty.flush();
    }
  };
  for (let u = 0; u < people; u++) {
    let row: string;
    if (unit(seed, u, 10) < 0.93) {
      const j = (u * stride + offset) % N; // a bijection of 0..N-1: distinct roster people
      const p = rosterPerson(seed, villages, j);
      row = `${p.id},${p.name}`;
    } else {
      notInRoster++;
      const i = N + u;
      row = `${idNumberOf(seed, i, OTHER_REGIONS[hash32(seed, i, 12) % OTHER_REGIONS.length])},${nameOf(seed, i)}`;
    }
    const first = pick(unit(seed, u, 13), -1);
    await write(first, row, u);
    if (unit(seed, u, 14) < 0.1) {
      onTwo++;
      await write(pick(unit(seed, u, 15), first), row, u);
    }
  }

  const info = async (w: LineWriter, encoding: 'utf8' | 'gbk', rows: number): Promise<FileInfo> => {
    await w.close();
    const final = path.join(dir, path.relative(partial, w.file));
    return { path: final, fileName: path.basename(final), encoding, rows, bytes: (await stat(w.file)).size };
  };
  const rosterInfo = await info(roster, 'utf8', N);
  const lists: ListFiles[] = [];
  for (const f of out) {
    lists.push({
      spec: f.spec,
      dirty: { ...(await info(f.dirty, f.spec.encoding, f.dirtyRows)), badRows: f.badRows, duplicateRows: f.duplicateRows },
      clean: await info(f.clean, f.spec.encoding, f.cleanRows),
    });
  }
  const data: DataSet = {
    version: GENERATOR_VERSION,
    rosterRows: N,
    listRows: L,
    seed,
    dir,
    villages: villages.length,
    roster: rosterInfo,
    lists,
    members: { people, notInRoster, onTwoLists: onTwo, memberships: people + onTwo },
    generatedSeconds: (Date.now() - started) / 1000,
  };
  const relative = (f: FileInfo) => ({ ...f, path: path.relative(dir, f.path) });
  const stored = {
    ...data,
    dir: path.basename(dir),
    roster: relative(data.roster),
    lists: data.lists.map((l) => ({ ...l, dirty: { ...l.dirty, path: path.relative(dir, l.dirty.path) }, clean: relative(l.clean) })),
  };
  await writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(stored, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return data;
}
