// 通报: the campaign's circulars, drafts first to approve.
import { isLive } from '../../features/campaigns/api/get-campaign';
import { CircularsList } from '../../features/circulars/components/circulars-list';
import { useI18n } from '../../lib/i18n';
import { useCampaignOutlet } from './campaign-layout';

export function CircularsRoute() {
  const { t } = useI18n();
  const c = useCampaignOutlet();
  return (
    <>
      <p className="muted">{t('circular.intro')}</p>
      <CircularsList campaignId={c.id} timeZone={c.timeZone} live={isLive(c.status)} regionName={c.regionName} />
    </>
  );
}
