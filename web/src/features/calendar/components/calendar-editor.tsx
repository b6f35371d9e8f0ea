// 录入或更正某年节假日安排: fill the notice in as a form (date pickers, one row per holiday and per
// make-up working day) or, as an advanced view, as JSON; start from a year on file or a new year, say
// why, and send it. The form runs the server's own schema first and names each failing row and field;
// the server checks again. Running campaigns move their future due dates and record why.
import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { ErrorMessage, IssueList } from '../../../components/ui/error-message';
import { ApiError } from '../../../lib/api-client';
import { useI18n, type Translate } from '../../../lib/i18n';
import type { CalendarYearView } from '../../../types/api';
import { usePutCalendar } from '../api/put-calendar';
import { apiIssue, checkForm, formOf, newYearForm, noticeOf, type CalendarForm, type FormIssue } from '../form';
import { jsonErrorAt } from '../template';
import { CalendarFormFields } from './calendar-form-fields';

/** The notice alone, as an official would type it: without the server's bookkeeping fields. */
function noticeJson(y: CalendarYearView): string {
  const { year, source, holidays, makeupWorkdays } = y;
  return JSON.stringify({ year, source, holidays, makeupWorkdays }, null, 2);
}

type Parsed = { ok: true; year: number; calendar: unknown } | { ok: false; message: string };

function parse(text: string, t: Translate): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text, e);
    return { ok: false, message: at ? t('calendarEditor.badJsonAt', { line: at.line, column: at.column }) : t('calendarEditor.badJsonPlain') };
  }
  const year = (value as { year?: unknown } | null)?.year;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: t('calendarEditor.notObject') };
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2100) return { ok: false, message: t('calendarEditor.noYear') };
  return { ok: true, year, calendar: value };
}

export function CalendarEditor({ years }: { years: CalendarYearView[] }) {
  const { t, language } = useI18n();
  const id = useId();
  const nextYear = Math.max(new Date().getFullYear(), ...years.map((y) => y.year)) + 1;
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [form, setForm] = useState<CalendarForm>(() => newYearForm(nextYear));
  const [formIssues, setFormIssues] = useState<FormIssue[]>([]);
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [clientError, setClientError] = useState<string | null>(null);
  const put = usePutCalendar({ mutationConfig: { onSuccess: () => setReason('') } });

  const changed = () => {
    setClientError(null);
    put.reset();
  };
  const replaceText = (next: string) => {
    setText(next);
    changed();
  };
  const replaceForm = (next: CalendarForm) => {
    setForm(next);
    setFormIssues([]);
    changed();
  };
  /** A whole notice (a year on file, a file, the JSON view) into whichever view is open. */
  const loadNotice = (value: unknown) => {
    replaceForm(formOf(value));
    setText(JSON.stringify(value, null, 2));
  };
  const load = (e: ChangeEvent<HTMLSelectElement>) => {
    const value = e.target.value;
    e.target.value = '';
    if (value === 'new') {
      const next = newYearForm(nextYear);
      replaceForm(next);
      setText(JSON.stringify(noticeOf(next), null, 2));
      return;
    }
    const y = years.find((x) => String(x.year) === value);
    if (y) loadNotice(JSON.parse(noticeJson(y)) as unknown);
  };
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    let content: string;
    try {
      content = await file.text();
    } catch {
      return setClientError(t('launch.fileError', { name: file.name }));
    }
    try {
      loadNotice(JSON.parse(content) as unknown);
    } catch {
      // Not JSON: show it as it is in the JSON view, where its syntax error is said with its line.
      setMode('json');
      replaceText(content);
    }
  };
  const switchTo = (next: 'form' | 'json') => {
    if (next === mode) return;
    if (next === 'json') {
      setText(JSON.stringify(noticeOf(form), null, 2));
      setMode('json');
      changed();
      return;
    }
    const parsed = text.trim() === '' ? ({ ok: true, year: 0, calendar: noticeOf(form) } as const) : parse(text, t);
    if (!parsed.ok) return setClientError(t('calendarForm.jsonToForm', { message: parsed.message }));
    replaceForm(formOf(parsed.calendar));
    setMode('form');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    put.reset();
    if (mode === 'form') {
      const checked = checkForm(form);
      if (!checked.ok) {
        setFormIssues(checked.issues);
        setClientError(null);
        return;
      }
      setFormIssues([]);
      if (!reason.trim()) return setClientError(t('calendarEditor.reasonRequired'));
      setClientError(null);
      put.mutate({ year: checked.calendar.year, data: { calendar: noticeOf(form), reason: reason.trim() } });
      return;
    }
    const parsed = parse(text, t);
    if (!parsed.ok) return setClientError(parsed.message);
    if (!reason.trim()) return setClientError(t('calendarEditor.reasonRequired'));
    setClientError(null);
    put.mutate({ year: parsed.year, data: { calendar: parsed.calendar, reason: reason.trim() } });
  };

  const issues = put.error instanceof ApiError ? put.error.issues : [];
  // In the form, what the server refused is shown at its row and field as well.
  const shownIssues = mode === 'form' && formIssues.length === 0 ? issues.map((i) => apiIssue(i.path, i.message)) : formIssues;
  return (
    <section className="card" data-testid="calendar-editor">
      <h2>{t('calendarEditor.heading')}</h2>
      <p className="muted small">{t('calendarEditor.help')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field-row">
          <label className="field" htmlFor={`${id}-load`}>
            <span>{t('calendarEditor.load')}</span>
            <select id={`${id}-load`} defaultValue="" onChange={load} data-testid="calendar-load">
              <option value="">{t('calendarEditor.load.choose')}</option>
              {[...years]
                .sort((a, b) => b.year - a.year)
                .map((y) => (
                  <option key={y.year} value={y.year}>
                    {t('calendarEditor.load.year', { year: y.year })}
                  </option>
                ))}
              <option value="new">{t('calendarEditor.load.new')}</option>
            </select>
          </label>
          <label className="field" htmlFor={`${id}-file`}>
            <span>{t('calendarEditor.file')}</span>
            <input id={`${id}-file`} type="file" accept=".json,application/json" onChange={(e) => void upload(e)} data-testid="calendar-file" />
          </label>
        </div>
        <div className="segmented" role="group" aria-label={t('calendarEditor.json')}>
          <button type="button" className={`button button-small${mode === 'form' ? ' active' : ''}`} aria-pressed={mode === 'form'} onClick={() => switchTo('form')} data-testid="calendar-mode-form">
            {t('calendarForm.mode.form')}
          </button>
          <button type="button" className={`button button-small${mode === 'json' ? ' active' : ''}`} aria-pressed={mode === 'json'} onClick={() => switchTo('json')} data-testid="calendar-mode-json">
            {t('calendarForm.mode.json')}
          </button>
        </div>
        {mode === 'form' ? (
          <>
            <p className="muted small">{t('calendarForm.help')}</p>
            <CalendarFormFields form={form} onChange={replaceForm} issues={shownIssues} />
          </>
        ) : (
          <label className="field" htmlFor={`${id}-text`}>
            <span>{t('calendarEditor.json')}</span>
            <textarea
              id={`${id}-text`}
              className="plan-text"
              rows={16}
              spellCheck={false}
              value={text}
              onChange={(e) => replaceText(e.target.value)}
              placeholder={'{\n  "year": 2027,\n  "source": { … },\n  "holidays": [ … ],\n  "makeupWorkdays": [ … ]\n}'}
              data-testid="calendar-json"
            />
          </label>
        )}
        {mode === 'form' && formIssues.length > 0 && (
          <div className="alert alert-error" role="alert" data-testid="calendar-form-errors">
            <p>{t('calendarForm.invalid', { count: formIssues.length })}</p>
            <ul className="issues">
              {formIssues.map((i, n) => (
                <li key={n} data-testid="calendar-form-error" data-key={i.key}>
                  {i.text}
                </li>
              ))}
            </ul>
          </div>
        )}
        <label className="field">
          <span>{t('calendarEditor.reason')}</span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder={t('calendarEditor.reason.placeholder')} data-testid="calendar-reason" />
        </label>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={put.isPending || (mode === 'json' && text.trim() === '')} data-testid="calendar-submit">
            {put.isPending ? t('actions.pending') : t('calendarEditor.submit')}
          </button>
        </div>
      </form>
      {clientError && (
        <p className="alert alert-error" role="alert" data-testid="calendar-client-error">
          {clientError}
        </p>
      )}
      {put.isError &&
        (issues.length > 0 ? (
          <div className="alert alert-error" role="alert" data-testid="calendar-errors">
            <p>{put.error.message}</p>
            <p>{t('calendarEditor.errors', { count: issues.length })}</p>
            <IssueList issues={issues} />
          </div>
        ) : (
          <ErrorMessage error={put.error} testId="calendar-error" />
        ))}
      {put.isSuccess && (
        <div className="alert alert-ok" role="status" data-testid="calendar-saved">
          <p>
            <strong>{t('calendarEditor.saved', { year: put.data.year, version: put.data.version })}</strong>
          </p>
          <p>{language === 'zh-CN' ? put.data.summary.zh : put.data.summary.en}</p>
          <p className="small">{t('calendarEditor.notified', { count: put.data.campaignsNotified })}</p>
        </div>
      )}
    </section>
  );
}
