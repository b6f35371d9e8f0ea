import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import type { CircularView } from '../../../types/api';
import { useApproveCircular } from '../api/approve-circular';

/** 审核发布: an official's note (the server records who signed in); the circular is then published and sent to the units. */
export function ApproveCircularForm({ campaignId, circular, regionName }: { campaignId: string; circular: CircularView; regionName: string }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  // The document's head and 落款: the city's 人社局 unless the approver names another office.
  const [issuer, setIssuer] = useState(`${regionName}人力资源和社会保障局`);
  const [docNo, setDocNo] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const approve = useApproveCircular();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return setMissing(t('circular.approve.noteRequired'));
    if (issuer.trim().length < 2) return setMissing(t('circular.approve.issuerRequired'));
    setMissing(null);
    approve.mutate({ campaignId, data: { circularId: circular.id, note: note.trim(), issuer: issuer.trim(), ...(docNo.trim() ? { docNo: docNo.trim() } : {}) } });
  };
  return (
    <form className="approve-form" onSubmit={submit} noValidate data-testid="approve-form">
      <h3>{t('circular.approve.heading')}</h3>
      <div className="field-row">
        <label className="field">
          <span>{t('circular.approve.issuer')}</span>
          <input value={issuer} maxLength={60} onChange={(e) => setIssuer(e.target.value)} data-testid="approve-issuer" />
        </label>
        <label className="field">
          <span>{t('circular.approve.docNo')}</span>
          <input value={docNo} maxLength={40} onChange={(e) => setDocNo(e.target.value)} placeholder={t('circular.approve.docNo.placeholder')} data-testid="approve-docno" />
        </label>
      </div>
      <label className="field">
        <span>{t('circular.approve.note')}</span>
        <textarea
          rows={2}
          maxLength={1000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('circular.approve.placeholder')}
          data-testid="approve-note"
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={approve.isPending} data-testid="approve-submit">
          {approve.isPending ? t('actions.pending') : t('circular.approve.submit')}
        </button>
      </div>
      {missing && (
        <p className="field-error" role="alert">
          {missing}
        </p>
      )}
      {approve.isError && <ErrorMessage error={approve.error} testId="approve-error" />}
    </form>
  );
}
