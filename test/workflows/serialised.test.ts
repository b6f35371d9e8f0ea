// Issue 12 item 7: a unit's Update handlers and its timer loop never interleave. A report arrives at the
// very instant the unit's second rung (预警) is being written: the activity that records the rung is
// held open by the test until the report's Update has been delivered. Without the lock, the report's
// handler runs meanwhile, resolves the ladder in the workflow and in the database (where the rung is not
// yet written), and the rung is then recorded open: an open rung the workflow believes resolved, which
// a waiver would then refuse. With the lock the report waits for the rung and resolves it.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateStage } from '@temporalio/client';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { createOutboxActivities } from '../../activities/outbox';
import { createReportingActivities } from '../../activities/reporting';
import { escalations, reports } from '../../db/schema';
import type { PlanInput } from '../../domain/plan';
import { createWorker } from '../../server/worker';
import { submitReportUpdate, unitReportingQuery, workflowIds, type ReportRequest } from '../../contracts/campaign';
import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../../db/client';
import { createCampaignService } from '../../server/campaigns/service';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

const plan: PlanInput = {
  id: 'serialised-2031',
  title: '测试市2031年城乡居民养老保险征缴(报送与督办互斥测试)',
  year: 2031,
  region: { code: '440700', name: '测试市', level: 'city' },
  timeZone: 'Asia/Shanghai',
  phases: [
    { key: 'mobilisation', name: { zh: '发动', en: 'Mobilisation' }, start: '2031-11-03', deadline: '2031-11-09' },
    { key: 'payment', name: { zh: '缴费', en: 'Payment' }, start: '2031-11-10', deadline: '2031-11-30' },
  ],
  targets: { enrolled: 3000, paying: 1000 },
  breakdownRule: 'sum-equals',
  breakdown: [{ code: '440701', name: '甲区', level: 'county', targets: { enrolled: 3000, paying: 1000 }, children: [] }],
  reporting: { rule: { kind: 'days-of-month', days: [12] }, start: '2031-11-03', end: { phase: 'payment' }, dueTime: '18:00', shift: 'next-working-day', levels: ['county'] },
  escalation: {
    ladder: [
      { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
      { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
      { rung: 'circular', name: '通报批评', delayWorkingDays: 2, notify: ['unit', 'parent', 'city'] },
    ],
    pace: { phase: 'payment', metric: 'paying' },
    paceMargin: 0.05,
    warningWindowDays: 3,
  },
};
const UNIT = '440701';
/** Wed 2031-11-12 18:00 in Beijing: the period's due instant; the 预警 rung one working day later, Thu 11-13 18:00. */
const DUE = Date.parse('2031-11-12T10:00:00.000Z');
const WARNING_AT = Date.parse('2031-11-13T10:00:00.000Z');

let env: TestWorkflowEnvironment;
let database: Database;
const taskQueue = `test-${randomUUID()}`;
beforeAll(async () => {
  env = await timeSkippingEnv();
  database = await openDatabase({});
});
afterAll(async () => {
  await database?.close();
  await env?.teardown();
});

describe('a unit serialises its Updates and its timer loop', () => {
  it('a report submitted at the rung instant, while the rung is being written, resolves that rung (workflow and database agree)', async () => {
    const db = database.db;
    const campaigns = createCampaignService({ db, client: env.client, taskQueue, namespace: 'default', temporalUiUrl: undefined });
    const reporting = createReportingActivities(db);
    // The 预警 rung's write is held until the test lets it go.
    let entered!: () => void;
    const rungEntered = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const recordEscalation: typeof reporting.recordEscalation = async (w) => {
      if (w.track === 'missed-report' && w.rungIndex === 1) {
        entered();
        await gate;
      }
      return reporting.recordEscalation(w);
    };
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      db,
      workflowBundle: await workflowBundle(),
      options: {
        maxCachedWorkflows: 0,
        activities: {
          ...createDbActivities(db),
          ...reporting,
          recordEscalation,
          ...createOutboxActivities(db, { NOTIFY_WEBHOOK_URL: undefined, SMTP_URL: undefined, SMTP_FROM: 'noreply@localhost', NOTIFY_EMAIL_TO: undefined }),
        },
      },
    });
    await campaigns.launch(plan as unknown as Record<string, unknown>, '测试官员');
    const unit = env.client.workflow.getHandle(workflowIds.unit(plan.id, UNIT));

    let receipt: unknown;
    let viewAfter: unknown;
    await worker.runUntil(async () => {
      // To the rung's instant: the timer fires and the workflow starts writing the 预警 rung.
      // (The sleep ends at the same instant as the rung's timer, whose activity then holds the clock: not awaited here.)
      const sleeping = env.sleep(WARNING_AT - (await env.currentTimeMs()));
      await rungEntered;
      if (process.env.DEBUG_SERIALISED) console.log('rung entered at', new Date(await env.currentTimeMs()).toISOString());
      // The report arrives now, while the rung's activity is in flight.
      const update = await unit.startUpdate(submitReportUpdate, {
        args: [{ periodKey: '2031-11-12', figures: { enrolled: 900, paid: 300, amountFen: 300 * 18_000, mobilePaid: 100, hardshipCovered: 0 }, actor: '甲区填报员', source: 'api' } satisfies ReportRequest],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      // Give an unserialised handler every chance to run (and write the report) before the rung lands.
      await new Promise((r) => setTimeout(r, 1500));
      release();
      receipt = await update.result();
      await sleeping;
      viewAfter = await unit.query(unitReportingQuery);
    });

    // Submitted while the rung was being written (the test server's clock runs in real time while an activity holds it).
    expect(receipt).toMatchObject({ periodKey: '2031-11-12', revision: 1, late: true, dueAt: DUE });
    expect((receipt as { submittedAt: number }).submittedAt - WARNING_AT).toBeGreaterThanOrEqual(0);
    expect((receipt as { submittedAt: number }).submittedAt - WARNING_AT).toBeLessThan(30_000);
    const rows = await db
      .select({ rung: escalations.rung, status: escalations.status, firedAt: escalations.firedAt, resolution: escalations.resolution })
      .from(escalations)
      .where(and(eq(escalations.campaignId, plan.id), eq(escalations.unitCode, UNIT), eq(escalations.track, 'missed-report')))
      .orderBy(asc(escalations.rungIndex));
    // Both rungs fired, at their instants, once; both resolved by the late report, in the database…
    expect(rows.map((r) => [r.rung, r.firedAt.toISOString(), r.status, r.resolution])).toEqual([
      ['reminder', new Date(DUE).toISOString(), 'resolved', '迟报：甲区填报员'],
      ['warning', new Date(WARNING_AT).toISOString(), 'resolved', '迟报：甲区填报员'],
    ]);
    // …and in the workflow, which agrees.
    const fired = (viewAfter as { fired: Array<{ id: string; track: string; status: string }> }).fired.filter((f) => f.track === 'missed-report');
    expect(fired.map((f) => f.status)).toEqual(['resolved', 'resolved']);
    const stored = await db.select({ late: reports.late }).from(reports).where(eq(reports.campaignId, plan.id));
    expect(stored).toEqual([{ late: true }]);
  }, 90_000);
});
