// 用户管理 (admins): the accounts of the admin's region, a new account with its role and region, and
// the repairs for someone who cannot sign in. Every change here is written to the audit log by the server.
import { useState, type FormEvent } from 'react';
import { isRegionCode, ROLES } from '../../../../../domain/access';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { Role, UserView } from '../../../types/api';
import { RegionPicker } from '../../regions/components/region-picker';
import { useCreateUser } from '../api/create-user';
import { useUsers } from '../api/get-users';
import { useUpdateUser } from '../api/update-user';
import { useUserAction } from '../api/user-actions';

export function UsersPage() {
  const { t } = useI18n();
  const users = useUsers();
  const [open, setOpen] = useState<{ userId: number; mode: 'edit' | 'password' } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useUserAction({
    mutationConfig: {
      onSuccess: (_r, a) => {
        const u = users.data?.users.find((x) => x.id === a.userId);
        setNotice(t(`users.done.${a.kind}`, { username: u?.username ?? String(a.userId) }));
        setOpen(null);
      },
    },
  });

  return (
    <div data-testid="users-page">
      <div className="page-header">
        <h1>{t('users.heading')}</h1>
      </div>
      <CreateUserForm onCreated={(u) => setNotice(t('users.done.create', { username: u.username }))} />
      <section className="card">
        <h2>{t('users.list')}</h2>
        {notice && (
          <p className="alert alert-ok" role="status" data-testid="users-notice">
            {notice}
          </p>
        )}
        {action.isError && <ErrorMessage error={action.error} testId="users-action-error" />}
        {users.isPending ? (
          <Loading />
        ) : users.isError ? (
          <ErrorMessage error={users.error} testId="users-error" />
        ) : (
          <div className="table-wrap">
            <table className="table table-stack" data-testid="users-table">
              <thead>
                <tr>
                  <th>{t('users.col.username')}</th>
                  <th>{t('users.col.displayName')}</th>
                  <th>{t('users.col.role')}</th>
                  <th>{t('users.col.region')}</th>
                  <th>{t('users.col.status')}</th>
                  <th>{t('users.col.mfa')}</th>
                  <th>{t('users.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {users.data.users.map((u) => (
                  <UserRow
                    key={u.id}
                    user={u}
                    open={open?.userId === u.id ? open.mode : null}
                    onOpen={(mode) => {
                      setNotice(null);
                      action.reset();
                      setOpen(mode ? { userId: u.id, mode } : null);
                    }}
                    onAction={(a) => {
                      setNotice(null);
                      action.mutate(a);
                    }}
                    busy={action.isPending}
                    onSaved={() => {
                      setNotice(t('users.done.update', { username: u.username }));
                      setOpen(null);
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

const isLocked = (u: UserView) => u.lockedUntil !== null && Date.parse(u.lockedUntil) > Date.now();

function UserRow({
  user,
  open,
  onOpen,
  onAction,
  onSaved,
  busy,
}: {
  user: UserView;
  open: 'edit' | 'password' | null;
  onOpen: (mode: 'edit' | 'password' | null) => void;
  onAction: (a: Parameters<ReturnType<typeof useUserAction>['mutate']>[0]) => void;
  onSaved: () => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const locked = isLocked(user);
  return (
    <>
      <tr data-testid={`user-row-${user.username}`} data-disabled={user.disabled} data-locked={locked}>
        <td data-label={t('users.col.username')}>
          <code>{user.username}</code>
        </td>
        <td data-label={t('users.col.displayName')}>{user.displayName}</td>
        <td data-label={t('users.col.role')}>{t(`role.${user.role}`)}</td>
        <td data-label={t('users.col.region')}>
          <code>{user.regionCode}</code>
        </td>
        <td data-label={t('users.col.status')} data-testid="user-status">
          {user.disabled
            ? t('users.status.disabled')
            : locked
              ? t('users.status.locked', { until: formatDateTime(user.lockedUntil!, DEFAULT_TIME_ZONE) })
              : t('users.status.active')}
        </td>
        <td data-label={t('users.col.mfa')}>{user.mfaEnrolled ? t('users.mfa.enrolled') : t('users.mfa.none')}</td>
        <td data-label={t('users.col.actions')} className="nowrap">
          <button type="button" className="link-button" onClick={() => onOpen(open === 'edit' ? null : 'edit')} data-testid="user-edit">
            {t('users.edit')}
          </button>{' '}
          <button type="button" className="link-button" onClick={() => onOpen(open === 'password' ? null : 'password')} data-testid="user-reset-password">
            {t('users.resetPassword')}
          </button>
          {locked && (
            <>
              {' '}
              <button type="button" className="link-button" disabled={busy} onClick={() => onAction({ kind: 'unlock', userId: user.id })} data-testid="user-unlock">
                {t('users.unlock')}
              </button>
            </>
          )}
          {user.mfaEnrolled && (
            <>
              {' '}
              <button
                type="button"
                className="link-button"
                disabled={busy}
                onClick={() => {
                  if (window.confirm(t('users.resetMfa.confirm', { username: user.username }))) onAction({ kind: 'reset-mfa', userId: user.id });
                }}
                data-testid="user-reset-mfa"
              >
                {t('users.resetMfa')}
              </button>
            </>
          )}
        </td>
      </tr>
      {open === 'edit' && (
        <tr>
          <td colSpan={7}>
            <EditUserForm user={user} onSaved={onSaved} onCancel={() => onOpen(null)} />
          </td>
        </tr>
      )}
      {open === 'password' && (
        <tr>
          <td colSpan={7}>
            <ResetPasswordForm busy={busy} onSubmit={(password) => onAction({ kind: 'reset-password', userId: user.id, password })} onCancel={() => onOpen(null)} />
          </td>
        </tr>
      )}
    </>
  );
}

function RoleSelect({ value, onChange, testId }: { value: Role; onChange: (r: Role) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as Role)} data-testid={testId}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}


function CreateUserForm({ onCreated }: { onCreated: (u: UserView) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('clerk');
  const [regionCode, setRegionCode] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const create = useCreateUser({
    mutationConfig: {
      onSuccess: (u) => {
        setUsername('');
        setDisplayName('');
        setRegionCode('');
        setPassword('');
        onCreated(u);
      },
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.reset();
    if (!username.trim() || !displayName.trim() || !regionCode.trim() || !password) return setMissing(t('users.create.missing'));
    if (!isRegionCode(regionCode.trim())) return setMissing(t('users.region.invalid'));
    setMissing(null);
    create.mutate({ username: username.trim(), displayName: displayName.trim(), role, regionCode: regionCode.trim(), password });
  };
  return (
    <section className="card">
      <h2>{t('users.create.heading')}</h2>
      <form onSubmit={submit} noValidate data-testid="user-create-form">
        <div className="field-row wide-fields">
          <label className="field">
            <span>{t('users.col.username')}</span>
            <input value={username} onChange={(e) => setUsername(e.target.value)} maxLength={32} autoComplete="off" data-testid="new-username" />
          </label>
          <label className="field">
            <span>{t('users.col.displayName')}</span>
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={50} data-testid="new-display-name" />
          </label>
          <label className="field">
            <span>{t('users.col.role')}</span>
            <RoleSelect value={role} onChange={setRole} testId="new-role" />
          </label>
          <label className="field">
            <span>{t('users.col.region')}</span>
            <RegionPicker value={regionCode} onChange={setRegionCode} testId="new-region" />
          </label>
          <label className="field">
            <span>{t('users.create.password')}</span>
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" maxLength={1024} data-testid="new-password" />
          </label>
        </div>
        <p className="muted small">{t('users.create.help')}</p>
        {missing && (
          <p className="field-error" role="alert">
            {missing}
          </p>
        )}
        {create.isError && <ErrorMessage error={create.error} testId="user-create-error" />}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={create.isPending} data-testid="new-submit">
            {create.isPending ? t('actions.pending') : t('users.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function EditUserForm({ user, onSaved, onCancel }: { user: UserView; onSaved: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [regionCode, setRegionCode] = useState(user.regionCode);
  const [disabled, setDisabled] = useState(user.disabled);
  const [missing, setMissing] = useState<string | null>(null);
  const update = useUpdateUser({ mutationConfig: { onSuccess: onSaved } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!displayName.trim()) return setMissing(t('users.create.missing'));
    if (!isRegionCode(regionCode.trim())) return setMissing(t('users.region.invalid'));
    const data = {
      ...(displayName.trim() !== user.displayName ? { displayName: displayName.trim() } : {}),
      ...(role !== user.role ? { role } : {}),
      ...(regionCode.trim() !== user.regionCode ? { regionCode: regionCode.trim() } : {}),
      ...(disabled !== user.disabled ? { disabled } : {}),
    };
    if (Object.keys(data).length === 0) return onCancel();
    setMissing(null);
    update.mutate({ userId: user.id, data });
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form" data-testid="user-edit-form">
      <div className="field-row">
        <label className="field">
          <span>{t('users.col.displayName')}</span>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={50} data-testid="edit-display-name" />
        </label>
        <label className="field">
          <span>{t('users.col.role')}</span>
          <RoleSelect value={role} onChange={setRole} testId="edit-role" />
        </label>
        <label className="field">
          <span>{t('users.col.region')}</span>
          <RegionPicker value={regionCode} onChange={setRegionCode} testId="edit-region" />
        </label>
        <label className="field field-inline">
          <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} data-testid="edit-disabled" />
          <span>{t('users.edit.disabled')}</span>
        </label>
      </div>
      {missing && (
        <p className="field-error" role="alert">
          {missing}
        </p>
      )}
      {update.isError && <ErrorMessage error={update.error} testId="user-edit-error" />}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={update.isPending} data-testid="edit-submit">
          {update.isPending ? t('actions.pending') : t('users.edit.save')}
        </button>
      </div>
    </form>
  );
}

function ResetPasswordForm({ busy, onSubmit, onCancel }: { busy: boolean; onSubmit: (password: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (password) onSubmit(password);
      }}
      noValidate
      data-testid="user-password-form"
    >
      <div className="field-row">
        <label className="field">
          <span>{t('users.resetPassword.new')}</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" maxLength={1024} data-testid="reset-password-input" />
        </label>
      </div>
      <p className="muted small">{t('users.resetPassword.help')}</p>
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={busy || !password} data-testid="reset-password-submit">
          {t('users.resetPassword')}
        </button>
      </div>
    </form>
  );
}
