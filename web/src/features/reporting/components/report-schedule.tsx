// 报送时间表: each period's raw date, its due date after 节假日顺延 (with the reason), its status,
// and, when an official's calendar correction or an amended deadline moved it, why. Grouped by the
// month it is due in, each month folding away: a daily schedule has 60 periods or more, and the month
// at hand is open (or the next month with periods, or the last one once all are past).
import { useState } from 'react';
import { formatDateTime, formatDue, localDate, proseMonth } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useNow } from '../../../lib/use-now';
import type { PeriodStatus, PeriodView } from '../../../types/api';
import { PeriodStatusBadge } from './period-status-badge';
import { livePeriods } from './report-periods';

const STATUS_ORDER: readonly PeriodStatus[] = ['missed', 'late', 'open', 'reported', 'withdrawn'];

interface Month {
  month: string;
  periods: PeriodView[];
}

function byMonth(periods: readonly PeriodView[]): Month[] {
  const months = new Map<string, PeriodView[]>();
  const rows = [...livePeriods(periods), ...periods.filter((p) => p.status === 'withdrawn')];
  for (const p of rows) {
    const month = p.dueDate.slice(0, 7);
    months.set(month, [...(months.get(month) ?? []), p]);
  }
  return [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, list]) => ({ month, periods: list }));
}

/** The month to open: this month, else the next with periods, else the last. */
export function monthToOpen(months: readonly string[], today: string): string | undefined {
  const current = today.slice(0, 7);
  return months.find((m) => m >= current) ?? months[months.length - 1];
}

export function ReportSchedule({ periods, timeZone }: { periods: PeriodView[]; timeZone: string }) {
  const { t, language } = useI18n();
  const now = useNow(60_000);
  const months = byMonth(periods);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => {
    const first = monthToOpen(
      months.map((m) => m.month),
      localDate(now, timeZone),
    );
    return new Set(first ? [first] : []);
  });
  const text = (b: { zh: string; en: string } | null) => (b ? (language === 'zh-CN' ? b.zh : b.en) : null);
  if (periods.length === 0) {
    return (
      <p className="muted" data-testid="report-schedule-empty">
        {t('schedule.empty')}
      </p>
    );
  }
  const toggle = (month: string, isOpen: boolean) =>
    setOpen((prev) => {
      if (prev.has(month) === isOpen) return prev;
      const next = new Set(prev);
      if (isOpen) next.add(month);
      else next.delete(month);
      return next;
    });
  return (
    <div className="schedule-months" data-testid="report-schedule">
      {months.map(({ month, periods: rows }) => {
        const counts = STATUS_ORDER.map((s) => [s, rows.filter((p) => p.status === s).length] as const).filter(([, n]) => n > 0);
        return (
          <details
            key={month}
            className="month-group"
            open={open.has(month)}
            onToggle={(e) => toggle(month, e.currentTarget.open)}
            data-testid="schedule-month"
            data-month={month}
          >
            <summary>
              <span className="month-title">{proseMonth(month, language)}</span>
              <span className="muted small">
                {[t('schedule.monthCount', { count: rows.length }), ...counts.map(([s, n]) => t('schedule.monthStatus', { status: t(`period.status.${s}`), count: n }))].join(' · ')}
              </span>
            </summary>
            <div className="table-wrap">
              <table className="table table-stack">
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
                      <td className="num" data-label={t('schedule.col.seq')}>
                        {p.seq}
                      </td>
                      <td className="nowrap" data-label={t('schedule.col.raw')}>
                        {p.rawDate}
                      </td>
                      <td className="nowrap" data-label={t('schedule.col.due')}>
                        <strong>{formatDue(p.dueAt, timeZone)}</strong>
                      </td>
                      <td data-label={t('schedule.col.shift')}>
                        {p.shifted ? (
                          <span className="shift-reason">{text(p.reason) ?? t('schedule.shifted')}</span>
                        ) : (
                          <span className="muted">{t('schedule.notShifted')}</span>
                        )}
                        {!p.calendarKnown && <div className="small warn-text">{t('schedule.calendarUnknown')}</div>}
                      </td>
                      <td data-label={t('schedule.col.status')}>
                        <PeriodStatusBadge status={p.status} testId={`period-status-${p.key}`} />
                      </td>
                      <td className="nowrap" data-label={t('schedule.col.reportedAt')}>
                        {p.reportedAt ? formatDateTime(p.reportedAt, timeZone) : t('common.none')}
                      </td>
                      <td className="small" data-label={t('schedule.col.change')}>
                        {text(p.changeNote) ?? <span className="muted">{t('common.none')}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        );
      })}
    </div>
  );
}
