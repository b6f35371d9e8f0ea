import { PlanWizard } from '../../features/launch/components/plan-wizard';
import { useLaunchI18n } from '../../features/launch/i18n';
import { useI18n } from '../../lib/i18n';

export function LaunchRoute() {
  const { t } = useI18n();
  const { t: lt } = useLaunchI18n();
  return (
    <>
      <h1>{t('launch.heading')}</h1>
      <p className="muted">{lt('intro')}</p>
      <PlanWizard />
    </>
  );
}
