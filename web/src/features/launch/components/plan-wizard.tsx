// 启动活动: the official builds the plan step by step (basics, phases, targets, breakdown, reporting,
// escalation, policy) and previews and launches it at the last step; or opens the same plan as YAML
// (高级) and switches back. One plan object throughout, checked as it is filled by the validator the
// server runs; each step shows the problems of its own fields, in words.
import { useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import { validatePlan } from '../../../../../domain/plan';
import { localDateOf } from '../../../../../domain/time';
import { ErrorMessage, IssueList } from '../../../components/ui/error-message';
import { getExamplePlanQueryOptions } from '../api/get-example-plan';
import { useExamplePlans } from '../api/get-example-plans';
import { useLaunchI18n, type LaunchKey } from '../i18n';
import { draftFromExample, emptyDraft, fromYaml, issuesByStep, planObject, STEPS, toYaml, type Draft, type Step } from '../model';
import { PreviewLaunch } from './preview-launch';
import { BasicsStep, BreakdownStep, EscalationStep, PhasesStep, PolicyStep, ReportingStep, TargetsStep, type StepProps } from './wizard-steps';
import './wizard.css';

type Issue = { path: string; message: string };

const FORMS: Record<Exclude<Step, 'preview'>, (props: StepProps) => React.JSX.Element> = {
  basics: BasicsStep,
  phases: PhasesStep,
  targets: TargetsStep,
  breakdown: BreakdownStep,
  reporting: ReportingStep,
  escalation: EscalationStep,
  policy: PolicyStep,
};

/**
 * The plan's problems as the server finds them: the server's preview runs domain/plan.ts's
 * validatePlan and answers its errors, so the wizard runs the same function on every edit (at once,
 * offline, and without an audit-log entry per keystroke, which every preview call is). The server's
 * own preview, with what only it knows (the user's region, the holiday calendar), is the last step.
 */
function usePlanIssues(draft: Draft): Issue[] {
  const body = JSON.stringify(planObject(draft));
  return useMemo(() => {
    const result = validatePlan(JSON.parse(body), Date.now());
    return result.ok ? [] : result.errors;
  }, [body]);
}

export function PlanWizard() {
  const { t } = useLaunchI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const examples = useExamplePlans();
  const today = localDateOf(Date.now(), 'Asia/Shanghai');

  const [draft, setDraft] = useState<Draft>(() => emptyDraft(today));
  // Bumped when the whole plan is replaced (an example, the YAML view): the forms start again from it.
  const [generation, setGeneration] = useState(0);
  const [mode, setMode] = useState<'form' | 'yaml'>('form');
  const [step, setStep] = useState<Step>('basics');
  const [left, setLeft] = useState<ReadonlySet<Step>>(new Set());
  const [template, setTemplate] = useState('');
  const [loading, setLoading] = useState(false);
  const [sourceError, setSourceError] = useState<unknown>(null);
  const [yamlText, setYamlText] = useState('');
  const [yamlError, setYamlError] = useState<string | null>(null);

  const issues = usePlanIssues(draft);
  const byStep = issuesByStep(issues);

  const replace = (next: Draft) => {
    setDraft(next);
    setGeneration((g) => g + 1);
    setLeft(new Set());
    setStep('basics');
    if (mode === 'yaml') setYamlText(toYaml(next));
  };

  const go = (next: Step) => {
    setLeft((old) => new Set([...old, step]));
    setStep(next);
    window.scrollTo({ top: 0 });
  };

  const pickTemplate = async (e: ChangeEvent<HTMLSelectElement>) => {
    const name = e.target.value;
    setTemplate(name);
    if (!name) return;
    setLoading(true);
    setSourceError(null);
    try {
      replace(draftFromExample(await queryClient.fetchQuery(getExamplePlanQueryOptions(name)), today));
    } catch (error) {
      setSourceError(error);
    } finally {
      setLoading(false);
    }
  };

  const toYamlMode = () => {
    setYamlText(toYaml(draft));
    setYamlError(null);
    setMode('yaml');
  };
  const toFormMode = () => {
    const result = fromYaml(yamlText);
    if (!result.ok) {
      setYamlError(result.message);
      return;
    }
    setYamlError(null);
    setDraft(result.draft);
    setGeneration((g) => g + 1);
    setMode('form');
  };

  const pickFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    try {
      setYamlText(await file.text());
      setYamlError(null);
    } catch {
      setSourceError(new Error(t('yaml.fileError', { name: file.name })));
    }
  };

  const index = STEPS.indexOf(step);
  const Form = step === 'preview' ? null : FORMS[step];
  const shown = step === 'preview' || left.has(step);
  const here = byStep[step];
  const elsewhere = STEPS.filter((s) => s !== step && s !== 'preview').reduce((n, s) => n + byStep[s].length, 0);

  return (
    <div className="launch plan-wizard" data-testid="plan-wizard">
      <section className="card">
        <div className="field-row">
          <label className="field" htmlFor={`${id}-template`}>
            <span>{t('start.template')}</span>
            <select id={`${id}-template`} value={template} onChange={(e) => void pickTemplate(e)} data-testid="template-select">
              <option value="">{t('start.template.choose')}</option>
              {examples.data?.map((ex) => (
                <option key={ex.name} value={ex.name}>
                  {ex.title}
                </option>
              ))}
            </select>
            <span className="muted small">{t('start.template.help')}</span>
          </label>
          <div className="field field-inline">
            <button
              type="button"
              className="button"
              onClick={() => {
                setTemplate('');
                replace(emptyDraft(today));
              }}
              data-testid="start-empty"
            >
              {t('start.empty')}
            </button>
          </div>
        </div>
        {loading && <p className="muted">{t('start.loading')}</p>}
        {examples.isError && <ErrorMessage error={examples.error} testId="examples-error" />}
        {sourceError !== null && <ErrorMessage error={sourceError} testId="source-error" />}
      </section>

      <div className="wizard-modes" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'form'} className={mode === 'form' ? 'active' : undefined} onClick={() => mode === 'yaml' && toFormMode()} data-testid="mode-form">
          {t('mode.form')}
        </button>
        <button type="button" role="tab" aria-selected={mode === 'yaml'} className={mode === 'yaml' ? 'active' : undefined} onClick={() => mode === 'form' && toYamlMode()} data-testid="mode-yaml">
          {t('mode.yaml')}
        </button>
      </div>
      {yamlError && (
        <p className="alert alert-error" role="alert" data-testid="yaml-error">
          {t('yaml.error', { message: yamlError })}
        </p>
      )}

      {mode === 'form' ? (
        <section className="card" data-testid="wizard-card">
          <ol className="wizard-steps" data-testid="wizard-steps">
            {STEPS.map((s, i) => {
              const count = left.has(s) || step === 'preview' ? byStep[s].length : 0;
              return (
                <li key={s}>
                  <button type="button" className={s === step ? 'active' : undefined} aria-current={s === step ? 'step' : undefined} onClick={() => go(s)} data-testid={`step-${s}`} data-errors={count}>
                    <span className="wizard-step-n">{i + 1}</span>
                    {t(`step.${s}` as LaunchKey)}
                    {count > 0 && <span className="badge badge-tone-danger">{t('step.errorCount', { count })}</span>}
                  </button>
                </li>
              );
            })}
          </ol>
          <h2 data-testid="step-heading">
            {t(`step.${step}` as LaunchKey)} <span className="muted small">{t('step.of', { n: index + 1, total: STEPS.length })}</span>
          </h2>

          {Form && <Form key={`${step}-${generation}`} draft={draft} set={setDraft} today={today} />}

          {shown && step !== 'preview' && (
            here.length > 0 ? (
              <div className="alert alert-error" role="alert" data-testid="step-errors">
                <p>{t('step.errors', { count: here.length })}</p>
                <IssueList issues={here} />
              </div>
            ) : (
              <p className="muted small" data-testid="step-ok">
                {t('step.ok')}
              </p>
            )
          )}

          {step === 'preview' && (
            <>
              {elsewhere > 0 && (
                <div className="alert alert-error" role="alert" data-testid="other-step-errors">
                  <p>{t('step.otherErrors', { count: elsewhere })}</p>
                  <ul>
                    {STEPS.filter((s) => s !== 'preview' && byStep[s].length > 0).map((s) => (
                      <li key={s}>
                        <button type="button" className="link-button" onClick={() => go(s)}>
                          {t(`step.${s}` as LaunchKey)}
                        </button>
                        {t('step.errorCount', { count: byStep[s].length })}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {here.length > 0 && (
                <div className="alert alert-error" role="alert" data-testid="yaml-only-errors">
                  <p>{t('step.yamlOnlyErrors')}</p>
                  <IssueList issues={here} />
                </div>
              )}
              <PreviewLaunch plan={planObject(draft)} empty={false} />
            </>
          )}

          <div className="form-actions wizard-nav">
            {index > 0 && (
              <button type="button" className="button" onClick={() => go(STEPS[index - 1])} data-testid="step-prev">
                {t('step.prev')}
              </button>
            )}
            {index < STEPS.length - 1 && (
              <button type="button" className="button button-primary" onClick={() => go(STEPS[index + 1])} data-testid="step-next">
                {t('step.next')}
              </button>
            )}
          </div>
        </section>
      ) : (
        <section className="card" data-testid="yaml-card">
          <p className="muted">{t('mode.yamlHelp')}</p>
          <label className="field" htmlFor={`${id}-file`}>
            <span>{t('yaml.file')}</span>
            <input id={`${id}-file`} type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" onChange={(e) => void pickFile(e)} data-testid="plan-file" />
          </label>
          <label className="field" htmlFor={`${id}-text`}>
            <span>{t('yaml.text')}</span>
            <textarea
              id={`${id}-text`}
              className="plan-text"
              rows={24}
              spellCheck={false}
              value={yamlText}
              onChange={(e) => {
                setYamlText(e.target.value);
                setYamlError(null);
              }}
              data-testid="plan-text"
            />
          </label>
          <p className="muted small">{t('mode.yamlApply')}</p>
          <PreviewLaunch plan={yamlText} empty={yamlText.trim() === ''} />
        </section>
      )}
    </div>
  );
}
