// 走访动员情况 beside the unit's figures: people visited and each outcome (the latest visit per person),
// summed over the unit's villages. Nothing when no clerk has recorded a visit yet.
import { VISIT_OUTCOMES } from '../../../../../domain/payments';
import { formatNumber } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useMobilisation } from '../api/mobilisation';
import { outcomeKey, usePaymentsI18n } from '../i18n';

export function UnitMobilisationCard({ campaignId, unitCode }: { campaignId: string; unitCode: string }) {
  const { t } = usePaymentsI18n();
  const { language } = useI18n();
  const query = useMobilisation(campaignId, unitCode);
  if (!query.data || query.data.people === 0) return null;
  const m = query.data;
  return (
    <section className="card" data-testid="unit-mobilisation">
      <h2>{t('mobilisation.heading')}</h2>
      <dl style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(7rem, 1fr))', gap: '0.5rem', margin: 0 }}>
        <div>
          <dt className="small muted">{t('mobilisation.people')}</dt>
          <dd style={{ margin: 0, fontSize: '1.25rem' }} data-testid="mobilisation-people">
            {formatNumber(m.people, language)}
          </dd>
        </div>
        {VISIT_OUTCOMES.map((o) => (
          <div key={o}>
            <dt className="small muted">{t(outcomeKey(o))}</dt>
            <dd style={{ margin: 0, fontSize: '1.25rem' }} data-testid={`mobilisation-${o}`}>
              {formatNumber(m.byOutcome[o], language)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="small muted">{t('mobilisation.note')}</p>
    </section>
  );
}
