// Milestones (节点任务) on the time-skipping server: a 2031 campaign whose phases end on 2031-11-30 with
// a census window confirmed by an official inside it (no reminder, no rung after that) and a 公示 due
// the next February that nobody confirms: its reminder at 09:00 three working days before, its two rungs
// at the due instant and one working day later, each once across a worker restart; the campaign stays
// open after its last phase until the 公示's ladder has run out, then completes.
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { actions, campaigns, escalations, milestones, outbox } from '../../db/schema';
import type { PlanInput } from '../../domain/plan';
import { createWorker } from '../../server/worker';
import { workflowIds } from '../../contracts/campaign';
import { timeSkippingSuite, workflowBundle } from '../support/temporal';

const plan = {
  id: 'milestones-2031',
  title: '测试市2031年城乡居民养老保险征缴(节点任务测试)',
  year: 2031,
  region: { code: '440700', name: '测试市', level: 'city' },
  timeZone: 'Asia/Shanghai',
  phases: [{ key: 'payment', name: { zh: '缴费', en: 'Payment' }, start: '2031-11-03', deadline: '2031-11-30' }],
  targets: { enrolled: 3000, paying: 1000 },
  breakdownRule: 'sum-equals',
  breakdown: [
    {
      code: '440701',
      name: '甲区',
      level: 'county',
      targets: { enrolled: 3000, paying: 1000 },
      children: [{ code: '440701001', name: '甲区一镇', level: 'town', targets: { enrolled: 3000, paying: 1000 }, children: [] }],
    },
  ],
  escalation: {
    ladder: [
      { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['city'] },
      { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'city'] },
    ],
  },
  milestones: [
    { key: 'census', name: '参保资源普查', start: '2031-11-05', due: '2031-11-20', remindWorkingDays: [2], levels: ['county'] },
    { key: 'publicity', name: '缴费明细公示', due: '2032-02-27', remindWorkingDays: [3] },
  ],
} satisfies PlanInput;

/** No holiday notice for 2031 or 2032 is on file: weekends only. Fri 2032-02-27 24:00 Beijing. */
const PUBLICITY_DUE = '2032-02-27T16:00:00.000Z';
const PUBLICITY_WARNING = '2032-03-01T16:00:00.000Z';

const suite = timeSkippingSuite();
const { sleepUntil } = suite;


describe('milestones', () => {
  it('reminds, escalates and is confirmed at exact instants, once across a restart; the campaign stays open until its last milestone', async () => {
    const { h, env } = suite;
    const db = h.database.db;
    await h.campaigns.launch(plan as unknown as Record<string, unknown>, '测试官员');
    const reminders = () => db.select({ refId: outbox.refId, recipient: outbox.recipient, body: outbox.body }).from(outbox).where(and(eq(outbox.campaignId, plan.id), eq(outbox.kind, 'reminder'))).orderBy(asc(outbox.refId));
    const rungs = () =>
      db
        .select({ id: escalations.id, unit: escalations.unitCode, episode: escalations.episode, rung: escalations.rung, firedAt: escalations.firedAt, status: escalations.status, reason: escalations.reason })
        .from(escalations)
        .where(and(eq(escalations.campaignId, plan.id), eq(escalations.track, 'milestone')))
        .orderBy(asc(escalations.firedAt));
    const campaignStatus = async () => (await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, plan.id)))[0].status;

    await h.worker.runUntil(async () => {
      // Inside the census window an official confirms it done; a second confirmation is refused.
      await sleepUntil('2031-11-10T02:00:00.000Z');
      await h.campaigns.confirmMilestone(plan.id, { actor: '王处长(wangchu)', key: 'census', note: '普查台账已归档' });
      await expect(h.campaigns.confirmMilestone(plan.id, { actor: '王处长(wangchu)', key: 'census', note: null })).rejects.toMatchObject({
        cause: { message: '「参保资源普查」已确认完成，无需重复确认' },
      });
      await expect(h.campaigns.confirmMilestone(plan.id, { actor: '王处长(wangchu)', key: 'nope', note: null })).rejects.toMatchObject({ cause: { message: '没有键为 nope 的节点任务' } });
      // After the last phase's deadline the campaign is still running: the 公示 is to come.
      await sleepUntil('2031-12-01T04:00:00.000Z');
      expect(await campaignStatus()).toBe('running');
      // A minute before the reminder: nothing sent for either milestone (the census was confirmed before its reminder).
      await sleepUntil('2032-02-24T00:59:00.000Z');
      expect(await reminders()).toEqual([]);
    });

    // A restart between the reminder's instant and the rungs: the new worker neither repeats nor skips anything.
    const worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: h.taskQueue, db, workflowBundle: await workflowBundle(), options: { maxCachedWorkflows: 0 } });
    let result: unknown;
    await worker.runUntil(async () => {
      await sleepUntil('2032-02-24T01:01:00.000Z');
      expect((await reminders()).map((r) => [r.refId, r.recipient])).toEqual([[`${plan.id}/milestone/publicity/reminder/3`, '440700']]);
      expect((await reminders())[0].body).toBe('「缴费明细公示」应于 2032-02-27 24:00 前完成，距截止还有 3 个工作日，请按时完成并报请确认。');
      result = await h.client.workflow.getHandle(workflowIds.campaign(plan.id)).result();
    });

    expect(result).toMatchObject({ status: 'completed' });
    expect(await campaignStatus()).toBe('completed');
    const fired = await rungs();
    expect(fired.map((r) => [r.episode, r.rung, r.unit, r.firedAt.toISOString(), r.status])).toEqual([
      ['publicity', 'reminder', '440700', PUBLICITY_DUE, 'open'],
      ['publicity', 'warning', '440700', PUBLICITY_WARNING, 'open'],
    ]);
    expect(new Set(fired.map((r) => r.id)).size).toBe(2);
    expect((fired[1].reason as { zh: string }).zh).toBe('「缴费明细公示」应于 2032-02-27 24:00 前完成，逾期 1 个工作日（至 2032-03-01）仍未经确认完成，按方案升级为「预警」。');
    expect((await reminders()).length).toBe(1);

    const rows = await db.select().from(milestones).where(eq(milestones.campaignId, plan.id)).orderBy(asc(milestones.seq));
    expect(rows.map((m) => [m.key, m.status, m.remindersSent, m.rungsFired, m.confirmedBy, m.confirmationNote])).toEqual([
      ['census', 'confirmed', 0, 0, '王处长(wangchu)', '普查台账已归档'],
      ['publicity', 'overdue', 1, 2, null, null],
    ]);
    expect(rows[1].dueAt.toISOString()).toBe(PUBLICITY_DUE);
    const confirmations = await db.select().from(actions).where(and(eq(actions.campaignId, plan.id), eq(actions.kind, 'confirm-milestone')));
    expect(confirmations.map((a) => [a.actor, a.reason, (a.detail as { key: string }).key])).toEqual([['王处长(wangchu)', '普查台账已归档', 'census']]);
  }, 240_000);
});
