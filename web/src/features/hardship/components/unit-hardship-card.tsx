// 困难群体 on a unit's page: the unit's counts in the latest screening run, with a link to the
// campaign's hardship page opened at this unit. Nothing shows while there is no run (404).
import { Link } from 'react-router';
import { paths } from '../../../config/paths';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { useUnitSummaries } from '../api/get-unit-summaries';
import { useHardshipI18n } from '../i18n';
import { OutcomeFigures } from './run-summary';

export function UnitHardshipCard({ campaignId, unitCode }: { campaignId: string; unitCode: string }) {
  const { t } = useHardshipI18n();
  const summary = useUnitSummaries({ campaignId, runId: 'latest', unit: unitCode });
  if (summary.isPending) return null;
  if (summary.isError) {
    if (summary.error instanceof ApiError && summary.error.status === 404) return null;
    return (
      <section className="card" data-testid="unit-hardship">
        <h2>{t('unitCard.title')}</h2>
        <p className="muted small">{errorMessage(summary.error)}</p>
      </section>
    );
  }
  return (
    <section className="card" data-testid="unit-hardship">
      <div className="card-title-row">
        <h2>{t('unitCard.title')}</h2>
        <Link to={paths.hardship.getHref(campaignId, { unit: unitCode })} data-testid="unit-hardship-link">
          {t('unitCard.more')}
        </Link>
      </div>
      <OutcomeFigures counts={summary.data.unit} testId="unit-hardship-counts" />
    </section>
  );
}
