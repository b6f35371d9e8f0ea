// A unit's mobilisation figures (走访结果 of its villages' clerks, rolled up).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MobilisationView } from '../../../types/api';

export const mobilisationQueryOptions = (campaignId: string, unitCode: string) =>
  queryOptions({
    queryKey: ['registers', campaignId, unitCode, 'mobilisation'],
    queryFn: ({ signal }) => api.get<MobilisationView>(`/api/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(unitCode)}/mobilisation`, { signal }),
  });

export const useMobilisation = (campaignId: string, unitCode: string) => useQuery(mobilisationQueryOptions(campaignId, unitCode));
