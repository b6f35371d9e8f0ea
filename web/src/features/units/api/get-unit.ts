import { queryOptions, useQuery } from '@tanstack/react-query';
import type { UnitStatus } from '../../../../../domain/status';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { UnitDetail } from '../../../types/api';

export const getUnit = ({
  campaignId,
  unitCode,
  signal,
}: {
  campaignId: string;
  unitCode: string;
  signal?: AbortSignal;
}): Promise<UnitDetail> =>
  api.get<UnitDetail>(`/api/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}`, { signal });

const SETTLED: readonly UnitStatus[] = ['completed', 'cancelled', 'failed'];

export const getUnitQueryOptions = (campaignId: string, unitCode: string) =>
  queryOptions({
    queryKey: ['units', campaignId, unitCode],
    queryFn: ({ signal }) => getUnit({ campaignId, unitCode, signal }),
    // Live while the unit is pending or active; a settled unit no longer changes.
    refetchInterval: (query) => {
      const status = query.state.data?.unit.status;
      return status && SETTLED.includes(status) ? false : LIVE_REFETCH_MS;
    },
  });

export const useUnit = ({
  campaignId,
  unitCode,
  queryConfig,
}: {
  campaignId: string;
  unitCode: string;
  queryConfig?: QueryConfig<typeof getUnitQueryOptions>;
}) => useQuery({ ...getUnitQueryOptions(campaignId, unitCode), ...queryConfig });
