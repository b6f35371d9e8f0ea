import { formatRate } from '../../lib/format';
import { useI18n } from '../../lib/i18n';

/** A bar for actual/target; without a target only the dash shows. Over 100% is drawn full. */
export function ProgressBar({ value, compact = false }: { value: number | null; compact?: boolean }) {
  const { language, t } = useI18n();
  if (value === null) return <span className="muted">{t('common.noTarget')}</span>;
  const width = Math.max(0, Math.min(1, value)) * 100;
  return (
    <span className={compact ? 'progress progress-compact' : 'progress'}>
      <span className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(value * 100)}>
        <span className={value >= 1 ? 'progress-fill progress-full' : 'progress-fill'} style={{ width: `${width}%` }} />
      </span>
      <span className="progress-label">{formatRate(value, language)}</span>
    </span>
  );
}
