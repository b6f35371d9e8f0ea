// The discrepancy workflow on the time-skipping server with the real bundle and activities on PGlite:
// a county's two discrepancies opened in the verification phase, one answered (explained); the
// unanswered one escalates to the parent exactly once, at its working-day deadline and not before, the
// answered one never; the workflow ends after the phase and its answer window.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DISCREPANCY_WORKFLOW, discrepancyWorkflowId, type DiscrepancyWatchResult } from '../../contracts/discrepancy';
import { campaigns, discrepancies, outbox, units } from '../../db/schema';
import type { Plan } from '../../domain/plan';
import { answerDiscrepancy, syncDiscrepancies } from '../../services/discrepancies';
import { recordReport } from '../../services/reporting';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { harness, keepHistory, timeSkippingEnv, type Harness } from '../support/temporal';

const CAMPAIGN = 'discrepancy-wf';
const COUNTY = '440703';

let env: TestWorkflowEnvironment;
let h: Harness;
beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await harness(env);
}, 120_000);
afterAll(async () => {
  await h?.database.close();
  await env?.teardown();
});

it('escalates an unanswered discrepancy once at its deadline, an answered one never', async () => {
  const db = h.database.db;
  const now = await env.currentTimeMs();
  // A plan whose verification phase runs today (the test server's clock starts at the wall clock's).
  const today = new Date(now).toISOString().slice(0, 10);
  const start = new Date(Date.parse(today) - 64 * 86_400_000).toISOString().slice(0, 10);
  const plan: Plan = { ...jiangmenPlan(CAMPAIGN, start), verification: { phase: 'verification', tolerance: { persons: 2, amountYuan: 100 }, answerWithinWorkingDays: 3 } };
  await seedCampaign(db, plan);
  await db.update(campaigns).set({ currentPhaseKey: 'verification' }).where(eq(campaigns.id, CAMPAIGN));
  await recordReport(db, { id: `${CAMPAIGN}/c`, campaignId: CAMPAIGN, unitCode: COUNTY, periodKey: today, revision: 1, figures: { enrolled: 900, paid: 500, amountFen: 9_000_000, mobilePaid: 0, hardshipCovered: 0 }, late: false, source: 'api', actor: '测试', note: null, at: now });
  await db.update(units).set({ verifiedPaid: 480, verifiedAmountFen: 8_640_000, verifiedMobilePaid: 0, verifiedAsOf: today }).where(and(eq(units.campaignId, CAMPAIGN), eq(units.code, COUNTY)));
  expect(await db.transaction((tx) => syncDiscrepancies(tx, CAMPAIGN, { now, open: true }))).toEqual({ opened: 2, updated: 0, closed: 0 });
  await answerDiscrepancy(db, { campaignId: CAMPAIGN, unitCode: COUNTY, metric: 'paid', kind: 'explain', text: '20 人为退役军人，由原单位代缴', corrected: null, actor: '县社保', at: now });

  const handle = await env.client.workflow.start(DISCREPANCY_WORKFLOW, { taskQueue: h.taskQueue, workflowId: discrepancyWorkflowId(CAMPAIGN), args: [{ campaignId: CAMPAIGN }] });
  const result = (await h.worker.runUntil(handle.result())) as DiscrepancyWatchResult;
  expect(result).toEqual({ escalated: 1 });

  const rows = await db.select().from(discrepancies).where(eq(discrepancies.campaignId, CAMPAIGN));
  const amount = rows.find((d) => d.metric === 'amount')!;
  const paid = rows.find((d) => d.metric === 'paid')!;
  expect(paid).toMatchObject({ status: 'explained', escalatedAt: null });
  expect(amount).toMatchObject({ status: 'open', escalatedTo: '440700' });
  // At the deadline (24:00 Beijing, three working days after the day it opened), not before, and at most a minute after.
  expect(amount.escalatedAt!.getTime()).toBeGreaterThanOrEqual(amount.answerBy.getTime());
  expect(amount.escalatedAt!.getTime() - amount.answerBy.getTime()).toBeLessThan(60_000);
  expect(amount.answerBy.getTime() - amount.openedAt.getTime()).toBeGreaterThanOrEqual(3 * 86_400_000);
  const notes = await db.select().from(outbox).where(and(like(outbox.refId, `discrepancy/${CAMPAIGN}/%`), eq(outbox.channel, 'console')));
  expect(notes.map((n) => [n.refId, n.recipient]).sort()).toEqual([
    [`discrepancy/${CAMPAIGN}/${COUNTY}/amount/1`, '440700'],
    [`discrepancy/${CAMPAIGN}/${COUNTY}/amount/1`, COUNTY],
  ]);
  // The workflow watched to the end of the phase and its answer window, then ended.
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  await keepHistory(env.client, discrepancyWorkflowId(CAMPAIGN), 'discrepancy-escalated');
  expect(await env.currentTimeMs()).toBeGreaterThan(Date.parse(`${plan.phases[3].deadline}T00:00:00+08:00`));
}, 300_000);
