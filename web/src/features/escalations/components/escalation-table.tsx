// Escalations with their "why": which rung fired for which unit, the plan's reason in words, who was
// told, what has been answered, and when the next rung falls due if nothing changes.
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { paths } from '../../../config/paths';
import { formatActor, formatDateTime, formatDue } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { EscalationView } from '../../../types/api';
import { useRegionNames } from '../../regions/api/find-regions';
import { RUNG_TONES, STATUS_FILTER_LABELS, STATUS_TONES, TRACK_LABELS } from './labels';
import { RespondControls } from './respond-controls';

export function EscalationTable({
  campaignId,
  escalations,
  timeZone,
  testId,
  emptyText,
}: {
  campaignId: string;
  escalations: EscalationView[];
  timeZone: string;
  testId: string;
  emptyText: string;
}) {
  const { t, language } = useI18n();
  // 已通知 by name where the unit is known (江海区), by code otherwise.
  const nameOf = useRegionNames(escalations.flatMap((e) => e.notified));
  if (escalations.length === 0) {
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        {emptyText}
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table escalation-table table-stack" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('escalation.col.firedAt')}</th>
            <th>{t('escalation.col.unit')}</th>
            <th>{t('escalation.col.rung')}</th>
            <th className="reason-col">{t('escalation.col.reason')}</th>
            <th>{t('escalation.col.status')}</th>
            <th>{t('escalation.col.next')}</th>
            <th>{t('escalation.col.handling')}</th>
          </tr>
        </thead>
        <tbody>
          {escalations.map((e) => (
            <tr key={e.id} data-testid="escalation-row" data-rung={e.rung} data-track={e.track} data-status={e.status} data-unit={e.unitCode}>
              <td className="nowrap" data-label={t('escalation.col.firedAt')}>
                {formatDateTime(e.firedAt, timeZone)}
              </td>
              <td data-label={t('escalation.col.unit')}>
                <Link to={paths.unit.getHref(campaignId, e.unitCode)} className="unit-name">
                  {e.unitName}
                </Link>
                <div className="muted small">
                  <code>{e.unitCode}</code> · {t(`level.${e.level}`)}
                </div>
              </td>
              <td data-label={t('escalation.col.rung')}>
                <Badge tone={RUNG_TONES[e.rung]} data={e.rung}>
                  {e.rungName}
                </Badge>
                <div className="muted small nowrap">{t(TRACK_LABELS[e.track])}</div>
              </td>
              <td className="reason-col stack-block" data-label={t('escalation.col.reason')} data-testid="escalation-reason">
                {language === 'zh-CN' ? e.reason.zh : e.reason.en}
                {e.notified.length > 0 && <div className="muted small" data-testid="escalation-notified" title={e.notified.join('、')}>{t('escalation.notified', { codes: e.notified.map((c) => nameOf(c) ?? c).join('、') })}</div>}
              </td>
              <td data-label={t('escalation.col.status')}>
                <Badge tone={STATUS_TONES[e.status]} testId="escalation-status" data={e.status}>
                  {t(STATUS_FILTER_LABELS[e.status])}
                </Badge>
                {e.resolvedAt && (
                  <div className="muted small">
                    {formatDateTime(e.resolvedAt, timeZone)}
                    {e.resolution ? ` · ${e.resolution}` : ''}
                  </div>
                )}
              </td>
              <td className="nowrap" data-label={t('escalation.col.next')}>
                {e.nextRungAt && (e.status === 'open' || e.status === 'acknowledged' || e.status === 'answered') ? (
                  formatDue(e.nextRungAt, timeZone)
                ) : (
                  <span className="muted">{t('common.none')}</span>
                )}
              </td>
              <td className="handling stack-block" data-label={t('escalation.col.handling')}>
                {e.responses.length > 0 && (
                  <ul className="responses" data-testid="escalation-responses">
                    {e.responses.map((r, i) => (
                      <li key={`${r.at}-${i}`}>
                        <strong>{t(`escalation.respond.${r.kind}`)}</strong> · {formatActor(r.actor, language)} · <span className="muted small">{formatDateTime(r.at, timeZone)}</span>
                        <div>{r.text}</div>
                      </li>
                    ))}
                  </ul>
                )}
                <RespondControls campaignId={campaignId} escalation={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
