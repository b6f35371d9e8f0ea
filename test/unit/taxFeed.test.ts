// The tax feed parser: encodings, header aliases, exact money, and one error per problem that names
// the file, line, column, value and reason.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  TAX_FEED_MAX_BYTES,
  TAX_FEED_MAX_ERRORS,
  TAX_FEED_MAX_ROWS,
  dateFromFileName,
  formatTaxFeedError,
  parseFeedDate,
  yuanToFen,
  type TaxFeedParseResult,
} from '../../domain/taxFeed';
import { parseTaxFeed } from '../../formats/taxFeed';

const known = new Set(['440703', '440704', '440703001', '440703001001', '440703001002']);
const utf8 = (s: string) => new TextEncoder().encode(s);
const parse = (text: string | Uint8Array, fileName = '江门-税务缴费-2023-11-06.csv', knownUnits: Set<string> | Map<string, string> = known) =>
  parseTaxFeed(typeof text === 'string' ? utf8(text) : text, { fileName, knownUnits });

function ok(r: TaxFeedParseResult) {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.errors, null, 1)}`);
  return r;
}
function errorsOf(r: TaxFeedParseResult) {
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

const SAMPLE = '单位代码,单位名称,缴费人数,缴费金额,统计日期\r\n440703,蓬江区,"12,345",1234.56,2023-11-06\r\n440704,江海区,88,0.1,2023/11/5\r\n';

describe('encodings', () => {
  it('reads UTF-8 without a byte-order mark', () => {
    const r = ok(parse(SAMPLE));
    expect(r.encoding).toBe('utf-8');
    expect(r.rows).toEqual([
      { line: 2, unitCode: '440703', paid: 12345, amountFen: 123456, asOf: '2023-11-06' },
      { line: 3, unitCode: '440704', paid: 88, amountFen: 10, asOf: '2023-11-05' },
    ]);
    expect(r.asOf).toBe('2023-11-06');
  });

  it('reads UTF-8 with a byte-order mark (Excel "CSV UTF-8"), the mark not part of the first header', () => {
    const r = ok(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(SAMPLE)])));
    expect(r.encoding).toBe('utf-8-bom');
    expect(r.rows).toHaveLength(2);
  });

  it('reads GBK bytes (Excel "CSV" on a Chinese Windows) as GB18030', () => {
    const bytes = iconv.encode(SAMPLE.replace('统计日期', '截至日期'), 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const r = ok(parse(bytes));
    expect(r.encoding).toBe('gb18030');
    expect(r.rows[0]).toMatchObject({ unitCode: '440703', paid: 12345, amountFen: 123456 });
  });

  it('refuses UTF-16 and undecodable bytes with a file-level error', () => {
    const [utf16] = errorsOf(parse(new Uint8Array([0xff, 0xfe, 0x41, 0x00])));
    expect(utf16).toMatchObject({ file: '江门-税务缴费-2023-11-06.csv', line: null, column: null });
    expect(utf16.reason).toContain('UTF-16');
    const [garbage] = errorsOf(parse(new Uint8Array([0x81, 0x30, 0xff, 0x81])));
    expect(garbage.reason).toContain('无法识别文件编码');
  });
});

describe('CSV syntax (RFC 4180)', () => {
  it('handles quotes, doubled quotes, a line break inside quotes, LF endings, blank lines and no final newline', () => {
    const text = '单位代码,单位名称,缴费人数,缴费金额\n"440703","蓬江区 ""城区""\n第二行",5,6\n\n440704,江海区,7,8';
    const r = ok(parse(text));
    expect(r.rows).toEqual([
      { line: 2, unitCode: '440703', paid: 5, amountFen: 600, asOf: '2023-11-06' },
      { line: 5, unitCode: '440704', paid: 7, amountFen: 800, asOf: '2023-11-06' },
    ]);
  });

  it('detects a tab-separated file from its header, with thousands separators unquoted', () => {
    const r = ok(parse('区划代码\t缴费人数\t征收金额\n440703\t1,234\t1,234,567.89\n'));
    expect(r.rows[0]).toMatchObject({ paid: 1234, amountFen: 123456789 });
  });

  it('skips a title line above the header, empty spreadsheet rows and a 合计 row', () => {
    const r = ok(parse('江门市城乡居保缴费情况表,,,\n单位代码,缴费人数,缴费金额,备注\n440703,1,2,\n,,,\n合计,1,2,\n'));
    expect(r.rows).toEqual([{ line: 3, unitCode: '440703', paid: 1, amountFen: 200, asOf: '2023-11-06' }]);
  });

  it('reports an unclosed quote at the line where it opens, and stray text after a closing quote', () => {
    const [open] = errorsOf(parse('单位代码,缴费人数,缴费金额\n440703,1,2\n440704,"3,4\n'));
    expect(open).toMatchObject({ line: 3, column: null });
    expect(open.reason).toContain('引号未闭合');
    const [stray] = errorsOf(parse('单位代码,缴费人数,缴费金额\n"440703"x,1,2\n'));
    expect(stray).toMatchObject({ line: 2 });
    expect(stray.reason).toContain('结束引号后面还有字符');
  });
});

describe('a file broken further down', () => {
  it('lists the errors of the rows before an unclosed quote, then the quote with its line', () => {
    const errors = errorsOf(parse('单位代码,缴费人数,缴费金额\n999999,1,2\n440703,x,2\n"440704,1,2\n'));
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [2, '单位代码'],
      [3, '缴费人数'],
      [4, null],
    ]);
    expect(errors[2].reason).toContain('引号未闭合');
  });
});

describe('headers', () => {
  const cases: Array<[string, string, string, string | null]> = [
    ['单位代码', '缴费人数', '缴费金额', '统计日期'],
    ['区划代码', '已缴费人数', '征收金额', '截至日期'],
    ['行政区划代码', '缴费人数', '金额(元)', '日期'],
    ['行政区划代码', '缴费人数', '金额（元）', '截止日期'],
    ['unit_code', 'paid', 'amount', 'as_of'],
    ['Unit Code', ' PAID ', 'Amount', 'As Of'],
    ['code', 'Paid', 'AMOUNT', null],
  ];
  it.each(cases)('accepts %s / %s / %s / %s', (code, paid, amount, date) => {
    const header = [code, paid, amount, date, '备注'].filter((h) => h !== null).join(',');
    const row = ['440703001', '10', '1800', date ? '2023年11月1日' : null, '无'].filter((v) => v !== null).join(',');
    const r = ok(parse(`${header}\n${row}\n`));
    expect(r.rows).toEqual([{ line: 2, unitCode: '440703001', paid: 10, amountFen: 180000, asOf: date ? '2023-11-01' : '2023-11-06' }]);
  });

  it('names each missing required column and the headers found', () => {
    const errors = errorsOf(parse('单位代码,单位名称,人数\n440703,蓬江区,1\n'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ file: '江门-税务缴费-2023-11-06.csv', line: 1, column: '缴费人数', value: '单位代码,单位名称,人数' });
    expect(errors[0].reason).toContain('缺少必需的列“缴费人数”');
    expect(errors[0].reason).toContain('单位代码、单位名称、人数');
    expect(errors[1].column).toBe('缴费金额');
  });

  it('matches headers as the lists do (a required mark, a note in brackets), but never reads a scale such as 万元 as yuan', () => {
    const r = ok(parse('*单位代码,缴费人数(人),缴费金额【元】,统计日期(截至)\n440703,3,18.5,2023-11-01\n'));
    expect(r.rows).toEqual([{ line: 2, unitCode: '440703', paid: 3, amountFen: 1850, asOf: '2023-11-01' }]);
    const [scaled] = errorsOf(parse('单位代码,缴费人数,缴费金额(万元)\n440703,3,1.5\n'));
    expect(scaled).toMatchObject({ line: 1, column: '缴费金额' });
    expect(scaled.reason).toContain('文件中的表头为：单位代码、缴费人数、缴费金额(万元)');
  });

  it('reads a semicolon-separated file (a spreadsheet saved where the comma is the decimal mark), as the lists are read', () => {
    const r = ok(parse('单位代码;缴费人数;缴费金额\n440703;"1,234";120\n'));
    expect(r.rows).toEqual([{ line: 2, unitCode: '440703', paid: 1234, amountFen: 12000, asOf: '2023-11-06' }]);
  });

  it('refuses two columns with the same meaning', () => {
    const [e] = errorsOf(parse('单位代码,区划代码,缴费人数,缴费金额\n440703,440703,1,2\n'));
    expect(e).toMatchObject({ line: 1, column: '区划代码' });
    expect(e.reason).toContain('含义相同');
  });
});

describe('values', () => {
  it('converts yuan to fen exactly, never through a float multiplication', () => {
    expect(yuanToFen('1234.56')).toEqual({ value: 123456 });
    expect(yuanToFen('0.1')).toEqual({ value: 10 });
    expect(yuanToFen('0.29')).toEqual({ value: 29 }); // 0.29 * 100 = 28.999999999999996
    expect(yuanToFen('1,234,567.8')).toEqual({ value: 123456780 });
    expect(yuanToFen('１２３．４５')).toEqual({ value: 12345 });
    expect(yuanToFen('12.300')).toEqual({ value: 1230 });
    expect(yuanToFen('0')).toEqual({ value: 0 });
    expect(yuanToFen('90071992547409.91')).toEqual({ value: 9007199254740991 });
    expect(yuanToFen('90071992547409.92')).toEqual({ reason: '缴费金额过大' });
    expect(yuanToFen('12.345')).toEqual({ reason: '缴费金额最多保留两位小数（精确到分）' });
    expect(yuanToFen('-1')).toEqual({ reason: '缴费金额不能为负数' });
    expect(yuanToFen('1e3')).toHaveProperty('reason');
    expect(yuanToFen('12,34')).toHaveProperty('reason');
  });

  it('accepts full-width digits and thousands separators in the paid count', () => {
    const r = ok(parse('单位代码,缴费人数,缴费金额\n440703,"１，２３４",１８０\n'));
    expect(r.rows[0]).toMatchObject({ paid: 1234, amountFen: 18000 });
  });

  it('reads dates as YYYY-MM-DD, YYYY/MM/DD and YYYY年M月D日, refusing days that do not exist', () => {
    expect(parseFeedDate('2023-11-06')).toBe('2023-11-06');
    expect(parseFeedDate('2023/1/6')).toBe('2023-01-06');
    expect(parseFeedDate('2023年11月6日')).toBe('2023-11-06');
    expect(parseFeedDate('2024-02-29')).toBe('2024-02-29');
    expect(parseFeedDate('2023-02-29')).toBeUndefined();
    expect(parseFeedDate('11/06/2023')).toBeUndefined();
    expect(dateFromFileName('jiangmen-2023__税务缴费-2023-11-06.csv')).toEqual({ raw: '2023-11-06', date: '2023-11-06' });
    expect(dateFromFileName('缴费2023年11月6日.csv')?.date).toBe('2023-11-06');
    expect(dateFromFileName('jiangmen-2023__weekly.csv')).toBeUndefined();
  });

  it('maps a 12-digit statistical code padded with zeros to the campaign unit, and accepts a Map of units', () => {
    const units = new Map([['440703', '蓬江区'], ['440703001', '环市街道']]);
    const r = ok(parse('单位代码,缴费人数,缴费金额\n440703000000,1,1\n440703001000,2,2\n', 'x-2023-11-06.csv', units));
    expect(r.rows.map((row) => row.unitCode)).toEqual(['440703', '440703001']);
  });

  it('takes the latest row date as the file date, and the file name date for rows without one', () => {
    const r = ok(parse('单位代码,缴费人数,缴费金额,统计日期\n440703,1,1,2023-11-20\n440704,1,1,\n', 'feed-2023-11-06.csv'));
    expect(r.rows.map((row) => row.asOf)).toEqual(['2023-11-20', '2023-11-06']);
    expect(r.asOf).toBe('2023-11-20');
  });
});

describe('row errors name file, line, column, value and reason', () => {
  const file = 'feed.csv';
  const text = [
    '单位代码,单位名称,缴费人数,缴费金额,统计日期',
    '440703,蓬江区,100,1000,2023-11-06', // fine
    '999999,无此单位,1,1,2023-11-06', // unknown unit
    '4.40703E+11,科学计数,1,1,2023-11-06', // mangled by a spreadsheet
    '440703,重复,1,1,2023-11-06', // duplicate
    '440704,江海区,-3,1,2023-11-06', // negative paid
    '440703001,环市街道,12.5,1,2023-11-06', // fractional paid
    '440703001001,北步社区,abc,1,2023-11-06', // non-numeric paid
    '440703001002,城西社区,1,12.345,2023-11-06', // three decimals
    '440704,江海区2,1,-5,2023-11-06', // duplicate + negative amount
    ',空代码,1,1,2023-11-06', // empty code
    '440703001,环市街道2,1,1,2023-13-01', // duplicate + invalid date
    '',
  ].join('\n');

  it('lists every problem of the file at once', () => {
    const errors = errorsOf(parse(text, file));
    const brief = errors.map((e) => [e.line, e.column, e.value]);
    expect(brief).toEqual([
      [3, '单位代码', '999999'],
      [4, '单位代码', '4.40703E+11'],
      [5, '单位代码', '440703'],
      [6, '缴费人数', '-3'],
      [7, '缴费人数', '12.5'],
      [8, '缴费人数', 'abc'],
      [9, '缴费金额', '12.345'],
      [10, '单位代码', '440704'],
      [10, '缴费金额', '-5'],
      [11, '单位代码', ''],
      [12, '单位代码', '440703001'],
      [12, '统计日期', '2023-13-01'],
    ]);
    expect(errors.every((e) => e.file === file)).toBe(true);
    const reasons = errors.map((e) => e.reason);
    expect(reasons[0]).toBe('单位代码不在本次征缴活动的单位中');
    expect(reasons[1]).toContain('科学计数法');
    expect(reasons[2]).toBe('单位代码重复：第 2 行已有该单位的数据');
    expect(reasons[3]).toBe('缴费人数不能为负数');
    expect(reasons[4]).toBe('缴费人数应为整数，不能有小数');
    expect(reasons[5]).toContain('缴费人数应为非负整数');
    expect(reasons[6]).toBe('缴费金额最多保留两位小数（精确到分）');
    expect(reasons[8]).toBe('缴费金额不能为负数');
    expect(reasons[9]).toBe('单位代码为空');
    expect(reasons[10]).toBe('单位代码重复：第 7 行已有该单位的数据');
    expect(reasons[11]).toContain('统计日期无效');
    expect(formatTaxFeedError(errors[3])).toBe('feed.csv 第 6 行 “缴费人数”列，值“-3”：缴费人数不能为负数');
  });

  it('refuses a row without a date when the file name has none, naming the date column', () => {
    const [withColumn] = errorsOf(parse('单位代码,缴费人数,缴费金额,统计日期\n440703,1,1,\n', 'weekly.csv'));
    expect(withColumn).toMatchObject({ line: 2, column: '统计日期', value: '' });
    expect(withColumn.reason).toContain('文件名中也没有日期');
    const [noColumn] = errorsOf(parse('单位代码,缴费人数,缴费金额\n440703,1,1\n', 'feed-2023-02-30.csv'));
    expect(noColumn).toMatchObject({ line: 2, column: '统计日期' });
    expect(noColumn.reason).toContain('不是真实日期');
  });

  it('refuses empty files and a header without rows', () => {
    expect(errorsOf(parse(''))[0].reason).toBe('文件为空');
    expect(errorsOf(parse('\r\n\r\n'))[0].reason).toBe('文件中没有内容');
    expect(errorsOf(parse('单位代码,缴费人数,缴费金额\r\n'))[0].reason).toBe('文件中没有数据行（只有表头）');
  });

  it('lists at most TAX_FEED_MAX_ERRORS errors and counts the rest', () => {
    const lines = ['单位代码,缴费人数,缴费金额'];
    for (let i = 0; i < TAX_FEED_MAX_ERRORS + 5; i++) lines.push(`440703,x,1`);
    const errors = errorsOf(parse(lines.join('\n')));
    expect(errors).toHaveLength(TAX_FEED_MAX_ERRORS + 1);
    // Each row: a bad count, and from the second row on a duplicate code; 2 * 1005 - 1 in all.
    expect(errors.at(-1)!.reason).toBe(`另有 ${2 * (TAX_FEED_MAX_ERRORS + 5) - 1 - TAX_FEED_MAX_ERRORS} 处错误未列出（最多列出 ${TAX_FEED_MAX_ERRORS} 处）`);
  });
});

describe('caps', () => {
  it('refuses a file over 5 MiB before decoding it', () => {
    const bytes = new Uint8Array(TAX_FEED_MAX_BYTES + 1).fill(0xff); // not even decodable
    const r = parse(bytes);
    expect(r).toMatchObject({ ok: false, encoding: null });
    expect(errorsOf(r)).toEqual([{ file: '江门-税务缴费-2023-11-06.csv', line: null, column: null, value: null, reason: expect.stringContaining('超过 5 MiB') }]);
  });

  it(`accepts ${TAX_FEED_MAX_ROWS} rows and refuses one more`, () => {
    const units = new Set<string>();
    const body: string[] = [];
    for (let i = 0; i <= TAX_FEED_MAX_ROWS; i++) {
      const code = String(440703000001 + i);
      units.add(code);
      body.push(`${code},1,1`);
    }
    const header = '单位代码,缴费人数,缴费金额';
    const atCap = ok(parse(`${header}\n${body.slice(0, TAX_FEED_MAX_ROWS).join('\n')}\n`, 'f-2023-11-06.csv', units));
    expect(atCap.rows).toHaveLength(TAX_FEED_MAX_ROWS);
    const over = errorsOf(parse(`${header}\n${body.join('\n')}\n`, 'f-2023-11-06.csv', units));
    expect(over).toEqual([{ file: 'f-2023-11-06.csv', line: TAX_FEED_MAX_ROWS + 2, column: null, value: null, reason: expect.stringContaining(`超过 ${TAX_FEED_MAX_ROWS} 行上限`) }]);
  });
});
