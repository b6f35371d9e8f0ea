// What the API (and the CLI through it) can do with campaigns: preview and launch plans, read the
// read model, and send officials' actions to the campaign workflow as Updates.
import { randomUUID, createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { flattenBreakdown, validatePlan, type Plan, type ResolvedPhase } from '../../domain/plan';
import { regionOutsideWarning, type Subject } from '../../domain/access';
import { previewPlan, type PlanPreviewData } from '../../domain/preview';
import type { RegionLevel } from '../../domain/status';
import { loadCalendar } from '../../services/calendar';
import { formatDueLocal, formatLocal, localToInstant, parseLocal } from '../../domain/time';
import type { Db } from '../../db/client';
import { actions, campaigns, paymentState, phases, units } from '../../db/schema';
import { DEFAULT_ROLLUP_RULE, type Figures, type RollupRule } from '../../domain/rollup';
import { verifiedOf } from '../../services/payments';
import {
  advancePhaseUpdate,
  amendDeadlineUpdate,
  cancelCampaignUpdate,
  confirmMilestoneUpdate,
  workflowIds,
} from '../../contracts/campaign';
import type { campaignWorkflow } from '../../workflows/campaign';
import { HttpProblem, badRequest, notFound } from '../errors';
import type {
  ActionView,
  CampaignDetail,
  CampaignSummary,
  LaunchResult,
  PhaseView,
  Preview,
  Progress,
  Targets,
  UnitDetail,
  UnitView,
} from '../../contracts/api/campaigns';
import { deadlineMove, gapDays } from '../../domain/phaseMoves';
import { readPlanSource, type PlanSource } from './planSource';
import { createReportingService } from '../reporting/service';
import type { Light } from '../../contracts/api/reporting';

export interface CampaignServiceDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  namespace: string;
  temporalUiUrl: string | undefined;
  /** The clock used to refuse plans whose deadlines have all passed (tests move it). */
  now?: () => number;
  /** Continue-as-new threshold passed to new campaigns (tests exercise continue-as-new with a low one). */
  historyLimit?: number;
}

type CampaignRow = typeof campaigns.$inferSelect;
type UnitRow = typeof units.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const progressColumns = {
  enrolled: sql<number>`coalesce(sum(${units.enrolled}), 0)::int`.as('enrolled'),
  paid: sql<number>`coalesce(sum(${units.paid}), 0)::int`.as('paid'),
  amountFen: sql<number>`coalesce(sum(${units.amountFen}), 0)::bigint`.as('amount_fen'),
  mobilePaid: sql<number>`coalesce(sum(${units.mobilePaid}), 0)::int`.as('mobile_paid'),
  hardshipCovered: sql<number>`coalesce(sum(${units.hardshipCovered}), 0)::int`.as('hardship_covered'),
  unitCount: sql<number>`count(*)::int`.as('unit_count'),
};

function toProgress(r: { enrolled: number; paid: number; amountFen: number | string; mobilePaid: number; hardshipCovered: number }): Progress {
  return {
    enrolled: Number(r.enrolled),
    paid: Number(r.paid),
    amountYuan: Number(r.amountFen) / 100,
    mobilePaid: Number(r.mobilePaid),
    hardshipCovered: Number(r.hardshipCovered),
  };
}

function planTargets(plan: Plan): Targets {
  const t = plan.targets;
  return {
    enrolled: t.enrolled ?? null,
    paying: t.paying ?? null,
    paymentRate: t.paymentRate ?? null,
    mobileShare: t.mobileShare ?? null,
  };
}

type Lights = Map<string, { self: Light; rolled: Light }>;

const fromFigures = (f: Figures): Progress => toProgress(f);

function rollupView(r: UnitRow, rule: RollupRule): UnitView['rollup'] {
  const own = r.rollupOwn as { periodKey: string; figures: Figures } | null;
  const children = r.rollupChildren as { figures: Figures; reported: number; of: number } | null;
  return {
    rule,
    source: (r.rollupSource as UnitView['rollup']['source'] | null) ?? (own ? 'own' : 'none'),
    own: own ? { periodKey: own.periodKey, figures: fromFigures(own.figures) } : null,
    children: children ? { figures: fromFigures(children.figures), reported: children.reported, of: children.of } : null,
    verified: verifiedOf(r.verifiedPaid, r.verifiedAmountFen, r.verifiedMobilePaid, r.verifiedAsOf),
  };
}

function toUnitView(r: UnitRow, lights?: Lights, rule: RollupRule = DEFAULT_ROLLUP_RULE): UnitView {
  const light = lights?.get(r.code) ?? { self: 'green' as const, rolled: 'green' as const };
  return {
    code: r.code,
    parentCode: r.parentCode,
    name: r.name,
    level: r.level as RegionLevel,
    status: r.status as UnitView['status'],
    workflowId: r.workflowId ?? (r.workflowParent !== null ? workflowIds.unit(r.campaignId, r.code) : null),
    phaseKey: r.phaseKey,
    targets: {
      enrolled: r.targetEnrolled,
      paying: r.targetPaying,
      paymentRate: r.targetPaymentRate,
      mobileShare: r.targetMobileShare,
    },
    progress: toProgress(r),
    childCount: r.childCount,
    updatedAt: r.updatedAt.toISOString(),
    light: light.rolled,
    lightSelf: light.self,
    reporting: {
      nextPeriodKey: r.nextPeriodKey,
      nextDueAt: iso(r.nextDueAt),
      overdue: r.overdue,
      paceBehind: r.paceBehind,
      paceExpected: r.paceExpected,
      targetMissed: r.targetMissed,
    },
    tax: r.taxPaid === null || r.taxAsOf === null ? null : { paid: r.taxPaid, amountYuan: Number(r.taxAmountFen ?? 0) / 100, asOf: r.taxAsOf },
    verified: verifiedOf(r.verifiedPaid, r.verifiedAmountFen, r.verifiedMobilePaid, r.verifiedAsOf),
    rollup: rollupView(r, rule),
  };
}

const ruleOf = (plan: unknown): RollupRule => ((plan as { rollup?: RollupRule }).rollup ?? DEFAULT_ROLLUP_RULE);

/** The campaigns row of a newly launched plan: its workflow has not run yet. */
export function newCampaignRow(plan: Plan, launchedBy: string): typeof campaigns.$inferInsert {
  return {
    id: plan.id,
    title: plan.title,
    year: plan.year,
    regionCode: plan.region.code,
    regionName: plan.region.name,
    regionLevel: plan.region.level,
    timeZone: plan.timeZone,
    status: 'scheduled',
    workflowId: workflowIds.campaign(plan.id),
    plan,
    planHash: createHash('sha256').update(JSON.stringify(plan)).digest('hex'),
    launchedBy,
  };
}

const unique = (xs: string[]) => [...new Set(xs)];

export function createCampaignService(deps: CampaignServiceDeps) {
  const { db, client } = deps;
  const now = deps.now ?? Date.now;
  const reportingService = createReportingService({ db, client, now });

  const temporalLink = (workflowId: string) =>
    deps.temporalUiUrl
      ? `${deps.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : null;

  function checked(source: PlanSource): { plan: Plan; phases: ResolvedPhase[] } {
    const read = readPlanSource(source);
    if (!read.ok) throw badRequest('方案无法解析', read.errors);
    const result = validatePlan(read.value, now());
    if (!result.ok) throw badRequest(`方案有 ${result.errors.length} 处错误`, result.errors);
    return { plan: result.plan, phases: result.phases };
  }

  /**
   * Everything before launch (domain/preview.ts), and the problems of this user: the plan's region
   * outside theirs makes it unlaunchable (`launchable` false, the problem `blocking`).
   */
  async function preview(source: PlanSource, user: Subject | null = null): Promise<Preview> {
    const { plan, phases: resolved } = checked(source);
    const tz = plan.timeZone;
    const full: PlanPreviewData = previewPlan(plan, resolved, await loadCalendar(db));
    const outside = user ? regionOutsideWarning(plan.region, user) : null;
    const problems: Preview['problems'] = [
      ...(outside ? [{ ...outside, path: 'region.code', blocking: true }] : []),
      ...full.warnings.map((w) => ({ ...w, blocking: false })),
    ];
    const isoAt = (ms: number) => new Date(ms).toISOString();
    const period = (q: PlanPreviewData['streams'][number]['schedules'][number]['periods'][number]) => ({ ...q, dueAt: isoAt(q.dueAt), dueLocal: formatDueLocal(q.dueAt, tz) });
    const unitCounts: Record<string, number> = {};
    for (const n of flattenBreakdown(plan)) unitCounts[n.level] = (unitCounts[n.level] ?? 0) + 1;
    const warnings: string[] = [];
    const reportingPreview = await reportingService.preview(plan, resolved);
    const t = now();
    const running = resolved.find((p) => p.startAt <= t && t < p.deadlineAt);
    const past = resolved.filter((p) => p.deadlineAt <= t);
    if (past.length) warnings.push(`${past.map((p) => p.nameZh).join('、')}已过截止时间，启动后将直接标记为已结束`);
    if (running) warnings.push(`启动后立即进入「${running.nameZh}」`);
    return {
      plan: { id: plan.id, title: plan.title, year: plan.year, regionName: plan.region.name, timeZone: plan.timeZone, regionCode: plan.region.code, regionLevel: plan.region.level },
      launchable: !problems.some((p) => p.blocking),
      problems,
      streams: full.streams.map((st) => ({
        ...st,
        ladder: st.ladder?.map(({ rung, name, delayWorkingDays, notify }) => ({ rung, name, delayWorkingDays, notify: [...notify] })) ?? null,
        schedules: st.schedules.map((l) => ({ level: l.level, dueTime: l.dueTime, rule: l.rule as Record<string, unknown>, periods: l.periods.map(period) })),
      })),
      milestones: full.milestones.map((m) => ({
        key: m.key,
        name: m.name,
        startAt: m.startAt === null ? null : isoAt(m.startAt),
        rawDueDate: m.rawDueDate,
        dueDate: m.dueDate,
        dueTime: m.dueTime,
        dueAt: isoAt(m.dueAt),
        dueLocal: formatDueLocal(m.dueAt, tz),
        shifted: m.shifted,
        reason: m.reason,
        onHoliday: m.onHoliday,
        reminders: m.reminders.map((r) => ({ ...r, at: isoAt(r.at) })),
        rungs: m.rungs.map((r) => ({ ...r, notify: [...r.notify], at: isoAt(r.at) })),
      })),
      judgedTargets: { ...full.targets, plan: full.targets.plan as Record<string, unknown>, judgedByLevel: full.targets.judgedByLevel as Record<string, number> },
      workflows: { ...full.workflows, byLevel: full.workflows.byLevel as Record<string, number> },
      policy: full.policy && {
        resolved: full.policy.resolved as unknown as Record<string, unknown>,
        samples: full.policy.samples.map((x) => ({ ...x, contribution: x.contribution as unknown as Record<string, unknown> })),
      },
      endAt: isoAt(full.endAt),
      phases: resolved.map((p) => ({
        key: p.key,
        nameZh: p.nameZh,
        nameEn: p.nameEn,
        startAt: new Date(p.startAt).toISOString(),
        deadlineAt: new Date(p.deadlineAt).toISOString(),
        startLocal: formatLocal(p.startAt, plan.timeZone),
        deadlineLocal: formatLocal(p.deadlineAt, plan.timeZone),
      })),
      unitCounts,
      // The campaign's and its units' (who reports or is judged: domain/streams.ts workflowLayout).
      workflowCount: 1 + full.workflows.count,
      targets: planTargets(plan),
      // The console's list of strings: the old phase and calendar notes, then every problem not already said.
      warnings: unique([...(outside ? [outside.message.zh] : []), ...warnings, ...(reportingPreview?.warnings.map((w) => w.message.zh) ?? []), ...problems.map((p) => p.message.zh)]),
      reporting: reportingPreview,
    };
  }

  async function launch(source: PlanSource, actor: string): Promise<LaunchResult> {
    const { plan, phases: resolved } = checked(source);
    const workflowId = workflowIds.campaign(plan.id);
    const warnings = (await reportingService.preview(plan, resolved))?.warnings.map((w) => w.message.zh) ?? [];
    const inserted = await db
      .insert(campaigns)
      .values(newCampaignRow(plan, actor))
      .onConflictDoNothing()
      .returning({ id: campaigns.id });
    // Starting again after a crash between the insert and the start heals; a running or finished
    // campaign with this ID is never started a second time.
    try {
      await client.workflow.start<typeof campaignWorkflow>('campaignWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [{ campaignId: plan.id, launchedBy: actor, historyLimit: deps.historyLimit }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    return { created: inserted.length > 0, campaign: await summary(plan.id), warnings };
  }

  async function summaries(where?: ReturnType<typeof eq>): Promise<CampaignSummary[]> {
    const totals = db
      .select({ campaignId: units.campaignId, ...progressColumns })
      .from(units)
      .where(eq(units.depth, 1))
      .groupBy(units.campaignId)
      .as('totals');
    const rows = await db
      .select({
        c: campaigns,
        t: {
          enrolled: totals.enrolled,
          paid: totals.paid,
          amountFen: totals.amountFen,
          mobilePaid: totals.mobilePaid,
          hardshipCovered: totals.hardshipCovered,
          unitCount: totals.unitCount,
        },
      })
      .from(campaigns)
      .leftJoin(totals, eq(totals.campaignId, campaigns.id))
      .where(where)
      .orderBy(desc(campaigns.launchedAt));
    // The verified totals in a query of their own: joined above, their column names would clash with the totals' aliases.
    const ids = rows.map((r) => r.c.id);
    const states = ids.length === 0 ? [] : await db.select().from(paymentState).where(inArray(paymentState.campaignId, ids));
    const stateOf = new Map(states.map((v) => [v.campaignId, v]));
    return rows.map(({ c, t }) => toSummary(c, t, stateOf.get(c.id) ?? null));
  }

  function toSummary(
    c: CampaignRow,
    t: { enrolled: number; paid: number; amountFen: number; mobilePaid: number; hardshipCovered: number; unitCount: number } | null,
    v: typeof paymentState.$inferSelect | null,
  ): CampaignSummary {
    return {
      id: c.id,
      title: c.title,
      year: c.year,
      regionCode: c.regionCode,
      regionName: c.regionName,
      timeZone: c.timeZone,
      status: c.status as CampaignSummary['status'],
      currentPhaseKey: c.currentPhaseKey,
      workflowId: c.workflowId,
      launchedAt: c.launchedAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      targets: planTargets(c.plan as Plan),
      progress: toProgress(t ?? { enrolled: 0, paid: 0, amountFen: 0, mobilePaid: 0, hardshipCovered: 0 }),
      verified: v ? verifiedOf(v.paid, v.amountFen, v.mobilePaid, v.asOf) : null,
      rollupRule: ruleOf(c.plan),
      unitCount: t?.unitCount ?? 0,
    };
  }

  async function summary(id: string): Promise<CampaignSummary> {
    const [s] = await summaries(eq(campaigns.id, id));
    if (!s) throw notFound(`没有编号为 ${id} 的活动`);
    return s;
  }

  async function detail(id: string): Promise<CampaignDetail> {
    const s = await summary(id);
    const lights = await reportingService.lights(id);
    const [phaseRows, actionRows, unitRows] = await Promise.all([
      db.select().from(phases).where(eq(phases.campaignId, id)).orderBy(asc(phases.seq)),
      db.select().from(actions).where(eq(actions.campaignId, id)).orderBy(asc(actions.at)),
      db
        .select()
        .from(units)
        .where(and(eq(units.campaignId, id), eq(units.depth, 1)))
        .orderBy(asc(units.ord)),
    ]);
    return {
      ...s,
      phases: phaseRows.map(
        (p): PhaseView => ({
          key: p.key,
          seq: p.seq,
          nameZh: p.nameZh,
          nameEn: p.nameEn,
          startAt: p.startAt.toISOString(),
          deadlineAt: p.deadlineAt.toISOString(),
          status: p.status as PhaseView['status'],
          startedAt: iso(p.startedAt),
          endedAt: iso(p.endedAt),
          endReason: p.endReason as PhaseView['endReason'],
        }),
      ),
      actions: actionRows.map(
        (a): ActionView => ({
          id: a.id,
          kind: a.kind as ActionView['kind'],
          actor: a.actor,
          reason: a.reason,
          detail: a.detail as Record<string, unknown>,
          at: a.at.toISOString(),
        }),
      ),
      units: unitRows.map((u) => toUnitView(u, lights, s.rollupRule)),
      temporalUiUrl: temporalLink(s.workflowId),
    };
  }

  async function unit(id: string, code: string): Promise<UnitDetail> {
    const [row] = await db.select().from(units).where(and(eq(units.campaignId, id), eq(units.code, code)));
    if (!row) throw notFound(`活动 ${id} 中没有代码为 ${code} 的单位`);
    const [children, [campaign]] = await Promise.all([
      db.select().from(units).where(and(eq(units.campaignId, id), eq(units.parentCode, code))).orderBy(asc(units.ord)),
      db.select({ code: campaigns.regionCode, name: campaigns.regionName, level: campaigns.regionLevel, plan: campaigns.plan }).from(campaigns).where(eq(campaigns.id, id)),
    ]);
    const lights = await reportingService.lights(id);
    // Ancestors: walk parent codes up to the owning region (depth is at most a handful).
    const ancestors: UnitDetail['ancestors'] = [];
    let parent = row.parentCode;
    while (parent !== campaign.code) {
      const [p] = await db
        .select({ code: units.code, name: units.name, level: units.level, parentCode: units.parentCode })
        .from(units)
        .where(and(eq(units.campaignId, id), eq(units.code, parent)));
      if (!p) break;
      ancestors.unshift({ code: p.code, name: p.name, level: p.level as RegionLevel });
      parent = p.parentCode;
    }
    ancestors.unshift({ code: campaign.code, name: campaign.name, level: campaign.level as RegionLevel });
    const rule = ruleOf(campaign.plan);
    const view = toUnitView(row, lights, rule);
    return {
      campaignId: id,
      unit: view,
      ancestors,
      children: children.map((c) => toUnitView(c, lights, rule)),
      temporalUiUrl: view.workflowId ? temporalLink(view.workflowId) : null,
    };
  }

  /** A finished campaign's workflow has closed: say so plainly rather than "workflow not found". */
  async function handleFor(id: string) {
    const s = await summary(id);
    if (s.status === 'completed' || s.status === 'cancelled') {
      throw new HttpProblem(422, '操作被拒绝', `活动已${s.status === 'completed' ? '结束' : '撤销'}，不能再操作`);
    }
    return { handle: client.workflow.getHandle<typeof campaignWorkflow>(s.workflowId), summary: s };
  }

  async function advance(id: string, req: { actor: string; reason: string; expectedPhaseKey?: string }, updateId: string = randomUUID()) {
    const { handle } = await handleFor(id);
    await handle.executeUpdate(advancePhaseUpdate, { args: [req], updateId });
    return detail(id);
  }

  async function amendDeadline(
    id: string,
    req: { actor: string; reason: string; phaseKey: string; deadline: string; acceptGap?: boolean },
    updateId: string = randomUUID(),
  ) {
    const { handle, summary: s } = await handleFor(id);
    if (!parseLocal(req.deadline)) {
      throw badRequest('截止时间格式不正确', [{ path: 'deadline', message: '应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:mm' }]);
    }
    const deadlineAt = localToInstant(req.deadline, s.timeZone, 'deadline');
    // Days with no phase are run by no phase (no reminders, reports or escalations): only on purpose.
    // A deadline already past is the workflow's refusal to give (新的截止时间已经过去), not a gap to confirm.
    if (!req.acceptGap && deadlineAt > Date.now()) {
      const phases = (await detail(id)).phases.map((p) => ({ key: p.key, nameZh: p.nameZh, startAt: Date.parse(p.startAt), deadlineAt: Date.parse(p.deadlineAt) }));
      const gap = deadlineMove(phases, req.phaseKey, deadlineAt)?.gap;
      if (gap) {
        throw new HttpProblem(
          422,
          '需要确认阶段间隔',
          `调整后，「${gap.after.nameZh}」截止至「${gap.before.nameZh}」开始之间有 ${gapDays(gap)} 天不属于任何阶段，这期间不会提醒、报送或督办。如确需如此，请勾选“确认留出间隔”后再提交。`,
          undefined,
          'urn:problem:phase-gap',
        );
      }
    }
    await handle.executeUpdate(amendDeadlineUpdate, {
      args: [{ actor: req.actor, reason: req.reason, phaseKey: req.phaseKey, deadlineAt, deadlineLocal: req.deadline }],
      updateId,
    });
    return detail(id);
  }

  /** An official confirms a milestone done (an Update the campaign validates; recorded as an action and audited). */
  async function confirmMilestone(id: string, req: { actor: string; key: string; note: string | null }, updateId: string = randomUUID()) {
    const { handle } = await handleFor(id);
    await handle.executeUpdate(confirmMilestoneUpdate, { args: [req], updateId });
    return detail(id);
  }

  async function cancel(id: string, req: { actor: string; reason: string }, updateId: string = randomUUID()) {
    const { handle } = await handleFor(id);
    await handle.executeUpdate(cancelCampaignUpdate, { args: [req], updateId });
    return detail(id);
  }

  return { preview, launch, list: () => summaries(), summary, detail, unit, advance, amendDeadline, cancel, confirmMilestone };
}

export type CampaignService = ReturnType<typeof createCampaignService>;
