// 核查差异 on the unit page: each metric whose reported figure differed from the verified one beyond the
// plan's tolerance, with the figures, the deadline, what was answered and, for a unit that reports, a
// form to explain or correct (stacked, full width: usable on a phone at 375 px).
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { formatActor, formatDateProse, formatDeadlineProse, formatNumber, formatYuan } from '../../../lib/format';
import { useCan } from '../../../lib/auth';
import type { DiscrepancyItem } from '../../../types/api';
import { useAnswerDiscrepancy, useUnitDiscrepancies } from '../api/discrepancies';
import { useDiscrepanciesI18n, type DiscrepanciesTranslate } from '../i18n';
import type { Language } from '../../../lib/i18n';

const TONE = { open: 'danger', explained: 'info', corrected: 'info', closed: 'ok' } as const;

function value(t: DiscrepanciesTranslate, language: Language, metric: DiscrepancyItem['metric'], v: number): string {
  return metric === 'paid' ? t('persons', { n: formatNumber(v, language) }) : t('yuan', { n: formatYuan(v / 100, language) });
}

/** The report period compared, in prose (a period key ends with its raw date: `xunbao:2026-11-15`). */
function periodText(t: DiscrepanciesTranslate, language: Language, timeZone: string, period: string | null): string {
  if (period === '更正') return t('period.corrected');
  const date = period?.match(/\d{4}-\d{2}-\d{2}$/)?.[0];
  return date ? t('period.report', { date: formatDateProse(`${date}T12:00:00+08:00`, timeZone, language) }) : '—';
}

export function UnitDiscrepanciesCard({ campaignId, unitCode, timeZone }: { campaignId: string; unitCode: string; timeZone: string }) {
  const { t, language } = useDiscrepanciesI18n();
  const query = useUnitDiscrepancies(campaignId, unitCode);
  const canAnswer = useCan('report.submit');
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} />;
  const list = query.data.discrepancies;
  // A unit that never had a discrepancy shows nothing: the card is for the verification phase.
  if (list.length === 0) return null;
  return (
    <section className="card" data-testid="unit-discrepancies">
      <h2>{t('heading')}</h2>
      {list.every((d) => d.status === 'closed') && <p className="muted">{t('none')}</p>}
      <ul style={{ listStyle: 'none', padding: 0, display: 'grid', gap: '0.75rem' }}>
        {list.map((d) => (
          <li key={d.metric} className="card" data-testid={`discrepancy-${d.metric}`} data-status={d.status}>
            <div className="card-title-row">
              <strong>{t(`metric.${d.metric}`)}</strong>
              <Badge tone={TONE[d.status]}>{t(`status.${d.status}`)}</Badge>
            </div>
            <p className="small">
              {t('figures', {
                reported: value(t, language, d.metric, d.reported),
                period: periodText(t, language, timeZone, d.reportedPeriod),
                verified: value(t, language, d.metric, d.verified),
                asOf: formatDateProse(`${d.asOf}T12:00:00+08:00`, timeZone, language),
                difference: value(t, language, d.metric, d.difference),
              })}
            </p>
            {d.status === 'open' && <p className="small">{t('answerBy', { at: formatDeadlineProse(d.answerBy, timeZone, language) })}</p>}
            {d.escalatedAt && <p className="small alert alert-warn">{t('escalated', { at: formatDeadlineProse(d.escalatedAt, timeZone, language) })}</p>}
            {d.answers.length > 0 && (
              <ul className="small" data-testid="discrepancy-answers">
                {d.answers.map((a) => (
                  <li key={a.at}>
                    {a.kind === 'explain' ? t('answer.kind.explain') : t('answer.kind.correct', { value: value(t, language, d.metric, a.corrected ?? 0) })}：{a.text}
                    <span className="muted">——{t('answer.by', { actor: formatActor(a.actor, language), at: formatDeadlineProse(a.at, timeZone, language) })}</span>
                  </li>
                ))}
              </ul>
            )}
            {canAnswer && d.status !== 'closed' && <AnswerForm campaignId={campaignId} unitCode={unitCode} item={d} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AnswerForm({ campaignId, unitCode, item }: { campaignId: string; unitCode: string; item: DiscrepancyItem }) {
  const { t } = useDiscrepanciesI18n();
  const [kind, setKind] = useState<'explain' | 'correct'>('explain');
  const [text, setText] = useState('');
  const [corrected, setCorrected] = useState('');
  const answer = useAnswerDiscrepancy(campaignId, unitCode);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    answer.mutate(
      { metric: item.metric, data: { kind, text: text.trim(), ...(kind === 'correct' ? { corrected: Number(corrected) } : {}) } },
      {
        onSuccess: () => {
          setText('');
          setCorrected('');
        },
      },
    );
  };
  return (
    <form onSubmit={onSubmit} style={{ display: 'grid', gap: '0.5rem', marginTop: '0.5rem' }} data-testid="discrepancy-form">
      <div role="radiogroup" style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem' }}>
        {(['explain', 'correct'] as const).map((k) => (
          <label key={k} style={{ minHeight: '2.75rem', display: 'inline-flex', alignItems: 'center', gap: '0.25rem' }}>
            <input type="radio" name={`kind-${item.metric}`} value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`discrepancy-kind-${k}`} />
            {t(k === 'explain' ? 'answer.explain' : 'answer.correct')}
          </label>
        ))}
      </div>
      {kind === 'correct' && (
        <label style={{ display: 'grid', gap: '0.25rem' }}>
          {t(item.metric === 'paid' ? 'answer.corrected.paid' : 'answer.corrected.amount')}
          <input
            type="number"
            inputMode="decimal"
            min={0}
            step={item.metric === 'paid' ? 1 : 0.01}
            required
            value={corrected}
            onChange={(e) => setCorrected(e.target.value)}
            data-testid="discrepancy-corrected"
          />
        </label>
      )}
      <label style={{ display: 'grid', gap: '0.25rem' }}>
        {t('answer.text')}
        <textarea rows={3} required minLength={2} maxLength={500} placeholder={t('answer.textHint')} value={text} onChange={(e) => setText(e.target.value)} data-testid="discrepancy-text" style={{ width: '100%' }} />
      </label>
      {answer.isError && <ErrorMessage error={answer.error} />}
      {answer.isSuccess && (
        <div className="alert alert-ok" role="status">
          {t('answer.saved')}
        </div>
      )}
      <button type="submit" className="button button-primary" style={{ minHeight: '2.75rem' }} disabled={answer.isPending} data-testid="discrepancy-submit">
        {t('answer.submit')}
      </button>
    </form>
  );
}
