// Reporting and escalation writes made by the unit and campaign workflows (through
// activities/reporting.ts). Every write is idempotent: rows carry ids made in the workflow, a record and
// the notifications announcing it are written in one transaction, and version counters keep an older
// write from overwriting a newer one.
import { and, asc, desc, eq, inArray, lte, ne, notInArray, sql } from 'drizzle-orm';
import { DEFAULT_ROLLUP_RULE, rollUpFigures, type RollupRule } from '../domain/rollup';
import { LEGACY_STREAM_KEY, parsePeriodKey } from '../domain/streams';
import type { Targets } from '../domain/targets';
import { isLate } from '../domain/time';
import { rowsOf, type Db } from '../db/client';
import {
  campaigns,
  circulars,
  escalationResponses,
  escalations,
  milestones,
  reportPeriods,
  reports,
  units,
} from '../db/schema';
import { listChildUnits, planOf, recordUnitState, reportingContextOf } from './campaigns';
import { unitNotFound } from './errors';
import { enqueue, type Channels } from './outbox';
import type { OutboxMessage } from '../contracts/outbox';
import type { UnitSpec, UnitTransition } from '../contracts/campaign';
import { MILESTONE_TRACK, type CircularContent, type EscalationWrite, type RecordedTrack, type ReportingContext, type ReportWrite, type ScheduleWrite, type UnitProgress } from '../contracts/reporting';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const CLOSED_STATUSES = ['resolved', 'waived'];

/** A period key's raw date (`2023-10-15` or `xunbao:2023-10-15`): how recent a report is, whatever its stream. */
const periodDate = (column: unknown) => sql`right(${column}, 10)`;

/**
 * Effective figures of one unit under the plan's roll-up rule (domain/rollup.ts): its own latest report,
 * its children's sum ("n of m reported") or the verified figures. The alternatives are kept beside the
 * chosen figures (rollup_own, rollup_children) for the API to show side by side.
 */
export async function rollUp(tx: Tx, campaignId: string, code: string, rule?: RollupRule): Promise<void> {
  const chosenRule = rule ?? (await rollupRuleOf(tx, campaignId));
  const [own] = await tx
    .select()
    .from(reports)
    .where(and(eq(reports.campaignId, campaignId), eq(reports.unitCode, code)))
    .orderBy(desc(periodDate(reports.periodKey)), desc(reports.submittedAt), desc(reports.revision))
    .limit(1);
  const [kids] = await tx
    .select({
      latest: sql<string | null>`max(${periodDate(units.ownPeriodKey)})`,
      enrolled: sql<number>`coalesce(sum(${units.enrolled}), 0)::int`,
      paid: sql<number>`coalesce(sum(${units.paid}), 0)::int`,
      amountFen: sql<number>`coalesce(sum(${units.amountFen}), 0)::bigint`,
      mobilePaid: sql<number>`coalesce(sum(${units.mobilePaid}), 0)::int`,
      hardshipCovered: sql<number>`coalesce(sum(${units.hardshipCovered}), 0)::int`,
      reported: sql<number>`count(*) filter (where ${units.paid} > 0 or ${units.enrolled} > 0 or ${units.ownPeriodKey} is not null)::int`,
      of: sql<number>`count(*)::int`,
    })
    .from(units)
    .where(and(eq(units.campaignId, campaignId), eq(units.parentCode, code)));
  const [self] = await tx
    .select({ paid: units.verifiedPaid, amountFen: units.verifiedAmountFen, mobilePaid: units.verifiedMobilePaid, asOf: units.verifiedAsOf })
    .from(units)
    .where(and(eq(units.campaignId, campaignId), eq(units.code, code)));
  const ownInput = own
    ? { periodKey: own.periodKey, figures: { enrolled: own.enrolled, paid: own.paid, amountFen: Number(own.amountFen), mobilePaid: own.mobilePaid, hardshipCovered: own.hardshipCovered } }
    : null;
  const children = {
    figures: { enrolled: kids.enrolled, paid: kids.paid, amountFen: Number(kids.amountFen), mobilePaid: kids.mobilePaid, hardshipCovered: kids.hardshipCovered },
    reported: kids.reported,
    of: kids.of,
    latestPeriodKey: kids.latest,
  };
  const verified = self && self.paid !== null && self.asOf !== null ? { paid: self.paid, amountFen: Number(self.amountFen ?? 0), mobilePaid: self.mobilePaid ?? 0, asOf: self.asOf } : null;
  // Compared by the periods' raw dates (children's `latest` is one), so reports of several streams order by date.
  const ownByDate = ownInput && { ...ownInput, periodKey: parsePeriodKey(ownInput.periodKey).rawDate };
  const result = rollUpFigures(chosenRule, { own: ownByDate, children, verified });
  const childrenShown = result.source === 'children' || result.source === 'children-partial';
  await tx
    .update(units)
    .set({
      ...result.figures,
      ownPeriodKey: own?.periodKey ?? (childrenShown ? kids.latest : null),
      rollupOwn: ownInput,
      rollupChildren: kids.of > 0 ? children : null,
      rollupSource: result.source,
      updatedAt: sql`now()`,
    })
    .where(and(eq(units.campaignId, campaignId), eq(units.code, code)));
}

/** The plan's roll-up rule (domain/rollup.ts), own-first when the plan names none. */
export async function rollupRuleOf(tx: Tx | Db, campaignId: string): Promise<RollupRule> {
  const [row] = await tx.select({ rule: sql<string | null>`${campaigns.plan}->>'rollup'` }).from(campaigns).where(eq(campaigns.id, campaignId));
  return (row?.rule as RollupRule | null) ?? DEFAULT_ROLLUP_RULE;
}

/** The unit and its ancestors, bottom up (the campaign's own region has no row), in one query. */
async function lineage(tx: Tx, campaignId: string, code: string): Promise<string[]> {
  const rows = await tx.execute<{ code: string }>(sql`
    with recursive up(code, parent_code, depth) as (
      select code, parent_code, depth from ${units} where campaign_id = ${campaignId} and code = ${code}
      union all
      select u.code, u.parent_code, u.depth from ${units} u join up on u.code = up.parent_code where u.campaign_id = ${campaignId}
    ) select code from up order by depth desc`);
  return rowsOf<{ code: string }>(rows).map((r) => r.code);
}

async function refreshOverdue(tx: Tx, campaignId: string, unitCode: string): Promise<void> {
  await tx
    .update(units)
    .set({
      overdue: sql`exists (select 1 from ${escalations} e where e.campaign_id = ${campaignId} and e.unit_code = ${unitCode}
        and e.track = 'missed-report' and e.status not in ('resolved', 'waived'))`,
      paceBehind: sql`${units.paceBehind} and exists (select 1 from ${escalations} e where e.campaign_id = ${campaignId}
        and e.unit_code = ${unitCode} and e.track = 'behind-pace' and e.status not in ('resolved', 'waived'))`,
    })
    .where(and(eq(units.campaignId, campaignId), eq(units.code, unitCode)));
}

/** A unit's periods with their due dates and states, and its next due report. */
export async function recordSchedule(db: Db, w: ScheduleWrite): Promise<void> {
  await db.transaction(async (tx) => {
    const moved = await tx
      .update(units)
      .set({
        nextPeriodKey: w.next?.key ?? null,
        nextDueAt: w.next ? new Date(w.next.dueAt) : null,
        reportingVersion: w.version,
      })
      .where(and(eq(units.campaignId, w.campaignId), eq(units.code, w.unitCode), lte(units.reportingVersion, w.version)))
      .returning({ code: units.code });
    if (moved.length === 0 || w.periods.length === 0) return;
    const rows = w.periods.map((p) => ({
      campaignId: w.campaignId,
      unitCode: w.unitCode,
      periodKey: p.key,
      stream: p.stream ?? parsePeriodKey(p.key).stream,
      seq: p.seq,
      rawDate: p.rawDate,
      dueDate: p.dueDate,
      dueAt: new Date(p.dueAt),
      shifted: p.shifted,
      reason: p.reason,
      calendarKnown: p.calendarKnown,
      status: p.status,
      changeNote: p.changeNote,
      version: w.version,
    }));
    await tx
      .insert(reportPeriods)
      .values(rows)
      .onConflictDoUpdate({
        target: [reportPeriods.campaignId, reportPeriods.unitCode, reportPeriods.periodKey],
        set: {
          seq: sql`excluded.seq`,
          dueDate: sql`excluded.due_date`,
          dueAt: sql`excluded.due_at`,
          shifted: sql`excluded.shifted`,
          reason: sql`excluded.reason`,
          calendarKnown: sql`excluded.calendar_known`,
          status: sql`excluded.status`,
          changeNote: sql`excluded.change_note`,
          version: sql`excluded.version`,
        },
        setWhere: sql`${reportPeriods.version} <= excluded.version`,
      });
  });
}

export async function loadReportingContext(db: Db, campaignId: string): Promise<Omit<ReportingContext, 'calendar'>> {
  return reportingContextOf(await planOf(db, campaignId));
}

/**
 * A unit workflow's first step in one activity (a province starts 1,600 of them): its state row,
 * its schedule, and its workflow-level children to start.
 */
export async function startUnit(db: Db, input: { transition: UnitTransition; schedule: ScheduleWrite }): Promise<UnitSpec[]> {
  await recordUnitState(db, input.transition);
  await recordSchedule(db, input.schedule);
  return listChildUnits(db, input.transition.campaignId, input.transition.code);
}

/** Stores a report (amendments are new revisions), closes the period's missed-report track, rolls figures up. */
export async function recordReport(db: Db, w: ReportWrite): Promise<{ stored: boolean }> {
  return db.transaction(async (tx) => {
    // Reports of sibling towns run at once on PostgreSQL: lock the lineage top-down first, so that
    // each roll-up of a shared county reads its towns after the other report has committed.
    const chain = await lineage(tx, w.campaignId, w.unitCode);
    if (chain.length > 0) {
      await tx.execute(sql`select 1 from ${units} where campaign_id = ${w.campaignId} and code in ${chain} order by depth for update`);
    }
    const inserted = await tx
      .insert(reports)
      .values({
        id: w.id,
        campaignId: w.campaignId,
        unitCode: w.unitCode,
        periodKey: w.periodKey,
        stream: w.stream ?? parsePeriodKey(w.periodKey).stream,
        revision: w.revision,
        ...w.figures,
        late: w.late,
        source: w.source,
        actor: w.actor,
        note: w.note,
        submittedAt: new Date(w.at),
      })
      .onConflictDoNothing()
      .returning({ id: reports.id });
    if (inserted.length === 0) return { stored: false };
    await tx
      .update(reportPeriods)
      .set({
        status: w.late ? 'late' : 'reported',
        // An ISO string, not a Date: postgres.js takes no Date inside a raw fragment (PGlite does).
        reportedAt: sql`coalesce(${reportPeriods.reportedAt}, ${new Date(w.at).toISOString()}::timestamptz)`,
      })
      .where(and(eq(reportPeriods.campaignId, w.campaignId), eq(reportPeriods.unitCode, w.unitCode), eq(reportPeriods.periodKey, w.periodKey)));
    await tx
      .update(escalations)
      .set({ status: 'resolved', resolvedAt: new Date(w.at), resolution: `${w.late ? '迟报' : '已报'}：${w.actor}`, nextRungAt: null })
      .where(
        and(
          eq(escalations.campaignId, w.campaignId),
          eq(escalations.unitCode, w.unitCode),
          eq(escalations.track, 'missed-report'),
          eq(escalations.episode, w.periodKey),
          notInArray(escalations.status, CLOSED_STATUSES),
        ),
      );
    if (w.next !== undefined) {
      await tx
        .update(units)
        .set({ nextPeriodKey: w.next?.key ?? null, nextDueAt: w.next ? new Date(w.next.dueAt) : null })
        .where(and(eq(units.campaignId, w.campaignId), eq(units.code, w.unitCode)));
    }
    await refreshOverdue(tx, w.campaignId, w.unitCode);
    const rule = await rollupRuleOf(tx, w.campaignId);
    for (const code of chain) await rollUp(tx, w.campaignId, code, rule);
    return { stored: true };
  });
}

export async function unitProgress(db: Db, input: { campaignId: string; unitCode: string }): Promise<UnitProgress> {
  const [row] = await db
    .select({
      enrolled: units.enrolled,
      paid: units.paid,
      amountFen: units.amountFen,
      mobilePaid: units.mobilePaid,
      hardshipCovered: units.hardshipCovered,
      targetEnrolled: units.targetEnrolled,
      targetPaying: units.targetPaying,
      targets: units.targets,
    })
    .from(units)
    .where(and(eq(units.campaignId, input.campaignId), eq(units.code, input.unitCode)));
  if (!row) throw unitNotFound(input.unitCode);
  return { ...row, amountFen: Number(row.amountFen), targets: (row.targets as Targets | null) ?? null };
}

/** One rung of a track, and its notifications, in one transaction; a retry inserts nothing. */
export async function recordEscalation(db: Db, w: EscalationWrite, channels: Channels): Promise<{ stored: boolean }> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(escalations)
      .values({
        id: w.id,
        campaignId: w.campaignId,
        unitCode: w.unitCode,
        track: w.track,
        stream: w.stream ?? null,
        episode: w.episode,
        rung: w.rung,
        rungIndex: w.rungIndex,
        rungName: w.rungName,
        reason: w.reason,
        detail: w.detail,
        notified: w.notified,
        firedAt: new Date(w.firedAt),
        nextRungAt: w.nextRungAt === null ? null : new Date(w.nextRungAt),
      })
      .onConflictDoNothing()
      .returning({ id: escalations.id });
    if (inserted.length === 0) return { stored: false };
    await tx
      .update(escalations)
      .set({ nextRungAt: null })
      .where(
        and(
          eq(escalations.campaignId, w.campaignId),
          eq(escalations.unitCode, w.unitCode),
          eq(escalations.track, w.track),
          eq(escalations.episode, w.episode),
          ne(escalations.id, w.id),
        ),
      );
    // A milestone's rung is the campaign's (its unit is the plan's region, which has no unit row).
    if (w.track !== MILESTONE_TRACK) {
      const flags = w.track === 'missed-report' ? { overdue: true } : { paceBehind: true, ...(w.targetMissed ? { targetMissed: true } : {}) };
      await tx.update(units).set(flags).where(and(eq(units.campaignId, w.campaignId), eq(units.code, w.unitCode)));
    } else {
      await tx
        .update(milestones)
        .set({ status: 'overdue', rungsFired: sql`greatest(${milestones.rungsFired}, ${w.rungIndex + 1})`, nextEventAt: w.nextRungAt === null ? null : new Date(w.nextRungAt) })
        .where(and(eq(milestones.campaignId, w.campaignId), eq(milestones.key, w.episode), ne(milestones.status, 'confirmed')));
    }
    const trackZh = TRACK_ZH[w.track];
    const messages: OutboxMessage[] = w.notified.map((recipient) => ({
      id: `${w.id}/${recipient}`,
      campaignId: w.campaignId,
      kind: 'escalation',
      refId: w.id,
      recipient,
      subject: `【${w.rungName}】${w.unitName} ${trackZh}`,
      body: w.reason.zh,
      payload: { unitCode: w.unitCode, track: w.track, rung: w.rung, episode: w.episode, reasonEn: w.reason.en },
    }));
    await enqueue(tx, messages, channels);
    return { stored: true };
  });
}

const TRACK_ZH: Readonly<Record<RecordedTrack, string>> = { 'missed-report': '逾期未报', 'behind-pace': '进度滞后', milestone: '节点任务逾期未确认完成' };

/** Closes the open rungs of an episode (report arrived, back on pace, waived). */
export async function closeEpisode(db: Db, input: {
  campaignId: string;
  unitCode: string;
  track: RecordedTrack;
  episode: string;
  status: 'resolved' | 'waived';
  resolution: string;
  at: number;
}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(escalations)
      .set({ status: input.status, resolvedAt: new Date(input.at), resolution: input.resolution, nextRungAt: null })
      .where(
        and(
          eq(escalations.campaignId, input.campaignId),
          eq(escalations.unitCode, input.unitCode),
          eq(escalations.track, input.track),
          eq(escalations.episode, input.episode),
          notInArray(escalations.status, CLOSED_STATUSES),
        ),
      );
    if (input.track === 'behind-pace') {
      await tx.update(units).set({ paceBehind: false }).where(and(eq(units.campaignId, input.campaignId), eq(units.code, input.unitCode)));
    }
    await refreshOverdue(tx, input.campaignId, input.unitCode);
  });
}

/** The last pace check: behind or not, the expected count (null when the first judged metric is not a head count), a target missed at the deadline. */
export async function recordPaceCheck(db: Db, input: { campaignId: string; unitCode: string; behind: boolean; expected: number | null; targetMissed?: boolean }): Promise<void> {
  await db
    .update(units)
    .set({ paceBehind: input.behind, paceExpected: input.expected, ...(input.targetMissed !== undefined ? { targetMissed: input.targetMissed } : {}) })
    .where(and(eq(units.campaignId, input.campaignId), eq(units.code, input.unitCode)));
}

/** An acknowledgement, answer or waiver; the escalation's status follows the latest. */
export async function recordEscalationResponse(db: Db, input: {
  id: string;
  escalationId: string;
  kind: 'acknowledge' | 'answer' | 'waive';
  actor: string;
  text: string;
  at: number;
}): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(escalationResponses)
      .values({ ...input, at: new Date(input.at) })
      .onConflictDoNothing()
      .returning({ id: escalationResponses.id });
    if (inserted.length === 0) return;
    const status = { acknowledge: 'acknowledged', answer: 'answered', waive: 'waived' }[input.kind];
    await tx
      .update(escalations)
      .set({ status, ...(input.kind === 'waive' ? { resolvedAt: new Date(input.at), resolution: `豁免：${input.actor}：${input.text}`, nextRungAt: null } : {}) })
      .where(and(eq(escalations.id, input.escalationId), notInArray(escalations.status, CLOSED_STATUSES)));
  });
}

/**
 * 通报 draft for a period's close: units of one level ranked by completion, late reporters named, the
 * best praised. Per stream (旬报, 月调度 …): the previous circular compared with is the stream's own.
 * Completion is paid ÷ the 缴费人数 target, or paid ÷ 应参保人数 for units judged on rates (Lanchen's
 * communities have a headcount and a 99% 征缴率, no count). For a stream nobody reports in (季通报), a
 * unit counts as reported when it had reported in any stream by the close.
 */
export async function draftCircular(db: Db, input: {
  campaignId: string;
  periodKey: string;
  seq: number;
  dueAt: number;
  level: string;
  at: number;
  /** Absent in campaigns prepared before streams (the legacy stream). */
  stream?: string;
  streamName?: string;
  /** Whether units submit reports in the stream (default true). */
  reports?: boolean;
}): Promise<{ id: string; stored: boolean }> {
  const id = `${input.campaignId}/circular/${input.periodKey}`;
  const stream = input.stream ?? parsePeriodKey(input.periodKey).stream;
  const [campaign] = await db.select({ title: campaigns.title, regionName: campaigns.regionName }).from(campaigns).where(eq(campaigns.id, input.campaignId));
  const rows = await db
    .select({ code: units.code, name: units.name, paid: units.paid, targetPaying: units.targetPaying, targets: units.targets, ord: units.ord, verifiedAsOf: units.verifiedAsOf })
    .from(units)
    .where(and(eq(units.campaignId, input.campaignId), eq(units.level, input.level)))
    .orderBy(asc(units.depth), asc(units.ord));
  const codes = rows.map((r) => r.code);
  const periodReports =
    codes.length === 0
      ? []
      : await db
          .select({ unitCode: reports.unitCode, firstAt: sql<Date>`min(${reports.submittedAt})` })
          .from(reports)
          .where(
            and(
              eq(reports.campaignId, input.campaignId),
              inArray(reports.unitCode, codes),
              input.reports === false ? lte(reports.submittedAt, new Date(input.dueAt)) : eq(reports.periodKey, input.periodKey),
            ),
          )
          .groupBy(reports.unitCode);
  const reportedAt = new Map(periodReports.map((r) => [r.unitCode, new Date(r.firstAt).getTime()]));
  const [previous] = await db
    .select({ content: circulars.content })
    .from(circulars)
    .where(and(eq(circulars.campaignId, input.campaignId), eq(circulars.stream, stream), lte(circulars.seq, input.seq - 1)))
    .orderBy(desc(circulars.seq))
    .limit(1);
  const previousRates = new Map(((previous?.content as CircularContent | undefined)?.ranking ?? []).map((r) => [r.code, r.rate]));
  const rule = await rollupRuleOf(db, input.campaignId);
  const verifiedAsOf = rows.reduce<string | null>((max, r) => (r.verifiedAsOf && (!max || String(r.verifiedAsOf) > max) ? String(r.verifiedAsOf) : max), null);
  const byHeadcount = rows.length > 0 && rows.every((r) => !r.targetPaying) && rows.some((r) => (r.targets as Targets | null)?.headcount);
  const rated = rows.map((r) => {
    const base = byHeadcount ? ((r.targets as Targets | null)?.headcount ?? null) : r.targetPaying;
    return { ...r, base, rate: base ? r.paid / base : null };
  });
  rated.sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || a.ord - b.ord);
  const ranking: CircularContent['ranking'] = rated.map((r, i) => {
    const at = reportedAt.get(r.code);
    const previousRate = previousRates.get(r.code) ?? null;
    return {
      rank: i + 1,
      code: r.code,
      name: r.name,
      paid: r.paid,
      targetPaying: r.base,
      rate: r.rate,
      previousRate,
      change: r.rate !== null && previousRate !== null ? r.rate - previousRate : null,
      reported: at === undefined ? 'missing' : isLate(at, input.dueAt) ? 'late' : 'on-time',
    };
  });
  const content: CircularContent = {
    level: input.level,
    periodKey: input.periodKey,
    ...(input.stream !== undefined ? { stream, streamName: input.streamName ?? stream } : {}),
    rateBasis: byHeadcount ? 'headcount' : 'paying',
    figures: rule,
    ...(rule === 'verified' ? { figuresAsOf: verifiedAsOf } : {}),
    dueAt: input.dueAt,
    ranking,
    late: ranking.filter((r) => r.reported !== 'on-time').map(({ code, name }) => ({ code, name })),
    praised: ranking
      .filter((r) => r.rate !== null && r.reported === 'on-time')
      .slice(0, 3)
      .map(({ code, name, rate }) => ({ code, name, rate: rate! })),
  };
  const raw = parsePeriodKey(input.periodKey).rawDate;
  const period = input.streamName && stream !== LEGACY_STREAM_KEY ? `「${input.streamName}」${raw} 期` : `${input.periodKey} 期`;
  const inserted = await db
    .insert(circulars)
    .values({
      id,
      campaignId: input.campaignId,
      periodKey: input.periodKey,
      stream,
      seq: input.seq,
      title: `${campaign?.title ?? input.campaignId} 工作进度通报（${period}）`,
      content,
      draftedAt: new Date(input.at),
    })
    .onConflictDoNothing()
    .returning({ id: circulars.id });
  return { id, stored: inserted.length > 0 };
}

// ---- milestones (节点任务) ----

/** A reminder that a milestone falls due in N working days, to the units carrying it out; sent once (its id). */
export async function sendMilestoneReminder(
  db: Db,
  input: { id: string; campaignId: string; key: string; recipients: string[]; subject: string; body: string; bodyEn: string; sent: number; nextEventAt: number | null },
  channels: Channels,
): Promise<{ enqueued: number }> {
  return db.transaction(async (tx) => {
    const enqueued = await enqueue(
      tx,
      input.recipients.map((recipient) => ({
        id: `${input.id}/${recipient}`,
        campaignId: input.campaignId,
        kind: 'reminder' as const,
        refId: input.id,
        recipient,
        subject: input.subject,
        body: input.body,
        payload: { milestone: input.key, bodyEn: input.bodyEn },
      })),
      channels,
    );
    await tx
      .update(milestones)
      .set({ remindersSent: sql`greatest(${milestones.remindersSent}, ${input.sent})`, nextEventAt: input.nextEventAt === null ? null : new Date(input.nextEventAt) })
      .where(and(eq(milestones.campaignId, input.campaignId), eq(milestones.key, input.key), ne(milestones.status, 'confirmed')));
    return { enqueued };
  });
}

/** An official confirmed a milestone done: its row says who and when, and its open rungs close. */
export async function confirmMilestone(db: Db, input: { campaignId: string; regionCode: string; key: string; by: string; at: number; note: string | null }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(milestones)
      .set({ status: 'confirmed', confirmedBy: input.by, confirmedAt: new Date(input.at), confirmationNote: input.note, nextEventAt: null })
      .where(and(eq(milestones.campaignId, input.campaignId), eq(milestones.key, input.key)));
    await tx
      .update(escalations)
      .set({ status: 'resolved', resolvedAt: new Date(input.at), resolution: `已确认完成：${input.by}`, nextRungAt: null })
      .where(
        and(
          eq(escalations.campaignId, input.campaignId),
          eq(escalations.unitCode, input.regionCode),
          eq(escalations.track, MILESTONE_TRACK),
          eq(escalations.episode, input.key),
          notInArray(escalations.status, CLOSED_STATUSES),
        ),
      );
  });
}

/** Publishes an approved circular and notifies every unit of its level and the city. */
export async function publishCircular(db: Db, input: { circularId: string; actor: string; note: string; at: number; cityCode: string }, channels: Channels): Promise<void> {
  await db.transaction(async (tx) => {
    const published = await tx
      .update(circulars)
      .set({ status: 'published', approvedBy: input.actor, approvalNote: input.note, publishedAt: new Date(input.at) })
      .where(and(eq(circulars.id, input.circularId), eq(circulars.status, 'draft')))
      .returning();
    if (published.length === 0) return;
    const c = published[0];
    const content = c.content as CircularContent;
    const recipients = [input.cityCode, ...content.ranking.map((r) => r.code)];
    const lateNames = content.late.map((u) => u.name).join('、') || '无';
    await enqueue(
      tx,
      recipients.map((recipient) => ({
        id: `${c.id}/${recipient}`,
        campaignId: c.campaignId,
        kind: 'circular' as const,
        refId: c.id,
        recipient,
        subject: c.title,
        body: `已发布。迟报或未报：${lateNames}。`,
        payload: { periodKey: c.periodKey },
      })),
      channels,
    );
  });
}
