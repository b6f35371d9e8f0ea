import { Link } from 'react-router';
import { paths } from '../../config/paths';
import { useI18n } from '../../lib/i18n';

/** A page the signed-in role may not open (the server refuses its data anyway). */
export function Forbidden() {
  const { t } = useI18n();
  return (
    <section className="empty-state" data-testid="forbidden">
      <h1>{t('auth.forbidden')}</h1>
      <Link to={paths.todo.getHref()}>{t('common.toHome')}</Link>
    </section>
  );
}
