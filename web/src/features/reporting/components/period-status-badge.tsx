import { Badge, type BadgeTone } from '../../../components/ui/badge';
import { useI18n } from '../../../lib/i18n';
import type { PeriodStatus } from '../../../types/api';

const TONES: Record<PeriodStatus, BadgeTone> = {
  open: 'info',
  reported: 'ok',
  late: 'warn',
  missed: 'danger',
  withdrawn: 'muted',
};

/** 待报 / 已报 / 迟报 / 逾期未报 / 已取消. */
export function PeriodStatusBadge({ status, testId }: { status: PeriodStatus; testId?: string }) {
  const { t } = useI18n();
  return (
    <Badge tone={TONES[status]} testId={testId} data={status}>
      {t(`period.status.${status}`)}
    </Badge>
  );
}
