// The one CSV tokenizer: text in pieces, rows out one by one. RFC 4180 records with quoted fields that
// may hold delimiters, doubled quotes and line breaks, any of which may be cut by a piece boundary; the
// delimiter (comma, semicolon or tab) decided from the header line; physical line numbers (CRLF, LF and a
// lone CR each one line, inside quoted fields too) for every row and every refusal; the caps of
// ./limits.ts checked as the text arrives (a cell over maxCellChars, a value past maxColumns, rows over
// maxRows), so that a hostile file costs no more than one cell's worth of memory.
//
// Used by the list imports as a stream (`readCsvBatches`: bytes → ./encoding.ts → rows) and by the tax feed
// on a small file's whole text (`csvRows`).
//
// Why our own and not csv-parse (a well-kept library, in package.json): measured with `npm run
// bench:csv` on the 1,500,000-row roster of bench:screening (102 MiB, UTF-8), read from disk in 64 KiB
// chunks, each reader in its own process, on this project's 2-core machine under load (Node 20):
//   this tokenizer:            3.5-4.7 s, 316,000-434,000 rows/s, heap growth 13 MiB at most
//   csv-parse 7.0.3 (stream):  8.7-12.5 s, 120,000-172,000 rows/s, heap growth 15 MiB at most
//   csv-parse/sync, the whole file in memory: 17.9 s and 800 MiB of RSS
// Both stream in flat memory; csv-parse takes 2.5 times as long (it walks the bytes one at a time through
// several calls each): 5-8 s more per 1.5-million-row roster, up to a minute per 10-million-row
// provincial one. And three behaviours below it does not have: it counts a CRLF as two lines (`info.lines`), so line
// numbers need a second pass over every field (included in the figures above); it builds a whole record
// before any cap can be checked, so a line of a hundred million delimiters would become a
// hundred-million-element array (max_record_size counts characters, and empty fields have none); and its
// quotes are either strict about a quote inside an unquoted field (王"五", which we keep as written) or
// lax about text after a closing quote ("2"x, which we refuse with its line).
import { StreamDecoder, SNIFF_BYTES, concatBytes } from './encoding';
import { ImportFileError, type Limits } from './limits';
import type { CsvDelimiter, ImportRow, TextEncodingName } from './types';

/** Pieces handed to the decoder and tokenizer, so one huge chunk from the source costs no more than this. */
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

// Tokenizer states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted field: either the first of a doubled quote or the closing one. */
const QUOTE_IN_QUOTED = 3;
const AFTER_QUOTED = 4;

/**
 * The rows of a CSV file read as a stream of bytes, in batches (the rows of each 64 KiB piece: a
 * million-row file costs thousands of awaits, not millions). The encoding is decided by ./encoding.ts from the
 * first 64 KiB; bytes invalid in it are read as U+FFFD, in their own cell and line. Rows whose cells are
 * all empty are not yielded but count for `line`.
 */
export async function* readCsvBatches(
  source: AsyncIterable<Uint8Array>,
  fileName: string,
  limits: Limits,
  /** Told the delimiter as soon as it is decided (a caller that stops early still learns it). */
  onDelimiter?: (d: CsvDelimiter) => void,
): AsyncGenerator<ImportRow[], { encoding: TextEncodingName; rows: number; delimiter: CsvDelimiter }> {
  const tokens = new CsvTokenizer(fileName, limits, onDelimiter);
  let decoder: StreamDecoder | undefined;
  let sniffed: Uint8Array[] = [];
  let sniffedBytes = 0;

  const feed = function* (bytes: Uint8Array): Generator<ImportRow[]> {
    for (let off = 0; off < bytes.length; off += PIECE) {
      tokens.push(decoder!.decode(bytes.subarray(off, off + PIECE)));
      const rows = tokens.takeBatch();
      if (rows.length > 0) yield rows;
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
    const head = concatBytes(sniffed, sniffedBytes);
    sniffed = [];
    decoder = StreamDecoder.open(head, fileName);
    yield* feed(head);
  }
  if (!decoder) {
    const head = concatBytes(sniffed, sniffedBytes);
    if (head.length === 0) throw new ImportFileError({ fileName, code: 'malformed', reason: '文件为空' });
    decoder = StreamDecoder.open(head, fileName);
    yield* feed(head);
  }
  tokens.push(decoder.end());
  tokens.finish();
  const last = tokens.takeBatch();
  if (last.length > 0) yield last;
  return { encoding: decoder.encoding, rows: tokens.rows, delimiter: tokens.delimiterChar };
}

/** The rows of a CSV file's whole text (a small file already decoded), as `readCsvRows` reads them. */
export function* csvRows(text: string, fileName: string, limits: Limits): Generator<ImportRow, { rows: number; delimiter: CsvDelimiter }> {
  const tokens = new CsvTokenizer(fileName, limits);
  for (let off = 0; off < text.length; off += PIECE) {
    tokens.push(text.slice(off, off + PIECE));
    yield* tokens.take();
  }
  tokens.finish();
  yield* tokens.take();
  return { rows: tokens.rows, delimiter: tokens.delimiterChar };
}

/** RFC 4180 records from text in pieces; `line` counts physical lines (CRLF, LF or a lone CR). */
class CsvTokenizer {
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
    yield* this.takeBatch();
  }

  /** The rows completed so far, handed over at once. */
  takeBatch(): ImportRow[] {
    const out = this.out;
    if (out.length > 0) this.out = [];
    return out;
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
      throw this.error('malformed', this.quoteLine, '引号未闭合：从这一行开始的带引号字段直到文件末尾都没有结束引号');
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
        else throw this.error('malformed', this.line, '带引号字段的结束引号后面还有字符（字段中的引号应写成两个引号""）');
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
        `单元格超过 ${this.limits.maxCellChars} 个字符${quoted ? '（可能是带引号的字段缺少结束引号）' : ''}`,
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
        throw this.error('too-many-rows', this.recordLine, `数据超过 ${this.limits.maxRows} 行上限；请按区县拆分后分别上传`);
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
