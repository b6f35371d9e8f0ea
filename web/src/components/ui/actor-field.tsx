import { useI18n } from '../../lib/i18n';

/** 操作人: who is acting, recorded with the report, response or approval. */
export function ActorField({
  value,
  onChange,
  testId,
  inline = false,
}: {
  value: string;
  onChange: (v: string) => void;
  testId: string;
  inline?: boolean;
}) {
  const { t } = useI18n();
  return (
    <label className={inline ? 'field field-inline' : 'field'}>
      <span>{t('actions.actor')}</span>
      <input value={value} onChange={(e) => onChange(e.target.value)} maxLength={100} required data-testid={testId} />
    </label>
  );
}
