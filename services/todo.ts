// 待办: what the signed-in user has to do now, read from the read model (nothing stored but the read
// marks, db/schema/todo.ts). By role and region:
//   - report.submit: the next open reporting period of the user's own unit, per running campaign;
//   - escalation.respond: open escalations on units in the user's subtree (the newest first);
//   - circular.approve: draft circulars of campaigns in the user's region;
//   - mobilisation.export: the user's unit's people still to mobilise in the latest completed screening;
//   - report.submit: 核查验收 discrepancies of the user's own unit awaiting an answer (services/discrepancies.ts).
// An item's key names the object and its state, so a new rung of the same escalation is unread again.
import { and, asc, desc, eq, gt, inArray, like, notInArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { campaigns, circulars, discrepancies, escalations, reportPeriods, screeningRuns, screeningSummaries, todoReads, units } from '../db/schema';
import { DISCREPANCY_METRIC_ZH, formatMetric, type DiscrepancyMetric } from '../domain/discrepancy';
import { regionContains, regionPrefix, roleAllows, type Role } from '../domain/access';
import { TERMINAL_CAMPAIGN_STATUSES } from '../domain/status';
import type { TodoItem, TodoView } from '../contracts/api/todo';

export interface TodoUser {
  id: number;
  role: Role;
  regionCode: string;
}

const MAX_ESCALATIONS = 50;

type Item = Omit<TodoItem, 'read'>;

export async function listTodo(db: Db, user: TodoUser): Promise<TodoView> {
  const live = await db
    .select({ id: campaigns.id, title: campaigns.title, regionCode: campaigns.regionCode })
    .from(campaigns)
    .where(notInArray(campaigns.status, [...TERMINAL_CAMPAIGN_STATUSES]));
  const visible = live.filter((c) => regionContains(user.regionCode, c.regionCode) || regionContains(c.regionCode, user.regionCode));
  if (visible.length === 0) return { items: [], unread: 0 };
  const ids = visible.map((c) => c.id);
  const titleOf = new Map(visible.map((c) => [c.id, c.title]));
  const items: Item[] = [];

  if (roleAllows(user.role, 'report.submit')) {
    const open = await db
      .select({ campaignId: reportPeriods.campaignId, unitCode: reportPeriods.unitCode, periodKey: reportPeriods.periodKey, seq: reportPeriods.seq, dueAt: reportPeriods.dueAt, dueDate: reportPeriods.dueDate, unitName: units.name })
      .from(reportPeriods)
      .innerJoin(units, and(eq(units.campaignId, reportPeriods.campaignId), eq(units.code, reportPeriods.unitCode)))
      .where(and(inArray(reportPeriods.campaignId, ids), eq(reportPeriods.unitCode, user.regionCode), eq(reportPeriods.status, 'open')))
      .orderBy(asc(reportPeriods.dueAt));
    const seen = new Set<string>();
    for (const p of open) {
      if (seen.has(p.campaignId)) continue;
      seen.add(p.campaignId);
      items.push({
        key: `period:${p.campaignId}/${p.unitCode}/${p.periodKey}`,
        kind: 'period',
        campaignId: p.campaignId,
        campaignTitle: titleOf.get(p.campaignId)!,
        unitCode: p.unitCode,
        unitName: p.unitName,
        title: `${p.unitName}第${p.seq}期进度待报送`,
        detail: '请在截止前报送本期参保人数、缴费人数和缴费金额。',
        dueAt: p.dueAt.toISOString(),
        seq: null,
      });
    }
  }

  if (roleAllows(user.role, 'escalation.respond')) {
    const rows = await db
      .select({ id: escalations.id, campaignId: escalations.campaignId, unitCode: escalations.unitCode, rungIndex: escalations.rungIndex, rungName: escalations.rungName, reason: escalations.reason, nextRungAt: escalations.nextRungAt, unitName: units.name })
      .from(escalations)
      .innerJoin(units, and(eq(units.campaignId, escalations.campaignId), eq(units.code, escalations.unitCode)))
      .where(and(inArray(escalations.campaignId, ids), eq(escalations.status, 'open'), like(escalations.unitCode, `${regionPrefix(user.regionCode)}%`)))
      .orderBy(desc(escalations.firedAt))
      .limit(MAX_ESCALATIONS);
    for (const e of rows) {
      if (!regionContains(user.regionCode, e.unitCode)) continue;
      const reason = (e.reason as { zh?: string } | null)?.zh ?? '';
      items.push({
        key: `escalation:${e.id}/${e.rungIndex}`,
        kind: 'escalation',
        campaignId: e.campaignId,
        campaignTitle: titleOf.get(e.campaignId)!,
        unitCode: e.unitCode,
        unitName: e.unitName,
        title: `${e.unitName}：${e.rungName}，待签收答复`,
        detail: reason,
        dueAt: e.nextRungAt?.toISOString() ?? null,
        seq: null,
      });
    }
  }

  if (roleAllows(user.role, 'report.submit')) {
    const open = await db
      .select({ d: discrepancies, unitName: units.name })
      .from(discrepancies)
      .innerJoin(units, and(eq(units.campaignId, discrepancies.campaignId), eq(units.code, discrepancies.unitCode)))
      .where(and(inArray(discrepancies.campaignId, ids), eq(discrepancies.unitCode, user.regionCode), eq(discrepancies.status, 'open')))
      .orderBy(asc(discrepancies.answerBy));
    for (const { d, unitName } of open) {
      const metric = d.metric as DiscrepancyMetric;
      items.push({
        key: `discrepancy:${d.campaignId}/${d.unitCode}/${d.metric}/${d.episode}`,
        kind: 'discrepancy',
        campaignId: d.campaignId,
        campaignTitle: titleOf.get(d.campaignId)!,
        unitCode: d.unitCode,
        unitName,
        title: `${unitName}${DISCREPANCY_METRIC_ZH[metric]}核查差异待说明或更正`,
        detail: `报送${formatMetric(metric, d.reported)}，税务核实${formatMetric(metric, d.verified)}（数据截至${d.asOf}），超出允许误差。请说明原因或更正报送数。`,
        dueAt: d.answerBy.toISOString(),
        seq: null,
      });
    }
  }

  if (roleAllows(user.role, 'circular.approve')) {
    const own = visible.filter((c) => regionContains(user.regionCode, c.regionCode)).map((c) => c.id);
    if (own.length > 0) {
      const drafts = await db
        .select({ campaignId: circulars.campaignId, seq: circulars.seq, title: circulars.title, draftedAt: circulars.draftedAt })
        .from(circulars)
        .where(and(inArray(circulars.campaignId, own), eq(circulars.status, 'draft')))
        .orderBy(asc(circulars.draftedAt));
      for (const c of drafts) {
        items.push({
          key: `circular:${c.campaignId}/${c.seq}`,
          kind: 'circular',
          campaignId: c.campaignId,
          campaignTitle: titleOf.get(c.campaignId)!,
          unitCode: null,
          unitName: null,
          title: `通报待审核：${c.title}`,
          detail: '审核后填写发文单位和文号，发布给各单位。',
          dueAt: null,
          seq: c.seq,
        });
      }
    }
  }

  if (roleAllows(user.role, 'mobilisation.export')) {
    const runs = await db
      .select({ id: screeningRuns.id, campaignId: screeningRuns.campaignId })
      .from(screeningRuns)
      .where(and(inArray(screeningRuns.campaignId, ids), eq(screeningRuns.status, 'completed')))
      .orderBy(desc(screeningRuns.finishedAt));
    const latest = new Map<string, string>();
    for (const r of runs) if (!latest.has(r.campaignId)) latest.set(r.campaignId, r.id);
    if (latest.size > 0) {
      const sums = await db
        .select({ runId: screeningSummaries.runId, toMobilise: screeningSummaries.toMobilise })
        .from(screeningSummaries)
        .where(and(inArray(screeningSummaries.runId, [...latest.values()]), eq(screeningSummaries.unitCode, user.regionCode), gt(screeningSummaries.toMobilise, 0)));
      for (const s of sums) {
        const campaignId = [...latest].find(([, run]) => run === s.runId)![0];
        items.push({
          key: `list:${s.runId}/${user.regionCode}`,
          kind: 'list',
          campaignId,
          campaignTitle: titleOf.get(campaignId)!,
          unitCode: user.regionCode,
          unitName: null,
          title: `待动员参保 ${s.toMobilise} 人`,
          detail: '困难群体筛查发现尚未参保的人员，请逐户动员；拒绝参保的须登记书面声明。',
          dueAt: null,
          seq: null,
        });
      }
    }
  }

  const keys = items.map((i) => i.key);
  const read = keys.length
    ? new Set((await db.select({ key: todoReads.itemKey }).from(todoReads).where(and(eq(todoReads.userId, user.id), inArray(todoReads.itemKey, keys)))).map((r) => r.key))
    : new Set<string>();
  const out = items.map((i) => ({ ...i, read: read.has(i.key) }));
  return { items: out, unread: out.filter((i) => !i.read).length };
}

/** Marks items read (or unread again); keys the user never had are harmless and expire with the table. */
export async function markTodo(db: Db, userId: number, keys: string[], read: boolean): Promise<void> {
  if (read) {
    await db
      .insert(todoReads)
      .values(keys.map((itemKey) => ({ userId, itemKey })))
      .onConflictDoNothing();
  } else {
    await db.delete(todoReads).where(and(eq(todoReads.userId, userId), inArray(todoReads.itemKey, keys)));
  }
}
