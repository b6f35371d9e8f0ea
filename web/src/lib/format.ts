// Numbers and instants for people: grouped numbers, one-decimal percentages, and wall-clock times in
// the plan's time zone (never the browser's), via Intl.
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

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    zoneFormats.set(timeZone, f);
  }
  return f;
}

export function wallClock(instant: number | string | Date, timeZone: string): WallClock {
  const date = instant instanceof Date ? instant : new Date(instant);
  const parts: Record<string, string> = {};
  for (const p of zoneFormat(timeZone).formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function localDate(instant: number | string | Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** `YYYY-MM-DD HH:mm` in the zone. */
export function formatDateTime(instant: number | string | Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** A start: midnight shows as the bare date, which is how plans are written. */
export function formatStart(instant: number | string, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return w.hour === 0 && w.minute === 0 ? localDate(instant, timeZone) : formatDateTime(instant, timeZone);
}

/**
 * A deadline: a bare plan date means the end of that day (the next day's 00:00), so midnight shows
 * as the previous date, as the plan said it ("9月30日前").
 */
export function formatDeadline(instant: number | string, timeZone: string): string {
  const ms = new Date(instant).getTime();
  const w = wallClock(ms, timeZone);
  return w.hour === 0 && w.minute === 0 ? localDate(ms - 1, timeZone) : formatDateTime(ms, timeZone);
}

/** The `YYYY-MM-DD` and `HH:mm` an input would show for a deadline (midnight as the date before). */
export function deadlineInputs(instant: number | string, timeZone: string): { date: string; time: string } {
  const ms = new Date(instant).getTime();
  const w = wallClock(ms, timeZone);
  if (w.hour === 0 && w.minute === 0) return { date: localDate(ms - 1, timeZone), time: '' };
  return { date: localDate(ms, timeZone), time: `${pad(w.hour)}:${pad(w.minute)}` };
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
