// The resident ID number (公民身份号码, GB 11643-1999): the join key between the roster, the hardship
// lists and the tax feed. Pure: no clock is read here (callers pass `today`), no I/O, safe in workflow
// code.
//
// Layout of the 18 characters: 6-digit region code (GB/T 2260), 8-digit birth date YYYYMMDD, 3-digit
// sequence whose parity gives the sex (odd = male), 1 check character by ISO 7064 MOD 11-2 ('X' = 10).
//
// Documented rules (the import error reports and the screening rely on them):
// - Normalisation forgives only what spreadsheets and typists add without changing the number: spaces,
//   tabs, no-break and ideographic spaces (U+3000) and hyphens/dashes anywhere; full-width digits and
//   full-width Ｘ/ｘ; lowercase x. Anything else (letters, Chinese characters, a scientific-notation
//   number) is refused, never guessed at.
// - Region: only the first two digits are checked against the GB/T 2260 province list (PROVINCE_CODES).
//   Checking the county part needs the full, yearly-revised code table, which is data we do not ship; a
//   withdrawn county code stays valid on the people who were issued it anyway.
// - Birth date: a real calendar date, not after `today`, not before 1900-01-01.
// - 15-digit legacy numbers (issued before 1999: 6-digit region, YYMMDD birth date in the 1900s,
//   3-digit sequence, no check character) are accepted and upgraded the way GB 11643-1999 prescribes:
//   '19' inserted before the year and the check character computed and appended; the result carries
//   `upgradedFrom15`. A 15-character value with anything but digits is refused.
// - Reasons are plain Chinese for the clerk who exported the file, and never repeat the number's digits
//   (no birth date, no sequence): they may end up in logs. They name positions and, for a wrong check
//   character, the expected one.

/**
 * First two digits of a region code: the provinces, autonomous regions, municipalities and SARs of
 * GB/T 2260, and 83, which residence permits of Taiwan residents use (港澳台居民居住证: 810000,
 * 820000, 830000); such residents may join the resident scheme where they live.
 */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', // 北京 天津 河北 山西 内蒙古
  '21', '22', '23', // 辽宁 吉林 黑龙江
  '31', '32', '33', '34', '35', '36', '37', // 上海 江苏 浙江 安徽 福建 江西 山东
  '41', '42', '43', '44', '45', '46', // 河南 湖北 湖南 广东 广西 海南
  '50', '51', '52', '53', '54', // 重庆 四川 贵州 云南 西藏
  '61', '62', '63', '64', '65', // 陕西 甘肃 青海 宁夏 新疆
  '71', // 台湾
  '81', '82', // 香港 澳门
  '83', // 台湾居民居住证
]);

/** ISO 7064 MOD 11-2 weights (2^(17-i) mod 11) of the first 17 digits. */
export const CHECK_WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character by remainder of the weighted sum mod 11. */
const CHECK_CHARS = '10X98765432';

/** Earliest birth date accepted. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

export type Sex = 'male' | 'female';

export interface ValidIdNumber {
  ok: true;
  /** The 18-character normalised number (digits and a possible final 'X'). */
  id: string;
  /** The 6-digit region code as written; only its province part has been checked. */
  region: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
  /** The 15-digit legacy number this one was upgraded from. */
  upgradedFrom15?: string;
}

/** Which rule failed, for grouping errors; `reason` is the sentence to show. */
export type IdNumberProblem = 'empty' | 'characters' | 'length' | 'region' | 'birthDate' | 'checkDigit';

export interface InvalidIdNumber {
  ok: false;
  code: IdNumberProblem;
  /** Plain Chinese, naming what is wrong; never repeats the number's digits. */
  reason: string;
}

export type IdNumberValidation = ValidIdNumber | InvalidIdNumber;

// Whitespace a spreadsheet or a typist leaves around or inside a number: ASCII space and tab, CR/LF,
// no-break space, the ideographic space U+3000 and the zero-width characters; hyphens and dashes
// (ASCII, U+2010-2015, U+2212 minus, full-width U+FF0D) used to group digits.
const REMOVABLE = /[\s\u00a0\u3000\u200b-\u200d\ufeff\-\u2010-\u2015\u2212\uff0d]/g;

/**
 * The number as it should be stored: separators removed, full-width digits and Ｘ/ｘ made ASCII,
 * lowercase x made 'X'. Nothing else is changed; whether the result is valid is validateIdNumber's job.
 */
export function normaliseIdNumber(raw: string): string {
  return raw.replace(REMOVABLE, '').replace(/[\uff10-\uff19\uff38\uff58x]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 0x30);
    return 'X';
  });
}

/** The check character for the first 17 digits (ISO 7064 MOD 11-2). Throws on anything but 17 ASCII digits. */
export function computeCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('computeCheckDigit needs exactly 17 ASCII digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * CHECK_WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : MONTH_DAYS[month - 1];
}

function parseIsoDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

function requireIsoDate(text: string, name: string): { year: number; month: number; day: number } {
  const d = parseIsoDate(text);
  if (!d) throw new RangeError(`${name} must be a real date as YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return d;
}

// A stray character is named so the clerk can find it, except a Chinese character (likely part of a
// name typed into the wrong column) or an invisible one.
function describeChar(c: string): string {
  if (/^\p{Script=Han}$/u.test(c)) return '汉字';
  if (/^[\p{Cc}\p{Cf}]$/u.test(c)) return `不可见的控制字符（U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}）`;
  if (/^[A-Za-z]$/.test(c)) return `字母“${c}”`;
  return `“${c}”`;
}

function refuse(code: IdNumberProblem, reason: string): InvalidIdNumber {
  return { ok: false, code, reason };
}

/**
 * Checks a resident ID number as typed or imported (normalised first) against GB 11643. `today` is
 * the reference date for "not in the future" (YYYY-MM-DD, in Asia/Shanghai; the caller reads the clock).
 * The rules are listed at the top of this file.
 */
export function validateIdNumber(raw: string, opts: { today: string }): IdNumberValidation {
  if (opts.today !== checkedToday) {
    requireIsoDate(opts.today, 'today');
    checkedToday = opts.today;
  }
  // Most numbers in a file are already 18 clean characters: decided here without normalising; anything
  // this path does not accept outright goes through the full checks below, which name the problem.
  if (raw.length === 18 && CLEAN_18.test(raw)) {
    const fast = validClean18(raw, opts.today);
    if (fast) return fast;
  }
  const id = normaliseIdNumber(raw);
  if (id === '') return refuse('empty', '身份证号为空');

  // A number typed into a spreadsheet cell as a number: the last digits are already lost.
  if (/^\d(\.\d+)?E\+?\d+$/i.test(id)) {
    return refuse(
      'characters',
      '身份证号被表格软件转成了科学计数法的数字，后几位已经丢失；请把该列设为“文本”格式后重新录入或导出',
    );
  }

  const chars = Array.from(id);
  const bad = chars.findIndex((c) => !/^[0-9X]$/.test(c));
  if (bad >= 0) {
    return refuse('characters', `第${bad + 1}位是${describeChar(chars[bad])}：身份证号只能由数字组成，仅第18位可以是X`);
  }
  if (chars.length !== 18 && chars.length !== 15) {
    return refuse('length', `身份证号应为18位（或1999年以前签发的15位旧号码），实际为${chars.length}位`);
  }
  if (chars.length === 15) {
    const x = id.indexOf('X');
    if (x >= 0) return refuse('characters', `第${x + 1}位是“X”：15位旧身份证号只能由数字组成`);
  } else {
    const x = id.indexOf('X');
    if (x >= 0 && x < 17) return refuse('characters', `第${x + 1}位是“X”：身份证号只有第18位（校验码）可以是X`);
  }

  const province = id.slice(0, 2);
  if (!PROVINCE_CODES.has(province)) {
    return refuse('region', `前两位“${province}”不是有效的省级行政区划代码（GB/T 2260）`);
  }

  const legacy = id.length === 15;
  const year = legacy ? 1900 + Number(id.slice(6, 8)) : Number(id.slice(6, 10));
  const month = Number(legacy ? id.slice(8, 10) : id.slice(10, 12));
  const day = Number(legacy ? id.slice(10, 12) : id.slice(12, 14));
  const where = legacy ? '第7-12位的出生日期' : '第7-14位的出生日期';
  if (month < 1 || month > 12) return refuse('birthDate', `${where}不是真实日期：月份不在01-12之间`);
  if (day < 1 || day > daysInMonth(year, month)) {
    return refuse('birthDate', `${where}不是真实日期：该月没有这一天`);
  }
  const birthDate = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (birthDate < EARLIEST_BIRTH_DATE) return refuse('birthDate', `${where}早于1900年1月1日`);
  if (birthDate > opts.today) {
    return refuse('birthDate', `${where}晚于今天（${opts.today}），不可能是真实出生日期`);
  }

  if (legacy) {
    const first17 = `${id.slice(0, 6)}19${id.slice(6)}`;
    const upgraded = first17 + computeCheckDigit(first17);
    return {
      ok: true,
      id: upgraded,
      region: id.slice(0, 6),
      birthDate,
      sex: Number(id[14]) % 2 === 1 ? 'male' : 'female',
      upgradedFrom15: id,
    };
  }

  const expected = computeCheckDigit(id.slice(0, 17));
  if (id[17] !== expected) {
    return refuse('checkDigit', `校验码错误：按前17位计算，第18位应为“${expected}”，实际为“${id[17]}”；请核对号码是否录错`);
  }
  return { ok: true, id, region: id.slice(0, 6), birthDate, sex: Number(id[16]) % 2 === 1 ? 'male' : 'female' };
}

let checkedToday = '';
const CLEAN_18 = /^\d{17}[\dX]$/;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The full checks for a clean 18-character number, without allocations on the way; undefined if any fails. */
function validClean18(id: string, today: string): ValidIdNumber | undefined {
  if (!PROVINCE_CODES.has(id.slice(0, 2))) return undefined;
  // Digits read in place (no helper closure: this runs for every row of a million-row file).
  const year = (id.charCodeAt(6) - 48) * 1000 + (id.charCodeAt(7) - 48) * 100 + (id.charCodeAt(8) - 48) * 10 + (id.charCodeAt(9) - 48);
  const month = (id.charCodeAt(10) - 48) * 10 + (id.charCodeAt(11) - 48);
  const day = (id.charCodeAt(12) - 48) * 10 + (id.charCodeAt(13) - 48);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const birthDate = `${year}-${pad2(month)}-${pad2(day)}`;
  if (birthDate < EARLIEST_BIRTH_DATE || birthDate > today) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * CHECK_WEIGHTS[i];
  if (id[17] !== CHECK_CHARS[sum % 11]) return undefined;
  return { ok: true, id, region: id.slice(0, 6), birthDate, sex: (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female' };
}

/**
 * For display where a role may not see the number: an 18- or 15-character value keeps its first 6 and
 * last 4 characters around 8 asterisks (440703********123X), hiding the birth date (for a 15-digit
 * number all but its last digit) and whether the number is the 15- or 18-digit kind. Anything else (a malformed value in an error report) keeps only its last 2
 * characters, and nothing at all when it is 4 characters or shorter, where 2 would be half the value
 * (a name typed into the ID column). The value is normalised first, so "440703 19900101 123x" masks
 * like the clean number.
 */
export function maskIdNumber(id: string): string {
  const chars = Array.from(normaliseIdNumber(id));
  const n = chars.length;
  if (n === 18 || n === 15) return `${chars.slice(0, 6).join('')}********${chars.slice(-4).join('')}`;
  if (n <= 4) return '*'.repeat(n);
  return '*'.repeat(n - 2) + chars.slice(-2).join('');
}

/**
 * Age in completed years on `onDate` (both YYYY-MM-DD): the birthday itself counts. Someone born on
 * Feb 29 turns a year older on Mar 1 in a common year (still younger on Feb 28), the reading used for
 * "age >= 16 at the reference date". A date before the birth gives a negative number (floor), so a
 * comparison such as `ageOn(b, ref) < 16` still classifies a later-born person as under age.
 * Throws RangeError on a malformed or impossible date.
 */
export function ageOn(birthDate: string, onDate: string): number {
  const b = requireIsoDate(birthDate, 'birthDate');
  const on = requireIsoDate(onDate, 'onDate');
  const years = on.year - b.year;
  const beforeBirthday = on.month < b.month || (on.month === b.month && on.day < b.day);
  return beforeBirthday ? years - 1 : years;
}
