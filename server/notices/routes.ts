// 缴费情况公示 over HTTP (services/notices.ts). Every route names the unit `:code` (a village, or for a
// batch prepare and the list, any region above it), so the guard decides region scope as for the
// registers: a clerk of another village is answered 404. Preparing, approving and releasing are an
// official's (circular.approve: the same who issue circulars); the public version (the printable page and
// the XLSX) is refused before approval, and a village clerk sees a notice only once released. Every
// prepare, approval, release, read, print and download is in the audit log (domain/auditText.ts).
// The release that makes every village of the campaign released confirms the plan's 公示 milestone
// through the campaign workflow's update, as an official would (POST /api/campaigns/:id/milestones/confirm).
import type { Response } from 'express';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ApproveNoticeSchema, NoticeDetailDto, NoticeDto, NoticeListDto, PrepareNoticesDto } from '../../contracts/api/notices';
import { campaigns } from '../../db/schema';
import { roleAllows } from '../../domain/access';
import { dateZh, noticeBody, noticeRegisterList, NOTICE_REGISTER_ZH } from '../../domain/notices';
import type { Cell } from '../../formats/xlsxWriter';
import { approveNotice, listNotices, noticeOf, noticeProgress, noticeRowsOf, prepareNotices, releaseNotice, type NoticeSummary } from '../../services/notices';
import { HttpProblem } from '../errors';
import { actorName, authOf } from '../http/access';
import { sendXlsx, XLSX_TYPE } from '../http/files';
import { IntRowIdSchema, route } from '../http/route';
import type { ApiDeps } from '../http/deps';
import { DEFAULT_CONTACT, noticeHtml } from './document';

const U = '/api/campaigns/:id/units/:code';
const N = `${U}/notices/:noticeId`;
const UnitParams = z.object({ id: z.string(), code: z.string() });
const NoticeParams = z.object({ id: z.string(), code: z.string(), noticeId: IntRowIdSchema });

/** Officials prepare, approve and release, and see drafts; everyone else sees released notices only. */
const approves = (res: Response) => roleAllows(authOf(res).auth.user.role, 'circular.approve');

/** Says in the audit entry which notice it was, and why a refusal was one. */
const note = (res: Response, detail: Record<string, unknown>) => {
  res.locals.auditDetail = { ...(res.locals.auditDetail as Record<string, unknown> | undefined), ...detail };
};

/**
 * The public version (printable page, XLSX) exists once approved; a village clerk's once released.
 * Refused with the reason in words, recorded as refused in the audit log.
 */
function requirePublic(res: Response, n: NoticeSummary): void {
  note(res, { noticeId: n.id, state: n.state });
  if (n.state === 'draft') {
    note(res, { refused: '公示未审批' });
    throw new HttpProblem(403, '未审批', '未审批：该公示尚未经业务主管审批，不能打印或下载公示版本；请先审批。', undefined, 'urn:problem:notice-unapproved');
  }
  if (n.state === 'approved' && !approves(res)) {
    note(res, { refused: '公示未发布' });
    throw new HttpProblem(403, '未发布', '该公示已审批、尚未发布；发布后方可打印张贴。', undefined, 'urn:problem:notice-unreleased');
  }
}

/** A notice as the one reading it may see it: a draft or an unreleased notice is an official's only. */
async function visibleNotice(d: ApiDeps, res: Response, params: z.infer<typeof NoticeParams>): Promise<NoticeSummary> {
  const n = await noticeOf(d.db, { campaignId: params.id, village: params.code, id: params.noticeId });
  note(res, { noticeId: n.id, state: n.state });
  if (n.state !== 'released' && !approves(res)) {
    note(res, { refused: '公示未发布' });
    throw new HttpProblem(403, '无权限', '无权限：该公示尚未发布，发布后村（居）方可查看和打印。', undefined, 'urn:problem:notice-unreleased');
  }
  return n;
}

const bodyOf = (n: NoticeSummary, year: number) =>
  noticeBody({ year, asOf: n.asOf, registers: noticeRegisterList(n.registers), periodStart: n.periodStart, periodEnd: n.periodEnd, days: n.days });

const CONFIRM_WAIT_MS = 10_000;

/**
 * After a release: once every village of the campaign has a released notice, the 公示 milestone is
 * confirmed done by the releasing official (its reminders and rungs stop). Already confirmed: nothing to
 * do. The release stands whatever the campaign answers (ended, cancelled, or its workflow gone): the
 * audit entry says why the milestone was not confirmed, and an official can still confirm it by hand.
 */
async function confirmNoticeMilestone(d: ApiDeps, res: Response, campaignId: string): Promise<void> {
  const p = await noticeProgress(d.db, { campaignId });
  if (!p.milestone || p.milestone.confirmed || p.villages === 0 || p.released < p.villages) return;
  try {
    // One update id per campaign and milestone: a retried release does not confirm twice. Bounded: with
    // Temporal unreachable the client would retry for long, and the release itself is already stored.
    const confirm = d.campaigns.confirmMilestone(campaignId, { actor: actorName(res), key: p.milestone.key, note: `全部 ${p.villages} 个村（居）公示已发布` }, `notice-release/${campaignId}/${p.milestone.key}`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('工作流服务未在 10 秒内答复，节点任务未确认；可在活动页面手工确认')), CONFIRM_WAIT_MS);
    });
    confirm.catch(() => undefined);
    await Promise.race([confirm, late]).finally(() => clearTimeout(timer));
    note(res, { milestone: p.milestone.key, milestoneConfirmed: true });
  } catch (e) {
    note(res, { milestone: p.milestone.key, milestoneConfirmed: false, milestoneRefused: messageOf(e) });
  }
}

/** The innermost reason of a refusal (an update's rejection is the cause of the client's error). */
function messageOf(e: unknown): string {
  let m = e instanceof Error ? e.message : String(e);
  for (let c = (e as { cause?: unknown } | undefined)?.cause, i = 0; c instanceof Error && i < 4; c = (c as { cause?: unknown }).cause, i++) m = c.message;
  return m;
}

const yearOf = async (d: ApiDeps, campaignId: string) => (await d.db.select({ year: campaigns.year }).from(campaigns).where(eq(campaigns.id, campaignId)))[0]?.year ?? 0;

export const noticeRoutes = [
  route({
    method: 'POST',
    path: `${U}/notices`,
    summary: '编制缴费情况公示（村居一份；对街道、乡镇及以上为辖区内每个村居各编一份），以当前逐人缴费明细为准，脱敏后冻结',
    scope: { kind: 'unit', action: 'circular.approve' },
    auditAction: 'notice.prepare',
    params: UnitParams,
    answers: {
      201: { description: '已编制（草稿，待审批）', schema: PrepareNoticesDto },
      404: { description: '不存在或不在本辖区；辖区内无村居' },
      409: { description: '尚无逐人缴费明细' },
    },
    handler: async ({ params, res }, d) => {
      const prepared = await prepareNotices(d.db, { campaignId: params.id, code: params.code, actor: actorName(res), at: new Date(d.now()) });
      note(res, { villages: prepared.length, notices: prepared.flatMap((p) => (p.notice ? [p.notice.id] : [])) });
      return { prepared };
    },
  }),
  route({
    method: 'GET',
    path: `${U}/notices`,
    summary: '本单位（及下辖村居）的缴费情况公示，及全活动公示节点的进度（已发布村居数／村居总数）；村（居）协管员只见已发布的',
    scope: { kind: 'unit', action: 'mobilisation.export' },
    params: UnitParams,
    answers: { 200: { description: '公示列表', schema: NoticeListDto }, 404: { description: '不存在或不在本辖区' } },
    handler: async ({ params, res }, d) => ({
      notices: await listNotices(d.db, { campaignId: params.id, code: params.code, states: approves(res) ? undefined : ['released'] }),
      // The campaign's, whatever the unit: it is what the 公示 milestone shown beside it waits for.
      progress: await noticeProgress(d.db, { campaignId: params.id }),
    }),
  }),
  route({
    method: 'GET',
    path: N,
    summary: '一份缴费情况公示及其脱敏名单（草稿与待发布的仅业务主管可预览）',
    scope: { kind: 'unit', action: 'mobilisation.export' },
    audit: true,
    auditAction: 'notice.read',
    params: NoticeParams,
    answers: { 200: { description: '公示', schema: NoticeDetailDto }, 403: { description: '尚未发布' }, 404: { description: '不存在或不在本辖区' } },
    handler: async ({ params, res }, d) => {
      const n = await visibleNotice(d, res, params);
      return { notice: n, body: bodyOf(n, await yearOf(d, params.id)), rows: await noticeRowsOf(d.db, n.id) };
    },
  }),
  route({
    method: 'GET',
    path: `${N}/print`,
    summary: '缴费情况公示的公示版本（打印张贴用的网页）；未审批的拒绝',
    scope: { kind: 'unit', action: 'mobilisation.export' },
    audit: true,
    auditAction: 'notice.print',
    params: NoticeParams,
    answers: { 200: { description: 'HTML', contentType: 'text/html' }, 403: { description: '未审批或未发布' }, 404: { description: '不存在或不在本辖区' } },
    handler: async ({ params, res }, d) => {
      const n = await noticeOf(d.db, { campaignId: params.id, village: params.code, id: params.noticeId });
      requirePublic(res, n);
      res.type('text/html; charset=utf-8').send(noticeHtml(n, bodyOf(n, await yearOf(d, params.id)), await noticeRowsOf(d.db, n.id)));
      return undefined;
    },
  }),
  route({
    method: 'GET',
    path: `${N}/xlsx`,
    summary: '缴费情况公示（XLSX，可打印）；未审批的拒绝',
    scope: { kind: 'unit', action: 'mobilisation.export' },
    audit: true,
    auditAction: 'notice.download',
    params: NoticeParams,
    answers: { 200: { description: 'XLSX', contentType: XLSX_TYPE }, 403: { description: '未审批或未发布' }, 404: { description: '不存在或不在本辖区' } },
    handler: async ({ params, res }, d) => {
      const n = await noticeOf(d.db, { campaignId: params.id, village: params.code, id: params.noticeId });
      requirePublic(res, n);
      const body = bodyOf(n, await yearOf(d, params.id));
      const rows = await noticeRowsOf(d.db, n.id);
      const sheets = noticeRegisterList(n.registers).map((register) => {
        const lines: Cell[][] = [
          [n.title],
          [body],
          [`${NOTICE_REGISTER_ZH[register]}名单`],
          ['序号', '姓名', '身份证号', register === 'paid' ? '缴费档次（金额）' : '缴费情况'],
          ...rows.filter((r) => r.register === register).map((r): Cell[] => [r.seq, r.name, r.idNumber, r.cell]),
        ];
        if (lines.length === 4) lines.push([`本村（居）暂无${NOTICE_REGISTER_ZH[register]}`]);
        lines.push([], [n.contact ?? DEFAULT_CONTACT], [n.issuer], [n.issuedOn ? dateZh(n.issuedOn) : '']);
        return { name: `${NOTICE_REGISTER_ZH[register]}名单`, rows: lines, widths: [8, 12, 24, 20] };
      });
      await sendXlsx(res, `${n.title}（第${n.version}版）.xlsx`, sheets);
      return undefined;
    },
  }),
  route({
    method: 'POST',
    path: `${N}/approve`,
    summary: '审批缴费情况公示（业务主管；须填写审批意见）',
    scope: { kind: 'unit', action: 'circular.approve' },
    auditAction: 'notice.approve',
    params: NoticeParams,
    body: ApproveNoticeSchema,
    answers: { 200: { description: '已审批', schema: NoticeDto }, 400: { description: '审批意见无效' }, 404: { description: '不存在或不在本辖区' }, 409: { description: '不是草稿' } },
    handler: async ({ params, body, res }, d) => {
      note(res, { noticeId: params.noticeId });
      return approveNotice(d.db, { campaignId: params.id, village: params.code, id: params.noticeId, actor: actorName(res), note: body.note, at: new Date(d.now()) });
    },
  }),
  route({
    method: 'POST',
    path: `${N}/release`,
    summary: '发布已审批的缴费情况公示（公示期自发布之日起算）；全部村（居）均已发布时，确认公示节点任务完成',
    scope: { kind: 'unit', action: 'circular.approve' },
    auditAction: 'notice.release',
    params: NoticeParams,
    answers: { 200: { description: '已发布', schema: NoticeDto }, 404: { description: '不存在或不在本辖区' }, 409: { description: '未审批或已发布' } },
    handler: async ({ params, res }, d) => {
      note(res, { noticeId: params.noticeId });
      const released = await releaseNotice(d.db, { campaignId: params.id, village: params.code, id: params.noticeId, actor: actorName(res), at: new Date(d.now()) });
      await confirmNoticeMilestone(d, res, params.id);
      return released;
    },
  }),
];
