import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, queryString } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { DeadlinesView } from '../../../types/api';

/** 近期截止: report due dates, phase deadlines and next escalation rungs of every running campaign. */
export const getDeadlines = ({ days, signal }: { days: number; signal?: AbortSignal }): Promise<DeadlinesView> =>
  api.get<DeadlinesView>(`/api/deadlines${queryString({ days })}`, { signal });

/** Deadlines move slowly compared with a campaign page: once a minute is enough. */
const DEADLINES_REFETCH_MS = 60_000;

export const getDeadlinesQueryOptions = (days: number) =>
  queryOptions({
    queryKey: ['deadlines', days],
    queryFn: ({ signal }) => getDeadlines({ days, signal }),
    refetchInterval: DEADLINES_REFETCH_MS,
  });

export const useDeadlines = ({ days, queryConfig }: { days: number; queryConfig?: QueryConfig<typeof getDeadlinesQueryOptions> }) =>
  useQuery({ ...getDeadlinesQueryOptions(days), ...queryConfig });
