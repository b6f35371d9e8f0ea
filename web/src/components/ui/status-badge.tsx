import type { CampaignStatus, PhaseStatus, UnitStatus } from '../../../../domain/status';
import { useI18n } from '../../lib/i18n';

type Props = { testId?: string } & (
  | { kind: 'campaign'; status: CampaignStatus }
  | { kind: 'phase'; status: PhaseStatus }
  | { kind: 'unit'; status: UnitStatus }
);

export function StatusBadge(props: Props) {
  const { t } = useI18n();
  const label =
    props.kind === 'campaign'
      ? t(`campaignStatus.${props.status}`)
      : props.kind === 'phase'
        ? t(`phaseStatus.${props.status}`)
        : t(`unitStatus.${props.status}`);
  return (
    <span className={`badge badge-${props.kind}-${props.status}`} data-testid={props.testId} data-status={props.status}>
      {label}
    </span>
  );
}
