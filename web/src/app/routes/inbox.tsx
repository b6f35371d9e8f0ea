import { InboxPage } from '../../features/inbox/components/inbox-page';
import { useI18n } from '../../lib/i18n';

export function InboxRoute() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('inbox.heading')}</h1>
      <InboxPage />
    </>
  );
}
