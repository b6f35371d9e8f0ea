// The plan wizard's model: the plan the official builds is one plain object, the same the YAML view
// shows and the server validates (domain/plan.ts). The wizard edits some of its fields through forms;
// every other field (milestones, the rest of the policy, byLevel overrides …) stays in the object as it
// came, so switching to YAML and back, or starting from an example, never loses a field.
// Pure: no React, no I/O; the server stays the judge of what is valid.
import { LineCounter, parseDocument, stringify } from 'yaml';
import { addDaysLocal } from '../../../../domain/time';
import { LEVEL_RANK, flattenBreakdown, type RegionNode } from '../../../../domain/regions';
import { shiftPlanToStart } from '../../../../domain/plan';
import type { RegionLevel } from '../../../../domain/status';

/** A plan as the wizard holds it: the fields it edits typed, the rest kept as they came. */
export interface Draft {
  id?: string;
  title?: string;
  year?: number;
  region?: { code: string; name: string; level: RegionLevel };
  timeZone?: string;
  phases?: DraftPhase[];
  targets?: Record<string, number | undefined>;
  breakdownRule?: 'sum-equals' | 'sum-at-least' | 'none';
  breakdown?: RegionNode[];
  reporting?: DraftStream[] | Record<string, unknown>;
  escalation?: DraftEscalation;
  contributionPolicy?: DraftPolicy;
  [field: string]: unknown;
}

export interface DraftPhase {
  key: string;
  name: { zh: string; en: string };
  start: string;
  deadline: string;
}

export type RuleKind = 'days-of-month' | 'weekly' | 'working-days' | 'calendar-days' | 'quarterly';
export type DraftRule =
  | { kind: 'days-of-month'; days: number[]; months?: number[] }
  | { kind: 'weekly'; weekday: number; months?: number[] }
  | { kind: 'daily'; on?: 'working-days' | 'calendar-days'; months?: number[] }
  | { kind: 'quarterly'; month: number; day: number };

export type DateOrPhase = string | { phase: string };

export interface DraftStream {
  key: string;
  name: string;
  rule: DraftRule;
  levels: string[];
  start: DateOrPhase;
  end?: DateOrPhase;
  dueTime?: string;
  shift?: 'next-working-day' | 'none';
  circulars?: boolean;
  [field: string]: unknown;
}

export interface DraftRung {
  rung: string;
  name: string;
  delayWorkingDays: number;
  notify: string[];
}

export interface DraftEscalation {
  ladder: DraftRung[];
  pace?: { phase?: string; metrics?: string[]; [field: string]: unknown };
  paceMargin?: number;
  [field: string]: unknown;
}

export interface DraftSubsidy {
  fromTier: number;
  toTier?: number;
  amount: number;
  [field: string]: unknown;
}

export interface DraftPolicy {
  tiers: number[];
  subsidies?: DraftSubsidy[];
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Steps, and which step a server issue belongs to

export const STEPS = ['basics', 'phases', 'targets', 'breakdown', 'reporting', 'escalation', 'policy', 'preview'] as const;
export type Step = (typeof STEPS)[number];

/**
 * The step whose form holds the field of an issue's path (`phases[1].deadline` → phases). Fields no
 * form shows (milestones, rollup) belong to the last step, where the official is told to use YAML.
 */
export function stepOfPath(path: string): Step {
  const head = /^[A-Za-z]+/.exec(path)?.[0] ?? '';
  switch (head) {
    case 'id':
    case 'title':
    case 'year':
    case 'region':
    case 'timeZone':
      return 'basics';
    case 'phases':
      return 'phases';
    case 'targets':
    case 'breakdownRule':
      return 'targets';
    case 'breakdown':
      return 'breakdown';
    case 'reporting':
      return 'reporting';
    case 'escalation':
      return 'escalation';
    case 'contributionPolicy':
      return 'policy';
    default:
      return 'preview';
  }
}

/**
 * The step an issue is fixed on: its field's, except that children's targets not adding up to the
 * region's (reported on the region's `targets`) are fixed where the children are entered, the breakdown.
 */
export function stepOfIssue(issue: { path: string; message: string }): Step {
  if (/^targets\./.test(issue.path) && issue.message.startsWith('下级目标之和')) return 'breakdown';
  return stepOfPath(issue.path);
}

export function issuesByStep<I extends { path: string; message: string }>(issues: readonly I[]): Record<Step, I[]> {
  const out = Object.fromEntries(STEPS.map((s) => [s, [] as I[]])) as Record<Step, I[]>;
  for (const issue of issues) out[stepOfIssue(issue)].push(issue);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Starting points

/** A new plan: one region still to choose, two phases from `today` + 7 days, nothing else. */
export function emptyDraft(today: string): Draft {
  const start = addDaysLocal(today, 7);
  return {
    id: '',
    title: '',
    year: Number(start.slice(0, 4)),
    region: { code: '', name: '', level: 'city' },
    timeZone: 'Asia/Shanghai',
    phases: [
      { key: 'mobilisation', name: { zh: '宣传发动阶段', en: 'Mobilisation' }, start, deadline: addDaysLocal(start, 30) },
      { key: 'payment', name: { zh: '集中征缴阶段', en: 'Payment' }, start: addDaysLocal(start, 31), deadline: addDaysLocal(start, 120) },
    ],
    targets: {},
    breakdownRule: 'sum-equals',
    breakdown: [],
  };
}

/**
 * An example plan as the template of a new one: every date moved so that its first phase starts a
 * week from today (an example's own year has long passed), under a new id the official may change.
 */
export function draftFromExample(example: Record<string, unknown>, today: string): Draft {
  const plan = example as unknown as Parameters<typeof shiftPlanToStart>[0];
  const start = addDaysLocal(today, 7);
  const id = typeof example.id === 'string' ? example.id.replace(/-\d{4}$/, '') : 'plan';
  const moved = shiftPlanToStart(plan, start, { id: `${id}-${start.slice(0, 4)}` });
  return structuredClone(moved) as unknown as Draft;
}

// ---------------------------------------------------------------------------------------------
// Phases and streams: keys are made for the official, who names things in Chinese

const PHASE_KEYS: ReadonlyArray<[RegExp, string, string]> = [
  [/宣传|动员|发动|部署/, 'mobilisation', 'Mobilisation'],
  [/登记|参保/, 'enrolment', 'Enrolment'],
  [/征缴|缴费|收缴/, 'payment', 'Payment'],
  [/总结|验收|督查|考核/, 'review', 'Review'],
];

/** A key for a new phase or stream: from its Chinese name where known, else `phase-3`; never one already taken. */
export function keyFor(nameZh: string, fallback: string, taken: readonly string[], known: ReadonlyArray<[RegExp, string, string]> = PHASE_KEYS): string {
  const base = known.find(([re]) => re.test(nameZh))?.[1] ?? fallback;
  let key = base;
  for (let n = 2; taken.includes(key); n++) key = `${base}-${n}`;
  return key;
}

/** The English name a phase needs (the schema asks for both): from its Chinese name where known. */
export function englishPhaseName(nameZh: string, index: number): string {
  return PHASE_KEYS.find(([re]) => re.test(nameZh))?.[2] ?? `Phase ${index + 1}`;
}

/** Renames a phase: its English name follows while it is one the wizard made; its key never changes (streams point at it). */
export function renamePhase(phases: readonly DraftPhase[], index: number, nameZh: string): DraftPhase[] {
  return phases.map((p, i) => {
    if (i !== index) return p;
    const madeEn = p.name.en === '' || p.name.en === englishPhaseName(p.name.zh, i);
    return { ...p, name: { zh: nameZh, en: madeEn ? englishPhaseName(nameZh, i) : p.name.en } };
  });
}

/** A phase after the last one: starting the day after its deadline, 30 days long. */
export function appendPhase(phases: readonly DraftPhase[], today: string): DraftPhase[] {
  const last = phases[phases.length - 1];
  const start = last ? addDaysLocal(last.deadline.slice(0, 10), 1) : addDaysLocal(today, 7);
  const key = keyFor('', `phase-${phases.length + 1}`, phases.map((p) => p.key));
  return [...phases, { key, name: { zh: '', en: '' }, start, deadline: addDaysLocal(start, 29) }];
}

const STREAM_KEYS: ReadonlyArray<[RegExp, string, string]> = [
  [/周/, 'weekly', ''],
  [/旬/, 'xunbao', ''],
  [/月/, 'monthly', ''],
  [/季/, 'quarterly', ''],
  [/日/, 'daily', ''],
];

export function streamKeyFor(nameZh: string, taken: readonly string[]): string {
  return keyFor(nameZh, 'report', taken, STREAM_KEYS);
}

export function newStream(taken: readonly string[], phases: readonly DraftPhase[]): DraftStream {
  const first = phases[0]?.key;
  return {
    key: streamKeyFor('周报', taken),
    name: '周报',
    rule: { kind: 'weekly', weekday: 5 },
    levels: ['county'],
    start: first ? { phase: first } : '',
    dueTime: '18:00',
    shift: 'next-working-day',
    circulars: false,
  };
}

/** The form's rule kind of a rule: daily is two choices for an official (每个工作日, 每天). */
export function ruleKindOf(rule: DraftRule): RuleKind {
  if (rule.kind === 'daily') return rule.on === 'calendar-days' ? 'calendar-days' : 'working-days';
  return rule.kind;
}

/** The rule a kind starts as; switching back to the kind a rule had keeps its days. */
export function ruleOfKind(kind: RuleKind, previous?: DraftRule): DraftRule {
  if (previous && ruleKindOf(previous) === kind) return previous;
  switch (kind) {
    case 'days-of-month':
      return { kind, days: [25] };
    case 'weekly':
      return { kind, weekday: 5 };
    case 'working-days':
      return { kind: 'daily' };
    case 'calendar-days':
      return { kind: 'daily', on: 'calendar-days' };
    case 'quarterly':
      return { kind, month: 3, day: 25 };
  }
}

/** 5、15、25 or 5,15 as days of the month; null when any part is not a day. */
export function parseDays(text: string): number[] | null {
  const parts = text.split(/[,，、\s]+/).filter(Boolean);
  if (parts.length === 0) return null;
  const days = parts.map(Number);
  return days.every((d) => Number.isInteger(d) && d >= 1 && d <= 31) ? [...new Set(days)].sort((a, b) => a - b) : null;
}

/** A calendar-days stream is never shifted (the schema refuses 顺延 on it). */
export function withRule(stream: DraftStream, rule: DraftRule): DraftStream {
  const next: DraftStream = { ...stream, rule };
  if (rule.kind === 'daily' && rule.on === 'calendar-days') delete next.shift;
  else if (stream.shift === undefined) next.shift = 'next-working-day';
  return next;
}

// ---------------------------------------------------------------------------------------------
// Breakdown: the tree as rows with a 上级 column, as an official keeps it in a spreadsheet

export interface BreakdownRow {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string;
  targets: Record<string, number | undefined>;
}

export function breakdownRows(draft: Draft): BreakdownRow[] {
  if (!draft.region || !draft.breakdown) return [];
  return flattenBreakdown({ region: draft.region, breakdown: draft.breakdown }).map((n) => ({
    code: n.code,
    name: n.name,
    level: n.level,
    parentCode: n.parentCode,
    targets: { ...n.targets },
  }));
}

/**
 * Rows back into the tree. A row whose 上级 is no other row hangs under the plan's region (and the
 * server names it if its level does not fit); a row is never dropped.
 */
export function rowsToBreakdown(rows: readonly BreakdownRow[]): RegionNode[] {
  const nodes = rows.map((r) => ({ code: r.code, name: r.name, level: r.level, targets: cleanTargets(r.targets), children: [] as RegionNode[] }));
  const byCode = new Map<string, RegionNode>();
  nodes.forEach((n) => {
    if (!byCode.has(n.code)) byCode.set(n.code, n);
  });
  const roots: RegionNode[] = [];
  rows.forEach((r, i) => {
    const parent = r.parentCode && r.parentCode !== r.code ? byCode.get(r.parentCode) : undefined;
    if (parent && parent !== nodes[i] && !isAncestor(nodes[i], parent)) parent.children.push(nodes[i]);
    else roots.push(nodes[i]);
  });
  return roots;
}

function isAncestor(node: RegionNode, of: RegionNode): boolean {
  return node.children.some((c) => c === of || isAncestor(c, of));
}

/** Targets without the empty fields a form leaves. */
export function cleanTargets(targets: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(targets).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}

/** The level below a region's: a city's units are counties, a county's towns. */
export function levelBelow(level: RegionLevel): RegionLevel {
  const order: RegionLevel[] = ['province', 'city', 'county', 'town', 'village'];
  return order[Math.min(order.length - 1, LEVEL_RANK[level] + 1)];
}

/** The level a region code implies: 12 digits a village, 9 a town, 6 a province (…0000), city (…00) or county. */
export function levelOfCode(code: string): RegionLevel | null {
  if (/^\d{12}$/.test(code)) return 'village';
  if (/^\d{9}$/.test(code)) return 'town';
  if (!/^\d{6}$/.test(code)) return null;
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

// ---------------------------------------------------------------------------------------------
// Numbers in forms

/** A whole number typed in a form; empty is no value. */
export function parseCount(text: string): number | undefined {
  const t = text.trim().replace(/[,，\s]/g, '');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A percentage typed as 95 or 95.5 is the rate 0.95 / 0.955; empty is no value. */
export function parsePercent(text: string): number | undefined {
  const n = parseCount(text.replace(/[%％]/g, ''));
  return n === undefined ? undefined : Math.round(n * 10) / 1000;
}

export function percentText(rate: number | undefined): string {
  return rate === undefined ? '' : String(Math.round(rate * 1000) / 10);
}

// ---------------------------------------------------------------------------------------------
// YAML, the advanced view of the same object

/** Leaves out fields a form emptied (an undefined target), so the YAML shows what will be sent. */
export function planObject(draft: Draft): Record<string, unknown> {
  return JSON.parse(JSON.stringify(draft)) as Record<string, unknown>;
}

export function toYaml(draft: Draft): string {
  return stringify(planObject(draft), { lineWidth: 0 });
}

export type YamlResult = { ok: true; draft: Draft } | { ok: false; message: string };

/** YAML (or JSON, which is YAML) text as a draft, or the first problem in Chinese with its line and column. */
export function fromYaml(text: string): YamlResult {
  if (text.trim() === '') return { ok: false, message: '方案文本为空。' };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const at = lines.linePos(error.pos[0]);
    const where = `第 ${at.line} 行第 ${at.col} 列`;
    return { ok: false, message: `${where}的 YAML 写法有误（${YAML_ERRORS[error.code] ?? '请检查缩进、冒号和引号'}），请改正后再切换。` };
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: '方案应由 id、title、phases 等字段组成，而不是单个值或列表。' };
  }
  return { ok: true, draft: value as Draft };
}

const YAML_ERRORS: Record<string, string> = {
  BAD_INDENT: '缩进不一致',
  BLOCK_AS_IMPLICIT_KEY: '某行缺少冒号，或冒号后缺少空格',
  DUPLICATE_KEY: '同一字段写了两次',
  MISSING_CHAR: '缺少引号或括号的另一半',
  MULTILINE_IMPLICIT_KEY: '字段名不能跨行，可能缺少冒号',
  UNEXPECTED_TOKEN: '出现了意外的符号',
  TAB_AS_INDENT: '不能用 Tab 键缩进，请改用空格',
  BAD_SCALAR_START: '值的开头有不允许的符号，可加引号',
};

// ---------------------------------------------------------------------------------------------
// Rows pasted from a spreadsheet (Excel and WPS copy cells as tab-separated lines)

export interface PastedRows {
  rows: BreakdownRow[];
  /** Each refused row: its line number as pasted (the header is line 1), the column, and why. */
  errors: Array<{ row: number; column: string; reason: string }>;
}

const HEADER = /代码|名称|code|name/i;

/**
 * 区划代码、单位名称、上级代码、目标 as pasted. An empty 上级代码 is the plan's region; the level
 * follows from the code's length (12 digits a village, 9 a town, 6 a county); the target is a whole
 * number or empty. A row with an error is left out and named, the others are read.
 */
export function parsePastedRows(text: string, target: string, regionCode: string): PastedRows {
  const out: PastedRows = { rows: [], errors: [] };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((line, i) => {
    const row = i + 1;
    if (line.trim() === '') return;
    const cells = line.split('\t').map((c) => c.trim());
    if (i === 0 && HEADER.test(cells[0] ?? '')) return;
    const [code = '', name = '', parent = '', figure = ''] = cells;
    const refuse = (column: string, reason: string) => out.errors.push({ row, column, reason });
    const level = levelOfCode(code);
    if (!/^\d{6}(\d{3}){0,2}$/.test(code) || level === null) return refuse('区划代码', `“${code}”不是 6、9 或 12 位的区划代码`);
    if (name === '') return refuse('单位名称', '不能为空');
    if (parent !== '' && !/^\d{6}(\d{3}){0,2}$/.test(parent)) return refuse('上级代码', `“${parent}”不是区划代码`);
    const n = parseCount(figure);
    if (figure !== '' && (n === undefined || !Number.isInteger(n) || n < 0)) return refuse('目标', `“${figure}”不是非负整数`);
    // A 6-digit code under the plan's region is a county even when it ends in 00 (市辖区 codes such as 440100 are rare in a breakdown).
    out.rows.push({ code, name, level: level === 'city' || level === 'province' ? 'county' : level, parentCode: parent || regionCode, targets: n === undefined ? {} : { [target]: n } });
  });
  return out;
}
