// The one header matcher: columns found by their headers as officials and departments actually write
// them, Chinese or English, with full-width characters, stray spaces, a required mark (*) or a note in
// brackets (身份证号（必填）, *姓名, 证件号码[18位]), in any order, under a title row if there is one.
// Every file with a header goes through it: rosters and hardship lists (./lists.ts) and the tax bureau's
// feed (./taxFeed.ts). A header the aliases do not know is corrected by the user where there is one (the
// console sends the choice back as `override`: field -> column index).

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

export interface HeaderMatch<K extends string> {
  /** The column of each field found exactly once and claimed by no other field. */
  columns: Partial<Record<K, number>>;
  /** Required fields with no column. */
  missing: K[];
  /** Required fields with several columns, or sharing their column with another required field. */
  ambiguous: K[];
  /** Every column each field's aliases name (the override's column when there is one), left to right. */
  candidates: Record<K, number[]>;
}

const BRACKETED = /[([【〔《<][^()[\]【】〔〕《》<>]*[)\]】〕》>]/g;
/**
 * A scale in brackets is not a note: 缴费金额(万元) is ten thousand times 缴费金额(元). It is kept, so that
 * such a column matches no alias written for the plain unit and the file is refused, not misread.
 */
const SCALE = /^\s*(十|百|千|万|十万|百万|千万|亿)\s*(元|人|户|人次)?\s*$/;

/**
 * NFKC (full-width letters, digits and brackets to half-width), brackets and the note they hold removed
 * (unless it is a scale), then whitespace, '_', '-', '*', ':' and a byte-order mark removed, lower case.
 */
export function normaliseHeader(header: string): string {
  let h = header.normalize('NFKC');
  for (let prev = ''; prev !== h; ) {
    prev = h;
    h = h.replace(BRACKETED, (b) => (SCALE.test(b.slice(1, -1)) ? b : ''));
  }
  return h.replace(/[\s_\-*:\uFEFF]/g, '').toLowerCase();
}

/**
 * The fields' columns in one header row. Required fields (all, unless `required` names some) must each
 * have exactly one column of their own; an optional field takes its column when it is found exactly
 * once and no earlier field has it. A user's override is taken as given (its column is then offered to
 * no alias), and one out of range counts as no column.
 */
export function matchHeaders<K extends string>(
  header: readonly string[],
  fields: FieldAliases<K>,
  opts: { required?: readonly K[]; override?: Partial<Record<K, number>> } = {},
): HeaderMatch<K> {
  const keys = Object.keys(fields) as K[];
  const required = new Set<K>(opts.required ?? keys);
  const override: Partial<Record<K, number>> = opts.override ?? {};
  const normalised = header.map(normaliseHeader);
  const claimed = new Set<number>();
  const candidates = {} as Record<K, number[]>;
  for (const key of keys) {
    const column = override[key];
    if (column === undefined) continue;
    const valid = Number.isInteger(column) && column >= 0 && column < header.length;
    candidates[key] = valid ? [column] : [];
    if (valid) claimed.add(column);
  }
  for (const key of keys) {
    if (override[key] !== undefined) continue;
    const aliases = new Set(fields[key].map(normaliseHeader));
    candidates[key] = [];
    normalised.forEach((h, i) => {
      if (h !== '' && !claimed.has(i) && aliases.has(h)) candidates[key].push(i);
    });
  }

  const columns: Partial<Record<K, number>> = {};
  const missing: K[] = [];
  const ambiguous = new Set<K>();
  const byColumn = new Map<number, K[]>();
  for (const key of keys) {
    if (!required.has(key)) continue;
    const found = candidates[key];
    if (found.length === 0) missing.push(key);
    else if (found.length > 1) ambiguous.add(key);
    else byColumn.set(found[0], [...(byColumn.get(found[0]) ?? []), key]);
  }
  // One column for two fields (overlapping aliases, or an override repeated) is as unclear as two columns for one.
  for (const [column, keysAt] of byColumn) {
    if (keysAt.length > 1) keysAt.forEach((k) => ambiguous.add(k));
    else columns[keysAt[0]] = column;
  }
  const used = new Set(byColumn.keys());
  for (const key of keys) {
    if (required.has(key) || candidates[key].length !== 1 || used.has(candidates[key][0])) continue;
    columns[key] = candidates[key][0];
    used.add(candidates[key][0]);
  }
  return { columns, missing, ambiguous: keys.filter((k) => ambiguous.has(k)), candidates };
}

const isComplete = (m: HeaderMatch<string>) => m.missing.length === 0 && m.ambiguous.length === 0;

/** Whether a row is a header with every required field found once (the row headerRowOf stops at). */
export function isCompleteHeader<K extends string>(row: readonly string[], fields: FieldAliases<K>, required?: readonly K[]): boolean {
  return isComplete(matchHeaders(row, fields, { required }));
}

/** Every field required: its column, or what is missing and what is ambiguous, with the headers found. */
export function mapHeaders<K extends string>(header: readonly string[], fields: FieldAliases<K>, override?: Partial<Record<K, number>>): HeaderMapping<K> {
  const m = matchHeaders(header, fields, { override });
  if (m.missing.length === 0 && m.ambiguous.length === 0) return { ok: true, columns: m.columns as Record<K, number> };
  return { ok: false, missing: m.missing, ambiguous: m.ambiguous, found: header.map((h) => h.trim()).filter((h) => h !== '') };
}

/**
 * The header among a file's first rows: the first row where every required field is found, else the
 * row naming most fields exactly once (the earliest of equals), so that a title row above the header is
 * passed over and a header short of a column is still the one shown to the user.
 */
export function headerRowOf<K extends string>(rows: readonly (readonly string[])[], fields: FieldAliases<K>, required?: readonly K[]): number {
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < rows.length; i++) {
    const m = matchHeaders(rows[i], fields, { required });
    if (isComplete(m)) return i;
    const score = (Object.values(m.candidates) as number[][]).filter((c) => c.length === 1).length;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}
