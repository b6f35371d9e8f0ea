import { Link } from 'react-router';
import { paths } from '../../config/paths';
import { useI18n } from '../../lib/i18n';

export function NotFoundRoute() {
  const { t } = useI18n();
  return (
    <section className="empty-state" data-testid="not-found">
      <h1>{t('common.notFound')}</h1>
      <Link to={paths.todo.getHref()}>{t('common.toHome')}</Link>
    </section>
  );
}
