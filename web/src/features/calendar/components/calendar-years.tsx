// The years on file: where each notice came from (title, document number, date, link), its holidays
// and its make-up working days (调休上班).
import { Badge } from '../../../components/ui/badge';
import { DEFAULT_TIME_ZONE, daysBetweenLocal } from '../../../../../domain/time';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type Translate } from '../../../lib/i18n';
import type { CalendarYearView } from '../../../types/api';

export function CalendarYears({ years }: { years: CalendarYearView[] }) {
  const { t } = useI18n();
  if (years.length === 0) {
    return (
      <p className="card muted" data-testid="calendar-empty">
        {t('calendar.empty')}
      </p>
    );
  }
  return (
    <div className="calendar-years">
      {[...years]
        .sort((a, b) => b.year - a.year)
        .map((y) => (
          <CalendarYearCard key={y.year} year={y} />
        ))}
    </div>
  );
}

function CalendarYearCard({ year: y }: { year: CalendarYearView }) {
  const { t, language } = useI18n();
  return (
    <article className="card" data-testid={`calendar-year-${y.year}`} data-origin={y.origin}>
      <header className="card-title-row">
        <h2>{t('calendar.year', { year: y.year })}</h2>
        <span>
          <Badge tone={y.origin === 'official' ? 'info' : 'muted'} data={y.origin}>
            {t(`calendar.origin.${y.origin}`)}
          </Badge>{' '}
          <span className="muted small">
            {[
              y.version > 0 ? t('calendar.version', { version: y.version }) : '',
              y.updatedAt ? t('calendar.updated', { actor: y.updatedBy, at: formatDateTime(y.updatedAt, DEFAULT_TIME_ZONE) }) : '',
            ]
              .filter(Boolean)
              .join(' · ')}
          </span>
        </span>
      </header>
      <p className="calendar-source" data-testid="calendar-source">
        {y.source.url ? (
          <a href={y.source.url} target="_blank" rel="noreferrer">
            {y.source.title}
          </a>
        ) : (
          y.source.title
        )}
        <span className="muted small">
          {' · '}
          {y.source.issuer}
          {y.source.docNo ? ` · ${y.source.docNo}` : ''}
          {' · '}
          {t('calendar.publishedOn', { date: y.source.publishedOn })}
        </span>
      </p>
      <div className="preview-grid">
        <div>
          <h3>{t('calendar.holidays')}</h3>
          {y.holidays.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('calendar.col.holiday')}</th>
                  <th>{t('calendar.col.range')}</th>
                  <th className="num">{t('calendar.col.days')}</th>
                </tr>
              </thead>
              <tbody>
                {y.holidays.map((h) => (
                  <tr key={`${h.from}-${h.name.zh}`}>
                    <td>{language === 'zh-CN' ? h.name.zh : h.name.en}</td>
                    <td className="nowrap">{h.from === h.to ? h.from : `${h.from} ~ ${h.to}`}</td>
                    <td className="num">{daysBetweenLocal(h.from, h.to) + 1}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>{t('calendar.makeup')}</h3>
          {y.makeupWorkdays.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('calendar.col.date')}</th>
                  <th>{t('calendar.col.for')}</th>
                </tr>
              </thead>
              <tbody>
                {y.makeupWorkdays.map((m) => (
                  <tr key={m.date}>
                    <td className="nowrap">
                      {m.date} <span className="muted small">{weekdayName(m.date, t)}</span>
                    </td>
                    <td>{m.for}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </article>
  );
}

function weekdayName(date: string, t: Translate): string {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return t(`calendar.weekday.${day as 0 | 1 | 2 | 3 | 4 | 5 | 6}`);
}
