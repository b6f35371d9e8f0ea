// 督办台账: every escalation of a campaign, filtered by track, rung, status and region. The filters
// live in the address, so a filtered board can be bookmarked or sent to a colleague.
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import type { EscalationFilters, EscalationRung, EscalationStatusFilter, EscalationTrack } from '../../../types/api';
import { RegionPicker } from '../../regions/components/region-picker';
import { EscalationList } from './escalation-list';
import { keysOf, RUNG_LABELS, STATUS_FILTER_LABELS, TRACK_LABELS } from './labels';

const TRACKS = keysOf(TRACK_LABELS);
const RUNGS = keysOf(RUNG_LABELS);
const STATUSES = keysOf(STATUS_FILTER_LABELS);
const REGION = /^\d{2,15}$/;

function oneOf<T extends string>(values: readonly T[], v: string | null): T | undefined {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;
}

export function EscalationBoard({ campaignId, timeZone, live }: { campaignId: string; timeZone: string; live: boolean }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters: EscalationFilters = {
    track: oneOf<EscalationTrack>(TRACKS, params.get('track')),
    rung: oneOf<EscalationRung>(RUNGS, params.get('rung')),
    status: oneOf<EscalationStatusFilter>(STATUSES, params.get('status')),
    region: REGION.test(params.get('region') ?? '') ? params.get('region')! : undefined,
  };
  const [regionInput, setRegionInput] = useState(filters.region ?? '');
  const [regionError, setRegionError] = useState(false);

  const set = (key: keyof EscalationFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const applyRegion = (e: FormEvent) => {
    e.preventDefault();
    const v = regionInput.trim();
    if (v && !REGION.test(v)) {
      setRegionError(true);
      return;
    }
    setRegionError(false);
    set('region', v);
  };

  return (
    <section className="card" data-testid="escalation-board">
      <div className="filters" role="search">
        <label className="field">
          <span>{t('escalation.filter.track')}</span>
          <select value={filters.track ?? ''} onChange={(e) => set('track', e.target.value)} data-testid="filter-track">
            <option value="">{t('escalation.filter.all')}</option>
            {TRACKS.map((k) => (
              <option key={k} value={k}>
                {t(TRACK_LABELS[k])}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('escalation.filter.rung')}</span>
          <select value={filters.rung ?? ''} onChange={(e) => set('rung', e.target.value)} data-testid="filter-rung">
            <option value="">{t('escalation.filter.all')}</option>
            {RUNGS.map((k) => (
              <option key={k} value={k}>
                {t(RUNG_LABELS[k])}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('escalation.filter.status')}</span>
          <select value={filters.status ?? ''} onChange={(e) => set('status', e.target.value)} data-testid="filter-status">
            <option value="">{t('escalation.filter.all')}</option>
            {STATUSES.map((k) => (
              <option key={k} value={k}>
                {t(STATUS_FILTER_LABELS[k])}
              </option>
            ))}
          </select>
        </label>
        <form className="field" onSubmit={applyRegion}>
          <span>{t('escalation.filter.region')}</span>
          <div className="input-with-button">
            <RegionPicker value={regionInput} onChange={setRegionInput} acceptCode={(c) => REGION.test(c)} testId="filter-region" />
            <button type="submit" className="button button-small nowrap">
              {t('escalation.filter.apply')}
            </button>
          </div>
          {regionError && <span className="field-error">{t('escalation.filter.regionInvalid')}</span>}
        </form>
        {(filters.track || filters.rung || filters.status || filters.region) && (
          <button
            type="button"
            className="link-button filters-clear"
            onClick={() => {
              setRegionInput('');
              setParams(new URLSearchParams(), { replace: true });
            }}
            data-testid="filter-clear"
          >
            {t('escalation.filter.clear')}
          </button>
        )}
      </div>
      <EscalationList campaignId={campaignId} filters={filters} timeZone={timeZone} live={live} testId="escalation-table" />
    </section>
  );
}
