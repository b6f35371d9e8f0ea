// Subordinate units with their targets and progress: the counties of a campaign, the towns of a
// county, the villages of a town. A row drills down when there is something below it to see.
import { Link, useNavigate } from 'react-router';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { StatusBadge } from '../../../components/ui/status-badge';
import { TemporalLink } from '../../../components/ui/temporal-link';
import { paths } from '../../../config/paths';
import { formatAmount, formatNumber, ratio } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { Progress, Targets, UnitView } from '../../../types/api';

/** Paying is what a collection campaign is judged on; enrolment stands in when no paying target is set. */
export function completion(targets: Targets, progress: Progress): number | null {
  return ratio(progress.paid, targets.paying) ?? ratio(progress.enrolled, targets.enrolled);
}

export function canDrillDown(unit: UnitView): boolean {
  return unit.childCount > 0 || unit.workflowId !== null;
}

export function UnitsTable({ campaignId, units, testId }: { campaignId: string; units: UnitView[]; testId: string }) {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const n = (v: number) => formatNumber(v, language);
  const ofTarget = (actual: number, target: number | null) =>
    target === null ? n(actual) : t('common.of', { actual: n(actual), target: n(target) });

  if (units.length === 0) {
    return (
      <p className="muted" data-testid={testId}>
        {t('units.empty')}
      </p>
    );
  }

  return (
    <div className="table-wrap">
      <table className="table units-table" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('units.col.code')}</th>
            <th>{t('units.col.name')}</th>
            <th className="num">{t('units.col.enrolled')}</th>
            <th className="num">{t('units.col.paid')}</th>
            <th className="num">{t('units.col.amount')}</th>
            <th title={t('units.completion.help')}>{t('units.col.completion')}</th>
            <th>{t('units.col.status')}</th>
            <th>{t('units.col.timeline')}</th>
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
                onClick={drill ? () => void navigate(href) : undefined}
              >
                <td>
                  <code>{u.code}</code>
                </td>
                <td className="unit-name">
                  {drill ? (
                    <Link to={href} onClick={(e) => e.stopPropagation()}>
                      {u.name}
                    </Link>
                  ) : (
                    u.name
                  )}
                </td>
                <td className="num">{ofTarget(u.progress.enrolled, u.targets.enrolled)}</td>
                <td className="num">{ofTarget(u.progress.paid, u.targets.paying)}</td>
                <td className="num">{formatAmount(u.progress.amountYuan, language)}</td>
                <td>
                  <ProgressBar value={completion(u.targets, u.progress)} compact />
                </td>
                <td>
                  <StatusBadge kind="unit" status={u.status} testId={`unit-status-${u.code}`} />
                </td>
                <td>
                  {u.workflowId ? (
                    <TemporalLink workflowId={u.workflowId}>{t('common.timeline')}</TemporalLink>
                  ) : (
                    <span className="muted">{t('common.none')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
