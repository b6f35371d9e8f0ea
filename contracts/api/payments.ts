// The per-person payment feed's API shapes: the delivery (upload + import, the list machinery's), the
// campaign's matching overview, the village registers (masked) and the clerk's visit outcomes.
import { z } from 'zod';
import { PAYMENT_CHANNELS, PERSON_PAYMENT_STATUSES, VISIT_OUTCOMES } from '../../domain/payments';
import { VerifiedDto } from './campaigns';
import { SheetChoice } from './hardship';

export const StartPaymentsImportSchema = z
  .object({
    uploadId: z.string().regex(/^[a-f0-9]{64}$/, 'uploadId 无效'),
    /** The user's column choices (field -> column index), overriding the header matching. */
    override: z.record(z.string(), z.number().int().nonnegative()).optional(),
    sheet: SheetChoice.optional(),
  })
  .strict();

export const PaymentsOverviewDto = z.object({
  /** The current delivery (a year-to-date snapshot), or null before the first. */
  current: z
    .object({
      importId: z.string(),
      refreshedAt: z.string(),
      verified: VerifiedDto,
      rosterPeople: z.number(),
      notInRoster: z.number(),
      counts: z.record(z.enum(PERSON_PAYMENT_STATUSES), z.number()),
    })
    .nullable(),
  deliveries: z.array(
    z.object({ importId: z.string(), fileName: z.string(), status: z.string(), rowsTotal: z.number(), errorCount: z.number(), message: z.string().nullable(), createdAt: z.string() }),
  ),
});

export const OutsideRosterDto = z.object({
  people: z.array(z.object({ name: z.string(), idNumber: z.string(), tierYuan: z.number().nullable(), channel: z.enum(PAYMENT_CHANNELS).nullable(), paidOn: z.string().nullable() })),
});

export const RegisterQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.string().max(40).optional(),
});

export const RegisterPageDto = z.object({
  village: z.object({ code: z.string(), name: z.string() }),
  register: z.enum(['paid', 'unpaid']),
  asOf: z.string().nullable(),
  total: z.number(),
  next: z.string().nullable(),
  rows: z.array(
    z.object({
      ref: z.string(),
      name: z.string(),
      idNumber: z.string(),
      status: z.enum(PERSON_PAYMENT_STATUSES),
      tierYuan: z.number().nullable(),
      lastYearTierYuan: z.number().nullable(),
      channel: z.string().nullable(),
      paidOn: z.string().nullable(),
      visit: z.object({ outcome: z.enum(VISIT_OUTCOMES), at: z.string(), /** The visit's local date in the campaign's zone. */ date: z.string(), actor: z.string() }).nullable(),
    }),
  ),
});
export type RegisterPage = z.infer<typeof RegisterPageDto>;

export const VisitRequestSchema = z
  .object({
    ref: z.string().min(1).max(40),
    outcome: z.enum(VISIT_OUTCOMES, { error: `走访结果应为 ${VISIT_OUTCOMES.join('、')} 之一` }),
    note: z.string().trim().max(200).optional(),
  })
  .strict();
export const VisitResultDto = z.object({
  outcome: z.enum(VISIT_OUTCOMES),
  at: z.string(),
  /** A refusal: recorded as the hardship rule's refusal evidence (拒绝参保证明), or why not yet. */
  refusal: z.object({ recorded: z.boolean(), refusalId: z.number().nullable(), visits: z.number(), reason: z.string().nullable() }).optional(),
});
export type VisitResult = z.infer<typeof VisitResultDto>;
