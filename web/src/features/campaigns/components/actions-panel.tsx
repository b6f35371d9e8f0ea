// The official's three actions. Each asks for a reason (it goes into the action log) and shows the
// server's answer: a refusal (422) in its own words, field errors (400) by name.
import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorMessage } from '../../../components/ui/error-message';
import { deadlineMove, gapDays } from '../../../../../domain/phaseMoves';
import { localToInstant, parseLocal } from '../../../../../domain/time';
import { deadlineInputs, formatDateTimeProse, formatDeadlineProse, localDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { CampaignDetail, PhaseView } from '../../../types/api';
import { useAdvanceCampaign } from '../api/advance-campaign';
import { useAmendDeadline } from '../api/amend-deadline';
import { useCancelCampaign } from '../api/cancel-campaign';
import { isLive } from '../api/get-campaign';

export function ActionsPanel({ campaign }: { campaign: CampaignDetail }) {
  const { t } = useI18n();

  if (!isLive(campaign.status)) {
    return (
      <section className="card" data-testid="actions-panel">
        <h2>{t('actions.heading')}</h2>
        <p className="muted" data-testid="actions-closed">
          {t('actions.closed', { status: t(`campaignStatus.${campaign.status}`) })}
        </p>
      </section>
    );
  }

  return (
    <section className="card" data-testid="actions-panel">
      <h2>{t('actions.heading')}</h2>
      <div className="actions-grid">
        <AdvanceForm campaign={campaign} />
        <AmendDeadlineForm campaign={campaign} />
        <CancelForm campaign={campaign} />
      </div>
    </section>
  );
}

function ActionBox({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <div className="action-box" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

function ReasonField({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{t('actions.reason')}</span>
      <textarea
        rows={2}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={t('actions.reason.placeholder')}
        minLength={2}
        maxLength={500}
        required
        data-testid={testId}
      />
    </label>
  );
}

function Outcome({ mutation, testId }: { mutation: { isError: boolean; isSuccess: boolean; error: unknown }; testId: string }) {
  const { t } = useI18n();
  if (mutation.isError) return <ErrorMessage error={mutation.error} testId={`${testId}-error`} />;
  if (mutation.isSuccess)
    return (
      <p className="alert alert-ok" data-testid={`${testId}-ok`}>
        {t('actions.done')}
      </p>
    );
  return null;
}

function phaseName(p: PhaseView | undefined, language: string): string {
  if (!p) return '';
  return language === 'zh-CN' ? p.nameZh : p.nameEn;
}

function AdvanceForm({ campaign }: { campaign: CampaignDetail }) {
  const { t, language } = useI18n();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const advance = useAdvanceCampaign({ mutationConfig: { onSuccess: () => setReason(''), onSettled: () => setConfirming(false) } });
  const phases = [...campaign.phases].sort((a, b) => a.seq - b.seq);
  const current = phases.find((p) => p.key === campaign.currentPhaseKey);
  const next = current ? phases[phases.indexOf(current) + 1] : campaign.status === 'scheduled' ? phases[0] : undefined;
  const tz = campaign.timeZone;
  const help = current
    ? t(current === phases[phases.length - 1] ? 'actions.advance.helpLast' : 'actions.advance.help', {
        phase: phaseName(current, language),
      })
    : phases[0] && campaign.status === 'scheduled'
      ? t('actions.advance.helpStart', { phase: phaseName(phases[0], language) })
      : null;
  // What moves, said before it moves: the current phase ends now, the next starts now (earlier than
  // planned) and keeps its deadline, so it gets longer; after the last phase the campaign completes.
  const moves: string[] = [];
  if (current) moves.push(t('actions.advance.moveEnd', { phase: phaseName(current, language), deadline: formatDeadlineProse(current.deadlineAt, tz, language) }));
  if (next) {
    moves.push(
      t('actions.advance.moveStart', {
        phase: phaseName(next, language),
        start: formatDateTimeProse(next.startAt, tz, language),
        deadline: formatDeadlineProse(next.deadlineAt, tz, language),
      }),
    );
  } else if (current) moves.push(t('actions.advance.moveComplete'));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!confirming) {
      setConfirming(true);
      return;
    }
    advance.mutate({
      campaignId: campaign.id,
      data: { reason, ...(campaign.currentPhaseKey ? { expectedPhaseKey: campaign.currentPhaseKey } : {}) },
    });
  };
  return (
    <ActionBox title={t('action.advance')} testId="advance-form">
      <form onSubmit={submit}>
        {help && <p className="muted small">{help}</p>}
        <ReasonField
          value={reason}
          onChange={(v) => {
            setReason(v);
            setConfirming(false);
          }}
          testId="advance-reason"
        />
        {confirming ? (
          <div className="confirm" role="alertdialog" aria-labelledby="advance-confirm-title" data-testid="advance-confirm">
            <p id="advance-confirm-title">
              <strong>{t('actions.confirm.title')}</strong>
            </p>
            <ul data-testid="advance-moves">
              {moves.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
            <button type="submit" className="button button-primary" disabled={advance.isPending} data-testid="advance-confirm-yes">
              {advance.isPending ? t('actions.pending') : t('actions.advance.yes')}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)} data-testid="advance-confirm-no">
              {t('common.cancel')}
            </button>
          </div>
        ) : (
          <button type="submit" className="button" disabled={advance.isPending} data-testid="advance-submit">
            {advance.isPending ? t('actions.pending') : t('actions.advance.submit')}
          </button>
        )}
      </form>
      <Outcome mutation={advance} testId="advance" />
    </ActionBox>
  );
}

function AmendDeadlineForm({ campaign }: { campaign: CampaignDetail }) {
  const { t, language } = useI18n();
  const sorted = [...campaign.phases].sort((a, b) => a.seq - b.seq);
  const open = sorted.filter((p) => p.status !== 'done');
  const [phaseKey, setPhaseKey] = useState<string>('');
  const selected = open.find((p) => p.key === phaseKey) ?? open[0];
  const [date, setDate] = useState<string | null>(null);
  const [time, setTime] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [acceptGap, setAcceptGap] = useState(false);
  const edited = () => {
    setConfirming(false);
    setAcceptGap(false);
  };
  const amend = useAmendDeadline({
    mutationConfig: {
      onSuccess: () => {
        setReason('');
        setDate(null);
        setTime('');
      },
      onSettled: edited,
    },
  });

  if (!selected) {
    return (
      <ActionBox title={t('action.amend-deadline')} testId="amend-form">
        <p className="muted">{t('actions.amend.noPhase')}</p>
      </ActionBox>
    );
  }

  const tz = campaign.timeZone;
  const shownDate = date ?? deadlineInputs(selected.deadlineAt, tz).date;
  const deadline = time ? `${shownDate}T${time}` : shownDate;
  const to = parseLocal(deadline) ? localToInstant(deadline, tz, 'deadline') : null;
  const spans = sorted.map((p) => ({ key: p.key, nameZh: phaseName(p, language), startAt: Date.parse(p.startAt), deadlineAt: Date.parse(p.deadlineAt) }));
  const move = to === null ? null : deadlineMove(spans, selected.key, to);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!confirming) {
      setConfirming(true);
      return;
    }
    amend.mutate({ campaignId: campaign.id, data: { reason, phaseKey: selected.key, deadline, ...(move?.gap ? { acceptGap } : {}) } });
  };
  return (
    <ActionBox title={t('action.amend-deadline')} testId="amend-form">
      <form onSubmit={submit}>
        <label className="field">
          <span>{t('actions.amend.phase')}</span>
          <select
            value={selected.key}
            onChange={(e) => {
              setPhaseKey(e.target.value);
              setDate(null);
              setTime('');
              edited();
            }}
            data-testid="amend-phase"
          >
            {open.map((p) => (
              <option key={p.key} value={p.key}>
                {phaseName(p, language)}
              </option>
            ))}
          </select>
        </label>
        <div className="field-row">
          <label className="field">
            <span>{t('actions.amend.date')}</span>
            <input
              type="date"
              value={shownDate}
              min={localDate(Date.now(), tz)}
              onChange={(e) => {
                setDate(e.target.value);
                edited();
              }}
              required
              data-testid="amend-date"
            />
          </label>
          <label className="field">
            <span>{t('actions.amend.time')}</span>
            <input
              type="time"
              value={time}
              onChange={(e) => {
                setTime(e.target.value);
                edited();
              }}
              data-testid="amend-time"
            />
          </label>
        </div>
        <ReasonField
          value={reason}
          onChange={(v) => {
            setReason(v);
            edited();
          }}
          testId="amend-reason"
        />
        {confirming && move ? (
          <div className="confirm" role="alertdialog" aria-labelledby="amend-confirm-title" data-testid="amend-confirm">
            <p id="amend-confirm-title">
              <strong>{t('actions.confirm.title')}</strong>
            </p>
            <ul data-testid="amend-moves">
              <li>
                {t('actions.amend.moveDeadline', {
                  phase: move.phase.nameZh,
                  from: formatDeadlineProse(move.from, tz, language),
                  to: formatDeadlineProse(move.to, tz, language),
                })}
              </li>
              {move.nextStartMoved && (
                <li data-testid="amend-next-start">
                  {t('actions.amend.moveNextStart', {
                    phase: move.nextStartMoved.phase.nameZh,
                    from: formatDateTimeProse(move.nextStartMoved.from, tz, language),
                    to: formatDateTimeProse(move.nextStartMoved.to, tz, language),
                  })}
                </li>
              )}
              {!move.gap && !move.nextStartMoved && spans[spans.indexOf(move.phase) + 1] && <li>{t('actions.amend.noGap')}</li>}
            </ul>
            {move.gap && (
              <div className="alert alert-warn" data-testid="amend-gap">
                <p>
                  {t('actions.amend.gap', {
                    after: move.gap.after.nameZh,
                    before: move.gap.before.nameZh,
                    from: formatDateTimeProse(move.gap.from, tz, language),
                    to: formatDateTimeProse(move.gap.to, tz, language),
                    days: gapDays(move.gap),
                  })}
                </p>
                <label className="checkbox">
                  <input type="checkbox" checked={acceptGap} onChange={(e) => setAcceptGap(e.target.checked)} data-testid="amend-accept-gap" />
                  <span>{t('actions.amend.acceptGap')}</span>
                </label>
              </div>
            )}
            <button type="submit" className="button button-primary" disabled={amend.isPending || (!!move.gap && !acceptGap)} data-testid="amend-confirm-yes">
              {amend.isPending ? t('actions.pending') : t('actions.amend.yes')}
            </button>
            <button type="button" className="button" onClick={edited} data-testid="amend-confirm-no">
              {t('common.cancel')}
            </button>
          </div>
        ) : (
          <button type="submit" className="button" disabled={amend.isPending} data-testid="amend-submit">
            {amend.isPending ? t('actions.pending') : t('actions.amend.submit')}
          </button>
        )}
      </form>
      <Outcome mutation={amend} testId="amend" />
    </ActionBox>
  );
}

function CancelForm({ campaign }: { campaign: CampaignDetail }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const cancel = useCancelCampaign({ mutationConfig: { onSettled: () => setConfirming(false) } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!confirming) {
      setConfirming(true);
      return;
    }
    cancel.mutate({ campaignId: campaign.id, data: { reason } });
  };
  return (
    <ActionBox title={t('action.cancel')} testId="cancel-form">
      <form onSubmit={submit}>
        <ReasonField
          value={reason}
          onChange={(v) => {
            setReason(v);
            setConfirming(false);
          }}
          testId="cancel-reason"
        />
        {confirming ? (
          <div className="confirm" role="alertdialog" data-testid="cancel-confirm">
            <p>{t('actions.cancel.confirm')}</p>
            <button type="submit" className="button button-danger" disabled={cancel.isPending} data-testid="cancel-confirm-yes">
              {cancel.isPending ? t('actions.pending') : t('actions.cancel.yes')}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)} data-testid="cancel-confirm-no">
              {t('common.cancel')}
            </button>
          </div>
        ) : (
          <button type="submit" className="button button-danger-outline" data-testid="cancel-submit">
            {t('actions.cancel.submit')}
          </button>
        )}
      </form>
      <Outcome mutation={cancel} testId="cancel" />
    </ActionBox>
  );
}
