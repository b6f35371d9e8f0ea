// 报送时间表预览: before launch, for each reporting level every period with its raw date and its due date after 节假日顺延. Shifted
// rows are highlighted with the reason; a year whose holiday notice is not on file is warned about
// prominently, because its due dates may still move.
import { formatDue } from '../../../lib/format';
import { useI18n, type Translate } from '../../../lib/i18n';
import type { ReportingPreviewView } from '../../../types/api';

type Level = ReportingPreviewView['levels'][number];

function describeRule(rule: Level['rule'], t: Translate): string {
  switch (rule.kind) {
    case 'days-of-month': {
      const days = Array.isArray(rule.days) ? (rule.days as number[]) : [];
      return t('preview.rule.daysOfMonth', { days: days.join('、') });
    }
    case 'weekly': {
      const d = Number(rule.weekday);
      return d >= 1 && d <= 7 ? t('preview.rule.weekly', { weekday: t(`calendar.weekday.${(d % 7) as 0 | 1 | 2 | 3 | 4 | 5 | 6}`) }) : String(rule.kind);
    }
    case 'daily':
      return t('preview.rule.daily');
    default:
      return JSON.stringify(rule);
  }
}

/** Years without a holiday notice on file: shown at the top of the preview, since those due dates may still move. */
export function CalendarWarnings({ warnings }: { warnings: ReportingPreviewView['warnings'] }) {
  const { t, language } = useI18n();
  if (warnings.length === 0) return null;
  return (
    <div className="alert alert-warn" role="alert" data-testid="reporting-warnings">
      <p>
        <strong>{t('preview.calendarWarnings')}</strong>
      </p>
      <ul>
        {warnings.map((w) => (
          <li key={`${w.code}-${w.year}`} data-code={w.code}>
            {language === 'zh-CN' ? w.message.zh : w.message.en}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ReportingPreview({ reporting, timeZone }: { reporting: ReportingPreviewView; timeZone: string }) {
  const { t, language } = useI18n();
  const text = (b: { zh: string; en: string } | null) => (b ? (language === 'zh-CN' ? b.zh : b.en) : null);
  return (
    <div className="reporting-preview" data-testid="reporting-preview">
      {reporting.levels.length === 0 && <p className="muted">{t('preview.noReporting')}</p>}
      {reporting.levels.map((l) => {
        const shifted = l.periods.filter((p) => p.shifted).length;
        return (
          <section key={l.level} data-testid={`preview-schedule-${l.level}`}>
            <h3>{t('preview.levelSchedule', { level: t(`level.${l.level}`) })}</h3>
            <p className="muted small">
              {t('preview.levelSummary', {
                rule: describeRule(l.rule, t),
                dueTime: l.dueTime,
                count: l.periods.length,
                shifted,
              })}
            </p>
            {l.periods.length === 0 ? (
              <p className="muted">{t('preview.noPeriods')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th className="num">{t('schedule.col.seq')}</th>
                      <th>{t('schedule.col.raw')}</th>
                      <th>{t('schedule.col.due')}</th>
                      <th>{t('schedule.col.shift')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {l.periods.map((p) => (
                      <tr key={p.key} className={p.shifted ? 'row-shifted' : undefined} data-testid="preview-period" data-shifted={p.shifted}>
                        <td className="num">{p.seq}</td>
                        <td className="nowrap">{p.rawDate}</td>
                        <td className="nowrap">
                          <strong>{formatDue(p.dueAt, timeZone)}</strong>
                        </td>
                        <td className="note-cell">
                          {p.shifted ? <span className="shift-reason">{text(p.reason) ?? t('schedule.shifted')}</span> : <span className="muted">{t('schedule.notShifted')}</span>}
                          {!p.calendarKnown && <div className="small warn-text">{t('schedule.calendarUnknown')}</div>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
    </div>
  );
}
