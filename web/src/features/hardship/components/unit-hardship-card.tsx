// 困难群体 on a unit's page: the unit's counts in the latest screening run that covers it, with a link to
// the campaign's hardship page opened at this unit. Nothing shows while there is no such run: the
// campaign's run list says so first, so the page never asks for a summary that is not there (a 404 the
// browser would log on every unit page of a campaign not screened yet).
import { Link } from 'react-router';
import { paths } from '../../../config/paths';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { useCan } from '../../../lib/auth';
import type { RunView } from '../../../types/api';
import { useOverview } from '../api/get-overview';
import { useUnitSummaries } from '../api/get-unit-summaries';
import { useHardshipI18n } from '../i18n';
import { OutcomeFigures } from './run-summary';

/** The overview lists this many runs, newest first; past it an older covering run may exist. */
const OVERVIEW_RUNS = 20;

/** Whether a completed run covers the unit (a campaign-wide run, or one of the unit's county or above). */
export function runCoversUnit(runs: readonly Pick<RunView, 'status' | 'scope'>[], unitCode: string): boolean {
  if (runs.some((r) => r.status === 'completed' && (r.scope === null || unitCode.startsWith(r.scope)))) return true;
  return runs.length >= OVERVIEW_RUNS;
}

export function UnitHardshipCard({ campaignId, unitCode }: { campaignId: string; unitCode: string }) {
  const { t } = useHardshipI18n();
  const canRead = useCan('hardship.read');
  // The default retry (a network blip, a 5xx; never a 4xx): a failed overview would hide the card for good.
  const overview = useOverview({ campaignId, queryConfig: { enabled: canRead } });
  const covered = !!overview.data && runCoversUnit(overview.data.runs, unitCode);
  const summary = useUnitSummaries({ campaignId, runId: 'latest', unit: unitCode, queryConfig: { enabled: covered } });
  if (!covered || summary.isPending) return null;
  if (summary.isError) {
    // A run removed between the two answers: the same as no run yet.
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
