// 预览 and 启动 for one plan (the wizard's object or the YAML view's text): launching is offered only
// for the very plan that last previewed without errors and that this user may launch.
import { useNavigate } from 'react-router';
import { paths, type LaunchedState } from '../../../config/paths';
import { useI18n } from '../../../lib/i18n';
import { useLaunchCampaign } from '../api/launch-campaign';
import { usePreviewPlan } from '../api/preview-plan';
import { useLaunchI18n } from '../i18n';
import { PlanErrors } from './plan-errors';
import { PlanPreview } from './plan-preview';
import { useState } from 'react';

type Plan = string | Record<string, unknown>;

const same = (a: Plan | null, b: Plan) => a !== null && (typeof a === 'string' || typeof b === 'string' ? a === b : JSON.stringify(a) === JSON.stringify(b));

export function PreviewLaunch({ plan, empty }: { plan: Plan; empty: boolean }) {
  const { t } = useI18n();
  const { t: lt } = useLaunchI18n();
  const navigate = useNavigate();
  const preview = usePreviewPlan();
  const [previewed, setPreviewed] = useState<Plan | null>(null);
  const launch = useLaunchCampaign({
    mutationConfig: {
      onSuccess: (result) => {
        const state: LaunchedState = { launched: result.created ? 'created' : 'existing' };
        void navigate(paths.campaign.getHref(result.campaign.id), { state });
      },
    },
  });
  const current = same(previewed, plan);
  const busy = preview.isPending || launch.isPending;
  const passed = current && preview.isSuccess;
  const launchable = passed && preview.data.launchable;

  return (
    <div data-testid="preview-launch">
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={empty || busy}
          onClick={() => {
            launch.reset();
            setPreviewed(plan);
            preview.mutate({ plan });
          }}
          data-testid="preview-button"
        >
          {preview.isPending ? t('launch.preview.pending') : t('launch.preview')}
        </button>
        <button type="button" className="button button-primary" disabled={empty || busy || !launchable} onClick={() => launch.mutate({ plan })} data-testid="launch-button">
          {launch.isPending ? t('launch.launch.pending') : t('launch.launch')}
        </button>
      </div>
      {!empty && !passed && (
        <p className="muted small" data-testid="launch-needs-preview">
          {t('launch.needsPreview')}
        </p>
      )}
      {passed && !preview.data.launchable && (
        <p className="alert alert-error" data-testid="launch-not-allowed">
          {lt('preview.notLaunchable')}
        </p>
      )}
      {launch.isError && <PlanErrors error={launch.error} />}
      {current && preview.isError && <PlanErrors error={preview.error} />}
      {current && preview.isSuccess && <PlanPreview preview={preview.data} />}
    </div>
  );
}
