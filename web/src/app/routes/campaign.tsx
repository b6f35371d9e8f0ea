// 活动概况: composes the campaigns feature (timeline, actions, log) with the units feature (the table
// of the owning region's direct children, with their lights and tax figures).
import { useLocation } from 'react-router';
import { LightChart } from '../../components/charts/light-chart';
import { RankingChart } from '../../components/charts/ranking-chart';
import { Figures } from '../../components/figures';
import { isLaunchedState } from '../../config/paths';
import { ActionLog } from '../../features/campaigns/components/action-log';
import { ActionsPanel } from '../../features/campaigns/components/actions-panel';
import { PhaseTimeline } from '../../features/campaigns/components/phase-timeline';
import { UnitsTable } from '../../features/units/components/units-table';
import { CampaignDiscrepanciesCard } from '../../features/discrepancies/components/campaign-discrepancies-card';
import { useCanIn } from '../../lib/auth';
import { env } from '../../config/env';
import { useI18n } from '../../lib/i18n';
import { useNow } from '../../lib/use-now';
import { useCampaignOutlet } from './campaign-layout';

export function CampaignRoute() {
  const { t } = useI18n();
  const location = useLocation();
  const c = useCampaignOutlet();
  const launched = isLaunchedState(location.state) ? location.state.launched : null;
  const childLevel = c.units[0]?.level;
  // Offered to roles that may move phases; the server still decides, region included.
  const canAct = useCanIn('campaign.phase', c.regionCode);
  const now = useNow(60_000);
  const levelName = childLevel ? t(`level.${childLevel}`) : t('units.heading');

  return (
    <>
      {launched && (
        <p className={launched === 'existing' ? 'alert alert-info' : 'alert alert-ok'} data-testid="launch-notice" data-launched={launched}>
          {launched === 'existing' ? t('campaign.launched.existing') : t('campaign.launched.created')}
        </p>
      )}
      <PhaseTimeline campaign={c} />
      <section className="card">
        <h2>{t('figures.heading')}</h2>
        <Figures targets={c.targets} progress={c.progress} testId="headline-figures" />
      </section>
      {c.units.length > 0 && (
        <section className="card" data-testid="campaign-charts">
          <h2>{t('chart.heading.campaign')}</h2>
          <div className="charts-grid">
            <RankingChart units={c.units} level={levelName} phases={c.phases} timeZone={c.timeZone} now={now} />
            <LightChart units={c.units} />
          </div>
        </section>
      )}
      <section className="card">
        <div className="card-title-row">
          <h2>{childLevel ? t('unit.children', { level: levelName }) : t('units.heading')}</h2>
          <span className="muted small">
            {t('light.legend')}{' '}
            <a href={`${env.API_BASE}/api/campaigns/${encodeURIComponent(c.id)}/progress-table`} download data-testid="units-xlsx">
              {t('units.xlsx')}
            </a>
          </span>
        </div>
        <UnitsTable campaignId={c.id} units={c.units} timeZone={c.timeZone} testId="county-table" />
      </section>
      <CampaignDiscrepanciesCard campaignId={c.id} canCheck={canAct} />
      {canAct && <ActionsPanel campaign={c} />}
      <ActionLog campaign={c} />
    </>
  );
}
