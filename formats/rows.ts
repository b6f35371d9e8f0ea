// Rows of an uploaded roster (花名册) or hardship list, one by one, from a CSV or XLSX file read as a
// stream: the file is never held whole, so a 1.5-million-row roster costs the same memory as a small one.
// The kind comes from the first bytes (a zip is XLSX, text is CSV) and everything else is refused with a
// reason an official can act on: an old .xls or a password-protected workbook, an image, a PDF, an
// HTML table saved as ".xls", a file over a cap. Rows are raw text cells; mapping headers
// (./headers.ts) and validating values are the caller's next steps.
import { readCsvBatches } from './csv';
import { formatBytes, ImportFileError, resolveLimits, type Limits } from './limits';
import type { CsvDelimiter, ImportKind, ImportRow, TextEncodingName, XlsxSheet } from './types';
import { readXlsxBatches } from './xlsx';

export type { CsvDelimiter, ImportKind, ImportRow, XlsxSheet };

export { DEFAULT_LIMITS, IMPORT_FILE_ERROR_CODES, ImportFileError, type ImportFileErrorCode, type Limits } from './limits';

export interface ReadRowsOptions {
  /** For the reasons shown to officials. */
  fileName: string;
  /** What the caller expects (say, from the extension); the first bytes must agree. */
  kind?: ImportKind;
  /** The file's size when known beforehand (an upload's length, a stat): refused before reading a byte. */
  size?: number;
  limits?: Partial<Limits>;
  /** XLSX: the sheet to read, by position (from 0) or name; by default the first sheet that is not hidden. */
  sheet?: number | string;
  /**
   * Filled in as the reader learns it, for a caller that stops early (the return value is then never
   * seen): the kind, the CSV delimiter, the workbook's sheets and the one read.
   */
  info?: ReadInfo;
}

export interface ReadInfo {
  kind?: ImportKind;
  delimiter?: CsvDelimiter;
  sheets?: XlsxSheet[];
  sheet?: XlsxSheet;
}

/** The generator's return value, for logs and progress. */
export interface ReadRowsSummary {
  kind: ImportKind;
  /** CSV only. */
  encoding?: TextEncodingName;
  delimiter?: CsvDelimiter;
  /** XLSX only: the part read (say xl/worksheets/sheet1.xml), the sheet's name, and every sheet of the workbook. */
  sheet?: string;
  sheetName?: string | null;
  sheets?: XlsxSheet[];
  rows: number;
  bytes: number;
}

/** Bytes read before the kind is decided. */
const MAGIC_BYTES = 8;

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** Binary formats officials upload by mistake, named so that the reason says what the file is. */
const REFUSED: { magic: number[]; what: string }[] = [
  { magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: '旧版 Excel 文件（.xls）或设置了打开密码的工作簿；请在 Excel 中取消密码并另存为“Excel 工作簿（*.xlsx）”或“CSV UTF-8（逗号分隔）”后重新上传' },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'PNG 图片' },
  { magic: [0xff, 0xd8, 0xff], what: 'JPEG 图片' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'GIF 图片' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'PDF 文档' },
  { magic: [0x1f, 0x8b], what: 'GZIP 压缩包' },
  { magic: [0x52, 0x61, 0x72, 0x21], what: 'RAR 压缩包' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], what: '7z 压缩包' },
  { magic: [0x50, 0x4b, 0x05, 0x06], what: '空的 ZIP 压缩包' },
  { magic: [0x50, 0x4b, 0x07, 0x08], what: '分卷 ZIP 压缩包' },
];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/**
 * The rows of the file, header included, one at a time. Rows whose cells are all empty are not yielded
 * (blank CSV lines, formatting-only XLSX rows) but still count for `line`. Throws ImportFileError as
 * soon as a cap is hit or the file is seen to be of the wrong kind; a caller storing rows must treat
 * that as "store nothing" (imports are all or nothing). Breaking out of the loop closes the source.
 */
/** The rows of a file one by one (`readRowBatches` in batches, for loops over millions of rows). */
export async function* readRows(source: AsyncIterable<Uint8Array>, opts: ReadRowsOptions): AsyncGenerator<ImportRow, ReadRowsSummary, undefined> {
  const batches = readRowBatches(source, opts);
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) return next.value;
      yield* next.value;
    }
  } finally {
    // A consumer that stops early: the reader closes the source.
    await batches.return?.(undefined as never);
  }
}

/**
 * The rows of a CSV or XLSX file in batches as they are parsed (a few hundred rows per 64 KiB read):
 * a loop over a million rows then awaits a few thousand times, not a million (each await costs a
 * promise, and more under the async hooks a Temporal worker runs with).
 */
export async function* readRowBatches(source: AsyncIterable<Uint8Array>, opts: ReadRowsOptions): AsyncGenerator<ImportRow[], ReadRowsSummary, undefined> {
  const { fileName } = opts;
  const limits = resolveLimits(opts.limits);
  if (opts.size !== undefined && opts.size > limits.maxBytes) throw tooLarge(fileName, limits.maxBytes);
  const counter = { bytes: 0 };
  const input = countBytes(source, limits.maxBytes, fileName, counter)[Symbol.asyncIterator]();
  try {
    const head: Uint8Array[] = [];
    let headBytes = 0;
    while (headBytes < MAGIC_BYTES) {
      const next = await input.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.length;
    }
    const magic = new Uint8Array(Math.min(headBytes, MAGIC_BYTES));
    let at = 0;
    for (const h of head) {
      if (at >= magic.length) break;
      magic.set(h.subarray(0, magic.length - at), at);
      at += Math.min(h.length, magic.length - at);
    }
    if (headBytes === 0) throw new ImportFileError({ fileName, code: 'malformed', reason: '文件为空' });
    const refused = REFUSED.find((r) => startsWith(magic, r.magic));
    if (refused) throw new ImportFileError({ fileName, code: 'wrong-type', reason: `文件内容是${refused.what}，不是 CSV 或 XLSX 名单` });
    const kind: ImportKind = startsWith(magic, ZIP) ? 'xlsx' : 'csv';
    if (opts.kind && opts.kind !== kind) {
      throw new ImportFileError({
        fileName,
        code: 'wrong-type',
        reason: kind === 'xlsx' ? '文件名表明是 CSV，但内容是 XLSX（ZIP）工作簿；请确认文件后重新上传' : '文件名表明是 XLSX，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件）；请用 Excel 另存为 .xlsx 后重新上传',
      });
    }
    const bytes = replay(head, input);
    const info = opts.info;
    if (info) info.kind = kind;
    if (kind === 'xlsx') {
      const onSheets = info
        ? (sheets: XlsxSheet[], chosen: XlsxSheet) => {
            info.sheets = sheets;
            info.sheet = chosen;
          }
        : undefined;
      const done = yield* readXlsxBatches(bytes, fileName, limits, { sheet: opts.sheet, onSheets });
      return { kind, sheet: done.sheet, sheetName: done.sheetName, sheets: done.sheets, rows: done.rows, bytes: counter.bytes };
    }
    const done = yield* readCsvBatches(bytes, fileName, limits, info ? (d) => (info.delimiter = d) : undefined);
    return { kind, encoding: done.encoding, delimiter: done.delimiter, rows: done.rows, bytes: counter.bytes };
  } finally {
    // Closes the caller's stream when we stop early (refusal or a consumer's break); a no-op otherwise.
    await input.return?.(undefined);
  }
}

function tooLarge(fileName: string, max: number): ImportFileError {
  return new ImportFileError({ fileName, code: 'too-large', reason: `文件超过 ${formatBytes(max)} 上限；请按区县拆分后分别上传` });
}

async function* countBytes(source: AsyncIterable<Uint8Array>, max: number, fileName: string, counter: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('readRows: the source must yield Uint8Array chunks (open the stream without an encoding)');
    counter.bytes += chunk.length;
    if (counter.bytes > max) throw tooLarge(fileName, max);
    if (chunk.length > 0) yield chunk;
  }
}

async function* replay(head: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  while (head.length > 0) yield head.shift()!;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
