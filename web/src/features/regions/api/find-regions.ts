import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { RegionsView, RegionView } from '../../../../../contracts/api/regions';

export type { RegionView };

/** 区划 inside the caller's region whose name contains `q` (蓬江) or whose code starts with it (4407). */
export const findRegions = (q: string, { signal }: { signal?: AbortSignal } = {}): Promise<RegionsView> =>
  api.get<RegionsView>(`/api/regions?q=${encodeURIComponent(q)}`, { signal });

export const useFindRegions = (q: string) =>
  useQuery({
    queryKey: ['regions', 'find', q],
    queryFn: ({ signal }) => findRegions(q, { signal }),
    enabled: q.trim() !== '',
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

/** The names of known codes (an escalation's 已通知 list); a code the app does not know stays a code. */
export const useRegionNames = (codes: readonly string[]) => {
  const sorted = [...new Set(codes)].sort();
  const query = useQuery({
    queryKey: ['regions', 'names', sorted],
    queryFn: ({ signal }) => api.get<RegionsView>(`/api/regions?codes=${encodeURIComponent(sorted.join(','))}`, { signal }),
    enabled: sorted.length > 0,
    staleTime: 5 * 60_000,
  });
  const names = new Map((query.data?.items ?? []).map((r) => [r.code, r.name]));
  return (code: string) => names.get(code);
};
