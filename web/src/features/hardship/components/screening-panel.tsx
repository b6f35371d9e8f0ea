// 开始筛查: the current lists against the current roster, for the whole campaign or one county; and
// the runs so far, one of which is shown below.
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { formatDateTime } from '../../../lib/format';
import type { RunView, StartScreeningResult } from '../../../types/api';
import { useStartScreening } from '../api/start-screening';
import { useHardshipI18n } from '../i18n';
import { RUN_STATUS_LABELS, RUN_STATUS_TONES } from '../labels';

/** A button or badge on the line of the inputs beside it (the filters row aligns labels at the top). */
export const BESIDE_INPUTS = { alignSelf: 'flex-end', marginBottom: 16 } as const;

export interface CountyOption {
  code: string;
  name: string;
}

export function ScreeningPanel({
  campaignId,
  counties,
  canScreen,
  onStarted,
}: {
  campaignId: string;
  /** The campaign's county-level units (6-digit codes). */
  counties: CountyOption[];
  /** A roster and at least one hardship list are stored. */
  canScreen: boolean;
  onStarted: (result: StartScreeningResult) => void;
}) {
  const { t } = useHardshipI18n();
  const [county, setCounty] = useState('');
  const start = useStartScreening({ mutationConfig: { onSuccess: onStarted } });

  const submit = () => {
    start.mutate({ campaignId, data: { ...(county ? { countyCode: county } : {}) } });
  };

  return (
    <div data-testid="screening-panel">
      <div className="filters">
        {counties.length > 0 && (
          <label className="field">
            <span>{t('screen.scope')}</span>
            <select value={county} onChange={(e) => setCounty(e.target.value)} data-testid="screen-county">
              <option value="">{t('screen.scope.all')}</option>
              {counties.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="field field-inline" style={BESIDE_INPUTS}>
          <button type="button" className="button button-primary" onClick={submit} disabled={start.isPending} data-testid="screen-start">
            {start.isPending ? t('pending') : t('screen.start')}
          </button>
        </div>
      </div>
      {!canScreen && <p className="muted small">{t('screen.needLists')}</p>}
      {start.isError && <ErrorMessage error={start.error} testId="screen-error" />}
    </div>
  );
}

/** The runs, newest first; choosing one shows it. */
export function RunPicker({
  runs,
  selected,
  timeZone,
  scopeName,
  onSelect,
}: {
  runs: RunView[];
  selected: string | undefined;
  timeZone: string;
  /** A county's name from its code. */
  scopeName: (code: string) => string;
  onSelect: (runId: string) => void;
}) {
  const { t } = useHardshipI18n();
  if (runs.length === 0)
    return (
      <p className="muted" data-testid="run-picker">
        {t('runs.empty')}
      </p>
    );
  const current = runs.find((r) => r.id === selected);
  return (
    <div className="filters">
      <label className="field" style={{ flexBasis: 420 }}>
        <span>{t('runs.pick')}</span>
        <select value={selected ?? ''} onChange={(e) => onSelect(e.target.value)} data-testid="run-picker">
          {!current && <option value="">{t('runs.choose')}</option>}
          {runs.map((r, i) => (
            <option key={r.id} value={r.id}>
              {t('runs.option', {
                n: runs.length - i,
                at: formatDateTime(r.startedAt, timeZone),
                scope: r.scope ? scopeName(r.scope) : t('screen.scope.all'),
                status: t(RUN_STATUS_LABELS[r.status]),
              })}
            </option>
          ))}
        </select>
      </label>
      {current && (
        <div className="field field-inline" style={BESIDE_INPUTS}>
          <Badge tone={RUN_STATUS_TONES[current.status]} data={current.status} testId="run-status">
            {t(RUN_STATUS_LABELS[current.status])}
          </Badge>
        </div>
      )}
    </div>
  );
}
