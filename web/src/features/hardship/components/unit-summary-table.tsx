// 分单位汇总: the unit (合计) and each unit below it with their counts; a row drills down to its own
// children, down to villages. Each row opens its results below and downloads its 待动员名单.
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { formatCount, formatMoney } from '../../../lib/format';
import type { HardshipOutcome, UnitSummaryView } from '../../../types/api';
import { useUnitSummaries } from '../api/get-unit-summaries';
import { hardshipHref } from '../api/hardship-api';
import { useHardshipI18n } from '../i18n';
import { LinkButton } from './link-button';

export interface TrailItem {
  code: string;
  name: string;
}

export function UnitSummaryTable({
  campaignId,
  runId,
  root,
  trail,
  onDrill,
  onShowResults,
}: {
  campaignId: string;
  runId: string;
  /** The campaign's region: the first breadcrumb. */
  root: TrailItem;
  /** The units drilled into below the region, the last one shown; empty for the region itself. */
  trail: TrailItem[];
  /** Go to a unit: the new trail (shorter to go back up). */
  onDrill: (trail: TrailItem[]) => void;
  onShowResults: (unitCode: string, outcome?: HardshipOutcome) => void;
}) {
  const { t, language } = useHardshipI18n();
  const unit = trail.at(-1)?.code;
  const query = useUnitSummaries({ campaignId, runId, unit });
  const n = (v: number) => formatCount(v, language);

  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} testId="unit-summary-error" />;
  const { unit: self, children } = query.data;
  // A trail opened from an address knows only codes: the names come with the summary.
  const crumbs = [root, ...trail].map((c) => (c.code === self.code ? { code: c.code, name: self.name } : c));

  const row = (u: UnitSummaryView, own: boolean) => {
    const drill = !own && u.level !== 'village';
    return (
      <tr
        key={own ? `self-${u.code}` : u.code}
        className={drill ? 'clickable' : undefined}
        onClick={drill ? () => onDrill([...trail, { code: u.code, name: u.name }]) : undefined}
        data-testid={own ? 'summary-self' : `summary-row-${u.code}`}
        data-unit={u.code}
        data-level={u.level}
        style={own ? { fontWeight: 600 } : undefined}
      >
        <td>
          {own ? (
            t('summary.total', { name: u.name })
          ) : drill ? (
            <LinkButton onClick={() => onDrill([...trail, { code: u.code, name: u.name }])} testId="summary-drill">
              <span className="unit-name">{u.name}</span>
            </LinkButton>
          ) : (
            u.name
          )}
          <div className="muted small">
            <code>{u.code}</code>
          </div>
        </td>
        <td className="num" data-testid="summary-listed">
          {n(u.listed)}
        </td>
        <td className="num">{n(u.covered)}</td>
        <td className="num">
          {u.toMobilise > 0 ? (
            <LinkButton tone="warn" onClick={() => onShowResults(u.code, 'to-mobilise')} title={t('summary.showToMobilise')} testId="summary-to-mobilise">
              {n(u.toMobilise)}
            </LinkButton>
          ) : (
            n(u.toMobilise)
          )}
        </td>
        <td className="num">{n(u.ineligible)}</td>
        <td className="num">{n(u.refused)}</td>
        <td className="num">{formatMoney(u.govPaidFen / 100, language)}</td>
        <td className="nowrap small" onClick={(e) => e.stopPropagation()}>
          <LinkButton onClick={() => onShowResults(u.code)} testId="summary-show-results">
            {t('summary.results')}
          </LinkButton>
          {' · '}
          <a
            href={hardshipHref(campaignId, `/runs/${encodeURIComponent(runId)}/mobilisation.xlsx?unit=${encodeURIComponent(u.code)}`)}
            download
            data-testid="summary-mobilisation"
          >
            {t('summary.mobilisation')}
          </a>
        </td>
      </tr>
    );
  };

  return (
    <div data-testid="unit-summary" data-unit={self.code}>
      <nav className="breadcrumbs" aria-label={t('summary.trail')} data-testid="summary-trail">
        {crumbs.map((c, i) => (
          <span key={c.code}>
            {i > 0 && <span className="breadcrumb-sep">/ </span>}
            {i === crumbs.length - 1 ? <strong>{c.name}</strong> : <LinkButton onClick={() => onDrill(trail.slice(0, i))}>{c.name}</LinkButton>}
          </span>
        ))}
      </nav>
      <div className="table-wrap">
        <table className="table" data-testid="summary-table">
          <thead>
            <tr>
              <th>{t('summary.col.unit')}</th>
              <th className="num">{t('count.listed')}</th>
              <th className="num">{t('count.covered')}</th>
              <th className="num">{t('count.toMobilise')}</th>
              <th className="num">{t('count.ineligible')}</th>
              <th className="num">{t('count.refused')}</th>
              <th className="num">{t('summary.col.govPaid')}</th>
              <th>{t('summary.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {row(self, true)}
            {children.map((c) => row(c, false))}
          </tbody>
        </table>
      </div>
      {children.length === 0 && <p className="muted small">{t('summary.noChildren')}</p>}
    </div>
  );
}
