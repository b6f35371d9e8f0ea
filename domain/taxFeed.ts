// The tax bureau's payment feed (税务缴费数据): a CSV file per delivery with the paid headcount and the
// amount collected per unit. The rules of its rows, pure: each data row checked into a validated row or
// its errors, every problem of the file listed at once so that the clerk who exported it can fix them
// in one go. Reading the file (encoding, CSV, which column is which) is formats/taxFeed.ts's. Money is
// turned into fen with string arithmetic only (a float multiplication turns 1234.56 into
// 123455.99999999999).

import { memo } from './memo';

export const TAX_FEED_MAX_BYTES = 5 * 1024 * 1024;
export const TAX_FEED_MAX_ROWS = 100_000;
/** Errors listed per file; the rest are counted in one closing line. */
export const TAX_FEED_MAX_ERRORS = 1_000;

export const TAX_FEED_ENCODINGS = ['utf-8', 'utf-8-bom', 'gb18030'] as const;
export type TaxFeedEncoding = (typeof TAX_FEED_ENCODINGS)[number];

export interface TaxFeedRow {
  /** Line of the file where the record starts (the header is line 1 when nothing precedes it). */
  line: number;
  /** The unit's code as in the campaign (a 12-digit statistical code padded with zeros is mapped to it). */
  unitCode: string;
  paid: number;
  amountFen: number;
  /** YYYY-MM-DD */
  asOf: string;
}

export interface TaxFeedError {
  file: string;
  /** null for a problem with the whole file (too large, undecodable). */
  line: number | null;
  /** The column's header as written in the file, or the missing column's name. */
  column: string | null;
  value: string | null;
  /** Plain Chinese, for the clerk who exported the file. */
  reason: string;
}

export type TaxFeedParseResult =
  | { ok: true; encoding: TaxFeedEncoding; asOf: string; rows: TaxFeedRow[] }
  | { ok: false; encoding: TaxFeedEncoding | null; errors: TaxFeedError[] };

export interface TaxFeedParseOptions {
  fileName: string;
  /** The campaign's unit codes (a Map of code -> name works as well). */
  knownUnits: ReadonlySet<string> | ReadonlyMap<string, string>;
}

export type TaxFeedField = 'unitCode' | 'paid' | 'amount' | 'asOf';

/** The feed's columns: the name errors give each, and whether a file must have it (aliases: formats/taxFeed.ts). */
export const TAX_FEED_FIELDS: Record<TaxFeedField, { name: string; required: boolean }> = {
  unitCode: { name: '单位代码', required: true },
  paid: { name: '缴费人数', required: true },
  amount: { name: '缴费金额', required: true },
  asOf: { name: '统计日期', required: false },
};

/** Rows of a spreadsheet's summary, not units. */
const SUMMARY_LABELS = new Set(['合计', '总计', '小计']);
const MAX_VALUE_CHARS = 100;
const MAX_INT = 2_147_483_647;

/** Full-width digits, commas, points and spaces (typed with a Chinese IME) become ASCII. */
const normaliseValue = (v: string) => v.normalize('NFKC').trim();

const clip = (v: string) => (v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS)}…` : v);

const DATE_PATTERNS = [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, /^(\d{4})年(\d{1,2})月(\d{1,2})日$/];

/** YYYY-MM-DD from YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日; undefined when no such day exists. */
export const parseFeedDate: (raw: string) => string | undefined = memo((raw) => {
  const v = normaliseValue(raw);
  for (const p of DATE_PATTERNS) {
    const m = p.exec(v);
    if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  return undefined;
}, 4_096); // a year of days in several spellings

function isoDate(year: number, month: number, day: number): string | undefined {
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The last date in a file name such as `440700-税务缴费-2023-11-06.csv` or `…2023年11月6日.csv`. */
export function dateFromFileName(fileName: string): { raw: string; date: string | undefined } | undefined {
  const re = /(\d{4})(?:-(\d{1,2})-(\d{1,2})|年(\d{1,2})月(\d{1,2})日)(?!\d)/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(fileName); m; m = re.exec(fileName)) last = m;
  if (!last) return undefined;
  const [year, month, day] = [Number(last[1]), Number(last[2] ?? last[4]), Number(last[3] ?? last[5])];
  return { raw: last[0], date: isoDate(year, month, day) };
}

/** Paid headcount: a non-negative integer, thousands separators allowed ("1,234"). */
export function parsePaid(raw: string): { value: number } | { reason: string } {
  const v = normaliseValue(raw);
  if (v === '') return { reason: '缴费人数为空' };
  if (/^[-−]/.test(v)) return { reason: '缴费人数不能为负数' };
  if (!/^(\d{1,3}(,\d{3})+|\d+)$/.test(v)) {
    return { reason: /^[\d,]*\.\d*$/.test(v) ? '缴费人数应为整数，不能有小数' : '缴费人数应为非负整数（可带千位分隔符，如 1,234）' };
  }
  const n = Number(v.replace(/,/g, ''));
  if (n > MAX_INT) return { reason: `缴费人数过大（超过 ${MAX_INT}）` };
  return { value: n };
}

/**
 * Yuan to fen exactly: the integer and decimal digits are read as strings and joined, never multiplied
 * as a float. More than two decimals are refused unless they are zeros ("12.300" is 1230 fen exactly).
 */
export function yuanToFen(raw: string): { value: number } | { reason: string } {
  const v = normaliseValue(raw).replace(/^[¥￥]/, '');
  if (v === '') return { reason: '缴费金额为空' };
  if (/^[-−]/.test(v)) return { reason: '缴费金额不能为负数' };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) return { reason: '缴费金额应为以元为单位的非负数（如 1234.56，可带千位分隔符）' };
  const decimals = m[2] ?? '';
  if (decimals.length > 2 && /[1-9]/.test(decimals.slice(2))) return { reason: '缴费金额最多保留两位小数（精确到分）' };
  const fen = BigInt(m[1].replace(/,/g, '')) * 100n + BigInt(decimals.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { reason: '缴费金额过大' };
  return { value: Number(fen) };
}

/** The campaign's code for a unit code: exact, or a 12-digit statistical code whose tail is zeros. */
function resolveUnit(code: string, known: TaxFeedParseOptions['knownUnits']): string | undefined {
  if (known.has(code)) return code;
  if (/^\d{12}$/.test(code)) {
    if (code.endsWith('000') && known.has(code.slice(0, 9))) return code.slice(0, 9);
    if (code.endsWith('000000') && known.has(code.slice(0, 6))) return code.slice(0, 6);
  }
  return undefined;
}

function unitCodeReason(code: string): string {
  if (code === '') return '单位代码为空';
  if (/^\d(\.\d+)?e\+?\d+$/i.test(code)) return '单位代码被表格软件显示成了科学计数法；请把该列设为“文本”格式后重新导出';
  if (!/^\d{6}(\d{3}){0,2}$/.test(code)) return '单位代码应为 6、9 或 12 位数字的区划代码';
  return '单位代码不在本次征缴活动的单位中';
}

/**
 * The errors of one file: at most TAX_FEED_MAX_ERRORS listed, the rest counted in a closing line, so a
 * file that is wrong throughout costs a bounded answer.
 */
export class TaxFeedErrors {
  private listed: TaxFeedError[] = [];
  private dropped = 0;

  constructor(readonly file: string) {}

  get size(): number {
    return this.listed.length + this.dropped;
  }

  add(e: Omit<TaxFeedError, 'file'>): void {
    if (this.listed.length < TAX_FEED_MAX_ERRORS) this.listed.push({ file: this.file, ...e });
    else this.dropped++;
  }

  /** A problem of the whole file (its size, its encoding), or of a line but no column (its syntax, a cap). */
  addFileError(reason: string, line: number | null = null): void {
    this.add({ line, column: null, value: null, reason });
  }

  list(): TaxFeedError[] {
    if (this.dropped === 0) return [...this.listed];
    return [...this.listed, { file: this.file, line: null, column: null, value: null, reason: `另有 ${this.dropped} 处错误未列出（最多列出 ${TAX_FEED_MAX_ERRORS} 处）` }];
  }
}

/** A data row of the file: the cells of the feed's columns (absent: the file has no such column). */
export interface TaxFeedRecord {
  line: number;
  cells: Partial<Record<TaxFeedField, string>>;
}

/**
 * The data rows (blank rows already left out) checked one by one, their errors added to `errors`: a
 * spreadsheet's summary row (合计) skipped, unit codes resolved against the campaign's and never repeated, counts and
 * amounts exact, each row's date its own or the file name's. Stops at the row cap. The rows returned are
 * the file's only when no error was added.
 */
export function checkTaxFeedRecords(
  records: Iterable<TaxFeedRecord>,
  opts: TaxFeedParseOptions & {
    /** Each column's header as written in the file, for the errors (a column the file lacks has none). */
    titles: Partial<Record<TaxFeedField, string>>;
    errors: TaxFeedErrors;
  },
): TaxFeedRow[] {
  const { errors, titles } = opts;
  const fromName = dateFromFileName(opts.fileName);
  const rows: TaxFeedRow[] = [];
  const firstLineOf = new Map<string, number>();
  let count = 0;
  for (const rec of records) {
    const cell = (f: TaxFeedField) => rec.cells[f] ?? '';
    const rawCode = cell('unitCode');
    const code = normaliseValue(rawCode);
    if (SUMMARY_LABELS.has(code.replace(/\s/g, ''))) continue;
    if (++count > TAX_FEED_MAX_ROWS) {
      errors.addFileError(`数据行超过 ${TAX_FEED_MAX_ROWS} 行上限；请按区县拆分后分别提交`, rec.line);
      return rows;
    }
    const err = (f: TaxFeedField, value: string, reason: string) => errors.add({ line: rec.line, column: titles[f] ?? TAX_FEED_FIELDS[f].name, value: clip(value), reason });

    const unitCode = resolveUnit(code, opts.knownUnits);
    if (!unitCode) err('unitCode', rawCode, unitCodeReason(code));
    else {
      const first = firstLineOf.get(unitCode);
      if (first !== undefined) err('unitCode', rawCode, `单位代码重复：第 ${first} 行已有该单位的数据`);
      else firstLineOf.set(unitCode, rec.line);
    }

    const paid = parsePaid(cell('paid'));
    if ('reason' in paid) err('paid', cell('paid'), paid.reason);
    const amount = yuanToFen(cell('amount'));
    if ('reason' in amount) err('amount', cell('amount'), amount.reason);

    let asOf: string | undefined;
    const rawDate = cell('asOf');
    if (normaliseValue(rawDate) !== '') {
      asOf = parseFeedDate(rawDate);
      if (!asOf) err('asOf', rawDate, '统计日期无效；应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日 的真实日期');
    } else if (fromName?.date) {
      asOf = fromName.date;
    } else {
      const reason = fromName
        ? `该行没有统计日期，文件名中的日期“${fromName.raw}”不是真实日期`
        : '缺少统计日期：该行没有“统计日期”，文件名中也没有日期（如 …-2023-11-06.csv）';
      errors.add({ line: rec.line, column: titles.asOf ?? TAX_FEED_FIELDS.asOf.name, value: rawDate, reason });
    }

    if (unitCode && 'value' in paid && 'value' in amount && asOf) {
      rows.push({ line: rec.line, unitCode, paid: paid.value, amountFen: amount.value, asOf });
    }
  }
  return rows;
}

/** A file refused before its rows were read (too large, undecodable, no header), or with errors. */
export function taxFeedRefusal(encoding: TaxFeedEncoding | null, errors: TaxFeedErrors): TaxFeedParseResult {
  return { ok: false, encoding, errors: errors.list() };
}

/** The file's verdict once its rows were read: the rows and the latest date among them, or every error. */
export function taxFeedResult(encoding: TaxFeedEncoding, rows: readonly TaxFeedRow[], errors: TaxFeedErrors): TaxFeedParseResult {
  if (errors.size > 0) return taxFeedRefusal(encoding, errors);
  if (rows.length === 0) {
    errors.addFileError('文件中没有数据行（只有表头）');
    return taxFeedRefusal(encoding, errors);
  }
  const asOf = rows.reduce((latest, r) => (r.asOf > latest ? r.asOf : latest), rows[0].asOf);
  return { ok: true, encoding, asOf, rows: [...rows] };
}

/** One line per error, in Chinese, for the `<file>.errors.txt` written beside a refused inbox file. */
export function formatTaxFeedError(e: TaxFeedError): string {
  const where = [e.file, e.line === null ? null : `第 ${e.line} 行`, e.column === null ? null : `“${e.column}”列`].filter(Boolean).join(' ');
  const value = e.value === null ? '' : `，值“${e.value}”`;
  return `${where}${value}：${e.reason}`;
}
