import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { HardshipOverview } from '../../../types/api';
import { hardshipKeys, hardshipPath } from './hardship-api';

/** The campaign's current lists (one per roster or category and department), its runs and the policy. */
export const getOverview = ({ campaignId, signal }: { campaignId: string; signal?: AbortSignal }): Promise<HardshipOverview> =>
  api.get<HardshipOverview>(hardshipPath(campaignId), { signal });

export const getOverviewQueryOptions = (campaignId: string) =>
  queryOptions({
    queryKey: hardshipKeys.overview(campaignId),
    queryFn: ({ signal }) => getOverview({ campaignId, signal }),
    refetchInterval: (query) => (query.state.data?.runs.some((r) => r.status === 'running') ? LIVE_REFETCH_MS : false),
  });

export const useOverview = ({ campaignId, queryConfig }: { campaignId: string; queryConfig?: QueryConfig<typeof getOverviewQueryOptions> }) =>
  useQuery({ ...getOverviewQueryOptions(campaignId), ...queryConfig });
