// Two reporting streams, a rate target and a next-year milestone on the time-skipping server (issue 11,
// "Done when"): a city's two counties report a 旬报 on the 10th/20th/30th at 18:00 (its own two-rung
// ladder, a 通报 at each close, the pace check) and a 周督查 every Friday at 12:00 (the plan's one-rung
// ladder, no 通报, no pace check). Pace is judged on 征缴率 (paying ÷ the tax system's headcount, 90%).
// The 公示 is due the next February, so the campaign stays open until then. Every period, rung and
// circular is written out below with its instant, and the histories prove none happened twice across a
// worker restart. No holiday notice for 2031 is on file: weekends only.
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { circulars, escalations, reportPeriods } from '../../db/schema';
import type { PlanInput } from '../../domain/plan';
import { createWorker } from '../../server/worker';
import { submitReportUpdate, workflowIds, type ReportRequest } from '../../contracts/campaign';
import { bj, keepHistory, timeSkippingSuite, workflowBundle } from '../support/temporal';

const county = (code: string, name: string) => ({
  code,
  name,
  level: 'county' as const,
  targets: { headcount: 1000 },
  children: [{ code: `${code}001`, name: `${name}一镇`, level: 'town' as const, targets: { headcount: 1000 }, children: [] }],
});

const plan = {
  id: 'streams-2031',
  title: '测试市2031年城乡居民养老保险征缴(多报送安排测试)',
  year: 2031,
  region: { code: '440700', name: '测试市', level: 'city' },
  timeZone: 'Asia/Shanghai',
  phases: [{ key: 'payment', name: { zh: '缴费', en: 'Payment' }, start: '2031-11-03', deadline: '2031-11-28' }],
  targets: { headcount: 2000, paymentRate: 0.9 },
  breakdownRule: 'sum-equals',
  breakdown: [county('440701', '甲区'), county('440702', '乙区')],
  reporting: [
    {
      key: 'xunbao',
      name: '旬报',
      rule: { kind: 'days-of-month', days: [10, 20, 30] },
      levels: ['county'],
      start: { phase: 'payment' },
      dueTime: '18:00',
      circulars: true,
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
      ],
    },
    { key: 'weekly', name: '周督查', rule: { kind: 'weekly', weekday: 5 }, levels: ['county'], start: { phase: 'payment' }, dueTime: '12:00' },
  ],
  escalation: {
    ladder: [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }],
    paceLadder: [
      { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
      { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
      { rung: 'circular', name: '通报批评', delayWorkingDays: 5, notify: ['unit', 'parent', 'city'] },
      { rung: 'supervision', name: '督办', delayWorkingDays: 10, notify: ['unit', 'parent', 'city'] },
    ],
    pace: { phase: 'payment', metrics: ['paymentRate'], streams: ['xunbao'] },
    paceMargin: 0.05,
  },
  milestones: [{ key: 'publicity', name: '缴费明细公示', due: '2032-02-27', remindWorkingDays: [3] }],
} satisfies PlanInput;

const [A, B] = ['440701', '440702'];
const PAYMENT_END = bj('2031-11-29', '00:00');
const PUBLICITY_DUE = bj('2032-02-28', '00:00');

const suite = timeSkippingSuite();
const { sleepUntil } = suite;

const report = (code: string, periodKey: string, paid: number) =>
  suite.h.client.workflow.getHandle(workflowIds.unit(plan.id, code)).executeUpdate(submitReportUpdate, {
    args: [{ periodKey, figures: { enrolled: 1000, paid, amountFen: paid * 20_000, mobilePaid: paid, hardshipCovered: 0 }, actor: `${code}填报员`, source: 'api' } satisfies ReportRequest],
  });


describe('reporting streams', () => {
  it('runs two streams with their own ladders, judges a rate target and waits for a next-year milestone, once across a restart', async () => {
    const { h, env } = suite;
    const db = h.database.db;
    await h.campaigns.launch(plan as unknown as Record<string, unknown>, '测试官员');
    const receipts: Record<string, unknown> = {};
    await h.worker.runUntil(async () => {
      await sleepUntil(bj('2031-11-07', '09:00'));
      const periods = await db.select().from(reportPeriods).where(and(eq(reportPeriods.campaignId, plan.id), eq(reportPeriods.unitCode, A))).orderBy(asc(reportPeriods.dueAt));
      expect(periods.map((p) => [p.periodKey, p.stream, p.dueAt.toISOString()])).toEqual([
        ['weekly:2031-11-07', 'weekly', bj('2031-11-07', '12:00')],
        ['xunbao:2031-11-10', 'xunbao', bj('2031-11-10', '18:00')],
        ['weekly:2031-11-14', 'weekly', bj('2031-11-14', '12:00')],
        ['xunbao:2031-11-20', 'xunbao', bj('2031-11-20', '18:00')],
        ['weekly:2031-11-21', 'weekly', bj('2031-11-21', '12:00')],
        ['weekly:2031-11-28', 'weekly', bj('2031-11-28', '12:00')],
      ]);
      await report(A, 'weekly:2031-11-07', 300);
      await report(B, 'weekly:2031-11-07', 50);
      // A 旬报 is not held back by the open weekly period before it; a later 旬报 is.
      receipts.a10 = await report(A, 'xunbao:2031-11-10', 500);
      await expect(report(A, 'xunbao:2031-11-20', 600)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/尚未开始.*xunbao:2031-11-10/) } });
      // B misses the 旬报 due Mon 11-10 18:00 and reports it the next morning, before the warning.
      await sleepUntil(bj('2031-11-11', '09:00'));
      receipts.b10 = await report(B, 'xunbao:2031-11-10', 100);
      // A misses the weekly report of Fri 11-14; B sends it.
      await sleepUntil(bj('2031-11-14', '10:00'));
      await report(B, 'weekly:2031-11-14', 200);
      await sleepUntil(bj('2031-11-14', '20:00'));
    });
    expect(receipts.a10).toMatchObject({ periodKey: 'xunbao:2031-11-10', late: false });
    expect(receipts.b10).toMatchObject({ periodKey: 'xunbao:2031-11-10', late: true });

    // A new worker picks the workflows up from their histories.
    const worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: h.taskQueue, db, workflowBundle: await workflowBundle(), options: { maxCachedWorkflows: 0 } });
    await worker.runUntil(async () => {
      await sleepUntil(bj('2031-11-20', '09:00'));
      await report(A, 'xunbao:2031-11-20', 800);
      await report(B, 'xunbao:2031-11-20', 300);
      await sleepUntil(bj('2031-11-21', '09:00'));
      await report(A, 'weekly:2031-11-21', 900);
      await report(B, 'weekly:2031-11-21', 400);
      await sleepUntil(bj('2031-11-28', '09:00'));
      await report(A, 'weekly:2031-11-28', 950);
      await report(B, 'weekly:2031-11-28', 600);
      // The phases are over in November; the campaign waits for the 公示 in February, then completes.
      await expect(h.client.workflow.getHandle(workflowIds.campaign(plan.id)).result()).resolves.toMatchObject({ status: 'completed' });
      for (const code of [A, B]) await h.client.workflow.getHandle(workflowIds.unit(plan.id, code)).result();
    });
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(PUBLICITY_DUE));

    const rows = await db.select().from(escalations).where(eq(escalations.campaignId, plan.id)).orderBy(asc(escalations.firedAt), asc(escalations.unitCode), asc(escalations.track), asc(escalations.rungIndex));
    expect(rows.map((e) => [e.unitCode, e.track, e.stream, e.episode, e.rung, e.firedAt.toISOString()])).toEqual([
      // B's 旬报 of 11-10: reminder at the due instant; its late report next morning stops the ladder before the warning.
      // At the same close B is behind on 征缴率: 50 of 1,000 (5.0%) against an expected 26.8%.
      [B, 'behind-pace', null, 'xunbao:2031-11-10', 'reminder', bj('2031-11-10', '18:00')],
      [B, 'missed-report', 'xunbao', 'xunbao:2031-11-10', 'reminder', bj('2031-11-10', '18:00')],
      // A's weekly report of 11-14 never came: the plan's one-rung ladder.
      [A, 'missed-report', 'weekly', 'weekly:2031-11-14', 'reminder', bj('2031-11-14', '12:00')],
      // Still behind at the next 旬报 close (300 of 1,000 against an expected 61.4%): one working day has passed.
      [B, 'behind-pace', null, 'xunbao:2031-11-10', 'warning', bj('2031-11-20', '18:00')],
      // At the phase's deadline: behind (the 5-working-day rung) and the 90% target missed (one more).
      [B, 'behind-pace', null, 'xunbao:2031-11-10', 'circular', PAYMENT_END],
      [B, 'behind-pace', null, 'xunbao:2031-11-10', 'supervision', PAYMENT_END],
      // The 公示 nobody confirmed, at its due instant the next February.
      [plan.region.code, 'milestone', null, 'publicity', 'reminder', PUBLICITY_DUE],
    ]);
    const zh = (i: number) => (rows[i].reason as { zh: string }).zh;
    expect(zh(0)).toMatch(/征缴率 5\.0%.缴费 50 人 ÷ 应参保 1,000 人.*按序时进度应达 26\.8%/);
    expect(zh(1)).toMatch(/^「旬报」2031-11-10 期报表应于 2031-11-10 18:00 前报送/);
    expect(zh(2)).toMatch(/^「周督查」2031-11-14 期报表应于 2031-11-14 12:00 前报送/);
    expect(zh(3)).toMatch(/征缴率 30\.0%.*应达 61\.4%/);
    expect(zh(5)).toMatch(/阶段「缴费」于 2031-11-28 24:00 截止.征缴率 60\.0%.缴费 600 人 ÷ 应参保 1,000 人.*未达到目标 90\.0%/);
    expect(rows[1].status).toBe('resolved');
    expect((rows[5].detail as { targetMissed?: boolean }).targetMissed).toBe(true);
    expect((rows[5].detail as { missedMetrics: string[] }).missedMetrics).toEqual(['paymentRate']);

    // 通报 at each 旬报 close only (the weekly stream drafts none), numbered across the campaign (a circular's address).
    const cs = await db.select().from(circulars).where(eq(circulars.campaignId, plan.id)).orderBy(asc(circulars.draftedAt));
    expect(cs.map((c) => [c.periodKey, c.stream, c.seq, c.draftedAt.toISOString()])).toEqual([
      ['xunbao:2031-11-10', 'xunbao', 1, bj('2031-11-10', '18:00')],
      ['xunbao:2031-11-20', 'xunbao', 2, bj('2031-11-20', '18:00')],
    ]);

    // The histories: every rung and circular was written by exactly one activity across the restart.
    const scheduledIds = async (workflowId: string, activity: string) => {
      const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
      return (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity)
        .map((e) => JSON.parse(Buffer.from(e.activityTaskScheduledEventAttributes!.input!.payloads![0].data!).toString()) as { id?: string; periodKey?: string });
    };
    for (const code of [A, B]) {
      const ids = (await scheduledIds(workflowIds.unit(plan.id, code), 'recordEscalation')).map((x) => x.id);
      expect(new Set(ids).size, `${code} recorded a rung twice`).toBe(ids.length);
      expect(ids.length).toBe(rows.filter((e) => e.unitCode === code).length);
    }
    const drafts = (await scheduledIds(workflowIds.campaign(plan.id), 'draftCircular')).map((x) => x.periodKey);
    expect(drafts).toEqual(['xunbao:2031-11-10', 'xunbao:2031-11-20']);

    await keepHistory(h.client, workflowIds.unit(plan.id, B), 'unit-county-streams-2031');
    await keepHistory(h.client, workflowIds.campaign(plan.id), 'campaign-streams-2031');
  }, 600_000);

});
