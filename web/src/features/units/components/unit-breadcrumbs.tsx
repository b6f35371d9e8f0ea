import { Fragment } from 'react';
import { Link } from 'react-router';
import { paths } from '../../../config/paths';
import { useI18n } from '../../../lib/i18n';
import type { UnitDetail } from '../../../types/api';

/** 活动列表 › 江门市 (the campaign) › 台山市 › 台城街道: the owning region leads back to the campaign. */
export function UnitBreadcrumbs({ detail }: { detail: UnitDetail }) {
  const { t } = useI18n();
  const crumbs = detail.ancestors.map((a, i) => ({
    code: a.code,
    name: a.name,
    href: i === 0 ? paths.campaign.getHref(detail.campaignId) : paths.unit.getHref(detail.campaignId, a.code),
  }));
  return (
    <nav className="breadcrumbs" aria-label={t('unit.breadcrumbs')} data-testid="breadcrumbs">
      <Link to={paths.campaigns.getHref()} data-testid="breadcrumb-campaigns">
        {t('nav.campaigns')}
      </Link>
      {crumbs.map((c) => (
        <Fragment key={c.code}>
          <span className="breadcrumb-sep" aria-hidden="true">
            ›
          </span>
          <Link to={c.href} data-testid={`breadcrumb-${c.code}`}>
            {c.name}
          </Link>
        </Fragment>
      ))}
      <span className="breadcrumb-sep" aria-hidden="true">
        ›
      </span>
      <span aria-current="page" data-testid="breadcrumb-current">
        {detail.unit.name}
      </span>
    </nav>
  );
}
