import { Link, useRouteError } from 'react-router';
import { ErrorMessage } from '../../components/ui/error-message';
import { paths } from '../../config/paths';
import { useI18n } from '../../lib/i18n';

export function RouteError() {
  const { t } = useI18n();
  const error = useRouteError();
  return (
    <main className="app-main">
      <h1>{t('error.title')}</h1>
      <ErrorMessage error={error} testId="route-error" />
      <Link to={paths.todo.getHref()}>{t('common.toHome')}</Link>
    </main>
  );
}
