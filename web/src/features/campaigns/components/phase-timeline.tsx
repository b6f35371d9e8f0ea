// The plan's calendar as one bar: each phase a segment from its start to its deadline, a marker for
// now, the current phase highlighted, and a countdown to its deadline. Times show in the plan's zone.
import { StatusBadge } from '../../../components/ui/status-badge';
import { formatDeadline, formatDeadlineProse, formatDateTime, formatStart, remaining } from '../../../lib/format';
import { useI18n, type Translate } from '../../../lib/i18n';
import { useNow } from '../../../lib/use-now';
import type { CampaignDetail, PhaseView } from '../../../types/api';

function formatRemaining(t: Translate, fromMs: number, toMs: number): string {
  const r = remaining(fromMs, toMs);
  if (r.days > 0) return t('timeline.days', { days: r.days, hours: r.hours });
  if (r.hours > 0) return t('timeline.hours', { hours: r.hours, minutes: r.minutes });
  return t('timeline.minutes', { minutes: r.minutes });
}

/** A phase that started or ended other than as planned (advanced, amended, cancelled). */
function offPlan(p: PhaseView): boolean {
  const drift = (actual: string | null, planned: string) => actual !== null && Math.abs(Date.parse(actual) - Date.parse(planned)) > 60_000;
  return drift(p.startedAt, p.startAt) || drift(p.endedAt, p.deadlineAt);
}

function currentPhase(campaign: CampaignDetail): PhaseView | undefined {
  return (
    campaign.phases.find((p) => p.status === 'active') ??
    campaign.phases.find((p) => p.key === campaign.currentPhaseKey && campaign.status === 'running')
  );
}

export function PhaseTimeline({ campaign }: { campaign: CampaignDetail }) {
  const { t, language } = useI18n();
  const now = useNow(30_000);
  const zone = campaign.timeZone;
  const phases = [...campaign.phases].sort((a, b) => a.seq - b.seq);
  if (phases.length === 0) return null;

  const startOf = (p: PhaseView) => Date.parse(p.startAt);
  const endOf = (p: PhaseView) => Date.parse(p.deadlineAt);
  const min = Math.min(...phases.map(startOf));
  const max = Math.max(...phases.map(endOf));
  const span = Math.max(1, max - min);
  const pos = (ms: number) => ((Math.min(max, Math.max(min, ms)) - min) / span) * 100;
  const name = (p: PhaseView) => (language === 'zh-CN' ? p.nameZh : p.nameEn);

  const current = currentPhase(campaign);
  let countdown: string;
  if (campaign.status === 'completed' || campaign.status === 'cancelled') {
    countdown = t('timeline.ended');
  } else if (current) {
    const deadline = endOf(current);
    countdown =
      deadline > now
        ? t('timeline.countdown', { phase: name(current), left: formatRemaining(t, now, deadline) })
        : t('timeline.overdue', { phase: name(current), at: formatDeadlineProse(current.deadlineAt, zone, language) });
  } else {
    countdown = t('timeline.untilStart', { left: formatRemaining(t, now, min) });
  }

  return (
    <section className="card" data-testid="phase-timeline">
      <div className="card-title-row">
        <h2>{t('timeline.heading')}</h2>
        <span className="muted small">{t('common.timeZone', { zone })}</span>
      </div>
      <p className="countdown" data-testid="countdown">
        {countdown}
      </p>
      <div className="timeline" aria-hidden="true">
        <div className="timeline-bar">
          {phases.map((p) => {
            const left = pos(startOf(p));
            const width = Math.max(0.5, pos(endOf(p)) - left);
            const isCurrent = current?.key === p.key;
            return (
              <div
                key={p.key}
                className={`timeline-segment phase-${p.status}${isCurrent ? ' current' : ''}`}
                style={{ left: `${left}%`, width: `${width}%` }}
                title={t('timeline.phaseTitle', { name: name(p), start: formatStart(p.startAt, zone), deadline: formatDeadline(p.deadlineAt, zone) })}
              >
                <span className="timeline-segment-label">{name(p)}</span>
              </div>
            );
          })}
          {/* Outside the plan's span (a campaign advanced early, or over) the countdown says enough. */}
          {now >= min && now <= max && (
            <div className="timeline-today" style={{ left: `${pos(now)}%` }} data-testid="today-marker">
              <span className="timeline-today-label">
                {t('timeline.today')} {formatDateTime(now, zone).slice(5, 10)}
              </span>
            </div>
          )}
        </div>
        <div className="timeline-scale">
          <span>{formatStart(phases[0].startAt, zone)}</span>
          <span>{formatDeadline(phases[phases.length - 1].deadlineAt, zone)}</span>
        </div>
      </div>
      <ol className="phase-list">
        {phases.map((p) => (
          <li
            key={p.key}
            className={current?.key === p.key ? 'phase-item current' : 'phase-item'}
            data-testid={`phase-${p.key}`}
            data-status={p.status}
            aria-current={current?.key === p.key ? 'step' : undefined}
          >
            <span className="phase-name">{name(p)}</span>
            <StatusBadge kind="phase" status={p.status} />
            <span className="muted small">
              {t('timeline.range', { start: formatStart(p.startAt, zone), deadline: formatDeadline(p.deadlineAt, zone) })}
              {p.endReason ? ` · ${t(`phaseEnd.${p.endReason}`)}` : ''}
            </span>
            {offPlan(p) && (
              <span className="muted small phase-actual">
                {t('timeline.actual', {
                  start: p.startedAt ? formatDateTime(p.startedAt, zone) : t('common.none'),
                  end: p.endedAt ? formatDateTime(p.endedAt, zone) : t('timeline.ongoing'),
                })}
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
