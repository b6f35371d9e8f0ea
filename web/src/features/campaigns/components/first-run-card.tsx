// 首次使用: the path from an empty console to a running campaign, as the people who walk it see it. An
// admin cannot launch (separation of duties): they create the city official; the official changes the
// password the admin set, binds an authenticator by scanning a QR code, and launches the demo or a plan.
// Each step is marked done, current or later for the signed-in user's role.
import { Link } from 'react-router';
import { paths } from '../../../config/paths';
import { useCan, useSession } from '../../../lib/auth';
import { useI18n } from '../../../lib/i18n';
import { LaunchDemoButton } from './launch-demo-button';

type StepState = 'done' | 'current' | 'later';

export function FirstRunCard() {
  const { t } = useI18n();
  const session = useSession();
  const canLaunch = useCan('campaign.launch');
  const isAdmin = session.data?.user.role === 'admin';
  if (!isAdmin && !canLaunch) return null;
  // An admin is at step 1; whoever may launch has passed steps 1 and 2 to be here.
  const states: StepState[] = isAdmin ? ['current', 'later', 'later'] : ['done', 'done', 'current'];
  const steps = [
    {
      title: t('firstRun.step1'),
      body: t('firstRun.step1.body'),
      action: isAdmin ? (
        <Link className="button button-primary" to={paths.users.getHref()} data-testid="first-run-users">
          {t('firstRun.step1.go')}
        </Link>
      ) : null,
    },
    { title: t('firstRun.step2'), body: t('firstRun.step2.body'), action: null },
    {
      title: t('firstRun.step3'),
      body: t('firstRun.step3.body'),
      action: canLaunch ? (
        <div className="toolbar">
          <LaunchDemoButton prominent />
          <Link className="button" to={paths.launch.getHref()} data-testid="launch-link">
            {t('campaigns.launchPlan')}
          </Link>
        </div>
      ) : null,
    },
  ];
  return (
    <section className="card first-run" data-testid="first-run">
      <h2>{t('firstRun.heading')}</h2>
      <p className="muted">{t(isAdmin ? 'firstRun.intro.admin' : 'firstRun.intro.official')}</p>
      <ol className="first-run-steps">
        {steps.map((s, i) => (
          <li key={s.title} className={`first-run-step ${states[i]}`} data-state={states[i]} data-testid={`first-run-step-${i + 1}`}>
            <div className="first-run-marker" aria-hidden>
              {states[i] === 'done' ? '✓' : i + 1}
            </div>
            <div>
              <h3>
                {s.title}
                <span className="muted small"> {t(`firstRun.state.${states[i]}`)}</span>
              </h3>
              <p className="small">{s.body}</p>
              {states[i] === 'current' && s.action}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
