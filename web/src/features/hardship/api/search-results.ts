import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { ResultPage, ResultSearchRequest } from '../../../types/api';
import { hardshipKeys, hardshipPath } from './hardship-api';

/**
 * 筛查结果: a POST because the query may be a name or an ID number, which never travel in an
 * address. ID numbers come back masked.
 */
export const searchResults = ({
  campaignId,
  runId,
  request,
}: {
  campaignId: string;
  runId: string;
  request: ResultSearchRequest;
}): Promise<ResultPage> => api.post<ResultPage>(hardshipPath(campaignId, `/runs/${encodeURIComponent(runId)}/results/search`), request);

export const searchResultsQueryOptions = (campaignId: string, runId: string, request: ResultSearchRequest) =>
  queryOptions({
    queryKey: hardshipKeys.results(campaignId, runId, request),
    queryFn: () => searchResults({ campaignId, runId, request }),
    // The page being read stays on screen while the next one loads.
    placeholderData: keepPreviousData,
  });

export const useSearchResults = ({
  campaignId,
  runId,
  request,
  queryConfig,
}: {
  campaignId: string;
  runId: string;
  request: ResultSearchRequest;
  queryConfig?: QueryConfig<typeof searchResultsQueryOptions>;
}) => useQuery({ ...searchResultsQueryOptions(campaignId, runId, request), ...queryConfig });
