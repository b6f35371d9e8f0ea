// 审计日志 (auditors): who did what, when, from where and with what result, filtered by time, account,
// action and result, newest first. Filters live in the address so a search can be shared or reloaded;
// older entries load page by page (keyset on the entry id, cheap however deep).
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { isRole } from '../../../../../domain/access';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { AuditFilters, AuditRowView } from '../../../types/api';
import { useAudit } from '../api/get-audit';

const RESULTS = ['success', 'denied', 'failure'] as const;
type Result = (typeof RESULTS)[number];
const isResult = (v: string | null): v is Result => (RESULTS as readonly (string | null)[]).includes(v);

/** Actions worth offering in the filter; any other name (or a family like `user.*`) can be typed. */
const COMMON_ACTIONS = ['login', 'login.*', 'logout', 'mfa.*', 'password.change', 'user.*', 'pii.unmask', 'campaign.*', 'report.*', 'hardship.*'];

/** A calendar day in Beijing time as the instant it starts. */
const dayStart = (day: string) => `${day}T00:00:00+08:00`;
const nextDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function AuditPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const result = params.get('result');
  const filters: AuditFilters = {
    ...(DAY.test(from) ? { from: dayStart(from) } : {}),
    // `to` is the last day shown, inclusive; the API's bound is exclusive.
    ...(DAY.test(to) ? { to: dayStart(nextDay(to)) } : {}),
    ...(params.get('actor') ? { actor: params.get('actor')! } : {}),
    ...(params.get('action') ? { action: params.get('action')! } : {}),
    ...(isResult(result) ? { result } : {}),
  };
  const audit = useAudit(filters);
  const rows = audit.data?.pages.flatMap((p) => p.rows) ?? [];

  return (
    <div data-testid="audit-page">
      <div className="page-header">
        <h1>{t('audit.heading')}</h1>
      </div>
      <section className="card">
        <AuditFilterForm
          key={params.toString()}
          initial={{ from, to, actor: params.get('actor') ?? '', action: params.get('action') ?? '', result: isResult(result) ? result : '' }}
          onApply={(f) => {
            const next = new URLSearchParams();
            for (const [k, v] of Object.entries(f)) if (v) next.set(k, v);
            setParams(next);
          }}
        />
        {audit.isPending ? (
          <Loading />
        ) : audit.isError ? (
          <ErrorMessage error={audit.error} testId="audit-error" />
        ) : rows.length === 0 ? (
          <p className="muted" data-testid="audit-empty">
            {t('audit.empty')}
          </p>
        ) : (
          <>
            <p className="muted small" data-testid="audit-count">
              {t('audit.count', { count: rows.length })}
            </p>
            <AuditTable rows={rows} />
            {audit.hasNextPage && (
              <div className="form-actions">
                <button type="button" className="button" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage} data-testid="audit-more">
                  {audit.isFetchingNextPage ? t('common.loading') : t('audit.more')}
                </button>
              </div>
            )}
          </>
        )}
      </section>
    </div>
  );
}

interface FilterValues {
  from: string;
  to: string;
  actor: string;
  action: string;
  result: Result | '';
}

function AuditFilterForm({ initial, onApply }: { initial: FilterValues; onApply: (f: FilterValues) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState<FilterValues>(initial);
  const set = (k: keyof FilterValues, v: string) => setF((old) => ({ ...old, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...f, actor: f.actor.trim(), action: f.action.trim() });
  };
  return (
    <form className="filters" onSubmit={submit} noValidate data-testid="audit-filters">
      <label className="field">
        <span>{t('audit.filter.from')}</span>
        <input type="date" value={f.from} onChange={(e) => set('from', e.target.value)} data-testid="audit-from" />
      </label>
      <label className="field">
        <span>{t('audit.filter.to')}</span>
        <input type="date" value={f.to} onChange={(e) => set('to', e.target.value)} data-testid="audit-to" />
      </label>
      <label className="field">
        <span>{t('audit.filter.actor')}</span>
        <input value={f.actor} onChange={(e) => set('actor', e.target.value)} maxLength={64} autoCapitalize="none" data-testid="audit-actor" />
      </label>
      <label className="field">
        <span>{t('audit.filter.action')}</span>
        <input value={f.action} onChange={(e) => set('action', e.target.value)} maxLength={64} list="audit-actions" placeholder="login.*" data-testid="audit-action" />
        <datalist id="audit-actions">
          {COMMON_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>{t('audit.filter.result')}</span>
        <select value={f.result} onChange={(e) => set('result', e.target.value)} data-testid="audit-result">
          <option value="">{t('audit.filter.any')}</option>
          {RESULTS.map((r) => (
            <option key={r} value={r}>
              {t(`audit.result.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <div className="field field-inline">
        <button type="submit" className="button button-primary" data-testid="audit-apply">
          {t('audit.filter.apply')}
        </button>
      </div>
    </form>
  );
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

function AuditTable({ rows }: { rows: AuditRowView[] }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('audit.col.at')}</th>
            <th>{t('audit.col.actor')}</th>
            <th>{t('audit.col.action')}</th>
            <th>{t('audit.col.target')}</th>
            <th>{t('audit.col.result')}</th>
            <th>{t('audit.col.ip')}</th>
            <th>{t('audit.col.region')}</th>
            <th>{t('audit.col.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row" data-action={r.action} data-result={r.result} data-actor={r.actorUsername ?? ''}>
              <td className="nowrap">{formatDateTime(r.at, DEFAULT_TIME_ZONE)}</td>
              <td>
                {r.actorUsername ?? t('common.none')}
                {r.role && <span className="muted small"> · {isRole(r.role) ? t(`role.${r.role}`) : r.role}</span>}
              </td>
              <td>
                <code>{r.action}</code>
              </td>
              <td className="small">{r.target ?? t('common.none')}</td>
              <td>
                <span className={`badge badge-tone-${r.result === 'success' ? 'ok' : r.result === 'denied' ? 'warn' : 'danger'}`}>
                  {isResult(r.result) ? t(`audit.result.${r.result}`) : r.result}
                </span>
              </td>
              <td className="small nowrap">{r.ip ?? t('common.none')}</td>
              <td className="small">{r.regionCode ?? t('common.none')}</td>
              <td className="small audit-detail">{detailText(r.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
