import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { ActionView } from '../../../types/api';

function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)}`)
    .join(' · ');
}

export function ActionLog({ actions, timeZone }: { actions: ActionView[]; timeZone: string }) {
  const { t } = useI18n();
  const rows = [...actions].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <section className="card" data-testid="action-log">
      <h2>{t('log.heading')}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('log.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{t('log.col.at')}</th>
                <th>{t('log.col.actor')}</th>
                <th>{t('log.col.kind')}</th>
                <th>{t('log.col.reason')}</th>
                <th>{t('log.col.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid="action-row" data-kind={a.kind}>
                  <td className="nowrap">{formatDateTime(a.at, timeZone)}</td>
                  <td>{a.actor}</td>
                  <td>{t(`action.${a.kind}`)}</td>
                  <td>{a.reason ?? t('common.none')}</td>
                  <td className="small muted">{describeDetail(a.detail) || t('common.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
