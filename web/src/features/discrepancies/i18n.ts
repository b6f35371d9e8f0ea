// The words of 核查差异: zh-CN first, en second (typed against zh-CN so a missing translation fails the typecheck).
import { useMemo } from 'react';
import { useI18n, type Language, type MessageVars } from '../../lib/i18n';

export const discrepanciesZhCN = {
  heading: '核查差异（报送数与税务核实数）',
  none: '本单位报送数与税务核实数的差异均在方案允许范围内。',
  'metric.paid': '实缴人数',
  'metric.amount': '实缴金额',
  'status.open': '待说明或更正',
  'status.explained': '已说明',
  'status.corrected': '已更正',
  'status.closed': '已消除',
  figures: '报送 {reported}（{period}），税务核实 {verified}（数据截至 {asOf}），差异 {difference}。',
  'period.corrected': '更正后',
  'period.report': '{date}报',
  answerBy: '请于 {at} 前说明或更正。',
  escalated: '逾期未答复，已于 {at} 提请上级督促。',
  'answer.explain': '说明原因',
  'answer.correct': '更正报送数',
  'answer.text': '说明',
  'answer.textHint': '如：部分人员在报送后才扣费成功，税务数据尚未反馈。',
  'answer.corrected.paid': '更正后的实缴人数（人）',
  'answer.corrected.amount': '更正后的实缴金额（元）',
  'answer.submit': '提交答复',
  'answer.saved': '已提交答复。',
  'answer.by': '{actor}，{at}',
  'answer.kind.explain': '说明',
  'answer.kind.correct': '更正为 {value}',
  'campaign.counts': '待答复 {open} 项（其中已逾期提请上级 {escalated} 项），已说明或更正 {answered} 项，已消除 {closed} 项。',
  'campaign.check': '核查报送数与税务核实数',
  'campaign.checked': '核查完成：新开立差异 {opened} 项，更新 {updated} 项，消除 {closed} 项。',
  persons: '{n} 人',
  yuan: '{n} 元',
};

export type DiscrepanciesKey = keyof typeof discrepanciesZhCN;

const discrepanciesEn: Record<DiscrepanciesKey, string> = {
  heading: 'Verification discrepancies (reported vs verified)',
  none: 'The reported figures are within the plan’s tolerance of the verified ones.',
  'metric.paid': 'Paid persons',
  'metric.amount': 'Amount paid',
  'status.open': 'To explain or correct',
  'status.explained': 'Explained',
  'status.corrected': 'Corrected',
  'status.closed': 'Settled',
  figures: 'Reported {reported} ({period}), verified {verified} (as of {asOf}), difference {difference}.',
  'period.corrected': 'corrected',
  'period.report': 'report of {date}',
  answerBy: 'Explain or correct by {at}.',
  escalated: 'Unanswered: escalated to the parent unit on {at}.',
  'answer.explain': 'Explain',
  'answer.correct': 'Correct the figure',
  'answer.text': 'Explanation',
  'answer.textHint': 'E.g. some deductions succeeded after the report; the tax data has not caught up.',
  'answer.corrected.paid': 'Corrected paid persons',
  'answer.corrected.amount': 'Corrected amount (yuan)',
  'answer.submit': 'Send the answer',
  'answer.saved': 'Answer sent.',
  'answer.by': '{actor}, {at}',
  'answer.kind.explain': 'Explanation',
  'answer.kind.correct': 'Corrected to {value}',
  'campaign.counts': '{open} to answer ({escalated} escalated), {answered} explained or corrected, {closed} settled.',
  'campaign.check': 'Compare reported and verified figures',
  'campaign.checked': 'Checked: {opened} opened, {updated} updated, {closed} settled.',
  persons: '{n} persons',
  yuan: '¥{n}',
};

const dictionaries: Record<Language, Record<DiscrepanciesKey, string>> = { 'zh-CN': discrepanciesZhCN, en: discrepanciesEn };

export type DiscrepanciesTranslate = (key: DiscrepanciesKey, vars?: MessageVars) => string;

export function useDiscrepanciesI18n(): { t: DiscrepanciesTranslate; language: Language } {
  const { language } = useI18n();
  return useMemo(() => {
    const dictionary = dictionaries[language];
    const t: DiscrepanciesTranslate = (key, vars) => {
      const text = dictionary[key] ?? discrepanciesZhCN[key];
      return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
    };
    return { t, language };
  }, [language]);
}
