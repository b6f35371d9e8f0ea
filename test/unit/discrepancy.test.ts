// 核查验收 rules (domain/discrepancy.ts): the tolerance per metric, the answer deadline on the working-day
// calendar, and the plan block's validation with Chinese messages.
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../../domain/calendar';
import { answerDeadline, beyondTolerance } from '../../domain/discrepancy';
import { validatePlan, type PlanInput } from '../../domain/plan';
import { loadExample } from '../../server/campaigns/examples';

describe('tolerance', () => {
  it('uses persons for 实缴人数 and amountYuan for 实缴金额 before the share, and compares nothing without one', () => {
    expect(beyondTolerance('paid', 105, 100, { share: 0.05 })).toBe(false);
    expect(beyondTolerance('paid', 106, 100, { share: 0.05 })).toBe(true);
    expect(beyondTolerance('paid', 94, 100, { share: 0.05 })).toBe(true);
    expect(beyondTolerance('paid', 106, 100, { share: 0.05, persons: 10 })).toBe(false);
    expect(beyondTolerance('amount', 100_000 + 100_00, 100_000, { amountYuan: 100 })).toBe(false);
    expect(beyondTolerance('amount', 100_000 + 100_01, 100_000, { amountYuan: 100 })).toBe(true);
    expect(beyondTolerance('amount', 1, 999_999, { persons: 3 })).toBe(false);
    // A share of zero verified allows no difference at all.
    expect(beyondTolerance('paid', 1, 0, { share: 0.02 })).toBe(true);
  });
});

describe('answer deadline', () => {
  it('is 24:00 Beijing time of the n-th working day after the opening day, holidays skipped', () => {
    const cal = shippedCalendar();
    // Opened Friday 2023-12-01: Mon 4, Tue 5, Wed 6 → due at the end of Wednesday.
    expect(new Date(answerDeadline(cal, Date.parse('2023-12-01T10:00:00+08:00'), 3, 'Asia/Shanghai')).toISOString()).toBe('2023-12-06T16:00:00.000Z');
    // Opened Thursday 2023-09-28, before the holiday of 29 September to 6 October: the make-up working days
    // Sat 7 and Sun 8 October are the first and second working days after it.
    expect(new Date(answerDeadline(cal, Date.parse('2023-09-28T10:00:00+08:00'), 2, 'Asia/Shanghai')).toISOString()).toBe('2023-10-08T16:00:00.000Z');
  });
});

describe('plan block', () => {
  const jiangmen = loadExample('jiangmen-2023') as unknown as PlanInput;
  const now = Date.parse('2023-01-01');
  it('is accepted in the example plan, with defaults', () => {
    const r = validatePlan({ ...jiangmen, verification: { tolerance: { persons: 3 } } }, now);
    expect(r.ok && r.plan.verification).toEqual({ phase: 'verification', tolerance: { persons: 3 }, answerWithinWorkingDays: 3 });
  });
  it('refuses an unknown phase, an empty tolerance, a share above 1 and an unknown field, naming each', () => {
    const errors = (v: unknown) => {
      const r = validatePlan({ ...jiangmen, verification: v } as PlanInput, now);
      return r.ok ? [] : r.errors;
    };
    expect(errors({ phase: 'acceptance', tolerance: { share: 0.02 } })).toEqual([{ path: 'verification.phase', message: '没有键为 acceptance 的阶段（核查验收所在阶段）' }]);
    expect(errors({ tolerance: {} })).toEqual([{ path: 'verification.tolerance', message: '容差至少填写 share、persons、amountYuan 之一' }]);
    expect(errors({ tolerance: { share: 2 } })).toEqual([{ path: 'verification.tolerance.share', message: 'share 应不大于 1' }]);
    expect(errors({ tolerance: { share: 0.02 }, owner: 'x' })[0].path).toBe('verification');
  });
});
