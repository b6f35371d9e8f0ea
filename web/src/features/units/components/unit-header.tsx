import { StatusBadge } from '../../../components/ui/status-badge';
import { TemporalLink } from '../../../components/ui/temporal-link';
import { formatDateTimeProse } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { UnitView } from '../../../types/api';

export function UnitHeader({ unit, timeZone }: { unit: UnitView; timeZone: string }) {
  const { t, language } = useI18n();
  return (
    <header className="page-header">
      <div>
        <h1 data-testid="unit-title">{unit.name}</h1>
        <p className="muted">
          {t(`level.${unit.level}`)} · <code>{unit.code}</code> ·{' '}
          {t('unit.updatedAt', { at: formatDateTimeProse(unit.updatedAt, timeZone, language) })}
        </p>
      </div>
      <div className="page-header-side">
        <StatusBadge kind="unit" status={unit.status} testId="unit-status" />
        <TemporalLink workflowId={unit.workflowId} testId="unit-temporal-link" />
      </div>
    </header>
  );
}
