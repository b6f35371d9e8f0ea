// 名次 as a circular writes it: 第3, or 并列第2 when units share the rank; — for a unit without a target.
import type { Translate } from '../../lib/i18n';

export function rankLabel(t: Translate, rank: number | null, tied: boolean): string {
  if (rank === null) return t('common.none');
  return tied ? t('rank.tied', { rank }) : t('rank.single', { rank });
}
