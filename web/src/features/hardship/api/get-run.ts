import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { RunView } from '../../../types/api';
import { hardshipKeys, hardshipPath, PROGRESS_REFETCH_MS } from './hardship-api';

/** One screening run: its progress while it runs, then its counts and what changed since the previous run. */
export const getRun = ({ campaignId, runId, signal }: { campaignId: string; runId: string; signal?: AbortSignal }): Promise<RunView> =>
  api.get<RunView>(hardshipPath(campaignId, `/runs/${encodeURIComponent(runId)}`), { signal });

/** How long (polls, one a second) a run just started may take to be written before "not found" is an answer. */
const PENDING_POLLS = 30;

/**
 * A run that an import starts is linked to the import a moment before its row exists: a 404 then
 * means "not yet", for a while.
 */
export const runPending = (error: unknown, errorUpdateCount: number) =>
  error instanceof ApiError && error.status === 404 && errorUpdateCount < PENDING_POLLS;

export const getRunQueryOptions = (campaignId: string, runId: string) =>
  queryOptions({
    queryKey: hardshipKeys.run(campaignId, runId),
    queryFn: ({ signal }) => getRun({ campaignId, runId, signal }),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (status) return status === 'running' ? PROGRESS_REFETCH_MS : false;
      return runPending(query.state.error, query.state.errorUpdateCount) || !query.state.error ? PROGRESS_REFETCH_MS : false;
    },
  });

export const useRun = ({ campaignId, runId, queryConfig }: { campaignId: string; runId: string; queryConfig?: QueryConfig<typeof getRunQueryOptions> }) =>
  useQuery({ ...getRunQueryOptions(campaignId, runId), ...queryConfig });
