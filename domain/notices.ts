// 缴费情况公示: each village's paid and unpaid registers published on its notice board, masked.
//
// Lanchen's plan (seed 000): "街道于次年2月底前落实好…缴费明细公示制度，指导各社区…做好…已缴费及未缴费
// 人员清册的个人信息保护". The plan's `notice` block names the milestone that is the 公示's deadline, which
// registers are published and how names and ID numbers are masked (个人信息保护法 Art. 6: no more than
// the purpose needs; a notice board is public). A notice is a frozen snapshot: its rows are stored masked
// when it is prepared, so a later delivery never changes what an official approved. It is published only
// after an official approves it: draft → approved → released.
// Pure: the server, the console and the tests share these rules.
import { z } from 'zod';
import { maskIdNumber } from './idNumber';
import { maskName } from './payments';

export const NOTICE_REGISTERS = ['paid', 'unpaid', 'both'] as const;
export type NoticeRegisters = (typeof NOTICE_REGISTERS)[number];

/** How names are masked: 张*明 keeps the first and last character, 张** only the surname. */
export const NAME_MASKS = ['张*明', '张**'] as const;
export type NameMask = (typeof NAME_MASKS)[number];
/** How ID numbers are masked: 前6后4 (440703********123X), 前3后4 (440***********123X), 后4 (**************123X). */
export const ID_MASKS = ['前6后4', '前3后4', '后4'] as const;
export type IdMask = (typeof ID_MASKS)[number];

export const NoticeSchema = z
  .object({
    /** The key of the milestone whose due date is the 公示's deadline (Lanchen: `publicity`, 次年2月底前). */
    milestone: z.string().trim().min(1, '应填写作为公示截止的节点键'),
    /** Which registers the notice publishes. */
    registers: z.enum(NOTICE_REGISTERS, { error: `registers 应为 ${NOTICE_REGISTERS.join('、')} 之一` }).default('both'),
    mask: z
      .object({
        name: z.enum(NAME_MASKS, { error: `姓名脱敏规则应为 ${NAME_MASKS.join('、')} 之一` }).default('张*明'),
        idNumber: z.enum(ID_MASKS, { error: `身份证号脱敏规则应为 ${ID_MASKS.join('、')} 之一` }).default('前6后4'),
      })
      .strict()
      .default({ name: '张*明', idNumber: '前6后4' }),
    /** 公示期 in calendar days from the release (the usual 7 天; 5–30). */
    days: z.number().int().min(5, '公示期应不少于 5 天').max(30, '公示期应不超过 30 天').default(7),
    /** 落款: the issuing body; absent, the village's committee (XX社区居民委员会 / XX村村民委员会). */
    issuer: z.string().trim().min(1, '落款单位不能为空').max(60, '落款单位不超过 60 字').optional(),
    /** The contact line (异议反映方式), e.g. 联系电话：0875-2123456. */
    contact: z.string().trim().min(1, '联系方式不能为空').max(120, '联系方式不超过 120 字').optional(),
  })
  .strict();
export type NoticeSpec = z.infer<typeof NoticeSchema>;

/** The rule of a plan without a `notice` block: both registers, 张*明, 前6后4, seven days. */
export const DEFAULT_NOTICE: NoticeSpec = { milestone: '', registers: 'both', mask: { name: '张*明', idNumber: '前6后4' }, days: 7 };

/** The plan-level check: the milestone named exists. */
export function checkNotice(plan: { notice?: NoticeSpec; milestones?: ReadonlyArray<{ key: string }> }, errors: Array<{ path: string; message: string }>): void {
  if (!plan.notice) return;
  const keys = (plan.milestones ?? []).map((m) => m.key);
  if (!keys.includes(plan.notice.milestone)) {
    errors.push({
      path: 'notice.milestone',
      message: keys.length ? `没有键为 ${plan.notice.milestone} 的节点（现有：${keys.join('、')}）` : `方案没有节点任务（milestones），公示截止应为其中一个节点`,
    });
  }
}

export const noticeRegisterList = (r: NoticeRegisters): Array<'paid' | 'unpaid'> => (r === 'both' ? ['paid', 'unpaid'] : [r]);

export function maskNameBy(name: string, rule: NameMask): string {
  if (rule === '张*明') return maskName(name);
  const chars = Array.from(name.trim());
  return chars.length <= 1 ? chars.join('') : chars[0] + '*'.repeat(chars.length - 1);
}

export function maskIdBy(id: string, rule: IdMask): string {
  const six = maskIdNumber(id);
  if (rule === '前6后4') return six;
  const chars = Array.from(six);
  // maskIdNumber already hid the middle of a well-formed number; the other rules hide more of its head.
  if (chars.length !== 18) return six;
  return rule === '前3后4' ? `${chars.slice(0, 3).join('')}${'*'.repeat(11)}${chars.slice(-4).join('')}` : `${'*'.repeat(14)}${chars.slice(-4).join('')}`;
}

export const NOTICE_STATES = ['draft', 'approved', 'released'] as const;
export type NoticeState = (typeof NOTICE_STATES)[number];
export const NOTICE_STATE_ZH: Record<NoticeState, string> = { draft: '草稿（待审批）', approved: '已审批（待发布）', released: '已发布' };

export const NOTICE_REGISTER_ZH: Record<'paid' | 'unpaid', string> = { paid: '已缴费人员', unpaid: '未缴费人员' };

/** 落款 by default: the village's own committee. */
export function defaultIssuer(villageName: string): string {
  if (/村$/.test(villageName)) return `${villageName}村民委员会`;
  if (/(社区|居委会|居民委员会)$/.test(villageName)) return villageName.endsWith('社区') ? `${villageName}居民委员会` : villageName;
  return `${villageName}居民委员会`;
}

export const noticeTitle = (villageName: string, year: number) => `${villageName}${year}年度城乡居民基本养老保险缴费情况公示`;

/** 2025-02-28 → 2025年2月28日 (STYLE 30: dates in prose). */
export function dateZh(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The notice's body paragraph, as a notice board says it (the contact line that follows says where to object). */
export function noticeBody(n: { year: number; asOf: string; registers: ReadonlyArray<'paid' | 'unpaid'>; periodStart: string | null; periodEnd: string | null; days: number }): string {
  const which = n.registers.map((r) => NOTICE_REGISTER_ZH[r]).join('及');
  const period = n.periodStart && n.periodEnd ? `公示期自${dateZh(n.periodStart)}至${dateZh(n.periodEnd)}` : `公示期为发布之日起${n.days}天`;
  return `根据城乡居民基本养老保险缴费明细公示制度，现将本村（居）${n.year}年度${which}名单予以公示（数据来源：税务部门逐人缴费明细，仅计扣费成功，数据截至${dateZh(n.asOf)}；姓名、身份证号已按规定脱敏）。${period}。`;
}

/** What one row says in the 缴费档次 column: the tier (or amount) for a payer, 未缴 otherwise. */
export function noticeCell(row: { register: 'paid' | 'unpaid'; status: string; tierYuan: number | null; amountYuan: number }): string {
  if (row.register === 'unpaid') return '未缴';
  const yuan = row.tierYuan ?? row.amountYuan;
  if (row.status === 'paid-elsewhere') return '已缴（在外地参保）';
  if (row.status === 'government-paid') return `${yuan}元（政府代缴）`;
  return `${yuan}元`;
}
