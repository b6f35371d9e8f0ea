// The village registers (one page at a time) and the clerk's visit outcomes. The person is named by
// the register's opaque `ref`; no ID number or name travels in a URL.
import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { env } from '../../../config/env';
import { api } from '../../../lib/api-client';
import type { RegisterPage, VisitResult } from '../../../types/api';
import type { VisitOutcome } from '../../../../../domain/payments';

export type Register = 'paid' | 'unpaid';

const unitPath = (campaignId: string, village: string) => `/api/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(village)}`;

export const registerHref = (campaignId: string, village: string, register: Register) => `${env.API_BASE}${unitPath(campaignId, village)}/registers/${register}.xlsx`;

export const registerKeys = {
  all: (campaignId: string, village: string) => ['registers', campaignId, village] as const,
  register: (campaignId: string, village: string, register: Register) => ['registers', campaignId, village, register] as const,
};

export const registerQueryOptions = (campaignId: string, village: string, register: Register) =>
  infiniteQueryOptions({
    queryKey: registerKeys.register(campaignId, village, register),
    queryFn: ({ pageParam, signal }) =>
      api.get<RegisterPage>(`${unitPath(campaignId, village)}/registers/${register}?limit=100${pageParam ? `&after=${encodeURIComponent(pageParam)}` : ''}`, { signal }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });

export const useRegister = (campaignId: string, village: string, register: Register) => useInfiniteQuery(registerQueryOptions(campaignId, village, register));

export const useRecordVisit = (campaignId: string, village: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { ref: string; outcome: VisitOutcome; note?: string }) => api.post<VisitResult>(`${unitPath(campaignId, village)}/visits`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: registerKeys.all(campaignId, village) }),
  });
};
