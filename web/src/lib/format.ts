// Numbers and instants for people: grouped numbers, one-decimal percentages, and wall-clock times in
// the plan's time zone (never the browser's), through the same pure rules the server uses.
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

export function formatNumber(value: number, language: Language): string {
  return numberFormat(language, { maximumFractionDigits: 0 }).format(value);
}

export function formatAmount(value: number, language: Language): string {
  return numberFormat(language, { maximumFractionDigits: 2 }).format(value);
}

/** A ratio (0.123) as `12.3%`. */
export function formatPercent(ratio: number, language: Language): string {
  return numberFormat(language, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ratio);
}

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
