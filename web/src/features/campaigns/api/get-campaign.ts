import { queryOptions, useQuery } from '@tanstack/react-query';
import { TERMINAL_CAMPAIGN_STATUSES, type CampaignStatus, type UnitStatus } from '../../../../../domain/status';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { CampaignDetail } from '../../../types/api';

export const getCampaign = ({ campaignId, signal }: { campaignId: string; signal?: AbortSignal }): Promise<CampaignDetail> =>
  api.get<CampaignDetail>(`/api/campaigns/${encodeURIComponent(campaignId)}`, { signal });

/** Whether officials may still act on the campaign (it is scheduled or running). */
export function isLive(status: CampaignStatus | undefined): boolean {
  return status === undefined || !TERMINAL_CAMPAIGN_STATUSES.includes(status);
}

const SETTLED_UNIT: readonly UnitStatus[] = ['completed', 'cancelled', 'failed'];

/**
 * Whether nothing on the campaign's page will change any more: the campaign has ended and so has every
 * unit. A cancelled campaign's units stop a moment after it (each workflow is told in turn), and the
 * page keeps refreshing until they all show it.
 */
export function isSettled(campaign: Pick<CampaignDetail, 'status' | 'units'> | undefined): boolean {
  return !!campaign && !isLive(campaign.status) && campaign.units.every((u) => SETTLED_UNIT.includes(u.status));
}

export const getCampaignQueryOptions = (campaignId: string) =>
  queryOptions({
    queryKey: ['campaigns', campaignId],
    queryFn: ({ signal }) => getCampaign({ campaignId, signal }),
    // Live until the campaign and all its units have ended.
    refetchInterval: (query) => (isSettled(query.state.data) ? false : LIVE_REFETCH_MS),
  });

export const useCampaign = ({
  campaignId,
  queryConfig,
}: {
  campaignId: string;
  queryConfig?: QueryConfig<typeof getCampaignQueryOptions>;
}) => useQuery({ ...getCampaignQueryOptions(campaignId), ...queryConfig });
