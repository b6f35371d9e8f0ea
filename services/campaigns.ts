// The campaign read model: phases and units materialised from the plan, and the transitions the
// campaign and unit workflows record (through activities/db.ts). Every write is idempotent: rows are
// upserted on their natural keys, actions carry an idempotency key made in the workflow, and a version
// counter makes an older transition unable to overwrite a newer one.
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { WorkingCalendar } from '../domain/calendar';
import { milestoneRecipients, planMilestones } from '../domain/milestones';
import { PlanSchema, resolvePhases, type Plan, type ReportingLevel } from '../domain/plan';
import { breakdownUnits } from '../domain/regions';
import type { RegionLevel } from '../domain/status';
import { workflowLayout } from '../domain/streams';
import type { Db } from '../db/client';
import { actions, campaigns, milestones, phases, units } from '../db/schema';
import type { CampaignTransition, MaterialisedCampaign, PreparedCampaign, UnitSpec, UnitTransition } from '../contracts/campaign';
import type { ReportingContext } from '../contracts/reporting';
import { loadCalendar } from './calendar';
import { campaignNotFound } from './errors';

const INSERT_CHUNK = 500;
const at = (ms: number | null | undefined) => (ms == null ? ms : new Date(ms));



/** Writes the phase and unit rows of a launched campaign (once; a retry finds them there). */
export async function materialiseCampaign(db: Db, campaignId: string): Promise<MaterialisedCampaign> {
  const plan = await planOf(db, campaignId);
  return materialise(db, campaignId, plan, plan.milestones?.length ? await loadCalendar(db) : null);
}

/**
 * A campaign workflow's first step in one read of its plan: its phase and unit rows written (once), and
 * what it needs to run: phases, workflow-level children, the reporting context and the calendar.
 */
export async function prepareCampaign(db: Db, campaignId: string): Promise<PreparedCampaign> {
  const plan = await planOf(db, campaignId);
  const calendar = await loadCalendar(db);
  const m = await materialise(db, campaignId, plan, calendar);
  return { ...m, reporting: reportingContextOf(plan), calendar };
}

/** The plan as launched (validated when the campaign row was written). */
export async function planOf(db: Db, campaignId: string): Promise<Plan> {
  const [row] = await db.select({ plan: campaigns.plan }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (!row) throw campaignNotFound(campaignId);
  return PlanSchema.parse(row.plan);
}

/**
 * What the campaign needs to keep its circulars and milestones, and every unit its schedule and
 * escalation, but the calendar: the plan's reporting and escalation blocks, the level each stream's
 * circulars rank, the milestones and whom each notifies.
 */
export function reportingContextOf(plan: Plan): Omit<ReportingContext, 'calendar'> {
  const circularLevels: Record<string, ReportingLevel> = {};
  for (const s of workflowLayout(plan).streams) if (s.circulars && s.circularLevel) circularLevels[s.key] = s.circularLevel;
  const recipients: NonNullable<ReportingContext['milestoneRecipients']> = {};
  for (const m of plan.milestones ?? []) recipients[m.key] = { unit: milestoneRecipients(plan, m, ['unit']), parent: milestoneRecipients(plan, m, ['parent']) };
  return {
    timeZone: plan.timeZone,
    cityCode: plan.region.code,
    cityName: plan.region.name,
    title: plan.title,
    reporting: plan.reporting ?? null,
    escalation: plan.escalation ?? null,
    circularLevels,
    milestones: plan.milestones ?? [],
    milestoneRecipients: recipients,
  };
}

async function materialise(db: Db, campaignId: string, plan: Plan, calendar: WorkingCalendar | null): Promise<MaterialisedCampaign> {
  const resolved = resolvePhases(plan);
  // Who runs as a workflow, and under which parent, is the plan's (domain/streams.ts workflowLayout).
  const layout = workflowLayout(plan);
  const nodes = breakdownUnits(plan);
  const roles = new Map(layout.units.map((u) => [u.code, u]));
  const schedules = calendar ? planMilestones(plan, calendar) : [];
  await db.transaction(async (tx) => {
    await tx
      .insert(phases)
      .values(
        resolved.map((p, seq) => ({
          campaignId,
          key: p.key,
          seq,
          nameZh: p.nameZh,
          nameEn: p.nameEn,
          startAt: new Date(p.startAt),
          deadlineAt: new Date(p.deadlineAt),
        })),
      )
      .onConflictDoNothing();
    const ordinals = new Map<string, number>();
    const rows = nodes.map((n) => {
      const ord = ordinals.get(n.parentCode) ?? 0;
      ordinals.set(n.parentCode, ord + 1);
      const workflowParent = roles.get(n.code)?.workflowParent ?? null;
      return {
        campaignId,
        code: n.code,
        parentCode: n.parentCode,
        name: n.name,
        level: n.level,
        depth: n.depth,
        ord,
        status: workflowParent !== null ? 'pending' : 'active',
        workflowParent,
        targetEnrolled: n.targets.enrolled ?? null,
        targetPaying: n.targets.paying ?? null,
        targetPaymentRate: n.targets.paymentRate ?? null,
        targetMobileShare: n.targets.mobileShare ?? null,
        targets: n.targets,
        childCount: n.childCount,
      };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await tx.insert(units).values(rows.slice(i, i + INSERT_CHUNK)).onConflictDoNothing();
    }
    if (schedules.length > 0) {
      await tx
        .insert(milestones)
        .values(
          schedules.map((m, seq) => ({
            campaignId,
            key: m.key,
            seq,
            name: m.name,
            startAt: m.startAt === null ? null : new Date(m.startAt),
            dueDate: m.dueDate,
            dueAt: new Date(m.dueAt),
            shifted: m.shifted,
            reason: m.reason,
            nextEventAt: new Date(m.reminders[0]?.at ?? m.rungs[0]?.at ?? m.dueAt),
          })),
        )
        .onConflictDoNothing();
    }
  });
  const children = layout.units
    .filter((u) => u.workflowParent === plan.region.code)
    .map((u) => ({ code: u.code, name: u.name, level: u.level, parentCode: u.parentCode }));
  return { phases: resolved, children };
}

/** The units whose workflows a unit starts (a county's towns; a town's reporting villages), in plan order. */
export async function listChildUnits(db: Db, campaignId: string, parentCode: string): Promise<UnitSpec[]> {
  const rows = await db
    .select({ code: units.code, name: units.name, level: units.level, parentCode: units.parentCode })
    .from(units)
    .where(and(eq(units.campaignId, campaignId), eq(units.workflowParent, parentCode)))
    .orderBy(asc(units.depth), asc(units.parentCode), asc(units.ord));
  return rows.map((r) => ({ ...r, level: r.level as RegionLevel }));
}

export async function recordCampaignTransition(db: Db, t: CampaignTransition): Promise<void> {
  await db.transaction(async (tx) => {
    if (t.action) {
      await tx
        .insert(actions)
        .values({
          id: t.action.id,
          campaignId: t.campaignId,
          kind: t.action.kind,
          actor: t.action.actor,
          reason: t.action.reason,
          detail: t.action.detail,
          at: new Date(t.action.at),
        })
        .onConflictDoNothing();
    }
    const moved = await tx
      .update(campaigns)
      .set({ status: t.status, currentPhaseKey: t.currentPhaseKey, version: t.version, updatedAt: sql`now()` })
      .where(and(eq(campaigns.id, t.campaignId), lte(campaigns.version, t.version)))
      .returning({ id: campaigns.id });
    // An older transition arriving late (a retried attempt) must not roll the phases back.
    if (moved.length === 0) return;
    for (const p of t.phases) {
      const set: Partial<typeof phases.$inferInsert> = {};
      if (p.status !== undefined) set.status = p.status;
      if (p.startAt !== undefined) set.startAt = new Date(p.startAt);
      if (p.deadlineAt !== undefined) set.deadlineAt = new Date(p.deadlineAt);
      if (p.startedAt !== undefined) set.startedAt = at(p.startedAt);
      if (p.endedAt !== undefined) set.endedAt = at(p.endedAt);
      if (p.endReason !== undefined) set.endReason = p.endReason;
      if (Object.keys(set).length === 0) continue;
      await tx
        .update(phases)
        .set(set)
        .where(and(eq(phases.campaignId, t.campaignId), eq(phases.key, p.key)));
    }
  });
}

export async function recordUnitState(db: Db, t: UnitTransition): Promise<void> {
  await db
    .update(units)
    .set({ status: t.status, phaseKey: t.phaseKey, workflowId: t.workflowId, version: t.version, updatedAt: sql`now()` })
    .where(and(eq(units.campaignId, t.campaignId), eq(units.code, t.code), lte(units.version, t.version)));
}
