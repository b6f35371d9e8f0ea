// 活动详情: composes the campaigns feature (header, timeline, actions, log) with the units feature
// (the table of the owning region's direct children).
import { useLocation, useParams } from 'react-router';
import { Figures } from '../../components/figures';
import { ErrorMessage } from '../../components/ui/error-message';
import { Loading } from '../../components/ui/loading';
import { isLaunchedState } from '../../config/paths';
import { useCampaign } from '../../features/campaigns/api/get-campaign';
import { ActionLog } from '../../features/campaigns/components/action-log';
import { ActionsPanel } from '../../features/campaigns/components/actions-panel';
import { CampaignHeader } from '../../features/campaigns/components/campaign-header';
import { PhaseTimeline } from '../../features/campaigns/components/phase-timeline';
import { UnitsTable } from '../../features/units/components/units-table';
import { useI18n } from '../../lib/i18n';

export function CampaignRoute() {
  const { t } = useI18n();
  const { campaignId = '' } = useParams();
  const location = useLocation();
  const campaign = useCampaign({ campaignId });
  const launched = isLaunchedState(location.state) ? location.state.launched : null;

  if (campaign.isPending) return <Loading />;
  if (campaign.isError) return <ErrorMessage error={campaign.error} testId="campaign-error" />;
  const c = campaign.data;
  const childLevel = c.units[0]?.level;

  return (
    <div className="campaign">
      {launched && (
        <p className={launched === 'existing' ? 'alert alert-info' : 'alert alert-ok'} data-testid="launch-notice" data-launched={launched}>
          {launched === 'existing' ? t('campaign.launched.existing') : t('campaign.launched.created')}
        </p>
      )}
      <CampaignHeader campaign={c} />
      <PhaseTimeline campaign={c} />
      <section className="card">
        <h2>{t('figures.heading')}</h2>
        <Figures targets={c.targets} progress={c.progress} testId="headline-figures" />
      </section>
      <section className="card">
        <h2>{childLevel ? t('unit.children', { level: t(`level.${childLevel}`) }) : t('units.heading')}</h2>
        <UnitsTable campaignId={c.id} units={c.units} testId="county-table" />
      </section>
      <ActionsPanel campaign={c} />
      <ActionLog actions={c.actions} timeZone={c.timeZone} />
    </div>
  );
}
