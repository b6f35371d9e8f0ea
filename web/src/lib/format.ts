// Numbers and instants for people, the way officials write them: counts in 万 and 亿 (147万, not
// 1,470,000), money with two decimals (42.48万元), rates with one (12.3%), tied units ranked 并列, dates
// as 2026年12月1日 in prose and ISO (2026-12-01) in tables, and wall-clock times in the plan's time zone
// (never the browser's), through the same pure rules the server uses.
import { formatLocal, localDateOf, zonedParts } from '../../../domain/time';
import type { Language } from './i18n';

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(language: Language, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(language, options);
    numberFormats.set(key, f);
  }
  return f;
}

/** A whole number with thousands separators, exactly as typed (reports, row counts): 12,345. */
export function formatNumber(value: number, language: Language): string {
  return numberFormat(language, { maximumFractionDigits: 0 }).format(value);
}

/** A plain decimal with thousands separators and at most two decimals (sizes, not money). */
export function formatAmount(value: number, language: Language): string {
  return numberFormat(language, { maximumFractionDigits: 2 }).format(value);
}

const WAN = 10_000;
const YI = 100_000_000;

/**
 * `value` in 万 or 亿 with `decimals` decimals (trailing zeros dropped unless `fixed`), or null below
 * 1万. Rounding that reaches the next unit moves to it: 99,999,999 is 1亿, not 10000万.
 */
function inWanYi(value: number, decimals: number, fixed: boolean): string | null {
  const abs = Math.abs(value);
  const scale = 10 ** decimals;
  const round = (v: number) => Math.round(v * scale) / scale;
  const show = (v: number) => (fixed ? v.toFixed(decimals) : String(v));
  const sign = value < 0 ? '-' : '';
  if (abs >= YI || round(abs / WAN) >= WAN) return `${sign}${show(round(abs / YI))}亿`;
  if (abs >= WAN) return `${sign}${show(round(abs / WAN))}万`;
  return null;
}

/**
 * A count of people as officials write it: under 1万 in full with separators (9,876), from 1万 in 万
 * (147万, 5.26万) and from 1亿 in 亿 (1.47亿), up to two decimals. English keeps the full number.
 */
export function formatCount(value: number, language: Language): string {
  if (language === 'zh-CN') {
    const big = inWanYi(value, 2, false);
    if (big !== null) return big;
  }
  return formatNumber(value, language);
}

/** Yuan with exactly two decimals and separators, without a unit: 424,800.50 (records, forms). */
export function formatYuan(value: number, language: Language): string {
  return numberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/**
 * Money with its unit as officials write it: 1,234.50元, 42.48万元, 1.20亿元 (two decimals always);
 * English: ¥424,800.50.
 */
export function formatMoney(value: number, language: Language): string {
  if (language === 'zh-CN') return `${inWanYi(value, 2, true) ?? formatYuan(value, language)}元`;
  return `¥${formatYuan(value, language)}`;
}

/**
 * A ratio (0.123) as a rate with one decimal: `12.3%`. A rate short of 100% never shows as 100.0%
 * (99.96% is 99.9%): an official reads 100% as "target met".
 */
export function formatRate(ratio: number, language: Language): string {
  let shown = ratio;
  if (ratio < 1 && Math.round(ratio * 1000) >= 1000) shown = 0.999;
  return numberFormat(language, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(shown);
}

/** A difference of two rates in percentage points with one decimal, without sign: 0.023 -> `2.3`. */
export function formatPoints(difference: number): string {
  return (Math.abs(difference) * 100).toFixed(1);
}

export interface Ranked<T> {
  item: T;
  /** 1-based, shared by ties (1, 2, 2, 4); null for an item without a score (no target). */
  rank: number | null;
  /** Whether another item has the same rank (并列). */
  tied: boolean;
}

/**
 * Standard competition ranking (1, 2, 2, 4), best score first; items without a score come last,
 * unranked. Ties are decided on `key`, which callers round to what the page shows (one-decimal
 * rates), so that two units showing the same figure never get different ranks.
 */
export function rankWithTies<T>(items: readonly T[], key: (item: T) => number | null): Ranked<T>[] {
  const scored = items.map((item, index) => ({ item, index, score: key(item) }));
  scored.sort((a, b) => {
    if (a.score === null || b.score === null) return (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0) || a.index - b.index;
    return b.score - a.score || a.index - b.index;
  });
  const count = new Map<number, number>();
  for (const s of scored) if (s.score !== null) count.set(s.score, (count.get(s.score) ?? 0) + 1);
  const out: Ranked<T>[] = [];
  scored.forEach((s, i) => {
    if (s.score === null) {
      out.push({ item: s.item, rank: null, tied: false });
      return;
    }
    const previous = out[i - 1];
    const rank = i > 0 && scored[i - 1].score === s.score ? previous.rank : i + 1;
    out.push({ item: s.item, rank, tied: (count.get(s.score) ?? 0) > 1 });
  });
  return out;
}

/** A rate's ranking key at the precision it is shown with (one decimal of a percent). */
export const rateKey = (ratio: number | null): number | null => (ratio === null ? null : Math.round(ratio * 1000));

/** actual / target, or null when there is no positive target to measure against. */
export function ratio(actual: number, target: number | null | undefined): number | null {
  if (target === null || target === undefined || target <= 0) return null;
  return actual / target;
}

const ms = (instant: number | string | Date) => new Date(instant).getTime();
const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` in the zone. */
export function localDate(instant: number | string | Date, timeZone: string): string {
  return localDateOf(ms(instant), timeZone);
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `YYYY-MM-DD` (or a local date as given) as prose: 2026年12月1日; English: 1 Dec 2026. */
export function proseDate(date: string, language: Language): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  if (language === 'zh-CN') return `${y}年${m}月${d}日`;
  return `${d} ${MONTHS_EN[m - 1]} ${y}`;
}

/** An instant's date in the zone as prose: 2026年12月1日. */
export function formatDateProse(instant: number | string | Date, timeZone: string, language: Language): string {
  return proseDate(localDate(instant, timeZone), language);
}

/** An instant in the zone as prose: 2026年12月1日 18:30 (the time left out at midnight). */
export function formatDateTimeProse(instant: number | string | Date, timeZone: string, language: Language): string {
  const w = zonedParts(ms(instant), timeZone);
  const date = formatDateProse(instant, timeZone, language);
  return w.hour === 0 && w.minute === 0 ? date : `${date} ${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * A deadline as prose: a bare plan date means the end of that day, so midnight shows as the date
 * before (2026年11月30日); any other time with it (2026年11月30日 18:00).
 */
export function formatDeadlineProse(instant: number | string | Date, timeZone: string, language: Language): string {
  const at = ms(instant);
  const w = zonedParts(at, timeZone);
  if (w.hour === 0 && w.minute === 0) return proseDate(localDate(at - 1, timeZone), language);
  return `${proseDate(localDate(at, timeZone), language)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** A local month `YYYY-MM` as prose: 2026年12月; English: Dec 2026. */
export function proseMonth(month: string, language: Language): string {
  const [y, m] = month.split('-').map(Number);
  if (language === 'zh-CN') return `${y}年${m}月`;
  return `${MONTHS_EN[m - 1]} ${y}`;
}

/** A local date's month and day, short, for chart axes: 12月1日; English: 1 Dec. */
export function shortDate(date: string, language: Language): string {
  const [, m, d] = date.slice(0, 10).split('-').map(Number);
  return language === 'zh-CN' ? `${m}月${d}日` : `${d} ${MONTHS_EN[m - 1]}`;
}

/** `YYYY-MM-DD HH:mm` in the zone. */
export function formatDateTime(instant: number | string | Date, timeZone: string): string {
  return formatLocal(ms(instant), timeZone);
}

/** A start: midnight shows as the bare date, which is how plans are written. */
export function formatStart(instant: number | string, timeZone: string): string {
  const w = zonedParts(ms(instant), timeZone);
  return w.hour === 0 && w.minute === 0 ? localDate(instant, timeZone) : formatDateTime(instant, timeZone);
}

/**
 * A deadline: a bare plan date means the end of that day (the next day's 00:00), so midnight shows
 * as the previous date, as the plan said it ("9月30日前").
 */
export function formatDeadline(instant: number | string, timeZone: string): string {
  const at = ms(instant);
  const w = zonedParts(at, timeZone);
  return w.hour === 0 && w.minute === 0 ? localDate(at - 1, timeZone) : formatDateTime(at, timeZone);
}

/** The `YYYY-MM-DD` and `HH:mm` an input would show for a deadline (midnight as the date before). */
export function deadlineInputs(instant: number | string, timeZone: string): { date: string; time: string } {
  const at = ms(instant);
  const w = zonedParts(at, timeZone);
  if (w.hour === 0 && w.minute === 0) return { date: localDate(at - 1, timeZone), time: '' };
  return { date: localDate(at, timeZone), time: `${pad(w.hour)}:${pad(w.minute)}` };
}

export interface Remaining {
  days: number;
  hours: number;
  minutes: number;
}

export function remaining(fromMs: number, toMs: number): Remaining {
  const total = Math.max(0, Math.floor((toMs - fromMs) / 60_000));
  return { days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 };
}

/**
 * A due instant as the plan wrote it: a report due at "24:00" falls at the next day's 00:00, which
 * would read as a day late, so midnight shows as `YYYY-MM-DD 24:00` of the day before.
 */
export function formatDue(instant: number | string | Date, timeZone: string): string {
  const d = dueParts(instant, timeZone);
  return `${d.date} ${d.time}`;
}

/** The local date a due instant belongs to and its time, with midnight as 24:00 of the day before. */
export function dueParts(instant: number | string | Date, timeZone: string): { date: string; time: string } {
  const at = ms(instant);
  const w = zonedParts(at, timeZone);
  if (w.hour === 0 && w.minute === 0) return { date: localDate(at - 1, timeZone), time: '24:00' };
  return { date: localDate(at, timeZone), time: `${pad(w.hour)}:${pad(w.minute)}` };
}

/**
 * Who did it, as the server records a signed-in user: `陈科长(jm.chen)`. In Chinese the account name
 * goes in full-width brackets: 陈科长（jm.chen）.
 */
export function formatActor(actor: string, language: Language): string {
  if (language !== 'zh-CN') return actor;
  const m = /^(.+)\(([^()]+)\)$/.exec(actor);
  return m ? `${m[1]}（${m[2]}）` : actor;
}
