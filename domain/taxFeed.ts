// The tax bureau's payment feed (税务缴费数据): a CSV file per delivery with the paid headcount and the
// amount collected per unit. Pure: bytes in, validated rows or a complete list of errors out, so that
// the clerk who exported the file can fix every problem in one go. Money is turned into fen with string
// arithmetic only (a float multiplication turns 1234.56 into 123455.99999999999).

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

type Field = 'unitCode' | 'paid' | 'amount' | 'asOf';

/** Header aliases, compared after normaliseHeader (NFKC, lower case, no spaces, `_` or `-`). */
export const TAX_FEED_COLUMNS: Record<Field, { name: string; aliases: readonly string[]; required: boolean }> = {
  unitCode: { name: '单位代码', aliases: ['单位代码', '区划代码', '行政区划代码', 'unit_code', 'code'], required: true },
  paid: { name: '缴费人数', aliases: ['缴费人数', '已缴费人数', 'paid'], required: true },
  amount: {
    name: '缴费金额',
    aliases: ['缴费金额', '征收金额', '金额(元)', '缴费金额(元)', '征收金额(元)', 'amount'],
    required: true,
  },
  asOf: { name: '统计日期', aliases: ['统计日期', '截至日期', '截止日期', '日期', 'as_of'], required: false },
};

const FIELDS = Object.keys(TAX_FEED_COLUMNS) as Field[];
/** Rows of a spreadsheet's summary, not units. */
const SUMMARY_LABELS = new Set(['合计', '总计', '小计']);
/** How many leading records may be titles above the header (a spreadsheet export often has one). */
const HEADER_SEARCH_RECORDS = 10;
const MAX_VALUE_CHARS = 100;
const MAX_INT = 2_147_483_647;

export const normaliseHeader = (h: string) => h.normalize('NFKC').toLowerCase().replace(/[\s_\-]/g, '');

const ALIAS_TO_FIELD = new Map<string, Field>(
  FIELDS.flatMap((f) => TAX_FEED_COLUMNS[f].aliases.map((a) => [normaliseHeader(a), f] as const)),
);

/** Full-width digits, commas, points and spaces (typed with a Chinese IME) become ASCII. */
const normaliseValue = (v: string) => v.normalize('NFKC').trim();

export function decodeTaxFeed(bytes: Uint8Array): { encoding: TaxFeedEncoding; text: string } | { error: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return { encoding: 'utf-8-bom', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(3)) };
    } catch {
      return { error: '文件以 UTF-8 标记开头,但内容不是有效的 UTF-8' };
    }
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { error: '文件是 UTF-16(“Unicode 文本”)编码;请另存为“CSV UTF-8”或“CSV(逗号分隔)”后重新提交' };
  }
  try {
    return { encoding: 'utf-8', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Not UTF-8: a spreadsheet saved as CSV on a Chinese Windows (GBK, which GB18030 contains).
  }
  try {
    return { encoding: 'gb18030', text: new TextDecoder('gb18030', { fatal: true }).decode(bytes) };
  } catch {
    return { error: '无法识别文件编码(既不是 UTF-8 也不是 GBK/GB18030)' };
  }
}

interface CsvRecord {
  line: number;
  fields: string[];
}

class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 4180 records: quoted fields (with doubled quotes and line breaks inside), CRLF, LF or CR. */
function* csvRecords(text: string, delimiter: string): Generator<CsvRecord> {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text[i] === '"') {
        const quoteLine = line;
        const parts: string[] = [];
        let from = ++i;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(quoteLine, '引号未闭合:从这一行开始的带引号字段直到文件末尾都没有结束引号');
          const c = text[i];
          if (c === '"') {
            parts.push(text.slice(from, i));
            if (text[i + 1] === '"') {
              parts.push('"');
              i += 2;
              from = i;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
          i++;
        }
        field = parts.join('');
        if (i < n && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
          throw new CsvSyntaxError(line, '带引号字段的结束引号后面还有字符(字段中的引号应写成两个引号"")');
        }
      } else {
        const from = i;
        while (i < n && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') i++;
        field = text.slice(from, i);
      }
      fields.push(field);
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    yield { line: start, fields };
  }
}

const isBlank = (fields: string[]) => fields.every((f) => f.trim() === '');

/** Tab or comma, whichever the first line that has either uses more (a tab export keeps commas in numbers). */
function detectDelimiter(text: string): string {
  for (const l of text.split(/\r\n|\n|\r/, HEADER_SEARCH_RECORDS + 1)) {
    const tabs = l.split('\t').length - 1;
    const commas = l.split(',').length - 1;
    if (tabs + commas > 0) return tabs > commas ? '\t' : ',';
  }
  return ',';
}

const clip = (v: string) => (v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS)}…` : v);

const DATE_PATTERNS = [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, /^(\d{4})年(\d{1,2})月(\d{1,2})日$/];

/** YYYY-MM-DD from YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日; undefined when no such day exists. */
export function parseFeedDate(raw: string): string | undefined {
  const v = normaliseValue(raw);
  for (const p of DATE_PATTERNS) {
    const m = p.exec(v);
    if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  return undefined;
}

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
    return { reason: /^[\d,]*\.\d*$/.test(v) ? '缴费人数应为整数,不能有小数' : '缴费人数应为非负整数(可带千位分隔符,如 1,234)' };
  }
  const n = Number(v.replace(/,/g, ''));
  if (n > MAX_INT) return { reason: `缴费人数过大(超过 ${MAX_INT})` };
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
  if (!m) return { reason: '缴费金额应为以元为单位的非负数(如 1234.56,可带千位分隔符)' };
  const decimals = m[2] ?? '';
  if (decimals.length > 2 && /[1-9]/.test(decimals.slice(2))) return { reason: '缴费金额最多保留两位小数(精确到分)' };
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
  if (/^\d(\.\d+)?e\+?\d+$/i.test(code)) return '单位代码被表格软件显示成了科学计数法;请把该列设为“文本”格式后重新导出';
  if (!/^\d{6}(\d{3}){0,2}$/.test(code)) return '单位代码应为 6、9 或 12 位数字的区划代码';
  return '单位代码不在本次征缴活动的单位中';
}

export function parseTaxFeed(bytes: Uint8Array, opts: TaxFeedParseOptions): TaxFeedParseResult {
  const file = opts.fileName;
  const fileError = (reason: string, more: Partial<TaxFeedError> = {}): TaxFeedError => ({ file, line: null, column: null, value: null, reason, ...more });

  if (bytes.length > TAX_FEED_MAX_BYTES) {
    return { ok: false, encoding: null, errors: [fileError(`文件大小 ${bytes.length} 字节,超过 5 MiB(${TAX_FEED_MAX_BYTES} 字节)上限;请按区县拆分后分别提交`)] };
  }
  if (bytes.length === 0) return { ok: false, encoding: null, errors: [fileError('文件为空')] };
  const decoded = decodeTaxFeed(bytes);
  if ('error' in decoded) return { ok: false, encoding: null, errors: [fileError(decoded.error)] };
  const { encoding, text } = decoded;

  const errors: TaxFeedError[] = [];
  let dropped = 0;
  const fail = (e: TaxFeedError) => {
    if (errors.length < TAX_FEED_MAX_ERRORS) errors.push(e);
    else dropped++;
  };
  const done = (): TaxFeedParseResult => {
    const listed = dropped > 0 ? [...errors, fileError(`另有 ${dropped} 处错误未列出(最多列出 ${TAX_FEED_MAX_ERRORS} 处)`)] : errors;
    return { ok: false, encoding, errors: listed };
  };

  const records = csvRecords(text, detectDelimiter(text));
  try {
    // The header: the first record naming a unit-code column, so that a title line above it is skipped.
    let header: CsvRecord | undefined;
    let firstRecord: CsvRecord | undefined;
    for (let seen = 0; seen < HEADER_SEARCH_RECORDS; ) {
      const next = records.next();
      if (next.done) break;
      if (isBlank(next.value.fields)) continue;
      seen++;
      firstRecord ??= next.value;
      if (next.value.fields.some((f) => ALIAS_TO_FIELD.get(normaliseHeader(f)) === 'unitCode')) {
        header = next.value;
        break;
      }
    }
    if (!firstRecord) return { ok: false, encoding, errors: [fileError('文件中没有内容')] };
    header ??= firstRecord;

    const found = header.fields.map((h) => h.trim()).filter((h) => h !== '');
    const columns = new Map<Field, number>();
    header.fields.forEach((h, index) => {
      const field = ALIAS_TO_FIELD.get(normaliseHeader(h));
      if (!field) return;
      const earlier = columns.get(field);
      if (earlier !== undefined) {
        fail({ file, line: header.line, column: h.trim(), value: h, reason: `与“${header.fields[earlier].trim()}”列含义相同,无法确定使用哪一列` });
      } else {
        columns.set(field, index);
      }
    });
    for (const field of FIELDS) {
      const spec = TAX_FEED_COLUMNS[field];
      if (spec.required && !columns.has(field)) {
        fail({
          file,
          line: header.line,
          column: spec.name,
          value: found.join(','),
          reason: `缺少必需的列“${spec.name}”(可用的表头:${spec.aliases.join('、')});文件中的表头为:${found.join('、') || '(无)'}`,
        });
      }
    }
    if (errors.length > 0) return done();

    const col = (f: Field) => columns.get(f);
    const title = (f: Field) => header.fields[columns.get(f)!].trim();
    const fromName = dateFromFileName(file);
    const rows: TaxFeedRow[] = [];
    const firstLineOf = new Map<string, number>();
    let count = 0;

    for (const rec of records) {
      if (isBlank(rec.fields)) continue;
      const cell = (f: Field) => {
        const i = col(f);
        return i === undefined ? '' : (rec.fields[i] ?? '');
      };
      const rawCode = cell('unitCode');
      const code = normaliseValue(rawCode);
      if (SUMMARY_LABELS.has(code.replace(/\s/g, ''))) continue;
      if (++count > TAX_FEED_MAX_ROWS) {
        fail(fileError(`数据行超过 ${TAX_FEED_MAX_ROWS} 行上限;请按区县拆分后分别提交`, { line: rec.line }));
        return done();
      }
      const err = (f: Field, value: string, reason: string) => fail({ file, line: rec.line, column: title(f), value: clip(value), reason });

      const unitCode = resolveUnit(code, opts.knownUnits);
      if (!unitCode) err('unitCode', rawCode, unitCodeReason(code));
      else {
        const first = firstLineOf.get(unitCode);
        if (first !== undefined) err('unitCode', rawCode, `单位代码重复:第 ${first} 行已有该单位的数据`);
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
        if (!asOf) err('asOf', rawDate, '统计日期无效;应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日 的真实日期');
      } else if (fromName?.date) {
        asOf = fromName.date;
      } else {
        const column = col('asOf') === undefined ? TAX_FEED_COLUMNS.asOf.name : title('asOf');
        const reason = fromName
          ? `该行没有统计日期,文件名中的日期“${fromName.raw}”不是真实日期`
          : '缺少统计日期:该行没有“统计日期”,文件名中也没有日期(如 …-2023-11-06.csv)';
        fail({ file, line: rec.line, column, value: rawDate, reason });
      }

      if (unitCode && 'value' in paid && 'value' in amount && asOf) {
        rows.push({ line: rec.line, unitCode, paid: paid.value, amountFen: amount.value, asOf });
      }
    }

    if (errors.length > 0) return done();
    if (rows.length === 0) return { ok: false, encoding, errors: [fileError('文件中没有数据行(只有表头)')] };
    const asOf = rows.reduce((latest, r) => (r.asOf > latest ? r.asOf : latest), rows[0].asOf);
    return { ok: true, encoding, asOf, rows };
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    fail({ file, line: e.line, column: null, value: null, reason: e.message });
    return done();
  }
}

/** One line per error, in Chinese, for the `<file>.errors.txt` written beside a refused inbox file. */
export function formatTaxFeedError(e: TaxFeedError): string {
  const where = [e.file, e.line === null ? null : `第 ${e.line} 行`, e.column === null ? null : `“${e.column}”列`].filter(Boolean).join(' ');
  const value = e.value === null ? '' : `,值“${e.value}”`;
  return `${where}${value}:${e.reason}`;
}
