import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { ImportStatus, ImportView } from '../../../types/api';
import { hardshipKeys, hardshipPath, PROGRESS_REFETCH_MS } from './hardship-api';

export const IMPORT_MOVING: readonly ImportStatus[] = ['pending', 'running'];

/** One import with its progress and, when refused, its first errors (up to 200). */
export const getImport = ({ campaignId, importId, signal }: { campaignId: string; importId: string; signal?: AbortSignal }): Promise<ImportView> =>
  api.get<ImportView>(hardshipPath(campaignId, `/imports/${encodeURIComponent(importId)}`), { signal });

export const getImportQueryOptions = (campaignId: string, importId: string) =>
  queryOptions({
    queryKey: hardshipKeys.import(campaignId, importId),
    queryFn: ({ signal }) => getImport({ campaignId, importId, signal }),
    // Every second while it reads; a stored, refused or failed import no longer changes.
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return !status || IMPORT_MOVING.includes(status) ? PROGRESS_REFETCH_MS : false;
    },
  });

export const useImport = ({
  campaignId,
  importId,
  queryConfig,
}: {
  campaignId: string;
  importId: string;
  queryConfig?: QueryConfig<typeof getImportQueryOptions>;
}) => useQuery({ ...getImportQueryOptions(campaignId, importId), ...queryConfig });
