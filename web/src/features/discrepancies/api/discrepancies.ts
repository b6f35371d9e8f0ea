// 核查差异 of one unit (every one, closed included: the unit page shows what was settled too) and the
// unit's answer (说明 or 更正), each a call of its own.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { AnswerDiscrepancyRequest, DiscrepancyList } from '../../../types/api';

const base = (campaignId: string) => `/api/campaigns/${encodeURIComponent(campaignId)}`;

export const discrepancyKeys = { unit: (campaignId: string, unitCode: string) => ['discrepancies', campaignId, unitCode] as const };

export const unitDiscrepanciesQueryOptions = (campaignId: string, unitCode: string) =>
  queryOptions({
    queryKey: discrepancyKeys.unit(campaignId, unitCode),
    queryFn: ({ signal }) => api.get<DiscrepancyList>(`${base(campaignId)}/discrepancies?unit=${encodeURIComponent(unitCode)}&closed=true`, { signal }),
  });

export const useUnitDiscrepancies = (campaignId: string, unitCode: string) => useQuery(unitDiscrepanciesQueryOptions(campaignId, unitCode));

export const useAnswerDiscrepancy = (campaignId: string, unitCode: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { metric: 'paid' | 'amount'; data: AnswerDiscrepancyRequest }) =>
      api.post<{ status: string }>(`${base(campaignId)}/units/${encodeURIComponent(unitCode)}/discrepancies/${input.metric}/answer`, input.data),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: discrepancyKeys.unit(campaignId, unitCode) });
      void queryClient.invalidateQueries({ queryKey: ['todo'] });
    },
  });
};
