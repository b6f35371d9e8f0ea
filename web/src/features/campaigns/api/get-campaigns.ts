import { queryOptions, useQuery } from '@tanstack/react-query';
import { TERMINAL_CAMPAIGN_STATUSES } from '../../../../../domain/status';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { CampaignSummary } from '../../../types/api';

export const getCampaigns = ({ signal }: { signal?: AbortSignal } = {}): Promise<CampaignSummary[]> =>
  api.get<CampaignSummary[]>('/api/campaigns', { signal });

export const getCampaignsQueryOptions = () =>
  queryOptions({
    queryKey: ['campaigns'],
    queryFn: ({ signal }) => getCampaigns({ signal }),
    // Keep the list live while any campaign is still moving; an empty or finished list stays still.
    refetchInterval: (query) =>
      query.state.data?.some((c) => !TERMINAL_CAMPAIGN_STATUSES.includes(c.status)) ? LIVE_REFETCH_MS : false,
  });

export const useCampaigns = ({ queryConfig }: { queryConfig?: QueryConfig<typeof getCampaignsQueryOptions> } = {}) =>
  useQuery({ ...getCampaignsQueryOptions(), ...queryConfig });
