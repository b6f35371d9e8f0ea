// 报送进度: the unit's figures for one period. The checks here mirror the server's (whole numbers, not
// negative, 缴费 ≤ 参保 …) so a slip is caught before sending; the workflow is still the judge, and its
// refusal (422) is shown beside the form in its own words.
import { useState, type FormEvent } from 'react';
import { IssueList } from '../../../components/ui/error-message';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { formatDateTime, formatDue } from '../../../lib/format';
import { useI18n, type MessageKey, type Translate } from '../../../lib/i18n';
import { useNow } from '../../../lib/use-now';
import type { PeriodView, ReportReceiptView, SubmitReportRequest } from '../../../types/api';
import { useSubmitReport } from '../api/submit-report';
import { defaultPeriodKey, isOverdue, isPeriodOpenForReports, livePeriods } from './report-periods';

type CountField = 'enrolled' | 'paid' | 'mobilePaid' | 'hardshipCovered';
type Field = CountField | 'amountYuan';
const FIELDS: readonly Field[] = ['enrolled', 'paid', 'amountYuan', 'mobilePaid', 'hardshipCovered'];

const LABELS: Record<Field, MessageKey> = {
  enrolled: 'figures.enrolled',
  paid: 'figures.paid',
  amountYuan: 'reportForm.amount',
  mobilePaid: 'reportForm.mobilePaid',
  hardshipCovered: 'figures.hardship',
};

/** Optional figures: left empty they count as 0, as the server defaults them. */
const OPTIONAL: ReadonlySet<Field> = new Set(['mobilePaid', 'hardshipCovered']);

type Values = Record<Field, string>;
const EMPTY: Values = { enrolled: '', paid: '', amountYuan: '', mobilePaid: '', hardshipCovered: '' };

type Checked = { ok: true; figures: Omit<SubmitReportRequest, 'periodKey' | 'actor' | 'note'> } | { ok: false; errors: Partial<Record<Field | 'periodKey', string>> };

function check(values: Values, periodKey: string | null, t: Translate): Checked {
  const errors: Partial<Record<Field | 'periodKey', string>> = {};
  const parsed: Partial<Record<Field, number>> = {};
  for (const f of FIELDS) {
    const raw = values[f].trim();
    const label = t(LABELS[f]);
    if (raw === '') {
      if (OPTIONAL.has(f)) parsed[f] = 0;
      else errors[f] = t('reportForm.check.required', { field: label });
      continue;
    }
    const v = Number(raw);
    if (f === 'amountYuan') {
      if (!/^\d+(\.\d{1,2})?$/.test(raw) || !Number.isFinite(v)) errors[f] = t('reportForm.check.amount');
      else parsed[f] = v;
    } else if (!/^\d+$/.test(raw) || !Number.isSafeInteger(v)) {
      errors[f] = t('reportForm.check.integer', { field: label });
    } else {
      parsed[f] = v;
    }
  }
  const { enrolled, paid, mobilePaid, hardshipCovered } = parsed;
  if (enrolled !== undefined && paid !== undefined && paid > enrolled && !errors.paid) errors.paid = t('reportForm.check.paidOverEnrolled');
  if (paid !== undefined && mobilePaid !== undefined && mobilePaid > paid && !errors.mobilePaid) errors.mobilePaid = t('reportForm.check.mobileOverPaid');
  if (enrolled !== undefined && hardshipCovered !== undefined && hardshipCovered > enrolled && !errors.hardshipCovered)
    errors.hardshipCovered = t('reportForm.check.hardshipOverEnrolled');
  if (!periodKey) errors.periodKey = t('reportForm.check.period');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    figures: {
      enrolled: parsed.enrolled!,
      paid: parsed.paid!,
      amountYuan: parsed.amountYuan!,
      mobilePaid: parsed.mobilePaid!,
      hardshipCovered: parsed.hardshipCovered!,
    },
  };
}

/** The server's 400 names fields by path (`paid`, `amountYuan`); those land beside their inputs. */
function serverFieldErrors(error: unknown): { byField: Partial<Record<string, string>>; rest: { path: string; message: string }[] } {
  const byField: Partial<Record<string, string>> = {};
  const rest: { path: string; message: string }[] = [];
  if (error instanceof ApiError) {
    for (const issue of error.issues) {
      if ((FIELDS as readonly string[]).includes(issue.path) || issue.path === 'periodKey' || issue.path === 'note')
        byField[issue.path] = issue.message;
      else rest.push(issue);
    }
  }
  return { byField, rest };
}

export function ReportForm({
  campaignId,
  unitCode,
  periods,
  timeZone,
  closed,
}: {
  campaignId: string;
  unitCode: string;
  periods: PeriodView[];
  timeZone: string;
  /** The campaign is over: the form explains instead of accepting figures. */
  closed: boolean;
}) {
  const { t } = useI18n();
  const now = useNow(15_000);
  const [chosen, setChosen] = useState<string | null>(null);
  const [values, setValues] = useState<Values>(EMPTY);
  const [note, setNote] = useState('');
  const [clientErrors, setClientErrors] = useState<Partial<Record<string, string>>>({});
  const [receipt, setReceipt] = useState<ReportReceiptView | null>(null);

  const submit = useSubmitReport({
    mutationConfig: {
      onSuccess: (r) => {
        setReceipt(r);
        setNote('');
      },
    },
  });

  const live = livePeriods(periods);
  // A chosen period withdrawn meanwhile (a calendar correction) falls back to the default.
  const periodKey = (chosen && live.some((p) => p.key === chosen) ? chosen : null) ?? defaultPeriodKey(live, now);

  if (live.length === 0) {
    return (
      <p className="muted" data-testid="report-form-none">
        {t('reportForm.noPeriods')}
      </p>
    );
  }
  if (closed) {
    return (
      <p className="muted" data-testid="report-form-closed">
        {t('reportForm.closed')}
      </p>
    );
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setReceipt(null);
    submit.reset();
    const checked = check(values, periodKey, t);
    if (!checked.ok) {
      setClientErrors(checked.errors);
      return;
    }
    setClientErrors({});
    submit.mutate({
      campaignId,
      unitCode,
      data: { periodKey: periodKey!, ...checked.figures, ...(note.trim() ? { note: note.trim() } : {}) },
    });
  };

  const server = serverFieldErrors(submit.error);
  const fieldError = (f: string) => clientErrors[f] ?? server.byField[f];
  const selected = live.find((p) => p.key === periodKey);

  const setValue = (f: Field, v: string) => {
    setValues((old) => ({ ...old, [f]: v }));
    setClientErrors(({ [f]: _gone, ...others }) => others);
  };

  return (
    <form className="report-form" onSubmit={onSubmit} noValidate data-testid="report-form">
      <div className="field-row">
        <label className="field">
          <span>{t('reportForm.period')}</span>
          <select
            value={periodKey ?? ''}
            onChange={(e) => {
              setChosen(e.target.value);
              setReceipt(null);
            }}
            data-testid="report-period"
          >
            {live.map((p, i) => {
              const opened = isPeriodOpenForReports(live, i, now);
              return (
                <option key={p.key} value={p.key} disabled={!opened}>
                  {t('reportForm.periodOption', {
                    seq: p.seq,
                    key: p.key,
                    due: formatDue(p.dueAt, timeZone),
                    status: opened ? t(`period.status.${p.status}`) : t('reportForm.notOpenYet'),
                  })}
                </option>
              );
            })}
          </select>
          {fieldError('periodKey') && <FieldError text={fieldError('periodKey')!} />}
          {selected && (
            <span className="muted small" data-testid="report-period-due">
              {t('reportForm.dueHint', { due: formatDue(selected.dueAt, timeZone) })}
              {Date.parse(selected.dueAt) < now ? ` · ${t('reportForm.pastDue')}` : ''}
            </span>
          )}
          {selected && !chosen && isOverdue(selected, now) && (
            <span className="muted small" data-testid="report-period-overdue-default">
              {t('reportForm.overdueDefault', { period: selected.key })}
            </span>
          )}
        </label>
      </div>
      <div className="report-figures">
        {FIELDS.map((f) => (
          <label className="field" key={f}>
            <span>
              {t(LABELS[f])}
              {OPTIONAL.has(f) ? ` ${t('reportForm.optionalZero')}` : ''}
            </span>
            <input
              type="text"
              inputMode={f === 'amountYuan' ? 'decimal' : 'numeric'}
              value={values[f]}
              onChange={(e) => setValue(f, e.target.value)}
              aria-invalid={fieldError(f) ? true : undefined}
              placeholder={OPTIONAL.has(f) ? '0' : undefined}
              data-testid={`report-${f}`}
            />
            {fieldError(f) && <FieldError text={fieldError(f)!} testId={`report-${f}-error`} />}
          </label>
        ))}
      </div>
      <label className="field">
        <span>{t('reportForm.note')}</span>
        <textarea rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="report-note" />
        {fieldError('note') && <FieldError text={fieldError('note')!} />}
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={submit.isPending} data-testid="report-submit">
          {submit.isPending ? t('actions.pending') : t('reportForm.submit')}
        </button>
      </div>

      {receipt && (
        <div className="alert alert-ok" role="status" data-testid="report-receipt" data-late={receipt.late} data-revision={receipt.revision}>
          <p>
            <strong>{receipt.late ? t('reportForm.receipt.late') : t('reportForm.receipt.revision', { n: receipt.revision })}</strong>
          </p>
          <p className="small">
            {t('reportForm.receipt.detail', {
              period: receipt.periodKey,
              n: receipt.revision,
              due: formatDue(receipt.dueAt, timeZone),
              at: formatDateTime(receipt.submittedAt, timeZone),
            })}
          </p>
        </div>
      )}
      {submit.isError && (
        <div className="alert alert-error" role="alert" data-testid="report-error" data-status={submit.error.status}>
          <p>{submit.error.status === 422 ? t('reportForm.refused', { detail: errorMessage(submit.error) }) : errorMessage(submit.error)}</p>
          {server.rest.length > 0 && <IssueList issues={server.rest} />}
        </div>
      )}
    </form>
  );
}

function FieldError({ text, testId }: { text: string; testId?: string }) {
  return (
    <span className="field-error" role="alert" data-testid={testId}>
      {text}
    </span>
  );
}
