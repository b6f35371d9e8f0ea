// Workbooks made by hand, as Excel, WPS and streaming writers shape them: for the reader's tests
// (test/unit/imports.test.ts) and its fuzz corpus (./xlsxCorpus.ts).
import { strToU8, Zip, ZipDeflate, ZipPassThrough, type Zippable } from 'fflate';
import { concatBytes } from '../../formats/encoding';

export const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
export const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
export const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function colName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The parts around the sheets, as Excel writes them; `sheets` in workbook order (named 表1, 表2, … unless named). */
export function packageParts(sheets: { target: string; name?: string; state?: 'hidden' | 'veryHidden' }[], sharedStrings: boolean): Record<string, string> {
  return {
    '[Content_Types].xml': `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`,
    '_rels/.rels': `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${XML}<workbook ${NS} xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets>${sheets
      .map((s, i) => `<sheet name="${esc(s.name ?? `表${i + 1}`)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
      .map((s, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="${s.target}"/>`)
      .join('')}<Relationship Id="rId90" Type="${REL_NS}/styles" Target="styles.xml"/>${
      sharedStrings ? `<Relationship Id="rId91" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>` : ''
    }</Relationships>`,
  };
}

/**
 * A sheet with shared strings as Excel writes it: text in the table (one entry a rich-text run with a
 * phonetic hint that is not part of the value), numbers inline, empty
 * cells absent so that the reader must fill gaps from the r references.
 */
export function sharedStringsWorkbook(rows: string[][]) {
  const table: string[] = [];
  const index = new Map<string, number>();
  const sheetRows = rows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          const ref = `${colName(c)}${r + 1}`;
          if (v === '') return '';
          if (/^\d{1,4}$/.test(v)) return `<c r="${ref}" s="1"><v>${v}</v></c>`;
          let i = index.get(v);
          if (i === undefined) index.set(v, (i = table.push(v) - 1));
          return `<c r="${ref}" t="s"><v>${i}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}" spans="1:6">${cells}</row>`;
    })
    .join('');
  const items = table.map((v) => {
    if (v === '欧阳娜娜') return '<si><r><rPr><b/></rPr><t>欧阳</t></r><r><t>娜娜</t></r><rPh sb="0" eb="2"><t>オウヨウ</t></rPh></si>';
    return `<si><t xml:space="preserve">${esc(v)}</t></si>`;
  });
  return {
    sharedStrings: `${XML}<sst ${NS} count="${table.length}" uniqueCount="${table.length}">${items.join('')}</sst>`,
    sheet: `${XML}<worksheet ${NS}><dimension ref="A1:F${rows.length}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>${sheetRows}</sheetData><pageMargins left="0.7"/></worksheet>`,
  };
}

export const u8Parts = (parts: Record<string, string>): Zippable => Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, strToU8(v)]));

/** A zip written as a stream: entries carry no sizes in their local headers (data descriptors instead); 0 stores them. */
export function streamedZip(entries: [name: string, data: Uint8Array | string | (() => Generator<Uint8Array>)][], level: 0 | 9 = 9): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    parts.push(data);
  });
  for (const [name, data] of entries) {
    const file = level === 0 ? new ZipPassThrough(name) : new ZipDeflate(name, { level });
    zip.add(file);
    if (typeof data === 'function') for (const chunk of data()) file.push(chunk, false);
    else file.push(typeof data === 'string' ? strToU8(data) : data, false);
    file.push(new Uint8Array(0), true);
  }
  zip.end();
  return concatBytes(parts);
}
