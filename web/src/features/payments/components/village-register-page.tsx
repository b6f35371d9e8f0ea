// The village clerk's page: their unpaid register (未缴费人员清册) from the tax bureau's per-person feed,
// one card per person (name and ID masked, last year's tier, the latest visit) with a button per visit
// outcome, large enough for a phone held at the door; the paid register beside it; both downloadable
// as XLSX for printing.
import { useState } from 'react';
import { VISIT_OUTCOMES } from '../../../../../domain/payments';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { registerHref, useRecordVisit, useRegister, type Register } from '../api/registers';
import { outcomeKey, statusKey, usePaymentsI18n } from '../i18n';

export function VillageRegisterPage({ campaignId, village }: { campaignId: string; village: string }) {
  const { t } = usePaymentsI18n();
  const [register, setRegister] = useState<Register>('unpaid');
  const query = useRegister(campaignId, village, register);
  const visit = useRecordVisit(campaignId, village);
  const [saved, setSaved] = useState<string | null>(null);
  // A refusal asks for its note first (it becomes the refusal evidence after repeated visits).
  const [refusing, setRefusing] = useState<string | null>(null);
  const [note, setNote] = useState('');

  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} />;
  const first = query.data.pages[0];
  const rows = query.data.pages.flatMap((p) => p.rows);
  return (
    <div data-testid="village-register">
      <div className="page-header">
        <h1>{t('page.title', { village: first.village.name })}</h1>
      </div>
      <p className="muted">{first.asOf ? t('page.intro', { asOf: first.asOf }) : t('page.noData')}</p>
      <div className="toolbar-wrap" role="tablist">
        {(['unpaid', 'paid'] as const).map((r) => (
          <button key={r} type="button" role="tab" aria-selected={register === r} className={register === r ? 'button button-primary' : 'button'} onClick={() => setRegister(r)}>
            {r === 'unpaid' ? t('tab.unpaid', { count: register === 'unpaid' ? first.total : '…' }) : t('tab.paid')}
          </button>
        ))}
        <a className="button" href={registerHref(campaignId, village, register)} download data-testid="register-download">
          {t(register === 'unpaid' ? 'download.unpaid' : 'download.paid')}
        </a>
      </div>
      {saved && (
        <div className="alert alert-ok" role="status">
          {saved}
        </div>
      )}
      {visit.isError && <ErrorMessage error={visit.error} />}
      {rows.length === 0 && <p className="muted">{t('empty')}</p>}
      <ul style={{ listStyle: 'none', padding: 0, display: 'grid', gap: '0.75rem' }}>
        {rows.map((r) => (
          <li key={r.ref} className="card" data-testid="register-person">
            <div className="card-title-row">
              <strong>{r.name}</strong>
              <span className="badge">{t(statusKey(r.status))}</span>
            </div>
            <div className="small">
              {t('col.id')}：{r.idNumber}
            </div>
            <div className="small">
              {t('col.lastYear')}：{r.lastYearTierYuan === null ? t('lastYear.none') : t('yuan', { amount: r.lastYearTierYuan })}
            </div>
            {register === 'unpaid' && (
              <>
                <div className="small muted">
                  {t('col.visit')}：{r.visit ? `${t(outcomeKey(r.visit.outcome))}（${r.visit.date}）` : t('visit.none')}
                </div>
                <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem', marginTop: '0.5rem' }}>
                  {VISIT_OUTCOMES.map((o) => (
                    <button
                      key={o}
                      type="button"
                      className={r.visit?.outcome === o ? 'button button-primary' : 'button'}
                      style={{ minHeight: '2.75rem', minWidth: '6rem' }}
                      disabled={visit.isPending}
                      onClick={() => {
                        if (o === 'refused') {
                          setRefusing(r.ref);
                          setNote('');
                          return;
                        }
                        visit.mutate({ ref: r.ref, outcome: o }, { onSuccess: () => setSaved(`${r.name} ${t('visit.saved', { outcome: t(outcomeKey(o)) })}`) });
                      }}
                      data-testid={`visit-${o}`}
                    >
                      {t(outcomeKey(o))}
                    </button>
                  ))}
                </div>
                {refusing === r.ref && (
                  <form
                    style={{ display: 'grid', gap: '0.5rem', marginTop: '0.5rem' }}
                    onSubmit={(e) => {
                      e.preventDefault();
                      visit.mutate(
                        { ref: r.ref, outcome: 'refused', note: note.trim() },
                        {
                          onSuccess: (result) => {
                            setRefusing(null);
                            const refusal = result.refusal;
                            setSaved(
                              `${r.name} ${t('visit.saved', { outcome: t(outcomeKey('refused')) })}：${
                                refusal?.recorded ? t('refusal.recorded', { visits: refusal.visits }) : t('refusal.notYet', { reason: refusal?.reason ?? '' })
                              }`,
                            );
                          },
                        },
                      );
                    }}
                    data-testid="refusal-form"
                  >
                    <label style={{ display: 'grid', gap: '0.25rem' }}>
                      {t('refusal.note')}
                      <textarea rows={3} required maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} style={{ width: '100%' }} data-testid="refusal-note" />
                    </label>
                    <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem' }}>
                      <button type="submit" className="button button-primary" style={{ minHeight: '2.75rem' }} disabled={visit.isPending || note.trim() === ''} data-testid="refusal-confirm">
                        {t('refusal.confirm')}
                      </button>
                      <button type="button" className="button" style={{ minHeight: '2.75rem' }} onClick={() => setRefusing(null)}>
                        {t('refusal.cancel')}
                      </button>
                    </div>
                  </form>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {query.hasNextPage && (
        <button type="button" className="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
          {t('more')}
        </button>
      )}
    </div>
  );
}
