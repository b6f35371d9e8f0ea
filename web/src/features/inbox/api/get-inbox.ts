import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, queryString } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { InboxMessageView } from '../../../types/api';

/** 通知: what the product sent to one unit (by region code): reminders, escalations, published circulars. */
export const getInbox = ({ recipient, limit, signal }: { recipient: string; limit?: number; signal?: AbortSignal }): Promise<{ messages: InboxMessageView[] }> =>
  api.get<{ messages: InboxMessageView[] }>(`/api/inbox${queryString({ recipient, limit })}`, { signal });

const INBOX_REFETCH_MS = 15_000;

export const getInboxQueryOptions = (recipient: string, limit?: number) =>
  queryOptions({
    queryKey: ['inbox', recipient, limit ?? null],
    queryFn: ({ signal }) => getInbox({ recipient, limit, signal }),
    refetchInterval: INBOX_REFETCH_MS,
  });

export const useInbox = ({
  recipient,
  limit,
  queryConfig,
}: {
  recipient: string;
  limit?: number;
  queryConfig?: QueryConfig<typeof getInboxQueryOptions>;
}) => useQuery({ ...getInboxQueryOptions(recipient, limit), ...queryConfig });
