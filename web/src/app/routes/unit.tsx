// 单位详情: breadcrumbs from the owning region, the unit's own figures and its children.
import { useParams } from 'react-router';
import { Figures } from '../../components/figures';
import { ErrorMessage } from '../../components/ui/error-message';
import { Loading } from '../../components/ui/loading';
import { useCampaign } from '../../features/campaigns/api/get-campaign';
import { useUnit } from '../../features/units/api/get-unit';
import { UnitBreadcrumbs } from '../../features/units/components/unit-breadcrumbs';
import { UnitHeader } from '../../features/units/components/unit-header';
import { UnitsTable } from '../../features/units/components/units-table';
import { useI18n } from '../../lib/i18n';

const FALLBACK_TIME_ZONE = 'Asia/Shanghai';

export function UnitRoute() {
  const { t } = useI18n();
  const { campaignId = '', unitCode = '' } = useParams();
  const unit = useUnit({ campaignId, unitCode });
  // Usually already cached from the campaign page; gives the plan's time zone for displayed times.
  const campaign = useCampaign({ campaignId });
  const timeZone = campaign.data?.timeZone ?? FALLBACK_TIME_ZONE;

  if (unit.isPending) return <Loading />;
  if (unit.isError) return <ErrorMessage error={unit.error} testId="unit-error" />;
  const d = unit.data;
  const childLevel = d.children[0]?.level;

  return (
    <div className="unit">
      <UnitBreadcrumbs detail={d} />
      <UnitHeader unit={d.unit} timeZone={timeZone} />
      <section className="card">
        <Figures targets={d.unit.targets} progress={d.unit.progress} testId="unit-figures" />
      </section>
      <section className="card">
        <h2>{childLevel ? t('unit.children', { level: t(`level.${childLevel}`) }) : t('units.heading')}</h2>
        <UnitsTable campaignId={d.campaignId} units={d.children} testId="children-table" />
      </section>
    </div>
  );
}
