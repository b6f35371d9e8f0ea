// Headline figures of a campaign or a unit against its targets.
import type { ReactNode } from 'react';
import type { Progress, Targets } from '../types/api';
import { formatCount, formatMoney, formatNumber, formatRate, formatYuan, ratio } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { ProgressBar } from './ui/progress-bar';

export function Figures({ targets, progress, testId }: { targets: Targets; progress: Progress; testId?: string }) {
  const { t, language } = useI18n();
  // 万 and 亿 on the card; the exact figure on hover.
  const n = (v: number) => formatCount(v, language);
  const exact = (v: number) => formatNumber(v, language);
  const mobileShare = progress.paid > 0 ? progress.mobilePaid / progress.paid : null;
  return (
    <div className="figures" data-testid={testId}>
      <Figure
        testId="figure-enrolled"
        label={t('figures.enrolled')}
        value={n(progress.enrolled)}
        exact={exact(progress.enrolled)}
        target={targets.enrolled === null ? null : t('figures.target', { target: n(targets.enrolled) })}
        bar={<ProgressBar value={ratio(progress.enrolled, targets.enrolled)} />}
      />
      <Figure
        testId="figure-paid"
        label={t('figures.paid')}
        value={n(progress.paid)}
        exact={exact(progress.paid)}
        target={targets.paying === null ? null : t('figures.target', { target: n(targets.paying) })}
        bar={<ProgressBar value={ratio(progress.paid, targets.paying)} />}
        note={
          targets.paymentRate === null
            ? null
            : t('figures.paymentRateTarget', { rate: formatRate(targets.paymentRate, language) })
        }
      />
      <Figure
        testId="figure-amount"
        label={t('figures.amount')}
        value={formatMoney(progress.amountYuan, language)}
        exact={t('common.yuan', { amount: formatYuan(progress.amountYuan, language) })}
      />
      <Figure
        testId="figure-mobile"
        label={t('figures.mobileShare')}
        value={mobileShare === null ? t('common.none') : formatRate(mobileShare, language)}
        target={
          targets.mobileShare === null ? null : t('figures.targetRate', { rate: formatRate(targets.mobileShare, language) })
        }
      />
      <Figure testId="figure-hardship" label={t('figures.hardship')} value={n(progress.hardshipCovered)} exact={exact(progress.hardshipCovered)} />
    </div>
  );
}

function Figure(props: {
  label: string;
  value: string;
  /** The figure in full when `value` is in 万 or 亿. */
  exact?: string;
  target?: string | null;
  bar?: ReactNode;
  note?: string | null;
  testId: string;
}) {
  return (
    <div className="figure" data-testid={props.testId}>
      <div className="figure-label">{props.label}</div>
      <div className="figure-value" title={props.exact && props.exact !== props.value ? props.exact : undefined}>
        {props.value}
      </div>
      {props.target && <div className="figure-target">{props.target}</div>}
      {props.bar && <div className="figure-bar">{props.bar}</div>}
      {props.note && <div className="figure-note muted">{props.note}</div>}
    </div>
  );
}
