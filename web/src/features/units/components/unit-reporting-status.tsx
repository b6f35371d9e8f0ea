// The unit's own light and what lies behind it, in words: the next report due, an overdue report, the
// pace it is expected to keep, and the tax bureau's paid figure (税务到账) beside the reported one.
import { TrafficLight } from '../../../components/ui/traffic-light';
import { formatCount, formatDateTimeProse, formatDue, formatMoney } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { UnitView } from '../../../types/api';
import { lightDetail } from './units-table';

export function UnitReportingStatus({ unit, timeZone }: { unit: UnitView; timeZone: string }) {
  const { t, language } = useI18n();
  const r = unit.reporting;
  const n = (v: number) => formatCount(v, language);
  return (
    <dl className="facts unit-status-facts" data-testid="unit-reporting-status">
      <div>
        <dt>{t('unitReporting.light')}</dt>
        <dd>
          <TrafficLight light={unit.light} lightSelf={unit.lightSelf} detail={lightDetail(unit, t, language, timeZone)} testId="unit-light" />
        </dd>
      </div>
      <div>
        <dt>{t('units.col.nextDue')}</dt>
        <dd data-testid="unit-next-due">
          {r.nextDueAt ? t('unitReporting.nextDue', { period: r.nextPeriodKey ?? '', at: formatDue(r.nextDueAt, timeZone) }) : t('common.none')}
        </dd>
      </div>
      {(r.overdue || r.paceBehind || r.targetMissed) && (
        <div>
          <dt>{t('unitReporting.attention')}</dt>
          <dd className="danger-text">{lightDetail({ ...unit, reporting: { ...r, nextDueAt: null } }, t, language, timeZone)}</dd>
        </div>
      )}
      <div>
        <dt>{t('units.col.tax')}</dt>
        <dd data-testid="unit-tax">
          {unit.tax
            ? t('unitReporting.tax', {
                paid: n(unit.tax.paid),
                amount: formatMoney(unit.tax.amountYuan, language),
                at: formatDateTimeProse(unit.tax.asOf, timeZone, language),
                reported: n(unit.progress.paid),
              })
            : t('unitReporting.noTax')}
        </dd>
      </div>
    </dl>
  );
}
