import { NavLink } from 'react-router';
import { paths } from '../../../config/paths';
import { useI18n } from '../../../lib/i18n';

/** 概况 · 督办台账 · 通报 · 困难群体: the campaign's pages, one tab each. */
export function CampaignTabs({ campaignId }: { campaignId: string }) {
  const { t } = useI18n();
  return (
    <nav className="tabs" aria-label={t('tabs.label')} data-testid="campaign-tabs">
      <NavLink to={paths.campaign.getHref(campaignId)} end data-testid="tab-overview">
        {t('tabs.overview')}
      </NavLink>
      <NavLink to={paths.escalations.getHref(campaignId)} data-testid="tab-escalations">
        {t('tabs.escalations')}
      </NavLink>
      <NavLink to={paths.circulars.getHref(campaignId)} data-testid="tab-circulars">
        {t('tabs.circulars')}
      </NavLink>
      <NavLink to={paths.hardship.getHref(campaignId)} data-testid="tab-hardship">
        {t('tabs.hardship')}
      </NavLink>
    </nav>
  );
}
