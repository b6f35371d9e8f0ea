// The tax bureau's per-person payment feed (逐人缴费明细) and what it says of each roster person.
//
// Delivery semantics: each delivery is a YEAR-TO-DATE SNAPSHOT of the campaign year's deductions (every
// row since the year's collection began, one row per deduction). The newest stored delivery is the
// truth; the previous one is superseded whole. So a file delivered twice is the same import (its id is
// made from the file's sha256 and the column choices) and changes nothing; a refused delivery (any bad
// row) stores nothing and the previous delivery stays current; a lost weekly delivery is healed by the
// next one. Only successful deductions (扣费成功) count as paid (seed 001: verification counts only
// successful deductions in the tax system); a refund (退费) cancels one successful deduction.

import { memo } from './memo';

export const PAYMENT_CHANNELS = ['mobile', 'bank', 'hall', 'government'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];
export const PAYMENT_CHANNEL_ZH: Record<PaymentChannel, string> = { mobile: '手机', bank: '银行批扣', hall: '办税服务厅', government: '政府代缴' };

const CHANNEL_TEXT: Record<string, PaymentChannel> = {
  手机: 'mobile',
  手机缴费: 'mobile',
  微信: 'mobile',
  支付宝: 'mobile',
  粤税通: 'mobile',
  移动端: 'mobile',
  mobile: 'mobile',
  银行批扣: 'bank',
  银行代扣: 'bank',
  批扣: 'bank',
  bank: 'bank',
  办税服务厅: 'hall',
  办税厅: 'hall',
  柜台: 'hall',
  hall: 'hall',
  政府代缴: 'government',
  代缴: 'government',
  government: 'government',
};

export const DEDUCTION_STATUSES = ['success', 'failed', 'refund'] as const;
export type DeductionStatus = (typeof DEDUCTION_STATUSES)[number];
export const DEDUCTION_STATUS_ZH: Record<DeductionStatus, string> = { success: '扣费成功', failed: '扣费失败', refund: '退费' };
const STATUS_TEXT: Record<string, DeductionStatus> = {
  扣费成功: 'success',
  成功: 'success',
  已扣费: 'success',
  success: 'success',
  扣费失败: 'failed',
  失败: 'failed',
  未扣费: 'failed',
  failed: 'failed',
  退费: 'refund',
  已退费: 'refund',
  refund: 'refund',
};

const squash = (t: string) => t.normalize('NFKC').replace(/\s/g, '').toLowerCase();

/** 渠道 as the bureau writes it; null if unknown (the import names the row). */
export const parseChannel: (text: string) => PaymentChannel | null = memo((text) => CHANNEL_TEXT[squash(text)] ?? null);
/** 状态; null if unknown. */
export const parseDeductionStatus: (text: string) => DeductionStatus | null = memo((text) => STATUS_TEXT[squash(text)] ?? null);
/** 缴费年度: "2023", "2023年"; null if unreadable. */
export const parsePayYear: (text: string) => number | null = memo((text) => {
  const m = /^(\d{4})年?(度)?$/.exec(squash(text));
  return m ? Number(m[1]) : null;
});

/**
 * What the feed says of one roster person for the campaign year, decided in SQL (services/payments.ts)
 * from their deductions, in this order: successful deductions (net of refunds) registered in a region not
 * containing their village: paid-elsewhere; otherwise paid through 政府代缴: government-paid; otherwise
 * paid; no net success but a failed deduction: failed; only refunds: refunded; nothing: unpaid. Someone
 * with a net successful deduction who is not on the roster is `not-in-roster` (listed for follow-up).
 */
export const PERSON_PAYMENT_STATUSES = ['paid', 'government-paid', 'paid-elsewhere', 'failed', 'refunded', 'unpaid', 'not-in-roster'] as const;
export type PersonPaymentStatus = (typeof PERSON_PAYMENT_STATUSES)[number];
export const PERSON_PAYMENT_STATUS_ZH: Record<PersonPaymentStatus, string> = {
  paid: '已缴费',
  'government-paid': '政府代缴',
  'paid-elsewhere': '已缴费（在外地参保）',
  failed: '扣费失败',
  refunded: '已退费',
  unpaid: '未缴费',
  'not-in-roster': '已缴费但不在花名册',
};
/** The statuses that count in a village's verified figures (successful deductions registered there). */
export const VERIFIED_STATUSES: readonly PersonPaymentStatus[] = ['paid', 'government-paid'];
/** The 已缴 register; everything else of the roster is the 未缴 register. */
export const PAID_REGISTER: readonly PersonPaymentStatus[] = ['paid', 'government-paid', 'paid-elsewhere'];

/**
 * A region code's significant prefix, for "does this region contain that village": trailing zero pairs
 * of a 6-digit code (440700 city → 4407, 440000 province → 44), trailing zero triplets of a 9/12-digit
 * one (440703001000 → 440703001).
 */
export function regionPrefix(code: string): string {
  if (code.length === 6) return code.replace(/(00)+$/, '') || code;
  return code.replace(/(000)+$/, '') || code;
}

/** A name masked for lists: 张*明 (first and last character kept), 张* for two characters. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** A village clerk's recorded outcome of a visit to an unpaid person (走访结果). */
export const VISIT_OUTCOMES = ['visited', 'promised', 'refused', 'moved-away', 'deceased', 'studying'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];
export const VISIT_OUTCOME_ZH: Record<VisitOutcome, string> = {
  visited: '已走访',
  promised: '承诺缴费',
  refused: '拒绝参保',
  'moved-away': '已迁出',
  deceased: '已死亡',
  studying: '在校学生',
};
