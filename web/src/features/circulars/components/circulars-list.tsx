import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { useI18n } from '../../../lib/i18n';
import { LIVE_REFETCH_MS } from '../../../lib/react-query';
import { useCirculars } from '../api/get-circulars';
import { CircularCard } from './circular-card';

export function CircularsList({ campaignId, timeZone, live, regionName }: { campaignId: string; timeZone: string; live: boolean; regionName: string }) {
  const { t } = useI18n();
  const circulars = useCirculars({ campaignId, queryConfig: { refetchInterval: live ? LIVE_REFETCH_MS : false } });
  if (circulars.isPending) return <Loading />;
  if (circulars.isError) return <ErrorMessage error={circulars.error} testId="circulars-error" />;
  const rows = [...circulars.data.circulars].sort((a, b) => b.seq - a.seq);
  if (rows.length === 0) {
    return (
      <p className="card muted" data-testid="circulars-empty">
        {t('circular.empty')}
      </p>
    );
  }
  const drafts = rows.filter((c) => c.status === 'draft').length;
  return (
    <div data-testid="circulars-list">
      <p className="muted" data-testid="circulars-summary">
        {t('circular.summary', { total: rows.length, drafts })}
      </p>
      {rows.map((c) => (
        <CircularCard key={c.id} campaignId={campaignId} circular={c} timeZone={timeZone} live={live} regionName={regionName} />
      ))}
    </div>
  );
}
