import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, queryString } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { UnitSummaries } from '../../../types/api';
import { hardshipKeys, hardshipPath } from './hardship-api';

/** A unit's outcome counts and its children's, in one run (`runId` may be `latest`); the campaign's region without `unit`. */
export const getUnitSummaries = ({
  campaignId,
  runId,
  unit,
  signal,
}: {
  campaignId: string;
  runId: string;
  unit?: string;
  signal?: AbortSignal;
}): Promise<UnitSummaries> =>
  api.get<UnitSummaries>(hardshipPath(campaignId, `/runs/${encodeURIComponent(runId)}/summary${queryString({ unit })}`), { signal });

export const getUnitSummariesQueryOptions = (campaignId: string, runId: string, unit?: string) =>
  queryOptions({
    queryKey: hardshipKeys.summary(campaignId, runId, unit),
    queryFn: ({ signal }) => getUnitSummaries({ campaignId, runId, unit, signal }),
  });

export const useUnitSummaries = ({
  campaignId,
  runId,
  unit,
  queryConfig,
}: {
  campaignId: string;
  runId: string;
  unit?: string;
  queryConfig?: QueryConfig<typeof getUnitSummariesQueryOptions>;
}) => useQuery({ ...getUnitSummariesQueryOptions(campaignId, runId, unit), ...queryConfig });
