// 核查差异 through the in-process app, a Temporal test server and a real worker, on PGlite and
// PostgreSQL: an official's check opens the county's discrepancies (and starts their workflow), the
// county's supervisor sees them in 待办 and answers (explain, then a correction that closes), every
// answer is audited and reads as a sentence; another county's supervisor gets 404; a clerk cannot
// answer; the mobilisation figures come from the clerks' visits.
import type { Server } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscrepancyList, MobilisationView } from '../../contracts/api/discrepancies';
import type { TodoView } from '../../contracts/api/todo';
import { discrepancyWorkflowId } from '../../contracts/discrepancy';
import { openDatabase, type Database } from '../../db/client';
import { auditLog, campaigns, paymentStatuses, units, visitOutcomes } from '../../db/schema';
import { auditSentence } from '../../domain/auditText';
import type { Plan } from '../../domain/plan';
import { recordReport } from '../../services/reporting';
import { createWorker } from '../../server/worker';
import { createAccount, signIn, testAuthService, type ApiClient } from '../support/auth';
import { startTestApp } from '../support/app';
import { P, V1, V2 } from '../support/hardshipData';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

const COUNTY = '440703';

describe.each(['pglite', 'postgres'] as const)('discrepancies API on %s', (kind) => {
  const CAMPAIGN = `discrepancies-${kind}`;
  const plan: Plan = { ...jiangmenPlan(CAMPAIGN, '2026-09-28'), verification: { phase: 'verification', tolerance: { share: 0.02 }, answerWithinWorkingDays: 3 } };
  let env: TestWorkflowEnvironment;
  let database: Database;
  let pg: TestDatabase | undefined;
  let worker: Worker;
  let workerDone: Promise<void>;
  let server: Server;
  let official: ApiClient;
  let county: ApiClient;
  let otherCounty: ApiClient;
  let clerk: ApiClient;

  beforeAll(async () => {
    env = await timeSkippingEnv();
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    await seedCampaign(database.db, plan);
    const taskQueue = `discrepancies-api-${kind}-${Date.now()}`;
    worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, workflowBundle: await workflowBundle() });
    workerDone = worker.run();
    const t = await startTestApp({ database, client: env.client, taskQueue, temporalUiUrl: null });
    server = t.server;
    const auth = testAuthService(database.db);
    official = await signIn(t.origin, await createAccount(auth, 'official', '440700'));
    county = await signIn(t.origin, await createAccount(auth, 'supervisor', COUNTY));
    otherCounty = await signIn(t.origin, await createAccount(auth, 'supervisor', '440704'));
    clerk = await signIn(t.origin, await createAccount(auth, 'clerk', V1));
  }, 180_000);
  afterAll(async () => {
    server?.close();
    worker?.shutdown();
    await workerDone;
    await database?.close();
    await pg?.drop();
    await env?.teardown();
  });

  const C = `/api/campaigns/${CAMPAIGN}`;
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const post = (client: ApiClient, path: string, body: unknown = {}) => client.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('opens on an official’s check, once, and starts the answer-deadline workflow', async () => {
    await recordReport(database.db, { id: `${CAMPAIGN}/c`, campaignId: CAMPAIGN, unitCode: COUNTY, periodKey: '2026-11-15', revision: 1, figures: { enrolled: 900, paid: 500, amountFen: 9_000_000, mobilePaid: 0, hardshipCovered: 0 }, late: false, source: 'api', actor: '测试', note: null, at: Date.now() });
    await database.db.update(units).set({ verifiedPaid: 480, verifiedAmountFen: 9_000_000, verifiedMobilePaid: 0, verifiedAsOf: '2026-11-30' }).where(and(eq(units.campaignId, CAMPAIGN), eq(units.code, COUNTY)));
    // Only an official of the campaign's region may ask.
    expect((await post(county, `${C}/discrepancies/check`)).status).toBe(403);
    expect(await json(await post(official, `${C}/discrepancies/check`), 200)).toEqual({ opened: 1, updated: 0, closed: 0 });
    expect(await json(await post(official, `${C}/discrepancies/check`), 200)).toEqual({ opened: 0, updated: 0, closed: 0 });
    expect((await env.client.workflow.getHandle(discrepancyWorkflowId(CAMPAIGN)).describe()).status.name).toBe('RUNNING');
    const list = await json<DiscrepancyList>(await county.fetch(`${C}/discrepancies`), 200);
    expect(list.verification).toEqual({ phase: 'verification', tolerance: { share: 0.02 }, answerWithinWorkingDays: 3 });
    expect(list.discrepancies.map((d) => [d.unitCode, d.metric, d.reported, d.verified, d.difference, d.asOf, d.status])).toEqual([[COUNTY, 'paid', 500, 480, 20, '2026-11-30', 'open']]);
    expect((await json<DiscrepancyList>(await otherCounty.fetch(`${C}/discrepancies`), 200)).discrepancies).toEqual([]);
    const todo = await json<TodoView>(await county.fetch('/api/todo'), 200);
    const item = todo.items.find((i) => i.kind === 'discrepancy')!;
    expect(item).toMatchObject({ unitCode: COUNTY, key: `discrepancy:${CAMPAIGN}/${COUNTY}/paid/1` });
    expect(item.title).toContain('实缴人数核查差异待说明或更正');
    expect(item.detail).toContain('报送500 人，税务核实480 人（数据截至2026-11-30）');
  });

  it('takes the county’s answers (audited), refuses them from elsewhere, and a correction within tolerance closes it', async () => {
    const answer = (client: ApiClient, body: unknown, code = COUNTY) => post(client, `${C}/units/${code}/discrepancies/paid/answer`, body);
    expect((await answer(otherCounty, { kind: 'explain', text: '越权答复' })).status).toBe(404);
    expect((await answer(clerk, { kind: 'explain', text: '越权答复' }, V1)).status).toBe(403);
    const bad = await answer(county, { kind: 'correct', text: '更正' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('更正须填写更正后的数字');
    expect(await json(await answer(county, { kind: 'explain', text: '20 人在外地参保，已核实' }), 200)).toEqual({ status: 'explained' });
    expect((await json<TodoView>(await county.fetch('/api/todo'), 200)).items.some((i) => i.kind === 'discrepancy')).toBe(false);
    expect(await json(await answer(county, { kind: 'correct', text: '按税务数据更正', corrected: 485 }), 200)).toEqual({ status: 'closed' });
    expect((await json(await answer(county, { kind: 'explain', text: '再答复' }), 409))).toMatchObject({ detail: expect.stringContaining('已消除') });
    const [d] = (await json<DiscrepancyList>(await official.fetch(`${C}/discrepancies?closed=true`), 200)).discrepancies;
    expect(d).toMatchObject({ status: 'closed', reported: 485, reportedPeriod: '更正' });
    expect(d.answers.map((a) => a.kind)).toEqual(['explain', 'correct']);
    // Recorded once each answer is sent (the guard writes on 'close'): the two accepted, the refused ones.
    const audited = async () => database.db.select().from(auditLog).where(and(eq(auditLog.actorUsername, county.account.username), eq(auditLog.action, 'discrepancy.answer')));
    for (let i = 0; i < 50 && (await audited()).length < 4; i++) await new Promise((r) => setTimeout(r, 50));
    const answers = await audited();
    expect(answers.map((a) => a.result).sort()).toEqual(['failure', 'failure', 'success', 'success']);
    expect(answers.every((a) => a.target === 'POST /api/campaigns/:id/units/:code/discrepancies/:metric/answer')).toBe(true);
    expect(auditSentence(answers.find((a) => a.result === 'success')!)).toContain('答复核查差异（说明或更正）');
  });

  it('answers the mobilisation figures of a unit and its parents', async () => {
    await database.db.insert(paymentStatuses).values([
      { campaignId: CAMPAIGN, idNumber: P.B.id, importId: 'x', name: P.B.name, villageCode: V1, status: 'unpaid' },
      { campaignId: CAMPAIGN, idNumber: P.L.id, importId: 'x', name: P.L.name, villageCode: V2, status: 'unpaid' },
    ]);
    const ref = (id: string) => Buffer.from(id).toString('base64url');
    expect((await post(clerk, `${C}/units/${V1}/visits`, { ref: ref(P.B.id), outcome: 'promised' })).status).toBe(201);
    const refused = await post(clerk, `${C}/units/${V1}/visits`, { ref: ref(P.B.id), outcome: 'refused' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('拒缴须填写说明');
    await database.db.insert(visitOutcomes).values({ campaignId: CAMPAIGN, idNumber: P.L.id, villageCode: V2, outcome: 'studying', actor: '协管员', recordedAt: new Date() });
    const v1 = await json<MobilisationView>(await clerk.fetch(`${C}/units/${V1}/mobilisation`), 200);
    expect(v1).toMatchObject({ unitCode: V1, people: 1, byOutcome: { promised: 1, studying: 0 } });
    const c = await json<MobilisationView>(await county.fetch(`${C}/units/${COUNTY}/mobilisation`), 200);
    expect(c).toMatchObject({ people: 2, byOutcome: { promised: 1, studying: 1, refused: 0 } });
    expect((await clerk.fetch(`${C}/units/${V2}/mobilisation`)).status).toBe(404);
    expect((await database.db.select().from(campaigns).where(eq(campaigns.id, CAMPAIGN))).length).toBe(1);
  });
});
