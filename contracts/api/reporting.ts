// Request and response shapes of reporting, escalation, calendar and circular routes: zod at the
// boundary, types for the console (web/src/types/api.ts re-exports them type-only).
import { z } from 'zod';
import { LIGHTS, type Light } from '../../domain/lights';

/** Traffic light: red (overdue or missed target), yellow (behind pace), blue (a deadline within the warning window), green. */
export { LIGHTS, type Light };
import { ESCALATION_RUNGS, REPORTING_LEVELS } from '../../domain/plan';
import { ESCALATION_TRACKS } from '../../domain/escalation';
import { REGION_LEVELS } from '../../domain/status';
import { ESCALATION_RESPONSES } from '../campaign';

const actor = z.string().trim().min(1, '请填写操作人').max(100).default('市人社局');
const count = (name: string) => z.number({ error: `${name}应为数字` }).int(`${name}应为整数`).nonnegative(`${name}不能为负数`);

export const BilingualDto = z.object({ zh: z.string(), en: z.string() });

// ---- calendar ----
export const CalendarYearDto = z.object({
  year: z.number(),
  source: z.object({ title: z.string(), issuer: z.string(), docNo: z.string().optional(), publishedOn: z.string(), url: z.string().optional() }),
  holidays: z.array(z.object({ name: BilingualDto, from: z.string(), to: z.string() })),
  makeupWorkdays: z.array(z.object({ date: z.string(), for: z.string() })),
});
export const CalendarYearViewDto = CalendarYearDto.extend({
  /** shipped: from data/calendar; official: added or corrected through the API. */
  origin: z.enum(['shipped', 'official']),
  version: z.number(),
  updatedBy: z.string(),
  updatedAt: z.string().nullable(),
});
export const CalendarChangeDto = z.object({
  id: z.number(),
  year: z.number(),
  version: z.number(),
  actor: z.string(),
  reason: z.string(),
  summary: z.string(),
  at: z.string(),
});
export const CalendarDto = z.object({ years: z.array(CalendarYearViewDto), changes: z.array(CalendarChangeDto) });
export const PutCalendarRequestSchema = z.object({ calendar: z.unknown(), actor, reason: z.string().trim().min(1, '请填写修改理由').max(500) }).strict();
export const PutCalendarResultDto = z.object({ year: z.number(), version: z.number(), summary: BilingualDto, campaignsNotified: z.number() });

// ---- schedule preview ----
export const PeriodPreviewDto = z.object({
  key: z.string(),
  seq: z.number(),
  rawDate: z.string(),
  dueDate: z.string(),
  dueAt: z.string(),
  dueLocal: z.string(),
  shifted: z.boolean(),
  reason: BilingualDto.nullable(),
  calendarKnown: z.boolean(),
});
export const ReportingPreviewDto = z.object({
  phases: z.array(
    z.object({ key: z.string(), nameZh: z.string(), nameEn: z.string(), deadlineAt: z.string(), deadlineDate: z.string(), note: BilingualDto.nullable() }),
  ),
  levels: z.array(z.object({ level: z.enum(REPORTING_LEVELS), dueTime: z.string(), rule: z.record(z.string(), z.unknown()), periods: z.array(PeriodPreviewDto) })),
  warnings: z.array(z.object({ code: z.string(), year: z.number(), message: BilingualDto })),
});

// ---- unit schedule, reports ----
export const PeriodDto = PeriodPreviewDto.extend({
  status: z.enum(['open', 'reported', 'late', 'missed', 'withdrawn']),
  reportedAt: z.string().nullable(),
  /** Why the due date moved after launch (a calendar correction, an amended deadline). */
  changeNote: BilingualDto.nullable(),
});
export const ReportDto = z.object({
  id: z.string(),
  periodKey: z.string(),
  revision: z.number(),
  enrolled: z.number(),
  paid: z.number(),
  amountYuan: z.number(),
  mobilePaid: z.number(),
  hardshipCovered: z.number(),
  late: z.boolean(),
  source: z.string(),
  actor: z.string(),
  note: z.string().nullable(),
  submittedAt: z.string(),
});
export const SubmitReportRequestSchema = z
  .object({
    /** `YYYY-MM-DD` (the single reporting block) or `<stream>:YYYY-MM-DD` (a named stream's period). */
    periodKey: z.string().regex(/^([a-z][a-z0-9-]{0,39}:)?\d{4}-\d{2}-\d{2}$/, '报送期应为日期 YYYY-MM-DD，或报送安排的期号（如 weekly:2024-05-10）'),
    enrolled: count('参保人数'),
    paid: count('缴费人数'),
    /** Yuan with at most two decimals; stored in fen. */
    amountYuan: z
      .number({ error: '缴费金额应为数字' })
      .nonnegative('缴费金额不能为负数')
      .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, '缴费金额最多两位小数'),
    mobilePaid: count('线上缴费人数').default(0),
    hardshipCovered: count('困难群体代缴人数').default(0),
    actor,
    note: z.string().max(1000).optional(),
  })
  .strict();
export const ReportReceiptDto = z.object({ periodKey: z.string(), revision: z.number(), late: z.boolean(), dueAt: z.string(), submittedAt: z.string() });
export const UnitReportingDto = z.object({ periods: z.array(PeriodDto), reports: z.array(ReportDto) });

// ---- escalations ----
export const EscalationDto = z.object({
  id: z.string(),
  unitCode: z.string(),
  unitName: z.string(),
  level: z.enum(REGION_LEVELS),
  parentCode: z.string(),
  track: z.enum(ESCALATION_TRACKS),
  episode: z.string(),
  rung: z.enum(ESCALATION_RUNGS),
  rungIndex: z.number(),
  rungName: z.string(),
  reason: BilingualDto,
  detail: z.record(z.string(), z.unknown()),
  notified: z.array(z.string()),
  firedAt: z.string(),
  status: z.enum(['open', 'acknowledged', 'answered', 'waived', 'resolved']),
  nextRungAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolution: z.string().nullable(),
  responses: z.array(z.object({ kind: z.enum(ESCALATION_RESPONSES), actor: z.string(), text: z.string(), at: z.string() })),
});
export const EscalationQuerySchema = z.object({
  track: z.enum(ESCALATION_TRACKS).optional(),
  rung: z.enum(ESCALATION_RUNGS).optional(),
  status: z.enum(['open', 'acknowledged', 'answered', 'waived', 'resolved', 'active']).optional(),
  /** A region code: the unit itself and everything under it. */
  region: z.string().regex(/^\d{2,15}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const RespondEscalationRequestSchema = z
  .object({
    escalationId: z.string().min(1).max(300),
    kind: z.enum(ESCALATION_RESPONSES),
    actor,
    text: z.string().trim().min(1, '请填写内容').max(2000),
  })
  .strict();

// ---- deadlines board ----
export const DeadlinesQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(90).default(7) });
export const DeadlineItemDto = z.object({
  kind: z.enum(['report', 'phase', 'escalation']),
  campaignId: z.string(),
  campaignTitle: z.string(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  at: z.string(),
  label: BilingualDto,
});
export const DeadlinesDto = z.object({ from: z.string(), to: z.string(), items: z.array(DeadlineItemDto), truncated: z.boolean() });

// ---- circulars ----
export const CircularDto = z.object({
  id: z.string(),
  campaignId: z.string(),
  periodKey: z.string(),
  seq: z.number(),
  title: z.string(),
  status: z.enum(['draft', 'published']),
  draftedAt: z.string(),
  approvedBy: z.string().nullable(),
  approvalNote: z.string().nullable(),
  publishedAt: z.string().nullable(),
  /** 发文单位 and 文号 the approver gave; null on a draft. */
  issuer: z.string().nullable(),
  docNo: z.string().nullable(),
  content: z.object({
    level: z.string(),
    periodKey: z.string(),
    dueAt: z.number(),
    ranking: z.array(
      z.object({
        rank: z.number(),
        code: z.string(),
        name: z.string(),
        paid: z.number(),
        targetPaying: z.number().nullable(),
        rate: z.number().nullable(),
        previousRate: z.number().nullable(),
        change: z.number().nullable(),
        reported: z.enum(['on-time', 'late', 'missing']),
      }),
    ),
    late: z.array(z.object({ code: z.string(), name: z.string() })),
    praised: z.array(z.object({ code: z.string(), name: z.string(), rate: z.number() })),
  }),
});
export const ApproveCircularRequestSchema = z
  .object({
    circularId: z.string().min(1).max(300),
    actor,
    note: z.string().trim().min(1, '请填写审核意见').max(1000),
    /** 发文单位 (the head and 落款); the campaign region's 人社局 when left out. */
    issuer: z.string().trim().min(2, '请填写发文单位').max(60).optional(),
    /** 文号, as the issuing office's register gives it (江人社通〔2026〕3号). */
    docNo: z.string().trim().min(2, '文号至少 2 个字').max(40).optional(),
  })
  .strict();

// ---- inbox ----
export const InboxQuerySchema = z.object({ recipient: z.string().regex(/^\d{2,15}$/).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export const InboxMessageDto = z.object({
  id: z.string(),
  campaignId: z.string().nullable(),
  recipient: z.string(),
  kind: z.string(),
  refId: z.string(),
  subject: z.string(),
  body: z.string(),
  createdAt: z.string(),
});


export type CalendarView = z.infer<typeof CalendarDto>;
export type CalendarYearView = z.infer<typeof CalendarYearViewDto>;
export type PutCalendarResult = z.infer<typeof PutCalendarResultDto>;
export type ReportingPreviewView = z.infer<typeof ReportingPreviewDto>;
export type PeriodView = z.infer<typeof PeriodDto>;
export type ReportView = z.infer<typeof ReportDto>;
export type ReportReceiptView = z.infer<typeof ReportReceiptDto>;
export type UnitReportingView = z.infer<typeof UnitReportingDto>;
export type EscalationView = z.infer<typeof EscalationDto>;
export type DeadlinesView = z.infer<typeof DeadlinesDto>;
export type DeadlineItem = z.infer<typeof DeadlineItemDto>;
export type CircularView = z.infer<typeof CircularDto>;
export type InboxMessageView = z.infer<typeof InboxMessageDto>;
