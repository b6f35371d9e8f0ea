// Messages to one unit, newest first: a subject line, the body as sent, when, and which campaign.
import { Link } from 'react-router';
import { DEFAULT_TIME_ZONE } from '../../../../../domain/time';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { paths } from '../../../config/paths';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useInbox } from '../api/get-inbox';

export function InboxList({
  recipient,
  campaignId,
  limit,
  timeZone = DEFAULT_TIME_ZONE,
  showCampaign = true,
  testId = 'inbox',
}: {
  recipient: string;
  /** Only this campaign's messages (a unit page); all of them otherwise. */
  campaignId?: string;
  limit?: number;
  timeZone?: string;
  showCampaign?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const inbox = useInbox({ recipient, limit });
  if (inbox.isPending) return <Loading />;
  if (inbox.isError) return <ErrorMessage error={inbox.error} testId={`${testId}-error`} />;
  const messages = inbox.data.messages.filter((m) => !campaignId || m.campaignId === campaignId || m.campaignId === null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (messages.length === 0) {
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        {t('inbox.empty')}
      </p>
    );
  }
  return (
    <ul className="inbox" data-testid={testId}>
      {messages.map((m) => (
        <li key={m.id} className="inbox-item" data-testid="inbox-message" data-kind={m.kind}>
          <div className="inbox-head">
            <strong>{m.subject}</strong>
            <span className="muted small nowrap">{formatDateTime(m.createdAt, timeZone)}</span>
          </div>
          <div className="inbox-body">{m.body}</div>
          {showCampaign && m.campaignId && (
            <div className="small">
              <Link to={paths.campaign.getHref(m.campaignId)}>{t('inbox.campaign', { id: m.campaignId })}</Link>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
