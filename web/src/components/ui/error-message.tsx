import { ApiError, errorMessage } from '../../lib/api-client';
import { issueLabel } from '../../lib/field-labels';
import { useI18n } from '../../lib/i18n';

/** The readable message of a failed call, and each failing field the server named, in words. */
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

/**
 * One line per failing field: its Chinese name where known (阶段第2项的开始时间), then the message. The
 * path (`phases[1].start`) is for machines and stays out of sight, in `data-path`.
 */
export function IssueList({ issues, testId }: { issues: { path: string; message: string }[]; testId?: string }) {
  const { t, language } = useI18n();
  return (
    <ul className="issues" data-testid={testId}>
      {issues.map((issue, i) => {
        const label = issueLabel(issue, language);
        return (
          <li key={`${issue.path}-${i}`} data-testid="plan-error" data-path={issue.path}>
            {label && <span className="issue-field">{t('error.field', { field: label })}</span>}
            <span className="issue-message">{issue.message}</span>
          </li>
        );
      })}
    </ul>
  );
}
