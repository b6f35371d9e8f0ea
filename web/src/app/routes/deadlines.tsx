import { DeadlinesBoard } from '../../features/deadlines/components/deadlines-board';
import { useI18n } from '../../lib/i18n';

export function DeadlinesRoute() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('deadlines.heading')}</h1>
      <p className="muted">{t('deadlines.intro')}</p>
      <DeadlinesBoard />
    </>
  );
}
