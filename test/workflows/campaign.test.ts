// Campaign workflows on the time-skipping test server. Its clock starts at the real now, so plans are
// moved into its future with the same helper the demo uses; the instants asserted are written out here.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actions, campaigns, phases, units } from '../../db/schema';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import { makeProvincePlan } from '../../domain/synthetic';
import { loadExample } from '../../server/campaigns/examples';
import { workflowIds } from '../../contracts/campaign';
import { harness, keepHistory, timeSkippingEnv, type Harness } from '../support/temporal';

// One server per test: a workflow task left behind by one test would stop time skipping for the next.
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await timeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

const jiangmen = (id: string, start = '2031-09-28') =>
  shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, start, { id }) as unknown as Record<string, unknown>;
/** The phase machinery alone: without reporting, no unit keeps a schedule or escalates (reporting.test.ts covers those). */
const phasesOnly = (plan: Record<string, unknown>) => {
  const { reporting: _r, escalation: _e, ...rest } = plan;
  return rest;
};

async function phaseRows(h: Harness, id: string) {
  return h.database.db.select().from(phases).where(eq(phases.campaignId, id)).orderBy(asc(phases.seq));
}

/** Waits until the campaign and every unit workflow under it have closed (the worker must be running). */
async function allClosed(h: Harness, id: string) {
  await h.client.workflow.getHandle(workflowIds.campaign(id)).result();
  const rows = await h.database.db.select({ workflowId: units.workflowId }).from(units).where(eq(units.campaignId, id));
  for (const r of rows) if (r.workflowId) await h.client.workflow.getHandle(r.workflowId).result();
}

async function runToEnd(h: Harness, id: string) {
  await h.worker.runUntil(allClosed(h, id));
}

describe('a Jiangmen-shaped campaign', () => {
  it('runs its whole year with phase changes at the exact instants (Asia/Shanghai)', async () => {
    const h = await harness(env);
    const id = 'jiangmen-ts-year';
    const launched = await h.campaigns.launch(jiangmen(id), '测试官员');
    expect(launched.created).toBe(true);
    await runToEnd(h, id);

    const rows = await phaseRows(h, id);
    expect(rows.map((p) => [p.key, p.startedAt?.toISOString(), p.endedAt?.toISOString(), p.endReason])).toEqual([
      // Beijing midnight is 16:00 UTC the day before; a bare deadline date ends at the following midnight.
      ['deployment', '2031-09-27T16:00:00.000Z', '2031-09-30T16:00:00.000Z', 'deadline'],
      ['mobilisation', '2031-09-30T16:00:00.000Z', '2031-10-31T16:00:00.000Z', 'deadline'],
      ['payment', '2031-10-31T16:00:00.000Z', '2031-11-30T16:00:00.000Z', 'deadline'],
      ['verification', '2031-11-30T16:00:00.000Z', '2031-12-31T16:00:00.000Z', 'deadline'],
    ]);
    // The durable timers themselves fired at those instants (within the time of one workflow task).
    const history = await h.client.workflow.getHandle(workflowIds.campaign(id)).fetchHistory();
    const fired = (history.events ?? [])
      .filter((e) => e.timerFiredEventAttributes)
      .map((e) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6));
    // Phase instants, and the county report closes that draft a circular (1st and 15th; 2031 has no
    // holiday notice on file, so weekends only: Sat 11-01 -> Mon 11-03, Sat 11-15 -> Mon 11-17).
    // And the October publicity milestone nobody confirms (due Fri 10-31 24:00): its reminder three
    // working days before at 09:00 (Tue 10-28), its rungs 0, 1, 3, 5 and 10 working days after the due
    // date at 24:00 (10-31 and 11-03 coincide with a phase and a circular timer: one timer each).
    const instants = [
      '2031-09-27T16:00:00Z',
      '2031-09-30T16:00:00Z',
      '2031-10-15T16:00:00Z',
      '2031-10-28T01:00:00Z',
      '2031-10-31T16:00:00Z',
      '2031-11-03T16:00:00Z',
      '2031-11-05T16:00:00Z',
      '2031-11-07T16:00:00Z',
      '2031-11-14T16:00:00Z',
      '2031-11-17T16:00:00Z',
      '2031-11-30T16:00:00Z',
      '2031-12-01T16:00:00Z',
      '2031-12-15T16:00:00Z',
      '2031-12-31T16:00:00Z',
    ];
    expect(fired).toHaveLength(instants.length);
    fired.forEach((t, i) => {
      expect(t - Date.parse(instants[i])).toBeGreaterThanOrEqual(0);
      // Within a few seconds on a loaded two-core machine, against a day or more between instants.
      expect(t - Date.parse(instants[i])).toBeLessThan(5000);
    });
    const [c] = await h.database.db.select().from(campaigns).where(eq(campaigns.id, id));
    expect(c.status).toBe('completed');
    expect(c.currentPhaseKey).toBeNull();

    const all = await h.database.db.select().from(units).where(eq(units.campaignId, id));
    const counties = all.filter((u) => u.level === 'county');
    const towns = all.filter((u) => u.level === 'town');
    expect(counties).toHaveLength(7);
    expect(towns.length).toBeGreaterThanOrEqual(60);
    // Every county and town ran as a workflow and finished with the campaign; villages are rows only.
    for (const u of [...counties, ...towns]) {
      expect(u.status, u.code).toBe('completed');
      expect(u.workflowId).toBe(workflowIds.unit(id, u.code));
    }
    expect(all.filter((u) => u.level === 'village').every((u) => u.workflowId === null)).toBe(true);

    const log = await h.database.db.select().from(actions).where(eq(actions.campaignId, id));
    expect(log.map((a) => [a.kind, a.actor])).toEqual([['launch', '测试官员']]);

    // Relaunching the same plan returns the same campaign, never a second one.
    const again = await h.campaigns.launch(jiangmen(id), '另一位官员');
    expect(again.created).toBe(false);
    expect(again.campaign.status).toBe('completed');

    await keepHistory(h.client, workflowIds.campaign(id), 'campaign-jiangmen-year');
    await keepHistory(h.client, workflowIds.unit(id, counties[0].code), 'unit-county-jiangmen-year');
    await keepHistory(h.client, workflowIds.unit(id, towns[0].code), 'unit-town-jiangmen-year');
    await h.database.close();
  }, 360_000); // 80 unit workflows through a whole year on the time-skipping server: ~110 s on a busy 2-core machine

  it('advances early, moves a deadline, refuses bad actions without changing anything, and cancels', async () => {
    const h = await harness(env);
    const id = 'jiangmen-ts-actions';
    await h.campaigns.launch(phasesOnly(jiangmen(id, '2032-09-28')), '市人社局');
    await h.worker.runUntil(async () => {
      const handle = h.client.workflow.getHandle(workflowIds.campaign(id));
      // Wait for the launch to be materialised (the first action is recorded then).
      await expect.poll(async () => (await h.campaigns.detail(id)).actions.length, { timeout: 30_000 }).toBe(1);

      // Before the first phase starts, advancing starts it now.
      let d = await h.campaigns.advance(id, { actor: '张科长', reason: '部署会已提前召开' });
      expect(d.status).toBe('running');
      expect(d.currentPhaseKey).toBe('deployment');
      d = await h.campaigns.advance(id, { actor: '张科长', reason: '部署完成', expectedPhaseKey: 'deployment' });
      expect(d.currentPhaseKey).toBe('mobilisation');

      // Move the mobilisation deadline earlier (2032-10-20 end of day, Beijing): the days until payment
      // starts belong to no phase, refused until the official accepts the gap.
      await expect(h.campaigns.amendDeadline(id, { actor: '张科长', reason: '市里要求提前', phaseKey: 'mobilisation', deadline: '2032-10-20' })).rejects.toThrow(/11 天不属于任何阶段/);
      d = await h.campaigns.amendDeadline(id, { actor: '张科长', reason: '市里要求提前', phaseKey: 'mobilisation', deadline: '2032-10-20', acceptGap: true });
      expect(d.phases.find((p) => p.key === 'mobilisation')?.deadlineAt).toBe('2032-10-20T16:00:00.000Z');

      const before = await h.campaigns.detail(id);
      const refusals: Array<[string, () => Promise<unknown>, RegExp]> = [
        ['deadline in the past', () => h.campaigns.amendDeadline(id, { actor: 'x', reason: '测试', phaseKey: 'payment', deadline: '2020-01-01' }), /已经过去/],
        ['deadline after the next phase', () => h.campaigns.amendDeadline(id, { actor: 'x', reason: '测试', phaseKey: 'payment', deadline: '2033-01-15' }), /下一阶段/],
        ['finished phase', () => h.campaigns.amendDeadline(id, { actor: 'x', reason: '测试', phaseKey: 'deployment', deadline: '2032-12-01' }), /已结束/],
        ['unknown phase', () => h.campaigns.amendDeadline(id, { actor: 'x', reason: '测试', phaseKey: 'nope', deadline: '2032-12-01' }), /没有键为 nope/],
        ['stale expected phase', () => h.campaigns.advance(id, { actor: 'x', reason: '测试', expectedPhaseKey: 'deployment' }), /请刷新/],
      ];
      for (const [what, act, message] of refusals) {
        const err = await act().then(() => undefined, (e: unknown) => e);
        expect(err, what).toBeInstanceOf(WorkflowUpdateFailedError);
        expect((err as WorkflowUpdateFailedError).cause?.message, what).toMatch(message);
      }
      const after = await h.campaigns.detail(id);
      expect(after.phases).toEqual(before.phases);
      expect(after.actions).toEqual(before.actions);
      expect((await handle.query('campaignView')) as { version: number }).toMatchObject({ status: 'running' });

      d = await h.campaigns.cancel(id, { actor: '李局长', reason: '方案调整,重新部署' });
      expect(d.status).toBe('cancelled');
      expect(d.phases.find((p) => p.key === 'mobilisation')).toMatchObject({ status: 'done', endReason: 'cancelled' });
      const cancelledAgain = await h.campaigns.cancel(id, { actor: '李局长', reason: '再次撤销' }).then(() => undefined, (e: unknown) => e);
      expect(cancelledAgain).toMatchObject({ status: 422, detail: expect.stringMatching(/已撤销/) });

      expect(d.actions.map((a) => [a.kind, a.actor, a.reason])).toEqual([
        ['launch', '市人社局', null],
        ['advance', '张科长', '部署会已提前召开'],
        ['advance', '张科长', '部署完成'],
        ['amend-deadline', '张科长', '市里要求提前'],
        ['cancel', '李局长', '方案调整,重新部署'],
      ]);
      await allClosed(h, id);
    });
    // Units learn of the end: every county and town ends cancelled.
    const rows = await h.database.db.select({ status: units.status }).from(units).where(and(eq(units.campaignId, id), eq(units.level, 'town')));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'cancelled')).toBe(true);
    await h.database.close();
  });

  it('continues as new before its history grows large and still ends at the right instants', async () => {
    const h = await harness(env, { historyLimit: 40 });
    const id = 'jiangmen-ts-can';
    await h.campaigns.launch(phasesOnly(jiangmen(id, '2033-09-28')), '市人社局');
    await runToEnd(h, id);
    const rows = await phaseRows(h, id);
    expect(rows.map((p) => [p.key, p.endedAt?.toISOString()])).toEqual([
      ['deployment', '2033-09-30T16:00:00.000Z'],
      ['mobilisation', '2033-10-31T16:00:00.000Z'],
      ['payment', '2033-11-30T16:00:00.000Z'],
      ['verification', '2033-12-31T16:00:00.000Z'],
    ]);
    const history = await h.client.workflow.getHandle(workflowIds.campaign(id)).fetchHistory();
    // The final run started from a continue-as-new, carrying its state as plain JSON.
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.continuedExecutionRunId).toBeTruthy();
    await keepHistory(h.client, workflowIds.campaign(id), 'campaign-continued-as-new');
    await h.database.close();
  });
});

describe('a province-scale plan', () => {
  it('launches 100 counties x 15 towns and completes', async () => {
    const h = await harness(env);
    const plan = makeProvincePlan({ counties: 100, townsPerCounty: 15, startDate: '2034-05-01', id: 'province-ts' });
    // Launch at scale is the point here; reporting at scale is measured by npm run bench:reports.
    await h.campaigns.launch(phasesOnly(plan as unknown as Record<string, unknown>), '省人社厅');
    await runToEnd(h, 'province-ts');
    const rows = await h.database.db.select({ level: units.level, status: units.status }).from(units).where(eq(units.campaignId, 'province-ts'));
    expect(rows.filter((r) => r.level === 'county')).toHaveLength(100);
    expect(rows.filter((r) => r.level === 'town')).toHaveLength(1500);
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
    const [c] = await h.database.db.select().from(campaigns).where(eq(campaigns.id, 'province-ts'));
    expect(c.status).toBe('completed');
    await h.database.close();
  }, 900_000);
});
