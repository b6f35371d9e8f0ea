// 活动列表: every campaign the user may see, newest first, with its current phase by the plan's name for
// it (工作部署阶段, never the key `deployment`) and its enrolment against the target in 万.
import { useQueries } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { StatusBadge } from '../../../components/ui/status-badge';
import { paths } from '../../../config/paths';
import { formatCount, formatDateTime, formatNumber, ratio } from '../../../lib/format';
import type { CampaignSummary } from '../../../types/api';
import { getCampaignQueryOptions } from '../api/get-campaign';
import { useI18n } from '../../../lib/i18n';
import { useCampaigns } from '../api/get-campaigns';
import { FirstRunCard } from './first-run-card';
import { LaunchDemoButton } from './launch-demo-button';
import { useCan, useSession } from '../../../lib/auth';

export function CampaignsList() {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const campaigns = useCampaigns();
  const phaseName = usePhaseNames(campaigns.data ?? []);
  // Launching is the city official's: others do not see a button that would only be refused.
  const canLaunch = useCan('campaign.launch');
  const isAdmin = useSession().data?.user.role === 'admin';

  if (campaigns.isPending) return <Loading />;
  if (campaigns.isError) return <ErrorMessage error={campaigns.error} />;

  if (campaigns.data.length === 0) {
    return (
      <>
        {/* Those who start the first campaign get the 首次使用 steps; the others are told who does. */}
        {!canLaunch && !isAdmin && (
          <section className="empty-state" data-testid="campaigns-empty">
            <h2>{t('campaigns.empty.title')}</h2>
            <p data-testid="campaigns-empty-nolaunch">{t('campaigns.empty.noLaunch')}</p>
          </section>
        )}
        <FirstRunCard />
      </>
    );
  }

  const rows = [...campaigns.data].sort((a, b) => b.launchedAt.localeCompare(a.launchedAt));
  return (
    <section>
      {canLaunch && (
        <div className="toolbar">
          <LaunchDemoButton />
          <Link className="button" to={paths.launch.getHref()} data-testid="launch-link">
            {t('campaigns.launchPlan')}
          </Link>
        </div>
      )}
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
                <td data-testid={`campaign-phase-${c.id}`}>{c.currentPhaseKey ? phaseName(c.id, c.currentPhaseKey) : t('common.none')}</td>
                <td>
                  <div className="small" title={formatNumber(c.progress.enrolled, language)}>
                    {c.targets.enrolled === null
                      ? formatCount(c.progress.enrolled, language)
                      : t('common.of', {
                          actual: formatCount(c.progress.enrolled, language),
                          target: formatCount(c.targets.enrolled, language),
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

/**
 * The plan's name of a phase key, from each campaign's detail (asked once per campaign in a phase and
 * kept: names do not change). Never the key itself: 加载中… until it arrives, — if the plan lacks it.
 */
function usePhaseNames(campaigns: CampaignSummary[]): (campaignId: string, key: string) => string {
  const { language, t } = useI18n();
  const ids = campaigns.filter((c) => c.currentPhaseKey !== null).map((c) => c.id);
  const details = useQueries({
    queries: ids.map((id) => ({ ...getCampaignQueryOptions(id), refetchInterval: false as const, staleTime: Infinity })),
  });
  const names = new Map<string, string>();
  const settled = new Set<string>();
  details.forEach((d, i) => {
    if (d.data || d.isError) settled.add(ids[i]);
    for (const p of d.data?.phases ?? []) names.set(`${ids[i]}|${p.key}`, language === 'zh-CN' ? p.nameZh : p.nameEn);
  });
  return (campaignId, key) => names.get(`${campaignId}|${key}`) ?? (settled.has(campaignId) ? t('common.none') : t('common.loading'));
}
