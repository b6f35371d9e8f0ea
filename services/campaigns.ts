// The campaign read model: phases and units materialised from the plan, and the transitions the
// campaign and unit workflows record (through activities/db.ts). Every write is idempotent: rows are
// upserted on their natural keys, actions carry an idempotency key made in the workflow, and a version
// counter makes an older transition unable to overwrite a newer one.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { PlanSchema, flattenBreakdown, resolvePhases, type Plan } from '../domain/plan';
import { WORKFLOW_LEVELS, type RegionLevel } from '../domain/status';
import type { Db } from '../db/client';
import { actions, campaigns, phases, units } from '../db/schema';
import type { CampaignTransition, MaterialisedCampaign, PreparedCampaign, UnitSpec, UnitTransition } from '../contracts/campaign';
import type { ReportingContext } from '../contracts/reporting';
import { loadCalendar } from './calendar';
import { campaignNotFound } from './errors';

const INSERT_CHUNK = 500;
const at = (ms: number | null | undefined) => (ms == null ? ms : new Date(ms));



/** Writes the phase and unit rows of a launched campaign (once; a retry finds them there). */
export async function materialiseCampaign(db: Db, campaignId: string): Promise<MaterialisedCampaign> {
  return materialise(db, campaignId, await planOf(db, campaignId));
}

/**
 * A campaign workflow's first step in one read of its plan: its phase and unit rows written (once), and
 * what it needs to run: phases, workflow-level children, the reporting context and the calendar.
 */
export async function prepareCampaign(db: Db, campaignId: string): Promise<PreparedCampaign> {
  const plan = await planOf(db, campaignId);
  const m = await materialise(db, campaignId, plan);
  return { ...m, reporting: reportingContextOf(plan), calendar: await loadCalendar(db) };
}

/** The plan as launched (validated when the campaign row was written). */
export async function planOf(db: Db, campaignId: string): Promise<Plan> {
  const [row] = await db.select({ plan: campaigns.plan }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (!row) throw campaignNotFound(campaignId);
  return PlanSchema.parse(row.plan);
}

/** What every unit of the campaign needs to keep its schedule and escalate, but the calendar. */
export function reportingContextOf(plan: Plan): Omit<ReportingContext, 'calendar'> {
  return {
    timeZone: plan.timeZone,
    cityCode: plan.region.code,
    cityName: plan.region.name,
    title: plan.title,
    reporting: plan.reporting ?? null,
    escalation: plan.escalation ?? null,
  };
}

async function materialise(db: Db, campaignId: string, plan: Plan): Promise<MaterialisedCampaign> {
  const resolved = resolvePhases(plan);
  const nodes = flattenBreakdown(plan);
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
      return {
        campaignId,
        code: n.code,
        parentCode: n.parentCode,
        name: n.name,
        level: n.level,
        depth: n.depth,
        ord,
        status: WORKFLOW_LEVELS.includes(n.level) ? 'pending' : 'active',
        targetEnrolled: n.targets.enrolled ?? null,
        targetPaying: n.targets.paying ?? null,
        targetPaymentRate: n.targets.paymentRate ?? null,
        targetMobileShare: n.targets.mobileShare ?? null,
        childCount: n.children.length,
      };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await tx.insert(units).values(rows.slice(i, i + INSERT_CHUNK)).onConflictDoNothing();
    }
  });
  const children = nodes
    .filter((n) => n.depth === 1 && WORKFLOW_LEVELS.includes(n.level))
    .map((n) => ({ code: n.code, name: n.name, level: n.level, parentCode: n.parentCode }));
  return { phases: resolved, children };
}

/** The workflow-level children of a unit (towns of a county), in plan order. */
export async function listChildUnits(db: Db, campaignId: string, parentCode: string): Promise<UnitSpec[]> {
  const rows = await db
    .select({ code: units.code, name: units.name, level: units.level, parentCode: units.parentCode })
    .from(units)
    .where(
      and(
        eq(units.campaignId, campaignId),
        eq(units.parentCode, parentCode),
        inArray(units.level, [...WORKFLOW_LEVELS]),
      ),
    )
    .orderBy(asc(units.ord));
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
