import { StatusBadge } from '../../../components/ui/status-badge';
import { TemporalLink } from '../../../components/ui/temporal-link';
import { formatDateTimeProse } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { CampaignDetail } from '../../../types/api';
import { isSettled } from '../api/get-campaign';

export function CampaignHeader({ campaign }: { campaign: CampaignDetail }) {
  const { t, language } = useI18n();
  return (
    <header className="page-header">
      <div>
        <h1 data-testid="campaign-title">{campaign.title}</h1>
        <p className="muted">
          {t('campaign.region', { region: campaign.regionName, year: campaign.year })}
          {' · '}
          {t('campaign.launchedAt', { at: formatDateTimeProse(campaign.launchedAt, campaign.timeZone, language) })}
          {' · '}
          <code>{campaign.id}</code>
        </p>
      </div>
      <div className="page-header-side">
        <StatusBadge kind="campaign" status={campaign.status} testId="campaign-status" />
        <TemporalLink workflowId={campaign.workflowId} testId="campaign-temporal-link" />
        <span className="muted small" data-testid="campaign-refresh">
          {isSettled(campaign) ? t('campaign.final') : t('campaign.live')}
        </span>
      </div>
    </header>
  );
}
