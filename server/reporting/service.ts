// What the API does for reporting: the working-day calendar (read, add or correct a year, and tell
// running campaigns), the launch preview's schedules, reports and escalation answers sent to unit
// workflows as Updates, the boards (deadlines ahead, escalations), circulars and the console inbox.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { CircularContent } from '../../contracts/reporting';
import { circularHtml as renderCircularHtml, circularRows, defaultIssuer, type CircularDocInput } from './circularDocument';
import { computeLights } from '../../domain/lights';
import { loadCalendar } from '../../services/calendar';
import { calendarDiff, parseCalendarYear, shippedCalendar, type CalendarYear } from '../../domain/calendar';
import type { Plan, ResolvedPhase } from '../../domain/plan';
import { previewReporting } from '../../domain/schedule';
import type { RegionLevel } from '../../domain/status';
import { formatDueLocal } from '../../domain/time';
import type { Db } from '../../db/client';
import {
  calendarChanges,
  calendarYears,
  campaigns,
  circulars,
  escalationResponses,
  escalations,
  inboxMessages,
  phases,
  reportPeriods,
  reports,
  units,
} from '../../db/schema';
import {
  approveCircularUpdate,
  calendarChangedSignal,
  respondEscalationUpdate,
  submitReportUpdate,
  workflowIds,
} from '../../contracts/campaign';
import { HttpProblem, badRequest, notFound } from '../errors';
import type { CalendarView, CircularView, DeadlineItem, DeadlinesView, EscalationView, InboxMessageView, PeriodView, PutCalendarResult, ReportReceiptView, ReportingPreviewView, UnitReportingView } from '../../contracts/api/reporting';
import type { z } from 'zod';
import type { EscalationQuerySchema } from '../../contracts/api/reporting';
import type { Sheet } from '../../formats/xlsxWriter';

export interface ReportingServiceDeps {
  db: Db;
  client: Client;
  now?: () => number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const ACTIVE_ESCALATION = ['open', 'acknowledged', 'answered'];
/** The plan schema's default for escalation.warningWindowDays, for plans without an escalation block. */
const DEFAULT_WARNING_WINDOW_DAYS = 3;
export function createReportingService(deps: ReportingServiceDeps) {
  const { db, client } = deps;
  const now = deps.now ?? Date.now;

  async function campaignRow(id: string) {
    const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
    if (!row) throw notFound(`没有编号为 ${id} 的活动`);
    return row;
  }

  async function unitRow(id: string, code: string) {
    const [row] = await db.select().from(units).where(and(eq(units.campaignId, id), eq(units.code, code)));
    if (!row) throw notFound(`活动 ${id} 中没有代码为 ${code} 的单位`);
    return row;
  }

  /** A closed campaign's unit workflows are gone: answer plainly rather than "workflow not found". */
  async function runningUnit(id: string, code: string) {
    const c = await campaignRow(id);
    if (c.status === 'completed' || c.status === 'cancelled') {
      throw new HttpProblem(422, '操作被拒绝', `活动已${c.status === 'completed' ? '结束' : '撤销'}，不能再报送或处理`);
    }
    const u = await unitRow(id, code);
    // Who runs as a workflow is the plan's (domain/streams.ts workflowLayout, kept as `workflow_parent`).
    if (u.workflowParent === null) throw new HttpProblem(422, '操作被拒绝', `${u.name} 不是报送单位（本活动中该单位不报送，由上级单位汇总报送）`);
    return client.workflow.getHandle(workflowIds.unit(id, code));
  }

  /** Lights of every unit of a campaign; the warning window is read from the plan in the database, not the whole plan. */
  async function lights(campaignId: string) {
    const [window] = await db
      .select({ days: sql<number | null>`(${campaigns.plan} -> 'escalation' ->> 'warningWindowDays')::int` })
      .from(campaigns)
      .where(eq(campaigns.id, campaignId));
    const rows = await db
      .select({
        code: units.code,
        parentCode: units.parentCode,
        overdue: units.overdue,
        targetMissed: units.targetMissed,
        paceBehind: units.paceBehind,
        nextDueAt: units.nextDueAt,
      })
      .from(units)
      .where(eq(units.campaignId, campaignId));
    return computeLights(rows.map((r) => ({ ...r, nextDueAt: r.nextDueAt?.getTime() ?? null })), now(), window?.days ?? DEFAULT_WARNING_WINDOW_DAYS);
  }

  // ---- calendar ----

  async function calendar(): Promise<CalendarView> {
    const [rows, changes] = await Promise.all([
      db.select().from(calendarYears).orderBy(asc(calendarYears.year)),
      db.select().from(calendarChanges).orderBy(desc(calendarChanges.at)).limit(200),
    ]);
    const official = new Map(rows.map((r) => [r.year, r]));
    const years = new Map<number, CalendarView['years'][number]>();
    for (const y of Object.values(shippedCalendar().years)) {
      years.set(y.year, { ...y, origin: 'shipped', version: 0, updatedBy: '随版本发布', updatedAt: null });
    }
    for (const [year, r] of official) {
      years.set(year, { ...(r.data as CalendarYear), origin: 'official', version: r.version, updatedBy: r.updatedBy, updatedAt: r.updatedAt.toISOString() });
    }
    return {
      years: [...years.values()].sort((a, b) => a.year - b.year),
      changes: changes.map((c) => ({ id: c.id, year: c.year, version: c.version, actor: c.actor, reason: c.reason, summary: c.summary, at: c.at.toISOString() })),
    };
  }

  /** Adds or corrects a year, records the change, and tells every running campaign (its units move future due dates). */
  async function putCalendar(year: number, body: { calendar: unknown; actor: string; reason: string }): Promise<PutCalendarResult> {
    const parsed = parseCalendarYear(body.calendar);
    if (!parsed.ok) throw badRequest(`节假日安排有 ${parsed.errors.length} 处错误`, parsed.errors.map((e) => ({ path: `calendar.${e.path}`, message: e.message })));
    const after = parsed.year;
    if (after.year !== year) throw badRequest('年份不一致', [{ path: 'calendar.year', message: `文件中的年份 ${after.year} 与地址中的 ${year} 不一致` }]);
    const result = await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(calendarYears).where(eq(calendarYears.year, year)).for('update');
      const before = (existing?.data as CalendarYear | undefined) ?? shippedCalendar().years[String(year)];
      const summary = calendarDiff(before, after);
      const version = (existing?.version ?? 0) + 1;
      await tx
        .insert(calendarYears)
        .values({ year, data: after, version, updatedBy: body.actor })
        .onConflictDoUpdate({ target: calendarYears.year, set: { data: after, version, updatedBy: body.actor, updatedAt: sql`now()` } });
      await tx.insert(calendarChanges).values({ year, version, actor: body.actor, reason: body.reason, summary: summary.zh, before: before ?? null, after });
      return { version, summary };
    });
    const full = await loadCalendar(db);
    const running = await db
      .select({ workflowId: campaigns.workflowId })
      .from(campaigns)
      .where(inArray(campaigns.status, ['scheduled', 'running']));
    let notified = 0;
    for (const c of running) {
      try {
        await client.workflow.getHandle(c.workflowId).signal(calendarChangedSignal, { calendar: full, year, summary: result.summary, actor: body.actor });
        notified++;
      } catch {
        // A campaign that closed meanwhile has nothing left to move.
      }
    }
    return { year, version: result.version, summary: result.summary, campaignsNotified: notified };
  }

  // ---- preview ----

  async function preview(plan: Plan, resolved: ResolvedPhase[]): Promise<ReportingPreviewView | null> {
    if (!plan.reporting) return null;
    const p = previewReporting(plan, resolved, await loadCalendar(db));
    return {
      phases: p.phases.map((x) => ({ key: x.key, nameZh: x.nameZh, nameEn: x.nameEn, deadlineAt: new Date(x.deadlineAt).toISOString(), deadlineDate: x.deadlineDate, note: x.note })),
      levels: p.levels.map((l) => ({
        level: l.level,
        dueTime: l.dueTime,
        rule: l.rule as Record<string, unknown>,
        periods: l.periods.map((q) => ({ ...q, dueAt: new Date(q.dueAt).toISOString(), dueLocal: formatDueLocal(q.dueAt, plan.timeZone) })),
      })),
      warnings: p.warnings,
    };
  }

  // ---- unit reporting ----

  async function unitReporting(id: string, code: string): Promise<UnitReportingView> {
    const c = await campaignRow(id);
    await unitRow(id, code);
    const [periodRows, reportRows] = await Promise.all([
      db.select().from(reportPeriods).where(and(eq(reportPeriods.campaignId, id), eq(reportPeriods.unitCode, code))).orderBy(asc(reportPeriods.dueAt)),
      db.select().from(reports).where(and(eq(reports.campaignId, id), eq(reports.unitCode, code))).orderBy(asc(reports.periodKey), asc(reports.revision)),
    ]);
    return {
      periods: periodRows.map(
        (p): PeriodView => ({
          key: p.periodKey,
          seq: p.seq,
          rawDate: p.rawDate,
          dueDate: p.dueDate,
          dueAt: p.dueAt.toISOString(),
          dueLocal: formatDueLocal(p.dueAt.getTime(), c.timeZone),
          shifted: p.shifted,
          reason: p.reason as PeriodView['reason'],
          calendarKnown: p.calendarKnown,
          status: p.status as PeriodView['status'],
          reportedAt: iso(p.reportedAt),
          changeNote: p.changeNote as PeriodView['changeNote'],
        }),
      ),
      reports: reportRows.map((r) => ({
        id: r.id,
        periodKey: r.periodKey,
        revision: r.revision,
        enrolled: r.enrolled,
        paid: r.paid,
        amountYuan: r.amountFen / 100,
        mobilePaid: r.mobilePaid,
        hardshipCovered: r.hardshipCovered,
        late: r.late,
        source: r.source,
        actor: r.actor,
        note: r.note,
        submittedAt: r.submittedAt.toISOString(),
      })),
    };
  }

  async function submitReport(
    id: string,
    code: string,
    req: { periodKey: string; enrolled: number; paid: number; amountYuan: number; mobilePaid: number; hardshipCovered: number; actor: string; note?: string },
    source: 'console' | 'api',
    updateId: string = randomUUID(),
  ): Promise<ReportReceiptView> {
    const handle = await runningUnit(id, code);
    const receipt = await handle.executeUpdate(submitReportUpdate, {
      args: [
        {
          periodKey: req.periodKey,
          figures: {
            enrolled: req.enrolled,
            paid: req.paid,
            amountFen: Math.round(req.amountYuan * 100),
            mobilePaid: req.mobilePaid,
            hardshipCovered: req.hardshipCovered,
          },
          actor: req.actor,
          source,
          note: req.note ?? null,
        },
      ],
      updateId,
    });
    return { ...receipt, dueAt: new Date(receipt.dueAt).toISOString(), submittedAt: new Date(receipt.submittedAt).toISOString() };
  }

  // ---- escalations ----

  async function escalationList(id: string, q: z.infer<typeof EscalationQuerySchema>): Promise<EscalationView[]> {
    await campaignRow(id);
    const where = [eq(escalations.campaignId, id)];
    if (q.track) where.push(eq(escalations.track, q.track));
    if (q.rung) where.push(eq(escalations.rung, q.rung));
    if (q.status === 'active') where.push(inArray(escalations.status, ACTIVE_ESCALATION));
    else if (q.status) where.push(eq(escalations.status, q.status));
    if (q.region) {
      // The region itself and its whole subtree.
      where.push(sql`${escalations.unitCode} in (
        with recursive sub(code) as (
          select ${q.region}::text
          union all
          select u.code from ${units} u join sub on u.parent_code = sub.code where u.campaign_id = ${id}
        ) select code from sub)`);
    }
    const rows = await db
      .select({ e: escalations, name: units.name, level: units.level, parentCode: units.parentCode })
      .from(escalations)
      .innerJoin(units, and(eq(units.campaignId, escalations.campaignId), eq(units.code, escalations.unitCode)))
      .where(and(...where))
      .orderBy(desc(escalations.firedAt), desc(escalations.rungIndex))
      .limit(q.limit);
    const ids = rows.map((r) => r.e.id);
    const responses = ids.length
      ? await db.select().from(escalationResponses).where(inArray(escalationResponses.escalationId, ids)).orderBy(asc(escalationResponses.at))
      : [];
    return rows.map(({ e, name, level, parentCode }) => ({
      id: e.id,
      unitCode: e.unitCode,
      unitName: name,
      level: level as RegionLevel,
      parentCode,
      track: e.track as EscalationView['track'],
      episode: e.episode,
      rung: e.rung as EscalationView['rung'],
      rungIndex: e.rungIndex,
      rungName: e.rungName,
      reason: e.reason as EscalationView['reason'],
      detail: e.detail as Record<string, unknown>,
      notified: e.notified as string[],
      firedAt: e.firedAt.toISOString(),
      status: e.status as EscalationView['status'],
      nextRungAt: iso(e.nextRungAt),
      resolvedAt: iso(e.resolvedAt),
      resolution: e.resolution,
      responses: responses
        .filter((r) => r.escalationId === e.id)
        .map((r) => ({ kind: r.kind as EscalationView['responses'][number]['kind'], actor: r.actor, text: r.text, at: r.at.toISOString() })),
    }));
  }

  async function respond(
    id: string,
    req: { escalationId: string; kind: 'acknowledge' | 'answer' | 'waive'; actor: string; text: string },
    updateId: string = randomUUID(),
  ) {
    const [e] = await db.select().from(escalations).where(and(eq(escalations.id, req.escalationId), eq(escalations.campaignId, id)));
    if (!e) throw notFound(`活动 ${id} 中没有编号为 ${req.escalationId} 的督办记录`);
    const handle = await runningUnit(id, e.unitCode);
    return handle.executeUpdate(respondEscalationUpdate, { args: [req], updateId });
  }

  // ---- deadlines ahead ----

  async function deadlines(days: number): Promise<DeadlinesView> {
    const from = now();
    const to = from + days * 86_400_000;
    const LIMIT = 500;
    const [periodRows, phaseRows, rungRows] = await Promise.all([
      db
        .select({ p: reportPeriods, unitName: units.name, title: campaigns.title, tz: campaigns.timeZone })
        .from(reportPeriods)
        .innerJoin(units, and(eq(units.campaignId, reportPeriods.campaignId), eq(units.code, reportPeriods.unitCode)))
        .innerJoin(campaigns, eq(campaigns.id, reportPeriods.campaignId))
        .where(and(eq(reportPeriods.status, 'open'), gt(reportPeriods.dueAt, new Date(from)), lte(reportPeriods.dueAt, new Date(to)), inArray(campaigns.status, ['scheduled', 'running'])))
        .orderBy(asc(reportPeriods.dueAt))
        .limit(LIMIT),
      db
        .select({ p: phases, title: campaigns.title, tz: campaigns.timeZone })
        .from(phases)
        .innerJoin(campaigns, eq(campaigns.id, phases.campaignId))
        .where(and(inArray(phases.status, ['pending', 'active']), gt(phases.deadlineAt, new Date(from)), lte(phases.deadlineAt, new Date(to))))
        .orderBy(asc(phases.deadlineAt)),
      db
        .select({ e: escalations, unitName: units.name, title: campaigns.title, tz: campaigns.timeZone })
        .from(escalations)
        .innerJoin(units, and(eq(units.campaignId, escalations.campaignId), eq(units.code, escalations.unitCode)))
        .innerJoin(campaigns, eq(campaigns.id, escalations.campaignId))
        .where(and(isNotNull(escalations.nextRungAt), gte(escalations.nextRungAt, new Date(from)), lte(escalations.nextRungAt, new Date(to)), inArray(escalations.status, ACTIVE_ESCALATION)))
        .orderBy(asc(escalations.nextRungAt))
        .limit(LIMIT),
    ]);
    const items: DeadlineItem[] = [
      ...periodRows.map(({ p, unitName, title, tz }) => ({
        kind: 'report' as const,
        campaignId: p.campaignId,
        campaignTitle: title,
        unitCode: p.unitCode,
        unitName,
        at: p.dueAt.toISOString(),
        label: {
          zh: `${unitName} ${p.periodKey} 期报表截止 ${formatDueLocal(p.dueAt.getTime(), tz)}${p.shifted ? '（节假日顺延）' : ''}`,
          en: `${unitName}: report for ${p.periodKey} due ${formatDueLocal(p.dueAt.getTime(), tz)}${p.shifted ? ' (moved past a holiday)' : ''}`,
        },
      })),
      ...phaseRows.map(({ p, title, tz }) => ({
        kind: 'phase' as const,
        campaignId: p.campaignId,
        campaignTitle: title,
        unitCode: null,
        unitName: null,
        at: p.deadlineAt.toISOString(),
        label: { zh: `「${p.nameZh}」截止 ${formatDueLocal(p.deadlineAt.getTime(), tz)}`, en: `${p.nameEn} ends ${formatDueLocal(p.deadlineAt.getTime(), tz)}` },
      })),
      ...rungRows.map(({ e, unitName, title, tz }) => ({
        kind: 'escalation' as const,
        campaignId: e.campaignId,
        campaignTitle: title,
        unitCode: e.unitCode,
        unitName,
        at: e.nextRungAt!.toISOString(),
        label: {
          zh: `${unitName} ${e.episode} 期仍未报送，将于 ${formatDueLocal(e.nextRungAt!.getTime(), tz)} 升级（当前「${e.rungName}」）`,
          en: `${unitName}: still no report for ${e.episode}; escalates at ${formatDueLocal(e.nextRungAt!.getTime(), tz)} (now: ${e.rung})`,
        },
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), items, truncated: periodRows.length === LIMIT || rungRows.length === LIMIT };
  }

  // ---- circulars ----

  const toCircular = (r: typeof circulars.$inferSelect): CircularView => ({
    id: r.id,
    campaignId: r.campaignId,
    periodKey: r.periodKey,
    seq: r.seq,
    title: r.title,
    status: r.status as CircularView['status'],
    draftedAt: r.draftedAt.toISOString(),
    approvedBy: r.approvedBy,
    approvalNote: r.approvalNote,
    publishedAt: iso(r.publishedAt),
    issuer: r.issuer,
    docNo: r.docNo,
    content: r.content as CircularContent,
  });

  async function circularList(id: string): Promise<CircularView[]> {
    await campaignRow(id);
    const rows = await db.select().from(circulars).where(eq(circulars.campaignId, id)).orderBy(desc(circulars.seq));
    return rows.map(toCircular);
  }



  async function approveCircular(
    id: string,
    req: { circularId: string; actor: string; note: string; issuer?: string; docNo?: string },
    updateId: string = randomUUID(),
  ) {
    const c = await campaignRow(id);
    if (c.status === 'completed' || c.status === 'cancelled') throw new HttpProblem(422, '操作被拒绝', '活动已结束或撤销，不能再发布通报');
    const { issuer, docNo, ...update } = req;
    const result = await client.workflow.getHandle(c.workflowId).executeUpdate(approveCircularUpdate, { args: [update], updateId });
    // The document's head and 落款: the office the approver names (by default the campaign region's
    // 人社局), and the number from its register. Kept beside the workflow's own record of the approval.
    await db
      .update(circulars)
      .set({ issuer: issuer ?? defaultIssuer(c.regionName), docNo: docNo ?? null })
      .where(and(eq(circulars.campaignId, id), eq(circulars.id, req.circularId)));
    return result;
  }

  /** The document's input: the circular, its campaign's zone, the issuer and number the approver gave. */
  async function circularDocInput(id: string, seq: number): Promise<{ input: CircularDocInput; periodKey: string }> {
    const c = await campaignRow(id);
    const [row] = await db.select().from(circulars).where(and(eq(circulars.campaignId, id), eq(circulars.seq, seq)));
    if (!row) throw notFound(`活动 ${id} 没有第 ${seq} 期通报`);
    const content = row.content as CircularContent;
    const input: CircularDocInput = {
      title: row.title,
      status: row.status as 'draft' | 'published',
      periodKey: row.periodKey,
      dueAt: content.dueAt,
      timeZone: c.timeZone,
      level: content.level,
      streamName: content.streamName ?? null,
      figures: content.figures ?? null,
      figuresAsOf: content.figuresAsOf ?? null,
      ranking: content.ranking,
      late: content.late,
      praised: content.praised,
      // Approved before the approver could name an office (or through the workflow alone): the region's 人社局.
      issuer: row.issuer ?? (row.status === 'published' ? defaultIssuer(c.regionName) : null),
      docNo: row.docNo,
      publishedAt: row.publishedAt,
      approvalNote: row.approvalNote,
    };
    return { input, periodKey: row.periodKey };
  }

  async function circularHtml(id: string, seq: number): Promise<string> {
    return renderCircularHtml((await circularDocInput(id, seq)).input);
  }

  /** The circular as a sheet in the document's layout, for the route to write as XLSX (formats/xlsxWriter.ts). */
  async function circularXlsx(id: string, seq: number): Promise<{ fileName: string; sheets: Sheet[] }> {
    const { input, periodKey } = await circularDocInput(id, seq);
    const sheets = [{ name: '通报', rows: circularRows(input), widths: [10, 18, 12, 12, 10, 18, 12] }];
    return { fileName: `circular-${id}-${periodKey}.xlsx`, sheets };
  }

  // ---- inbox ----

  async function inbox(recipient: string | undefined, limit: number): Promise<InboxMessageView[]> {
    const rows = await db
      .select()
      .from(inboxMessages)
      .where(recipient ? eq(inboxMessages.recipient, recipient) : undefined)
      .orderBy(desc(inboxMessages.createdAt))
      .limit(limit);
    return rows.map((m) => ({ id: m.id, campaignId: m.campaignId, recipient: m.recipient, kind: m.kind, refId: m.refId, subject: m.subject, body: m.body, createdAt: m.createdAt.toISOString() }));
  }

  return {
    lights,
    calendar,
    putCalendar,
    preview,
    unitReporting,
    submitReport,
    escalations: escalationList,
    respond,
    deadlines,
    circulars: circularList,
    approveCircular,
    circularHtml,
    circularXlsx,
    inbox,
  };
}

export type ReportingService = ReturnType<typeof createReportingService>;
