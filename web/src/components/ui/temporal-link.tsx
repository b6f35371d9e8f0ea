import type { ReactNode } from 'react';
import { useTemporalHref } from '../../lib/app-config';
import { useI18n } from '../../lib/i18n';

/** A link to a workflow's page in Temporal UI; nothing when links are off or there is no workflow. */
export function TemporalLink({
  workflowId,
  children,
  testId,
}: {
  workflowId: string | null | undefined;
  children?: ReactNode;
  testId?: string;
}) {
  const { t } = useI18n();
  const href = useTemporalHref()(workflowId);
  if (!href) return null;
  return (
    <a
      className="temporal-link"
      href={href}
      target="_blank"
      rel="noreferrer"
      data-testid={testId}
      title={workflowId ?? undefined}
      onClick={(e) => e.stopPropagation()}
    >
      {children ?? t('common.temporal')}
    </a>
  );
}
