// The calendar form: its rows make the notice the API takes (the JSON view's object, 文号 and link left
// out when empty), a year on file comes back unchanged through the form, and the server's schema run
// on the form names each failing row and field in Chinese with full-width punctuation.
import { describe, expect, it } from 'vitest';
import { CalendarYearSchema, shippedCalendar } from '../../domain/calendar';
import { apiIssue, checkForm, formOf, newYearForm, noticeOf } from '../../web/src/features/calendar/form';

describe('calendar form', () => {
  it('round-trips a year on file through the form unchanged', () => {
    const y2026 = shippedCalendar().years['2026'];
    expect(noticeOf(formOf(y2026))).toEqual(y2026);
    expect(checkForm(formOf(y2026)).ok).toBe(true);
  });

  it('makes a notice the schema accepts from a filled new year, without empty 文号 or link', () => {
    const f = newYearForm(2027);
    f.publishedOn = '2026-11-04';
    f.holidays = [
      { nameZh: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-03' },
      { nameZh: '春节', nameEn: 'Spring Festival', from: '2027-02-05', to: '2027-02-12' },
    ];
    f.makeups = [{ date: '2027-02-13', for: '春节' }];
    const notice = noticeOf(f) as { year: number; source: Record<string, string> };
    expect(notice.year).toBe(2027);
    expect(Object.keys(notice.source)).toEqual(['title', 'issuer', 'publishedOn']);
    expect(CalendarYearSchema.safeParse(notice).success).toBe(true);
    expect(checkForm(f)).toMatchObject({ ok: true });
  });

  it('names the row and field of each issue, in Chinese', () => {
    const f = newYearForm(2027);
    f.publishedOn = '2026-11-04';
    f.holidays = [
      { nameZh: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-01' },
      { nameZh: '春节', nameEn: 'Spring Festival', from: '2027-02-12', to: '2027-02-05' },
      { nameZh: '清明节', nameEn: 'Qingming Festival', from: '2027-04-05', to: '' },
    ];
    f.makeups = [{ date: '2027-02-10', for: '春节' }];
    f.url = 'not a link';
    const r = checkForm(f);
    if (r.ok) throw new Error('expected issues');
    const byKey = Object.fromEntries(r.issues.map((i) => [i.key, i.text]));
    expect(byKey['holidays.1.to']).toBe('第 2 个节假日：结束日期 2027-02-05 早于开始日期 2027-02-12');
    expect(byKey['holidays.2.to']).toBe('第 3 个节假日，结束日期：应为有效的日期 YYYY-MM-DD');
    expect(byKey['source.url']).toBe('通知链接：应为有效网址');
    expect(byKey['makeups.0.date']).toMatch(/^第 1 个调休上班日：调休上班日 2027-02-10 是周三，应为周六或周日/);
    for (const i of r.issues) expect(i.text).not.toMatch(/[,:;()]|holidays\[/);
  });

  it('says an issue the API answered the same way', () => {
    expect(apiIssue('calendar.holidays[0].from', '开始日期 2026-05-01 应在 2027 年内(元旦假期可从上一年 12 月开始)')).toEqual({
      key: 'holidays.0.from',
      text: '第 1 个节假日：开始日期 2026-05-01 应在 2027 年内（元旦假期可从上一年 12 月开始）',
    });
  });
});
