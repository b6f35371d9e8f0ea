// The XLSX reader's fuzz corpus: seed workbooks as Excel, WPS and our own writer shape them, and
// deterministic mutations of each (truncations, byte flips, tampered zip headers), plus hand-made
// hostile parts (deep or endless XML, entity bombs, huge or countless shared strings, absurd cell and
// row references). Every case is named and made from fixed seeds, so a failure replays exactly.
import { strToU8, zipSync } from 'fflate';
import { prng } from './prng';
import { colName, esc, NS, packageParts, REL_NS, sharedStringsWorkbook, streamedZip, u8Parts, XML } from './workbooks';

export interface FuzzCase {
  name: string;
  bytes: Uint8Array;
}

const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

const HEADER = ['身份证号', '姓名', '户籍地行政区划代码', '参保状态', '本年缴费档次'];
function people(n: number): string[][] {
  const rows = [HEADER];
  for (let i = 0; i < n; i++) rows.push([`4407031990${String(i).padStart(8, '0')}`, `张${i}`, `440703001${String(i % 9).padStart(3, '0')}`, i % 3 ? '已参保' : '未参保', String(100 + (i % 5) * 100)]);
  return rows;
}

/** A sheet of inline strings (as our writer and WPS write them). */
function inlineSheet(rows: string[][], opts: { hidden?: number[]; dimension?: boolean } = {}): string {
  const body = rows
    .map((row, r) => {
      const cells = row.map((v, c) => (/^\d{1,4}$/.test(v) ? `<c r="${colName(c)}${r + 1}"><v>${v}</v></c>` : `<c r="${colName(c)}${r + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`)).join('');
      return `<row r="${r + 1}"${opts.hidden?.includes(r + 1) ? ' hidden="1"' : ''}>${cells}</row>`;
    })
    .join('');
  const dim = opts.dimension ? `<dimension ref="A1:${colName(rows[0].length - 1)}${rows.length}"/>` : '';
  return `${XML}<worksheet ${NS}>${dim}<sheetData>${body}</sheetData></worksheet>`;
}

/** The seed workbooks: each is read whole by the reader as it stands. */
export function seeds(): FuzzCase[] {
  const rows = people(40);
  const shared = sharedStringsWorkbook(rows);
  const pkgShared = packageParts([{ target: 'worksheets/sheet1.xml', name: '花名册' }], true);
  const pkgTwo = packageParts(
    [
      { target: 'worksheets/sheet1.xml', name: '填表说明' },
      { target: 'worksheets/sheet2.xml', name: '名单' },
      { target: 'worksheets/sheet3.xml', name: '旧表', state: 'hidden' },
    ],
    false,
  );
  return [
    // Excel: shared strings after the sheet, deflated, sizes in the local headers.
    { name: 'excel', bytes: zipSync(u8Parts({ ...pkgShared, 'xl/worksheets/sheet1.xml': shared.sheet, 'xl/sharedStrings.xml': shared.sharedStrings })) },
    // The sheet before its shared strings (kept compressed until the table is read).
    { name: 'sheet-first', bytes: zipSync(u8Parts({ 'xl/worksheets/sheet1.xml': shared.sheet, 'xl/sharedStrings.xml': shared.sharedStrings, ...pkgShared })) },
    // Streamed (data descriptors), stored without compression.
    { name: 'streamed-stored', bytes: streamedZip(Object.entries({ ...pkgShared, 'xl/sharedStrings.xml': shared.sharedStrings, 'xl/worksheets/sheet1.xml': shared.sheet }), 0) },
    // Streamed and deflated, inline strings, three sheets (one hidden), hidden rows, used ranges.
    {
      name: 'streamed-inline',
      bytes: streamedZip([
        ['xl/worksheets/sheet1.xml', inlineSheet([['本表由民政局填报'], ['请勿修改表头']], { dimension: true })],
        ['xl/worksheets/sheet2.xml', inlineSheet(rows, { hidden: [3, 7], dimension: true })],
        ['xl/worksheets/sheet3.xml', inlineSheet(people(5), { dimension: true })],
        ...Object.entries(pkgTwo),
      ]),
    },
  ];
}

/** Local file headers of a zip: offset, and the fields a tampering changes. */
function localHeaders(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 30 <= bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x03 && bytes[i + 3] === 0x04) out.push(i);
  }
  return out;
}

function tampered(bytes: Uint8Array, at: number, width: 1 | 2 | 4, value: number): Uint8Array {
  const b = bytes.slice();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (width === 1) view.setUint8(at, value);
  else if (width === 2) view.setUint16(at, value, true);
  else view.setUint32(at, value >>> 0, true);
  return b;
}

/** Mutations of one seed: truncations, byte flips, tampered local headers. */
export function mutations(seed: FuzzCase, salt: number): FuzzCase[] {
  const { bytes } = seed;
  const out: FuzzCase[] = [];
  const n = bytes.length;
  for (let k = 1; k < 24; k++) out.push({ name: `${seed.name}/truncated-${k}of24`, bytes: bytes.subarray(0, Math.floor((n * k) / 24)) });
  for (const cut of [1, 4, 22, 23]) out.push({ name: `${seed.name}/truncated-minus-${cut}`, bytes: bytes.subarray(0, n - cut) });

  const random = prng(0x5eed + salt);
  for (let c = 0; c < 40; c++) {
    const b = bytes.slice();
    const flips = 1 + Math.floor(random() * 16);
    for (let f = 0; f < flips; f++) b[Math.floor(random() * n)] ^= 1 + Math.floor(random() * 255);
    out.push({ name: `${seed.name}/flips-${c}(${flips})`, bytes: b });
  }
  // Flips inside the headers, where a reader trusts what it is told.
  const headers = localHeaders(bytes);
  for (let c = 0; c < 20; c++) {
    const b = bytes.slice();
    const h = headers[Math.floor(random() * headers.length)];
    b[h + 4 + Math.floor(random() * 26)] ^= 1 + Math.floor(random() * 255);
    out.push({ name: `${seed.name}/header-flip-${c}`, bytes: b });
  }
  headers.forEach((h, i) => {
    const entry = `${seed.name}/entry-${i}`;
    out.push({ name: `${entry}/method-99`, bytes: tampered(bytes, h + 8, 2, 99) });
    out.push({ name: `${entry}/method-stored`, bytes: tampered(bytes, h + 8, 2, 0) });
    out.push({ name: `${entry}/encrypted-flag`, bytes: tampered(bytes, h + 6, 2, 0x0001) });
    out.push({ name: `${entry}/descriptor-flag-toggled`, bytes: tampered(bytes, h + 6, 2, (bytes[h + 6] | (bytes[h + 7] << 8)) ^ 0x0008) });
    out.push({ name: `${entry}/compressed-size-max`, bytes: tampered(bytes, h + 18, 4, 0xffffffff) });
    out.push({ name: `${entry}/compressed-size-1`, bytes: tampered(bytes, h + 18, 4, 1) });
    out.push({ name: `${entry}/size-max`, bytes: tampered(bytes, h + 22, 4, 0xffffffff) });
    out.push({ name: `${entry}/size-0`, bytes: tampered(bytes, h + 22, 4, 0) });
    out.push({ name: `${entry}/name-length-max`, bytes: tampered(bytes, h + 26, 2, 0xffff) });
    out.push({ name: `${entry}/name-length-0`, bytes: tampered(bytes, h + 26, 2, 0) });
    out.push({ name: `${entry}/extra-length-max`, bytes: tampered(bytes, h + 28, 2, 0xffff) });
    out.push({ name: `${entry}/name-renamed`, bytes: tampered(bytes, h + 30, 1, 0x5f) });
  });
  // A second copy of the archive after the first (two central directories, every entry twice).
  const twice = new Uint8Array(2 * n);
  twice.set(bytes);
  twice.set(bytes, n);
  out.push({ name: `${seed.name}/twice`, bytes: twice });
  return out;
}

/** Hand-made hostile workbooks: well-formed zips whose parts are not. */
export function hostile(): FuzzCase[] {
  const pkg = (shared: boolean) => packageParts([{ target: 'worksheets/sheet1.xml', name: '名单' }], shared);
  const book = (sheet: string, sst?: string, extra: Record<string, string> = {}): Uint8Array =>
    zipSync(u8Parts({ ...pkg(sst !== undefined), 'xl/worksheets/sheet1.xml': sheet, ...(sst === undefined ? {} : { 'xl/sharedStrings.xml': sst }), ...extra }));
  const sheetOf = (body: string, head = '') => `${XML}<worksheet ${NS}>${head}<sheetData>${body}</sheetData></worksheet>`;
  const okRow = '<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c></row>';
  const deep = (depth: number) => `${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}`;
  const laughs = `<!DOCTYPE sst [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]>`;
  return [
    { name: 'deep-xml-in-cell', bytes: book(sheetOf(`${okRow}<row r="2"><c r="A2" t="inlineStr"><is>${deep(200_000)}<t>x</t></is></c></row>`)) },
    { name: 'deep-xml-in-sheetData', bytes: book(sheetOf(`${okRow}${deep(200_000)}`)) },
    { name: 'deep-xml-in-workbook', bytes: zipSync(u8Parts({ ...pkg(false), 'xl/workbook.xml': `${XML}<workbook ${NS}>${deep(200_000)}<sheets/></workbook>`, 'xl/worksheets/sheet1.xml': sheetOf(okRow) })) },
    { name: 'endless-tag', bytes: book(sheetOf(`${okRow}<row r="2" ${'a="1" '.repeat(400_000)}>`)) },
    { name: 'endless-text', bytes: book(sheetOf(`${okRow}<row r="2"><c r="A2" t="inlineStr"><is><t>${'长'.repeat(3_000_000)}</t></is></c></row>`)) },
    { name: 'unclosed-everything', bytes: book(`${XML}<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x`) },
    { name: 'entity-bomb-in-shared-strings', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), `${XML}${laughs}<sst ${NS} count="1" uniqueCount="1"><si><t>&j;</t></si></sst>`) },
    { name: 'entity-bomb-in-sheet', bytes: book(`${XML}${laughs.replace('sst', 'worksheet')}<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row></sheetData></worksheet>`) },
    { name: 'shared-strings-declared-4e9', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), `${XML}<sst ${NS} count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>`) },
    { name: 'shared-strings-countless', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), `${XML}<sst ${NS}>${'<si><t>x</t></si>'.repeat(300_000)}</sst>`) },
    { name: 'shared-strings-countless-empty', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), `${XML}<sst ${NS}>${'<si/>'.repeat(1_000_000)}</sst>`) },
    { name: 'shared-string-huge', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), `${XML}<sst ${NS}><si><t>${'名'.repeat(6_000_000)}</t></si></sst>`) },
    { name: 'shared-string-runs-countless', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), `${XML}<sst ${NS}><si>${'<r><t>名</t></r>'.repeat(500_000)}</si></sst>`) },
    { name: 'shared-string-index-huge', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>99999999999</v></c></row>'), `${XML}<sst ${NS}><si><t>x</t></si></sst>`) },
    { name: 'shared-string-index-negative', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>-1</v></c></row>'), `${XML}<sst ${NS}><si><t>x</t></si></sst>`) },
    { name: 'shared-string-index-fraction', bytes: book(sheetOf('<row r="1"><c r="A1" t="s"><v>0.5e1</v></c></row>'), `${XML}<sst ${NS}><si><t>x</t></si></sst>`) },
    { name: 'cell-column-XFD', bytes: book(sheetOf(`${okRow}<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>`)) },
    { name: 'cell-column-absurd', bytes: book(sheetOf(`${okRow}<row r="2"><c r="ZZZZZZZZZZZZ2" t="inlineStr"><is><t>x</t></is></c></row>`)) },
    { name: 'cells-empty-to-XFD', bytes: book(sheetOf(`${okRow}<row r="2">${Array.from({ length: 16_384 }, (_, c) => `<c r="${colName(c)}2" s="1"/>`).join('')}</row>`)) },
    { name: 'row-number-max', bytes: book(sheetOf(`${okRow}<row r="2147483647"><c t="inlineStr"><is><t>x</t></is></c></row>`)) },
    { name: 'row-number-absurd', bytes: book(sheetOf(`${okRow}<row r="99999999999999999999"><c t="inlineStr"><is><t>x</t></is></c></row>`)) },
    { name: 'row-number-negative', bytes: book(sheetOf(`${okRow}<row r="-3"><c t="inlineStr"><is><t>x</t></is></c></row>`)) },
    { name: 'rows-backwards', bytes: book(sheetOf(`<row r="5"><c t="inlineStr"><is><t>a</t></is></c></row><row r="2"><c t="inlineStr"><is><t>b</t></is></c></row>`)) },
    { name: 'rows-without-numbers-countless', bytes: book(sheetOf('<row><c t="inlineStr"><is><t>a</t></is></c></row>'.repeat(200_000))) },
    { name: 'dimension-absurd', bytes: book(sheetOf(okRow, '<dimension ref="A1:XFD99999999999"/>')) },
    { name: 'number-huge', bytes: book(sheetOf(`${okRow}<row r="2"><c r="A2"><v>${'9'.repeat(2_000_000)}</v></c></row>`)) },
    { name: 'escapes-countless', bytes: book(sheetOf(`${okRow}<row r="2"><c r="A2" t="inlineStr"><is><t>${'_x0000_'.repeat(500_000)}</t></is></c></row>`)) },
    { name: 'character-references-invalid', bytes: book(sheetOf(`${okRow}<row r="2"><c r="A2" t="inlineStr"><is><t>&#0;&#xD800;&#x110000;&#99999999999;&bogus;&</t></is></c></row>`)) },
    {
      name: 'workbook-sheets-countless',
      bytes: zipSync(u8Parts({ ...pkg(false), 'xl/workbook.xml': `${XML}<workbook ${NS} xmlns:r="${REL_NS}"><sheets>${'<sheet name="x" sheetId="1" r:id="rId1"/>'.repeat(200_000)}</sheets></workbook>`, 'xl/worksheets/sheet1.xml': sheetOf(okRow) })),
    },
    {
      name: 'relationships-countless',
      bytes: zipSync(u8Parts({ ...pkg(false), 'xl/_rels/workbook.xml.rels': `${XML}<Relationships xmlns="${PKG_REL}">${Array.from({ length: 100_000 }, (_, i) => `<Relationship Id="rId${i + 2}" Type="${REL_NS}/worksheet" Target="worksheets/s${i}.xml"/>`).join('')}</Relationships>`, 'xl/worksheets/sheet1.xml': sheetOf(okRow) })),
    },
    {
      name: 'relationship-escapes-package',
      bytes: zipSync(u8Parts({ ...pkg(false), 'xl/_rels/workbook.xml.rels': `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="../../../../etc/passwd"/></Relationships>`, 'xl/worksheets/sheet1.xml': sheetOf(okRow) })),
    },
    {
      name: 'relationship-to-itself',
      bytes: zipSync(u8Parts({ ...pkg(false), 'xl/_rels/workbook.xml.rels': `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="/xl/workbook.xml"/></Relationships>`, 'xl/worksheets/sheet1.xml': sheetOf(okRow) })),
    },
    {
      name: 'sheet-name-huge',
      bytes: zipSync(u8Parts({ ...pkg(false), 'xl/workbook.xml': `${XML}<workbook ${NS} xmlns:r="${REL_NS}"><sheets><sheet name="${'表'.repeat(1_000_000)}" sheetId="1" r:id="rId1"/></sheets></workbook>`, 'xl/worksheets/sheet1.xml': sheetOf(okRow) })),
    },
    { name: 'entries-countless', bytes: zipSync(u8Parts({ ...pkg(false), 'xl/worksheets/sheet1.xml': sheetOf(okRow), ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`xl/media/x${i}.bin`, ''])) })) },
    { name: 'not-utf8-xml', bytes: zipSync({ ...u8Parts(pkg(false)), 'xl/worksheets/sheet1.xml': new Uint8Array([...strToU8(`<worksheet ${NS}><sheetData><row r="1"><c t="inlineStr"><is><t>`), 0xff, 0xfe, 0xc0, 0x80, ...strToU8('</t></is></c></row></sheetData></worksheet>')]) }) },
    { name: 'bomb-in-sheet', bytes: zipSync({ ...u8Parts(pkg(false)), 'xl/worksheets/sheet1.xml': new Uint8Array(64 * 1024 * 1024).fill(0x20) }, { level: 9 }) },
  ];
}

/** The whole corpus, in a fixed order. */
export function corpus(): FuzzCase[] {
  const s = seeds();
  return [...s, ...s.flatMap((seed, i) => mutations(seed, i)), ...hostile()];
}
