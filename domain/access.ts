// Who may do what, where: the one authorization policy every API route and workflow action goes through.
// Pure (no I/O), so the server, the console (to hide buttons) and the tests share one matrix.
//
// A decision has two parts:
//   1. region: a user reaches their region's whole subtree (a county supervisor reaches the county, its
//      towns and villages, never the neighbouring county). An object outside it is answered as if it did
//      not exist (`asNotFound`), so that probing IDs reveals nothing about other regions.
//   2. role: the action must be in the role's row of the matrix below; otherwise 403.
// Region is checked first: a role that may not do something to another region's object must still get
// "not found", not "forbidden", or the difference would confirm the object exists.

export const ROLES = ['admin', 'official', 'supervisor', 'clerk', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: '系统管理员',
  official: '业务主管（市级）',
  supervisor: '督导员（县/镇）',
  clerk: '协管员（村/社区）',
  auditor: '审计/纪检',
};

export const ACTIONS = [
  /** See campaigns, units, progress, reports, escalations, circulars, deadlines, the calendar. */
  'campaign.read',
  /** Launch (and cancel) a campaign from a plan. */
  'campaign.launch',
  /** Advance a phase, move a deadline, amend the plan. */
  'campaign.phase',
  /** Submit a unit's progress report (附件1). */
  'report.submit',
  /** Answer an escalation (提醒/预警/通报/督办). */
  'escalation.respond',
  /** Approve and issue a circular (通报). */
  'circular.approve',
  /** Edit the working-day calendar (节假日/调休). */
  'calendar.edit',
  /** Upload the tax bureau's payment feed. */
  'taxfeed.import',
  /** Upload a roster or hardship list, start a screening. */
  'hardship.import',
  /** See screening results and the ledger, ID numbers masked. */
  'hardship.read',
  /** Record a refusal with its written statement. */
  'hardship.refusal',
  /** Export the real-name ledger (实名登记管理台账) and error reports, masked. */
  'hardship.export',
  /** Export a village's mobilisation list (待动员名单), masked. */
  'mobilisation.export',
  /** Record the outcome of a visit to an unpaid person (走访结果) in a village of one's region. */
  'visit.record',
  /** Show one person's full ID number: a separate, audited action. */
  'pii.unmask',
  /** Create, change, disable and unlock accounts; reset a second factor. */
  'user.manage',
  /** Search the audit log. */
  'audit.read',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What each action lets a person do, in the words a refusal uses (无权限：…不能{label}). */
export const ACTION_LABELS: Readonly<Record<Action, string>> = {
  'campaign.read': '查看活动和进度',
  'campaign.launch': '启动或撤销活动',
  'campaign.phase': '调整活动阶段（提前进入下一阶段、调整截止时间）',
  'report.submit': '报送进度',
  'escalation.respond': '签收、答复或豁免督办',
  'circular.approve': '审核发布通报',
  'calendar.edit': '修改节假日安排',
  'taxfeed.import': '导入税务缴费数据',
  'hardship.import': '导入名单或开始筛查',
  'hardship.read': '查看困难群体筛查结果',
  'hardship.refusal': '登记拒绝参保及其书面声明',
  'hardship.export': '导出实名登记台账',
  'mobilisation.export': '导出待动员名单',
  'visit.record': '登记入户走访结果',
  'pii.unmask': '查看完整身份证号',
  'user.manage': '管理用户账户',
  'audit.read': '查看审计日志',
};

/** Actions that change nothing; an auditor may do exactly these (plus audit.read). */
export const READ_ACTIONS: ReadonlySet<Action> = new Set<Action>(['campaign.read', 'hardship.read', 'hardship.export', 'mobilisation.export']);

/**
 * The matrix. Reasons, clause by clause:
 * - admin: account management and read access to operate the console, but no business writes and no
 *   bulk exports of residents' data (data minimisation, 个人信息保护法 Art. 6). No audit.read either:
 *   等保 2.0's separation of duties (三员分立) puts the audit log with an auditor, not with the
 *   administrator whose own actions it records.
 * - official (city HRSS): everything operational in their region, including launch, phases, circulars,
 *   the calendar and the tax feed.
 * - supervisor (county/town): reports, escalation answers and the whole hardship screening of their
 *   subtree (imports, results, refusals, exports).
 * - clerk (village): reads, results, refusals with evidence, the mobilisation list they work from, and
 *   the visit outcomes of their unpaid register (official and supervisor may record them too).
 * - auditor (纪工委): read-only everything in their subtree, plus the audit log.
 * - pii.unmask: official and supervisor only. They resolve individual cases (a disputed deduction, a
 *   refusal to verify, a person on two lists) that need the full number to match other departments'
 *   records. A clerk works door to door from names and masked numbers, which is enough to find a
 *   household; an auditor checks the process, and the person behind a row can be found through an
 *   official when a case needs it. Every unmask is recorded in the audit log.
 */
export const ROLE_ACTIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  admin: new Set<Action>(['campaign.read', 'hardship.read', 'user.manage']),
  official: new Set<Action>([
    'campaign.read',
    'campaign.launch',
    'campaign.phase',
    'report.submit',
    'escalation.respond',
    'circular.approve',
    'calendar.edit',
    'taxfeed.import',
    'hardship.import',
    'hardship.read',
    'hardship.refusal',
    'hardship.export',
    'mobilisation.export',
    'visit.record',
    'pii.unmask',
  ]),
  supervisor: new Set<Action>([
    'campaign.read',
    'report.submit',
    'escalation.respond',
    'hardship.import',
    'hardship.read',
    'hardship.refusal',
    'hardship.export',
    'mobilisation.export',
    'visit.record',
    'pii.unmask',
  ]),
  clerk: new Set<Action>(['campaign.read', 'hardship.read', 'hardship.refusal', 'mobilisation.export', 'visit.record']),
  auditor: new Set<Action>([...READ_ACTIONS, 'audit.read']),
};

/** Roles that must pass a second factor (TOTP) before their session may do anything. */
export const MFA_REQUIRED_ROLES: ReadonlySet<Role> = new Set<Role>(['admin', 'official']);

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
export const isAction = (v: unknown): v is Action => typeof v === 'string' && (ACTIONS as readonly string[]).includes(v);

export function roleAllows(role: Role, action: Action): boolean {
  return ROLE_ACTIONS[role]?.has(action) ?? false;
}

// ---------------------------------------------------------------------------------------------------
// Region codes
//
// Statistical division codes: 6 digits for province (440000), city (440700) and county (440703), the
// higher levels padded with zero pairs; 9 digits for a town (440703001); 12 for a village (440703001001).
// A city without counties (东莞 441900) has towns directly under it (441900003); a municipality's
// districts sit under a `xx01` block (110000 → 110100 → 110101). The prefix rule below covers all of these.

export const REGION_CODE = /^\d{6}(\d{3}){0,2}$/;

export const isRegionCode = (v: unknown): v is string => typeof v === 'string' && REGION_CODE.test(v);

/**
 * The digits every code in `code`'s subtree starts with: `44` for 440000, `4407` for 440700, `440703`
 * for 440703, the whole code for a town or village. Also what SQL filters use (`code LIKE prefix || '%'`).
 * Throws on a malformed code, so a typo never widens a filter to everything.
 */
export function regionPrefix(code: string): string {
  if (!isRegionCode(code)) throw new RangeError(`区划代码应为 6、9 或 12 位数字：${JSON.stringify(code)}`);
  if (code.length > 6) return code;
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/**
 * True when `code` is `ancestor` or lies in its subtree. 440700 contains 440703 and 440703001001;
 * 440703 does not contain 440704 or 440700. A malformed code on either side contains nothing.
 */
export function regionContains(ancestor: string, code: string): boolean {
  if (!isRegionCode(ancestor) || !isRegionCode(code)) return false;
  if (ancestor === code) return true;
  // A code is never inside one of its own descendants (a prefix would not tell 440700 from 4407xx).
  if (code.length < ancestor.length) return false;
  // With the two equal codes and the longer ancestors out of the way, a shared prefix means strictly
  // lower: a 6-digit code other than 440700 that starts with 4407 is one of its counties.
  return code.startsWith(regionPrefix(ancestor));
}

export interface Subject {
  role: Role;
  regionCode: string;
}

/**
 * A campaign is visible when either region contains the other: a county user sees the city's campaign
 * (restricted to their own subtree, see `campaignScope`), and a city user sees a county's campaign.
 */
export function campaignVisible(user: Subject, campaignRegion: string): boolean {
  return regionContains(user.regionCode, campaignRegion) || regionContains(campaignRegion, user.regionCode);
}

/**
 * The region a user's view of a campaign is restricted to: the deeper of the two regions, or null when
 * the campaign is not visible. Lists, rankings and exports filter on it (`regionPrefix(scope)`).
 */
export function campaignScope(user: Subject, campaignRegion: string): string | null {
  if (regionContains(user.regionCode, campaignRegion)) return campaignRegion;
  if (regionContains(campaignRegion, user.regionCode)) return user.regionCode;
  return null;
}

/** A unit (county, town, village) is reachable only inside the user's own subtree. */
export function unitReachable(user: Subject, unitCode: string): boolean {
  return regionContains(user.regionCode, unitCode);
}

// ---------------------------------------------------------------------------------------------------
// Decisions

export type DenyReason = 'region' | 'role' | 'invalid';

export type Decision = { allow: true } | { allow: false; reason: DenyReason; asNotFound: boolean; message: string };

export interface Target {
  /** Region of the object acted on: a unit's code, a campaign's region, a user's region. */
  regionCode: string;
  /**
   * The target is a whole campaign seen from a read action: visible to users above and below its region
   * (`campaignVisible`). Writes on a campaign (launch, phases, circulars) always need containment.
   */
  campaign?: boolean;
}

const DENY_REGION = '未找到';
const DENY_ROLE = '无权限：当前角色不能办理此事项';

/**
 * Decides one action on one target. Another region's object → `asNotFound: true` (answer 404 with no
 * data); a role without the action → `asNotFound: false` (403). Anything malformed is denied.
 */
export function decide(user: Subject, action: Action, target: Target): Decision {
  if (!isRole(user.role) || !isAction(action) || !isRegionCode(user.regionCode) || !isRegionCode(target.regionCode)) {
    return { allow: false, reason: 'invalid', asNotFound: true, message: DENY_REGION };
  }
  const visible =
    target.campaign && READ_ACTIONS.has(action)
      ? campaignVisible(user, target.regionCode)
      : regionContains(user.regionCode, target.regionCode);
  if (!visible) return { allow: false, reason: 'region', asNotFound: true, message: DENY_REGION };
  if (!roleAllows(user.role, action)) return { allow: false, reason: 'role', asNotFound: false, message: DENY_ROLE };
  return { allow: true };
}

/**
 * A refusal in words for a 403 (never for a 404, which must say nothing): the role lacks the action, or
 * the object lies above the user's region (a campaign the user sees but does not own). Full-width
 * punctuation: the console shows it as it is.
 */
export function denialMessage(user: Subject, action: Action, reason: 'role' | 'region', target?: { regionCode: string; name?: string }): string {
  const role = isRole(user.role) ? ROLE_LABELS[user.role] : user.role;
  const what = isAction(action) ? ACTION_LABELS[action] : action;
  if (reason === 'role') return `无权限：您的角色“${role}”不能${what}。如确需办理，请联系有此权限的人员。`;
  const owner = target?.name || '上级单位';
  return `无权限：此活动由${owner}组织，您可以查看本辖区的进度，但${what}须由${owner}的人员办理。`;
}

// ---------------------------------------------------------------------------------------------------
// Before launch, and milestones

/**
 * The preview's warning when the plan's region is outside the user's: launching it would be refused
 * (and answered as not found, like any other region's object), so the preview says so first.
 * Null when the user's region contains the plan's.
 */
export function regionOutsideWarning(
  planRegion: { code: string; name: string },
  user: { regionCode: string },
): { code: 'region-outside-user'; message: { zh: string; en: string } } | null {
  if (regionContains(user.regionCode, planRegion.code)) return null;
  return {
    code: 'region-outside-user',
    message: {
      zh: `方案所属区域「${planRegion.name}」（${planRegion.code}）不在您的管辖区域（${user.regionCode}）之内，不能由您启动；请由该区域或其上级的业务主管启动。`,
      en: `The plan's region ${planRegion.name} (${planRegion.code}) is outside your region (${user.regionCode}): you cannot launch it; an official of that region or above can.`,
    },
  };
}

/**
 * Who may confirm a campaign's milestone done (an Update, audited): an official whose region contains
 * the campaign's. A supervisor below reports progress; the confirmation is the campaign owner's.
 */
export function canConfirmMilestone(user: Subject, campaignRegion: string): boolean {
  return user.role === 'official' && regionContains(user.regionCode, campaignRegion);
}
