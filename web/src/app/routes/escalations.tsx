// 督办台账: the campaign's escalation board.
import { isLive } from '../../features/campaigns/api/get-campaign';
import { EscalationBoard } from '../../features/escalations/components/escalation-board';
import { useI18n } from '../../lib/i18n';
import { useCampaignOutlet } from './campaign-layout';

export function EscalationsRoute() {
  const { t } = useI18n();
  const c = useCampaignOutlet();
  return (
    <>
      <p className="muted">{t('escalation.intro')}</p>
      <EscalationBoard campaignId={c.id} timeZone={c.timeZone} live={isLive(c.status)} />
    </>
  );
}
