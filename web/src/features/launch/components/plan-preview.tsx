import { REGION_LEVELS, type RegionLevel } from '../../../../../domain/status';
import { formatCount, formatRate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { Preview } from '../../../types/api';
import { useLaunchI18n } from '../i18n';
import { CalendarWarnings, ReportingPreview } from './reporting-preview';

function isLevel(key: string): key is RegionLevel {
  return (REGION_LEVELS as readonly string[]).includes(key);
}

export function PlanPreview({ preview }: { preview: Preview }) {
  const { t, language } = useI18n();
  const { t: lt } = useLaunchI18n();
  const n = (v: number) => formatCount(v, language);
  const levels = Object.entries(preview.unitCounts).sort(
    ([a], [b]) => (isLevel(a) ? REGION_LEVELS.indexOf(a) : 99) - (isLevel(b) ? REGION_LEVELS.indexOf(b) : 99),
  );
  const targets = preview.targets;
  // What the calendar says about each phase's deadline day (a holiday, a weekend): phases are never shifted.
  const notes = new Map((preview.reporting?.phases ?? []).map((p) => [p.key, p.note]));
  return (
    <section className="card" data-testid="plan-preview">
      <h2>{t('launch.preview.heading')}</h2>
      <p data-testid="preview-plan">
        {t('launch.preview.plan', {
          title: preview.plan.title,
          year: preview.plan.year,
          region: preview.plan.regionName,
          id: preview.plan.id,
        })}{' '}
        <span className="muted small">{t('common.timeZone', { zone: preview.plan.timeZone })}</span>
      </p>

      {preview.reporting && <CalendarWarnings warnings={preview.reporting.warnings} />}

      <h3>{t('launch.preview.phases')}</h3>
      <div className="table-wrap">
        <table className="table" data-testid="preview-phases">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('launch.preview.phase.name')}</th>
              <th>{t('launch.preview.phase.start')}</th>
              <th>{t('launch.preview.phase.deadline')}</th>
              {preview.reporting && <th>{t('preview.col.calendarNote')}</th>}
            </tr>
          </thead>
          <tbody>
            {preview.phases.map((p, i) => {
              const note = notes.get(p.key) ?? null;
              return (
              <tr key={p.key} className={note ? 'row-shifted' : undefined}>
                <td>{i + 1}</td>
                <td className="nowrap" data-testid="preview-phase-name">{language === 'zh-CN' ? p.nameZh : p.nameEn}</td>
                <td className="nowrap">{p.startLocal}</td>
                <td className="nowrap">{p.deadlineLocal}</td>
                {preview.reporting && (
                  <td className="note-cell" data-testid={`phase-note-${p.key}`}>
                    {note ? (language === 'zh-CN' ? note.zh : note.en) : <span className="muted">{t('common.none')}</span>}
                  </td>
                )}
              </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div className="preview-grid">
        <div>
          <h3>{t('launch.preview.units')}</h3>
          <dl className="facts" data-testid="preview-units">
            {levels.map(([level, count]) => (
              <div key={level}>
                <dt>{isLevel(level) ? t(`level.${level}`) : level}</dt>
                <dd>{n(count)}</dd>
              </div>
            ))}
          </dl>
          <p data-testid="preview-workflows">
            {preview.workflows.count === 0
              ? lt('preview.unitsNone')
              : lt('preview.units', {
                  count: n(preview.workflows.count),
                  levels: Object.entries(preview.workflows.byLevel)
                    .filter(([, count]) => count > 0)
                    .sort(([a], [b]) => (isLevel(a) ? REGION_LEVELS.indexOf(a) : 99) - (isLevel(b) ? REGION_LEVELS.indexOf(b) : 99))
                    .map(([level, count]) => lt('preview.levelCount', { level: isLevel(level) ? t(`level.${level}`) : level, count: n(count) }))
                    .join(language === 'zh-CN' ? '，' : ', '),
                })}
          </p>
        </div>
        <div>
          <h3>{t('launch.preview.targets')}</h3>
          <dl className="facts" data-testid="preview-targets">
            <div>
              <dt>{t('figures.enrolled')}</dt>
              <dd>{targets.enrolled === null ? t('common.none') : n(targets.enrolled)}</dd>
            </div>
            <div>
              <dt>{t('figures.paid')}</dt>
              <dd>{targets.paying === null ? t('common.none') : n(targets.paying)}</dd>
            </div>
            {targets.paymentRate !== null && (
              <div>
                <dt>{t('figures.paymentRateTarget', { rate: '' }).trim()}</dt>
                <dd>{formatRate(targets.paymentRate, language)}</dd>
              </div>
            )}
            {targets.mobileShare !== null && (
              <div>
                <dt>{t('figures.mobileShare')}</dt>
                <dd>{formatRate(targets.mobileShare, language)}</dd>
              </div>
            )}
          </dl>
        </div>
      </div>

      <h3>{t('preview.reportingHeading')}</h3>
      {preview.reporting ? (
        <ReportingPreview reporting={preview.reporting} timeZone={preview.plan.timeZone} />
      ) : (
        <p className="muted" data-testid="reporting-preview-none">
          {t('preview.noReporting')}
        </p>
      )}

      <h3>{t('launch.preview.warnings')}</h3>
      {preview.warnings.length === 0 ? (
        <p className="muted">{t('launch.preview.noWarnings')}</p>
      ) : (
        <ul className="warnings" data-testid="preview-warnings">
          {preview.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
