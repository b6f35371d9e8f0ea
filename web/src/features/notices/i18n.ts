// The words of 缴费情况公示: zh-CN first, en second (typed against zh-CN so a missing translation fails
// the typecheck).
import { useMemo } from 'react';
import { useI18n, type Language, type MessageVars } from '../../lib/i18n';

export const noticesZhCN = {
  link: '缴费情况公示',
  'page.title': '{unit}缴费情况公示',
  'page.intro': '各村（居）已缴费及未缴费人员名单，按方案规定脱敏，经业务主管审批后发布、打印张贴。名单在编制时冻结，之后的税务数据不改变已编制的公示。',
  'page.introClerk': '已发布的本村（居）缴费情况公示，可打印张贴或下载。',
  'page.deadline': '公示截止：「{name}」应于 {due} 前完成。',
  'page.progress': '已发布 {released}／{villages} 个村（居）',
  'page.confirmed': '已于 {at} 确认完成（{actor}）',
  'prepare.village': '按当前数据编制公示',
  'prepare.batch': '为辖区各村（居）编制公示',
  'prepare.done': '已编制 {count} 份公示草稿，请预览后审批。',
  'prepare.skipped': '{village}：{reason}',
  empty: '尚无公示。',
  emptyClerk: '尚无已发布的公示。',
  version: '第{version}版',
  'state.draft': '草稿（待审批）',
  'state.approved': '已审批（待发布）',
  'state.released': '已发布',
  counts: '已缴费 {paid} 人，未缴费 {unpaid} 人；数据截至 {asOf}',
  rule: '脱敏规则：姓名 {name}，身份证号 {id}；公示期 {days} 天',
  period: '公示期：{start} 至 {end}',
  approvedBy: '审批：{actor}，{at}；意见：{note}',
  releasedBy: '发布：{actor}，{at}',
  preparedBy: '编制：{actor}，{at}',
  preview: '预览名单',
  hidePreview: '收起名单',
  print: '打印公示',
  download: '下载公示（XLSX）',
  'approve.note': '审批意见',
  'approve.placeholder': '例如：经核对，名单与税务数据一致，同意公示。',
  'approve.submit': '审批通过',
  'approve.required': '请填写审批意见（至少 2 个字）。',
  release: '发布公示',
  'release.confirm': '发布后即进入公示期，村（居）可打印张贴。确定发布？',
  'col.seq': '序号',
  'col.name': '姓名',
  'col.id': '身份证号',
  'col.cell': '缴费档次（金额）',
  'col.state': '缴费情况',
  'register.paid': '已缴费人员名单（{count}人）',
  'register.unpaid': '未缴费人员名单（{count}人）',
};

export type NoticesKey = keyof typeof noticesZhCN;

const noticesEn: Record<NoticesKey, string> = {
  link: 'Public notice of payments',
  'page.title': '{unit}: public notice of payments',
  'page.intro': 'Each village’s lists of who paid and who has not, masked as the plan says, published after an official approves them. A notice is frozen when prepared: later tax data does not change it.',
  'page.introClerk': 'Your village’s released notices, to print and post, or download.',
  'page.deadline': 'Deadline: “{name}” by {due}.',
  'page.progress': '{released} of {villages} villages released',
  'page.confirmed': 'confirmed done on {at} ({actor})',
  'prepare.village': 'Prepare from the current data',
  'prepare.batch': 'Prepare for every village below',
  'prepare.done': '{count} draft notice(s) prepared; preview and approve them.',
  'prepare.skipped': '{village}: {reason}',
  empty: 'No notices yet.',
  emptyClerk: 'No released notice yet.',
  version: 'version {version}',
  'state.draft': 'Draft (to approve)',
  'state.approved': 'Approved (to release)',
  'state.released': 'Released',
  counts: '{paid} paid, {unpaid} not paid; data as of {asOf}',
  rule: 'Masking: name {name}, ID {id}; posted for {days} days',
  period: 'Posted: {start} to {end}',
  approvedBy: 'Approved by {actor}, {at}: {note}',
  releasedBy: 'Released by {actor}, {at}',
  preparedBy: 'Prepared by {actor}, {at}',
  preview: 'Preview the lists',
  hidePreview: 'Hide the lists',
  print: 'Print',
  download: 'Download (XLSX)',
  'approve.note': 'Approval note',
  'approve.placeholder': 'e.g. Checked against the tax data; approved.',
  'approve.submit': 'Approve',
  'approve.required': 'Write an approval note (2 characters at least).',
  release: 'Release',
  'release.confirm': 'Releasing starts the posting period; the village can print it. Release?',
  'col.seq': 'No.',
  'col.name': 'Name',
  'col.id': 'ID number',
  'col.cell': 'Tier (amount)',
  'col.state': 'Payment state',
  'register.paid': 'Paid ({count})',
  'register.unpaid': 'Not paid ({count})',
};

const dictionaries: Record<Language, Record<NoticesKey, string>> = { 'zh-CN': noticesZhCN, en: noticesEn };

export type NoticesTranslate = (key: NoticesKey, vars?: MessageVars) => string;

export function useNoticesI18n(): { t: NoticesTranslate } {
  const { language } = useI18n();
  return useMemo(() => {
    const dictionary = dictionaries[language];
    const t: NoticesTranslate = (key, vars) => {
      const text = dictionary[key] ?? noticesZhCN[key];
      return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
    };
    return { t };
  }, [language]);
}
