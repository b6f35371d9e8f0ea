// Escalation ladders (升级阶梯) and the plan's escalation block: rungs with their working-day delays and
// who is notified, the pace rule (序时进度) and the metrics it judges. Schemas only; the rules that turn
// them into instants and reasons are in domain/escalation.ts and domain/targets.ts.
import { z } from 'zod';
import { localDate, rate } from './fields';
import { REPORTING_LEVELS } from './status';
import { METRICS } from './targets';

export const ESCALATION_RUNGS = ['reminder', 'warning', 'circular', 'supervision', 'accountability'] as const;
export type EscalationRung = (typeof ESCALATION_RUNGS)[number];
export const NOTIFY_TARGETS = ['unit', 'parent', 'city'] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

export const LadderSchema = z
  .array(
    z
      .object({
        rung: z.enum(ESCALATION_RUNGS),
        name: z.string().min(1),
        /** Working days after the missed due date (missed-report track) or after the lag was first seen (behind-pace track). */
        delayWorkingDays: z.number().int().nonnegative(),
        notify: z.array(z.enum(NOTIFY_TARGETS)).min(1),
      })
      .strict(),
  )
  .min(1)
  .refine((l) => l.every((r, i) => i === 0 || r.delayWorkingDays >= l[i - 1].delayWorkingDays), {
    message: '阶梯的延迟天数应逐级不减',
  });
export type Ladder = z.infer<typeof LadderSchema>;

/** 升级阶梯: the missed-report ladder, an optional separate behind-pace ladder, and the pace rule. */
export const EscalationSchema = z
  .object({
    /** The plan's ladder: the missed-report track of every stream without its own, and milestones without their own. */
    ladder: LadderSchema,
    /** Ladder of the behind-pace (序时进度) track; default: the same as `ladder`. */
    paceLadder: LadderSchema.optional(),
    pace: z
      .object({
        /** The phase over which the target is expected to be reached; default `payment`, else the last phase. */
        phase: z.string().optional(),
        /** The single count judged by plans written before `metrics` existed; absent means 缴费人数 (paying). */
        metric: z.enum(['paying', 'enrolled']).optional(),
        /** The metrics judged at each check and at the phase's deadline, in this order. */
        metrics: z
          .array(z.enum(METRICS))
          .min(1)
          .refine((m) => new Set(m).size === m.length, { message: '评判指标不应重复' })
          .optional(),
        /** Levels judged on pace even where they do not report (their figures are their children's sum); default: the levels that report. */
        levels: z.array(z.enum(REPORTING_LEVELS)).min(1).optional(),
        /** Streams whose due instants are pace checks; default: every stream that asks for reports. */
        streams: z.array(z.string()).min(1).optional(),
        /** Expected share of the target by date; linear over the phase when absent. */
        curve: z.array(z.object({ date: localDate, share: rate }).strict()).min(1).optional(),
      })
      .strict()
      .refine((p) => p.metric === undefined || p.metrics === undefined, { message: '请只写 metrics（评判指标列表），不要同时写 metric', path: ['metric'] })
      .optional(),
    paceMargin: rate.default(0.05),
    warningWindowDays: z.number().int().nonnegative().default(3),
  })
  .strict();
export type Escalation = z.infer<typeof EscalationSchema>;
