// The campaign's frame: its header and the tabs (概况 · 督办台账 · 通报 · 困难群体); the tab's page renders below
// with the campaign in the outlet context (one query, shared by the tabs).
import { Outlet, useOutletContext, useParams } from 'react-router';
import { ErrorMessage } from '../../components/ui/error-message';
import { Loading } from '../../components/ui/loading';
import { useCampaign } from '../../features/campaigns/api/get-campaign';
import { CampaignHeader } from '../../features/campaigns/components/campaign-header';
import { CampaignTabs } from '../../features/campaigns/components/campaign-tabs';
import type { CampaignDetail } from '../../types/api';

export function CampaignLayout() {
  const { campaignId = '' } = useParams();
  const campaign = useCampaign({ campaignId });
  if (campaign.isPending) return <Loading />;
  if (campaign.isError) return <ErrorMessage error={campaign.error} testId="campaign-error" />;
  return (
    <div className="campaign">
      <CampaignHeader campaign={campaign.data} />
      <CampaignTabs campaignId={campaign.data.id} />
      <Outlet context={campaign.data satisfies CampaignDetail} />
    </div>
  );
}

export function useCampaignOutlet(): CampaignDetail {
  return useOutletContext<CampaignDetail>();
}
