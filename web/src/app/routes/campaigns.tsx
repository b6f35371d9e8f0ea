import { CampaignsList } from '../../features/campaigns/components/campaigns-list';
import { useI18n } from '../../lib/i18n';

export function CampaignsRoute() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('campaigns.heading')}</h1>
      <CampaignsList />
    </>
  );
}
