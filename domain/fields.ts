// Field validators shared by the plan's blocks (phases, streams, milestones, targets, policy), with
// their Chinese messages. Pure: zod and the local-date parser only.
import { z } from 'zod';
import { parseLocal } from './time';

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm[:ss]`, read in the plan's time zone. */
export const localDateTime = z
  .string()
  .refine((s) => parseLocal(s) !== undefined, { message: '应为有效的日期 YYYY-MM-DD 或时间 YYYY-MM-DDTHH:mm[:ss]' });

/** `YYYY-MM-DD`, a real calendar date. */
export const localDate = z
  .string()
  .refine((s) => parseLocal(s)?.dateOnly === true, { message: '应为有效的日期 YYYY-MM-DD' });

/** A whole number of people (or fen): never negative. */
export const count = z.number().int('应为整数').nonnegative('不能为负数');

/** A rate or share between 0 and 1 (0.99 is 99%). */
export const rate = z.number().min(0, '比率应在 0 到 1 之间').max(1, '比率应在 0 到 1 之间');

/** Time of day something is due; 24:00 is the end of the day (the next day's 00:00). */
export const dueTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, '应为 HH:mm（24:00 表示当日结束）');

/** A key officials choose for a phase, stream or milestone: it ends up in period keys and escalation ids. */
export const dataKey = (what: string) => z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, `${what}应为小写字母开头的 a-z0-9-（至多 40 个字符）`);

/** Months of the year (1..12), each once. */
export const months = z
  .array(z.number().int().min(1, '月份应在 1 到 12 之间').max(12, '月份应在 1 到 12 之间'))
  .min(1, '至少一个月份')
  .refine((m) => new Set(m).size === m.length, { message: '月份不应重复' });

/** A date given directly, or by a phase: its start (for a start) or its last day (for an end). */
export const dateOrPhase = z.union([localDate, z.object({ phase: z.string() }).strict()]);
export type DateOrPhase = z.infer<typeof dateOrPhase>;
