// The audit log in words (审计日志): one Chinese sentence per entry for discipline-inspection staff —
// who did what to which campaign or unit, and with what result — never an action key, a route or JSON.
// Pure: the console shows the sentences and the XLSX export writes the same ones.
import { ACTION_LABELS, isAction, isRole, ROLE_LABELS } from './access';

export interface AuditLike {
  action: string;
  result: string;
  target: string | null;
  detail: unknown;
  actorUsername: string | null;
  role: string | null;
  regionCode: string | null;
}

/** What a request did, by its method and route (the guard records `METHOD /api/...` as the target). */
const ROUTE_VERBS: ReadonlyArray<[method: string, pattern: string, verb: string]> = [
  ['POST', '/api/demo', '启动演示活动'],
  ['POST', '/api/campaigns', '启动活动'],
  ['POST', '/api/campaigns/preview', '预览工作方案'],
  ['POST', '/api/campaigns/:id/advance', '将活动提前进入下一阶段'],
  ['POST', '/api/campaigns/:id/deadline', '调整阶段截止时间'],
  ['POST', '/api/campaigns/:id/cancel', '撤销活动'],
  ['POST', '/api/campaigns/:id/units/:code/reports', '报送进度'],
  ['POST', '/api/campaigns/:id/escalations/respond', '答复督办'],
  ['POST', '/api/campaigns/:id/circulars/approve', '审核发布通报'],
  ['GET', '/api/campaigns/:id/circulars/:seq/xlsx', '导出通报表格'],
  ['GET', '/api/campaigns/:id/progress-table', '导出各单位进度表'],
  ['PUT', '/api/calendar/:year', '修改节假日安排'],
  ['POST', '/api/campaigns/:id/tax-feed', '导入税务缴费数据'],
  ['POST', '/api/campaigns/:id/discrepancies/check', '核查报送数与税务核实数的差异'],
  ['POST', '/api/campaigns/:id/units/:code/discrepancies/:metric/answer', '答复核查差异（说明或更正）'],
  ['POST', '/api/campaigns/:id/hardship/uploads', '上传困难群体名单文件'],
  ['POST', '/api/campaigns/:id/hardship/imports', '导入困难群体名单'],
  ['POST', '/api/campaigns/:id/hardship/screenings', '开始困难群体筛查'],
  ['POST', '/api/campaigns/:id/hardship/refusals', '登记拒绝参保及书面声明'],
  ['GET', '/api/campaigns/:id/hardship/refusals/:refusalId/evidence', '查看拒绝参保书面声明'],
  ['POST', '/api/campaigns/:id/hardship/runs/:runId/results/search', '查询筛查结果'],
  ['POST', '/api/campaigns/:id/hardship/runs/:runId/results/:resultId/unmask', '查看完整身份证号'],
  ['GET', '/api/campaigns/:id/hardship/runs/:runId/ledger.xlsx', '导出实名登记台账'],
  ['GET', '/api/campaigns/:id/hardship/runs/:runId/mobilisation.xlsx', '导出待动员名单'],
  ['GET', '/api/campaigns/:id/hardship/imports/:importId/errors.xlsx', '导出名单错误报告'],
  ['POST', '/api/codec/decode', '在 Temporal 界面解码工作流数据'],
  ['POST', '/api/todo/read', '标记待办'],
  ['POST', '/api/users', '创建账户'],
  ['GET', '/api/audit/xlsx', '导出审计日志'],
];

/** What an action recorded by name did (sign-in, accounts). */
const ACTION_VERBS: Readonly<Record<string, string>> = {
  login: '登录系统',
  'login.lockout': '因连续输错密码被锁定账户',
  logout: '退出登录',
  'mfa.verify': '验证动态口令',
  'mfa.enrol': '绑定动态口令',
  'mfa.lockout': '因连续输错动态口令被暂停登录',
  'password.change': '修改了自己的密码',
  'user.create': '创建账户',
  'user.update': '修改账户',
  'user.unlock': '解锁账户',
  'user.password_reset': '重置账户密码',
  'user.mfa_reset': '重置账户的动态口令',
  'user.list': '查看用户列表',
  'pii.unmask': '查看完整身份证号',
  'campaign.cancel': '撤销活动',
  'campaign.advance': '将活动提前进入下一阶段',
  'campaign.deadline': '调整阶段截止时间',
  'notice.prepare': '编制缴费情况公示',
  'notice.approve': '审批缴费情况公示',
  'notice.release': '发布缴费情况公示',
  'notice.read': '查看缴费情况公示',
  'notice.print': '打印缴费情况公示',
  'notice.download': '下载缴费情况公示',
};

/** The families an auditor filters by, in words; the value is what the API's `action` filter takes. */
export const AUDIT_ACTION_FILTERS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'login.*', label: '登录与锁定' },
  { value: 'mfa.*', label: '动态口令' },
  { value: 'logout', label: '退出登录' },
  { value: 'password.change', label: '修改密码' },
  { value: 'user.*', label: '账户管理' },
  { value: 'campaign.launch', label: '启动活动' },
  { value: 'campaign.cancel', label: '撤销活动' },
  { value: 'campaign.phase', label: '调整阶段' },
  { value: 'report.submit', label: '报送进度' },
  { value: 'discrepancy.*', label: '核查差异（核查、说明、更正）' },
  { value: 'escalation.respond', label: '答复督办' },
  { value: 'circular.approve', label: '审核发布通报' },
  { value: 'calendar.edit', label: '修改节假日安排' },
  { value: 'taxfeed.import', label: '导入税务数据' },
  { value: 'hardship.*', label: '困难群体名单与筛查' },
  { value: 'notice.*', label: '缴费情况公示' },
  { value: 'pii.unmask', label: '查看完整身份证号' },
  { value: 'authz.denied', label: '无权限被拒绝' },
  { value: 'campaign.read', label: '查看与导出' },
];

function routeOf(target: string | null): { method: string; pattern: string; params: Record<string, string> } | null {
  // The guard records `METHOD /route/:pattern`; a refusal records the address asked for (no method).
  const m = /^(?:(GET|POST|PUT|PATCH|DELETE) )?(\/\S*)$/.exec(target ?? '');
  if (!m) return null;
  for (const [method, pattern] of ROUTE_VERBS) {
    if (m[1] && method !== m[1]) continue;
    const names: string[] = [];
    const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    const hit = re.exec(m[2]);
    if (hit) return { method, pattern, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(hit[i + 1])])) };
  }
  return { method: m[1] ?? '', pattern: m[2], params: {} };
}

const verbOfRoute = (r: { method: string; pattern: string }) => ROUTE_VERBS.find(([m, p]) => m === r.method && p === r.pattern)?.[2] ?? null;

/** The object acted on, in words: 活动《…》, 单位 440703, 账户 zhang. */
function objectOf(params: Record<string, unknown>, target: string | null, names: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  const id = typeof params.id === 'string' ? params.id : null;
  if (id) parts.push(`活动《${names.get(id) ?? id}》`);
  if (typeof params.code === 'string') parts.push(`单位 ${names.get(params.code) ?? params.code}`);
  if (typeof params.year === 'string') parts.push(`${params.year}年`);
  if (typeof params.seq === 'string') parts.push(`第${params.seq}期通报`);
  if (typeof params.noticeId === 'string' || typeof params.noticeId === 'number') parts.push(`（公示编号 ${params.noticeId}）`);
  if (target?.startsWith('user:')) parts.push(`账户 ${target.slice(5)}`);
  return parts.join('');
}

/** Who: the account and its role (系统 for the command line). */
export function auditActor(row: Pick<AuditLike, 'actorUsername' | 'role'>): string {
  const role = row.role && isRole(row.role) ? ROLE_LABELS[row.role] : null;
  if (!row.actorUsername) return '系统';
  return role ? `${row.actorUsername}（${role}）` : row.actorUsername;
}

/** What was done, without who or the result (for the action column and the filter). */
export function auditWhat(row: AuditLike, names: ReadonlyMap<string, string> = new Map()): string {
  const detail = (row.detail ?? {}) as Record<string, unknown>;
  if (row.action === 'authz.denied') {
    const needs = typeof detail.needs === 'string' && isAction(detail.needs) ? ACTION_LABELS[detail.needs] : '执行此操作';
    const r = routeOf(row.target);
    const object = r ? objectOf(r.params, null, names) : '';
    return `试图${needs}${object ? `（${object}）` : ''}`;
  }
  const r = routeOf(row.target);
  const params = { ...(r?.params ?? {}), ...((detail.params as Record<string, unknown> | undefined) ?? {}) };
  const verb = ACTION_VERBS[row.action] ?? (r && verbOfRoute(r)) ?? (isAction(row.action) ? ACTION_LABELS[row.action] : '进行了一项操作');
  const object = objectOf(params, row.target, names);
  return object ? `${verb}：${object}` : verb;
}

/** The result, as the sentence ends. */
export function auditResult(row: AuditLike): string {
  const detail = (row.detail ?? {}) as Record<string, unknown>;
  if (row.result === 'success') return detail.aborted ? '未完成（下载中断）' : '成功';
  // A refusal for the object's state, not the person's rights (a 公示 not yet approved).
  if (row.result === 'denied' && typeof detail.refused === 'string') return `被拒绝（${detail.refused}）`;
  if (row.result === 'denied') return row.action === 'authz.denied' || detail.status === 403 ? '因无权限被拒绝' : '被拒绝';
  const status = typeof detail.status === 'number' ? detail.status : null;
  if (status === 400) return '失败（提交的内容有误）';
  if (status === 422) return '未执行（不符合办理条件）';
  if (status === 409) return '未执行（与当前状态冲突）';
  if (status === 503) return '失败（工作流服务暂不可用）';
  return '失败';
}

/** One sentence: 张科长（业务主管（市级））撤销活动：活动《…》，成功。 */
export function auditSentence(row: AuditLike, names: ReadonlyMap<string, string> = new Map()): string {
  return `${auditActor(row)}${auditWhat(row, names)}，${auditResult(row)}。`;
}
