import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import type { CircularView } from '../../../types/api';
import { useApproveCircular } from '../api/approve-circular';

/** 审核发布: an official's note (the server records who signed in); the circular is then published and sent to the units. */
export function ApproveCircularForm({ campaignId, circular }: { campaignId: string; circular: CircularView }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const approve = useApproveCircular();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return setMissing(t('circular.approve.noteRequired'));
    setMissing(null);
    approve.mutate({ campaignId, data: { circularId: circular.id, note: note.trim() } });
  };
  return (
    <form className="approve-form" onSubmit={submit} noValidate data-testid="approve-form">
      <h3>{t('circular.approve.heading')}</h3>
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
