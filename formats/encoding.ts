// Which text encoding a file is in, and its text. Officials' files come in three: UTF-8, UTF-8 with a
// byte-order mark (Excel's "CSV UTF-8"), and GBK, the encoding of a spreadsheet saved as "CSV" on a
// Chinese Windows, read here as GB18030, which contains it. Without a mark the bytes decide: text that is
// strictly valid UTF-8 is UTF-8, anything else GB18030 (a GBK file is almost never valid UTF-8: its
// lead bytes 0x81-0xFE are followed by bytes a UTF-8 continuation never has). What is not text at all is
// refused here, with a reason the official can act on: UTF-16 ("Unicode 文本"), binary content, an HTML
// or XML table saved with a spreadsheet's extension.
//
// Two ways of decoding, for two kinds of file:
// - `StreamDecoder`, for lists of any size read as a stream: decided from the first 64 KiB (or, when
//   those are ASCII throughout, from the first non-ASCII character wherever it comes); bytes invalid in
//   the chosen encoding later on are read as U+FFFD, so that the caller refuses the rows holding them,
//   with their lines, rather than the whole file at the first;
// - `decodeWhole`, for small files read whole (the tax feed, 5 MiB at most): strict, so that a file
//   with any byte invalid in both encodings is refused as a whole.
import { ImportFileError } from './limits';
import type { TextEncodingName } from './types';

/** Bytes looked at before the encoding is chosen. */
export const SNIFF_BYTES = 64 * 1024;

export function concatBytes(parts: Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const hasUtf8Bom = (head: Uint8Array) => head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;

/**
 * Refuses what is not text in one of our encodings, from the file's first bytes (64 KiB, or the whole
 * of a shorter file); says whether a UTF-8 byte-order mark opens it.
 */
export function checkTextHead(head: Uint8Array, fileName: string): { bom: boolean } {
  const refuse = (code: 'wrong-type' | 'encoding', reason: string) => new ImportFileError({ fileName, code, reason });
  if (hasUtf8Bom(head)) return { bom: true };
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw refuse('encoding', '文件是 UTF-16（“Unicode 文本”）编码；请另存为“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”后重新上传');
  }
  if (head.indexOf(0) >= 0) throw refuse('wrong-type', '文件包含二进制内容，不是 CSV 文本文件，也不是 XLSX 工作簿');
  const start = new TextDecoder('latin1').decode(head.subarray(0, 512)).trimStart().toLowerCase();
  if (/^<(!doctype html|html|table|\?xml)/.test(start)) {
    throw refuse(
      'wrong-type',
      '文件是网页（HTML）或 XML 表格（系统导出的“.xls”常是这种格式），不是 CSV 或 XLSX；请用 Excel 打开后另存为“Excel 工作簿（*.xlsx）”或“CSV UTF-8”再上传',
    );
  }
  return { bom: false };
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
 * Both decoders give ASCII bytes back as themselves, so an invalid byte never becomes a delimiter, a
 * quote or a line break.
 */
export class StreamDecoder {
  private td: TextDecoder;
  private undecided: boolean;
  private carry: Uint8Array = new Uint8Array(0);

  private constructor(public encoding: TextEncodingName) {
    this.td = new TextDecoder(encoding === 'gb18030' ? 'gb18030' : 'utf-8');
    this.undecided = encoding !== 'utf-8-bom';
  }

  /** Refuses what is not text (see checkTextHead); the head is the first 64 KiB (or the whole, shorter, file). */
  static open(head: Uint8Array, fileName: string): StreamDecoder {
    return new StreamDecoder(checkTextHead(head, fileName).bom ? 'utf-8-bom' : 'utf-8');
  }

  decode(piece: Uint8Array): string {
    let bytes = piece;
    if (this.undecided) {
      bytes = this.carry.length > 0 ? concatBytes([this.carry, piece]) : piece;
      this.carry = new Uint8Array(0);
      const complete = completeUtf8Length(bytes);
      let firstNonAscii = 0;
      while (firstNonAscii < complete && bytes[firstNonAscii] <= 0x7f) firstNonAscii++;
      if (firstNonAscii >= complete) {
        this.carry = bytes.slice(complete);
        bytes = bytes.subarray(0, complete);
      } else {
        this.undecided = false;
        if (!isUtf8(bytes, true)) {
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

function isUtf8(bytes: Uint8Array, stream: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/**
 * A small file's whole text, strictly: every byte must be valid in the encoding chosen (a byte-order
 * mark means UTF-8; else UTF-8 when the whole file is valid UTF-8, else GB18030), or the file is
 * refused (ImportFileError, code `encoding`).
 */
export function decodeWhole(bytes: Uint8Array, fileName: string): { encoding: TextEncodingName; text: string } {
  const { bom } = checkTextHead(bytes.subarray(0, SNIFF_BYTES), fileName);
  const refuse = (reason: string) => new ImportFileError({ fileName, code: 'encoding', reason });
  if (bom) {
    try {
      return { encoding: 'utf-8-bom', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(3)) };
    } catch {
      throw refuse('文件以 UTF-8 标记开头，但内容不是有效的 UTF-8');
    }
  }
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      return { encoding, text: new TextDecoder(encoding, { fatal: true }).decode(bytes) };
    } catch {
      // Not this one: a spreadsheet saved as CSV on a Chinese Windows is GBK, which GB18030 contains.
    }
  }
  throw refuse('无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）');
}
