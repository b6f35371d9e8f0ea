import { useNavigate } from 'react-router';
import { ErrorMessage } from '../../../components/ui/error-message';
import { paths, type LaunchedState } from '../../../config/paths';
import { useI18n } from '../../../lib/i18n';
import { useLaunchDemo } from '../api/launch-demo';

export function LaunchDemoButton({ prominent = false }: { prominent?: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const demo = useLaunchDemo({
    mutationConfig: {
      onSuccess: (result) => {
        const state: LaunchedState = { launched: result.created ? 'created' : 'existing' };
        void navigate(paths.campaign.getHref(result.campaign.id), { state });
      },
    },
  });
  return (
    <div className={prominent ? 'demo-launch prominent' : 'demo-launch'}>
      <button
        type="button"
        className={prominent ? 'button button-primary button-large' : 'button'}
        onClick={() => demo.mutate()}
        disabled={demo.isPending}
        data-testid="launch-demo"
      >
        {demo.isPending ? t('campaigns.demo.pending') : t('campaigns.demo')}
      </button>
      {demo.isError && <ErrorMessage error={demo.error} testId="launch-demo-error" />}
    </div>
  );
}
