// The notice as a form: year, the notice's title, issuer, 文号, date and link, one row per holiday (its
// first and last day by date picker) and per make-up working day. Each input shows its own issue.
import { useId } from 'react';
import { useI18n } from '../../../lib/i18n';
import { emptyHoliday, emptyMakeup, englishNameOf, HOLIDAY_NAMES, type CalendarForm, type FormIssue, type HolidayRow, type MakeupRow } from '../form';

function FieldError({ issues, at }: { issues: FormIssue[]; at: string }) {
  const mine = issues.filter((i) => i.key === at);
  if (mine.length === 0) return null;
  return (
    <span className="field-error" data-testid="calendar-field-error" data-key={at}>
      {mine.map((i) => i.text).join('；')}
    </span>
  );
}

export function CalendarFormFields({ form, onChange, issues }: { form: CalendarForm; onChange: (next: CalendarForm) => void; issues: FormIssue[] }) {
  const { t } = useI18n();
  const id = useId();
  const bad = (key: string) => (issues.some((i) => i.key === key) ? true : undefined);
  const set = (patch: Partial<CalendarForm>) => onChange({ ...form, ...patch });
  const setHoliday = (i: number, patch: Partial<HolidayRow>) => set({ holidays: form.holidays.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  const setMakeup = (i: number, patch: Partial<MakeupRow>) => set({ makeups: form.makeups.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  const setHolidayName = (i: number, zh: string) => {
    const before = form.holidays[i];
    // The English name follows a statutory holiday's Chinese one unless the official wrote another.
    const known = englishNameOf(zh);
    const wasAuto = before.nameEn === '' || before.nameEn === englishNameOf(before.nameZh);
    setHoliday(i, known && wasAuto ? { nameZh: zh, nameEn: known } : { nameZh: zh });
  };
  const holidayNames = form.holidays.map((h) => h.nameZh.trim()).filter((n, i, all) => n && all.indexOf(n) === i);

  return (
    <div className="calendar-form" data-testid="calendar-form">
      <datalist id={`${id}-names`}>
        {HOLIDAY_NAMES.map((h) => (
          <option key={h.zh} value={h.zh} />
        ))}
      </datalist>
      <fieldset className="calendar-group">
        <legend>{t('calendarForm.source')}</legend>
        <div className="field-row">
          <label className="field calendar-year">
            <span>{t('calendarForm.year')}</span>
            <input inputMode="numeric" value={form.year} onChange={(e) => set({ year: e.target.value })} aria-invalid={bad('year')} data-testid="calendar-year" />
            <FieldError issues={issues} at="year" />
          </label>
          <label className="field calendar-wide">
            <span>{t('calendarForm.title')}</span>
            <input value={form.title} onChange={(e) => set({ title: e.target.value })} aria-invalid={bad('source.title')} data-testid="calendar-title" />
            <FieldError issues={issues} at="source.title" />
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span>{t('calendarForm.issuer')}</span>
            <input value={form.issuer} onChange={(e) => set({ issuer: e.target.value })} aria-invalid={bad('source.issuer')} data-testid="calendar-issuer" />
            <FieldError issues={issues} at="source.issuer" />
          </label>
          <label className="field">
            <span>{t('calendarForm.docNo')}</span>
            <input value={form.docNo} onChange={(e) => set({ docNo: e.target.value })} placeholder={t('calendarForm.docNo.placeholder')} aria-invalid={bad('source.docNo')} data-testid="calendar-docno" />
            <FieldError issues={issues} at="source.docNo" />
          </label>
          <label className="field">
            <span>{t('calendarForm.publishedOn')}</span>
            <input type="date" value={form.publishedOn} onChange={(e) => set({ publishedOn: e.target.value })} aria-invalid={bad('source.publishedOn')} data-testid="calendar-published" />
            <FieldError issues={issues} at="source.publishedOn" />
          </label>
        </div>
        <label className="field">
          <span>{t('calendarForm.url')}</span>
          <input type="url" value={form.url} onChange={(e) => set({ url: e.target.value })} placeholder="https://www.gov.cn/…" aria-invalid={bad('source.url')} data-testid="calendar-url" />
          <FieldError issues={issues} at="source.url" />
        </label>
      </fieldset>

      <fieldset className="calendar-group" data-testid="calendar-holidays">
        <legend>{t('calendarForm.holidays')}</legend>
        <FieldError issues={issues} at="holidays" />
        {form.holidays.map((h, i) => (
          <div className="calendar-row" key={i} data-testid="calendar-holiday-row">
            <div className="calendar-row-head">
              <strong>{t('calendarForm.holiday', { n: i + 1 })}</strong>
              <button type="button" className="button button-small button-danger-outline" onClick={() => set({ holidays: form.holidays.filter((_, j) => j !== i) })} data-testid="calendar-holiday-remove">
                {t('calendarForm.remove')}
              </button>
            </div>
            <div className="field-row">
              <label className="field">
                <span>{t('calendarForm.nameZh')}</span>
                <input list={`${id}-names`} value={h.nameZh} onChange={(e) => setHolidayName(i, e.target.value)} aria-invalid={bad(`holidays.${i}.name.zh`)} data-testid="calendar-holiday-name" />
                <FieldError issues={issues} at={`holidays.${i}.name.zh`} />
                <FieldError issues={issues} at={`holidays.${i}.name`} />
              </label>
              <label className="field">
                <span>{t('calendarForm.nameEn')}</span>
                <input value={h.nameEn} onChange={(e) => setHoliday(i, { nameEn: e.target.value })} aria-invalid={bad(`holidays.${i}.name.en`)} data-testid="calendar-holiday-name-en" />
                <FieldError issues={issues} at={`holidays.${i}.name.en`} />
              </label>
            </div>
            <div className="field-row">
              <label className="field">
                <span>{t('calendarForm.from')}</span>
                <input type="date" value={h.from} onChange={(e) => setHoliday(i, { from: e.target.value })} aria-invalid={bad(`holidays.${i}.from`)} data-testid="calendar-holiday-from" />
                <FieldError issues={issues} at={`holidays.${i}.from`} />
              </label>
              <label className="field">
                <span>{t('calendarForm.to')}</span>
                <input type="date" value={h.to} onChange={(e) => setHoliday(i, { to: e.target.value })} aria-invalid={bad(`holidays.${i}.to`)} data-testid="calendar-holiday-to" />
                <FieldError issues={issues} at={`holidays.${i}.to`} />
              </label>
            </div>
            <FieldError issues={issues} at={`holidays.${i}`} />
          </div>
        ))}
        <button type="button" className="button button-small" onClick={() => set({ holidays: [...form.holidays, emptyHoliday()] })} data-testid="calendar-holiday-add">
          {t('calendarForm.addHoliday')}
        </button>
      </fieldset>

      <fieldset className="calendar-group" data-testid="calendar-makeups">
        <legend>{t('calendarForm.makeups')}</legend>
        <FieldError issues={issues} at="makeupWorkdays" />
        {form.makeups.length === 0 && <p className="muted small">{t('calendarForm.noMakeups')}</p>}
        {form.makeups.map((m, i) => (
          <div className="calendar-row" key={i} data-testid="calendar-makeup-row">
            <div className="calendar-row-head">
              <strong>{t('calendarForm.makeup', { n: i + 1 })}</strong>
              <button type="button" className="button button-small button-danger-outline" onClick={() => set({ makeups: form.makeups.filter((_, j) => j !== i) })} data-testid="calendar-makeup-remove">
                {t('calendarForm.remove')}
              </button>
            </div>
            <div className="field-row">
              <label className="field">
                <span>{t('calendarForm.makeupDate')}</span>
                <input type="date" value={m.date} onChange={(e) => setMakeup(i, { date: e.target.value })} aria-invalid={bad(`makeups.${i}.date`)} data-testid="calendar-makeup-date" />
                <FieldError issues={issues} at={`makeups.${i}.date`} />
              </label>
              <label className="field">
                <span>{t('calendarForm.makeupFor')}</span>
                <select value={m.for} onChange={(e) => setMakeup(i, { for: e.target.value })} aria-invalid={bad(`makeups.${i}.for`)} data-testid="calendar-makeup-for">
                  <option value="">{t('calendarForm.makeupFor.choose')}</option>
                  {/* A name no holiday row has any more stays choosable, so the schema can say so. */}
                  {[...holidayNames, ...(m.for && !holidayNames.includes(m.for) ? [m.for] : [])].map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
                <FieldError issues={issues} at={`makeups.${i}.for`} />
              </label>
            </div>
            <FieldError issues={issues} at={`makeups.${i}`} />
          </div>
        ))}
        <button type="button" className="button button-small" onClick={() => set({ makeups: [...form.makeups, emptyMakeup()] })} data-testid="calendar-makeup-add">
          {t('calendarForm.addMakeup')}
        </button>
      </fieldset>
    </div>
  );
}
