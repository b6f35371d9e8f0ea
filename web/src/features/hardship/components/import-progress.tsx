// One import as it moves: a bar with the share of the file read and the rows so far, every second;
// then stored (rows, version, the screening it started, what the official should know: rows hidden in
// Excel, rows stored under the category their own column names), or refused or failed with the reason,
// the first errors (行, 列, 值, 原因) and the whole error report as XLSX.
import { useEffect, useRef } from 'react';
import { Badge } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { formatDateTime, formatNumber } from '../../../lib/format';
import type { ImportView } from '../../../types/api';
import { IMPORT_MOVING, useImport } from '../api/get-import';
import { hardshipHref, PROGRESS_REFETCH_MS } from '../api/hardship-api';
import { formatBytes } from '../format';
import { useHardshipI18n, type HardshipKey } from '../i18n';
import { categoryLabelKey, IMPORT_STATUS_LABELS, IMPORT_STATUS_TONES, LIST_LABELS } from '../labels';

const STAGE_LABELS: Record<NonNullable<ImportView['progress']>['stage'], HardshipKey> = {
  reading: 'import.stage.reading',
  'checking-duplicates': 'import.stage.checking-duplicates',
  swapping: 'import.stage.swapping',
  done: 'import.stage.done',
};

/** Shown in the table; the rest are in the XLSX. */
const ERRORS_SHOWN = 50;

export function ImportProgress({
  campaignId,
  importId,
  timeZone,
  follow,
  onStored,
  onShowRun,
}: {
  campaignId: string;
  importId: string;
  timeZone: string;
  /** This page started the import: report it stored even if it was before the first poll, and with its screening when one was asked for. */
  follow?: { screenAfter: boolean };
  /** Once, when the import is stored (a followed one), or when this page saw it go from reading to stored. */
  onStored?: (done: ImportView) => void;
  /** The screening run the import started: once by itself for a followed import, or on request. */
  onShowRun?: (runId: string) => void;
}) {
  const { t, language } = useHardshipI18n();
  const storedAt = useRef<number | null>(null);
  const query = useImport({
    campaignId,
    importId,
    queryConfig: {
      // The import workflow links its screening run just after storing the list: wait for it (a minute at most).
      refetchInterval: (q) => {
        const d = q.state.data;
        if (!d || IMPORT_MOVING.includes(d.status)) return PROGRESS_REFETCH_MS;
        const awaitingRun = d.status === 'stored' && follow?.screenAfter && !d.screeningRunId;
        return awaitingRun && (storedAt.current === null || Date.now() - storedAt.current < 60_000) ? PROGRESS_REFETCH_MS : false;
      },
    },
  });
  // Between the reading activity's end and the stored status a poll carries no progress: the bar keeps
  // the furthest point it reached instead of running back to zero.
  const furthest = useRef<ImportView['progress']>(null);
  if (query.data?.progress && (!furthest.current || query.data.progress.fraction >= furthest.current.fraction)) furthest.current = query.data.progress;
  const seenMoving = useRef(false);
  const reported = useRef(false);
  const shownRun = useRef(false);
  const data = query.data;

  useEffect(() => {
    if (!data) return;
    if (IMPORT_MOVING.includes(data.status)) seenMoving.current = true;
    if (data.status !== 'stored') return;
    storedAt.current ??= Date.now();
    if (!reported.current && (follow || seenMoving.current)) {
      reported.current = true;
      onStored?.(data);
    }
    if (follow?.screenAfter && data.screeningRunId && !shownRun.current) {
      shownRun.current = true;
      onShowRun?.(data.screeningRunId);
    }
  }, [data, follow, onStored, onShowRun]);

  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} testId="import-error" />;
  const i = query.data;
  const moving = IMPORT_MOVING.includes(i.status);
  return (
    <div className="hardship-import" data-testid="import-progress" data-status={i.status} data-import={i.id}>
      <div className="card-title-row">
        <h3>
          <ImportTitle view={i} />
        </h3>
        <Badge tone={IMPORT_STATUS_TONES[i.status]} data={i.status} testId="import-status">
          {t(IMPORT_STATUS_LABELS[i.status])}
        </Badge>
      </div>
      <p className="muted small">
        {t('import.meta', { name: i.fileName, at: formatDateTime(i.createdAt, timeZone), actor: i.actor })}
      </p>

      {moving && <ImportBar view={i} progress={i.progress ?? furthest.current} />}

      {i.status === 'stored' && (
        <div className="alert alert-ok" role="status" data-testid="import-stored">
          <p>
            {t('import.stored', {
              rows: formatNumber(i.rowsStored, language),
              version: i.version ?? 1,
            })}
          </p>
          {i.notices.length > 0 && (
            <div data-testid="import-notices">
              <p>{t('import.notices')}</p>
              <ul>
                {i.notices.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </div>
          )}
          {i.screeningRunId && (
            <p>
              {t('import.screening')}{' '}
              <button type="button" className="link-button" onClick={() => onShowRun?.(i.screeningRunId!)} data-testid="import-show-run">
                {t('import.showRun')}
              </button>
            </p>
          )}
        </div>
      )}
      {i.status === 'superseded' && <p className="muted">{t('import.superseded')}</p>}
      {(i.status === 'refused' || i.status === 'failed') && (
        <div className="alert alert-error" role="alert" data-testid="import-refused">
          <p data-testid="import-message">{i.message ?? t(i.status === 'refused' ? 'import.refused' : 'import.failed')}</p>
          {i.errorCount > 0 && <p>{t('import.errorCount', { count: formatNumber(i.errorCount, language) })}</p>}
        </div>
      )}
      {i.errorCount > 0 && (
        <>
          <ImportErrors view={i} />
          <p>
            <a
              className="button button-small"
              href={hardshipHref(campaignId, `/imports/${encodeURIComponent(i.id)}/errors.xlsx`)}
              download
              data-testid="import-errors-download"
            >
              {t('import.errorsDownload', { count: formatNumber(i.errorCount, language) })}
            </a>
          </p>
        </>
      )}
    </div>
  );
}

export function ImportTitle({ view }: { view: ImportView }) {
  const { t } = useHardshipI18n();
  if (view.list === 'roster') return <>{t(LIST_LABELS.roster)}</>;
  const key = categoryLabelKey(view.category);
  const name = key ? t(key) : (view.categoryName ?? t(LIST_LABELS.hardship));
  return <>{[name, view.department, view.listDate].filter(Boolean).join(' · ')}</>;
}

function ImportBar({ view, progress: p }: { view: ImportView; progress: ImportView['progress'] }) {
  const { t, language } = useHardshipI18n();
  return (
    <div className="hardship-progress" data-testid="import-bar" data-fraction={p?.fraction ?? 0}>
      <ProgressBar value={p?.fraction ?? 0} />
      <p className="small" data-testid="import-rows">
        {p
          ? t('import.progress', {
              stage: t(STAGE_LABELS[p.stage]),
              rows: formatNumber(p.rowsRead, language),
              read: formatBytes(p.bytesRead, language),
              total: formatBytes(p.totalBytes, language),
            })
          : t(view.status === 'pending' ? 'import.waiting' : 'import.working')}
      </p>
    </div>
  );
}

function ImportErrors({ view }: { view: ImportView }) {
  const { t, language } = useHardshipI18n();
  const errors = (view.errors ?? []).slice(0, ERRORS_SHOWN);
  if (errors.length === 0) return null;
  return (
    <>
      <p className="small muted">{t('import.errorsShown', { shown: errors.length, count: formatNumber(view.errorCount, language) })}</p>
      <div className="table-wrap">
        <table className="table" data-testid="import-errors">
          <thead>
            <tr>
              <th className="num">{t('import.col.line')}</th>
              <th>{t('import.col.column')}</th>
              <th>{t('import.col.value')}</th>
              <th>{t('import.col.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e, i) => (
              <tr key={`${e.line}-${e.column}-${i}`} data-testid="import-error-row">
                <td className="num">{e.line}</td>
                <td>{e.column}</td>
                <td>
                  <code>{e.value}</code>
                </td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
