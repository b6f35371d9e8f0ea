import { queryOptions, useQuery } from '@tanstack/react-query';
import { env } from '../../../config/env';
import { api } from '../../../lib/api-client';
import { LIVE_REFETCH_MS, type QueryConfig } from '../../../lib/react-query';
import type { CircularView } from '../../../types/api';

/** 通报: drafts made at each period's close and the published ones, newest first. */
export const getCirculars = ({ campaignId, signal }: { campaignId: string; signal?: AbortSignal }): Promise<{ circulars: CircularView[] }> =>
  api.get<{ circulars: CircularView[] }>(`/api/campaigns/${encodeURIComponent(campaignId)}/circulars`, { signal });

export const getCircularsQueryOptions = (campaignId: string) =>
  queryOptions({
    queryKey: ['circulars', campaignId],
    queryFn: ({ signal }) => getCirculars({ campaignId, signal }),
    // A draft appears at a period's close; the caller stops this once the campaign is over.
    refetchInterval: LIVE_REFETCH_MS,
  });

export const useCirculars = ({
  campaignId,
  queryConfig,
}: {
  campaignId: string;
  queryConfig?: QueryConfig<typeof getCircularsQueryOptions>;
}) => useQuery({ ...getCircularsQueryOptions(campaignId), ...queryConfig });

/** The printable page and the spreadsheet of one circular (plain links, opened by the browser). */
export const circularPrintHref = (campaignId: string, seq: number) =>
  `${env.API_BASE}/api/campaigns/${encodeURIComponent(campaignId)}/circulars/${seq}/print`;
export const circularXlsxHref = (campaignId: string, seq: number) =>
  `${env.API_BASE}/api/campaigns/${encodeURIComponent(campaignId)}/circulars/${seq}/xlsx`;
