// 操作记录: what officials did to the campaign, newest first, each as a sentence (who did what, to which
// phase, with what result) and the reason they gave. Phases by the plan's names, instants as dates in the
// plan's zone; never keys, epoch milliseconds or workflow ids.
import { formatActor, formatDateTime, formatDateTimeProse, formatDeadlineProse, proseDate } from '../../../lib/format';
import { useI18n, type Language, type Translate } from '../../../lib/i18n';
import type { ActionView, CampaignDetail } from '../../../types/api';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One action as a sentence, from its kind and the detail the workflow recorded with it. */
export function describeAction(a: ActionView, campaign: Pick<CampaignDetail, 'phases' | 'timeZone'>, t: Translate, language: Language): string {
  const phaseName = (key: string | null) => {
    const p = key === null ? undefined : campaign.phases.find((x) => x.key === key);
    return p ? (language === 'zh-CN' ? p.nameZh : p.nameEn) : (key ?? '');
  };
  const d = a.detail;
  const actor = formatActor(a.actor, language);
  switch (a.kind) {
    case 'launch':
      return t('log.launch', { actor, units: num(d.units) ?? 0 });
    case 'advance': {
      const from = str(d.from);
      const to = str(d.to);
      if (from && to) return t('log.advance', { actor, from: phaseName(from), to: phaseName(to) });
      if (from) return t('log.advance.last', { actor, from: phaseName(from) });
      return t('log.advance.start', { actor, to: phaseName(to) });
    }
    case 'amend-deadline': {
      const key = str(d.phaseKey);
      const from = num(d.from);
      const to = num(d.to);
      const none = t('common.none');
      let text = t('log.amend', {
        actor,
        phase: phaseName(key),
        from: from === null ? none : formatDeadlineProse(from, campaign.timeZone, language),
        to: to === null ? none : formatDeadlineProse(to, campaign.timeZone, language),
      });
      const moved = num(d.nextStartMovedTo);
      const index = campaign.phases.findIndex((p) => p.key === key);
      const next = index >= 0 ? campaign.phases[index + 1] : undefined;
      if (moved !== null && next) {
        text += t('log.amend.next', { next: phaseName(next.key), at: formatDateTimeProse(moved, campaign.timeZone, language) });
      }
      return text;
    }
    case 'cancel': {
      const key = str(d.phaseKey);
      return key ? t('log.cancel.during', { actor, phase: phaseName(key) }) : t('log.cancel', { actor });
    }
    case 'approve-circular': {
      const period = str(d.periodKey);
      return t('log.approve', { actor, period: period && /^\d{4}-\d{2}-\d{2}$/.test(period) ? proseDate(period, language) : (period ?? '') });
    }
    case 'calendar-change':
      return t('log.calendar', { actor, year: num(d.year) ?? '' });
    default:
      return t('log.other', { actor, action: t(`action.${a.kind}`) });
  }
}

export function ActionLog({ campaign }: { campaign: Pick<CampaignDetail, 'actions' | 'phases' | 'timeZone'> }) {
  const { t, language } = useI18n();
  const rows = [...campaign.actions].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <section className="card" data-testid="action-log">
      <h2>{t('log.heading')}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('log.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-stack">
            <thead>
              <tr>
                <th>{t('log.col.at')}</th>
                <th>{t('log.col.what')}</th>
                <th>{t('log.col.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid="action-row" data-kind={a.kind}>
                  <td className="nowrap" data-label={t('log.col.at')}>
                    {formatDateTime(a.at, campaign.timeZone)}
                  </td>
                  <td className="stack-block" data-label={t('log.col.what')} data-testid="action-sentence">
                    {describeAction(a, campaign, t, language)}
                  </td>
                  <td className="stack-block" data-label={t('log.col.reason')}>{a.reason ?? <span className="muted">{t('common.none')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
