// XLSX written as a stream (Office Open XML: sheets of plain values, column widths). Rows are pushed
// from an iterable or an async iterable (a database read page by page), turned into the sheet's XML a
// batch at a time and deflated as they come (fflate's streaming Zip), and the zip's bytes go to a Node
// Writable (an HTTP response) as they are made, waiting whenever it is full. So a 500,000-row ledger
// costs a batch of rows and the deflate window, not the workbook.
//
// The parts that list the sheets (the workbook, its relationships, the content types) follow the sheets
// in the archive: a zip is read from its central directory, which names every part wherever it lies
// (Excel, WPS, LibreOffice and formats/xlsx.ts all read it so).
//
// Text that a spreadsheet would run as a formula (starting with = + - @, or a control character) is
// neutralised with a leading apostrophe, so that an exported name can never become a formula.
import type { Writable } from 'node:stream';
import { strToU8, Zip, ZipDeflate } from 'fflate';
import { concatBytes } from './encoding';

export type Cell = string | number | null | undefined;

export interface SheetSource {
  name: string;
  /** Column widths in characters. */
  widths?: readonly number[];
  rows: Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>;
}

/** A sheet whose rows are at hand (for a workbook made whole in memory). */
export interface Sheet extends SheetSource {
  rows: Iterable<readonly Cell[]>;
}

const FORMULA_START = /^[=+\-@\t\r\n\u0000-\u001f]/;
/** Characters of sheet XML gathered before they are deflated. */
const BATCH_CHARS = 64 * 1024;
const LEVEL = 6;

/** The text as it will be shown: formula starters get a leading single quote. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const escapeXml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

const COLUMN_NAMES: string[] = [];
function columnName(i: number): string {
  const known = COLUMN_NAMES[i];
  if (known) return known;
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  if (i < 1024) COLUMN_NAMES[i] = s;
  return s;
}

function rowXml(cells: readonly Cell[], r: number): string {
  let xml = `<row r="${r}">`;
  for (let c = 0; c < cells.length; c++) {
    const v = cells[c];
    if (v === null || v === undefined || v === '') continue;
    const ref = `${columnName(c)}${r}`;
    if (typeof v === 'number' && Number.isFinite(v)) xml += `<c r="${ref}"><v>${v}</v></c>`;
    else xml += `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(neutralise(String(v)))}</t></is></c>`;
  }
  return `${xml}</row>`;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Sheet names: at most 31 characters, none of []:*?/\ . */
const sheetName = (name: string, i: number) => name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || `Sheet${i + 1}`;

/**
 * The workbook as zip bytes, handed to `emit` as they are made (synchronously, in order). One sheet is
 * open at a time: `sheet`, its `row`s, then the next `sheet` or `end`.
 */
class XlsxZip {
  private readonly zip: Zip;
  private failure: Error | undefined;
  private readonly names: string[] = [];
  private entry: ZipDeflate | undefined;
  private text = '';
  private rowNumber = 0;

  constructor(emit: (bytes: Uint8Array) => void) {
    this.zip = new Zip((err, data) => {
      if (err) this.failure = err;
      else emit(data);
    });
  }

  sheet(name: string, widths?: readonly number[]): void {
    this.closeSheet();
    this.names.push(name);
    this.entry = this.open(`xl/worksheets/sheet${this.names.length}.xml`);
    const cols = widths?.length ? `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` : '';
    this.text = `${XML_HEAD}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${cols}<sheetData>`;
    this.rowNumber = 0;
  }

  row(cells: readonly Cell[]): void {
    this.text += rowXml(cells, ++this.rowNumber);
    if (this.text.length >= BATCH_CHARS) {
      this.entry!.push(strToU8(this.text));
      this.text = '';
    }
    this.check();
  }

  end(): void {
    this.closeSheet();
    const sheets = this.names;
    this.file(
      '[Content_Types].xml',
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets
        .map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
        .join('')}</Types>`,
    );
    this.file(
      '_rels/.rels',
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    );
    this.file(
      'xl/workbook.xml',
      `${XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets
        .map((s, i) => `<sheet name="${escapeXml(sheetName(s, i))}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
        .join('')}</sheets></workbook>`,
    );
    this.file(
      'xl/_rels/workbook.xml.rels',
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
        .map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
        .join('')}</Relationships>`,
    );
    this.zip.end();
    this.check();
  }

  private closeSheet(): void {
    if (!this.entry) return;
    this.entry.push(strToU8(`${this.text}</sheetData></worksheet>`), true);
    this.entry = undefined;
    this.text = '';
    this.check();
  }

  private open(path: string): ZipDeflate {
    const entry = new ZipDeflate(path, { level: LEVEL });
    this.zip.add(entry);
    return entry;
  }

  private file(path: string, text: string): void {
    this.open(path).push(strToU8(text), true);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

/**
 * Writes the workbook to `out` as its rows arrive, waiting whenever `out` is full, and ends `out`.
 * Nothing is written before the first row (or the end of a workbook without rows), so an error while
 * the first rows are fetched can still be answered as an error. Stops with an error when `out` is
 * closed before the end (a client that went away): the rows are not read further.
 */
export async function writeXlsx(out: Writable, sheets: Iterable<SheetSource> | AsyncIterable<SheetSource>): Promise<void> {
  const pending: Uint8Array[] = [];
  const zip = new XlsxZip((bytes) => pending.push(bytes));
  const flush = async () => {
    for (let chunk = pending.shift(); chunk; chunk = pending.shift()) {
      if (out.destroyed || out.writableEnded) throw new Error('XLSX 写出中断：接收方已关闭连接');
      if (!out.write(chunk)) await drained(out);
    }
  };
  for await (const sheet of sheets) {
    zip.sheet(sheet.name, sheet.widths);
    for await (const row of sheet.rows) {
      zip.row(row);
      if (pending.length > 0) await flush();
    }
  }
  zip.end();
  await flush();
  out.end();
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('XLSX 写出中断：接收方已关闭连接'));
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', done);
  });
}

/** The whole workbook in memory: for small files whose rows are at hand (a circular, test fixtures). */
export function xlsxBytes(sheets: readonly Sheet[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new XlsxZip((bytes) => parts.push(bytes));
  for (const sheet of sheets) {
    zip.sheet(sheet.name, sheet.widths);
    for (const row of sheet.rows) zip.row(row);
  }
  zip.end();
  return concatBytes(parts);
}
