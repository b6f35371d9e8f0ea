// 困难群体: import the roster and the hardship lists, screen them, and work through the results.
// The import and the run being looked at and the unit of the summary live in the address (opaque ids
// and region codes only), so the page can be reloaded or sent to a colleague; a search never does.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import type { HardshipOutcome } from '../../../types/api';
import { useOverview } from '../api/get-overview';
import { runPending, useRun } from '../api/get-run';
import { hardshipKeys } from '../api/hardship-api';
import { fenAsYuan } from '../format';
import { useHardshipI18n } from '../i18n';
import { ExportsPanel } from './exports-panel';
import { ImportProgress } from './import-progress';
import { CurrentLists, ImportHistory } from './lists-panel';
import { ResultsBrowser, type ResultFilters } from './results-browser';
import { RunSummary } from './run-summary';
import { RunPicker, ScreeningPanel } from './screening-panel';
import { UploadPanel } from './upload-panel';
import { useCan } from '../../../lib/auth';
import { UnitSummaryTable, type TrailItem } from './unit-summary-table';

export interface HardshipPageProps {
  campaignId: string;
  region: { code: string; name: string };
  /** The region's direct units (counties for a city plan). */
  units: { code: string; name: string; level: string }[];
  timeZone: string;
}

export function HardshipPage({ campaignId, region, units, timeZone }: HardshipPageProps) {
  const { t, language } = useHardshipI18n();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const overview = useOverview({ campaignId });

  const setParam = useCallback(
    (key: 'run' | 'import' | 'unit', value: string | undefined) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const importId = params.get('import') ?? undefined;
  const runId = params.get('run') ?? overview.data?.latestRunId ?? undefined;
  const unitParam = params.get('unit');
  const [trail, setTrail] = useState<TrailItem[]>(() => (unitParam && unitParam !== region.code ? [{ code: unitParam, name: unitParam }] : []));
  // The import started from this page, followed until stored (and until its screening is linked).
  const [followed, setFollowed] = useState<{ importId: string; screenAfter: boolean } | null>(null);
  // What the summary table asked the results to show, for the run it was asked on.
  const [preset, setPreset] = useState<{ filters: ResultFilters; key: number; runId: string | null }>({ filters: {}, key: 0, runId: null });
  const resultsRef = useRef<HTMLElement>(null);

  const run = useRun({ campaignId, runId: runId ?? '', queryConfig: { enabled: runId !== undefined } });

  // The run shown moves on its own (polled every second); the overview (run picker, latest run) is told
  // once per state it has not seen: a run just started may not have been written when it last read.
  const synced = useRef('');
  const shown = run.data;
  useEffect(() => {
    if (!shown || !overview.data) return;
    const key = `${shown.id}|${shown.status}`;
    const known = overview.data.runs.find((r) => r.id === shown.id);
    if (known?.status === shown.status || synced.current === key) return;
    synced.current = key;
    void queryClient.invalidateQueries({ queryKey: hardshipKeys.overview(campaignId) });
  }, [shown, overview.data, campaignId, queryClient]);

  // A stored list changes the current lists and the history; a new run the run picker.
  const onStored = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: hardshipKeys.overview(campaignId) });
    void queryClient.invalidateQueries({ queryKey: hardshipKeys.imports(campaignId) });
  }, [campaignId, queryClient]);
  const showRun = useCallback(
    (id: string) => {
      void queryClient.invalidateQueries({ queryKey: hardshipKeys.overview(campaignId) });
      setParam('run', id);
    },
    [campaignId, queryClient, setParam],
  );

  const drill = (next: TrailItem[]) => {
    setTrail(next);
    setParam('unit', next.at(-1)?.code);
  };
  const showResults = (unitCode: string, outcome?: HardshipOutcome) => {
    setPreset({ filters: { unitCode: unitCode === region.code ? undefined : unitCode, outcome }, key: Date.now(), runId: run.data?.id ?? null });
    requestAnimationFrame(() => resultsRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
  };

  const counties = units.filter((u) => u.level === 'county');
  const nameOf = (code: string) => units.find((u) => u.code === code)?.name ?? code;
  const lists = overview.data?.lists ?? [];
  const canScreen = lists.some((l) => l.list === 'roster') && lists.some((l) => l.list === 'hardship');
  const policy = overview.data?.policy;
  // Offered only to roles that may use them (domain/access.ts); the server decides anyway.
  const canImport = useCan('hardship.import');
  const canRefuse = useCan('hardship.refusal');

  return (
    <div className="hardship" data-testid="hardship-page">
      <p className="muted">{t('page.intro')}</p>

      {canImport && (
        <section className="card">
          <h2>{t('section.upload')}</h2>
          <UploadPanel
            campaignId={campaignId}
            onStarted={(r, screenAfter) => {
              setFollowed({ importId: r.importId, screenAfter });
              setParam('import', r.importId);
            }}
          />
        </section>
      )}

      {importId && (
        <section className="card" data-testid="import-card">
          <div className="card-title-row">
            <h2>{t('section.import')}</h2>
            <button type="button" className="link-button filters-clear" onClick={() => setParam('import', undefined)}>
              {t('close')}
            </button>
          </div>
          <ImportProgress
            key={importId}
            campaignId={campaignId}
            importId={importId}
            timeZone={timeZone}
            follow={followed?.importId === importId ? { screenAfter: followed.screenAfter } : undefined}
            onStored={onStored}
            onShowRun={showRun}
          />
        </section>
      )}

      <section className="card">
        <h2>{t('section.lists')}</h2>
        {policy && (
          <p className="small" data-testid="hardship-policy">
            {policy.mode === 'full-minimum'
              ? t('policy.full-minimum', { amount: fenAsYuan(policy.minimumFen, language), date: policy.referenceDate })
              : policy.mode === 'partial'
                ? t('policy.partial', { date: policy.referenceDate })
                : t('policy.none')}
          </p>
        )}
        {overview.isPending && <Loading />}
        {overview.isError && <ErrorMessage error={overview.error} testId="hardship-overview-error" />}
        {overview.data && <CurrentLists lists={overview.data.lists} timeZone={timeZone} />}
        <h3>{t('section.history')}</h3>
        <ImportHistory campaignId={campaignId} timeZone={timeZone} selected={importId} onSelect={(id) => setParam('import', id)} />
      </section>

      <section className="card">
        <h2>{t('section.screening')}</h2>
        {canImport ? (
          <ScreeningPanel
            campaignId={campaignId}
            counties={counties}
            canScreen={canScreen}
            onStarted={(r) => setParam('run', r.runId)}
          />
        ) : (
          <p className="muted small" data-testid="screening-readonly">
            {t('screen.readonly')}
          </p>
        )}
        {overview.data && (
          <RunPicker runs={overview.data.runs} selected={runId} timeZone={timeZone} scopeName={nameOf} onSelect={(id) => setParam('run', id)} />
        )}
        {run.isError && !runPending(run.error, run.errorUpdateCount) && <ErrorMessage error={run.error} testId="run-error" />}
        {run.isError && runPending(run.error, run.errorUpdateCount) && (
          <p className="muted" data-testid="run-pending">
            {t('run.waiting')}
          </p>
        )}
        {run.data && <RunSummary run={run.data} timeZone={timeZone} />}
      </section>

      {run.data?.status === 'completed' && runId && (
        <>
          <section className="card">
            <h2>{t('section.exports')}</h2>
            <ExportsPanel campaignId={campaignId} runId={run.data.id} units={[region, ...units]} />
          </section>
          <section className="card">
            <h2>{t('section.units')}</h2>
            <UnitSummaryTable campaignId={campaignId} runId={run.data.id} root={region} trail={trail} onDrill={drill} onShowResults={showResults} />
          </section>
          <section className="card" ref={resultsRef}>
            <h2>{t('section.results')}</h2>
            <ResultsBrowser
              key={`${run.data.id}-${preset.key}`}
              campaignId={campaignId}
              runId={run.data.id}
              initial={preset.runId === run.data.id ? preset.filters : {}}
              compared={run.data.changes?.previousRunId != null}
              canRecordRefusals={canRefuse && run.data.id === overview.data?.latestRunId}
            />
          </section>
        </>
      )}
    </div>
  );
}
