// The words of the village registers (已缴/未缴人员清册) and the clerk's visit outcomes: zh-CN first,
// en second (typed against zh-CN so a missing translation fails the typecheck).
import { useMemo } from 'react';
import { useI18n, type Language, type MessageVars } from '../../lib/i18n';
import type { PersonPaymentStatus, VisitOutcome } from '../../../../domain/payments';

export const paymentsZhCN = {
  'link.register': '未缴/已缴人员清册与走访记录',
  'page.title': '{village}未缴费人员清册',
  'page.intro': '依据税务部门逐人缴费明细（仅计扣费成功），数据截至 {asOf}。姓名、身份证号已脱敏；请逐户走访并记录结果。',
  'page.noData': '税务部门尚未报送逐人缴费明细。',
  'tab.unpaid': '未缴费（{count} 人）',
  'tab.paid': '已缴费',
  'col.name': '姓名',
  'col.id': '身份证号',
  'col.status': '状态',
  'col.lastYear': '上年档次',
  'col.visit': '走访结果',
  'lastYear.none': '上年未缴',
  yuan: '{amount} 元',
  'visit.none': '尚未走访',
  'visit.saved': '已记录：{outcome}',
  'download.unpaid': '下载未缴费清册（XLSX，可打印）',
  'download.paid': '下载已缴费清册（XLSX，可打印）',
  more: '加载更多',
  empty: '本村（居）暂无人员。',
  'status.paid': '已缴费',
  'status.government-paid': '政府代缴',
  'status.paid-elsewhere': '已缴费（在外地参保）',
  'status.failed': '扣费失败',
  'status.refunded': '已退费',
  'status.unpaid': '未缴费',
  'status.not-in-roster': '不在花名册',
  'outcome.visited': '已走访',
  'outcome.promised': '承诺缴费',
  'outcome.refused': '拒绝参保',
  'outcome.moved-away': '已迁出',
  'outcome.deceased': '已死亡',
  'outcome.studying': '在校学生',
  'mobilisation.heading': '走访动员情况',
  'mobilisation.people': '已走访人数',
  'mobilisation.note': '按每人最近一次走访结果统计，含下辖各村（居）。拒绝参保经两次以上走访并填写说明的，作为拒绝参保证明计入困难群体筛查。',
  'refusal.note': '拒缴说明（必填：拒缴理由、在场人员）',
  'refusal.confirm': '登记拒绝参保',
  'refusal.cancel': '取消',
  'refusal.recorded': '已登记为拒绝参保证明（累计走访 {visits} 次）',
  'refusal.notYet': '已记录走访；{reason}',
};

export type PaymentsKey = keyof typeof paymentsZhCN;

const paymentsEn: Record<PaymentsKey, string> = {
  'link.register': 'Paid and unpaid registers, visits',
  'page.title': '{village}: residents not yet paid',
  'page.intro': 'From the tax bureau’s per-person feed (successful deductions only), as of {asOf}. Names and ID numbers are masked; visit each household and record the outcome.',
  'page.noData': 'The tax bureau has not delivered a per-person feed yet.',
  'tab.unpaid': 'Not paid ({count})',
  'tab.paid': 'Paid',
  'col.name': 'Name',
  'col.id': 'ID number',
  'col.status': 'Status',
  'col.lastYear': 'Last year’s tier',
  'col.visit': 'Visit',
  'lastYear.none': 'Not paid last year',
  yuan: '¥{amount}',
  'visit.none': 'Not visited',
  'visit.saved': 'Recorded: {outcome}',
  'download.unpaid': 'Download the unpaid register (XLSX)',
  'download.paid': 'Download the paid register (XLSX)',
  more: 'Load more',
  empty: 'Nobody here.',
  'status.paid': 'Paid',
  'status.government-paid': 'Paid by the government',
  'status.paid-elsewhere': 'Paid, registered elsewhere',
  'status.failed': 'Deduction failed',
  'status.refunded': 'Refunded',
  'status.unpaid': 'Not paid',
  'status.not-in-roster': 'Not on the roster',
  'outcome.visited': 'Visited',
  'outcome.promised': 'Promised to pay',
  'outcome.refused': 'Refused',
  'outcome.moved-away': 'Moved away',
  'outcome.deceased': 'Deceased',
  'outcome.studying': 'Student',
  'mobilisation.heading': 'Household visits',
  'mobilisation.people': 'People visited',
  'mobilisation.note': 'Each person counted once, by their latest visit, over the unit’s villages. A refusal after two or more visits, with its note, counts as the refusal evidence in hardship screening.',
  'refusal.note': 'Why they refuse, who was present (required)',
  'refusal.confirm': 'Record the refusal',
  'refusal.cancel': 'Cancel',
  'refusal.recorded': 'Recorded as refusal evidence ({visits} visits)',
  'refusal.notYet': 'Visit recorded; {reason}',
};

const dictionaries: Record<Language, Record<PaymentsKey, string>> = { 'zh-CN': paymentsZhCN, en: paymentsEn };

export type PaymentsTranslate = (key: PaymentsKey, vars?: MessageVars) => string;

export function usePaymentsI18n(): { t: PaymentsTranslate } {
  const { language } = useI18n();
  return useMemo(() => {
    const dictionary = dictionaries[language];
    const t: PaymentsTranslate = (key, vars) => {
      const text = dictionary[key] ?? paymentsZhCN[key];
      return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
    };
    return { t };
  }, [language]);
}

export const statusKey = (s: PersonPaymentStatus) => `status.${s}` as PaymentsKey;
export const outcomeKey = (o: VisitOutcome) => `outcome.${o}` as PaymentsKey;
