// 登录: password first, then the second factor that officials and admins owe (enrol once, then a
// 6-digit code at every sign-in). Errors are the server's own sentences (wrong password, lockout with
// the minutes left, a wrong or reused code).
import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { ApiError } from '../../../lib/api-client';
import { forgetUserData, safeNext, sessionQueryKey, sessionReady, signedIn, useSession, useSetSession } from '../../../lib/auth';
import { LANGUAGES, LANGUAGE_NAMES, useI18n } from '../../../lib/i18n';
import type { SessionView } from '../../../types/api';
import { useChangePassword } from '../api/change-password';
import { useEnrolMfa } from '../api/enrol-mfa';
import { useLogin } from '../api/login';
import { useLogout } from '../api/logout';
import { useSubmitMfaCode } from '../api/submit-mfa-code';

export function LoginPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const session = useSession();
  const ready = sessionReady(session.data);
  // A second-factor failure that ended the pending session (too many wrong codes, timed out): said
  // again above the password form, which is where the person starts over.
  const [earlier, setEarlier] = useState<unknown>(null);

  useEffect(() => {
    if (ready) void navigate(next, { replace: true });
  }, [ready, next, navigate]);

  let body;
  if (session.isPending || ready) body = <Loading />;
  else if (!session.data) body = <PasswordForm earlier={session.isError ? session.error : earlier} />;
  else if (signedIn(session.data)) body = <FirstPassword session={session.data} />;
  else if (session.data.mfaEnrolled) body = <MfaVerify session={session.data} onFailed={setEarlier} />;
  else body = <MfaEnrol session={session.data} onFailed={setEarlier} />;

  return (
    <div className="login-page">
      <section className="card login-card" data-testid="login-page">
        <div className="toolbar toolbar-spread">
          <div>
            <h1 className="login-title">{t('app.title')}</h1>
            <p className="muted small">{t('app.subtitle')}</p>
          </div>
          <LanguageSwitch />
        </div>
        {body}
      </section>
    </div>
  );
}

function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <div className="language-switch" role="group" aria-label={t('nav.language')}>
      {LANGUAGES.map((l) => (
        <button key={l} type="button" className={l === language ? 'link-button active' : 'link-button'} aria-pressed={l === language} onClick={() => setLanguage(l)}>
          {LANGUAGE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}

function PasswordForm({ earlier }: { earlier: unknown }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const setSession = useSetSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const login = useLogin({
    mutationConfig: {
      onSuccess: (s) => {
        // Nothing fetched for a previous user may show through.
        forgetUserData(queryClient);
        setSession(s);
      },
      onError: () => setPassword(''),
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) return setMissing(t('auth.login.missing'));
    setMissing(null);
    login.mutate({ username: username.trim(), password });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="login-form">
      <h2>{t('auth.login.heading')}</h2>
      <label className="field" htmlFor={`${id}-user`}>
        <span>{t('auth.login.username')}</span>
        <input
          id={`${id}-user`}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={64}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoFocus
          data-testid="login-username"
        />
      </label>
      <label className="field" htmlFor={`${id}-password`}>
        <span>{t('auth.login.password')}</span>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          maxLength={1024}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
        />
      </label>
      {missing && (
        <p className="field-error" role="alert">
          {missing}
        </p>
      )}
      {login.isError && <ErrorMessage error={login.error} testId="login-error" />}
      {login.isIdle && earlier !== null && <ErrorMessage error={earlier} testId="login-earlier-error" />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={login.isPending} data-testid="login-submit">
          {login.isPending ? t('auth.login.pending') : t('auth.login.submit')}
        </button>
      </div>
      <p className="muted small">{t('auth.login.help')}</p>
    </form>
  );
}

/** The secret in groups of four, as authenticator apps ask for it when typed by hand. */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

function MfaEnrol({ session, onFailed }: { session: SessionView; onFailed: (e: unknown) => void }) {
  const { t } = useI18n();
  const enrol = useEnrolMfa();
  return (
    <div data-testid="mfa-enrol">
      <h2>{t('auth.mfa.enrol.heading')}</h2>
      <p>{t('auth.mfa.enrol.intro', { name: session.user.displayName })}</p>
      {!enrol.data ? (
        <>
          {enrol.isError && <ErrorMessage error={enrol.error} testId="mfa-error" />}
          <div className="form-actions">
            <button type="button" className="button button-primary" onClick={() => enrol.mutate()} disabled={enrol.isPending} data-testid="mfa-enrol-start">
              {enrol.isPending ? t('auth.login.pending') : t('auth.mfa.enrol.start')}
            </button>
            <SignOutInstead />
          </div>
        </>
      ) : (
        <>
          <ol className="mfa-steps">
            <li>{t('auth.mfa.enrol.step1')}</li>
            <li>
              {t('auth.mfa.enrol.step2')}
              <QrCode text={enrol.data.otpauthUri} />
              <p className="small muted">{t('auth.mfa.enrol.manual')}</p>
              <div className="mfa-secret" data-testid="mfa-secret" data-secret={enrol.data.secret}>
                {groupSecret(enrol.data.secret)}
              </div>
              <details className="small">
                <summary>{t('auth.mfa.enrol.uri')}</summary>
                <code className="mfa-uri" data-testid="mfa-uri">
                  {enrol.data.otpauthUri}
                </code>
              </details>
            </li>
            <li>{t('auth.mfa.enrol.step3')}</li>
          </ol>
          <CodeForm step="confirm" onFailed={onFailed} />
        </>
      )}
    </div>
  );
}

/** The otpauth link as a QR code, drawn here (the secret never leaves the page). */
function QrCode({ text }: { text: string }) {
  const { t } = useI18n();
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((s) => live && setSvg(s));
    return () => {
      live = false;
    };
  }, [text]);
  if (!svg) return null;
  return (
    <img
      className="mfa-qr"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt={t('auth.mfa.enrol.qr')}
      width={200}
      height={200}
      data-testid="mfa-qr"
      data-text={text}
    />
  );
}

/**
 * 首次登录修改密码: the password an admin set is known to the admin, so the user chooses their own
 * before anything else (the server refuses every other request until then).
 */
function FirstPassword({ session }: { session: SessionView }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const change = useChangePassword({
    mutationConfig: { onSuccess: () => void queryClient.invalidateQueries({ queryKey: sessionQueryKey }) },
  });
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
    <form onSubmit={submit} noValidate data-testid="first-password">
      <h2>{t('auth.first.heading')}</h2>
      <p>{t('auth.first.intro', { name: session.user.displayName })}</p>
      <label className="field" htmlFor={`${id}-current`}>
        <span>{t('auth.first.current')}</span>
        <input id={`${id}-current`} type="password" autoComplete="current-password" maxLength={1024} value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="first-current" />
      </label>
      <label className="field" htmlFor={`${id}-new`}>
        <span>{t('auth.password.new')}</span>
        <input id={`${id}-new`} type="password" autoComplete="new-password" maxLength={1024} value={next} onChange={(e) => setNext(e.target.value)} data-testid="first-new" />
      </label>
      <label className="field" htmlFor={`${id}-again`}>
        <span>{t('auth.password.again')}</span>
        <input id={`${id}-again`} type="password" autoComplete="new-password" maxLength={1024} value={again} onChange={(e) => setAgain(e.target.value)} data-testid="first-again" />
      </label>
      <p className="muted small">{t('auth.password.policy')}</p>
      {missing && (
        <p className="field-error" role="alert">
          {missing}
        </p>
      )}
      {change.isError && <ErrorMessage error={change.error} testId="first-error" />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={change.isPending} data-testid="first-submit">
          {change.isPending ? t('auth.login.pending') : t('auth.first.submit')}
        </button>
        <SignOutInstead />
      </div>
    </form>
  );
}

function MfaVerify({ session, onFailed }: { session: SessionView; onFailed: (e: unknown) => void }) {
  const { t } = useI18n();
  return (
    <div data-testid="mfa-verify">
      <h2>{t('auth.mfa.verify.heading')}</h2>
      <p>{t('auth.mfa.verify.intro', { name: session.user.displayName })}</p>
      <CodeForm step="verify" onFailed={onFailed} />
    </div>
  );
}

function CodeForm({ step, onFailed }: { step: 'confirm' | 'verify'; onFailed: (e: unknown) => void }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const setSession = useSetSession();
  const [code, setCode] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const submitCode = useSubmitMfaCode({
    mutationConfig: {
      onSuccess: (s) => setSession(s),
      onError: (e) => {
        setCode('');
        onFailed(e);
        // A wrong code leaves the pending session; too many, or a pending session past its 10 minutes,
        // ends it. Asking again tells which: the code prompt stays, or the password form comes back.
        if (e instanceof ApiError && (e.status === 401 || e.status === 429)) void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
      },
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const digits = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(digits)) return setMissing(t('auth.mfa.code.invalid'));
    setMissing(null);
    submitCode.mutate({ step, code: digits });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="mfa-form">
      <label className="field" htmlFor={`${id}-code`}>
        <span>{t('auth.mfa.code')}</span>
        <input
          id={`${id}-code`}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\d{6}"
          maxLength={7}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoFocus
          className="mfa-code"
          data-testid="mfa-code"
        />
      </label>
      {missing && (
        <p className="field-error" role="alert">
          {missing}
        </p>
      )}
      {submitCode.isError && <ErrorMessage error={submitCode.error} testId="mfa-error" />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={submitCode.isPending} data-testid="mfa-submit">
          {submitCode.isPending ? t('auth.login.pending') : t(step === 'confirm' ? 'auth.mfa.confirm' : 'auth.mfa.verify')}
        </button>
        <SignOutInstead />
      </div>
    </form>
  );
}

function SignOutInstead() {
  const { t } = useI18n();
  const logout = useLogout({ onDone: () => {} });
  return (
    <button type="button" className="link-button" onClick={() => logout.mutate()} disabled={logout.isPending} data-testid="mfa-cancel">
      {t('auth.mfa.otherAccount')}
    </button>
  );
}
