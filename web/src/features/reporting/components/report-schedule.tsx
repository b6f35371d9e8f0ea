// 报送时间表: each period's raw date, its due date after 节假日顺延 (with the reason), its status,
// and, when an official's calendar correction or an amended deadline moved it, why.
import { formatDateTime, formatDue } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { PeriodView } from '../../../types/api';
import { PeriodStatusBadge } from './period-status-badge';
import { livePeriods } from './report-periods';

export function ReportSchedule({ periods, timeZone }: { periods: PeriodView[]; timeZone: string }) {
  const { t, language } = useI18n();
  const text = (b: { zh: string; en: string } | null) => (b ? (language === 'zh-CN' ? b.zh : b.en) : null);
  if (periods.length === 0) {
    return (
      <p className="muted" data-testid="report-schedule-empty">
        {t('schedule.empty')}
      </p>
    );
  }
  const withdrawn = periods.filter((p) => p.status === 'withdrawn');
  const rows = [...livePeriods(periods), ...withdrawn];
  return (
    <div className="table-wrap">
      <table className="table" data-testid="report-schedule">
        <thead>
          <tr>
            <th className="num">{t('schedule.col.seq')}</th>
            <th>{t('schedule.col.raw')}</th>
            <th>{t('schedule.col.due')}</th>
            <th>{t('schedule.col.shift')}</th>
            <th>{t('schedule.col.status')}</th>
            <th>{t('schedule.col.reportedAt')}</th>
            <th>{t('schedule.col.change')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr
              key={p.key}
              className={p.shifted || p.changeNote ? 'row-shifted' : undefined}
              data-testid={`period-row-${p.key}`}
              data-status={p.status}
            >
              <td className="num">{p.seq}</td>
              <td className="nowrap">{p.rawDate}</td>
              <td className="nowrap">
                <strong>{formatDue(p.dueAt, timeZone)}</strong>
              </td>
              <td>
                {p.shifted ? (
                  <span className="shift-reason">{text(p.reason) ?? t('schedule.shifted')}</span>
                ) : (
                  <span className="muted">{t('schedule.notShifted')}</span>
                )}
                {!p.calendarKnown && <div className="small warn-text">{t('schedule.calendarUnknown')}</div>}
              </td>
              <td>
                <PeriodStatusBadge status={p.status} testId={`period-status-${p.key}`} />
              </td>
              <td className="nowrap">{p.reportedAt ? formatDateTime(p.reportedAt, timeZone) : t('common.none')}</td>
              <td className="small">{text(p.changeNote) ?? <span className="muted">{t('common.none')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
