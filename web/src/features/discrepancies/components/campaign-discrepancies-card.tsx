// 核查差异 on the campaign page: how many units have a discrepancy open, answered or settled, and, for an
// official who may move phases, the check (核查) that compares every unit's report with the verified
// figures now, whatever the phase.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorMessage } from '../../../components/ui/error-message';
import { api } from '../../../lib/api-client';
import type { DiscrepancyList } from '../../../types/api';
import { useDiscrepanciesI18n } from '../i18n';

export function CampaignDiscrepanciesCard({ campaignId, canCheck }: { campaignId: string; canCheck: boolean }) {
  const { t } = useDiscrepanciesI18n();
  const queryClient = useQueryClient();
  const base = `/api/campaigns/${encodeURIComponent(campaignId)}/discrepancies`;
  const list = useQuery({ queryKey: ['discrepancies', campaignId, 'all'], queryFn: ({ signal }) => api.get<DiscrepancyList>(`${base}?closed=true`, { signal }) });
  const check = useMutation({
    mutationFn: () => api.post<{ opened: number; updated: number; closed: number }>(`${base}/check`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['discrepancies', campaignId] }),
  });
  const items = list.data?.discrepancies ?? [];
  // A plan without a verification block has nothing to check; a reader sees the card once there is something.
  if (!list.data?.verification || (!canCheck && items.length === 0)) return null;
  const count = (s: string) => items.filter((d) => d.status === s).length;
  return (
    <section className="card" data-testid="campaign-discrepancies">
      <h2>{t('heading')}</h2>
      <p className="small" data-testid="campaign-discrepancies-counts">
        {t('campaign.counts', { open: count('open'), answered: count('explained') + count('corrected'), closed: count('closed'), escalated: items.filter((d) => d.escalatedAt && d.status === 'open').length })}
      </p>
      {canCheck && (
        <button type="button" className="button" style={{ minHeight: '2.75rem' }} disabled={check.isPending} onClick={() => check.mutate()} data-testid="discrepancies-check">
          {t('campaign.check')}
        </button>
      )}
      {check.isSuccess && (
        <p className="alert alert-ok" role="status">
          {t('campaign.checked', check.data)}
        </p>
      )}
      {check.isError && <ErrorMessage error={check.error} />}
    </section>
  );
}
