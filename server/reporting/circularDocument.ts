// A circular (通报) as an official document, in the layout of a government notice (GB/T 9704 in
// spirit): the issuing office (发文单位) in red at the head, the document number (文号), the title, the
// addressees, the body with the ranking table, the praised and the criticised, then the office's name
// (落款) and the date of issue. One model, two renderings: the printable HTML page and the XLSX sheet.
// A draft has no issuer or number yet: it says so, and carries 草稿 across the page.
import { ROLLUP_RULE_ZH, type RollupRule } from '../../domain/rollup';
import { LEGACY_STREAM_KEY, parsePeriodKey } from '../../domain/streams';
import type { Cell } from '../../formats/xlsxWriter';

export interface CircularDocInput {
  title: string;
  status: 'draft' | 'published';
  periodKey: string;
  /** The reporting period's due instant (ms) and the campaign's zone, for "截至…". */
  dueAt: number;
  timeZone: string;
  level: string;
  /** The stream's name (旬报 …): the period then reads 「旬报」2031-11-10 期; absent for the single legacy stream. */
  streamName?: string | null;
  /** Which figures it ranks by (the plan's roll-up rule), and the verified data's date; absent in circulars drafted before. */
  figures?: RollupRule | null;
  figuresAsOf?: string | null;
  ranking: ReadonlyArray<{ code: string; name: string; paid: number; targetPaying: number | null; rate: number | null; change: number | null; reported: 'on-time' | 'late' | 'missing' }>;
  late: ReadonlyArray<{ code: string; name: string }>;
  praised: ReadonlyArray<{ code: string; name: string; rate: number }>;
  issuer: string | null;
  docNo: string | null;
  publishedAt: Date | null;
  approvalNote: string | null;
}

/** The issuing office a campaign's circular names unless the approver says otherwise. */
export const defaultIssuer = (regionName: string) => `${regionName}人力资源和社会保障局`;

const ADDRESSEES: Record<string, string> = { county: '各县（市、区）人力资源和社会保障局', town: '各镇（街道）', village: '各村（社区）' };
const REPORTED_ZH = { 'on-time': '按时', late: '迟报', missing: '未报' } as const;

/** 2026年12月1日, in the zone. */
export function proseDateIn(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return `${get('year')}年${get('month')}月${get('day')}日`;
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const points = (c: number | null) => (c === null ? '—' : Math.abs(c) < 0.0005 ? '持平' : `${c > 0 ? '上升' : '下降'}${Math.abs(c * 100).toFixed(1)}个百分点`);

/** Ranks on the rate as printed (one decimal): equal rates share a rank, written 并列. */
export function rankRows(rows: CircularDocInput['ranking']): Array<{ rank: number; tied: boolean }> {
  const keys = rows.map((r) => pct(r.rate));
  return keys.map((k) => {
    const first = keys.indexOf(k);
    const tied = keys.filter((x) => x === k).length > 1;
    return { rank: first + 1, tied };
  });
}

export interface CircularDoc {
  issuer: string;
  docNo: string | null;
  title: string;
  addressee: string;
  opening: string;
  header: string[];
  rows: Cell[][];
  praise: string;
  criticism: string;
  closing: string;
  signature: string;
  date: string;
  draft: boolean;
}

/** 第 2023-10-15 期, or 「旬报」2031-11-10 期 for a named stream. */
function periodLabel(c: CircularDocInput): string {
  const { stream, rawDate } = parsePeriodKey(c.periodKey);
  return c.streamName && stream !== LEGACY_STREAM_KEY ? `「${c.streamName}」${rawDate} 期` : `第 ${c.periodKey} 期`;
}

/** Which figures the ranking uses, as the plan chose them (issue 12: circulars state what they rank by). */
function figuresNote(c: CircularDocInput): string {
  if (!c.figures) return '';
  if (c.figures === 'verified') return `；缴费人数为税务部门核实数，仅计扣费成功${c.figuresAsOf ? `，数据截至${proseDate(c.figuresAsOf)}` : ''}`;
  return `；缴费人数为${ROLLUP_RULE_ZH[c.figures]}`;
}

const proseDate = (iso: string) => {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

export function circularDoc(c: CircularDocInput): CircularDoc {
  const draft = c.status !== 'published';
  const ranks = rankRows(c.ranking);
  const praised = c.praised.map((u) => `${u.name}（${pct(u.rate)}）`).join('、');
  const late = c.late
    .map((u) => {
      const how = c.ranking.find((r) => r.code === u.code)?.reported;
      return how === 'late' || how === 'missing' ? `${u.name}（${REPORTED_ZH[how]}）` : u.name;
    })
    .join('、');
  return {
    issuer: c.issuer ?? (draft ? '（发文单位，审核发布时填写）' : ''),
    docNo: c.docNo,
    title: c.title,
    addressee: `${ADDRESSEES[c.level] ?? '各有关单位'}：`,
    opening: `截至${proseDateIn(c.dueAt - 1, c.timeZone)}（${periodLabel(c)}报送截止），各单位城乡居民基本养老保险参保缴费工作进度如下（按缴费完成率排序${figuresNote(c)}）：`,
    header: ['排名', '单位', '缴费人数', '目标人数', '完成率', '较上期', '报送情况'],
    rows: c.ranking.map((r, i) => [
      ranks[i].tied ? `并列第${ranks[i].rank}` : `第${ranks[i].rank}`,
      r.name,
      r.paid,
      r.targetPaying,
      pct(r.rate),
      points(r.change),
      REPORTED_ZH[r.reported],
    ]),
    praise: praised ? `对进度靠前的${praised}予以表扬。` : '本期无表扬单位。',
    criticism: late ? `${late}未按时报送进度，予以通报批评，请于三个工作日内补报并说明原因。` : '各单位均按时报送进度。',
    closing: '请各单位对照排名查找差距，加快工作进度，确保完成全年参保缴费目标任务。',
    signature: c.issuer ?? (draft ? '（落款）' : ''),
    date: c.publishedAt ? proseDateIn(c.publishedAt.getTime(), c.timeZone) : '（发布日期）',
    draft,
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The printable page: A4 portrait, serif body, red head and rule, the table, 落款 and date right-aligned. */
export function circularHtml(c: CircularDocInput): string {
  const d = circularDoc(c);
  const cell = (v: Cell) => (v === null || v === undefined ? '—' : typeof v === 'number' ? v.toLocaleString('zh-CN') : esc(String(v)));
  const rows = d.rows.map((r) => `<tr>${r.map((v, i) => `<td${i >= 2 && i <= 4 ? ' class="n"' : ''}>${cell(v)}</td>`).join('')}</tr>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(d.title)}</title>
<style>
@page{size:A4;margin:37mm 26mm 35mm 28mm}
body{font-family:"FangSong","STFangsong","Noto Serif CJK SC","SimSun",serif;font-size:16pt;line-height:1.75;max-width:760px;margin:2em auto;padding:0 16px;color:#111}
.issuer{font-family:"SimSun","Noto Serif CJK SC",serif;color:#c00;text-align:center;font-size:26pt;letter-spacing:.1em;margin:0;font-weight:bold}
.rule{border:0;border-top:3px solid #c00;margin:.5em 0 .3em}
.docno{text-align:center;margin:.2em 0 1em;font-size:14pt}
h1{font-family:"SimHei","Noto Sans CJK SC",sans-serif;text-align:center;font-size:20pt;line-height:1.5;margin:.6em 0}
p{margin:.3em 0;text-indent:2em}p.addressee{text-indent:0}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:12pt;line-height:1.4}
th,td{border:1px solid #333;padding:4px 6px}th{background:#f3f3f3}.n{text-align:right}
.sign{text-align:right;margin-top:2em;text-indent:0}.date{text-align:right;text-indent:0}
.draft{position:fixed;top:40%;left:0;right:0;text-align:center;font-size:96pt;color:rgba(200,0,0,.12);transform:rotate(-20deg);pointer-events:none}
.note{font-size:12pt;color:#555;text-indent:0}
@media (max-width:600px){body{font-size:13pt}.issuer{font-size:18pt}h1{font-size:16pt}table{font-size:10pt}}
@media print{.note{display:none}}
</style></head><body>
${d.draft ? '<div class="draft" aria-hidden="true">草稿</div><p class="note">草稿：未经审核，不得外传。</p>' : ''}
<p class="issuer" data-part="issuer" style="text-indent:0">${esc(d.issuer)}</p>
<hr class="rule">
${d.docNo ? `<p class="docno" data-part="docno" style="text-indent:0">${esc(d.docNo)}</p>` : ''}
<h1 data-part="title">${esc(d.title)}</h1>
<p class="addressee" data-part="addressee">${esc(d.addressee)}</p>
<p>${esc(d.opening)}</p>
<table data-part="ranking"><thead><tr>${d.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>
<p data-part="praise">${esc(d.praise)}</p>
<p data-part="criticism">${esc(d.criticism)}</p>
<p>${esc(d.closing)}</p>
<p class="sign" data-part="signature">${esc(d.signature)}</p>
<p class="date" data-part="date">${esc(d.date)}</p>
${c.approvalNote ? `<p class="note">审核意见：${esc(c.approvalNote)}</p>` : ''}
</body></html>`;
}

/** The same document as sheet rows: head, title, addressee, opening, table, praise, criticism, 落款, date. */
export function circularRows(c: CircularDocInput): Cell[][] {
  const d = circularDoc(c);
  return [
    [d.issuer],
    [d.docNo ?? ''],
    [d.title],
    ...(d.draft ? [['草稿：未经审核，不得外传。']] : []),
    [d.addressee],
    [d.opening],
    d.header,
    ...d.rows,
    [d.praise],
    [d.criticism],
    [d.closing],
    [],
    ['', '', '', '', '', d.signature],
    ['', '', '', '', '', d.date],
  ];
}
