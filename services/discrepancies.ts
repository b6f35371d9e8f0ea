// 核查验收 discrepancies (差异) between a unit's reported figures and the verified ones from the tax
// bureau's per-person feed (rules in domain/discrepancy.ts, table in db/schema/discrepancies.ts).
//
// `syncDiscrepancies` runs in the transaction of every delivery (services/payments.ts refreshPayments)
// and when an official asks for a check: it updates the figures of every discrepancy, closes those now
// within tolerance and, while the plan's verification phase runs (or when asked), opens one per unit and
// metric beyond tolerance. One row per unit and metric, so re-running opens nothing twice. The answer
// deadline's timer is the discrepancy workflow's (workflows/discrepancy.ts): `escalateDueDiscrepancies`
// marks the unanswered ones escalated to the parent unit and writes their notifications in the same
// transaction, once.
import { and, asc, eq, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { DISCREPANCY_WORKFLOW, discrepanciesChangedSignal, discrepancyWorkflowId, type DiscrepancyWatchInput } from '../contracts/discrepancy';
import type { Db } from '../db/client';
import { campaigns, discrepancies, discrepancyAnswers, phases, units } from '../db/schema';
import { regionContains } from '../domain/access';
import {
  answerDeadline,
  beyondTolerance,
  DISCREPANCY_METRIC_ZH,
  DISCREPANCY_METRICS,
  formatMetric,
  type DiscrepancyMetric,
  type DiscrepancyStatus,
  type Verification,
} from '../domain/discrepancy';
import { PlanSchema } from '../domain/plan';
import type { OutboxMessage } from '../contracts/outbox';
import { loadCalendar } from './calendar';
import { ServiceError } from './errors';
import { enqueue, type Channels } from './outbox';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Conn = Db | Tx;

export const DISCREPANCY_NOT_FOUND = 'DiscrepancyNotFound';
export const DISCREPANCY_CLOSED = 'DiscrepancyClosed';
export const NO_VERIFICATION = 'NoVerification';

interface CampaignVerification {
  verification: Verification;
  timeZone: string;
  regionCode: string;
  currentPhaseKey: string | null;
}

async function verificationOf(db: Conn, campaignId: string): Promise<CampaignVerification | null> {
  const [row] = await db.select({ plan: campaigns.plan, regionCode: campaigns.regionCode, currentPhaseKey: campaigns.currentPhaseKey }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (!row) throw new ServiceError('CampaignNotFound', `征缴活动 ${campaignId} 不存在`, 404);
  const plan = PlanSchema.parse(row.plan);
  return plan.verification ? { verification: plan.verification, timeZone: plan.timeZone, regionCode: row.regionCode, currentPhaseKey: row.currentPhaseKey } : null;
}

/** The plan's verification block (defaults applied), or null when the plan has none. */
export async function verificationSettings(db: Db, campaignId: string): Promise<Verification | null> {
  return (await verificationOf(db, campaignId))?.verification ?? null;
}

/**
 * Starts the campaign's 核查差异 workflow, or pokes the running one (signal-with-start), after something
 * that may have opened discrepancies: an official's check, an uploaded delivery (the API), an inbox
 * delivery (the inbox activity, with the worker's own client). Only for a plan with a verification
 * block: without one nothing can open. Idempotent: a second call is one more signal, which makes the
 * workflow read the deadlines again. Whether the plan is watched.
 */
export async function watchDiscrepancies(db: Db, temporal: { client: Pick<Client, 'workflow'>; taskQueue: string }, campaignId: string): Promise<boolean> {
  if (!(await verificationSettings(db, campaignId))) return false;
  await temporal.client.workflow.signalWithStart(DISCREPANCY_WORKFLOW, {
    taskQueue: temporal.taskQueue,
    workflowId: discrepancyWorkflowId(campaignId),
    args: [{ campaignId } satisfies DiscrepancyWatchInput],
    signal: discrepanciesChangedSignal,
    signalArgs: [],
  });
  return true;
}

interface OwnFigures {
  periodKey: string;
  figures: { paid: number; amountFen: number };
}

const valueOf = (metric: DiscrepancyMetric, f: { paid: number; amountFen: number }) => (metric === 'paid' ? f.paid : f.amountFen);

export interface SyncResult {
  opened: number;
  updated: number;
  closed: number;
}

/**
 * Compares every unit's own latest report with its verified figures. `open`: whether new discrepancies
 * may open ('phase': only while the plan's verification phase is current; true: an official's check).
 * Without a verification block in the plan, or before the first delivery, it does nothing.
 */
export async function syncDiscrepancies(tx: Conn, campaignId: string, opts: { now: number; open: 'phase' | boolean }): Promise<SyncResult> {
  const result: SyncResult = { opened: 0, updated: 0, closed: 0 };
  const v = await verificationOf(tx, campaignId);
  if (!v) return result;
  const canOpen = opts.open === true || (opts.open === 'phase' && v.currentPhaseKey === v.verification.phase);
  const rows = await tx
    .select({ code: units.code, own: units.rollupOwn, paid: units.verifiedPaid, amountFen: units.verifiedAmountFen, asOf: units.verifiedAsOf })
    .from(units)
    .where(and(eq(units.campaignId, campaignId), sql`${units.rollupOwn} is not null`, sql`${units.verifiedAsOf} is not null`));
  const existing = await tx.select().from(discrepancies).where(eq(discrepancies.campaignId, campaignId));
  const byKey = new Map(existing.map((d) => [`${d.unitCode}/${d.metric}`, d]));
  const now = new Date(opts.now);
  let answerBy: Date | null = null;
  const deadline = async () => (answerBy ??= new Date(answerDeadline(await loadCalendar(tx as Db), opts.now, v.verification.answerWithinWorkingDays, v.timeZone)));

  for (const u of rows) {
    const own = u.own as OwnFigures;
    const verifiedFigures = { paid: u.paid ?? 0, amountFen: Number(u.amountFen ?? 0) };
    for (const metric of DISCREPANCY_METRICS) {
      const d = byKey.get(`${u.code}/${metric}`);
      // A correction stands for the reported figure until the unit reports again.
      const corrected = d !== undefined && d.correctedFrom !== null && d.correctedFrom === own.periodKey;
      const reported = corrected ? d.reported : valueOf(metric, own.figures);
      const reportedPeriod = corrected ? d.reportedPeriod : own.periodKey;
      const verified = valueOf(metric, verifiedFigures);
      const figures = { reported, reportedPeriod, verified, difference: reported - verified, asOf: u.asOf! };
      const beyond = beyondTolerance(metric, reported, verified, v.verification.tolerance);
      const key = { campaignId, unitCode: u.code, metric };
      const where = and(eq(discrepancies.campaignId, campaignId), eq(discrepancies.unitCode, u.code), eq(discrepancies.metric, metric));
      if (beyond) {
        if (!d) {
          if (!canOpen) continue;
          await tx.insert(discrepancies).values({ ...key, ...figures, status: 'open', episode: 1, openedAt: now, answerBy: await deadline(), updatedAt: now }).onConflictDoNothing();
          result.opened++;
        } else if (d.status === 'closed') {
          if (!canOpen) continue;
          await tx
            .update(discrepancies)
            .set({ ...figures, status: 'open', episode: d.episode + 1, openedAt: now, answerBy: await deadline(), escalatedAt: null, escalatedTo: null, closedAt: null, updatedAt: now })
            .where(where);
          result.opened++;
        } else if (d.reported !== reported || d.verified !== verified || d.asOf !== figures.asOf) {
          await tx.update(discrepancies).set({ ...figures, updatedAt: now }).where(where);
          result.updated++;
        }
      } else if (d && d.status !== 'closed') {
        await tx.update(discrepancies).set({ ...figures, status: 'closed', closedAt: now, updatedAt: now }).where(where);
        result.closed++;
      }
    }
  }
  return result;
}

/** An official's check (核查): compares now and may open discrepancies whatever the phase. */
export async function checkDiscrepancies(db: Db, campaignId: string, now: number): Promise<SyncResult> {
  const v = await verificationOf(db, campaignId);
  if (!v) throw new ServiceError(NO_VERIFICATION, '工作方案未设置核查验收容差（verification），无法核查差异', 409, undefined, '无法核查');
  return db.transaction((tx) => syncDiscrepancies(tx, campaignId, { now, open: true }));
}

export interface DueResult {
  escalated: number;
  /** The earliest answer deadline still ahead (epoch ms), or null. */
  next: number | null;
  /** Until when the workflow keeps watching for new discrepancies (end of the verification phase plus the answer window), or null when past. */
  watchUntil: number | null;
}

/**
 * Escalates, once, every discrepancy still open (unanswered) at its deadline: marked escalated to the
 * unit's parent (the plan's region for a county), with a notification to the parent and the unit in the
 * outbox, in one transaction. Answers the next deadline for the workflow's timer.
 */
export async function escalateDueDiscrepancies(db: Db, input: { campaignId: string; at: number }, channels: Channels): Promise<DueResult> {
  const v = await verificationOf(db, input.campaignId);
  const at = new Date(input.at);
  const escalated = await db.transaction(async (tx) => {
    const due = await tx
      .select({ d: discrepancies, name: units.name, parent: units.parentCode })
      .from(discrepancies)
      .innerJoin(units, and(eq(units.campaignId, discrepancies.campaignId), eq(units.code, discrepancies.unitCode)))
      .where(and(eq(discrepancies.campaignId, input.campaignId), eq(discrepancies.status, 'open'), isNull(discrepancies.escalatedAt), lte(discrepancies.answerBy, at)))
      .for('update', { of: discrepancies });
    const messages: OutboxMessage[] = [];
    for (const { d, name, parent } of due) {
      await tx
        .update(discrepancies)
        .set({ escalatedAt: at, escalatedTo: parent, updatedAt: at })
        .where(and(eq(discrepancies.campaignId, d.campaignId), eq(discrepancies.unitCode, d.unitCode), eq(discrepancies.metric, d.metric), isNull(discrepancies.escalatedAt)));
      const metric = d.metric as DiscrepancyMetric;
      const ref = `discrepancy/${d.campaignId}/${d.unitCode}/${d.metric}/${d.episode}`;
      const body =
        `${name}报送的${DISCREPANCY_METRIC_ZH[metric]}为${formatMetric(metric, d.reported)}，税务核实数为${formatMetric(metric, d.verified)}` +
        `（数据截至${d.asOf}），差异${formatMetric(metric, d.difference)}，超出方案允许的误差；逾期未说明或更正，现提请上级督促。`;
      for (const recipient of [...new Set([parent, d.unitCode])]) {
        messages.push({
          id: `${ref}/${recipient}`,
          campaignId: d.campaignId,
          kind: 'escalation',
          refId: ref,
          recipient,
          subject: `【核查差异未答复】${name} ${DISCREPANCY_METRIC_ZH[metric]}`,
          body,
          payload: { unitCode: d.unitCode, track: 'discrepancy', metric: d.metric, episode: d.episode },
        });
      }
    }
    await enqueue(tx, messages, channels);
    return due.length;
  });
  const [next] = await db
    .select({ answerBy: discrepancies.answerBy })
    .from(discrepancies)
    .where(and(eq(discrepancies.campaignId, input.campaignId), eq(discrepancies.status, 'open'), isNull(discrepancies.escalatedAt)))
    .orderBy(asc(discrepancies.answerBy))
    .limit(1);
  let watchUntil: number | null = null;
  if (v) {
    const [phase] = await db.select({ deadlineAt: phases.deadlineAt }).from(phases).where(and(eq(phases.campaignId, input.campaignId), eq(phases.key, v.verification.phase)));
    if (phase) {
      const end = answerDeadline(await loadCalendar(db), phase.deadlineAt.getTime(), v.verification.answerWithinWorkingDays, v.timeZone);
      if (end > input.at) watchUntil = end;
    }
  }
  return { escalated, next: next ? next.answerBy.getTime() : null, watchUntil };
}

export interface DiscrepancyView {
  unitCode: string;
  unitName: string;
  metric: DiscrepancyMetric;
  reported: number;
  reportedPeriod: string | null;
  verified: number;
  difference: number;
  asOf: string;
  status: DiscrepancyStatus;
  episode: number;
  openedAt: string;
  answerBy: string;
  escalatedAt: string | null;
  escalatedTo: string | null;
  closedAt: string | null;
  answers: Array<{ kind: 'explain' | 'correct'; text: string; corrected: number | null; actor: string; at: string }>;
}

/** The discrepancies of units in `region`'s subtree (all when null), open ones first. */
export async function listDiscrepancies(db: Db, campaignId: string, q: { region: string | null; unitCode?: string; includeClosed?: boolean }): Promise<DiscrepancyView[]> {
  const rows = await db
    .select({ d: discrepancies, name: units.name })
    .from(discrepancies)
    .innerJoin(units, and(eq(units.campaignId, discrepancies.campaignId), eq(units.code, discrepancies.unitCode)))
    .where(and(eq(discrepancies.campaignId, campaignId), q.unitCode ? eq(discrepancies.unitCode, q.unitCode) : undefined, q.includeClosed ? undefined : ne(discrepancies.status, 'closed')))
    .orderBy(sql`case ${discrepancies.status} when 'open' then 0 when 'closed' then 2 else 1 end`, asc(discrepancies.answerBy), asc(discrepancies.unitCode), asc(discrepancies.metric));
  const visible = rows.filter((r) => q.region === null || regionContains(q.region, r.d.unitCode));
  if (visible.length === 0) return [];
  const answers = await db
    .select()
    .from(discrepancyAnswers)
    .where(and(eq(discrepancyAnswers.campaignId, campaignId), inArray(discrepancyAnswers.unitCode, [...new Set(visible.map((r) => r.d.unitCode))])))
    .orderBy(asc(discrepancyAnswers.id));
  return visible.map(({ d, name }) => ({
    unitCode: d.unitCode,
    unitName: name,
    metric: d.metric as DiscrepancyMetric,
    reported: d.reported,
    reportedPeriod: d.reportedPeriod,
    verified: d.verified,
    difference: d.difference,
    asOf: d.asOf,
    status: d.status as DiscrepancyStatus,
    episode: d.episode,
    openedAt: d.openedAt.toISOString(),
    answerBy: d.answerBy.toISOString(),
    escalatedAt: d.escalatedAt?.toISOString() ?? null,
    escalatedTo: d.escalatedTo,
    closedAt: d.closedAt?.toISOString() ?? null,
    answers: answers
      .filter((a) => a.unitCode === d.unitCode && a.metric === d.metric && a.episode === d.episode)
      .map((a) => ({ kind: a.kind as 'explain' | 'correct', text: a.text, corrected: a.corrected, actor: a.actor, at: a.at.toISOString() })),
  }));
}

/**
 * The unit's answer: an explanation (the difference stands, explained), or a corrected figure (persons,
 * or fen), which then stands for the reported one: within tolerance, the discrepancy closes.
 */
export async function answerDiscrepancy(
  db: Db,
  input: { campaignId: string; unitCode: string; metric: DiscrepancyMetric; kind: 'explain' | 'correct'; text: string; corrected: number | null; actor: string; at: number },
): Promise<{ status: DiscrepancyStatus }> {
  const v = await verificationOf(db, input.campaignId);
  return db.transaction(async (tx) => {
    const where = and(eq(discrepancies.campaignId, input.campaignId), eq(discrepancies.unitCode, input.unitCode), eq(discrepancies.metric, input.metric));
    const [d] = await tx.select().from(discrepancies).where(where).for('update');
    if (!d) throw new ServiceError(DISCREPANCY_NOT_FOUND, `本单位没有${DISCREPANCY_METRIC_ZH[input.metric]}的核查差异`, 404);
    if (d.status === 'closed') throw new ServiceError(DISCREPANCY_CLOSED, '该差异已消除（报送数与核实数的差异已在允许范围内），无需再答复', 409, undefined, '无需答复');
    const at = new Date(input.at);
    await tx.insert(discrepancyAnswers).values({
      campaignId: input.campaignId,
      unitCode: input.unitCode,
      metric: input.metric,
      episode: d.episode,
      kind: input.kind,
      text: input.text,
      corrected: input.kind === 'correct' ? input.corrected : null,
      actor: input.actor,
      at,
    });
    let status: DiscrepancyStatus = input.kind === 'explain' ? 'explained' : 'corrected';
    const set: Partial<typeof discrepancies.$inferInsert> = { status, updatedAt: at };
    if (input.kind === 'correct' && input.corrected !== null) {
      set.reported = input.corrected;
      set.reportedPeriod = '更正';
      set.correctedFrom = d.correctedFrom ?? d.reportedPeriod;
      set.difference = input.corrected - d.verified;
      if (v && !beyondTolerance(input.metric, input.corrected, d.verified, v.verification.tolerance)) {
        status = 'closed';
        set.status = status;
        set.closedAt = at;
      }
    }
    await tx.update(discrepancies).set(set).where(where);
    return { status };
  });
}
