// 缴费情况公示 of a unit (a village, or a town/street for the batch).
import { useParams } from 'react-router';
import { DEFAULT_TIME_ZONE } from '../../../../domain/time';
import { ErrorMessage } from '../../components/ui/error-message';
import { Loading } from '../../components/ui/loading';
import { useCampaign } from '../../features/campaigns/api/get-campaign';
import { NoticesPage } from '../../features/notices/components/notices-page';
import { useUnit } from '../../features/units/api/get-unit';

export function NoticesRoute() {
  const { campaignId = '', unitCode = '' } = useParams();
  const unit = useUnit({ campaignId, unitCode });
  const campaign = useCampaign({ campaignId });
  if (unit.isPending) return <Loading />;
  if (unit.isError) return <ErrorMessage error={unit.error} />;
  return <NoticesPage campaignId={campaignId} unitCode={unitCode} unitName={unit.data.unit.name} timeZone={campaign.data?.timeZone ?? DEFAULT_TIME_ZONE} />;
}
