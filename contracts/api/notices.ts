// 缴费情况公示's API shapes: a notice (its state, rule, counts, 公示期 and who did what), its masked rows,
// the outcome of a (batch) prepare, and the approval's note.
import { z } from 'zod';
import { ID_MASKS, NAME_MASKS, NOTICE_REGISTERS, NOTICE_STATES } from '../../domain/notices';

export const NoticeDto = z.object({
  id: z.number(),
  villageCode: z.string(),
  villageName: z.string(),
  version: z.number(),
  state: z.enum(NOTICE_STATES),
  title: z.string(),
  registers: z.enum(NOTICE_REGISTERS),
  nameMask: z.enum(NAME_MASKS),
  idMask: z.enum(ID_MASKS),
  days: z.number(),
  issuer: z.string(),
  contact: z.string().nullable(),
  milestone: z.object({ key: z.string(), name: z.string(), due: z.string() }).nullable(),
  asOf: z.string(),
  paidCount: z.number(),
  unpaidCount: z.number(),
  preparedBy: z.string(),
  preparedAt: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  approvalNote: z.string().nullable(),
  releasedBy: z.string().nullable(),
  releasedAt: z.string().nullable(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  issuedOn: z.string().nullable(),
});
export type Notice = z.infer<typeof NoticeDto>;

/** How far the 公示 has come under the unit: villages released of those a prepare covers, and the milestone. */
export const NoticeProgressDto = z.object({
  milestone: z
    .object({ key: z.string(), name: z.string(), due: z.string(), confirmed: z.object({ by: z.string().nullable(), at: z.string().nullable() }).nullable() })
    .nullable(),
  released: z.number(),
  villages: z.number(),
});
export type NoticeProgress = z.infer<typeof NoticeProgressDto>;

export const NoticeListDto = z.object({ notices: z.array(NoticeDto), progress: NoticeProgressDto });
export type NoticeList = z.infer<typeof NoticeListDto>;

export const NoticeDetailDto = z.object({
  notice: NoticeDto,
  /** The notice's paragraph as printed. */
  body: z.string(),
  rows: z.array(z.object({ register: z.enum(['paid', 'unpaid']), seq: z.number(), name: z.string(), idNumber: z.string(), cell: z.string() })),
});
export type NoticeDetail = z.infer<typeof NoticeDetailDto>;

export const PrepareNoticesDto = z.object({
  prepared: z.array(z.object({ villageCode: z.string(), villageName: z.string(), notice: NoticeDto.nullable(), skipped: z.string().nullable() })),
});
export type PrepareNotices = z.infer<typeof PrepareNoticesDto>;

export const ApproveNoticeSchema = z
  .object({
    /** 审批意见: why it may be published (recorded with the approval). */
    note: z.string().trim().min(2, '请填写审批意见（至少 2 个字）').max(200, '审批意见不超过 200 字'),
  })
  .strict();
