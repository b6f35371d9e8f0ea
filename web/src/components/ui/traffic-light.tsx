// 红黄蓝绿: a coloured dot always paired with its colour's name and meaning, so the light reads the
// same for colour-blind officials and on a black-and-white printout.
import { useI18n } from '../../lib/i18n';
import type { Light } from '../../types/api';

export function TrafficLight({
  light,
  lightSelf,
  detail,
  testId,
  compact = false,
}: {
  light: Light;
  /** The unit's own light; when it differs, the worse colour comes from a unit below. */
  lightSelf?: Light;
  /** Why, in a sentence (shown on hover and to screen readers). */
  detail?: string;
  testId?: string;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const fromBelow = lightSelf !== undefined && lightSelf !== light;
  const title = [
    t('light.title', { colour: t(`light.${light}.colour`), meaning: t(`light.${light}`) }),
    fromBelow ? t('light.fromBelow', { self: `${t(`light.${lightSelf}.colour`)} ${t(`light.${lightSelf}`)}` }) : '',
    detail ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span className={`light light-${light}${compact ? ' light-compact' : ''}`} data-testid={testId} data-light={light} title={title}>
      <span className="light-dot" aria-hidden="true" />
      <span className="light-colour">{t(`light.${light}.colour`)}</span>
      <span className="light-label">{t(`light.${light}`)}</span>
      {fromBelow && <span className="light-below muted small">{t('light.fromBelow.short')}</span>}
    </span>
  );
}
