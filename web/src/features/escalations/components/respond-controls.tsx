// 签收 / 回复 / 豁免 on one escalation. A waiver stops the whole episode (no further rungs), so it
// asks for a reason and a second click; the workflow refuses what the ladder does not allow.
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../lib/api-client';
import { useCan } from '../../../lib/auth';
import { useI18n } from '../../../lib/i18n';
import type { EscalationResponseKind, EscalationView } from '../../../types/api';
import { useRespondEscalation } from '../api/respond-escalation';

export function RespondControls({ campaignId, escalation }: { campaignId: string; escalation: EscalationView }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Exclude<EscalationResponseKind, 'acknowledge'> | null>(null);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const [done, setDone] = useState<EscalationResponseKind | null>(null);
  const respond = useRespondEscalation({
    mutationConfig: {
      onSuccess: (_r, input) => {
        setDone(input.data.kind);
        setMode(null);
        setText('');
      },
    },
  });

  const canRespond = useCan('escalation.respond');

  const s = escalation.status;
  if (s === 'waived' || !canRespond) return null;
  const canAck = s === 'open';
  const canWaive = s !== 'resolved';

  const send = (kind: EscalationResponseKind, body: string) => {
    setDone(null);
    if (!body.trim()) {
      setMissing(kind === 'waive' ? t('escalation.waive.reasonRequired') : t('escalation.answer.required'));
      return;
    }
    setMissing(null);
    respond.mutate({ campaignId, data: { escalationId: escalation.id, kind, text: body.trim() } });
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (mode) send(mode, text);
  };

  return (
    <div className="respond" data-testid="respond-controls">
      <div className="respond-buttons">
        {canAck && (
          <button
            type="button"
            className="button button-small"
            disabled={respond.isPending}
            onClick={() => send('acknowledge', t('escalation.ack.text'))}
            data-testid="escalation-ack"
          >
            {t('escalation.respond.acknowledge')}
          </button>
        )}
        <button
          type="button"
          className={mode === 'answer' ? 'button button-small active' : 'button button-small'}
          onClick={() => {
            setMode(mode === 'answer' ? null : 'answer');
            setMissing(null);
          }}
          data-testid="escalation-answer"
        >
          {t('escalation.respond.answer')}
        </button>
        {canWaive && (
          <button
            type="button"
            className={mode === 'waive' ? 'button button-small button-danger-outline active' : 'button button-small button-danger-outline'}
            onClick={() => {
              setMode(mode === 'waive' ? null : 'waive');
              setMissing(null);
            }}
            data-testid="escalation-waive"
          >
            {t('escalation.respond.waive')}
          </button>
        )}
      </div>
      {mode && (
        <form onSubmit={onSubmit} className="respond-form" noValidate>
          <label className="field">
            <span>{mode === 'waive' ? t('escalation.waive.reason') : t('escalation.answer.text')}</span>
            <textarea
              rows={2}
              maxLength={2000}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={mode === 'waive' ? t('escalation.waive.placeholder') : undefined}
              data-testid="escalation-text"
            />
          </label>
          {mode === 'waive' && <p className="small warn-text">{t('escalation.waive.warning')}</p>}
          <button type="submit" className={mode === 'waive' ? 'button button-small button-danger' : 'button button-small button-primary'} disabled={respond.isPending} data-testid="escalation-submit">
            {respond.isPending ? t('actions.pending') : mode === 'waive' ? t('escalation.waive.submit') : t('escalation.answer.submit')}
          </button>
        </form>
      )}
      {missing && (
        <p className="field-error" role="alert">
          {missing}
        </p>
      )}
      {respond.isError && (
        <p className="field-error" role="alert" data-testid="escalation-respond-error">
          {errorMessage(respond.error)}
        </p>
      )}
      {done && (
        <p className="ok-text small" role="status" data-testid="escalation-respond-ok">
          {t('escalation.respond.done', { action: t(`escalation.respond.${done}`) })}
        </p>
      )}
    </div>
  );
}
