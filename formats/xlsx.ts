// Streaming XLSX: the zip is read front to back with fflate's Unzip, and only the parts an import needs
// are inflated (the workbook and its relationships to find the sheet, the shared strings, that sheet);
// every other entry is skipped without being inflated or kept, except the first bytes of the other
// sheets, read up to their used range (<dimension ref="A1:H1205">) so that the sheets can be listed
// with their row counts.
//
// Which sheet: the one asked for (by position in the workbook, from 0, or by name), else the first
// sheet an official sees: the first that is not hidden. Rows hidden in Excel (<row hidden="1">) are
// read like any other and flagged (ImportRow.hidden), for the caller to report.
//
// Hostile archives: the entry count is capped as headers arrive; declared sizes are checked before an
// entry is started, and because they may lie, actual inflated bytes are counted while inflating, in
// steps of 4 KiB of compressed input (deflate expands at most ~1032x, so one step yields at most ~4 MiB)
// and the entry is abandoned the moment it passes maxExpansionRatio x its compressed size or the
// archive passes maxUncompressedBytes.
//
// Shared strings and order: Excel writes xl/sharedStrings.xml AFTER the worksheets, and a cell of type
// "s" is only an index into that table. A worksheet that arrives before the table (or before the
// workbook says which sheet comes first) is kept COMPRESSED in memory, in blocks, and inflated and
// parsed once the table has been read (or at the end of the archive, when it is known there is none).
// That costs at most the sheet's compressed size, which maxBytes bounds; the table itself is held as
// UTF-8 in one pool (maxSharedStrings entries, maxSharedStringsBytes bytes), decoded cell by cell.
// A sheet that arrives after the table, or in a workbook without one (as ./xlsxWriter.ts writes), is
// parsed as it streams.
//
// Damage: a zip read front to back trusts its local headers, which carry no check a reader must make.
// So the archive's tail (its central directory, the one list of entries Excel itself reads) is kept,
// and at the end every part that was read is checked against it: present, not encrypted, and with the
// CRC-32 and size the directory gives. A workbook cut short or damaged in copying is refused then, even
// when its damage made well-formed XML (a digit changed in a stored sheet); the caller, all or nothing,
// stores none of the rows it was handed (the fuzz corpus, test/unit/xlsxFuzz.test.ts, found both).
import { crc32 } from 'node:zlib';
import { Unzip, UnzipInflate, type AsyncFlateStreamHandler, type FlateError, type UnzipDecoder, type UnzipFile } from 'fflate';
import { formatBytes, ImportFileError, type ImportFileErrorCode, type Limits } from './limits';
import type { ImportRow, XlsxSheet } from './types';
import { attr, decodeEntities, decodeOoxmlEscapes, decodeText, XmlSyntaxError, XmlTokenizer, type XmlHandler } from './xml';

/** Compressed bytes per inflate step (and per push into the zip reader). */
const STEP = 4 * 1024;
/** Any entry may inflate to this much whatever its ratio: a 300-byte part proves nothing at 100x. */
const RATIO_FLOOR = 1024 * 1024;
const MAX_TAG = 64 * 1024;
const MAX_RELATIONSHIPS = 10_000;
const EMPTY = new Uint8Array(0);

// Part names are compared in lower case: OPC part names are case-insensitive.
const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';
const DEFAULT_SHARED_STRINGS = 'xl/sharedstrings.xml';
const DEFAULT_SHEET = 'xl/worksheets/sheet1.xml';
/** Inflated bytes of another sheet read for its used range before giving up on it. */
const DIMENSION_PEEK = 64 * 1024;
const SHEET_CANDIDATE = /^xl\/worksheets\/[^/]+\.xml$/;

/** A zip entry's name as a part name: forward slashes, no leading slash, lower case (OPC part names are case-insensitive). */
const partName = (name: string) => name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();

type Route = 'workbook' | 'rels' | 'sharedStrings' | 'sheet' | 'buffer' | 'dimension' | 'skip';

export type { XlsxSheet };

export interface XlsxOptions {
  /** The sheet to read: its position (from 0) or its name; by default the first sheet that is not hidden. */
  sheet?: number | string;
  /** Told the workbook's sheets and the one chosen once the workbook is known, and again as row counts arrive. */
  onSheets?: (sheets: XlsxSheet[], chosen: XlsxSheet) => void;
}

/** The rows of the chosen sheet, in batches (those parsed from each step of input). */
export async function* readXlsxBatches(
  source: AsyncIterable<Uint8Array>,
  fileName: string,
  limits: Limits,
  opts: XlsxOptions = {},
): AsyncGenerator<ImportRow[], { rows: number; sheet: string; sheetName: string | null; sheets: XlsxSheet[] }> {
  const reader = new XlsxReader(fileName, limits, opts);
  const tail = new ArchiveTail();
  const unzip = new Unzip((file) => reader.onFile(file));
  unzip.register(reader.decoder(0));
  unzip.register(reader.decoder(8));
  const push = (piece: Uint8Array, final: boolean) => {
    try {
      unzip.push(piece, final);
    } catch (e) {
      reader.fail(reader.error('malformed', `压缩包已损坏或被截断（${e instanceof Error ? e.message : String(e)}）`));
    }
    if (reader.fatal) throw reader.fatal;
  };
  for await (const chunk of source) {
    tail.push(chunk);
    for (let off = 0; off < chunk.length; off += STEP) {
      push(chunk.subarray(off, off + STEP), false);
      yield* reader.settle(false);
    }
  }
  push(EMPTY, true);
  yield* reader.settle(true);
  reader.verify(tail);
  return { rows: reader.rowCount, sheet: reader.sheetName ?? DEFAULT_SHEET, sheetName: reader.chosen?.name ?? null, sheets: reader.sheets };
}

/** Where bytes of one entry go once inflated. */
interface ByteSink {
  data(bytes: Uint8Array, final: boolean): void;
  /** Wants nothing more: the entry's remaining bytes are not inflated. */
  readonly done?: boolean;
}

interface EntryConsumer {
  push(compressed: Uint8Array, final: boolean): void;
}

class XlsxReader {
  fatal: ImportFileError | undefined;
  rowCount = 0;
  sheetName: string | undefined;
  private rows: ImportRow[] = [];
  private entries = 0;
  inflatedTotal = 0;
  private routesTaken = new Set<Route>();
  /** The workbook's sheets as declared, in order; `sheets` once their parts are known. */
  private declared: { name: string; rid: string; hidden: boolean }[] = [];
  sheets: XlsxSheet[] = [];
  chosen: XlsxSheet | undefined;
  /** Part path -> sheet, for the row counts of the sheets not read. */
  private sheetParts = new Map<string, XlsxSheet>();
  /** Used ranges seen before the workbook said which part is which sheet. */
  private dimensions = new Map<string, number>();
  private workbookDone = false;
  private relsDone = false;
  private relTargets = new Map<string, string>();
  private sharedStringsPath: string | undefined;
  private sharedStrings: SharedStrings | undefined;
  private sharedStringsDone = false;
  private sheetState: 'waiting' | 'reading' | 'done' = 'waiting';
  private pending = new Map<string, BufferedEntry>();
  /** Parts read whole, with the CRC-32 and size of what was inflated, for verify(). */
  private readonly readWhole = new Map<string, { crc: number; size: number }>();
  /** The entry being started: fflate constructs its decoder inside file.start(). */
  private starting: { name: string; route: Route; compression: number; size?: number } | undefined;

  constructor(
    readonly fileName: string,
    readonly limits: Limits,
    private readonly opts: XlsxOptions = {},
  ) {}

  error(code: ImportFileErrorCode, reason: string, line?: number): ImportFileError {
    return new ImportFileError({ fileName: this.fileName, code, reason, line });
  }

  fail(e: unknown, entry?: string): void {
    if (this.fatal) return;
    if (e instanceof ImportFileError) this.fatal = e;
    else if (e instanceof XmlSyntaxError) this.fatal = this.error('malformed', `工作簿内容有误（${entry ?? '?'}）：${e.message}`);
    else if (e instanceof TypeError && /encod/i.test(e.message)) this.fatal = this.error('malformed', `工作簿内容不是有效的 UTF-8 XML（${entry ?? '?'}）`);
    else this.fatal = this.error('malformed', `无法读取工作簿（${entry ?? '?'}）：${e instanceof Error ? e.message : String(e)}`);
  }

  /** A zip decoder for one compression method that hands each entry to the consumer its route chose. */
  decoder(compression: 0 | 8) {
    // The decoder class needs the reader it reports to; an arrow function cannot be a class member here.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const reader = this;
    return class implements UnzipDecoder {
      static compression = compression;
      ondata: AsyncFlateStreamHandler = () => {};
      private readonly consumer: EntryConsumer;
      constructor() {
        this.consumer = reader.consumerFor(reader.starting!);
      }
      push(chunk: Uint8Array, final: boolean) {
        this.consumer.push(chunk, final);
      }
    };
  }

  onFile(file: UnzipFile): void {
    if (this.fatal) return;
    if (++this.entries > this.limits.maxEntries) {
      return this.fail(this.error('too-many-entries', `压缩包中的条目超过 ${this.limits.maxEntries} 个，不像是正常的 Excel 工作簿`));
    }
    const name = partName(file.name);
    if (file.compression !== 0 && file.compression !== 8) {
      return this.fail(this.error('wrong-type', `压缩包条目“${file.name}”使用了不支持的压缩方式（${file.compression}）；请用 Excel 打开后另存为“Excel 工作簿（*.xlsx）”再上传`));
    }
    const route = this.route(name);
    if (route !== 'skip' && file.originalSize !== undefined) {
      const { maxUncompressedBytes, maxExpansionRatio } = this.limits;
      if (file.originalSize > maxUncompressedBytes) {
        return this.fail(this.error('zip-bomb', `条目“${file.name}”声明解压后有 ${formatBytes(file.originalSize)}，超过 ${formatBytes(maxUncompressedBytes)} 上限`));
      }
      if (file.originalSize > Math.max(maxExpansionRatio * (file.size ?? 0), RATIO_FLOOR)) {
        return this.fail(this.error('zip-bomb', `条目“${file.name}”声明的解压大小是压缩大小的 ${Math.round(file.originalSize / Math.max(1, file.size ?? 0))} 倍，超过 ${maxExpansionRatio} 倍上限（疑似压缩炸弹）`));
      }
    }
    this.routesTaken.add(route);
    this.starting = { name, route, compression: file.compression, size: file.size };
    file.ondata = (err: FlateError | null) => {
      if (err) this.fail(err, name);
    };
    file.start();
    // A stored empty entry never gets a decoder: it is complete as it is.
    if (file.size === 0) this.consumerFor(this.starting).push(EMPTY, true);
    this.starting = undefined;
  }

  private route(name: string): Route {
    const first = (r: Route): Route => (this.routesTaken.has(r) ? 'skip' : r);
    if (name === WORKBOOK) return first('workbook');
    if (name === WORKBOOK_RELS) return first('rels');
    if (name === (this.sharedStringsPath ?? DEFAULT_SHARED_STRINGS)) return first('sharedStrings');
    if (this.sheetName !== undefined) {
      if (name !== this.sheetName) return this.sheetParts.has(name) && !this.dimensions.has(name) ? 'dimension' : 'skip';
      if (this.sheetState !== 'waiting' || this.pending.has(name)) return 'skip';
      return this.sharedStringsSettled() ? 'sheet' : 'buffer';
    }
    return SHEET_CANDIDATE.test(name) && !this.pending.has(name) ? 'buffer' : 'skip';
  }

  /** The table has been read, or the workbook's relationships show there is none. */
  private sharedStringsSettled(): boolean {
    return this.sharedStringsDone || (this.relsDone && this.sharedStringsPath === undefined);
  }

  consumerFor(start: { name: string; route: Route; compression: number; size?: number }): EntryConsumer {
    const { name, route, compression, size } = start;
    switch (route) {
      case 'skip':
        return { push: () => {} };
      case 'buffer': {
        const entry = new BufferedEntry(name, compression);
        this.pending.set(name, entry);
        return entry;
      }
      case 'workbook':
        return new EntryStream(this, name, compression, size, this.xmlSink(name, new WorkbookHandler(this), () => this.onWorkbookDone()));
      case 'rels':
        return new EntryStream(this, name, compression, size, this.xmlSink(name, new RelsHandler(this), () => this.onRelsDone()));
      case 'sharedStrings': {
        this.sharedStrings = new SharedStrings(this);
        const handler = new SharedStringsHandler(this, this.sharedStrings);
        return new EntryStream(this, name, compression, size, this.xmlSink(name, handler, () => (this.sharedStringsDone = true)));
      }
      case 'sheet':
        this.sheetState = 'reading';
        return new EntryStream(this, name, compression, size, this.xmlSink(name, new SheetHandler(this), () => (this.sheetState = 'done')));
      case 'dimension':
        return new EntryStream(this, name, compression, size, new DimensionSink((rows) => this.setDimension(name, rows)));
    }
  }

  /** Another sheet's used range (null: none declared before its rows). */
  private setDimension(part: string, rows: number | null): void {
    if (rows === null) return;
    this.dimensions.set(part, rows);
    const sheet = this.sheetParts.get(part);
    if (sheet && sheet.rows === null) {
      sheet.rows = rows;
      this.opts.onSheets?.(this.sheets, this.chosen!);
    }
  }

  /** The used range of a sheet kept compressed, read from its first bytes; it is then dropped. */
  private peekDimension(entry: BufferedEntry): void {
    if (!entry.complete || this.dimensions.has(entry.name)) return;
    const sink = new DimensionSink((rows) => this.setDimension(entry.name, rows));
    const stream = new EntryStream(this, entry.name, entry.compression, entry.bytes, sink);
    for (const block of entry.peek()) {
      if (sink.done || this.fatal) break;
      stream.push(block, false);
    }
  }

  private xmlSink(entry: string, handler: XmlHandler, done: () => void): ByteSink {
    const td = new TextDecoder('utf-8', { fatal: true });
    const xml = new XmlTokenizer(handler, MAX_TAG + this.limits.maxCellChars * 10);
    let crc = 0;
    let size = 0;
    return {
      data: (bytes, final) => {
        try {
          crc = crc32(bytes, crc);
          size += bytes.length;
          const text = td.decode(bytes, { stream: !final });
          if (text.length > 0) xml.push(text);
          if (final) {
            this.readWhole.set(entry, { crc, size });
            xml.end();
            done();
          }
        } catch (e) {
          this.fail(e, entry);
        }
      },
    };
  }

  addSheet(name: string, rid: string, hidden: boolean): void {
    if (this.declared.length >= MAX_RELATIONSHIPS) throw this.error('malformed', '工作簿中的工作表过多');
    this.declared.push({ name, rid, hidden });
  }

  addRelationship(id: string, type: string, target: string): void {
    if (this.relTargets.size >= MAX_RELATIONSHIPS) throw this.error('malformed', '工作簿的关系表条目过多');
    const path = resolvePart('xl/', target).toLowerCase();
    this.relTargets.set(id, path);
    if (/\/sharedStrings$/i.test(type)) this.sharedStringsPath = path;
  }

  private onWorkbookDone(): void {
    this.workbookDone = true;
    if (this.declared.length === 0) throw this.error('malformed', '工作簿中没有工作表');
    this.resolveSheet();
  }

  private onRelsDone(): void {
    this.relsDone = true;
    this.resolveSheet();
  }

  /** The sheet to read, once both the workbook and its relationships have been read. */
  private resolveSheet(): void {
    if (!this.workbookDone || !this.relsDone) return;
    this.sheets = this.declared.map((d, index) => ({ index, name: d.name, hidden: d.hidden, rows: null }));
    this.declared.forEach((d, i) => {
      const part = this.relTargets.get(d.rid);
      if (part === undefined) return;
      this.sheetParts.set(part, this.sheets[i]);
      this.sheets[i].rows = this.dimensions.get(part) ?? null;
    });
    const want = this.opts.sheet;
    const chosen =
      want === undefined
        ? (this.sheets.find((s) => !s.hidden) ?? this.sheets[0])
        : typeof want === 'number'
          ? this.sheets[want]
          : (this.sheets.find((s) => s.name === want) ?? this.sheets.find((s) => s.name.trim().toLowerCase() === want.trim().toLowerCase()));
    if (!chosen) {
      const names = this.sheets.map((s) => `“${s.name}”`).join('、');
      const asked = typeof want === 'number' ? `第 ${want + 1} 个工作表` : `名为“${want}”的工作表`;
      throw this.error('malformed', `工作簿中没有${asked}；工作簿的工作表依次为：${names}`);
    }
    this.chosen = chosen;
    this.sheetName = this.relTargets.get(this.declared[chosen.index].rid) ?? (chosen.index === 0 ? DEFAULT_SHEET : undefined);
    if (this.sheetName === undefined) throw this.error('malformed', `工作表“${chosen.name}”在工作簿中找不到对应的内容`);
    this.opts.onSheets?.(this.sheets, chosen);
  }

  sharedString(index: number, line: number): string {
    if (!this.sharedStrings) throw this.error('malformed', '单元格引用了共享字符串，但工作簿中没有共享字符串表', line);
    const s = this.sharedStrings.get(index);
    if (s === undefined) throw this.error('malformed', `单元格引用的共享字符串（第 ${index} 项）不存在`, line);
    return s;
  }

  pushRow(row: ImportRow): void {
    if (++this.rowCount > this.limits.maxRows) {
      throw this.error('too-many-rows', `数据超过 ${this.limits.maxRows} 行上限；请按区县拆分后分别上传`, row.line);
    }
    this.rows.push(row);
  }

  private *takeRows(): Generator<ImportRow[]> {
    const rows = this.rows;
    if (rows.length === 0) return;
    this.rows = [];
    yield rows;
  }

  /**
   * Called between pushes, outside fflate's callbacks: hands over the rows parsed so far and, once the
   * first sheet is known and the shared strings are settled (or the archive has ended), inflates a
   * sheet that had to be kept compressed.
   */
  *settle(endOfArchive: boolean): Generator<ImportRow[]> {
    yield* this.takeRows();
    if (this.sheetState !== 'waiting') {
      if (endOfArchive && this.sheetState !== 'done') throw this.error('malformed', '工作表没有完整读完（文件可能被截断）');
      return;
    }
    if (this.sheetName !== undefined) {
      // Sheets kept while the chosen one was unknown: only it is wanted (the others give their used range).
      for (const [name, entry] of this.pending) {
        if (name === this.sheetName) continue;
        this.pending.delete(name);
        this.peekDimension(entry);
      }
    }
    if (!endOfArchive && (this.sheetName === undefined || !this.sharedStringsSettled())) return;
    const target = this.sheetName ?? (this.pending.has(DEFAULT_SHEET) ? DEFAULT_SHEET : this.pending.keys().next().value);
    const entry = target === undefined ? undefined : this.pending.get(target);
    if (!entry || !entry.complete) {
      if (!endOfArchive) return;
      if (!this.routesTaken.has('workbook')) {
        throw this.error('wrong-type', '文件是 ZIP 压缩包，但不是 Excel 工作簿（.xlsx）；请上传 CSV 或 XLSX 格式的名单');
      }
      throw this.error('malformed', `工作簿中找不到${this.chosen ? `工作表“${this.chosen.name}”` : '第一个工作表'}（${target ?? DEFAULT_SHEET}）`);
    }
    this.pending.clear();
    this.sheetName = target;
    yield* this.replay(entry);
    // replay() moved the state on; read it afresh.
    if ((this.sheetState as string) !== 'done') throw this.error('malformed', '工作表没有完整读完（文件可能被截断）');
  }

  /** Every part read whole, checked against the archive's central directory (see the header). */
  verify(tail: ArchiveTail): void {
    const directory = tail.directory(this);
    for (const [name, got] of this.readWhole) {
      const listed = directory.get(name);
      if (!listed) throw this.error('malformed', `工作簿已损坏：“${name}”不在压缩包的目录中（文件可能在复制或上传时损坏）；请重新导出后上传`);
      if (listed.some((e) => e.flags & ENCRYPTED)) {
        throw this.error('wrong-type', `工作簿的“${name}”经过加密（设置了密码）；请在 Excel 中取消密码并另存为“Excel 工作簿（*.xlsx）”后重新上传`);
      }
      if (!listed.some((e) => e.crc === got.crc && e.size === got.size)) {
        throw this.error('malformed', `工作簿已损坏：“${name}”的内容与压缩包记录的校验值不符（文件可能在复制或上传时损坏）；请重新导出后上传`);
      }
    }
  }

  private *replay(entry: BufferedEntry): Generator<ImportRow[]> {
    const stream = this.consumerFor({ name: entry.name, route: 'sheet', compression: entry.compression, size: entry.bytes });
    const blocks = entry.take();
    if (blocks.length === 0) stream.push(EMPTY, true);
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b];
      blocks[b] = EMPTY; // released as it is read
      for (let off = 0; off < block.length; off += STEP) {
        stream.push(block.subarray(off, off + STEP), b === blocks.length - 1 && off + STEP >= block.length);
        if (this.fatal) throw this.fatal;
        yield* this.takeRows();
      }
    }
    if (this.fatal) throw this.fatal;
    yield* this.takeRows();
  }
}

/** General-purpose flag bit 0: the entry is encrypted. Bit 11: its name is UTF-8. */
const ENCRYPTED = 0x0001;
const UTF8_NAME = 0x0800;
/** The archive's last bytes kept: the end record with its longest comment, and a central directory of up to 1 MiB. */
const TAIL_BYTES = 1024 * 1024 + 22 + 0xffff;
const TAIL_BLOCK = 64 * 1024;

interface DirectoryEntry {
  flags: number;
  crc: number;
  size: number;
}

/** The last TAIL_BYTES of the archive, copied into blocks as it streams past (older blocks dropped). */
class ArchiveTail {
  private blocks: Uint8Array[] = [];
  private held = 0;
  private current = new Uint8Array(TAIL_BLOCK);
  private fill = 0;
  total = 0;

  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    for (let off = 0; off < chunk.length; ) {
      const n = Math.min(chunk.length - off, TAIL_BLOCK - this.fill);
      this.current.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === TAIL_BLOCK) {
        this.blocks.push(this.current);
        this.held += TAIL_BLOCK;
        this.current = new Uint8Array(TAIL_BLOCK);
        this.fill = 0;
        while (this.held - this.blocks[0].length >= TAIL_BYTES) this.held -= this.blocks.shift()!.length;
      }
    }
  }

  /** The central directory: normalised part name -> its entries (a name may be listed twice). */
  directory(reader: XlsxReader): Map<string, DirectoryEntry[]> {
    const bytes = new Uint8Array(this.held + this.fill);
    let at = 0;
    for (const b of this.blocks) {
      bytes.set(b, at);
      at += b.length;
    }
    bytes.set(this.current.subarray(0, this.fill), at);
    const base = this.total - bytes.length;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const u16 = (i: number) => view.getUint16(i, true);
    const u32 = (i: number) => view.getUint32(i, true);
    const damaged = (why: string) => reader.error('malformed', `工作簿不完整或已损坏（${why}）：文件可能在复制或上传时被截断；请重新导出后上传`);

    // The end record: its signature, with its comment running exactly to the end of the file.
    let end = -1;
    for (let i = bytes.length - 22; i >= 0 && i >= bytes.length - 22 - 0xffff; i--) {
      if (u32(i) === 0x06054b50 && i + 22 + u16(i + 20) === bytes.length) {
        end = i;
        break;
      }
    }
    if (end < 0) throw damaged('缺少压缩包目录');
    let count = u16(end + 10);
    let cdSize = u32(end + 12);
    let cdOffset = u32(end + 16);
    let cdLimit = end;
    if (cdOffset === 0xffffffff || cdSize === 0xffffffff || count === 0xffff) {
      // ZIP64: a locator just before the end record points at the ZIP64 end record.
      const locator = end - 20;
      if (locator < 0 || u32(locator) !== 0x07064b50) throw damaged('压缩包目录无效');
      const record = Number(view.getBigUint64(locator + 8, true)) - base;
      if (record < 0 || record + 56 > locator || u32(record) !== 0x06064b50) throw damaged('压缩包目录无效');
      count = Number(view.getBigUint64(record + 32, true));
      cdSize = Number(view.getBigUint64(record + 40, true));
      cdOffset = Number(view.getBigUint64(record + 48, true));
      cdLimit = record;
    }
    const start = cdOffset - base;
    if (start < 0) throw reader.error('malformed', '工作簿的压缩包目录过大，不像是正常的 Excel 工作簿');
    if (start + cdSize > cdLimit) throw damaged('压缩包目录无效');

    const entries = new Map<string, DirectoryEntry[]>();
    let i = start;
    for (let n = 0; n < count; n++) {
      if (i + 46 > start + cdSize || u32(i) !== 0x02014b50) throw damaged('压缩包目录无效');
      const flags = u16(i + 8);
      const nameLength = u16(i + 28);
      const next = i + 46 + nameLength + u16(i + 30) + u16(i + 32);
      if (next > start + cdSize) throw damaged('压缩包目录无效');
      const raw = bytes.subarray(i + 46, i + 46 + nameLength);
      // As fflate decodes a local header's name: UTF-8 when flagged, else one character per byte.
      const name = partName(flags & UTF8_NAME ? new TextDecoder().decode(raw) : Array.from(raw, (b) => String.fromCharCode(b)).join(''));
      let size = u32(i + 24);
      if (size === 0xffffffff) {
        // ZIP64 extra field (id 1): the original size comes first.
        for (let x = i + 46 + nameLength; x + 4 <= i + 46 + nameLength + u16(i + 30); x += 4 + u16(x + 2)) {
          if (u16(x) === 1 && u16(x + 2) >= 8) {
            size = Number(view.getBigUint64(x + 4, true));
            break;
          }
        }
      }
      const listed = entries.get(name);
      const entry = { flags, crc: u32(i + 16), size };
      if (listed) listed.push(entry);
      else entries.set(name, [entry]);
      i = next;
    }
    return entries;
  }
}

/** One entry's compressed bytes, inflated in steps with the expansion counted as it happens. */
class EntryStream implements EntryConsumer {
  private compressedIn = 0;
  private inflatedOut = 0;
  private readonly inflater: UnzipInflate | undefined;

  constructor(
    private readonly reader: XlsxReader,
    private readonly name: string,
    compression: number,
    /** Compressed size when known (fflate cuts the entry at exactly this many bytes). */
    private readonly compressedSize: number | undefined,
    private readonly sink: ByteSink,
  ) {
    if (compression === 8) {
      this.inflater = new UnzipInflate();
      this.inflater.ondata = (err, data, final) => this.out(err, data, final);
    }
  }

  push(chunk: Uint8Array, final: boolean): void {
    if (this.reader.fatal || this.sink.done) return;
    if (chunk.length === 0) {
      if (final) this.step(EMPTY, true);
      return;
    }
    for (let off = 0; off < chunk.length && !this.reader.fatal && !this.sink.done; off += STEP) {
      this.step(chunk.subarray(off, off + STEP), final && off + STEP >= chunk.length);
    }
  }

  private step(piece: Uint8Array, final: boolean): void {
    this.compressedIn += piece.length;
    if (this.inflater) this.inflater.push(piece, final);
    else this.out(null, piece, final);
  }

  private out(err: FlateError | null, data: Uint8Array | null, final: boolean): void {
    const reader = this.reader;
    if (reader.fatal) return;
    if (this.sink.done) return;
    if (err || !data) return reader.fail(reader.error('malformed', `压缩数据已损坏（${this.name}）：${err?.message ?? ''}`));
    this.inflatedOut += data.length;
    reader.inflatedTotal += data.length;
    const { maxExpansionRatio, maxUncompressedBytes } = reader.limits;
    const compressed = this.compressedSize ?? this.compressedIn;
    if (this.inflatedOut > Math.max(maxExpansionRatio * compressed, RATIO_FLOOR)) {
      return reader.fail(
        reader.error('zip-bomb', `条目“${this.name}”解压后超过压缩大小（${formatBytes(compressed)}）的 ${maxExpansionRatio} 倍，疑似压缩炸弹，已停止读取`),
      );
    }
    if (reader.inflatedTotal > maxUncompressedBytes) {
      return reader.fail(reader.error('zip-bomb', `工作簿解压后的内容超过 ${formatBytes(maxUncompressedBytes)} 上限，已停止读取`));
    }
    this.sink.data(data, final);
  }
}

/** A compressed entry kept for later, in blocks that grow from 64 KiB to 1 MiB. */
class BufferedEntry implements EntryConsumer {
  bytes = 0;
  complete = false;
  private blocks: Uint8Array[] = [];
  private current: Uint8Array | undefined;
  private used = 0;

  constructor(
    readonly name: string,
    readonly compression: number,
  ) {}

  push(chunk: Uint8Array, final: boolean): void {
    let off = 0;
    while (off < chunk.length) {
      if (!this.current || this.used === this.current.length) {
        if (this.current) this.blocks.push(this.current);
        this.current = new Uint8Array(Math.min(1024 * 1024, 64 * 1024 * 2 ** this.blocks.length));
        this.used = 0;
      }
      const n = Math.min(chunk.length - off, this.current.length - this.used);
      this.current.set(chunk.subarray(off, off + n), this.used);
      this.used += n;
      off += n;
    }
    this.bytes += chunk.length;
    if (final) {
      if (this.current) this.blocks.push(this.current.subarray(0, this.used));
      this.current = undefined;
      this.complete = true;
    }
  }

  take(): Uint8Array[] {
    const blocks = this.blocks;
    this.blocks = [];
    return blocks;
  }

  /** The blocks of a complete entry, left in place. */
  peek(): readonly Uint8Array[] {
    return this.blocks;
  }
}

/** The start of a sheet other than the one read, up to its used range; the rest is not inflated. */
class DimensionSink implements ByteSink {
  done = false;
  private text = '';
  private readonly td = new TextDecoder();

  constructor(private readonly found: (rows: number | null) => void) {}

  data(bytes: Uint8Array, final: boolean): void {
    if (this.done) return;
    this.text += this.td.decode(bytes, { stream: !final });
    const m = /<(?:[\w.-]+:)?dimension\b([^>]*)>/.exec(this.text);
    if (m) return this.end(dimensionRows(attr(m[1], 'ref')));
    if (/<(?:[\w.-]+:)?sheetData\b/.test(this.text) || this.text.length > DIMENSION_PEEK || final) this.end(null);
  }

  private end(rows: number | null): void {
    this.done = true;
    this.text = '';
    this.found(rows);
  }
}

/** Rows of a used range such as "A1:H1205" (or "B3"); null when it is not one. */
function dimensionRows(ref: string | undefined): number | null {
  const m = ref && /^\$?[A-Za-z]{1,3}\$?(\d+)(?::\$?[A-Za-z]{1,3}\$?(\d+))?$/.exec(ref);
  if (!m) return null;
  return m[2] === undefined ? 1 : Math.max(0, Number(m[2]) - Number(m[1]) + 1);
}

/** The shared-string table as UTF-8 in one growing pool with end offsets: compact, and no string in it
 * keeps a whole inflated chunk alive the way a sliced JS string would. */
class SharedStrings {
  count = 0;
  private pool = new Uint8Array(64 * 1024);
  private used = 0;
  private ends = new Uint32Array(1024);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly reader: XlsxReader) {}

  add(s: string): void {
    const { maxSharedStrings, maxSharedStringsBytes } = this.reader.limits;
    if (this.count >= maxSharedStrings) throw this.reader.error('too-large', `共享字符串表超过 ${maxSharedStrings} 项上限`);
    const need = this.used + Buffer.byteLength(s);
    if (need > maxSharedStringsBytes) throw this.reader.error('too-large', `共享字符串表超过 ${formatBytes(maxSharedStringsBytes)} 上限`);
    if (need > this.pool.length) {
      const pool = new Uint8Array(Math.min(Math.max(this.pool.length * 2, need), maxSharedStringsBytes));
      pool.set(this.pool.subarray(0, this.used));
      this.pool = pool;
    }
    if (this.count === this.ends.length) {
      const ends = new Uint32Array(this.ends.length * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.used += this.encoder.encodeInto(s, this.pool.subarray(this.used)).written;
    this.ends[this.count++] = this.used;
  }

  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    return this.decoder.decode(this.pool.subarray(index === 0 ? 0 : this.ends[index - 1], this.ends[index]));
  }
}

class WorkbookHandler implements XmlHandler {
  constructor(private readonly reader: XlsxReader) {}
  open(name: string, attrs: string): void {
    if (name !== 'sheet') return;
    // r:id, whatever the relationships namespace's prefix is in this file.
    const m = /(?:^|\s)[A-Za-z_][\w.-]*:id\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attrs);
    if (!m) return;
    const state = attr(attrs, 'state');
    this.reader.addSheet(decodeOoxmlEscapes(attr(attrs, 'name') ?? ''), decodeEntities(m[1] ?? m[2]), state === 'hidden' || state === 'veryHidden');
  }
  close(): void {}
  text(): void {}
}

class RelsHandler implements XmlHandler {
  constructor(private readonly reader: XlsxReader) {}
  open(name: string, attrs: string): void {
    if (name !== 'Relationship' || attr(attrs, 'TargetMode') === 'External') return;
    const id = attr(attrs, 'Id');
    const target = attr(attrs, 'Target');
    if (id !== undefined && target !== undefined) this.reader.addRelationship(id, attr(attrs, 'Type') ?? '', target);
  }
  close(): void {}
  text(): void {}
}

class SharedStringsHandler implements XmlHandler {
  private inItem = false;
  private collecting = false;
  /** Depth inside <rPh> (phonetic runs): their text is not part of the value. */
  private phonetic = 0;
  private raw = '';
  private readonly maxRaw: number;

  constructor(
    private readonly reader: XlsxReader,
    private readonly table: SharedStrings,
  ) {
    // Excel's own cap is 32,767 characters; entities may make the raw text longer than the value.
    this.maxRaw = Math.max(reader.limits.maxCellChars, 32_767) * 10;
  }

  open(name: string, attrs: string, selfClosing: boolean): void {
    if (name === 't') {
      if (this.inItem && this.phonetic === 0 && !selfClosing) this.collecting = true;
    } else if (name === 'si') {
      if (selfClosing) this.table.add('');
      else {
        this.inItem = true;
        this.raw = '';
      }
    } else if (name === 'rPh') {
      if (!selfClosing) this.phonetic++;
    } else if (name === 'sst') {
      const declared = Number(attr(attrs, 'uniqueCount'));
      const max = this.reader.limits.maxSharedStrings;
      if (declared > max) throw this.reader.error('too-large', `共享字符串表声明有 ${declared} 项，超过 ${max} 项上限`);
    }
  }

  close(name: string): void {
    if (name === 't') this.collecting = false;
    else if (name === 'rPh') this.phonetic--;
    else if (name === 'si' && this.inItem) {
      this.inItem = false;
      this.table.add(decodeText(this.raw));
      this.raw = '';
    }
  }

  text(raw: string): void {
    if (!this.collecting) return;
    if (this.raw.length + raw.length > this.maxRaw) throw this.reader.error('too-large', '共享字符串表中有超长的文本');
    this.raw = this.raw.length === 0 ? raw : this.raw + raw;
  }
}

/** Rows of a worksheet: <row r="3"><c r="B3" t="s"><v>0</v></c>…</row>; gaps from the r references. */
class SheetHandler implements XmlHandler {
  private inRow = false;
  private hidden = false;
  private row = 0;
  private cells: string[] = [];
  private nextColumn = 0;
  private inCell = false;
  private column = 0;
  private type = 'n';
  private inInline = false;
  private phonetic = 0;
  private collecting = false;
  private raw = '';
  private readonly maxRaw: number;

  constructor(private readonly reader: XlsxReader) {
    this.maxRaw = reader.limits.maxCellChars * 10 + 100;
  }

  open(name: string, attrs: string, selfClosing: boolean): void {
    switch (name) {
      case 'c':
        if (!this.inRow) return;
        this.startCell(attrs);
        if (selfClosing) this.endCell();
        return;
      case 'v':
        if (this.inCell && !selfClosing) this.collecting = true;
        return;
      case 't':
        if (this.inInline && this.phonetic === 0 && !selfClosing) this.collecting = true;
        return;
      case 'is':
        if (this.inCell && !selfClosing) this.inInline = true;
        return;
      case 'rPh':
        if (!selfClosing) this.phonetic++;
        return;
      case 'row':
        this.startRow(attrs);
        if (selfClosing) this.endRow();
        return;
      case 'dimension':
        this.checkDimension(attrs);
        return;
    }
  }

  close(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.collecting = false;
        return;
      case 'is':
        this.inInline = false;
        return;
      case 'rPh':
        this.phonetic--;
        return;
      case 'c':
        this.endCell();
        return;
      case 'row':
        this.endRow();
        return;
    }
  }

  text(raw: string): void {
    if (!this.collecting) return;
    if (this.raw.length + raw.length > this.maxRaw) this.tooLong();
    this.raw = this.raw.length === 0 ? raw : this.raw + raw;
  }

  /** The used range, when it claims more rows than allowed, refuses the file before any row is read. */
  private checkDimension(attrs: string): void {
    const ref = attr(attrs, 'ref');
    const rows = dimensionRows(ref);
    if (rows !== null && this.reader.chosen && this.reader.chosen.rows === null) this.reader.chosen.rows = rows;
    if (rows !== null && rows > this.reader.limits.maxRows) {
      throw this.reader.error('too-many-rows', `工作表的数据区域（${ref}）有 ${rows} 行，超过 ${this.reader.limits.maxRows} 行上限；请按区县拆分后分别上传`);
    }
  }

  private startRow(attrs: string): void {
    const r = attr(attrs, 'r');
    const row = r === undefined ? this.row + 1 : Number(r);
    if (!(Number.isInteger(row) && row > 0)) throw this.reader.error('malformed', `工作表的行号“${r}”无效`);
    this.row = row;
    const hidden = attr(attrs, 'hidden');
    this.hidden = hidden === '1' || hidden === 'true';
    this.inRow = true;
    this.cells = [];
    this.nextColumn = 0;
  }

  private endRow(): void {
    if (!this.inRow) return;
    this.inRow = false;
    const cells = this.cells;
    this.cells = [];
    let filled = false;
    for (let i = 0; i < cells.length; i++) {
      if (cells[i] === undefined) cells[i] = '';
      else filled = true;
    }
    if (filled) this.reader.pushRow(this.hidden ? { line: this.row, cells, hidden: true } : { line: this.row, cells });
  }

  private startCell(attrs: string): void {
    const ref = attr(attrs, 'r');
    const column = ref === undefined ? this.nextColumn : columnIndex(ref);
    if (column < 0) throw this.reader.error('malformed', `单元格位置“${ref}”无效`, this.row);
    this.column = column;
    this.type = attr(attrs, 't') ?? 'n';
    this.inCell = true;
    this.inInline = false;
    this.collecting = false;
    this.raw = '';
  }

  private endCell(): void {
    if (!this.inCell) return;
    this.inCell = false;
    this.collecting = false;
    const value = this.value();
    this.raw = '';
    this.nextColumn = this.column + 1;
    if (value === '') return;
    if (this.column >= this.reader.limits.maxColumns) {
      throw this.reader.error('too-large', `列数超过 ${this.reader.limits.maxColumns} 列上限`, this.row);
    }
    if (value.length > this.reader.limits.maxCellChars) this.tooLong();
    this.cells[this.column] = value;
  }

  private value(): string {
    const raw = this.raw;
    switch (this.type) {
      case 's': {
        const text = raw.trim();
        if (text === '') return '';
        const index = Number(text);
        if (!Number.isInteger(index)) throw this.reader.error('malformed', `共享字符串序号“${text}”无效`, this.row);
        return this.reader.sharedString(index, this.row);
      }
      case 'inlineStr':
      case 'str':
        return decodeText(raw);
      case 'b': {
        const text = raw.trim();
        return text === '1' ? 'TRUE' : text === '0' ? 'FALSE' : decodeEntities(text);
      }
      default:
        // Numbers (and dates, which are numbers with a date style) as the text the file stores.
        return decodeEntities(raw).trim();
    }
  }

  private tooLong(): never {
    throw this.reader.error('too-large', `单元格超过 ${this.reader.limits.maxCellChars} 个字符`, this.row);
  }
}

/** "B3" -> 1; "$AA$10" -> 26; -1 when not a cell reference within Excel's 16,384 columns. */
export function columnIndex(ref: string): number {
  let n = 0;
  let letters = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper case
    if (c >= 65 && c <= 90) {
      n = n * 26 + (c - 64);
      letters++;
    } else if (ref.charCodeAt(i) !== 36 /* $ */) break;
  }
  return letters === 0 || letters > 3 || n > 16_384 ? -1 : n - 1;
}

/** A relationship target resolved against the folder of the part that names it ("/xl/x" is absolute). */
function resolvePart(base: string, target: string): string {
  const joined = target.startsWith('/') ? target.slice(1) : base + target;
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}
