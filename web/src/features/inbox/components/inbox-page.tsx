import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import { RegionPicker } from '../../regions/components/region-picker';
import { InboxList } from './inbox-list';

const CODE = /^\d{2,15}$/;

/** 通知: pick a unit by its region code and read what was sent to it. */
export function InboxPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const recipient = CODE.test(params.get('recipient') ?? '') ? params.get('recipient')! : '';
  const [input, setInput] = useState(recipient);
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = input.trim();
    if (!CODE.test(v)) return setInvalid(true);
    setInvalid(false);
    setParams({ recipient: v });
  };
  return (
    <>
      <form className="card toolbar" onSubmit={submit} data-testid="inbox-form">
        <label className="field">
          <span>{t('inbox.recipient')}</span>
          <RegionPicker value={input} onChange={setInput} acceptCode={(c) => CODE.test(c)} testId="inbox-recipient" />
          {invalid && <span className="field-error">{t('escalation.filter.regionInvalid')}</span>}
        </label>
        <button type="submit" className="button button-primary" data-testid="inbox-submit">
          {t('inbox.show')}
        </button>
      </form>
      {recipient ? (
        <section className="card">
          <h2>{t('inbox.for', { recipient })}</h2>
          <InboxList recipient={recipient} limit={100} />
        </section>
      ) : (
        <p className="muted">{t('inbox.pick')}</p>
      )}
    </>
  );
}
