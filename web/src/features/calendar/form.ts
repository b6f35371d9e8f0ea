// The calendar form's pure half: the form's rows as an official fills them, the notice they make (the
// same object the JSON view shows and the API takes), and the server's own schema run on it in the
// browser, its issues said by row and field ("第 2 个节假日，结束日期：…").
import { parseCalendarYear, type CalendarYear } from '../../../../domain/calendar';

export interface HolidayRow {
  nameZh: string;
  nameEn: string;
  from: string;
  to: string;
}

export interface MakeupRow {
  date: string;
  /** The holiday's Chinese name this working day makes up for. */
  for: string;
}

export interface CalendarForm {
  year: string;
  title: string;
  issuer: string;
  docNo: string;
  publishedOn: string;
  url: string;
  holidays: HolidayRow[];
  makeups: MakeupRow[];
}

/** The statutory holidays, with the English names the shipped notices use. */
export const HOLIDAY_NAMES: readonly { zh: string; en: string }[] = [
  { zh: '元旦', en: "New Year's Day" },
  { zh: '春节', en: 'Spring Festival' },
  { zh: '清明节', en: 'Qingming Festival' },
  { zh: '劳动节', en: 'Labour Day' },
  { zh: '端午节', en: 'Dragon Boat Festival' },
  { zh: '中秋节', en: 'Mid-Autumn Festival' },
  { zh: '国庆节', en: 'National Day' },
];

export const englishNameOf = (zh: string): string | undefined => HOLIDAY_NAMES.find((h) => h.zh === zh.trim())?.en;

export const emptyHoliday = (): HolidayRow => ({ nameZh: '', nameEn: '', from: '', to: '' });
export const emptyMakeup = (): MakeupRow => ({ date: '', for: '' });

/** A new year: the notice's usual title and issuer, no rows yet. */
export function newYearForm(year: number): CalendarForm {
  return {
    year: String(year),
    title: `国务院办公厅关于${year}年部分节假日安排的通知`,
    issuer: '国务院办公厅',
    docNo: '',
    publishedOn: '',
    url: '',
    holidays: [emptyHoliday()],
    makeups: [],
  };
}

/** A notice (a year on file, or the JSON view's object) as form rows; fields of the wrong type read as empty. */
export function formOf(value: unknown): CalendarForm {
  const o = (value ?? {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  const src = (o.source ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
  return {
    year: s(o.year),
    title: s(src.title),
    issuer: s(src.issuer),
    docNo: s(src.docNo),
    publishedOn: s(src.publishedOn),
    url: s(src.url),
    holidays: list(o.holidays).map((h) => {
      const name = (h?.name ?? {}) as Record<string, unknown>;
      return { nameZh: s(name.zh), nameEn: s(name.en), from: s(h?.from), to: s(h?.to) };
    }),
    makeups: list(o.makeupWorkdays).map((m) => ({ date: s(m?.date), for: s(m?.for) })),
  };
}

/**
 * The notice the form makes: exactly what the JSON view shows and the API receives. An empty 文号 or
 * link is left out (both are optional; the schema refuses an empty one); a year that is not a number
 * stays as typed so that the schema names it.
 */
export function noticeOf(f: CalendarForm): unknown {
  const year = /^\d+$/.test(f.year.trim()) ? Number(f.year.trim()) : f.year;
  const source: Record<string, string> = { title: f.title, issuer: f.issuer };
  if (f.docNo.trim()) source.docNo = f.docNo;
  source.publishedOn = f.publishedOn;
  if (f.url.trim()) source.url = f.url;
  return {
    year,
    source,
    holidays: f.holidays.map((h) => ({ name: { zh: h.nameZh, en: h.nameEn }, from: h.from, to: h.to })),
    makeupWorkdays: f.makeups.map((m) => ({ date: m.date, for: m.for })),
  };
}

const FIELD: Record<string, string> = {
  year: '年份',
  'source.title': '通知标题',
  'source.issuer': '发文机关',
  'source.docNo': '文号',
  'source.publishedOn': '发文日期',
  'source.url': '通知链接',
  'name.zh': '名称',
  'name.en': '英文名称',
  name: '名称',
  from: '开始日期',
  to: '结束日期',
  date: '日期',
  for: '对应假期',
};

/** One issue the form shows: `key` says which input it belongs to (`holidays.1.to`), `text` says it in words. */
export interface FormIssue {
  key: string;
  text: string;
}

/** `holidays[2]` in a schema message becomes `第 3 个节假日`, the way the form counts. */
function rowWords(message: string): string {
  return message
    .replace(/holidays\[(\d+)\]/g, (_m, i: string) => `第 ${Number(i) + 1} 个节假日`)
    .replace(/makeupWorkdays\[(\d+)\]/g, (_m, i: string) => `第 ${Number(i) + 1} 个调休上班日`)
    .replace(/,/g, '，')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/: /g, '：');
}

/** Says one schema path (`holidays[1].to`) as row and field. */
export function describePath(path: string): { key: string; where: string; field: string } {
  const m = /^(holidays|makeupWorkdays)\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (m) {
    const row = Number(m[2]);
    const list = m[1] === 'holidays' ? 'holidays' : 'makeups';
    const field = m[3] ? (FIELD[m[3]] ?? m[3]) : '';
    return { key: `${list}.${row}${m[3] ? `.${m[3]}` : ''}`, where: `第 ${row + 1} 个${m[1] === 'holidays' ? '节假日' : '调休上班日'}`, field };
  }
  if (path === 'holidays' || path === 'makeupWorkdays') return { key: path, where: path === 'holidays' ? '节假日' : '调休上班日', field: '' };
  return { key: path, where: '', field: FIELD[path] ?? (path === '(calendar)' ? '' : path) };
}

/** The message with its place: `第 2 个节假日，结束日期：结束日期 … 早于开始日期 …` without saying the field twice. */
export function issueText(path: string, message: string): string {
  const { where, field } = describePath(path);
  const said = rowWords(message);
  // A message that already says what it is about (结束日期 …, 调休上班日 …, 假期 …) needs no field before it.
  const fieldPart = field && ![field, '调休上班日', '假期'].some((w) => said.startsWith(w)) ? field : '';
  const place = [where, fieldPart].filter(Boolean).join('，');
  return place ? `${place}：${said}` : said;
}

/** The server's schema on the form's notice; its issues by row and field, in the form's order. */
export function checkForm(f: CalendarForm): { ok: true; calendar: CalendarYear } | { ok: false; issues: FormIssue[] } {
  const parsed = parseCalendarYear(noticeOf(f));
  if (parsed.ok) return { ok: true, calendar: parsed.year };
  return { ok: false, issues: parsed.errors.map((e) => ({ key: describePath(e.path).key, text: issueText(e.path, e.message) })) };
}

/** An issue the API answered (`calendar.holidays[1].to`), said the same way. */
export function apiIssue(path: string, message: string): FormIssue {
  const p = path.replace(/^calendar\.?/, '') || '(calendar)';
  return { key: describePath(p).key, text: issueText(p, message) };
}
