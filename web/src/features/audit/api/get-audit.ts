import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, queryString } from '../../../lib/api-client';
import type { AuditFilters, AuditPageView } from '../../../types/api';

export const AUDIT_PAGE_SIZE = 50;

/** One page of the audit log, newest first; `before` is the previous page's `nextBefore` (keyset paging). */
export const getAuditPage = (filters: AuditFilters, before: number | null, signal?: AbortSignal): Promise<AuditPageView> =>
  api.get<AuditPageView>(`/api/audit${queryString({ ...filters, before, limit: AUDIT_PAGE_SIZE })}`, { signal });

export const getAuditQueryOptions = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam, signal }) => getAuditPage(filters, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextBefore,
  });

export const useAudit = (filters: AuditFilters) => useInfiniteQuery(getAuditQueryOptions(filters));
