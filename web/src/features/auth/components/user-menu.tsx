// The header's account corner: who is signed in (name and role), 修改密码 and 退出登录.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { paths } from '../../../config/paths';
import { useSession } from '../../../lib/auth';
import { useI18n } from '../../../lib/i18n';
import { useLogout } from '../api/logout';
import { ChangePasswordDialog } from './change-password-dialog';

export function UserMenu() {
  const { t } = useI18n();
  const { data: session } = useSession();
  const navigate = useNavigate();
  const [changing, setChanging] = useState(false);
  // flushSync: the router leaves the console before the emptied session re-renders its guard, which
  // would otherwise send the person to /login?next=<this page> (router updates are transitions).
  const logout = useLogout({ onDone: () => void navigate(paths.login.getHref(), { replace: true, flushSync: true }) });
  if (!session) return null;
  const { user } = session;
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="user-badge" data-testid="user-badge" data-role={user.role} title={`${user.username} · ${user.regionCode}`}>
        <strong data-testid="user-name">{user.displayName}</strong>
        <span className="badge badge-tone-info" data-testid="user-role">
          {t(`role.${user.role}`)}
        </span>
      </span>
      <button type="button" className="link-button" onClick={() => setChanging(true)} data-testid="change-password">
        {t('auth.password.open')}
      </button>
      <button type="button" className="link-button" onClick={() => logout.mutate()} disabled={logout.isPending} data-testid="logout">
        {t('auth.logout')}
      </button>
      {changing && <ChangePasswordDialog onClose={() => setChanging(false)} />}
    </div>
  );
}
