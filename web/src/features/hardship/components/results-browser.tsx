// 筛查结果: one row per person, filtered by outcome, unit and change, searched by name or ID number
// (sent in the body, never the address), fifty to a page. ID numbers arrive masked. A person still
// to be mobilised can be recorded as refusing, with the written statement.
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { formatNumber, formatYuan } from '../../../lib/format';
import type { HardshipChange, HardshipOutcome, ResultSearchRequest, ResultView } from '../../../types/api';
import { hardshipHref } from '../api/hardship-api';
import { useSearchResults } from '../api/search-results';
import { useHardshipI18n } from '../i18n';
import { categoryLabelKey, CHANGE_LABELS, keysOf, OUTCOME_LABELS, OUTCOME_TONES, REASON_LABELS } from '../labels';
import { RefusalDialog } from './refusal-dialog';

const OUTCOMES = keysOf(OUTCOME_LABELS);
const CHANGES = keysOf(CHANGE_LABELS);
const UNIT = /^\d{6}(\d{3}){0,2}$/;
const PAGE_SIZE = 50;

export interface ResultFilters {
  outcome?: HardshipOutcome;
  unitCode?: string;
  change?: HardshipChange;
}

export function ResultsBrowser({
  campaignId,
  runId,
  initial,
  compared,
  canRecordRefusals,
}: {
  campaignId: string;
  runId: string;
  initial: ResultFilters;
  /** The run has a previous one to compare with: otherwise every row would read 新增. */
  compared: boolean;
  /** Refusals are recorded against a completed run. */
  canRecordRefusals: boolean;
}) {
  const { t, language } = useHardshipI18n();
  const [filters, setFilters] = useState<ResultFilters>(initial);
  const [unitInput, setUnitInput] = useState(initial.unitCode ?? '');
  const [unitError, setUnitError] = useState(false);
  const [queryInput, setQueryInput] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [refusing, setRefusing] = useState<ResultView | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);

  const request: ResultSearchRequest = {
    ...(filters.outcome ? { outcome: filters.outcome } : {}),
    ...(filters.unitCode ? { unitCode: filters.unitCode } : {}),
    ...(filters.change ? { change: filters.change } : {}),
    ...(query ? { query } : {}),
    page,
    pageSize: PAGE_SIZE,
  };
  const results = useSearchResults({ campaignId, runId, request });

  const set = (next: ResultFilters) => {
    setFilters(next);
    setPage(1);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    const unit = unitInput.trim();
    if (unit && !UNIT.test(unit)) {
      setUnitError(true);
      return;
    }
    setUnitError(false);
    setQuery(queryInput.trim());
    set({ ...filters, unitCode: unit || undefined });
  };
  const clear = () => {
    setUnitInput('');
    setQueryInput('');
    setQuery('');
    setUnitError(false);
    set({});
  };

  const pages = results.data ? Math.max(1, Math.ceil(results.data.total / results.data.pageSize)) : 1;
  const n = (v: number) => formatNumber(v, language);
  const yuan = (fen: number) => formatYuan(fen / 100, language);

  return (
    <div data-testid="results-browser">
      <form className="filters" role="search" onSubmit={search}>
        <label className="field">
          <span>{t('results.filter.outcome')}</span>
          <select
            value={filters.outcome ?? ''}
            onChange={(e) => set({ ...filters, outcome: (e.target.value || undefined) as HardshipOutcome | undefined })}
            data-testid="results-outcome"
          >
            <option value="">{t('results.filter.all')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(OUTCOME_LABELS[o])}
              </option>
            ))}
          </select>
        </label>
        {compared && (
          <label className="field">
            <span>{t('results.filter.change')}</span>
            <select
              value={filters.change ?? ''}
              onChange={(e) => set({ ...filters, change: (e.target.value || undefined) as HardshipChange | undefined })}
              data-testid="results-change"
            >
              <option value="">{t('results.filter.all')}</option>
              {CHANGES.map((c) => (
                <option key={c} value={c}>
                  {t(CHANGE_LABELS[c])}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>{t('results.filter.unit')}</span>
          <input
            value={unitInput}
            onChange={(e) => setUnitInput(e.target.value)}
            inputMode="numeric"
            maxLength={12}
            placeholder={t('results.filter.unitPlaceholder')}
            aria-invalid={unitError || undefined}
            data-testid="results-unit"
          />
          {unitError && <span className="field-error">{t('results.filter.unitInvalid')}</span>}
        </label>
        <label className="field" style={{ flexBasis: 260 }}>
          <span>{t('results.filter.query')}</span>
          <div className="input-with-button">
            <input
              value={queryInput}
              onChange={(e) => setQueryInput(e.target.value)}
              maxLength={40}
              autoComplete="off"
              placeholder={t('results.filter.queryPlaceholder')}
              data-testid="results-query"
            />
            <button type="submit" className="button button-small" data-testid="results-search">
              {t('results.search')}
            </button>
          </div>
        </label>
        {(filters.outcome || filters.change || filters.unitCode || query) && (
          <button type="button" className="link-button filters-clear" onClick={clear} data-testid="results-clear">
            {t('results.clear')}
          </button>
        )}
      </form>

      {recorded && (
        <p className="alert alert-ok" role="status" data-testid="refusal-recorded">
          {recorded}
        </p>
      )}
      {results.isPending && <Loading />}
      {results.isError && <ErrorMessage error={results.error} testId="results-error" />}
      {results.data && (
        <>
          <p className="small muted" data-testid="results-total" data-total={results.data.total}>
            {t('results.total', { total: n(results.data.total) })}
          </p>
          {results.data.rows.length === 0 ? (
            <p className="muted" data-testid="results-empty">
              {t('results.empty')}
            </p>
          ) : (
            <div className="table-wrap" style={results.isPlaceholderData ? { opacity: 0.6 } : undefined}>
              <table className="table" data-testid="results-table">
                <thead>
                  <tr>
                    <th>{t('results.col.id')}</th>
                    <th>{t('results.col.name')}</th>
                    <th>{t('results.col.categories')}</th>
                    <th>{t('results.col.village')}</th>
                    <th>{t('results.col.outcome')}</th>
                    <th className="num">{t('results.col.tier')}</th>
                    <th className="num">{t('results.col.govPaid')}</th>
                    <th className="num">{t('results.col.personal')}</th>
                    <th className="num">{t('results.col.subsidy')}</th>
                    {compared && <th>{t('results.col.change')}</th>}
                    <th>{t('results.col.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {results.data.rows.map((r) => (
                    <tr key={r.resultId} data-testid="result-row" data-outcome={r.outcome} data-result={r.resultId}>
                      <td className="nowrap">
                        <code data-testid="result-id">{r.idMasked}</code>
                      </td>
                      <td className="nowrap" data-testid="result-name">
                        {r.name}
                      </td>
                      <td className="small">
                        {r.categories
                          .map((c, i) => {
                            const key = categoryLabelKey(c);
                            return key ? t(key) : (r.categoryNames[i] ?? c);
                          })
                          .join('、')}
                      </td>
                      <td className="small">{r.villageName ?? r.villageCode ?? t('none')}</td>
                      <td>
                        <Badge tone={OUTCOME_TONES[r.outcome]} data={r.outcome} testId="result-outcome">
                          {t(OUTCOME_LABELS[r.outcome])}
                        </Badge>
                        {r.reason && <div className="muted small">{t(REASON_LABELS[r.reason])}</div>}
                      </td>
                      <td className="num">{r.tierFen === null ? t('none') : yuan(r.tierFen)}</td>
                      <td className="num" data-testid="result-gov-paid">
                        {yuan(r.govPaidFen)}
                      </td>
                      <td className="num">{yuan(r.personalFen)}</td>
                      <td className="num">{yuan(r.subsidyFen)}</td>
                      {compared && <td className="small">{r.change ? t(CHANGE_LABELS[r.change]) : t('none')}</td>}
                      <td className="nowrap">
                        {r.outcome === 'to-mobilise' && r.refusalId === null && canRecordRefusals && (
                          <button type="button" className="button button-small" onClick={() => setRefusing(r)} data-testid="result-refuse">
                            {t('refusal.open')}
                          </button>
                        )}
                        {r.refusalId !== null && (
                          <a
                            href={hardshipHref(campaignId, `/refusals/${encodeURIComponent(String(r.refusalId))}/evidence`)}
                            target="_blank"
                            rel="noreferrer"
                            data-testid="result-evidence"
                          >
                            {t('refusal.evidence')}
                          </a>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pages > 1 && (
            <div className="toolbar toolbar-spread" data-testid="results-pager">
              <button type="button" className="button button-small" disabled={page <= 1} onClick={() => setPage(page - 1)} data-testid="results-prev">
                {t('results.prev')}
              </button>
              <span className="small" data-testid="results-page">
                {t('results.page', { page, pages })}
              </span>
              <button type="button" className="button button-small" disabled={page >= pages} onClick={() => setPage(page + 1)} data-testid="results-next">
                {t('results.next')}
              </button>
            </div>
          )}
        </>
      )}
      {refusing && (
        <RefusalDialog
          campaignId={campaignId}
          runId={runId}
          result={refusing}
          onClose={(done) => {
            setRefusing(null);
            if (done) setRecorded(t('refusal.recorded', { name: refusing.name }));
          }}
        />
      )}
    </div>
  );
}
