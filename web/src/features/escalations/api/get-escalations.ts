import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, queryString } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { EscalationFilters, EscalationView } from '../../../types/api';

/** 督办台账: a campaign's escalations, newest first, filtered by track, rung, status and region (a unit and everything under it). */
export const getEscalations = ({
  campaignId,
  filters = {},
  signal,
}: {
  campaignId: string;
  filters?: EscalationFilters;
  signal?: AbortSignal;
}): Promise<{ escalations: EscalationView[] }> =>
  api.get<{ escalations: EscalationView[] }>(
    `/api/campaigns/${encodeURIComponent(campaignId)}/escalations${queryString({ ...filters })}`,
    { signal },
  );

export const getEscalationsQueryOptions = (campaignId: string, filters: EscalationFilters = {}) =>
  queryOptions({
    queryKey: ['escalations', campaignId, filters],
    queryFn: ({ signal }) => getEscalations({ campaignId, filters, signal }),
    // Rungs fire by themselves at their instants; the caller stops this once the campaign is over.
    refetchInterval: LIVE_REFETCH_MS,
  });

export const useEscalations = ({
  campaignId,
  filters,
  queryConfig,
}: {
  campaignId: string;
  filters?: EscalationFilters;
  queryConfig?: QueryConfig<typeof getEscalationsQueryOptions>;
}) => useQuery({ ...getEscalationsQueryOptions(campaignId, filters), ...queryConfig });
