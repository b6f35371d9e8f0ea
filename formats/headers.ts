// Columns of a roster or hardship list found by their headers, as officials actually write them: Chinese
// or English, with full-width characters, stray spaces, a required mark (*) or a note in brackets
// (身份证号（必填）, *姓名, 证件号码[18位]), in any order. A header the tables do not know is corrected in the
// console, which sends the user's choice back as `override` (field -> column index).

/** Aliases per field; matched after normaliseHeader, so write them as they would appear in a file. */
export type FieldAliases<K extends string> = Record<K, readonly string[]>;

export type HeaderMapping<K extends string> =
  | { ok: true; columns: Record<K, number> }
  | {
      ok: false;
      /** Fields no column was found for. */
      missing: K[];
      /** Fields more than one column could be (say 身份证号 and 证件号码 both present): the user picks. */
      ambiguous: K[];
      /** The file's non-empty headers as written, for the console's picker. */
      found: string[];
    };

/** The participant roster (花名册). */
export const ROSTER_FIELDS = {
  idNumber: ['身份证号', '公民身份号码', '证件号码', '身份证号码', '身份证', 'idNumber', 'id_number'],
  name: ['姓名', '人员姓名', '参保人姓名', 'name'],
  villageCode: ['户籍地行政区划代码', '户籍村代码', '村(居)代码', 'villageCode'],
  enrolmentStatus: ['参保状态', 'enrolmentStatus', 'enrollmentStatus'],
  tier: ['本年缴费档次', '缴费档次', 'tier'],
  lastYearTier: ['上年缴费档次', 'lastYearTier'],
  paymentStatus: ['缴费状态', 'paymentStatus'],
  drawingPension: ['是否领取待遇', '领取养老金', '是否领取养老金', 'drawingPension'],
} as const satisfies FieldAliases<string>;
export type RosterField = keyof typeof ROSTER_FIELDS;

/**
 * A hardship list (one file per category and issuing department). When the category and date come
 * from the upload form rather than from columns, map with only the fields the file must have, e.g.
 * `{ idNumber: HARDSHIP_FIELDS.idNumber, name: HARDSHIP_FIELDS.name }`.
 */
export const HARDSHIP_FIELDS = {
  idNumber: ROSTER_FIELDS.idNumber,
  name: ROSTER_FIELDS.name,
  category: ['困难类别', '人员类别', 'category'],
  listDate: ['认定日期', 'listDate'],
} as const satisfies FieldAliases<string>;
export type HardshipField = keyof typeof HARDSHIP_FIELDS;

const BRACKETED = /[(\[【〔《<][^()\[\]【】〔〕《》<>]*[)\]】〕》>]/g;

/**
 * NFKC (full-width letters, digits and brackets to half-width), brackets and what they hold removed,
 * then whitespace, '_', '-', '*', ':' and a byte-order mark removed, lower case.
 */
export function normaliseHeader(header: string): string {
  let h = header.normalize('NFKC');
  for (let prev = ''; prev !== h; ) {
    prev = h;
    h = h.replace(BRACKETED, '');
  }
  return h.replace(/[\s_\-*:\uFEFF]/g, '').toLowerCase();
}

export function mapHeaders<K extends string>(
  header: readonly string[],
  fields: FieldAliases<K>,
  override?: Partial<Record<K, number>>,
): HeaderMapping<K> {
  const keys = Object.keys(fields) as K[];
  const normalised = header.map(normaliseHeader);
  const picked = new Map<K, number>();
  const missing: K[] = [];
  const ambiguous = new Set<K>();

  // The user's choices first; their columns are not offered to the alias matching.
  const claimed = new Set<number>();
  for (const key of keys) {
    const column = override?.[key];
    if (column === undefined) continue;
    if (Number.isInteger(column) && column >= 0 && column < header.length) {
      picked.set(key, column);
      claimed.add(column);
    } else missing.push(key);
  }
  for (const key of keys) {
    if (override?.[key] !== undefined) continue;
    const aliases = new Set(fields[key].map(normaliseHeader));
    const matches: number[] = [];
    normalised.forEach((h, i) => {
      if (h !== '' && !claimed.has(i) && aliases.has(h)) matches.push(i);
    });
    if (matches.length === 0) missing.push(key);
    else if (matches.length > 1) ambiguous.add(key);
    else picked.set(key, matches[0]);
  }
  // One column for two fields (overlapping aliases, or an override repeated) is as unclear as two columns for one.
  const byColumn = new Map<number, K[]>();
  for (const [key, column] of picked) byColumn.set(column, [...(byColumn.get(column) ?? []), key]);
  for (const keysAtColumn of byColumn.values()) if (keysAtColumn.length > 1) keysAtColumn.forEach((k) => ambiguous.add(k));

  if (missing.length === 0 && ambiguous.size === 0) {
    return { ok: true, columns: Object.fromEntries(keys.map((k) => [k, picked.get(k)!])) as Record<K, number> };
  }
  return {
    ok: false,
    missing,
    ambiguous: keys.filter((k) => ambiguous.has(k)),
    found: header.map((h) => h.trim()).filter((h) => h !== ''),
  };
}
