// 导出: the real-name ledger (实名登记管理台账) of a county, and the mobilisation list (待动员名单,
// one sheet per village) of any unit, as XLSX from one run. Unit codes only in the address.
import { useState } from 'react';
import { hardshipHref } from '../api/hardship-api';
import { useHardshipI18n } from '../i18n';
import { BESIDE_INPUTS } from './screening-panel';

export function ExportsPanel({
  campaignId,
  runId,
  units,
}: {
  campaignId: string;
  runId: string;
  /** The campaign's region first, then its units (counties for a city plan). */
  units: { code: string; name: string }[];
}) {
  const { t } = useHardshipI18n();
  const [unit, setUnit] = useState(units[0]?.code ?? '');
  const href = (file: string) =>
    hardshipHref(campaignId, `/runs/${encodeURIComponent(runId)}/${file}${unit ? `?unit=${encodeURIComponent(unit)}` : ''}`);
  return (
    <div className="filters" data-testid="exports-panel">
      <label className="field">
        <span>{t('exports.unit')}</span>
        <select value={unit} onChange={(e) => setUnit(e.target.value)} data-testid="export-unit">
          {units.map((u) => (
            <option key={u.code} value={u.code}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <div className="field field-inline" style={BESIDE_INPUTS}>
        <a className="button nowrap" href={href('ledger.xlsx')} download data-testid="export-ledger">
          {t('exports.ledger')}
        </a>
        <a className="button nowrap" href={href('mobilisation.xlsx')} download data-testid="export-mobilisation">
          {t('exports.mobilisation')}
        </a>
        <a className="button nowrap" href={href('budget.xlsx')} download data-testid="export-budget">
          {t('exports.budget')}
        </a>
      </div>
    </div>
  );
}
