// Subordinate units with their targets and progress: the counties of a campaign, the towns of a
// county, the villages of a town. A row drills down when there is something below it to see. Each row
// leads with its traffic light (rolled up from the units below) and shows the tax bureau's paid figure
// (税务到账) beside the reported one.
import { Link, useNavigate } from 'react-router';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { StatusBadge } from '../../../components/ui/status-badge';
import { TemporalLink } from '../../../components/ui/temporal-link';
import { TrafficLight } from '../../../components/ui/traffic-light';
import { paths } from '../../../config/paths';
import { useTemporalLinks } from '../../../lib/app-config';
import { formatCount, formatDateTime, formatDue, formatMoney, formatNumber } from '../../../lib/format';
import { completion } from '../../../lib/pace';
import { useI18n, type Language, type Translate } from '../../../lib/i18n';
import type { UnitView } from '../../../types/api';


export function canDrillDown(unit: UnitView): boolean {
  return unit.childCount > 0 || unit.workflowId !== null;
}

/** Why a unit's light is what it is, in one sentence for the tooltip and screen readers. */
export function lightDetail(u: UnitView, t: Translate, language: Language, timeZone: string): string {
  const r = u.reporting;
  const parts: string[] = [];
  if (r.overdue) parts.push(t('light.why.overdue'));
  if (r.targetMissed) parts.push(t('light.why.targetMissed'));
  if (r.paceBehind)
    parts.push(r.paceExpected === null ? t('light.why.paceBehind') : t('light.why.paceBehindExpected', { expected: formatCount(r.paceExpected, language) }));
  if (r.nextDueAt) parts.push(t('light.why.nextDue', { period: r.nextPeriodKey ?? '', at: formatDue(r.nextDueAt, timeZone) }));
  return parts.join(t('common.listSep'));
}

export function UnitsTable({
  campaignId,
  units,
  testId,
  timeZone = DEFAULT_TIME_ZONE,
}: {
  campaignId: string;
  units: UnitView[];
  testId: string;
  /** The plan's zone, for due times. */
  timeZone?: string;
}) {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const temporal = useTemporalLinks();
  const n = (v: number) => formatCount(v, language);
  const ofTarget = (actual: number, target: number | null) =>
    target === null ? n(actual) : t('common.of', { actual: n(actual), target: n(target) });
  const exactOf = (actual: number, target: number | null) =>
    target === null ? formatNumber(actual, language) : t('common.of', { actual: formatNumber(actual, language), target: formatNumber(target, language) });
  const label = {
    light: t('units.col.light'),
    code: t('units.col.code'),
    enrolled: t('units.col.enrolled'),
    paid: t('units.col.paid'),
    tax: t('units.col.tax'),
    amount: t('units.col.amount'),
    completion: t('units.col.completion'),
    nextDue: t('units.col.nextDue'),
    status: t('units.col.status'),
  };

  if (units.length === 0) {
    return (
      <p className="muted" data-testid={testId}>
        {t('units.empty')}
      </p>
    );
  }

  return (
    <div className="table-wrap">
      <table className="table units-table table-stack" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('units.col.light')}</th>
            <th>{t('units.col.code')}</th>
            <th>{t('units.col.name')}</th>
            <th className="num">{t('units.col.enrolled')}</th>
            <th className="num">{t('units.col.paid')}</th>
            <th className="num" title={t('units.col.tax.help')}>
              {t('units.col.tax')}
            </th>
            <th className="num">{t('units.col.amount')}</th>
            <th title={t('units.completion.help')}>{t('units.col.completion')}</th>
            <th>{t('units.col.nextDue')}</th>
            <th>{t('units.col.status')}</th>
            {temporal && <th>{t('units.col.timeline')}</th>}
          </tr>
        </thead>
        <tbody>
          {units.map((u) => {
            const drill = canDrillDown(u);
            const href = paths.unit.getHref(campaignId, u.code);
            return (
              <tr
                key={u.code}
                className={drill ? 'clickable' : undefined}
                data-testid={`unit-row-${u.code}`}
                data-status={u.status}
                data-light={u.light}
                onClick={drill ? () => void navigate(href) : undefined}
              >
                <td data-label={label.light}>
                  <TrafficLight light={u.light} lightSelf={u.lightSelf} detail={lightDetail(u, t, language, timeZone)} testId={`unit-light-${u.code}`} compact />
                </td>
                <td data-label={label.code}>
                  <code>{u.code}</code>
                </td>
                <td className="unit-name stack-title">
                  {drill ? (
                    <Link to={href} onClick={(e) => e.stopPropagation()}>
                      {u.name}
                    </Link>
                  ) : (
                    u.name
                  )}
                </td>
                <td className="num" data-label={label.enrolled} title={exactOf(u.progress.enrolled, u.targets.enrolled)}>
                  {ofTarget(u.progress.enrolled, u.targets.enrolled)}
                </td>
                <td className="num" data-label={label.paid} title={exactOf(u.progress.paid, u.targets.paying)}>
                  {ofTarget(u.progress.paid, u.targets.paying)}
                </td>
                <td className="num" data-label={label.tax} data-testid={`unit-tax-${u.code}`}>
                  {u.tax ? (
                    <span title={t('units.tax.asOf', { at: formatDateTime(u.tax.asOf, timeZone) })}>
                      {n(u.tax.paid)}
                      <div className="muted small">{formatMoney(u.tax.amountYuan, language)}</div>
                    </span>
                  ) : (
                    <span className="muted">{t('common.none')}</span>
                  )}
                </td>
                <td className="num" data-label={label.amount}>
                  {formatMoney(u.progress.amountYuan, language)}
                </td>
                <td data-label={label.completion}>
                  <ProgressBar value={completion(u.targets, u.progress)} compact />
                </td>
                <td className="nowrap small" data-label={label.nextDue}>
                  {u.reporting.nextDueAt ? (
                    <>
                      {formatDue(u.reporting.nextDueAt, timeZone)}
                      {u.reporting.nextPeriodKey && <div className="muted">{t('units.nextPeriod', { period: u.reporting.nextPeriodKey })}</div>}
                    </>
                  ) : (
                    <span className="muted">{t('common.none')}</span>
                  )}
                  {u.reporting.overdue && <div className="danger-text">{t('units.overdue')}</div>}
                </td>
                <td data-label={label.status}>
                  <StatusBadge kind="unit" status={u.status} testId={`unit-status-${u.code}`} />
                </td>
                {temporal && (
                  <td>
                    {u.workflowId ? (
                      <TemporalLink workflowId={u.workflowId}>{t('common.timeline')}</TemporalLink>
                    ) : (
                      <span className="muted">{t('common.none')}</span>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
