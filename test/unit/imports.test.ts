// Streaming readers for rosters and hardship lists: the same rows from CSV (UTF-8, UTF-8 with BOM, GBK)
// and XLSX (inline strings, shared strings before or after the sheet, stored or deflated, with or
// without sizes in the local headers), whatever the chunk boundaries; header mapping; and refusals of
// hostile or wrong files that happen before they cost memory. Every fixture is made here at run time.
import v8 from 'node:v8';
import vm from 'node:vm';
import iconv from 'iconv-lite';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { normaliseCell, storableText, unstorableReason } from '../../formats/cells';
import { mapHeaders, normaliseHeader } from '../../formats/headers';
import { findHeaderRow, HARDSHIP_FIELDS, mapListHeaders, ROSTER_FIELDS } from '../../formats/lists';
import { DEFAULT_LIMITS, ImportFileError, readRows, type ImportRow, type Limits, type ReadInfo, type ReadRowsOptions, type ReadRowsSummary } from '../../formats/rows';
import { xlsxBytes } from '../../formats/xlsxWriter';
import { concatBytes } from '../../formats/encoding';
import { prng } from '../support/prng';
import { colName, esc, NS, packageParts, sharedStringsWorkbook, streamedZip, u8Parts, XML } from '../support/workbooks';

// ---------------------------------------------------------------------------------------------------
// Helpers

const MiB = 1024 * 1024;
const utf8 = (s: string) => new TextEncoder().encode(s);


/** The bytes in pieces: a fixed size, or random sizes between 1 and 7 from a seed. */
async function* pieces(bytes: Uint8Array, size: number | { seed: number }): AsyncGenerator<Uint8Array> {
  const next = typeof size === 'number' ? () => size : ((r) => () => 1 + Math.floor(r() * 7))(prng(size.seed));
  for (let off = 0; off < bytes.length; ) {
    const n = next();
    // A copy, as a file stream would hand over: nothing may rely on the caller's buffer staying put.
    yield bytes.slice(off, off + n);
    off += n;
  }
}

async function readAll(source: AsyncIterable<Uint8Array>, opts: Partial<ReadRowsOptions> = {}) {
  const gen = readRows(source, { fileName: opts.fileName ?? '名单.csv', ...opts });
  const rows: ImportRow[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { rows, summary: next.value as ReadRowsSummary };
    rows.push(next.value);
  }
}

const read = (bytes: Uint8Array, size: number | { seed: number } = 64 * 1024, opts: Partial<ReadRowsOptions> = {}) => readAll(pieces(bytes, size), opts);

async function refusal(p: Promise<unknown>): Promise<ImportFileError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ImportFileError) return e;
    throw e;
  }
  throw new Error('expected an ImportFileError');
}

/** Cells without trailing empty ones: a CSV line keeps them, an XLSX row ends at its last value. */
const cellsOf = (rows: ImportRow[]) =>
  rows.map((r) => {
    const c = [...r.cells];
    while (c.length > 0 && c[c.length - 1] === '') c.pop();
    return c;
  });

function toCsv(rows: string[][], { eol = '\r\n', delimiter = ',' } = {}): string {
  const quote = (v: string) => (v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(quote).join(delimiter)).join(eol) + eol;
}

// ---------------------------------------------------------------------------------------------------
// The same roster in every format

const HEADER = ['身份证号', '姓名', '户籍村代码', '参保状态', '本年缴费档次', '备注'];
const DATA: string[][] = [
  ['440703199001011234', '张三', '440703001001', '已参保', '200', ''],
  ['44070319850202123X', '欧阳娜娜', '440703001002', '未参保', '', '低保, 特困供养'],
  ['440703197003033456', '王"五"', '440703001001', '已参保', '120', '说"明"""'],
  ['440703196004044567', '赵六', '440703001003', '已参保', '300', '第一行\n第二行,带逗号\n"第三行"'],
  ['440703195005055678', '钱七', '440703001003', '暂停缴费', '100', '  前后空格  '],
];
const ALL = [HEADER, ...DATA];
const CSV_TEXT = toCsv(ALL);

describe('CSV', () => {
  const variants: [string, Uint8Array, string][] = [
    ['UTF-8', utf8(CSV_TEXT), 'utf-8'],
    ['UTF-8 with BOM', utf8(`\uFEFF${CSV_TEXT}`), 'utf-8-bom'],
    ['GBK', iconv.encode(CSV_TEXT, 'gbk'), 'gb18030'],
  ];

  for (const [label, bytes, encoding] of variants) {
    it(`${label}: the same rows whatever the chunk boundaries (every size 1-7 and random 1-7)`, async () => {
      const sizes: (number | { seed: number })[] = [1, 2, 3, 4, 5, 6, 7, ...Array.from({ length: 20 }, (_, seed) => ({ seed }))];
      for (const size of sizes) {
        const { rows, summary } = await read(bytes, size);
        expect(rows.map((r) => r.cells), `chunking ${JSON.stringify(size)}`).toEqual(ALL);
        expect(summary).toMatchObject({ kind: 'csv', encoding, rows: ALL.length, bytes: bytes.length });
      }
    });
  }

  it('numbers lines physically: a quoted field spanning lines moves the next record down', async () => {
    const { rows } = await read(utf8(CSV_TEXT), 3);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 8]);
  });

  it('keeps CR LF, LF and lone CR line breaks inside quoted fields and counts each as one line', async () => {
    const text = 'a,b\r\n"x\r\ny",1\r\n"p\nq\rr",2\rlast,3\n';
    for (const size of [1, 2, 3, 64]) {
      const { rows } = await read(utf8(text), size);
      expect(rows).toEqual([
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['x\r\ny', '1'] },
        { line: 4, cells: ['p\nq\rr', '2'] },
        { line: 7, cells: ['last', '3'] },
      ]);
    }
  });

  it('detects a tab delimiter from the header line, past a title line, and keeps commas inside fields', async () => {
    const text = '2024年特困人员名单\n' + toCsv(ALL, { delimiter: '\t', eol: '\n' });
    const { rows } = await read(utf8(text), { seed: 7 });
    expect(rows[0]).toEqual({ line: 1, cells: ['2024年特困人员名单'] });
    expect(rows.slice(1).map((r) => r.cells)).toEqual(ALL);
  });

  it('detects a semicolon delimiter (a spreadsheet saved where the comma is the decimal mark), telling it before the end', async () => {
    const text = toCsv(ALL, { delimiter: ';' });
    for (const size of [1, 7, 64 * 1024]) {
      const info: ReadInfo = {};
      const gen = readRows(pieces(utf8(text), size), { fileName: '名单.csv', info });
      const first = await gen.next();
      expect(first.value).toEqual({ line: 1, cells: HEADER });
      expect(info).toEqual({ kind: 'csv', delimiter: ';' });
      await gen.return(undefined as never);
    }
    const { rows, summary } = await read(utf8(text), { seed: 5 });
    expect(rows.map((r) => r.cells)).toEqual(ALL);
    expect(summary).toMatchObject({ delimiter: ';', rows: ALL.length });
    // The first line having any delimiter decides, by the one it uses most; commas inside a semicolon file's fields stay.
    expect((await read(utf8('身份证号;姓名;备注\n440703199001011234;张三;低保, 特困\n'))).rows.map((r) => r.cells)).toEqual([
      ['身份证号', '姓名', '备注'],
      ['440703199001011234', '张三', '低保, 特困'],
    ]);
    expect((await read(utf8('a,b;c,d\n1,2;3,4\n'))).summary.delimiter).toBe(',');
  });

  it('skips blank lines but counts them, and reads a last line without a line break', async () => {
    const { rows } = await read(utf8('身份证号,姓名\n\n\n,\n440703199001011234,张三'), 2);
    expect(rows).toEqual([
      { line: 1, cells: ['身份证号', '姓名'] },
      { line: 5, cells: ['440703199001011234', '张三'] },
    ]);
  });

  it('decides the encoding across the 64 KiB sniffing boundary with a character cut in two', async () => {
    // '张' is 3 bytes in UTF-8 and 2 in GBK: pad so that one straddles byte 65,536.
    for (const [enc, width] of [['utf8', 3], ['gbk', 2]] as const) {
      const padding = 'a'.repeat(65_536 - 'x,'.length - 1);
      const text = `x,${padding}张\n${'张三,'.repeat(10)}\n`;
      const bytes = iconv.encode(text, enc);
      expect(bytes.indexOf(0x0a)).toBe(65_536 - 1 + width); // the first character ends past the boundary
      for (const size of [1000, 4096, 7]) {
        const { rows, summary } = await read(bytes, size, { limits: { maxCellChars: 100_000 } });
        expect(rows[0].cells[1]).toBe(`${padding}张`);
        expect(summary.encoding).toBe(enc === 'utf8' ? 'utf-8' : 'gb18030');
      }
    }
  });

  it('reads a GBK file whose first 64 KiB are plain ASCII (the first Chinese character decides)', async () => {
    const ascii = Array.from({ length: 4000 }, (_, i) => `4407031990010${String(i).padStart(5, '0')},x`).join('\n');
    const bytes = iconv.encode(`id,name\n${ascii}\n440703199001019999,张三\n`, 'gbk');
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const { rows, summary } = await read(bytes, 5000);
    expect(rows.at(-1)!.cells).toEqual(['440703199001019999', '张三']);
    expect(summary.encoding).toBe('gb18030');
  });

  it('reads bytes invalid in the chosen encoding as U+FFFD in their own cell and line, which the import refuses as that row', async () => {
    const start = utf8(`身份证号,姓名\n${'440703199001011234,张三\n'.repeat(4000)}`);
    const bytes = concatBytes([start, iconv.encode('440703199001011235,李四\n', 'gbk'), utf8('440703199001011236,王五\n')]);
    for (const size of [4096, 7]) {
      const { rows, summary } = await read(bytes, size);
      expect(summary.encoding).toBe('utf-8');
      expect(rows.slice(-2).map((r) => [r.line, r.cells[0], /^\uFFFD+$/.test(r.cells[1])])).toEqual([
        [4002, '440703199001011235', true],
        [4003, '440703199001011236', false],
      ]);
      expect(unstorableReason(rows.at(-2)!.cells[1])).toContain('乱码');
    }
  });

  it('refuses UTF-16 text and a binary file', async () => {
    expect((await refusal(read(new Uint8Array([0xff, 0xfe, 0x3a, 0x00, 0x0a, 0x00])))).code).toBe('encoding');
    expect((await refusal(read(new Uint8Array([0x41, 0x42, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06])))).code).toBe('wrong-type');
  });

  it('refuses an unclosed quote and text after a closing quote, with the line', async () => {
    const unclosed = await refusal(read(utf8('a,b\n1,2\n"3,4\n5,6\n')));
    expect(unclosed).toMatchObject({ code: 'malformed', line: 3 });
    const trailing = await refusal(read(utf8('a,b\n1,"2"x\n')));
    expect(trailing).toMatchObject({ code: 'malformed', line: 2 });
  });

  it('refuses a row over the column cap and a cell over the character cap, dropping empty columns past the cap', async () => {
    const limits: Partial<Limits> = { maxColumns: 3, maxCellChars: 10 };
    const { rows } = await read(utf8('a,b,c,,,,\n1,2,3,,\n'), 64, { limits });
    expect(rows.map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(await refusal(read(utf8('a,b,c,d\n'), 64, { limits }))).toMatchObject({ code: 'too-large', line: 1 });
    expect(await refusal(read(utf8('a\n"0123456789x"\n'), 64, { limits }))).toMatchObject({ code: 'too-large', line: 2 });
  });
});

// ---------------------------------------------------------------------------------------------------
// XLSX

describe('XLSX', () => {
  it('reads a workbook from formats/xlsxWriter.ts (inline strings, no shared strings) as the CSV reads the same data', async () => {
    const bytes = xlsxBytes([{ name: '花名册', rows: [HEADER, ...DATA.map((r) => r.map((v, c) => (c === 4 && v !== '' ? Number(v) : v)))] }]);
    const fromCsv = cellsOf((await read(utf8(CSV_TEXT))).rows);
    for (const size of [1, 7, { seed: 3 }, 64 * 1024]) {
      const { rows, summary } = await read(bytes, size, { fileName: '花名册.xlsx' });
      expect(cellsOf(rows)).toEqual(fromCsv);
      expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(summary).toMatchObject({ kind: 'xlsx', rows: 6 });
    }
  });

  const { sharedStrings, sheet } = sharedStringsWorkbook(ALL);
  const parts = packageParts([{ target: 'worksheets/sheet1.xml' }], true);
  const layouts: [string, () => Uint8Array][] = [
    ['shared strings before the sheet', () => zipSync(u8Parts({ ...parts, 'xl/sharedStrings.xml': sharedStrings, 'xl/worksheets/sheet1.xml': sheet }))],
    // Excel's own order: the sheet is kept compressed until the table has been read.
    ['the sheet before the shared strings', () => zipSync(u8Parts({ ...parts, 'xl/worksheets/sheet1.xml': sheet, 'xl/styles.xml': '<styleSheet/>', 'xl/sharedStrings.xml': sharedStrings }))],
    ['stored entries (no compression), sheet first', () => zipSync(u8Parts({ ...parts, 'xl/worksheets/sheet1.xml': sheet, 'xl/sharedStrings.xml': sharedStrings }), { level: 0 })],
    [
      'a streamed zip (data descriptors, no sizes), sheet first',
      () => streamedZip(Object.entries({ ...parts, 'xl/worksheets/sheet1.xml': sheet, 'xl/sharedStrings.xml': sharedStrings }).map(([k, v]) => [k, strToU8(v)])),
    ],
  ];
  for (const [label, make] of layouts) {
    it(`reads shared strings with ${label}, as the CSV reads the same data`, async () => {
      const bytes = make();
      const fromCsv = cellsOf((await read(utf8(CSV_TEXT))).rows);
      for (const size of [1, 3, { seed: 11 }, 4096, 64 * 1024]) {
        const { rows } = await read(bytes, size, { fileName: '花名册.xlsx' });
        expect(cellsOf(rows), `chunking ${JSON.stringify(size)}`).toEqual(fromCsv);
        expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6]);
      }
    });
  }

  it('finds the first sheet through the workbook and its relationships, even when sheets come first', async () => {
    const first = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>第一张</t></is></c></row></sheetData></worksheet>';
    const second = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>第二张</t></is></c></row></sheetData></worksheet>';
    // Workbook order: the sheet stored as sheet2.xml is first.
    const pkg = packageParts([{ target: '/xl/worksheets/sheet2.xml' }, { target: 'worksheets/sheet1.xml' }], false);
    const sheetsFirst = zipSync(u8Parts({ 'xl/worksheets/sheet1.xml': second, 'xl/worksheets/sheet2.xml': first, ...pkg }));
    const packageFirst = zipSync(u8Parts({ ...pkg, 'xl/worksheets/sheet1.xml': second, 'xl/worksheets/sheet2.xml': first }));
    for (const bytes of [sheetsFirst, packageFirst]) {
      const { rows } = await read(bytes, 5);
      expect(rows).toEqual([{ line: 1, cells: ['第一张'] }]);
    }
  });

  it('reads cell types, entities, gaps, prefixes, CDATA and cells without references', async () => {
    const sheetXml =
      `${XML}<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
      '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>A&amp;B &lt;甲&gt; &#x4E59;&#19969;</x:t></x:is></x:c><x:c r="D2" t="b"><x:v>1</x:v></x:c>' +
      '<x:c r="E2" t="str"><x:f>A1&amp;"x"</x:f><x:v>公式结果</x:v></x:c><x:c r="F2" t="e"><x:v>#N/A</x:v></x:c><x:c r="G2"><x:v>4.4070319900101101E+17</x:v></x:c></x:row>' +
      '<x:row><x:c t="inlineStr"><x:is><x:t><![CDATA[<不是标记> & 原样]]></x:t></x:is></x:c><x:c><x:v>7</x:v></x:c><x:c r="E3" s="2"/></x:row>' +
      '<x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:t>行一_x000D_\n行二 _x005F_x0041_</x:t></x:is></x:c></x:row><x:row r="5" spans="1:3" customFormat="1"/><x:row r="6"><x:c r="A6" s="1"/></x:row>' +
      '</x:sheetData></x:worksheet>';
    const bytes = zipSync(u8Parts({ ...packageParts([{ target: 'worksheets/sheet1.xml' }], false), 'xl/worksheets/sheet1.xml': sheetXml }), { level: 0 });
    for (const size of [1, 2, 5, 4096]) {
      const { rows } = await read(bytes, size);
      expect(rows).toEqual([
        { line: 2, cells: ['', 'A&B <甲> 乙丁', '', 'TRUE', '公式结果', '#N/A', '4.4070319900101101E+17'] },
        { line: 3, cells: ['<不是标记> & 原样', '7'] },
        { line: 4, cells: ['行一\r\n行二 _x0041_'] },
      ]);
    }
  });

  it('refuses a workbook whose damage still reads as XML: a digit changed in a stored sheet, a sheet cut off with its directory', async () => {
    const sheet = `${XML}<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>440703199001011234</t></is></c></row></sheetData></worksheet>`;
    const stored = zipSync(u8Parts({ ...packageParts([{ target: 'worksheets/sheet1.xml' }], false), 'xl/worksheets/sheet1.xml': sheet }), { level: 0 });
    expect((await read(stored)).rows.map((r) => r.cells)).toEqual([['身份证号'], ['440703199001011234']]);
    const at = Buffer.from(stored).indexOf('440703199001011234');
    const damaged = stored.slice();
    damaged[at + 10] = 0x39; // 440703199091011234: well-formed, and wrong
    const refused = await refusal(read(damaged));
    expect(refused).toMatchObject({ code: 'malformed' });
    expect(refused.reason).toContain('校验值不符');
    // Every part read whole, then the archive ends before its central directory.
    const firstDirectoryEntry = Buffer.from(stored).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(firstDirectoryEntry).toBeGreaterThan(0);
    expect((await refusal(read(stored.subarray(0, firstDirectoryEntry)))).reason).toContain('缺少压缩包目录');
  });

  it('refuses a zip that is not a workbook, a truncated workbook and a sheet pointing at missing shared strings', async () => {
    const docx = zipSync(u8Parts({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<document/>' }));
    expect((await refusal(read(docx))).code).toBe('wrong-type');

    const whole = zipSync(u8Parts({ ...parts, 'xl/sharedStrings.xml': sharedStrings, 'xl/worksheets/sheet1.xml': sheet }));
    // Cut inside the last entry's data (just before the central directory).
    const centralDirectory = Array.from({ length: whole.length - 4 }, (_, i) => i).find((i) => new DataView(whole.buffer, whole.byteOffset).getUint32(i, true) === 0x02014b50)!;
    expect((await refusal(read(whole.subarray(0, centralDirectory - 20)))).code).toBe('malformed');

    const noTable = zipSync(u8Parts({ ...packageParts([{ target: 'worksheets/sheet1.xml' }], false), 'xl/worksheets/sheet1.xml': sheet }));
    expect(await refusal(read(noTable))).toMatchObject({ code: 'malformed', line: 1 });

    const doctype = zipSync(u8Parts({ ...packageParts([{ target: 'worksheets/sheet1.xml' }], false), 'xl/worksheets/sheet1.xml': '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>' }));
    expect((await refusal(read(doctype))).code).toBe('malformed');
  });

  it('refuses a value past the column cap or over the character cap, ignoring empty styled cells past the cap', async () => {
    const limits: Partial<Limits> = { maxColumns: 3, maxCellChars: 10 };
    const styledOnly = zipSync(
      u8Parts({
        ...packageParts([{ target: 'worksheets/sheet1.xml' }], false),
        'xl/worksheets/sheet1.xml': `<worksheet ${NS}><sheetData><row r="1">${['a', 'b', 'c'].map((v, i) => `<c r="${colName(i)}1" t="inlineStr"><is><t>${v}</t></is></c>`).join('')}<c r="E1" s="3"/><c r="XFD1" s="3"><v></v></c></row></sheetData></worksheet>`,
      }),
    );
    expect((await read(styledOnly, 64, { limits })).rows).toEqual([{ line: 1, cells: ['a', 'b', 'c'] }]);
    const wide = xlsxBytes([{ name: 'a', rows: [['a'], ['1', '2', '3', '4']] }]);
    expect(await refusal(read(wide, 64, { limits }))).toMatchObject({ code: 'too-large', line: 2 });
    const long = xlsxBytes([{ name: 'a', rows: [['a'], ['0123456789x']] }]);
    expect(await refusal(read(long, 64, { limits }))).toMatchObject({ code: 'too-large', line: 2 });
  });

  it('refuses a shared-string table over its caps', async () => {
    const bytes = zipSync(u8Parts({ ...parts, 'xl/sharedStrings.xml': sharedStrings, 'xl/worksheets/sheet1.xml': sheet }));
    // Declared uniqueCount over the cap: refused before the entries are read.
    expect((await refusal(read(bytes, 4096, { limits: { maxSharedStrings: 5 } }))).code).toBe('too-large');
    const undeclared = zipSync(u8Parts({ ...parts, 'xl/sharedStrings.xml': sharedStrings.replace(/ (count|uniqueCount)="\d+"/g, ''), 'xl/worksheets/sheet1.xml': sheet }));
    expect((await refusal(read(undeclared, 4096, { limits: { maxSharedStrings: 5 } }))).code).toBe('too-large');
    expect((await refusal(read(undeclared, 4096, { limits: { maxSharedStringsBytes: 100 } }))).code).toBe('too-large');
  });
});

// ---------------------------------------------------------------------------------------------------
// Sheets, hidden rows and cells as officials make them

/** A workbook of inline-string sheets: names, hidden sheets, hidden rows, a used range on each. */
function workbook(sheets: { name: string; state?: 'hidden' | 'veryHidden'; rows: string[][]; hiddenRows?: number[] }[]): Uint8Array {
  const files: Record<string, string> = packageParts(
    sheets.map((s, i) => ({ target: `worksheets/sheet${i + 1}.xml`, name: s.name, state: s.state })),
    false,
  );
  sheets.forEach((s, i) => {
    const rows = s.rows
      .map((row, r) => {
        const cells = row.map((v, c) => (v === '' ? '' : `<c r="${colName(c)}${r + 1}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`)).join('');
        return `<row r="${r + 1}"${s.hiddenRows?.includes(r + 1) ? ' hidden="1"' : ''}>${cells}</row>`;
      })
      .join('');
    const lastColumn = colName(Math.max(0, ...s.rows.map((r) => r.length - 1)));
    files[`xl/worksheets/sheet${i + 1}.xml`] = `${XML}<worksheet ${NS}><dimension ref="A1:${lastColumn}${s.rows.length}"/><sheetData>${rows}</sheetData></worksheet>`;
  });
  return zipSync(u8Parts(files));
}

/** The same zip with the named entries moved to the front (a writer that puts the sheets before the workbook). */
function sheetsFirst(bytes: Uint8Array, first: string[]): Uint8Array {
  const entries = unzipSync(bytes);
  const ordered: Zippable = {};
  for (const name of first) ordered[name] = entries[name];
  for (const [name, data] of Object.entries(entries)) if (!(name in ordered)) ordered[name] = data;
  return zipSync(ordered);
}

describe('sheets, hidden rows and cells as officials make them', () => {
  const notes = [['填表说明'], ['请勿修改本表']];
  const book = () =>
    workbook([
      { name: '配置', state: 'veryHidden', rows: [['x']] },
      { name: '说明', rows: notes },
      { name: '低保名单', rows: ALL, hiddenRows: [3, 5] },
    ]);

  it('lists the sheets (position, name, hidden, used-range rows) and reads the first visible one by default', async () => {
    const info: ReadInfo = {};
    const { rows, summary } = await read(book(), 4096, { fileName: '名单.xlsx', info });
    expect(rows.map((r) => r.cells)).toEqual(notes);
    const sheets = [
      { index: 0, name: '配置', hidden: true, rows: 1 },
      { index: 1, name: '说明', hidden: false, rows: 2 },
      { index: 2, name: '低保名单', hidden: false, rows: ALL.length },
    ];
    expect(summary).toMatchObject({ kind: 'xlsx', sheet: 'xl/worksheets/sheet2.xml', sheetName: '说明', sheets });
    expect(info.sheets).toEqual(sheets);
    expect(info.sheet).toEqual(sheets[1]);
  });

  it('reads the sheet asked for by position or name, flagging the rows hidden in Excel', async () => {
    const fromCsv = cellsOf((await read(utf8(CSV_TEXT))).rows);
    for (const sheet of [2, '低保名单', ' 低保名单 ']) {
      for (const size of [3, 4096]) {
        const { rows, summary } = await read(book(), size, { fileName: '名单.xlsx', sheet });
        expect(cellsOf(rows)).toEqual(fromCsv);
        expect(rows.filter((r) => r.hidden).map((r) => r.line)).toEqual([3, 5]);
        expect(rows[0]).toEqual({ line: 1, cells: HEADER });
        expect(summary.sheetName).toBe('低保名单');
      }
    }
    // Sheets written before the workbook (openpyxl's order) are kept compressed, then give their used ranges too.
    const reordered = sheetsFirst(book(), ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/worksheets/sheet3.xml']);
    const { rows, summary } = await read(reordered, 4096, { sheet: 0 });
    expect(rows).toEqual([{ line: 1, cells: ['x'] }]);
    expect(summary.sheets!.map((s) => s.rows)).toEqual([1, 2, ALL.length]);
    const e = await refusal(read(book(), 4096, { sheet: 5 }));
    expect(e.reason).toBe('工作簿中没有第 6 个工作表；工作簿的工作表依次为：“配置”、“说明”、“低保名单”');
    expect((await refusal(read(book(), 4096, { sheet: '特困名单' }))).reason).toContain('名为“特困名单”的工作表');
  });

  it("takes off Excel's text tricks (=\"…\" and a leading apostrophe) and nothing else", () => {
    expect(normaliseCell('="440703199001011234"')).toBe('440703199001011234');
    expect(normaliseCell(" '44070319900101123X ")).toBe('44070319900101123X');
    expect(normaliseCell('="王""五"""')).toBe('王"五"');
    expect(normaliseCell('=""')).toBe('');
    expect(normaliseCell('="a"&B2')).toBe('="a"&B2');
    expect(normaliseCell('=SUM(A1:A3)')).toBe('=SUM(A1:A3)');
    expect(normaliseCell("O'Brien")).toBe("O'Brien");
    expect(normaliseCell('  张三  ')).toBe('张三');
  });

  it('names text the database cannot hold: a NUL anywhere in a CSV, an XLSX escape to NUL or half a surrogate pair', async () => {
    // A NUL past the first 64 KiB is not taken for binary content: it reaches the cells, where the import refuses the row.
    const body = `身份证号,姓名\n${'440703199001011234,张三\n'.repeat(4000)}440703199001011234,李\u0000四\n`;
    expect(body.indexOf('\u0000')).toBeGreaterThan(64 * 1024);
    const { rows } = await read(utf8(body), 4096);
    expect(rows.at(-1)).toEqual({ line: 4002, cells: ['440703199001011234', '李\u0000四'] });
    expect(unstorableReason(rows.at(-1)!.cells[1])).toContain('空字符（0x00）');
    const xlsx = zipSync(
      u8Parts({
        ...packageParts([{ target: 'worksheets/sheet1.xml' }], false),
        'xl/worksheets/sheet1.xml': `<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a_x0000_b</t></is></c><c r="B1" t="inlineStr"><is><t>_xD800_</t></is></c></row></sheetData></worksheet>`,
      }),
    );
    const [row] = (await read(xlsx)).rows;
    expect(row.cells.map((c) => unstorableReason(c)?.slice(0, 5) ?? null)).toEqual(['含有空字符', '含有无效的']);
    expect(unstorableReason('张三 Zhang·O\'Brien')).toBeNull();
    expect(storableText('a\u0000b\ud800')).toBe('a\ufffdb\ufffd');
  });
});

// ---------------------------------------------------------------------------------------------------
// Headers

describe('header mapping', () => {
  it('finds roster columns by Chinese or English aliases after normalising', () => {
    const header = ['序号', ' 公民身份号码（必填） ', '*姓名', '村（居）代码', '参保状态', '本年缴费档次', 'LAST_YEAR_TIER', '缴 费 状 态', '是否领取待遇【是/否】'];
    const m = mapHeaders(header, ROSTER_FIELDS);
    expect(m).toEqual({
      ok: true,
      columns: { idNumber: 1, name: 2, villageCode: 3, enrolmentStatus: 4, tier: 5, lastYearTier: 6, paymentStatus: 7, drawingPension: 8 },
    });
    expect(normaliseHeader('ＩＤ＿Ｎｕｍｂｅｒ (18位)')).toBe('idnumber');
  });

  it('drops a note in brackets but keeps a scale, which changes what the numbers mean', () => {
    expect(normaliseHeader('本年缴费档次(元)')).toBe('本年缴费档次');
    expect(normaliseHeader('缴费金额（万元）')).toBe('缴费金额(万元)');
    const header = ['身份证号', '姓名', '户籍村代码', '参保状态', '本年缴费档次(千元)', '上年缴费档次(元)'];
    expect(mapListHeaders('roster', header)).toEqual({ ok: true, columns: { idNumber: 0, name: 1, villageCode: 2, enrolmentStatus: 3, lastYearTier: 5 } });
  });

  it('finds the header under a title row, or else the row naming most fields, and maps optional columns only where they are unambiguous', () => {
    const rows = [['某某县低保对象名单'], ['说明:身份证号请写18位'], ['身份证号', '姓名', '困难类别', '人员类别'], ['440703199001011234', '张三', '低保', '低保']];
    expect(findHeaderRow('hardship', rows)).toBe(2);
    // 困难类别 and 人员类别 are both the category: an optional field that is ambiguous is left to the user.
    expect(mapListHeaders('hardship', rows[2])).toEqual({ ok: true, columns: { idNumber: 0, name: 1 } });
    expect(mapListHeaders('hardship', rows[2], { category: 3 })).toEqual({ ok: true, columns: { idNumber: 0, name: 1, category: 3 } });
    expect(findHeaderRow('roster', [['名单'], ['身份证号', '姓名', '户籍村代码'], ['身份证号', '姓名']])).toBe(1);
  });

  it('lists what is missing and what is ambiguous, with the headers found, and an override settles both', () => {
    const header = ['身份证号', '证件号码', '人员姓名', '类别', '认定日期'];
    const m = mapHeaders(header, HARDSHIP_FIELDS);
    expect(m).toEqual({ ok: false, missing: ['category'], ambiguous: ['idNumber'], found: header });
    expect(mapHeaders(header, HARDSHIP_FIELDS, { idNumber: 1, category: 3 })).toEqual({
      ok: true,
      columns: { idNumber: 1, name: 2, category: 3, listDate: 4 },
    });
    // An override out of range is as good as missing; one column for two fields is ambiguous.
    expect(mapHeaders(header, HARDSHIP_FIELDS, { idNumber: 9, category: 3 })).toMatchObject({ ok: false, missing: ['idNumber'] });
    expect(mapHeaders(header, HARDSHIP_FIELDS, { idNumber: 0, category: 0 })).toMatchObject({ ok: false, ambiguous: ['idNumber', 'category'] });
  });

  it('maps the header row that readRows yields (GBK CSV)', async () => {
    const bytes = iconv.encode('身份证号码,姓名,困难类别,认定日期\r\n440703199001011234,张三,特困,2024-03-01\r\n', 'gbk');
    const { rows } = await read(bytes, 3);
    expect(mapHeaders(rows[0].cells, HARDSHIP_FIELDS)).toEqual({ ok: true, columns: { idNumber: 0, name: 1, category: 2, listDate: 3 } });
  });
});

// ---------------------------------------------------------------------------------------------------
// Refusals

describe('refusals', () => {
  it('refuses an .xls (or password-protected workbook), a PNG and an HTML table saved as .xls', async () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const e = await refusal(read(xls, 1, { fileName: '花名册.xls' }));
    expect(e).toMatchObject({ code: 'wrong-type', fileName: '花名册.xls' });
    expect(e.reason).toContain('.xls');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await refusal(read(png))).toMatchObject({ code: 'wrong-type', reason: expect.stringContaining('PNG') });
    expect((await refusal(read(utf8('  <html><table><tr><td>身份证号</td></tr></table></html>')))).code).toBe('wrong-type');
  });

  it('refuses a kind that the content contradicts', async () => {
    expect((await refusal(read(utf8(CSV_TEXT), 64, { kind: 'xlsx' }))).code).toBe('wrong-type');
    expect((await refusal(read(xlsxBytes([{ name: 'a', rows: [['x']] }]), 64, { kind: 'csv' }))).code).toBe('wrong-type');
  });

  it('refuses a file over maxBytes: at once from a declared size, else as soon as the count passes it', async () => {
    let pulled = 0;
    async function* counted() {
      for await (const c of pieces(utf8(CSV_TEXT.repeat(100)), 100)) {
        pulled += c.length;
        yield c;
      }
    }
    expect(await refusal(readAll(counted(), { size: 50_000, limits: { maxBytes: 1000 } }))).toMatchObject({ code: 'too-large' });
    expect(pulled).toBe(0);
    expect(await refusal(readAll(counted(), { limits: { maxBytes: 1000 } }))).toMatchObject({ code: 'too-large' });
    expect(pulled).toBe(1100);
  });

  it('refuses rows over maxRows in CSV and XLSX (from the declared used range before any row)', async () => {
    const limits = { maxRows: 4 };
    expect(await refusal(read(utf8(CSV_TEXT), 64, { limits }))).toMatchObject({ code: 'too-many-rows', line: 5 });
    const { sharedStrings, sheet } = sharedStringsWorkbook(ALL);
    const parts = packageParts([{ target: 'worksheets/sheet1.xml' }], true);
    const bytes = zipSync(u8Parts({ ...parts, 'xl/sharedStrings.xml': sharedStrings, 'xl/worksheets/sheet1.xml': sheet }));
    expect(await refusal(read(bytes, 64, { limits }))).toMatchObject({ code: 'too-many-rows', reason: expect.stringContaining('A1:F6') });
    const noDimension = zipSync(u8Parts({ ...parts, 'xl/sharedStrings.xml': sharedStrings, 'xl/worksheets/sheet1.xml': sheet.replace(/<dimension[^>]*>/, '') }));
    expect(await refusal(read(noDimension, 64, { limits }))).toMatchObject({ code: 'too-many-rows', line: 5 });
  });

  it('refuses an archive with too many entries as their headers arrive', async () => {
    const files: Record<string, string> = { ...packageParts([{ target: 'worksheets/sheet1.xml' }], false) };
    for (let i = 0; i < 1200; i++) files[`xl/media/pad${i}.bin`] = 'x';
    const bytes = zipSync(u8Parts(files));
    let pulled = 0;
    async function* counted() {
      for await (const c of pieces(bytes, 1024)) {
        pulled += c.length;
        yield c;
      }
    }
    expect((await refusal(readAll(counted()))).code).toBe('too-many-entries');
    expect(pulled).toBeLessThan(bytes.length);
  });

  describe('zip bombs', () => {
    const pkg = packageParts([{ target: 'worksheets/sheet1.xml' }], false);
    const zeros = new Uint8Array(MiB);
    /** 50 MiB of zeros as a streamed entry: no declared size to check, only the inflation to count. */
    const bomb = (entry: string) => streamedZip([...Object.entries(pkg).map(([k, v]) => [k, strToU8(v)] as [string, Uint8Array]), [entry, function* () {
      for (let i = 0; i < 50; i++) yield zeros;
    }]]);

    it('refuses 50 MiB of zeros in ~50 KiB by the expansion ratio, reading little and holding little', async () => {
      const bytes = bomb('xl/worksheets/sheet1.xml');
      expect(bytes.length).toBeLessThan(100 * 1024);
      const before = process.memoryUsage().arrayBuffers;
      let peak = before;
      let pulled = 0;
      async function* counted() {
        for await (const c of pieces(bytes, 1024)) {
          pulled += c.length;
          peak = Math.max(peak, process.memoryUsage().arrayBuffers);
          yield c;
        }
      }
      const e = await refusal(readAll(counted(), { fileName: 'bomb.xlsx' }));
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      expect(e.code).toBe('zip-bomb');
      expect(pulled).toBeLessThan(bytes.length / 2);
      expect(peak - before).toBeLessThan(20 * MiB);
      console.log(`zip bomb: ${bytes.length} bytes compressed (50 MiB inflated); refused after reading ${pulled} bytes; arrayBuffers growth ${((peak - before) / MiB).toFixed(1)} MiB`);
    });

    it('skips a bomb in an entry it does not need without inflating it', async () => {
      const bytes = bomb('xl/media/image1.bin');
      // The workbook has no sheet1.xml, so the read ends there; but not with a zip-bomb refusal.
      expect((await refusal(read(bytes, 4096))).code).toBe('malformed');
    });

    it('refuses by the declared sizes before inflating, and by counting when the declared size lies', async () => {
      const five = new Uint8Array(5 * MiB);
      const honest = zipSync({ ...u8Parts(pkg), 'xl/worksheets/sheet1.xml': five });
      expect(await refusal(read(honest))).toMatchObject({ code: 'zip-bomb', reason: expect.stringContaining('声明') });
      // Patch the sheet's local header to claim 1,000 bytes uncompressed.
      const lying = honest.slice();
      const view = new DataView(lying.buffer);
      const nameBytes = strToU8('xl/worksheets/sheet1.xml');
      for (let at = 0; at < lying.length - 30; at++) {
        if (view.getUint32(at, true) !== 0x04034b50 || view.getUint16(at + 26, true) !== nameBytes.length) continue;
        if (!nameBytes.every((b, i) => lying[at + 30 + i] === b)) continue;
        view.setUint32(at + 22, 1000, true);
      }
      const e = await refusal(read(lying));
      expect(e.code).toBe('zip-bomb');
      expect(e.reason).not.toContain('声明');
    });

    it('refuses when the whole archive inflates past maxUncompressedBytes', async () => {
      const bytes = xlsxBytes([{ name: 'a', rows: DATA }]);
      expect((await refusal(read(bytes, 64, { limits: { maxUncompressedBytes: 600 } }))).code).toBe('zip-bomb');
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Streaming: figures

/**
 * A GC to measure what is retained rather than garbage not yet collected. ArrayBuffer backing stores
 * are freed by a background sweep after the collection, hence the pause before reading the figures.
 */
function exposeGc(): (() => Promise<void>) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    return async () => {
      // Until the figure stops falling (at most ~1 s).
      for (let tries = 0, before = Infinity; tries < 20; tries++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = process.memoryUsage().arrayBuffers;
        if (now > before - 64 * 1024) break;
        before = now;
      }
    };
  } catch {
    return undefined;
  }
}

describe('streaming', () => {
  it('reads a 200,000-row roster in 64 KiB chunks with heap growth far under its size (time excludes the GC pauses)', async () => {
    const ROWS = 200_000;
    const CHUNK = 64 * 1024;
    let fileBytes = 0;
    async function* roster(): AsyncGenerator<Uint8Array> {
      let pending: Uint8Array[] = [utf8('身份证号,姓名,户籍村代码,参保状态,本年缴费档次,上年缴费档次,缴费状态,是否领取待遇\r\n')];
      let pendingBytes = pending[0].length;
      for (let i = 0; i < ROWS; i++) {
        const id = `4407031990${String(i).padStart(8, '0')}`;
        const name = i % 10 === 0 ? `"张,三${i}"` : `李四${i}`;
        const line = utf8(`${id},${name},440703${String(i % 900).padStart(6, '0')},已参保,${(i % 5) * 100 + 100},200,已缴费,否\r\n`);
        pending.push(line);
        pendingBytes += line.length;
        if (pendingBytes >= CHUNK) {
          const all = concatBytes(pending);
          for (let off = 0; off + CHUNK <= all.length; off += CHUNK) yield all.subarray(off, off + CHUNK);
          const rest = all.subarray(all.length - (all.length % CHUNK));
          pending = [rest];
          pendingBytes = rest.length;
          fileBytes += all.length - rest.length;
        }
      }
      fileBytes += pendingBytes;
      yield concatBytes(pending);
    }

    const gc = exposeGc();
    expect(gc, 'a GC to tell retained memory from garbage').toBeDefined();
    await gc!();
    const base = process.memoryUsage();
    let peak = 0;
    let retained = 0;
    let buffers = 0;
    let count = 0;
    let lastId = '';
    let paused = 0;
    const started = performance.now();
    for await (const row of readRows(roster(), { fileName: '花名册.csv' })) {
      count++;
      lastId = row.cells[0];
      if (count % 1000 === 0) {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed - base.heapUsed);
        buffers = Math.max(buffers, now.arrayBuffers - base.arrayBuffers);
      }
      if (count % 50_000 === 0) {
        const pause = performance.now();
        await gc!();
        paused += performance.now() - pause;
        retained = Math.max(retained, process.memoryUsage().heapUsed - base.heapUsed);
      }
    }
    const seconds = (performance.now() - started - paused) / 1000;
    expect(count).toBe(ROWS + 1);
    expect(lastId).toBe(`4407031990${String(ROWS - 1).padStart(8, '0')}`);
    console.log(
      `200,000-row CSV: ${(fileBytes / MiB).toFixed(1)} MiB in ${seconds.toFixed(2)} s (${Math.round(ROWS / seconds)} rows/s); ` +
        `heap growth sampled every 1,000 rows: peak ${(peak / MiB).toFixed(1)} MiB (uncollected garbage included), ` +
        `retained after GC at most ${(retained / MiB).toFixed(2)} MiB; arrayBuffers growth at most ${(buffers / MiB).toFixed(2)} MiB`,
    );
    expect(fileBytes).toBeGreaterThan(14 * MiB);
    // Held whole, the file would be twice its size in UTF-16 strings alone; streamed, a chunk or two and
    // one batch of rows (those of one 64 KiB piece, handed over together: formats/rows.ts readRowBatches),
    // measured 0.9-1.9 MiB.
    expect(retained).toBeLessThan(fileBytes / 6);
    expect(buffers).toBeLessThan(fileBytes / 8);
  });

  it('reads a 100,000-row XLSX whose sheet precedes its shared strings (kept compressed), figures printed (time excludes the GC pauses)', async () => {
    const rows: string[][] = [['身份证号', '姓名', '户籍村代码', '本年缴费档次']];
    for (let i = 0; i < 100_000; i++) rows.push([`4407031990${String(i).padStart(8, '0')}`, `王${i}`, `440703${String(i % 900).padStart(6, '0')}`, String((i % 5) * 100 + 100)]);
    const { sharedStrings, sheet } = sharedStringsWorkbook(rows);
    const bytes = zipSync(u8Parts({ ...packageParts([{ target: 'worksheets/sheet1.xml' }], true), 'xl/worksheets/sheet1.xml': sheet, 'xl/sharedStrings.xml': sharedStrings }));
    rows.length = 0;
    const gc = exposeGc();
    await gc?.();
    const base = process.memoryUsage();
    let retained = 0;
    let retainedBuffers = 0;
    let buffers = 0;
    let count = 0;
    let last: string[] = [];
    let paused = 0;
    const started = performance.now();
    for await (const row of readRows(pieces(bytes, 64 * 1024), { fileName: '花名册.xlsx' })) {
      count++;
      last = row.cells;
      if (count % 1000 === 0) buffers = Math.max(buffers, process.memoryUsage().arrayBuffers - base.arrayBuffers);
      if (gc && count % 25_000 === 0) {
        const pause = performance.now();
        await gc();
        paused += performance.now() - pause;
        const now = process.memoryUsage();
        retained = Math.max(retained, now.heapUsed - base.heapUsed);
        retainedBuffers = Math.max(retainedBuffers, now.arrayBuffers - base.arrayBuffers);
      }
    }
    const seconds = (performance.now() - started - paused) / 1000;
    expect(count).toBe(100_001);
    expect(last).toEqual([`4407031990${String(99_999).padStart(8, '0')}`, '王99999', '440703000099', '500']);
    console.log(
      `100,000-row XLSX (sheet before shared strings): ${(bytes.length / MiB).toFixed(1)} MiB compressed, ` +
        `${((sheet.length + sharedStrings.length) / MiB).toFixed(1)} MiB of XML, in ${seconds.toFixed(2)} s (${Math.round(100_000 / seconds)} rows/s)` +
        (gc ? `; heap retained after GC at most ${(retained / MiB).toFixed(2)} MiB` : '') +
        `; arrayBuffers growth at most ${(buffers / MiB).toFixed(2)} MiB, ${(retainedBuffers / MiB).toFixed(2)} MiB after GC ` +
        '(the kept compressed sheet and the shared-string pool live there)',
    );
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        yield* pieces(utf8(CSV_TEXT.repeat(50)), 16);
      } finally {
        closed = true;
      }
    }
    for await (const row of readRows(source(), { fileName: 'x.csv' })) if (row.line > 3) break;
    expect(closed).toBe(true);
  });

  it('exposes its default limits', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxBytes: 200 * MiB, maxRows: 2_000_000, maxColumns: 200, maxCellChars: 10_000, maxEntries: 1000, maxUncompressedBytes: 1024 * MiB, maxExpansionRatio: 100 });
  });
});
