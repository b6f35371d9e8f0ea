// Streaming CSV: bytes in pieces, rows out one by one. The encoding is decided from the first 64 KiB
// (UTF-8 byte-order mark; else strictly valid UTF-8; else GB18030, which contains GBK, the encoding of a
// spreadsheet saved as CSV on a Chinese Windows; a file ASCII throughout its first 64 KiB is decided by
// its first non-ASCII character, wherever it comes); the delimiter (comma, semicolon or tab) from the
// header line;
// then RFC 4180 records with quoted fields that may hold delimiters, doubled quotes and line breaks, any
// of which, like a multibyte character, may be cut by a piece boundary. Bytes after the choice that are
// not valid in the chosen encoding are read as U+FFFD (never as a delimiter, quote or line break: both
// decoders give ASCII bytes back), so that the import refuses each row holding one, with its line,
// rather than the whole file at the first.
import { ImportFileError, type Limits } from './limits';
import type { ImportRow } from './rows';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';
export type CsvDelimiter = ',' | ';' | '\t';

/** Bytes looked at before the encoding is chosen. */
export const SNIFF_BYTES = 64 * 1024;
/** Pieces handed to the decoder and parser, so one huge chunk from the source costs no more than this. */
const PIECE = 64 * 1024;
/** Lines looked at for the delimiter: a title line above the header has none of comma, semicolon or tab. */
const DELIMITER_LINES = 10;
const DELIMITER_CHARS = 1024 * 1024;

const COMMA = 44;
const SEMICOLON = 59;
const TAB = 9;
const CR = 13;
const LF = 10;
const QUOTE = 34;

// Parser states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted field: either the first of a doubled quote or the closing one. */
const QUOTE_IN_QUOTED = 3;
const AFTER_QUOTED = 4;

export async function* readCsvRows(
  source: AsyncIterable<Uint8Array>,
  fileName: string,
  limits: Limits,
  /** Told the delimiter as soon as it is decided (a caller that stops early still learns it). */
  onDelimiter?: (d: CsvDelimiter) => void,
): AsyncGenerator<ImportRow, { encoding: CsvEncoding; rows: number; delimiter: CsvDelimiter }> {
  const parser = new CsvParser(fileName, limits, onDelimiter);
  let decoder: CsvDecoder | undefined;
  let sniffed: Uint8Array[] = [];
  let sniffedBytes = 0;

  const feed = function* (bytes: Uint8Array): Generator<ImportRow> {
    for (let off = 0; off < bytes.length; off += PIECE) {
      parser.push(decoder!.decode(bytes.subarray(off, off + PIECE)));
      yield* parser.take();
    }
  };

  for await (const chunk of source) {
    if (decoder) {
      yield* feed(chunk);
      continue;
    }
    sniffed.push(chunk);
    sniffedBytes += chunk.length;
    if (sniffedBytes < SNIFF_BYTES) continue;
    const head = concat(sniffed, sniffedBytes);
    sniffed = [];
    decoder = CsvDecoder.choose(head, fileName);
    yield* feed(head);
  }
  if (!decoder) {
    const head = concat(sniffed, sniffedBytes);
    if (head.length === 0) throw new ImportFileError({ fileName, code: 'malformed', reason: '文件为空' });
    decoder = CsvDecoder.choose(head, fileName);
    yield* feed(head);
  }
  parser.push(decoder.end());
  parser.finish();
  yield* parser.take();
  return { encoding: decoder.encoding, rows: parser.rows, delimiter: parser.delimiterChar };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}


/** Length of `b` without a trailing UTF-8 sequence that the next piece would complete. */
function completeUtf8Length(b: Uint8Array): number {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 4; i--) {
    const c = b[i];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return b.length - i < need ? i : b.length;
  }
  return b.length;
}

/**
 * Decodes pieces, keeping a multibyte character cut between pieces whole. Without a byte-order mark the
 * encoding is undecided until a COMPLETE non-ASCII character has been seen: then UTF-8 if everything
 * so far (the first 64 KiB at least) is strictly valid UTF-8, else GB18030. A piece ending in what
 * could be the start of a UTF-8 character decides nothing (a GBK lead byte such as 0xD5 is also a UTF-8
 * lead byte); those bytes wait for the next piece. Deciding late is exact: ASCII reads the same in both.
 */
class CsvDecoder {
  private td: TextDecoder;
  private undecided: boolean;
  private carry: Uint8Array = new Uint8Array(0);

  private constructor(public encoding: CsvEncoding) {
    this.td = new TextDecoder(encoding === 'gb18030' ? 'gb18030' : 'utf-8');
    this.undecided = encoding !== 'utf-8-bom';
  }

  /** Refuses what is not CSV text; the head is the first 64 KiB (or the whole, shorter, file). */
  static choose(head: Uint8Array, fileName: string): CsvDecoder {
    const refuse = (code: 'wrong-type' | 'encoding', reason: string) => new ImportFileError({ fileName, code, reason });
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return new CsvDecoder('utf-8-bom');
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      throw refuse('encoding', '文件是 UTF-16(“Unicode 文本”)编码;请另存为“CSV UTF-8(逗号分隔)”或“CSV(逗号分隔)”后重新上传');
    }
    if (head.indexOf(0) >= 0) throw refuse('wrong-type', '文件包含二进制内容,不是 CSV 文本文件,也不是 XLSX 工作簿');
    const start = new TextDecoder('latin1').decode(head.subarray(0, 512)).trimStart().toLowerCase();
    if (/^<(!doctype html|html|table|\?xml)/.test(start)) {
      throw refuse(
        'wrong-type',
        '文件是网页(HTML)或 XML 表格(系统导出的“.xls”常是这种格式),不是 CSV 或 XLSX;请用 Excel 打开后另存为“Excel 工作簿(*.xlsx)”或“CSV UTF-8”再上传',
      );
    }
    return new CsvDecoder('utf-8');
  }

  decode(piece: Uint8Array): string {
    let bytes = piece;
    if (this.undecided) {
      bytes = this.carry.length > 0 ? concat([this.carry, piece], this.carry.length + piece.length) : piece;
      this.carry = new Uint8Array(0);
      const complete = completeUtf8Length(bytes);
      let firstNonAscii = 0;
      while (firstNonAscii < complete && bytes[firstNonAscii] <= 0x7f) firstNonAscii++;
      if (firstNonAscii >= complete) {
        this.carry = bytes.slice(complete);
        bytes = bytes.subarray(0, complete);
      } else {
        this.undecided = false;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
        } catch {
          this.encoding = 'gb18030';
          this.td = new TextDecoder('gb18030');
        }
      }
    }
    return this.td.decode(bytes, { stream: true });
  }

  end(): string {
    if (this.undecided && this.carry.length > 0) {
      // ASCII up to a last character that is not complete UTF-8: GB18030 says whether it is anything.
      const carry = this.carry;
      this.carry = new Uint8Array(0);
      this.undecided = false;
      this.encoding = 'gb18030';
      this.td = new TextDecoder('gb18030');
      return this.td.decode(carry);
    }
    return this.td.decode();
  }
}

/** RFC 4180 records from text in pieces; `line` counts physical lines (CRLF, LF or a lone CR). */
class CsvParser {
  line = 1;
  rows = 0;
  private state = FIELD_START;
  private delimiter = 0;
  private head = '';
  private field = '';
  private fields: string[] = [];
  private recordLine = 1;
  private quoteLine = 0;
  /** The record just ended at a CR: an LF right after it belongs to the same line break. */
  private skipLf = false;
  /** Inside a quoted field the last character was a CR (a following LF is the same line break). */
  private crInQuote = false;
  private out: ImportRow[] = [];

  constructor(
    private readonly fileName: string,
    private readonly limits: Limits,
    private readonly onDelimiter?: (d: CsvDelimiter) => void,
  ) {}

  get delimiterChar(): CsvDelimiter {
    return this.delimiter === TAB ? '\t' : this.delimiter === SEMICOLON ? ';' : ',';
  }

  private decide(d: number): void {
    this.delimiter = d;
    this.onDelimiter?.(this.delimiterChar);
  }

  *take(): Generator<ImportRow> {
    const out = this.out;
    if (out.length === 0) return;
    this.out = [];
    yield* out;
  }

  push(text: string): void {
    if (text.length === 0) return;
    if (this.delimiter === 0) {
      this.head += text;
      // Looked at again only when a line may have completed, so tiny pieces cost no rescans.
      if (!/[\r\n]/.test(text) && this.head.length < DELIMITER_CHARS) return;
      const d = detectDelimiter(this.head, false);
      if (d === undefined && this.head.length < DELIMITER_CHARS) return;
      this.decide(d ?? COMMA);
      text = this.head;
      this.head = '';
    }
    this.parse(text);
  }

  finish(): void {
    if (this.delimiter === 0) {
      this.decide(detectDelimiter(this.head, true) ?? COMMA);
      const text = this.head;
      this.head = '';
      this.parse(text);
    }
    if (this.state === QUOTED) {
      throw this.error('malformed', this.quoteLine, '引号未闭合:从这一行开始的带引号字段直到文件末尾都没有结束引号');
    }
    if (this.state !== FIELD_START || this.fields.length > 0) this.endRecord(LF);
  }

  private parse(s: string): void {
    const n = s.length;
    const delim = this.delimiter;
    let i = 0;
    while (i < n) {
      if (this.state === QUOTED) {
        const q = s.indexOf('"', i);
        const end = q < 0 ? n : q;
        if (end > i) {
          const seg = s.slice(i, end);
          this.countQuotedLines(seg);
          this.append(seg);
        }
        if (q < 0) return;
        i = q + 1;
        this.state = QUOTE_IN_QUOTED;
        continue;
      }
      const c = s.charCodeAt(i);
      if (this.skipLf) {
        this.skipLf = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (this.state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          this.append('"');
          this.crInQuote = false;
          this.state = QUOTED;
          i++;
          continue;
        }
        this.state = AFTER_QUOTED;
      }
      if (this.state === AFTER_QUOTED) {
        if (c === delim) this.endField();
        else if (c === CR || c === LF) this.endRecord(c);
        else throw this.error('malformed', this.line, '带引号字段的结束引号后面还有字符(字段中的引号应写成两个引号"")');
        this.state = FIELD_START;
        i++;
        continue;
      }
      if (this.state === FIELD_START && c === QUOTE) {
        this.state = QUOTED;
        this.quoteLine = this.line;
        this.crInQuote = false;
        i++;
        continue;
      }
      let j = i;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === delim || d === CR || d === LF) break;
        j++;
      }
      if (j > i) this.append(s.slice(i, j));
      if (j === n) {
        this.state = UNQUOTED;
        return;
      }
      const d = s.charCodeAt(j);
      if (d === delim) this.endField();
      else this.endRecord(d);
      this.state = FIELD_START;
      i = j + 1;
    }
  }

  private countQuotedLines(seg: string): void {
    if (seg.indexOf('\n') < 0 && seg.indexOf('\r') < 0) {
      this.crInQuote = false;
      return;
    }
    for (let k = 0; k < seg.length; k++) {
      const c = seg.charCodeAt(k);
      if (c === CR) {
        this.line++;
        this.crInQuote = true;
      } else {
        if (c === LF && !this.crInQuote) this.line++;
        this.crInQuote = false;
      }
    }
  }

  private append(seg: string): void {
    if (this.field.length + seg.length > this.limits.maxCellChars) {
      const quoted = this.state === QUOTED;
      throw this.error(
        'too-large',
        quoted ? this.quoteLine : this.recordLine,
        `单元格超过 ${this.limits.maxCellChars} 个字符${quoted ? '(可能是带引号的字段缺少结束引号)' : ''}`,
      );
    }
    this.field = this.field.length === 0 ? seg : this.field + seg;
  }

  private endField(): void {
    if (this.fields.length >= this.limits.maxColumns) {
      if (this.field !== '') throw this.error('too-large', this.recordLine, `列数超过 ${this.limits.maxColumns} 列上限`);
    } else {
      this.fields.push(this.field);
    }
    this.field = '';
  }

  private endRecord(terminator: number): void {
    this.endField();
    const cells = this.fields;
    this.fields = [];
    if (cells.some((c) => c !== '')) {
      if (++this.rows > this.limits.maxRows) {
        throw this.error('too-many-rows', this.recordLine, `数据超过 ${this.limits.maxRows} 行上限;请按区县拆分后分别上传`);
      }
      this.out.push({ line: this.recordLine, cells });
    }
    this.line++;
    this.recordLine = this.line;
    this.skipLf = terminator === CR;
  }

  private error(code: 'malformed' | 'too-large' | 'too-many-rows', line: number, reason: string): ImportFileError {
    return new ImportFileError({ fileName: this.fileName, code, line, reason });
  }
}

/**
 * Comma, semicolon (a spreadsheet saved as CSV where the comma is the decimal mark) or tab, whichever
 * the first line having any of them uses most, a tie going to the comma, then the tab; undefined while
 * no line decides. A title line above the header rarely has any (Chinese text uses full-width ,;).
 */
function detectDelimiter(text: string, whole: boolean): number | undefined {
  const lines = text.split(/\r\n|\r|\n/, DELIMITER_LINES + 1);
  // The last piece may be a line still arriving (or a CR whose LF has not arrived).
  const complete = whole ? lines : lines.slice(0, -1);
  for (const l of complete.slice(0, DELIMITER_LINES)) {
    const count = (c: string) => l.split(c).length - 1;
    const [commas, tabs, semicolons] = [count(','), count('\t'), count(';')];
    if (commas + tabs + semicolons === 0) continue;
    if (commas >= tabs && commas >= semicolons) return COMMA;
    return tabs >= semicolons ? TAB : SEMICOLON;
  }
  return whole || complete.length >= DELIMITER_LINES ? COMMA : undefined;
}
