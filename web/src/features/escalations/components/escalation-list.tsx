// Escalations fetched for a filter and shown with the respond controls: the board's body, and the
// unit page's own list (region = the unit: itself and everything under it).
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { useI18n } from '../../../lib/i18n';
import { LIVE_REFETCH_MS } from '../../../lib/react-query';
import type { EscalationFilters } from '../../../types/api';
import { useEscalations } from '../api/get-escalations';
import { EscalationTable } from './escalation-table';

export function EscalationList({
  campaignId,
  filters,
  timeZone,
  live,
  testId,
  emptyText,
}: {
  campaignId: string;
  filters: EscalationFilters;
  timeZone: string;
  /** Keep asking while the campaign runs; rungs fire by themselves. */
  live: boolean;
  testId: string;
  emptyText?: string;
}) {
  const { t } = useI18n();
  const escalations = useEscalations({ campaignId, filters, queryConfig: { refetchInterval: live ? LIVE_REFETCH_MS : false } });
  if (escalations.isPending) return <Loading />;
  if (escalations.isError) return <ErrorMessage error={escalations.error} testId={`${testId}-error`} />;
  const rows = escalations.data.escalations;
  const limit = filters.limit ?? 200;
  return (
    <div className="escalation-list">
      {rows.length > 0 && (
        <div className="toolbar toolbar-spread">
          <span className="muted" data-testid={`${testId}-count`}>
            {t('escalation.count', { count: rows.length })}
            {rows.length >= limit ? ` · ${t('escalation.limited', { limit })}` : ''}
          </span>
        </div>
      )}
      <EscalationTable
        campaignId={campaignId}
        escalations={rows}
        timeZone={timeZone}
        testId={testId}
        emptyText={emptyText ?? t('escalation.empty')}
      />
    </div>
  );
}
