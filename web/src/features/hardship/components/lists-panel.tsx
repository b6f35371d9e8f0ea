// 当前名单 and 导入记录: which version of each list the next screening will read, and every import
// with its status (a row opens its progress and errors).
import { Badge } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { formatActor, formatDateTime, formatNumber } from '../../../lib/format';
import type { CurrentListView } from '../../../types/api';
import { useImports } from '../api/get-imports';
import { useHardshipI18n } from '../i18n';
import { categoryLabelKey, IMPORT_STATUS_LABELS, IMPORT_STATUS_TONES, LIST_LABELS } from '../labels';
import { ImportTitle } from './import-progress';

export function CurrentLists({ lists, timeZone }: { lists: CurrentListView[]; timeZone: string }) {
  const { t, language } = useHardshipI18n();
  if (lists.length === 0)
    return (
      <p className="muted" data-testid="current-lists">
        {t('lists.empty')}
      </p>
    );
  return (
    <div className="table-wrap">
      <table className="table" data-testid="current-lists">
        <thead>
          <tr>
            <th>{t('lists.col.list')}</th>
            <th>{t('lists.col.department')}</th>
            <th>{t('lists.col.listDate')}</th>
            <th className="num">{t('lists.col.version')}</th>
            <th className="num">{t('lists.col.rows')}</th>
            <th>{t('lists.col.storedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {lists.map((l) => {
            const key = categoryLabelKey(l.category);
            return (
              <tr key={l.importId} data-testid="current-list" data-list={l.list} data-category={l.category ?? ''}>
                <td>{l.list === 'roster' ? t(LIST_LABELS.roster) : key ? t(key) : (l.categoryName ?? t(LIST_LABELS.hardship))}</td>
                <td>{l.department ?? t('none')}</td>
                <td>{l.listDate ?? t('none')}</td>
                <td className="num">{t('lists.version', { version: l.version })}</td>
                <td className="num" data-testid="current-list-rows">
                  {formatNumber(l.rows, language)}
                </td>
                <td className="nowrap small">{formatDateTime(l.storedAt, timeZone)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ImportHistory({
  campaignId,
  timeZone,
  selected,
  onSelect,
}: {
  campaignId: string;
  timeZone: string;
  selected: string | undefined;
  onSelect: (importId: string) => void;
}) {
  const { t, language } = useHardshipI18n();
  const query = useImports({ campaignId });
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} testId="imports-error" />;
  const imports = query.data.imports;
  if (imports.length === 0)
    return (
      <p className="muted" data-testid="import-history">
        {t('history.empty')}
      </p>
    );
  return (
    <div className="table-wrap">
      <table className="table" data-testid="import-history">
        <thead>
          <tr>
            <th>{t('history.col.at')}</th>
            <th>{t('history.col.list')}</th>
            <th>{t('history.col.file')}</th>
            <th className="num">{t('history.col.rows')}</th>
            <th className="num">{t('history.col.errors')}</th>
            <th>{t('history.col.status')}</th>
            <th>{t('history.col.actor')}</th>
          </tr>
        </thead>
        <tbody>
          {imports.map((i) => (
            <tr
              key={i.id}
              className="clickable"
              aria-selected={i.id === selected}
              style={i.id === selected ? { fontWeight: 600 } : undefined}
              onClick={() => onSelect(i.id)}
              data-testid="import-history-row"
              data-status={i.status}
            >
              <td className="nowrap small">{formatDateTime(i.createdAt, timeZone)}</td>
              <td>
                <button type="button" className="link-button" onClick={() => onSelect(i.id)}>
                  <ImportTitle view={i} />
                </button>
                {i.version !== null && <span className="muted small"> {t('lists.version', { version: i.version })}</span>}
              </td>
              <td className="small">{i.fileName}</td>
              <td className="num">{formatNumber(i.status === 'stored' || i.status === 'superseded' ? i.rowsStored : i.rowsTotal, language)}</td>
              <td className="num">{i.errorCount > 0 ? <span className="danger-text">{formatNumber(i.errorCount, language)}</span> : t('none')}</td>
              <td>
                <Badge tone={IMPORT_STATUS_TONES[i.status]} data={i.status}>
                  {t(IMPORT_STATUS_LABELS[i.status])}
                </Badge>
              </td>
              <td className="small">{formatActor(i.actor, language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
