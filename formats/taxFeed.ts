// The tax bureau's payment feed as a file: a CSV (UTF-8, with or without its mark, or GBK), comma,
// semicolon or tab separated, a title line above the header allowed, its columns found by their
// headers. Read whole (5 MiB at most) through the same decoder, tokenizer and header matcher as the
// lists; each data row is then checked by the feed's rules (domain/taxFeed.ts). Every problem of the
// file is listed at once, with its line, column and value.
import {
  TAX_FEED_FIELDS,
  TAX_FEED_MAX_BYTES,
  TaxFeedErrors,
  checkTaxFeedRecords,
  taxFeedRefusal,
  taxFeedResult,
  type TaxFeedField,
  type TaxFeedParseOptions,
  type TaxFeedParseResult,
  type TaxFeedRecord,
} from '../domain/taxFeed';
import { csvRows } from './csv';
import { decodeWhole } from './encoding';
import { headerRowOf, isCompleteHeader, matchHeaders, type FieldAliases } from './headers';
import { ImportFileError, resolveLimits } from './limits';
import type { ImportRow } from './types';

/** Header aliases of the feed's columns, as the bureau's exports and clerks write them. */
export const TAX_FEED_HEADERS: FieldAliases<TaxFeedField> = {
  unitCode: ['单位代码', '区划代码', '行政区划代码', 'unit_code', 'code'],
  paid: ['缴费人数', '已缴费人数', 'paid'],
  amount: ['缴费金额', '征收金额', '金额（元）', '缴费金额（元）', '征收金额（元）', 'amount'],
  asOf: ['统计日期', '截至日期', '截止日期', '日期', 'as_of'],
};

const FIELDS = Object.keys(TAX_FEED_FIELDS) as TaxFeedField[];
const REQUIRED = FIELDS.filter((f) => TAX_FEED_FIELDS[f].required);
/** How many leading rows may be titles above the header (a spreadsheet export often has one). */
const HEADER_SEARCH_ROWS = 10;
const LIMITS = resolveLimits({ maxBytes: TAX_FEED_MAX_BYTES });

const isBlank = (row: ImportRow) => row.cells.every((c) => c.trim() === '');

/** The feed's validated rows, or every error of the file. */
export function parseTaxFeed(bytes: Uint8Array, opts: TaxFeedParseOptions): TaxFeedParseResult {
  const file = opts.fileName;
  const errors = new TaxFeedErrors(file);
  if (bytes.length > TAX_FEED_MAX_BYTES) {
    errors.addFileError(`文件大小 ${bytes.length} 字节，超过 5 MiB（${TAX_FEED_MAX_BYTES} 字节）上限；请按区县拆分后分别提交`);
    return taxFeedRefusal(null, errors);
  }
  if (bytes.length === 0) {
    errors.addFileError('文件为空');
    return taxFeedRefusal(null, errors);
  }
  let decoded: ReturnType<typeof decodeWhole>;
  try {
    decoded = decodeWhole(bytes, file);
  } catch (e) {
    if (!(e instanceof ImportFileError)) throw e;
    errors.addFileError(e.reason);
    return taxFeedRefusal(null, errors);
  }
  const { encoding } = decoded;

  const rows = csvRows(decoded.text, file, LIMITS);
  // The CSV itself broken (an unclosed quote, text after a closing quote, a cap): named with its line,
  // after the errors of the rows before it.
  const broken = (e: unknown) => {
    if (!(e instanceof ImportFileError)) throw e;
    errors.addFileError(e.reason, e.line ?? null);
    return taxFeedRefusal(encoding, errors);
  };
  // The header: the first row naming every required column (read no further), else the best of the first rows.
  const head: ImportRow[] = [];
  let cut: ImportFileError | undefined;
  try {
    while (head.length < HEADER_SEARCH_ROWS) {
      const next = rows.next();
      if (next.done) break;
      if (isBlank(next.value)) continue;
      head.push(next.value);
      if (isCompleteHeader(next.value.cells, TAX_FEED_HEADERS, REQUIRED)) break;
    }
  } catch (e) {
    if (!(e instanceof ImportFileError)) throw e;
    cut = e;
  }
  if (head.length === 0) {
    if (cut) return broken(cut);
    errors.addFileError('文件中没有内容');
    return taxFeedRefusal(encoding, errors);
  }
  try {
    const at = headerRowOf(head.map((r) => r.cells), TAX_FEED_HEADERS, REQUIRED);
    const header = head[at];
    const match = matchHeaders(header.cells, TAX_FEED_HEADERS, { required: REQUIRED });
    const found = header.cells.map((h) => h.trim()).filter((h) => h !== '');
    // Two columns of one meaning: the first is the field's, each other one an error, left to right.
    const repeated = FIELDS.flatMap((f) => match.candidates[f].slice(1).map((column) => ({ column, first: match.candidates[f][0] }))).sort((a, b) => a.column - b.column);
    for (const { column, first } of repeated) {
      errors.add({ line: header.line, column: header.cells[column].trim(), value: header.cells[column], reason: `与“${header.cells[first].trim()}”列含义相同，无法确定使用哪一列` });
    }
    for (const f of match.missing) {
      const { name } = TAX_FEED_FIELDS[f];
      errors.add({
        line: header.line,
        column: name,
        value: found.join(','),
        reason: `缺少必需的列“${name}”（可用的表头：${TAX_FEED_HEADERS[f].join('、')}）；文件中的表头为：${found.join('、') || '（无）'}`,
      });
    }
    if (errors.size > 0) return cut ? broken(cut) : taxFeedRefusal(encoding, errors);

    const columns = new Map(FIELDS.flatMap((f) => (match.candidates[f].length > 0 ? [[f, match.candidates[f][0]] as const] : [])));
    const titles = Object.fromEntries([...columns].map(([f, c]) => [f, header.cells[c].trim()]));
    const record = (row: ImportRow): TaxFeedRecord => ({ line: row.line, cells: Object.fromEntries([...columns].map(([f, c]) => [f, row.cells[c] ?? ''])) });
    // Lazily: the rows before a syntax error further down are checked (and their errors listed) first.
    const records = function* (): Generator<TaxFeedRecord> {
      for (const row of head.slice(at + 1)) yield record(row);
      if (cut) throw cut;
      for (const row of rows) if (!isBlank(row)) yield record(row);
    };
    return taxFeedResult(encoding, checkTaxFeedRecords(records(), { ...opts, titles, errors }), errors);
  } catch (e) {
    return broken(e);
  }
}
