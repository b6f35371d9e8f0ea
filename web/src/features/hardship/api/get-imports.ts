import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { ImportView } from '../../../types/api';
import { IMPORT_MOVING } from './get-import';
import { hardshipKeys, hardshipPath } from './hardship-api';

/** 导入记录: every import of the campaign, newest first. */
export const getImports = ({ campaignId, signal }: { campaignId: string; signal?: AbortSignal }): Promise<{ imports: ImportView[] }> =>
  api.get<{ imports: ImportView[] }>(hardshipPath(campaignId, '/imports'), { signal });

export const getImportsQueryOptions = (campaignId: string) =>
  queryOptions({
    queryKey: hardshipKeys.imports(campaignId),
    queryFn: ({ signal }) => getImports({ campaignId, signal }),
    refetchInterval: (query) => (query.state.data?.imports.some((i) => IMPORT_MOVING.includes(i.status)) ? LIVE_REFETCH_MS : false),
  });

export const useImports = ({ campaignId, queryConfig }: { campaignId: string; queryConfig?: QueryConfig<typeof getImportsQueryOptions> }) =>
  useQuery({ ...getImportsQueryOptions(campaignId), ...queryConfig });
