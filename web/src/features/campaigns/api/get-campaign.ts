import { queryOptions, useQuery } from '@tanstack/react-query';
import { TERMINAL_CAMPAIGN_STATUSES, type CampaignStatus } from '../../../../../domain/status';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { CampaignDetail } from '../../../types/api';

export const getCampaign = ({ campaignId, signal }: { campaignId: string; signal?: AbortSignal }): Promise<CampaignDetail> =>
  api.get<CampaignDetail>(`/api/campaigns/${encodeURIComponent(campaignId)}`, { signal });

export function isLive(status: CampaignStatus | undefined): boolean {
  return status === undefined || !TERMINAL_CAMPAIGN_STATUSES.includes(status);
}

export const getCampaignQueryOptions = (campaignId: string) =>
  queryOptions({
    queryKey: ['campaigns', campaignId],
    queryFn: ({ signal }) => getCampaign({ campaignId, signal }),
    // Live while scheduled or running; a completed or cancelled campaign no longer changes.
    refetchInterval: (query) => (isLive(query.state.data?.status) ? LIVE_REFETCH_MS : false),
  });

export const useCampaign = ({
  campaignId,
  queryConfig,
}: {
  campaignId: string;
  queryConfig?: QueryConfig<typeof getCampaignQueryOptions>;
}) => useQuery({ ...getCampaignQueryOptions(campaignId), ...queryConfig });
