// Every report revision of a unit, newest first: a correction is a new revision, never an overwrite.
// A record of what was typed, so figures are exact (12,345, not 1.23万) and money has two decimals.
import { Badge } from '../../../components/ui/badge';
import { formatActor, formatDateTime, formatNumber, formatYuan } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { ReportView } from '../../../types/api';

/** Reports typed into the console (or its API); other sources (an import, a feed) are named. */
const CONSOLE_SOURCES: ReadonlySet<string> = new Set(['console', 'api']);

export function ReportList({ reports, timeZone }: { reports: ReportView[]; timeZone: string }) {
  const { t, language } = useI18n();
  const n = (v: number) => formatNumber(v, language);
  if (reports.length === 0) {
    return (
      <p className="muted" data-testid="report-list-empty">
        {t('reports.empty')}
      </p>
    );
  }
  const rows = [...reports].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt) || b.revision - a.revision);
  return (
    <div className="table-wrap">
      <table className="table table-stack" data-testid="report-list">
        <thead>
          <tr>
            <th>{t('reports.col.period')}</th>
            <th className="num">{t('reports.col.revision')}</th>
            <th className="num">{t('figures.enrolled')}</th>
            <th className="num">{t('figures.paid')}</th>
            <th className="num">{t('reports.col.amount')}</th>
            <th className="num">{t('reports.col.mobile')}</th>
            <th className="num">{t('figures.hardship')}</th>
            <th>{t('reports.col.timeliness')}</th>
            <th>{t('reports.col.actor')}</th>
            <th>{t('reports.col.submittedAt')}</th>
            <th>{t('reports.col.note')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="report-row" data-period={r.periodKey} data-revision={r.revision} data-late={r.late}>
              <td data-label={t('reports.col.period')} className="nowrap">{r.periodKey}</td>
              <td data-label={t('reports.col.revision')} className="num">{t('reports.revision', { n: r.revision })}</td>
              <td data-label={t('figures.enrolled')} className="num">{n(r.enrolled)}</td>
              <td data-label={t('figures.paid')} className="num">{n(r.paid)}</td>
              <td data-label={t('reports.col.amount')} className="num">{formatYuan(r.amountYuan, language)}</td>
              <td data-label={t('reports.col.mobile')} className="num">{n(r.mobilePaid)}</td>
              <td data-label={t('figures.hardship')} className="num">{n(r.hardshipCovered)}</td>
              <td data-label={t('reports.col.timeliness')}>
                {r.late ? <Badge tone="warn">{t('reports.late')}</Badge> : <Badge tone="ok">{t('reports.onTime')}</Badge>}
              </td>
              <td data-label={t('reports.col.actor')}>
                {formatActor(r.actor, language)}
                {!CONSOLE_SOURCES.has(r.source) && <div className="muted small">{t('reports.source', { source: r.source })}</div>}
              </td>
              <td data-label={t('reports.col.submittedAt')} className="nowrap">{formatDateTime(r.submittedAt, timeZone)}</td>
              <td data-label={t('reports.col.note')} className="small">{r.note || <span className="muted">{t('common.none')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
