import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { formatActor, formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { CalendarChangeView } from '../../../types/api';

/** 修改记录: every addition or correction, by whom and why, with what changed. */
export function CalendarChangeLog({ changes }: { changes: CalendarChangeView[] }) {
  const { t, language } = useI18n();
  const rows = [...changes].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
  return (
    <section className="card" data-testid="calendar-changes">
      <h2>{t('calendar.changes')}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('calendar.changes.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{t('log.col.at')}</th>
                <th className="num">{t('calendar.col.year')}</th>
                <th className="num">{t('calendar.col.version')}</th>
                <th>{t('log.col.actor')}</th>
                <th>{t('log.col.reason')}</th>
                <th>{t('calendar.col.summary')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-testid="calendar-change-row">
                  <td className="nowrap">{formatDateTime(c.at, DEFAULT_TIME_ZONE)}</td>
                  <td className="num">{c.year}</td>
                  <td className="num">{c.version}</td>
                  <td>{formatActor(c.actor, language)}</td>
                  <td>{c.reason}</td>
                  <td className="small">{c.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
