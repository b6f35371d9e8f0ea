// A failing field as an official reads it: the server names fields by their path (`phases[1].start`,
// `password`); the console shows the message, with the field's Chinese name in front where it is known
// (第2个阶段的开始时间) and never the raw path.
import type { Language } from './i18n';

/** Field names of requests and plans (domain/plan.ts, server request schemas), in Chinese. */
const ZH: Record<string, string> = {
  // plans
  id: '方案编号',
  title: '标题',
  year: '年度',
  region: '地区',
  code: '代码',
  name: '名称',
  zh: '中文名称',
  en: '英文名称',
  level: '层级',
  timeZone: '时区',
  phases: '阶段',
  key: '键',
  start: '开始时间',
  deadline: '截止时间',
  targets: '目标',
  enrolled: '参保人数',
  paying: '缴费人数目标',
  paymentRate: '征缴率目标',
  mobileShare: '手机缴费率目标',
  breakdownRule: '分解规则',
  breakdown: '任务分解',
  children: '下级单位',
  contributionPolicy: '缴费政策',
  tiers: '缴费档次',
  defaultTier: '默认档次',
  subsidies: '缴费补贴',
  hardship: '困难群体代缴',
  referenceDate: '年龄计算基准日',
  reporting: '报送规则',
  rule: '报送周期',
  days: '报送日',
  dueTime: '截止时刻',
  shift: '节假日顺延',
  levels: '报送层级',
  end: '结束',
  escalation: '升级阶梯',
  ladder: '升级阶梯',
  paceLadder: '进度滞后升级阶梯',
  rung: '级别',
  delayWorkingDays: '延迟工作日',
  notify: '通知对象',
  pace: '序时进度',
  curve: '进度曲线',
  share: '比例',
  date: '日期',
  paceMargin: '允许落后幅度',
  warningWindowDays: '临近截止提示天数',
  // requests
  plan: '方案',
  reason: '理由',
  actor: '操作人',
  phaseKey: '阶段',
  periodKey: '报送期',
  paid: '缴费人数',
  amountYuan: '缴费金额',
  mobilePaid: '线上缴费人数',
  hardshipCovered: '困难群体代缴人数',
  note: '备注',
  text: '内容',
  username: '账号',
  displayName: '姓名',
  role: '角色',
  regionCode: '区划代码',
  password: '密码',
  currentPassword: '当前密码',
  newPassword: '新密码',
  calendar: '节假日安排',
  holidays: '放假安排',
  makeupWorkdays: '调休上班日',
  from: '开始日期',
  to: '结束日期',
  source: '通知来源',
  docNo: '文号',
  url: '链接',
};

const TOKEN = /([^.[\]]+)|\[(\d+)\]/g;

/**
 * `phases[1].start` -> 阶段第2项的开始时间; null when the path is empty or has a name this table does
 * not know (then the message stands alone). English keeps no label: the messages carry the field.
 */
export function fieldLabel(path: string, language: Language): string | null {
  if (language !== 'zh-CN' || !path) return null;
  const parts: string[] = [];
  for (const m of path.matchAll(TOKEN)) {
    if (m[2] !== undefined) {
      if (parts.length === 0) return null;
      parts[parts.length - 1] += `第${Number(m[2]) + 1}项`;
      continue;
    }
    const label = ZH[m[1]];
    if (!label) return null;
    parts.push(label);
  }
  return parts.length > 0 ? parts.join('的') : null;
}

/** The last field's own name (`start` of `phases[1].start`), to tell whether a message already names it. */
function lastLabel(path: string): string | null {
  const names = [...path.matchAll(TOKEN)].filter((m) => m[1] !== undefined);
  const last = names[names.length - 1]?.[1];
  return last ? (ZH[last] ?? null) : null;
}

/** The words to show in front of a message, or null when the message already says which field. */
export function issueLabel(issue: { path: string; message: string }, language: Language): string | null {
  const label = fieldLabel(issue.path, language);
  if (!label) return null;
  const own = lastLabel(issue.path);
  if (own && issue.message.includes(own) && !/\[\d+\]/.test(issue.path)) return null;
  return label;
}
