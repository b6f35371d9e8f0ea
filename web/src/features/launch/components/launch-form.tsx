// One text area is the plan: picking an example fills it with JSON, uploading a file fills it with
// the file's text, or the official pastes. Preview and launch both send that text; the server
// parses JSON or YAML and answers with the preview or each failing path.
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ChangeEvent } from 'react';
import { useNavigate } from 'react-router';
import { ErrorMessage } from '../../../components/ui/error-message';
import { paths, type LaunchedState } from '../../../config/paths';
import { useI18n } from '../../../lib/i18n';
import { getExamplePlanQueryOptions } from '../api/get-example-plan';
import { useExamplePlans } from '../api/get-example-plans';
import { useLaunchCampaign } from '../api/launch-campaign';
import { usePreviewPlan } from '../api/preview-plan';
import { PlanErrors } from './plan-errors';
import { PlanPreview } from './plan-preview';

export function LaunchForm() {
  const { t } = useI18n();
  const id = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const examples = useExamplePlans();

  const [text, setText] = useState('');
  const [example, setExample] = useState('');
  const [sourceError, setSourceError] = useState<unknown>(null);
  const [loadingExample, setLoadingExample] = useState(false);

  const preview = usePreviewPlan();
  // The text the last preview was asked for: launching is offered only for a text that previewed
  // without errors (its warnings are shown with the preview).
  const [previewed, setPreviewed] = useState<string | null>(null);
  const launch = useLaunchCampaign({
    mutationConfig: {
      onSuccess: (result) => {
        const state: LaunchedState = { launched: result.created ? 'created' : 'existing' };
        void navigate(paths.campaign.getHref(result.campaign.id), { state });
      },
    },
  });

  const replaceText = (next: string) => {
    setText(next);
    setSourceError(null);
    preview.reset();
    launch.reset();
  };

  const pickExample = async (e: ChangeEvent<HTMLSelectElement>) => {
    const name = e.target.value;
    setExample(name);
    if (!name) return;
    setLoadingExample(true);
    try {
      const plan = await queryClient.fetchQuery(getExamplePlanQueryOptions(name));
      replaceText(JSON.stringify(plan, null, 2));
    } catch (error) {
      setSourceError(error);
    } finally {
      setLoadingExample(false);
    }
  };

  const pickFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setExample('');
    try {
      replaceText(await file.text());
    } catch {
      setSourceError(new Error(t('launch.fileError', { name: file.name })));
    }
  };

  const empty = text.trim() === '';
  const busy = preview.isPending || launch.isPending || loadingExample;
  const previewPassed = preview.isSuccess && previewed === text;

  return (
    <div className="launch">
      <section className="card">
        <div className="field-row">
          <label className="field" htmlFor={`${id}-example`}>
            <span>{t('launch.example')}</span>
            <select id={`${id}-example`} value={example} onChange={(e) => void pickExample(e)} data-testid="example-select">
              <option value="">{t('launch.example.choose')}</option>
              {examples.data?.map((ex) => (
                <option key={ex.name} value={ex.name}>
                  {ex.title}
                </option>
              ))}
            </select>
          </label>
          <label className="field" htmlFor={`${id}-file`}>
            <span>{t('launch.file')}</span>
            <input
              id={`${id}-file`}
              type="file"
              accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
              onChange={(e) => void pickFile(e)}
              data-testid="plan-file"
            />
          </label>
        </div>
        {examples.isError && <ErrorMessage error={examples.error} testId="examples-error" />}
        {loadingExample && <p className="muted">{t('launch.example.loading')}</p>}
        {sourceError !== null && <ErrorMessage error={sourceError} testId="source-error" />}

        <label className="field" htmlFor={`${id}-text`}>
          <span>{t('launch.text')}</span>
          <textarea
            id={`${id}-text`}
            className="plan-text"
            rows={18}
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setExample('');
              replaceText(e.target.value);
            }}
            placeholder={t('launch.text.placeholder')}
            data-testid="plan-text"
          />
        </label>

        <div className="form-actions">
          <button
            type="button"
            className="button"
            disabled={empty || busy}
            onClick={() => {
              launch.reset();
              setPreviewed(text);
              preview.mutate({ plan: text });
            }}
            data-testid="preview-button"
          >
            {preview.isPending ? t('launch.preview.pending') : t('launch.preview')}
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={empty || busy || !previewPassed}
            onClick={() => launch.mutate({ plan: text })}
            data-testid="launch-button"
          >
            {launch.isPending ? t('launch.launch.pending') : t('launch.launch')}
          </button>
        </div>
        {!empty && !previewPassed && (
          <p className="muted small" data-testid="launch-needs-preview">
            {t('launch.needsPreview')}
          </p>
        )}
      </section>

      {launch.isError && <PlanErrors error={launch.error} />}
      {preview.isError && <PlanErrors error={preview.error} />}
      {preview.isSuccess && <PlanPreview preview={preview.data} />}
    </div>
  );
}
