// The plan's 公示 block (domain/notices.ts): validated strictly with paths and Chinese messages, its
// milestone checked against the plan's, its masking rules applied as the notice board shows them.
import { describe, expect, it } from 'vitest';
import { loadExample } from '../../server/campaigns/examples';
import { defaultIssuer, maskIdBy, maskNameBy, noticeBody, noticeCell } from '../../domain/notices';
import { localToInstant } from '../../domain/time';
import { validatePlan, type PlanInput } from '../../domain/plan';

const lanchen = loadExample('lanchen-2024') as unknown as PlanInput & { notice: Record<string, unknown> };
const at = localToInstant('2024-05-01', 'Asia/Shanghai', 'start');
const errorsOf = (plan: unknown) => {
  const r = validatePlan(plan as PlanInput, at);
  return r.ok ? [] : r.errors;
};

describe('the plan’s notice block', () => {
  it('Lanchen’s example names its 公示 milestone, both registers, 张*明 and 前6后4, seven days', () => {
    const r = validatePlan(lanchen, at);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.plan.notice).toMatchObject({ milestone: 'publicity', registers: 'both', mask: { name: '张*明', idNumber: '前6后4' }, days: 7 });
  });

  it('defaults what it leaves out', () => {
    const r = validatePlan({ ...lanchen, notice: { milestone: 'publicity' } }, at);
    expect(r.ok && r.plan.notice).toEqual({ milestone: 'publicity', registers: 'both', mask: { name: '张*明', idNumber: '前6后4' }, days: 7 });
  });

  it('refuses an unknown field, a milestone the plan does not have, and rules it does not know, each with its path', () => {
    expect(errorsOf({ ...lanchen, notice: { ...lanchen.notice, board: '村务公开栏' } })).toEqual([expect.objectContaining({ path: 'notice' })]);
    expect(errorsOf({ ...lanchen, notice: { ...lanchen.notice, milestone: 'gongshi' } })).toEqual([{ path: 'notice.milestone', message: '没有键为 gongshi 的节点（现有：publicity）' }]);
    const { milestones: _none, ...withoutMilestones } = lanchen;
    expect(errorsOf({ ...withoutMilestones, notice: lanchen.notice })).toEqual([{ path: 'notice.milestone', message: '方案没有节点任务（milestones），公示截止应为其中一个节点' }]);
    const bad = errorsOf({ ...lanchen, notice: { ...lanchen.notice, registers: 'all', mask: { name: '*三', idNumber: '前4后4', extra: 1 }, days: 3 } });
    expect(bad.map((e) => e.path).sort()).toEqual(['notice.days', 'notice.mask', 'notice.mask.idNumber', 'notice.mask.name', 'notice.registers']);
    expect(bad.find((e) => e.path === 'notice.mask.idNumber')!.message).toContain('前6后4、前3后4、后4');
    expect(bad.find((e) => e.path === 'notice.days')!.message).toBe('公示期应不少于 5 天');
  });
});

describe('masking and wording of a notice', () => {
  const id = '44070319700312101X';
  it('masks names and ID numbers by the plan’s rule', () => {
    expect(['张三明', '冯十一', '李二', '欧阳小明'].map((n) => maskNameBy(n, '张*明'))).toEqual(['张*明', '冯*一', '李*', '欧**明']);
    expect(['张三明', '李二'].map((n) => maskNameBy(n, '张**'))).toEqual(['张**', '李*']);
    expect(maskIdBy(id, '前6后4')).toBe('440703********101X');
    expect(maskIdBy(id, '前3后4')).toBe('440***********101X');
    expect(maskIdBy(id, '后4')).toBe('**************101X');
    // A 15-digit legacy number masks to the same shape: the board does not tell the two kinds apart.
    expect(maskIdBy('440703700312101', '后4')).toBe('**************2101');
  });

  it('says the tier for a payer, 未缴 otherwise, and names the committee that issues it', () => {
    expect(noticeCell({ register: 'paid', status: 'paid', tierYuan: 300, amountYuan: 300 })).toBe('300元');
    expect(noticeCell({ register: 'paid', status: 'government-paid', tierYuan: null, amountYuan: 120 })).toBe('120元（政府代缴）');
    expect(noticeCell({ register: 'unpaid', status: 'failed', tierYuan: 240, amountYuan: 0 })).toBe('未缴');
    expect(defaultIssuer('正阳社区')).toBe('正阳社区居民委员会');
    expect(defaultIssuer('大营村')).toBe('大营村村民委员会');
    expect(noticeBody({ year: 2024, asOf: '2025-02-10', registers: ['paid', 'unpaid'], periodStart: '2025-02-20', periodEnd: '2025-02-26', days: 7 })).toBe(
      '根据城乡居民基本养老保险缴费明细公示制度，现将本村（居）2024年度已缴费人员及未缴费人员名单予以公示（数据来源：税务部门逐人缴费明细，仅计扣费成功，数据截至2025年2月10日；姓名、身份证号已按规定脱敏）。公示期自2025年2月20日至2025年2月26日。',
    );
  });
});
