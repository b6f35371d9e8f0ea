// 未缴费人员清册: a village clerk's unpaid (and paid) register with visit outcomes.
import { useParams } from 'react-router';
import { VillageRegisterPage } from '../../features/payments/components/village-register-page';

export function VillageRegisterRoute() {
  const { campaignId = '', unitCode = '' } = useParams();
  return <VillageRegisterPage campaignId={campaignId} village={unitCode} />;
}
