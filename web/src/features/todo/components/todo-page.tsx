// 待办: every user's home. What is open for me now, by kind (reports my unit owes, escalations to
// answer, circulars to approve, people to mobilise), each with where to do it and a read mark. Opening
// an item marks it read; a mark can be undone.
import { Link } from 'react-router';
import type { TodoItem, TodoKind } from '../../../../../contracts/api/todo';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { paths } from '../../../config/paths';
import { formatDeadlineProse } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useCampaigns } from '../../campaigns/api/get-campaigns';
import { FirstRunCard } from '../../campaigns/components/first-run-card';
import { useMarkTodo, useTodo } from '../api/get-todo';

const KINDS: TodoKind[] = ['discrepancy', 'period', 'escalation', 'circular', 'list'];

function hrefOf(item: TodoItem): string {
  switch (item.kind) {
    case 'period':
      return paths.unit.getHref(item.campaignId, item.unitCode!);
    case 'escalation':
      return paths.escalations.getHref(item.campaignId, { region: item.unitCode ?? undefined });
    case 'circular':
      return paths.circulars.getHref(item.campaignId);
    case 'list':
      return paths.hardship.getHref(item.campaignId, { unit: item.unitCode ?? undefined });
    case 'discrepancy':
      return paths.unit.getHref(item.campaignId, item.unitCode!);
  }
}

export function TodoPage() {
  const { t, language } = useI18n();
  const todo = useTodo();
  const campaigns = useCampaigns();
  const mark = useMarkTodo();
  if (todo.isPending) return <Loading />;
  if (todo.isError) return <ErrorMessage error={todo.error} testId="todo-error" />;
  const { items, unread } = todo.data;

  return (
    <div data-testid="todo-page">
      <p className="muted" data-testid="todo-summary">
        {items.length === 0 ? t('todo.none') : t('todo.summary', { total: items.length, unread })}
      </p>
      {items.length === 0 && campaigns.data?.length === 0 && <FirstRunCard />}
      {KINDS.map((kind) => {
        const group = items.filter((i) => i.kind === kind);
        if (group.length === 0) return null;
        return (
          <section className="card" key={kind} data-testid={`todo-group-${kind}`}>
            <h2>
              {t(`todo.kind.${kind}`)} <span className="muted small">{t('todo.count', { n: group.length })}</span>
            </h2>
            <ul className="todo-list">
              {group.map((item) => (
                <li key={item.key} className={item.read ? 'todo-item read' : 'todo-item unread'} data-testid="todo-item" data-key={item.key} data-read={item.read}>
                  <span className="todo-dot" aria-label={item.read ? t('todo.read') : t('todo.unread')} />
                  <div className="todo-body">
                    <Link to={hrefOf(item)} className="todo-title" onClick={() => !item.read && mark.mutate({ keys: [item.key], read: true })} data-testid="todo-open">
                      {item.title}
                    </Link>
                    <div className="small muted">{item.campaignTitle}</div>
                    {item.detail && <p className="small">{item.detail}</p>}
                    {item.dueAt && (
                      <div className="small" data-testid="todo-due">
                        {t('todo.due', { at: formatDeadlineProse(item.dueAt, DEFAULT_TIME_ZONE, language) })}
                      </div>
                    )}
                  </div>
                  <button
                    type="button"
                    className="link-button todo-mark"
                    disabled={mark.isPending}
                    onClick={() => mark.mutate({ keys: [item.key], read: !item.read })}
                    data-testid="todo-mark"
                  >
                    {item.read ? t('todo.markUnread') : t('todo.markRead')}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      <p className="small">
        <Link to={paths.campaigns.getHref()} data-testid="todo-all-campaigns">
          {t('todo.allCampaigns')}
        </Link>
      </p>
    </div>
  );
}
