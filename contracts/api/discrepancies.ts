// 核查验收 discrepancies over HTTP: the list (a unit's, or every unit's in the caller's region), an
// official's check, a unit's answer (explain or correct); and a unit's mobilisation figures (走访结果).
import { z } from 'zod';
import { DISCREPANCY_METRICS, DISCREPANCY_STATUSES } from '../../domain/discrepancy';
import { VISIT_OUTCOMES } from '../../domain/payments';

export const DiscrepancyDto = z.object({
  unitCode: z.string(),
  unitName: z.string(),
  metric: z.enum(DISCREPANCY_METRICS),
  /** Persons, or fen for `amount`. */
  reported: z.number(),
  /** The report period compared ('更正' after a correction). */
  reportedPeriod: z.string().nullable(),
  verified: z.number(),
  difference: z.number(),
  /** The verified figure's data date. */
  asOf: z.string(),
  status: z.enum(DISCREPANCY_STATUSES),
  episode: z.number(),
  openedAt: z.string(),
  answerBy: z.string(),
  escalatedAt: z.string().nullable(),
  escalatedTo: z.string().nullable(),
  closedAt: z.string().nullable(),
  answers: z.array(z.object({ kind: z.enum(['explain', 'correct']), text: z.string(), corrected: z.number().nullable(), actor: z.string(), at: z.string() })),
});
export type DiscrepancyItem = z.infer<typeof DiscrepancyDto>;

export const DiscrepancyListDto = z.object({
  /** The plan's verification block, or null: without one no discrepancy opens and no check can be asked. */
  verification: z
    .object({
      phase: z.string(),
      tolerance: z.object({ share: z.number().optional(), persons: z.number().optional(), amountYuan: z.number().optional() }),
      answerWithinWorkingDays: z.number(),
    })
    .nullable(),
  discrepancies: z.array(DiscrepancyDto),
});
export type DiscrepancyList = z.infer<typeof DiscrepancyListDto>;

export const DiscrepancyQuery = z.object({
  unit: z.string().regex(/^\d{6}(\d{3}){0,2}$/, '单位代码应为 6、9 或 12 位数字').optional(),
  closed: z.enum(['true', 'false']).default('false'),
});

export const CheckResultDto = z.object({ opened: z.number(), updated: z.number(), closed: z.number() });

export const AnswerDiscrepancySchema = z
  .object({
    kind: z.enum(['explain', 'correct'], { error: '答复方式应为 explain（说明）或 correct（更正）' }),
    text: z.string({ error: '请填写说明' }).trim().min(2, '说明至少 2 个字').max(500, '说明至多 500 字'),
    /** The corrected figure: persons for 实缴人数, 元 for 实缴金额 (two decimals at most). */
    corrected: z.number({ error: '更正数应为数字' }).min(0, '更正数不能为负').max(10_000_000_000, '更正数过大').optional(),
  })
  .strict()
  .refine((b) => b.kind !== 'correct' || b.corrected !== undefined, { path: ['corrected'], message: '更正须填写更正后的数字' });
export type AnswerDiscrepancyRequest = z.input<typeof AnswerDiscrepancySchema>;

export const AnswerResultDto = z.object({ status: z.enum(DISCREPANCY_STATUSES) });

export const MobilisationDto = z.object({
  unitCode: z.string(),
  /** People with at least one recorded visit. */
  people: z.number(),
  byOutcome: z.record(z.enum(VISIT_OUTCOMES), z.number()),
});
export type MobilisationView = z.infer<typeof MobilisationDto>;
