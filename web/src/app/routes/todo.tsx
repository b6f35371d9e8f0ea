import { TodoPage } from '../../features/todo/components/todo-page';
import { useI18n } from '../../lib/i18n';

export function TodoRoute() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('todo.heading')}</h1>
      <TodoPage />
    </>
  );
}
