import { useEffect, useState, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { paths } from '../../config/paths';
import { useTodo } from '../../features/todo/api/get-todo';
import { useCan } from '../../lib/auth';
import { LANGUAGES, LANGUAGE_NAMES, useI18n } from '../../lib/i18n';

/**
 * `account`: the signed-in user's corner of the header (name, role, password, sign out). On a phone
 * the navigation, the language switch and the account fold behind a 菜单 button, closed again on
 * every page change.
 */
export function MainLayout({ account }: { account?: ReactNode }) {
  const { t, language, setLanguage } = useI18n();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname, location.search]);
  const canLaunch = useCan('campaign.launch');
  const canManageUsers = useCan('user.manage');
  const canReadAudit = useCan('audit.read');
  const unread = useTodo().data?.unread ?? 0;
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <NavLink to={paths.todo.getHref()} className="brand-title">
            {t('app.title')}
          </NavLink>
          <span className="brand-subtitle">{t('app.subtitle')}</span>
        </div>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="app-menu"
          onClick={() => setMenuOpen((o) => !o)}
          data-testid="menu-button"
        >
          {menuOpen ? t('nav.menu.close') : t('nav.menu')}
        </button>
        <div className="app-header-menu" id="app-menu" data-open={menuOpen}>
          <nav className="app-nav">
            <NavLink to={paths.todo.getHref()} end data-testid="nav-todo">
              {t('nav.todo')}
              {unread > 0 && (
                <span className="nav-badge" data-testid="nav-todo-unread">
                  {unread}
                </span>
              )}
            </NavLink>
            <NavLink to={paths.campaigns.getHref()} data-testid="nav-campaigns">
              {t('nav.campaigns')}
            </NavLink>
            {canLaunch && (
              <NavLink to={paths.launch.getHref()} data-testid="nav-launch">
                {t('nav.launch')}
              </NavLink>
            )}
            <NavLink to={paths.deadlines.getHref()} data-testid="nav-deadlines">
              {t('nav.deadlines')}
            </NavLink>
            <NavLink to={paths.calendar.getHref()} data-testid="nav-calendar">
              {t('nav.calendar')}
            </NavLink>
            <NavLink to={paths.inbox.getHref()} data-testid="nav-inbox">
              {t('nav.inbox')}
            </NavLink>
            {canManageUsers && (
              <NavLink to={paths.users.getHref()} data-testid="nav-users">
                {t('nav.users')}
              </NavLink>
            )}
            {canReadAudit && (
              <NavLink to={paths.audit.getHref()} data-testid="nav-audit">
                {t('nav.audit')}
              </NavLink>
            )}
          </nav>
          <div className="language-switch" role="group" aria-label={t('nav.language')}>
            {LANGUAGES.map((l) => (
              <button
                key={l}
                type="button"
                className={l === language ? 'link-button active' : 'link-button'}
                aria-pressed={l === language}
                onClick={() => setLanguage(l)}
                data-testid={`language-${l}`}
              >
                {LANGUAGE_NAMES[l]}
              </button>
            ))}
          </div>
          {account}
        </div>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
