import { LaunchForm } from '../../features/launch/components/launch-form';
import { useI18n } from '../../lib/i18n';

export function LaunchRoute() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('launch.heading')}</h1>
      <p className="muted">{t('launch.intro')}</p>
      <LaunchForm />
    </>
  );
}
