import { ErrorMessage, IssueList } from '../../../components/ui/error-message';
import { ApiError } from '../../../lib/api-client';
import { useI18n } from '../../../lib/i18n';

/** A refused plan: every failing path with its message; any other failure as a sentence. */
export function PlanErrors({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.issues.length > 0) {
    return (
      <div className="alert alert-error" role="alert">
        <p>{error.message}</p>
        <p>{t('launch.errors', { count: error.issues.length })}</p>
        <IssueList issues={error.issues} testId="plan-errors" />
      </div>
    );
  }
  return <ErrorMessage error={error} testId="plan-error-message" />;
}
