// 修改密码: the current password, the new one twice. The server checks the policy (length, character
// classes, not the account name) and answers with its reasons; the account's other sessions end.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useChangePassword } from '../api/change-password';

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const change = useChangePassword({
    mutationConfig: {
      onSuccess: () => {
        setCurrent('');
        setNext('');
        setAgain('');
      },
    },
  });

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.reset();
    if (!current || !next) return setMissing(t('auth.password.missing'));
    if (next !== again) return setMissing(t('auth.password.mismatch'));
    if (next === current) return setMissing(t('auth.password.same'));
    setMissing(null);
    change.mutate({ currentPassword: current, newPassword: next });
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="modal"
      data-testid="password-dialog"
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>{t('auth.password.heading')}</h2>
        <label className="field">
          <span>{t('auth.password.current')}</span>
          <input type="password" autoComplete="current-password" maxLength={1024} value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="password-current" />
        </label>
        <label className="field">
          <span>{t('auth.password.new')}</span>
          <input type="password" autoComplete="new-password" maxLength={1024} value={next} onChange={(e) => setNext(e.target.value)} data-testid="password-new" />
        </label>
        <label className="field">
          <span>{t('auth.password.again')}</span>
          <input type="password" autoComplete="new-password" maxLength={1024} value={again} onChange={(e) => setAgain(e.target.value)} data-testid="password-again" />
        </label>
        <p className="muted small">{t('auth.password.policy')}</p>
        {missing && (
          <p className="field-error" role="alert">
            {missing}
          </p>
        )}
        {change.isError && <ErrorMessage error={change.error} testId="password-error" />}
        {change.isSuccess && (
          <p className="alert alert-ok" role="status" data-testid="password-changed">
            {t('auth.password.done')}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose} data-testid="password-close">
            {change.isSuccess ? t('auth.close') : t('common.cancel')}
          </button>
          {!change.isSuccess && (
            <button type="submit" className="button button-primary" disabled={change.isPending} data-testid="password-submit">
              {change.isPending ? t('auth.login.pending') : t('auth.password.submit')}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
