// 近期截止: what falls due in the next days across every campaign, grouped by day, so an official
// sees on Monday what must be chased this week. Times are Beijing time (the API gives instants).
import { Link, useSearchParams } from 'react-router';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { Badge, type BadgeTone } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { paths } from '../../../config/paths';
import { dueParts, formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import type { DeadlineItem } from '../../../types/api';
import { useDeadlines } from '../api/get-deadlines';

const KIND_ORDER: Record<DeadlineItem['kind'], number> = { escalation: 0, phase: 1, report: 2 };

export const DAY_CHOICES = [1, 3, 7, 14, 30] as const;
const DEFAULT_DAYS = 7;

const KIND: Record<DeadlineItem['kind'], { label: MessageKey; tone: BadgeTone }> = {
  report: { label: 'deadlines.kind.report', tone: 'info' },
  phase: { label: 'deadlines.kind.phase', tone: 'warn' },
  escalation: { label: 'deadlines.kind.escalation', tone: 'danger' },
};

export function DeadlinesBoard() {
  const { t, language } = useI18n();
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('days'));
  const days = (DAY_CHOICES as readonly number[]).includes(asked) ? asked : DEFAULT_DAYS;
  const deadlines = useDeadlines({ days });
  const zone = DEFAULT_TIME_ZONE;

  const byDay = new Map<string, DeadlineItem[]>();
  // Same instant: an escalation rung first (most pressing), then a phase deadline, then reports by unit.
  const sorted = [...(deadlines.data?.items ?? [])].sort(
    (a, b) => a.at.localeCompare(b.at) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.unitCode ?? '').localeCompare(b.unitCode ?? ''),
  );
  for (const item of sorted) {
    const day = dueParts(item.at, zone).date;
    byDay.set(day, [...(byDay.get(day) ?? []), item]);
  }

  return (
    <section data-testid="deadlines-board">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label={t('deadlines.days')}>
          {DAY_CHOICES.map((d) => (
            <button
              key={d}
              type="button"
              className={d === days ? 'button button-small active' : 'button button-small'}
              aria-pressed={d === days}
              onClick={() => setParams(d === DEFAULT_DAYS ? {} : { days: String(d) }, { replace: true })}
              data-testid={`deadlines-days-${d}`}
            >
              {t('deadlines.daysOption', { days: d })}
            </button>
          ))}
        </div>
        {deadlines.data && (
          <span className="muted small" data-testid="deadlines-range">
            {t('deadlines.range', { from: formatDateTime(deadlines.data.from, zone), to: formatDateTime(deadlines.data.to, zone), zone })}
          </span>
        )}
      </div>
      {deadlines.isPending && <Loading />}
      {deadlines.isError && <ErrorMessage error={deadlines.error} testId="deadlines-error" />}
      {deadlines.data?.truncated && (
        <p className="alert alert-info" data-testid="deadlines-truncated">
          {t('deadlines.truncated')}
        </p>
      )}
      {deadlines.data && byDay.size === 0 && (
        <p className="card muted" data-testid="deadlines-empty">
          {t('deadlines.empty', { days })}
        </p>
      )}
      {[...byDay.entries()].map(([day, items]) => (
        <section className="card" key={day} data-testid="deadlines-day" data-day={day}>
          <h2>{t('deadlines.day', { day, count: items.length })}</h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t('deadlines.col.at')}</th>
                  <th>{t('deadlines.col.kind')}</th>
                  <th>{t('deadlines.col.what')}</th>
                  <th>{t('deadlines.col.unit')}</th>
                  <th>{t('deadlines.col.campaign')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item, i) => (
                  <tr key={`${item.campaignId}-${item.unitCode ?? ''}-${item.at}-${i}`} data-testid="deadline-row" data-kind={item.kind}>
                    <td className="nowrap">{dueParts(item.at, zone).time}</td>
                    <td>
                      <Badge tone={KIND[item.kind].tone} data={item.kind}>
                        {t(KIND[item.kind].label)}
                      </Badge>
                    </td>
                    <td>{language === 'zh-CN' ? item.label.zh : item.label.en}</td>
                    <td>
                      {item.unitCode ? (
                        <Link to={paths.unit.getHref(item.campaignId, item.unitCode)}>{item.unitName ?? item.unitCode}</Link>
                      ) : (
                        <span className="muted">{t('common.none')}</span>
                      )}
                    </td>
                    <td>
                      <Link to={paths.campaign.getHref(item.campaignId)}>{item.campaignTitle}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </section>
  );
}
