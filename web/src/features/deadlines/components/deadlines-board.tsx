// 近期截止: what falls due in the next days across every campaign, grouped by county (the unit directly
// under the campaign's region), then by day, so that a county's officials find their own list and the
// city sees which county has the most to chase. Times are Beijing time (the API gives instants).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { Badge, type BadgeTone } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { paths } from '../../../config/paths';
import { dueParts, formatDateTime, proseDate, shortDate } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import type { DeadlineItem } from '../../../types/api';
import { useDeadlines } from '../api/get-deadlines';

const KIND_ORDER: Record<DeadlineItem['kind'], number> = { escalation: 0, phase: 1, report: 2 };

export const DAY_CHOICES = [1, 3, 7, 14, 30] as const;
const DEFAULT_DAYS = 7;
/** Up to this many items every group starts open; past it only the campaign-wide one (and a lone group). */
const OPEN_ALL_UP_TO = 30;

const KIND: Record<DeadlineItem['kind'], { label: MessageKey; tone: BadgeTone }> = {
  report: { label: 'deadlines.kind.report', tone: 'info' },
  phase: { label: 'deadlines.kind.phase', tone: 'warn' },
  escalation: { label: 'deadlines.kind.escalation', tone: 'danger' },
};

/** Per campaign, the units directly under its region (the counties of a city plan), code and name. */
export type TopUnits = ReadonlyMap<string, ReadonlyArray<{ code: string; name: string }>>;

/** The range chosen on the board (`?days=`), shared with the route that names the counties. */
export function useDeadlineDays(): number {
  const [params] = useSearchParams();
  const asked = Number(params.get('days'));
  return (DAY_CHOICES as readonly number[]).includes(asked) ? asked : DEFAULT_DAYS;
}

interface Group {
  /** '' for the campaign-wide items (phase deadlines), else the county's code. */
  code: string;
  name: string;
  items: DeadlineItem[];
}

/** Items grouped by the top unit they belong to, campaign-wide first, then by code; each in time order. */
export function groupDeadlines(items: readonly DeadlineItem[], topUnits: TopUnits, campaignWide: string): Group[] {
  const groups = new Map<string, Group>();
  const sorted = [...items].sort(
    (a, b) => a.at.localeCompare(b.at) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.unitCode ?? '').localeCompare(b.unitCode ?? ''),
  );
  for (const item of sorted) {
    let code = '';
    let name = campaignWide;
    if (item.unitCode) {
      const top = topUnits.get(item.campaignId)?.find((u) => item.unitCode!.startsWith(u.code));
      // Until the campaign's units are known, region codes say it: a county is the first six digits.
      code = top?.code ?? item.unitCode.slice(0, 6);
      name = top?.name ?? (item.unitCode === code ? (item.unitName ?? code) : code);
    }
    const group = groups.get(code) ?? { code, name, items: [] };
    if (group.name === group.code && name !== code) group.name = name;
    group.items.push(item);
    groups.set(code, group);
  }
  return [...groups.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function DeadlinesBoard({ topUnits = new Map() }: { topUnits?: TopUnits }) {
  const { t, language } = useI18n();
  const [, setParams] = useSearchParams();
  const days = useDeadlineDays();
  const deadlines = useDeadlines({ days });
  const zone = DEFAULT_TIME_ZONE;
  const groups = groupDeadlines(deadlines.data?.items ?? [], topUnits, t('deadlines.group.campaign'));
  const total = deadlines.data?.items.length ?? 0;
  // null: as the rule says (all open when few); a set once the official opens or closes a group.
  const [chosen, setChosen] = useState<ReadonlySet<string> | null>(null);
  const isOpen = (g: Group) => (chosen ? chosen.has(g.code) : total <= OPEN_ALL_UP_TO || groups.length === 1 || g.code === '');
  const toggle = (code: string, open: boolean) => {
    const current = new Set(groups.filter(isOpen).map((g) => g.code));
    if (current.has(code) === open) return;
    if (open) current.add(code);
    else current.delete(code);
    setChosen(current);
  };

  return (
    <section data-testid="deadlines-board">
      <div className="toolbar toolbar-wrap">
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
        {groups.length > 1 && (
          <div className="segmented">
            <button type="button" className="button button-small" onClick={() => setChosen(new Set(groups.map((g) => g.code)))} data-testid="deadlines-expand">
              {t('deadlines.expandAll')}
            </button>
            <button type="button" className="button button-small" onClick={() => setChosen(new Set())} data-testid="deadlines-collapse">
              {t('deadlines.collapseAll')}
            </button>
          </div>
        )}
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
      {deadlines.data && groups.length === 0 && (
        <p className="card muted" data-testid="deadlines-empty">
          {t('deadlines.empty', { days })}
        </p>
      )}
      {groups.map((g) => {
        const byDay = new Map<string, DeadlineItem[]>();
        for (const item of g.items) {
          const day = dueParts(item.at, zone).date;
          byDay.set(day, [...(byDay.get(day) ?? []), item]);
        }
        const first = dueParts(g.items[0].at, zone);
        const escalations = g.items.filter((i) => i.kind === 'escalation').length;
        return (
          <details
            key={g.code}
            className="card month-group"
            open={isOpen(g)}
            onToggle={(e) => toggle(g.code, e.currentTarget.open)}
            data-testid="deadlines-group"
            data-group={g.code}
          >
            <summary>
              <span className="month-title">{g.name}</span>
              <span className="muted small">
                {t('deadlines.group.summary', { count: g.items.length, first: `${shortDate(first.date, language)} ${first.time}` })}
                {escalations > 0 && <span className="danger-text">{` · ${t('deadlines.group.escalations', { count: escalations })}`}</span>}
              </span>
            </summary>
            {[...byDay.entries()].map(([day, items]) => (
              <section key={day} data-testid="deadlines-day" data-day={day}>
                <h3>{t('deadlines.day', { day: proseDate(day, language), count: items.length })}</h3>
                <div className="table-wrap">
                  <table className="table table-stack">
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
                          <td className="nowrap" data-label={t('deadlines.col.at')}>
                            {dueParts(item.at, zone).time}
                          </td>
                          <td data-label={t('deadlines.col.kind')}>
                            <Badge tone={KIND[item.kind].tone} data={item.kind}>
                              {t(KIND[item.kind].label)}
                            </Badge>
                          </td>
                          <td data-label={t('deadlines.col.what')}>{language === 'zh-CN' ? item.label.zh : item.label.en}</td>
                          <td data-label={t('deadlines.col.unit')}>
                            {item.unitCode ? (
                              <Link to={paths.unit.getHref(item.campaignId, item.unitCode)}>{item.unitName ?? item.unitCode}</Link>
                            ) : (
                              <span className="muted">{t('common.none')}</span>
                            )}
                          </td>
                          <td data-label={t('deadlines.col.campaign')}>
                            <Link to={paths.campaign.getHref(item.campaignId)}>{item.campaignTitle}</Link>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            ))}
          </details>
        );
      })}
    </section>
  );
}
