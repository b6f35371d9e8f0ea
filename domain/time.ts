// Local calendar dates and times in a plan's time zone, turned into instants.
// Pure: no clock is read here; callers pass `now` in. Safe to import from workflow code.

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** `YYYY-MM-DD`, or `YYYY-MM-DDTHH:mm`, or `YYYY-MM-DDTHH:mm:ss`, read in the plan's time zone. */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  dateOnly: boolean;
}

export function parseLocal(text: string): LocalParts | undefined {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  // Round-trip through UTC so that 2023-02-30 or 25:00 are refused rather than rolled over.
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day ||
    probe.getUTCHours() !== hour ||
    probe.getUTCMinutes() !== minute ||
    probe.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return { year, month, day, hour, minute, second, dateOnly: m[4] === undefined };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone. */
export function zonedParts(instantMs: number, timeZone: string): Omit<LocalParts, 'dateOnly'> {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instantMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

function offsetMs(instantMs: number, timeZone: string): number {
  const p = zonedParts(instantMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

function wallClockToInstant(p: Omit<LocalParts, 'dateOnly'>, timeZone: string): number {
  const guess = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  return second;
}

/**
 * A plan's start: a bare date means 00:00 of that day in the zone.
 * A plan's deadline: a bare date means the end of that day (24:00, the next day's 00:00), because
 * "9月30日前" leaves the whole of Sep 30 to finish the work.
 */
export function localToInstant(text: string, timeZone: string, as: 'start' | 'deadline'): number {
  const p = parseLocal(text);
  if (!p) throw new RangeError(`not a local date or time: ${text}`);
  const wall = { ...p };
  if (p.dateOnly && as === 'deadline') {
    const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
    wall.year = next.getUTCFullYear();
    wall.month = next.getUTCMonth() + 1;
    wall.day = next.getUTCDate();
  }
  return wallClockToInstant(wall, timeZone);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:mm` in the zone, for display and plain-language reasons. */
export function formatLocal(instantMs: number, timeZone: string): string {
  const p = zonedParts(instantMs, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * A due instant as officials write it: midnight is the end of the previous day (`2023-10-16 24:00`),
 * not the start of the next, so "due the 16th" never reads as a day late.
 */
export function formatDueLocal(instantMs: number, timeZone: string): string {
  const p = zonedParts(instantMs, timeZone);
  if (p.hour === 0 && p.minute === 0 && p.second === 0) {
    const prev = zonedParts(instantMs - 1, timeZone);
    return `${prev.year}-${pad(prev.month)}-${pad(prev.day)} 24:00`;
  }
  return formatLocal(instantMs, timeZone);
}

/** `YYYY-MM-DD` of an instant in the zone. */
export function localDateOf(instantMs: number, timeZone: string): string {
  const p = zonedParts(instantMs, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** Moves a local date or date-time by whole days, keeping its form. */
export function addDaysLocal(text: string, days: number): string {
  const p = parseLocal(text);
  if (!p) throw new RangeError(`not a local date or time: ${text}`);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (p.dateOnly) return date;
  return `${date}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Whole days from local date `a` to local date `b` (calendar days, ignoring time of day). */
export function daysBetweenLocal(a: string, b: string): number {
  const pa = parseLocal(a);
  const pb = parseLocal(b);
  if (!pa || !pb) throw new RangeError(`not local dates: ${a}, ${b}`);
  return Math.round(
    (Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / 86_400_000,
  );
}

/** The instant a report is due: `dueTime` on `dueDate` in the zone; 24:00 is the next day's 00:00. */
export function dueInstant(dueDate: string, dueTime: string, timeZone: string): number {
  if (dueTime === '24:00') return localToInstant(dueDate, timeZone, 'deadline');
  return localToInstant(`${dueDate}T${dueTime}`, timeZone, 'start');
}

/**
 * Lateness, the one rule: something that arrives at `at` is late only when `at > dueAt`. A report due
 * at 24:00 is due at the next day's 00:00:00.000 (see `dueInstant`), so the whole due date counts and
 * arriving at that very instant is still on time; one millisecond later is late. The unit workflow
 * (reports), the activities (what they record) and milestones all judge lateness with this.
 */
export function isLate(at: number, dueAt: number): boolean {
  return at > dueAt;
}
