// 近期截止: the deadlines board, told which units sit directly under each campaign's region (the
// counties of a city plan) so that it can group by them; the names come from each campaign's detail,
// asked once and kept.
import { useQueries } from '@tanstack/react-query';
import { getCampaignQueryOptions } from '../../features/campaigns/api/get-campaign';
import { useDeadlines } from '../../features/deadlines/api/get-deadlines';
import { DeadlinesBoard, useDeadlineDays, type TopUnits } from '../../features/deadlines/components/deadlines-board';
import { useI18n } from '../../lib/i18n';

export function DeadlinesRoute() {
  const { t } = useI18n();
  const days = useDeadlineDays();
  const deadlines = useDeadlines({ days });
  const ids = [...new Set((deadlines.data?.items ?? []).map((i) => i.campaignId))].sort();
  const details = useQueries({
    queries: ids.map((id) => ({ ...getCampaignQueryOptions(id), refetchInterval: false as const, staleTime: Infinity })),
  });
  const topUnits = new Map<string, Array<{ code: string; name: string }>>() satisfies TopUnits;
  details.forEach((d, i) => {
    if (d.data) topUnits.set(ids[i], d.data.units.map((u) => ({ code: u.code, name: u.name })));
  });
  return (
    <>
      <h1>{t('deadlines.heading')}</h1>
      <p className="muted">{t('deadlines.intro')}</p>
      <DeadlinesBoard topUnits={topUnits} />
    </>
  );
}
