// 审计日志 (auditors): who did what, when, from where and with what result, filtered by time, account,
// action and result, newest first. Filters live in the address so a search can be shared or reloaded;
// older entries load page by page (keyset on the entry id, cheap however deep).
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { AUDIT_ACTION_FILTERS, auditActor, auditResult, auditWhat } from '../../../../../domain/auditText';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { env } from '../../../config/env';
import { queryString } from '../../../lib/api-client';
import { useCampaigns } from '../../campaigns/api/get-campaigns';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { AuditFilters, AuditRowView } from '../../../types/api';
import { useAudit } from '../api/get-audit';
import { RegionPicker } from '../../regions/components/region-picker';
import { useRegionNames } from '../../regions/api/find-regions';

const RESULTS = ['success', 'denied', 'failure'] as const;
type Result = (typeof RESULTS)[number];
const isResult = (v: string | null): v is Result => (RESULTS as readonly (string | null)[]).includes(v);


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
    ...(params.get('unit') ? { unit: params.get('unit')! } : {}),
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
          initial={{ from, to, actor: params.get('actor') ?? '', action: params.get('action') ?? '', result: isResult(result) ? result : '', unit: params.get('unit') ?? '' }}
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
              {t('audit.count', { count: rows.length })}{' '}
              <a href={`${env.API_BASE}/api/audit/xlsx${queryString({ ...filters })}`} download data-testid="audit-xlsx">
                {t('audit.xlsx')}
              </a>
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
  unit: string;
}

function AuditFilterForm({ initial, onApply }: { initial: FilterValues; onApply: (f: FilterValues) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState<FilterValues>(initial);
  const set = (k: keyof FilterValues, v: string) => setF((old) => ({ ...old, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...f, actor: f.actor.trim(), action: f.action.trim(), unit: f.unit.trim() });
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
        <select value={f.action} onChange={(e) => set('action', e.target.value)} data-testid="audit-action">
          <option value="">{t('audit.filter.any')}</option>
          {AUDIT_ACTION_FILTERS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('audit.filter.unit')}</span>
        <RegionPicker value={f.unit} onChange={(code) => set('unit', code)} testId="audit-unit" />
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

/** One entry per row: when, and the sentence (who, what, to which campaign or unit, the result). */
function AuditTable({ rows }: { rows: AuditRowView[] }) {
  const { t } = useI18n();
  const campaigns = useCampaigns();
  const names = new Map((campaigns.data ?? []).map((c) => [c.id, c.title]));
  // 区划 by name, the code in a tooltip; a code the app does not know stays a code.
  const regionName = useRegionNames(rows.flatMap((r) => (r.regionCode ? [r.regionCode] : [])));
  return (
    <div className="table-wrap">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('audit.col.at')}</th>
            <th>{t('audit.col.actor')}</th>
            <th>{t('audit.col.action')}</th>
            <th>{t('audit.col.result')}</th>
            <th>{t('audit.col.region')}</th>
            <th>{t('audit.col.ip')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row" data-action={r.action} data-result={r.result} data-actor={r.actorUsername ?? ''}>
              <td className="nowrap">{formatDateTime(r.at, DEFAULT_TIME_ZONE)}</td>
              <td>{auditActor(r)}</td>
              <td data-testid="audit-sentence">{auditWhat(r, names)}</td>
              <td>
                <span className={`badge badge-tone-${r.result === 'success' ? 'ok' : r.result === 'denied' ? 'warn' : 'danger'}`}>{auditResult(r)}</span>
              </td>
              <td className="small" title={r.regionCode ?? undefined} data-testid="audit-region">
                {r.regionCode ? (regionName(r.regionCode) ?? r.regionCode) : t('common.none')}
              </td>
              <td className="small nowrap">{r.ip ?? t('common.none')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
