import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { UnitReportingView } from '../../../types/api';

/** A unit's report schedule (every period with its due date and status) and every report revision. */
export const getUnitReporting = ({
  campaignId,
  unitCode,
  signal,
}: {
  campaignId: string;
  unitCode: string;
  signal?: AbortSignal;
}): Promise<UnitReportingView> =>
  api.get<UnitReportingView>(
    `/api/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}/reporting`,
    { signal },
  );

export const getUnitReportingQueryOptions = (campaignId: string, unitCode: string) =>
  queryOptions({
    // Under ['units', campaignId] so that a campaign action (an amended deadline) refreshes it too.
    queryKey: ['units', campaignId, unitCode, 'reporting'],
    queryFn: ({ signal }) => getUnitReporting({ campaignId, unitCode, signal }),
    // Periods turn missed at their due instant; the caller stops this once the campaign is over.
    refetchInterval: LIVE_REFETCH_MS,
  });

export const useUnitReporting = ({
  campaignId,
  unitCode,
  queryConfig,
}: {
  campaignId: string;
  unitCode: string;
  queryConfig?: QueryConfig<typeof getUnitReportingQueryOptions>;
}) => useQuery({ ...getUnitReportingQueryOptions(campaignId, unitCode), ...queryConfig });
