// 核查验收: a unit's reported figures against the verified ones from the tax bureau's per-person feed.
//
// Seed 001: in the verification phase (核查验收阶段) "the city inspects, verifies counts, finds gaps";
// enrolment counts are the successful deductions in the tax system. So while the plan's verification
// phase runs, every unit with a report of its own is compared, per metric, with its verified figure:
// - `paid` (实缴人数): the reported 缴费人数 against the verified head count;
// - `amount` (实缴金额): the reported amount against the verified amount (in fen, exact).
// A difference beyond the plan's tolerance (`verification.tolerance`) opens a discrepancy (差异) the unit
// must answer within `answerWithinWorkingDays` working days (the official calendar, 节假日顺延): explain
// it in words, or correct the figure. Unanswered at that instant, it goes one rung up to the parent unit.
// The tolerance is per metric: `persons` (absolute head count) for `paid`, `amountYuan` for `amount`,
// and `share` (of the verified figure) for either metric that has no absolute tolerance. A metric with no
// applicable tolerance is not compared. The difference is allowed when |reported − verified| ≤ allowed.
import { z } from 'zod';
import { addWorkingDays, type WorkingCalendar } from './calendar';
import { dueInstant, localDateOf } from './time';

export const DISCREPANCY_METRICS = ['paid', 'amount'] as const;
export type DiscrepancyMetric = (typeof DISCREPANCY_METRICS)[number];
export const DISCREPANCY_METRIC_ZH: Record<DiscrepancyMetric, string> = { paid: '实缴人数', amount: '实缴金额' };

/** open: awaiting an answer; explained / corrected: answered; closed: now within tolerance (a later delivery or a correction). */
export const DISCREPANCY_STATUSES = ['open', 'explained', 'corrected', 'closed'] as const;
export type DiscrepancyStatus = (typeof DISCREPANCY_STATUSES)[number];
export const DISCREPANCY_STATUS_ZH: Record<DiscrepancyStatus, string> = { open: '待说明或更正', explained: '已说明', corrected: '已更正', closed: '已消除' };

export const VerificationSchema = z
  .object({
    /** The phase during which deliveries open discrepancies (核查验收阶段). */
    phase: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, '阶段键应为小写字母开头的 a-z0-9-').default('verification'),
    tolerance: z
      .object({
        share: z.number({ error: 'share 应为 0 到 1 之间的比例（如 0.02 即 2%）' }).min(0, 'share 不能为负').max(1, 'share 应不大于 1').optional(),
        persons: z.number({ error: 'persons 应为非负整数' }).int('persons 应为整数').min(0, 'persons 不能为负').optional(),
        amountYuan: z.number({ error: 'amountYuan 应为非负数' }).min(0, 'amountYuan 不能为负').optional(),
      })
      .strict()
      .refine((t) => t.share !== undefined || t.persons !== undefined || t.amountYuan !== undefined, '容差至少填写 share、persons、amountYuan 之一'),
    answerWithinWorkingDays: z.number({ error: 'answerWithinWorkingDays 应为 1 到 30 的整数' }).int('应为整数').min(1, '至少 1 个工作日').max(30, '至多 30 个工作日').default(3),
  })
  .strict();
export type Verification = z.infer<typeof VerificationSchema>;
export type Tolerance = Verification['tolerance'];

/** The difference allowed for a metric (persons, or fen for `amount`), or null when the metric is not compared. */
export function allowedDifference(metric: DiscrepancyMetric, verified: number, t: Tolerance): number | null {
  if (metric === 'paid' && t.persons !== undefined) return t.persons;
  if (metric === 'amount' && t.amountYuan !== undefined) return Math.round(t.amountYuan * 100);
  if (t.share !== undefined) return Math.abs(verified) * t.share;
  return null;
}

/** Whether `reported` differs from `verified` by more than the tolerance (false when the metric is not compared). */
export function beyondTolerance(metric: DiscrepancyMetric, reported: number, verified: number, t: Tolerance): boolean {
  const allowed = allowedDifference(metric, verified, t);
  return allowed !== null && Math.abs(reported - verified) > allowed + 1e-9;
}

/**
 * The instant an answer is due: the end (24:00) of the `n`-th working day after the day the discrepancy
 * opened, in the plan's time zone. Opened on Friday 2023-12-01 with n = 3: due at the end of Wednesday
 * 2023-12-06; a holiday in between is skipped as the calendar says.
 */
export function answerDeadline(cal: WorkingCalendar, openedAt: number, n: number, timeZone: string): number {
  const day = addWorkingDays(cal, localDateOf(openedAt, timeZone), n);
  return dueInstant(day, '24:00', timeZone);
}

/** A figure as officials read it: persons as an integer, amounts in 元 with two decimals. */
export function formatMetric(metric: DiscrepancyMetric, value: number): string {
  return metric === 'paid' ? `${value} 人` : `${(value / 100).toFixed(2)} 元`;
}
