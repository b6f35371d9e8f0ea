// Sizes and amounts as officials read them: 12.3 MB, 1,440 元 (amounts travel in fen).
import { formatAmount } from '../../lib/format';
import type { Language } from '../../lib/i18n';

export function formatBytes(bytes: number, language: Language): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatAmount(Math.round(v * 10) / 10, language)} ${units[i]}`;
}

/** Fen as a yuan figure with up to two decimals: 12000 -> "120", 12050 -> "120.5". */
export const fenAsYuan = (fen: number, language: Language) => formatAmount(fen / 100, language);
