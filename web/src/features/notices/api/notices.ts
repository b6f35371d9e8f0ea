// 缴费情况公示: the unit's notices, one notice with its masked rows, and the official's actions (prepare,
// approve with a note, release). The printable page and the XLSX are plain links (audited downloads).
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { env } from '../../../config/env';
import { api } from '../../../lib/api-client';
import type { Notice, NoticeDetail, NoticeList, PrepareNotices } from '../../../../../contracts/api/notices';

const unitPath = (campaignId: string, code: string) => `/api/campaigns/${encodeURIComponent(campaignId)}/units/${encodeURIComponent(code)}`;
const noticePath = (campaignId: string, village: string, id: number) => `${unitPath(campaignId, village)}/notices/${id}`;

export const noticePrintHref = (campaignId: string, village: string, id: number) => `${env.API_BASE}${noticePath(campaignId, village, id)}/print`;
export const noticeXlsxHref = (campaignId: string, village: string, id: number) => `${env.API_BASE}${noticePath(campaignId, village, id)}/xlsx`;

export const noticeKeys = {
  all: (campaignId: string) => ['notices', campaignId] as const,
  list: (campaignId: string, code: string) => ['notices', campaignId, 'list', code] as const,
  one: (campaignId: string, village: string, id: number) => ['notices', campaignId, 'one', village, id] as const,
};

export const noticesQueryOptions = (campaignId: string, code: string) =>
  queryOptions({ queryKey: noticeKeys.list(campaignId, code), queryFn: ({ signal }) => api.get<NoticeList>(`${unitPath(campaignId, code)}/notices`, { signal }) });
export const useNotices = (campaignId: string, code: string) => useQuery(noticesQueryOptions(campaignId, code));

export const useNotice = (campaignId: string, village: string, id: number | null) =>
  useQuery({
    queryKey: noticeKeys.one(campaignId, village, id ?? 0),
    queryFn: ({ signal }) => api.get<NoticeDetail>(noticePath(campaignId, village, id!), { signal }),
    enabled: id !== null,
  });

function useNoticeMutation<I, R>(campaignId: string, run: (input: I) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: noticeKeys.all(campaignId) }) });
}

export const usePrepareNotices = (campaignId: string, code: string) =>
  useNoticeMutation(campaignId, () => api.post<PrepareNotices>(`${unitPath(campaignId, code)}/notices`));
export const useApproveNotice = (campaignId: string) =>
  useNoticeMutation(campaignId, (i: { village: string; id: number; note: string }) => api.post<Notice>(`${noticePath(campaignId, i.village, i.id)}/approve`, { note: i.note }));
export const useReleaseNotice = (campaignId: string) =>
  useNoticeMutation(campaignId, (i: { village: string; id: number }) => api.post<Notice>(`${noticePath(campaignId, i.village, i.id)}/release`));
