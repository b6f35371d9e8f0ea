import { ApiError, errorMessage } from '../../lib/api-client';
import { useI18n } from '../../lib/i18n';

/** The readable message of a failed call, and each failing field with its path when the server named them. */
export function ErrorMessage({ error, testId = 'error-message' }: { error: unknown; testId?: string }) {
  const { t } = useI18n();
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div className="alert alert-error" role="alert" data-testid={testId}>
      <p>{errorMessage(error)}</p>
      {issues.length > 0 && (
        <>
          <p>{t('error.fields')}</p>
          <IssueList issues={issues} />
        </>
      )}
    </div>
  );
}

export function IssueList({ issues, testId }: { issues: { path: string; message: string }[]; testId?: string }) {
  return (
    <ul className="issues" data-testid={testId}>
      {issues.map((issue, i) => (
        <li key={`${issue.path}-${i}`} data-testid="plan-error">
          <code className="issue-path">{issue.path}</code>
          <span className="issue-message">{issue.message}</span>
        </li>
      ))}
    </ul>
  );
}
