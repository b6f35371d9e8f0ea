// 缴费情况公示 (domain/notices.ts) in the database: prepared per village from the current matched state
// (services/payments.ts's payment_statuses) as a frozen, already-masked snapshot; approved by an official;
// released with its 公示期. The routes check who may do what (server/notices/routes.ts); this module
// keeps the states honest: a draft is re-prepared in place, an approved notice is never rewritten, a
// released one is superseded only by a new version.
import { and, asc, desc, eq, inArray, like, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { campaigns, milestones, noticeRows, notices, paymentState, paymentStatuses, units } from '../db/schema';
import {
  DEFAULT_NOTICE,
  defaultIssuer,
  maskIdBy,
  maskNameBy,
  noticeCell,
  noticeRegisterList,
  noticeTitle,
  type IdMask,
  type NameMask,
  type NoticeRegisters,
  type NoticeState,
} from '../domain/notices';
import { PAID_REGISTER, regionPrefix, type PersonPaymentStatus } from '../domain/payments';
import { PlanSchema } from '../domain/plan';
import { addDaysLocal, localDateOf } from '../domain/time';
import { ServiceError } from './errors';

export const NOTICE_NOT_FOUND = 'NoticeNotFound';
export const NOTICE_STATE = 'NoticeState';

const VILLAGE = /^\d{12}$/;

export interface NoticeSummary {
  id: number;
  villageCode: string;
  villageName: string;
  version: number;
  state: NoticeState;
  title: string;
  registers: NoticeRegisters;
  nameMask: NameMask;
  idMask: IdMask;
  days: number;
  issuer: string;
  contact: string | null;
  milestone: { key: string; name: string; due: string } | null;
  asOf: string;
  paidCount: number;
  unpaidCount: number;
  preparedBy: string;
  preparedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  approvalNote: string | null;
  releasedBy: string | null;
  releasedAt: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  /** The 落款's date: the release's, else the approval's; null for a draft. */
  issuedOn: string | null;
}

export interface NoticeRowView {
  register: 'paid' | 'unpaid';
  seq: number;
  name: string;
  idNumber: string;
  cell: string;
}

/** The campaign's year, time zone and notice rule (the plan's, or the default), with the milestone it names. */
async function noticeContext(db: Db, campaignId: string) {
  const [c] = await db
    .select({ id: campaigns.id, year: campaigns.year, timeZone: campaigns.timeZone, plan: campaigns.plan, regionCode: campaigns.regionCode })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!c) throw new ServiceError('CampaignNotFound', `征缴活动 ${campaignId} 不存在`, 404);
  const plan = PlanSchema.parse(c.plan);
  const rule = plan.notice ?? DEFAULT_NOTICE;
  const m = plan.notice ? plan.milestones?.find((x) => x.key === plan.notice!.milestone) : undefined;
  return { year: c.year, timeZone: c.timeZone, regionCode: c.regionCode, rule, milestone: m ? { key: m.key, name: m.name, due: m.due.slice(0, 10) } : null };
}

type NoticeRecord = typeof notices.$inferSelect;

function summaryOf(n: NoticeRecord, ctx: { milestone: NoticeSummary['milestone']; timeZone: string }): NoticeSummary {
  const milestone = ctx.milestone;
  return {
    id: n.id,
    villageCode: n.villageCode,
    villageName: n.villageName,
    version: n.version,
    state: n.state as NoticeState,
    title: n.title,
    registers: n.registers as NoticeRegisters,
    nameMask: n.nameMask as NameMask,
    idMask: n.idMask as IdMask,
    days: n.days,
    issuer: n.issuer,
    contact: n.contact,
    milestone: n.milestoneKey && milestone?.key === n.milestoneKey ? milestone : null,
    asOf: n.asOf,
    paidCount: n.paidCount,
    unpaidCount: n.unpaidCount,
    preparedBy: n.preparedBy,
    preparedAt: n.preparedAt.toISOString(),
    approvedBy: n.approvedBy,
    approvedAt: n.approvedAt?.toISOString() ?? null,
    approvalNote: n.approvalNote,
    releasedBy: n.releasedBy,
    releasedAt: n.releasedAt?.toISOString() ?? null,
    periodStart: n.periodStart,
    periodEnd: n.periodEnd,
    issuedOn: n.periodStart ?? (n.approvedAt ? localDateOf(n.approvedAt.getTime(), ctx.timeZone) : null),
  };
}

/** The villages a prepare covers: the one named, or every roster village under a town, county or city. */
async function villagesUnder(db: Db, campaignId: string, code: string): Promise<Array<{ code: string; name: string }>> {
  // The roster's villages, one index probe each (a loose index scan on the statuses' key: village, ID),
  // not a DISTINCT over every person of the campaign: this runs on every notices page and release.
  const prefix = `${regionPrefix(code)}%`;
  const codes = VILLAGE.test(code)
    ? [code]
    : rowsOf<{ code: string }>(
        await db.execute(sql`
          with recursive v(code) as (
            select min(village_code) from ${paymentStatuses} where campaign_id = ${campaignId} and village_code like ${prefix}
            union all
            select (select min(village_code) from ${paymentStatuses} where campaign_id = ${campaignId} and village_code like ${prefix} and village_code > v.code)
            from v where v.code is not null
          )
          select code from v where code is not null order by code`),
      ).map((r) => r.code);
  if (codes.length === 0) return [];
  const named = await db.select({ code: units.code, name: units.name }).from(units).where(and(eq(units.campaignId, campaignId), inArray(units.code, codes)));
  const names = new Map(named.map((u) => [u.code, u.name]));
  return codes.map((c) => ({ code: c, name: names.get(c) ?? c }));
}

export interface PrepareOutcome {
  villageCode: string;
  villageName: string;
  /** The draft written, or why none was (an approved notice awaiting release is never rewritten). */
  notice: NoticeSummary | null;
  skipped: string | null;
}

/**
 * Prepares the 公示 of one village, or of every village under a town/street (in batch), from the current
 * delivery: each a draft holding its masked rows. A village's draft is replaced; after a release, a new
 * version is started; a notice approved and not yet released is left as it is (skipped, with the reason).
 */
export async function prepareNotices(db: Db, input: { campaignId: string; code: string; actor: string; at: Date }): Promise<PrepareOutcome[]> {
  const ctx = await noticeContext(db, input.campaignId);
  const [state] = await db.select({ importId: paymentState.importId, asOf: paymentState.asOf }).from(paymentState).where(eq(paymentState.campaignId, input.campaignId));
  if (!state) throw new ServiceError(NOTICE_STATE, '税务部门尚未报送逐人缴费明细，无法编制公示。', 409, undefined, '无法编制公示');
  const villages = await villagesUnder(db, input.campaignId, input.code);
  if (villages.length === 0) throw new ServiceError(NOTICE_NOT_FOUND, '本辖区花名册中没有村（居），无法编制公示。', 404);
  const registers = noticeRegisterList(ctx.rule.registers);
  const out: PrepareOutcome[] = [];
  for (const v of villages) {
    out.push(
      await prepareVillage(db, input, ctx, state, registers, v).catch((e: unknown) => {
        if (isUniqueViolation(e)) throw new ServiceError(NOTICE_STATE, `${v.name}的公示正由他人同时编制，请刷新后再试。`, 409, undefined, '不能编制');
        throw e;
      }),
    );
  }
  return out;
}

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** One village's draft, in one transaction (see prepareNotices). */
function prepareVillage(
  db: Db,
  input: { campaignId: string; actor: string; at: Date },
  ctx: Awaited<ReturnType<typeof noticeContext>>,
  state: { importId: string; asOf: string },
  registers: ReadonlyArray<'paid' | 'unpaid'>,
  v: { code: string; name: string },
): Promise<PrepareOutcome> {
  return db.transaction(async (tx) => {
    // One prepare at a time per village: the version's unique index refuses the loser of a race.
    const [latest] = await tx.select().from(notices).where(and(eq(notices.campaignId, input.campaignId), eq(notices.villageCode, v.code))).orderBy(desc(notices.version)).limit(1);
    if (latest?.state === 'approved') {
      return { villageCode: v.code, villageName: v.name, notice: null, skipped: `第${latest.version}版公示已审批、尚未发布，不重新编制；如需更正，请先发布后再编制新版本。` };
    }
    if (latest?.state === 'draft') await tx.delete(notices).where(eq(notices.id, latest.id));
    const version = latest ? (latest.state === 'draft' ? latest.version : latest.version + 1) : 1;
    const people = await tx
      .select({ idNumber: paymentStatuses.idNumber, name: paymentStatuses.name, status: paymentStatuses.status, tierFen: paymentStatuses.tierFen, amountFen: paymentStatuses.amountFen })
      .from(paymentStatuses)
      .where(and(eq(paymentStatuses.campaignId, input.campaignId), eq(paymentStatuses.villageCode, v.code)))
      .orderBy(asc(paymentStatuses.idNumber));
    const rows = registers.flatMap((register) =>
      people
        .filter((p) => PAID_REGISTER.includes(p.status as PersonPaymentStatus) === (register === 'paid'))
        .map((p, i) => ({
          register,
          seq: i + 1,
          name: maskNameBy(p.name, ctx.rule.mask.name),
          idNumber: maskIdBy(p.idNumber, ctx.rule.mask.idNumber),
          cell: noticeCell({ register, status: p.status, tierYuan: p.tierFen === null ? null : p.tierFen / 100, amountYuan: p.amountFen / 100 }),
        })),
    );
    const [notice] = await tx
      .insert(notices)
      .values({
        campaignId: input.campaignId,
        villageCode: v.code,
        villageName: v.name,
        version,
        state: 'draft',
        title: noticeTitle(v.name, ctx.year),
        registers: ctx.rule.registers,
        nameMask: ctx.rule.mask.name,
        idMask: ctx.rule.mask.idNumber,
        days: ctx.rule.days,
        issuer: ctx.rule.issuer ?? defaultIssuer(v.name),
        contact: ctx.rule.contact ?? null,
        milestoneKey: ctx.milestone?.key ?? null,
        importId: state.importId,
        asOf: state.asOf,
        paidCount: rows.filter((r) => r.register === 'paid').length,
        unpaidCount: rows.filter((r) => r.register === 'unpaid').length,
        preparedBy: input.actor,
        preparedAt: input.at,
      })
      .returning();
    for (let i = 0; i < rows.length; i += 1_000) await tx.insert(noticeRows).values(rows.slice(i, i + 1_000).map((r) => ({ noticeId: notice.id, ...r })));
    return { villageCode: v.code, villageName: v.name, notice: summaryOf(notice, ctx), skipped: null };
  });
}

/** The notices of the villages under `code` (a village, or any region above), newest version first. */
export async function listNotices(db: Db, q: { campaignId: string; code: string; states?: readonly NoticeState[] }): Promise<NoticeSummary[]> {
  const ctx = await noticeContext(db, q.campaignId);
  const rows = await db
    .select()
    .from(notices)
    .where(
      and(
        eq(notices.campaignId, q.campaignId),
        VILLAGE.test(q.code) ? eq(notices.villageCode, q.code) : like(notices.villageCode, `${regionPrefix(q.code)}%`),
        q.states ? inArray(notices.state, [...q.states]) : undefined,
      ),
    )
    .orderBy(asc(notices.villageCode), desc(notices.version))
    .limit(2_000);
  return rows.map((n) => summaryOf(n, ctx));
}

/** One notice of the village `village`, or a 404 (a notice of another village is not found here). */
export async function noticeOf(db: Db, q: { campaignId: string; village: string; id: number }): Promise<NoticeSummary> {
  const ctx = await noticeContext(db, q.campaignId);
  const [n] = await db.select().from(notices).where(and(eq(notices.id, q.id), eq(notices.campaignId, q.campaignId), eq(notices.villageCode, q.village)));
  if (!n) throw new ServiceError(NOTICE_NOT_FOUND, '未找到该公示', 404);
  return summaryOf(n, ctx);
}

/** The notice's masked rows, register by register, in print order. */
export async function noticeRowsOf(db: Db, noticeId: number): Promise<NoticeRowView[]> {
  const rows = await db
    .select({ register: noticeRows.register, seq: noticeRows.seq, name: noticeRows.name, idNumber: noticeRows.idNumber, cell: noticeRows.cell })
    .from(noticeRows)
    .where(eq(noticeRows.noticeId, noticeId))
    .orderBy(sql`case when ${noticeRows.register} = 'paid' then 0 else 1 end`, asc(noticeRows.seq));
  return rows as NoticeRowView[];
}

/** draft → approved, by an official (the route checks the role and region); the note is kept. */
export async function approveNotice(db: Db, q: { campaignId: string; village: string; id: number; actor: string; note: string; at: Date }): Promise<NoticeSummary> {
  const ctx = await noticeContext(db, q.campaignId);
  const current = await noticeOf(db, q);
  if (current.state !== 'draft') throw new ServiceError(NOTICE_STATE, `该公示${current.state === 'approved' ? '已审批' : '已发布'}，无需重复审批。`, 409, undefined, '不能审批');
  const [n] = await db
    .update(notices)
    .set({ state: 'approved', approvedBy: q.actor, approvedAt: q.at, approvalNote: q.note })
    .where(and(eq(notices.id, q.id), eq(notices.state, 'draft')))
    .returning();
  if (!n) throw new ServiceError(NOTICE_STATE, '该公示刚被他人办理，请刷新后再试。', 409, undefined, '不能审批');
  return summaryOf(n, ctx);
}

/** approved → released: the 公示期 runs from the release's local date for the plan's number of days. */
export async function releaseNotice(db: Db, q: { campaignId: string; village: string; id: number; actor: string; at: Date }): Promise<NoticeSummary> {
  const current = await noticeOf(db, q);
  if (current.state === 'draft') throw new ServiceError(NOTICE_STATE, '未审批：该公示尚未经业务主管审批，不能发布。', 409, undefined, '不能发布');
  if (current.state === 'released') throw new ServiceError(NOTICE_STATE, '该公示已发布，无需重复发布。', 409, undefined, '不能发布');
  const ctx = await noticeContext(db, q.campaignId);
  const timeZone = ctx.timeZone;
  const periodStart = localDateOf(q.at.getTime(), timeZone);
  const periodEnd = addDaysLocal(periodStart, current.days - 1);
  const [n] = await db
    .update(notices)
    .set({ state: 'released', releasedBy: q.actor, releasedAt: q.at, periodStart, periodEnd })
    .where(and(eq(notices.id, q.id), eq(notices.state, 'approved')))
    .returning();
  if (!n) throw new ServiceError(NOTICE_STATE, '该公示刚被他人办理，请刷新后再试。', 409, undefined, '不能发布');
  return summaryOf(n, ctx);
}

export interface NoticeProgress {
  /** The plan's 公示 milestone, and when it was confirmed done (null while it is not). */
  milestone: { key: string; name: string; due: string; confirmed: { by: string | null; at: string | null } | null } | null;
  /** Villages under the unit with a released notice (any version). */
  released: number;
  /** Villages under the unit a prepare covers (the roster's). */
  villages: number;
}

/**
 * How far the 公示 has come under `code` (default: the campaign's whole region, which is what its
 * milestone waits for): villages released of the villages a prepare covers, and the milestone's state.
 */
export async function noticeProgress(db: Db, q: { campaignId: string; code?: string }): Promise<NoticeProgress> {
  const ctx = await noticeContext(db, q.campaignId);
  const villages = await villagesUnder(db, q.campaignId, q.code ?? ctx.regionCode);
  const released = villages.length
    ? await db
        .selectDistinct({ code: notices.villageCode })
        .from(notices)
        .where(and(eq(notices.campaignId, q.campaignId), eq(notices.state, 'released'), inArray(notices.villageCode, villages.map((v) => v.code))))
    : [];
  let milestone: NoticeProgress['milestone'] = null;
  if (ctx.milestone) {
    const [m] = await db
      .select({ status: milestones.status, confirmedAt: milestones.confirmedAt, confirmedBy: milestones.confirmedBy })
      .from(milestones)
      .where(and(eq(milestones.campaignId, q.campaignId), eq(milestones.key, ctx.milestone.key)));
    milestone = { ...ctx.milestone, confirmed: m?.status === 'confirmed' ? { by: m.confirmedBy, at: m.confirmedAt?.toISOString() ?? null } : null };
  }
  return { milestone, released: released.length, villages: villages.length };
}
