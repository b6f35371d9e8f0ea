// What a cell holds once Excel's ways of forcing text are taken off, and whether the database can keep it.
//
// Officials keep an 18-digit ID number from turning into 4.40703E+17 in two ways: a formula whose value
// is the text (="440703199001011234", which a CSV export writes literally) or a leading apostrophe
// ('440703199001011234, which Excel hides but hand-made and exported CSV files often keep). Both are
// taken off before any value is checked, so the row is not refused for what the official did on purpose.
//
// PostgreSQL text cannot hold the NUL character (U+0000), and a lone UTF-16 surrogate (from an XLSX
// escape such as _xD800_) would be silently stored as U+FFFD. Such text is a row error, never a failed
// statement: a failed COPY would fail every retry of the import in the same way. So is U+FFFD itself:
// it is what the CSV reader makes of bytes invalid in the file's encoding (or a name garbled before the
// file was exported), and a name with it in is not a name to pay contributions for.

/** The cell's value with surrounding spaces, an ="…" wrapper and a leading apostrophe taken off. */
export function normaliseCell(raw: string): string {
  const t = raw.trim();
  if (t.length === 0) return t;
  const first = t.charCodeAt(0);
  if (first === 61 /* = */ && t.length >= 3 && t.charCodeAt(1) === 34 /* " */ && t.charCodeAt(t.length - 1) === 34) {
    const inner = t.slice(2, -1);
    // One string literal only (doubled quotes inside); a formula such as ="a"&B2 is left as written.
    if (/^(?:[^"]|"")*$/.test(inner)) return inner.replace(/""/g, '"').trim();
    return t;
  }
  if (first === 39 /* ' */) return t.slice(1).trim();
  return t;
}

// ES2024 string methods (Node 20 has them; the project's lib is ES2023).
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Why the database cannot (or should not) keep this text, or null when it can. */
/** The characters any of the refusals below starts from (a lone surrogate among the surrogates). */
const SUSPECT = /[\u0000\uFFFD\uD800-\uDFFF]/;

export function unstorableReason(text: string): string | null {
  // Nearly every cell has none of them: one scan decides (this runs for every cell of a million-row file).
  if (!SUSPECT.test(text)) return null;
  if (text.indexOf('\u0000') >= 0) return '含有空字符（0x00），数据库无法保存；文件可能已损坏或混入了二进制内容，请用 Excel 打开后重新另存再上传';
  // What a CSV reader makes of bytes invalid in the file's encoding, or a text already garbled before export.
  if (text.indexOf('\uFFFD') >= 0) return '含有无法识别的字符（乱码“\uFFFD”）：文件的编码有误（如混用了 UTF-8 与 GBK）或内容已损坏；请核对该行后另存为“CSV UTF-8（逗号分隔）”再上传';
  if (!(text as Es2024String).isWellFormed()) return '含有无效的字符编码（不成对的代理字符），数据库无法保存；请检查该单元格后重新上传';
  return null;
}

/** The text with what the database cannot keep replaced by U+FFFD: for headers and sheet names shown back. */
export function storableText(text: string): string {
  return unstorableReason(text) === null ? text : (text.replace(/\u0000/g, '\uFFFD') as Es2024String).toWellFormed();
}
