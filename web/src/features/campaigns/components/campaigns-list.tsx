import { Link, useNavigate } from 'react-router';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { StatusBadge } from '../../../components/ui/status-badge';
import { paths } from '../../../config/paths';
import { formatDateTime, formatNumber, ratio } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useCampaigns } from '../api/get-campaigns';
import { LaunchDemoButton } from './launch-demo-button';

export function CampaignsList() {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const campaigns = useCampaigns();

  if (campaigns.isPending) return <Loading />;
  if (campaigns.isError) return <ErrorMessage error={campaigns.error} />;

  if (campaigns.data.length === 0) {
    return (
      <section className="empty-state" data-testid="campaigns-empty">
        <h2>{t('campaigns.empty.title')}</h2>
        <p>{t('campaigns.empty.body')}</p>
        <LaunchDemoButton prominent />
        <p>
          <Link to={paths.launch.getHref()} data-testid="launch-link">
            {t('campaigns.launchPlan')}
          </Link>
        </p>
      </section>
    );
  }

  const rows = [...campaigns.data].sort((a, b) => b.launchedAt.localeCompare(a.launchedAt));
  return (
    <section>
      <div className="toolbar">
        <LaunchDemoButton />
        <Link className="button" to={paths.launch.getHref()} data-testid="launch-link">
          {t('campaigns.launchPlan')}
        </Link>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="campaigns-table">
          <thead>
            <tr>
              <th>{t('campaigns.col.title')}</th>
              <th>{t('campaigns.col.region')}</th>
              <th className="num">{t('campaigns.col.year')}</th>
              <th>{t('campaigns.col.status')}</th>
              <th>{t('campaigns.col.phase')}</th>
              <th>{t('campaigns.col.progress')}</th>
              <th>{t('campaigns.col.launchedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr
                key={c.id}
                className="clickable"
                data-testid={`campaign-row-${c.id}`}
                onClick={() => void navigate(paths.campaign.getHref(c.id))}
              >
                <td>
                  <Link to={paths.campaign.getHref(c.id)} onClick={(e) => e.stopPropagation()}>
                    {c.title}
                  </Link>
                  <div className="muted small">{c.id}</div>
                </td>
                <td>{c.regionName}</td>
                <td className="num">{c.year}</td>
                <td>
                  <StatusBadge kind="campaign" status={c.status} />
                </td>
                <td>{c.currentPhaseKey ? <code>{c.currentPhaseKey}</code> : t('common.none')}</td>
                <td>
                  <div className="small">
                    {c.targets.enrolled === null
                      ? formatNumber(c.progress.enrolled, language)
                      : t('common.of', {
                          actual: formatNumber(c.progress.enrolled, language),
                          target: formatNumber(c.targets.enrolled, language),
                        })}
                  </div>
                  <ProgressBar value={ratio(c.progress.enrolled, c.targets.enrolled)} compact />
                </td>
                <td className="nowrap">{formatDateTime(c.launchedAt, c.timeZone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
