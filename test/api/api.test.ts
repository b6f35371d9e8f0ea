// The HTTP API through the in-process app factory, against a real Temporal test server and PGlite.
import type { Server } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import { loadExample } from '../../server/campaigns/examples';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, signIn, testAuthService, type ApiClient } from '../support/auth';
import { startTestApp } from '../support/app';
import { harness, timeSkippingEnv, type Harness } from '../support/temporal';

let env: TestWorkflowEnvironment;
let h: Harness;
let server: Server;
let base: string;
let stopWorker: () => void;
let workerDone: Promise<void>;
let api: ApiClient;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = await harness(env);
  const t = await startTestApp({ database: h.database, client: env.client, taskQueue: h.taskQueue, campaigns: h.campaigns, reporting: h.reporting });
  server = t.server;
  base = t.origin;
  workerDone = h.worker.run();
  stopWorker = () => h.worker.shutdown();
  const official = await createAccount(testAuthService(h.database.db), 'official', '440700', { username: 'wangchu', displayName: '王处长' });
  api = await signIn(base, official);
});
afterAll(async () => {
  server?.close();
  stopWorker?.();
  await workerDone;
  await h?.database.close();
  await env?.teardown();
});

const plan = (id: string) => shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2035-09-28', { id });
/** Everything as 王处长, an official of the city (the actor every record names). */
const ACTOR = '王处长(wangchu)';
const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => api.post(path, body, headers);
const get = (path: string) => (path.startsWith('/api/openapi') || path.startsWith('/api/health') ? fetch(base + path) : api.get(path));

describe('API', () => {
  it('describes itself from the zod schemas', async () => {
    const res = await get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/campaigns', '/api/campaigns/{id}/deadline', '/api/plans/preview', '/api/health']));
    const launch = doc.paths['/api/campaigns'].post.requestBody.content['application/json'].schema;
    expect(launch.required).toContain('plan');
  });

  it('refuses a bad plan with 400 and every failing path, launching nothing', async () => {
    const bad = { ...plan('api-bad'), phases: [{ key: 'a', name: { zh: '甲', en: 'A' }, start: '2035-10-10', deadline: '2035-10-01' }] };
    const res = await post('/api/campaigns', { plan: bad });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = await res.json();
    expect(body.errors).toContainEqual({ path: 'phases[0].deadline', message: '截止时间应晚于开始时间' });
    const yaml = await post('/api/campaigns', 'id: [unclosed', { 'content-type': 'application/yaml' });
    expect(yaml.status).toBe(400);
    expect((await yaml.json()).errors[0].path).toMatch(/第 1 行/);
    const missing = await post('/api/campaigns', { plan: { id: 'x1' } });
    expect((await missing.json()).errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['title', 'year', 'region', 'phases']));
    const notAPlan = await post('/api/campaigns', { nope: 1 });
    expect(notAPlan.status).toBe(400);
    expect(await (await get('/api/campaigns')).json()).toEqual([]);
  });

  it('previews a plan without launching it', async () => {
    const res = await post('/api/plans/preview', { plan: stringify(plan('api-preview')) });
    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p.phases[0]).toMatchObject({ key: 'deployment', startLocal: '2035-09-28 00:00', deadlineLocal: '2035-10-01 00:00' });
    expect(p.unitCounts).toMatchObject({ county: 7, village: 1300 });
    expect(p.workflowCount).toBe(1 + 7 + p.unitCounts.town);
    expect(await (await get('/api/campaigns')).json()).toEqual([]);
  });

  it('launches idempotently, reads the campaign and its units, and maps actions to HTTP', async () => {
    const first = await post('/api/campaigns', { plan: plan('api-main'), actor: '王处长' });
    expect(first.status).toBe(201);
    const again = await post('/api/campaigns', { plan: plan('api-main') });
    expect(again.status).toBe(200);
    expect((await again.json()).created).toBe(false);
    expect((await (await get('/api/campaigns')).json()).map((c: { id: string }) => c.id)).toEqual(['api-main']);

    // The launch action is recorded after the units are materialised: once it is there, so are they.
    await expect.poll(async () => (await (await get('/api/campaigns/api-main')).json()).actions.length, { timeout: 30_000 }).toBe(1);
    const detail = await (await get('/api/campaigns/api-main')).json();
    expect(detail).toMatchObject({ status: 'scheduled', targets: { enrolled: 1470000, paying: 564000 } });
    expect(detail.actions[0]).toMatchObject({ kind: 'launch', actor: ACTOR });
    expect(detail.units).toHaveLength(7);
    const county = detail.units[0];
    const unit = await (await get(`/api/campaigns/api-main/units/${county.code}`)).json();
    expect(unit.ancestors).toEqual([{ code: '440700', name: '江门市', level: 'city' }]);
    expect(unit.children.length).toBeGreaterThan(0);
    const town = await (await get(`/api/campaigns/api-main/units/${unit.children[0].code}`)).json();
    expect(town.ancestors.map((a: { code: string }) => a.code)).toEqual(['440700', county.code]);
    expect(town.children.every((v: { level: string; workflowId: string | null }) => v.level === 'village' && v.workflowId === null)).toBe(true);

    expect((await get('/api/campaigns/nope')).status).toBe(404);
    expect((await get('/api/campaigns/api-main/units/999999')).status).toBe(404);
    expect((await get('/api/nothing-here')).status).toBe(404);

    const advanced = await post('/api/campaigns/api-main/advance', { actor: '王处长', reason: '提前部署' });
    expect(advanced.status).toBe(200);
    expect((await advanced.json()).currentPhaseKey).toBe('deployment');

    const badDate = await post('/api/campaigns/api-main/deadline', { reason: '调整', phaseKey: 'payment', deadline: '明天' });
    expect(badDate.status).toBe(400);
    expect((await badDate.json()).errors).toEqual([{ path: 'deadline', message: '应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:mm' }]);
    const noReason = await post('/api/campaigns/api-main/cancel', {});
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).errors.map((e: { path: string }) => e.path)).toEqual(['reason']);
    const past = await post('/api/campaigns/api-main/deadline', { reason: '调整', phaseKey: 'payment', deadline: '2020-01-01' });
    expect(past.status).toBe(422);
    expect((await past.json()).detail).toMatch(/已经过去/);

    const cancelled = await post('/api/campaigns/api-main/cancel', { actor: '王处长', reason: '测试撤销' });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).status).toBe('cancelled');
    const twice = await post('/api/campaigns/api-main/advance', { reason: '再试一次' });
    expect(twice.status).toBe(422);
  });

  it('launches the demo plan, starting today', async () => {
    const res = await post('/api/demo', {});
    expect(res.status).toBe(201);
    const { campaign } = await res.json();
    expect(campaign.id).toMatch(/^demo-jiangmen-\d{8}$/);
    await expect.poll(async () => (await (await get(`/api/campaigns/${campaign.id}`)).json()).currentPhaseKey, { timeout: 30_000 }).toBe('deployment');
  });
});

describe('reporting API', () => {
  const put = (path: string, body: unknown) => api.put(path, body);

  it('serves the shipped calendar, refuses a bad year by path, and records an added one', async () => {
    const cal = await (await get('/api/calendar')).json();
    expect(cal.years.map((y: { year: number }) => y.year)).toEqual([2023, 2024, 2025, 2026]);
    expect(cal.years[0]).toMatchObject({ origin: 'shipped', source: { docNo: '国办发明电〔2022〕16号' } });
    const year2027 = {
      year: 2027,
      source: { title: '测试通知', issuer: '测试', publishedOn: '2026-11-01' },
      holidays: [{ name: { zh: '国庆节', en: 'National Day' }, from: '2027-10-01', to: '2027-10-07' }],
      makeupWorkdays: [{ date: '2027-10-09', for: '国庆节' }],
    };
    const bad = await put('/api/calendar/2027', { calendar: { ...year2027, makeupWorkdays: [{ date: '2027-10-06', for: '国庆节' }] }, actor: '王科长', reason: '测试' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { path: string }) => e.path)).toContain('calendar.makeupWorkdays[0].date');
    const ok = await put('/api/calendar/2027', { calendar: year2027, actor: '王科长', reason: '国务院通知已发布' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ year: 2027, version: 1 });
    const after = await (await get('/api/calendar')).json();
    expect(after.years.find((y: { year: number }) => y.year === 2027)).toMatchObject({ origin: 'official', updatedBy: ACTOR });
    expect(after.changes[0]).toMatchObject({ year: 2027, actor: ACTOR, reason: '国务院通知已发布' });
  });

  it('previews every report due date per level with the calendar shift and warns of an unknown year', async () => {
    const res = await post('/api/plans/preview', { plan: shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2023-09-28', { id: 'api-preview-2023' }) });
    // A 2023 plan is refused as over; preview the same dates in a future year instead, and the real 2023 through domain tests.
    expect(res.status).toBe(400);
    const p = await (await post('/api/plans/preview', { plan: plan('api-preview-reporting') })).json();
    expect(p.reporting.levels.map((l: { level: string }) => l.level)).toEqual(['county', 'town']);
    const county = p.reporting.levels[0];
    expect(county.periods[0]).toMatchObject({ key: '2035-10-15', rawDate: '2035-10-15' });
    // 2035-12-01 is a Saturday: weekends only for a year with no notice, so Monday 12-03.
    const dec1 = county.periods.find((x: { key: string }) => x.key === '2035-12-01');
    expect(dec1).toMatchObject({ dueDate: '2035-12-03', shifted: true });
    expect(p.reporting.warnings[0]).toMatchObject({ code: 'calendar-year-missing', year: 2035 });
    expect(p.warnings.join('\n')).toMatch(/2035/);
  });

  it('takes a report as an Update: refuses bad figures with the reason, amends, and lists it', async () => {
    const launched = await post('/api/campaigns', { plan: plan('api-reports'), actor: '王处长' });
    expect(launched.status).toBe(201);
    // 2035 has no holiday notice on file: the launch says so.
    expect((await launched.json()).warnings.join('\n')).toMatch(/2035年节假日安排尚未公布/);
    const detail = async () => (await get('/api/campaigns/api-reports')).json();
    await expect.poll(async () => (await detail()).actions.length, { timeout: 30_000 }).toBe(1);
    const county = (await detail()).units[0].code;
    const schedule = async () => (await get(`/api/campaigns/api-reports/units/${county}/reporting`)).json();
    await expect.poll(async () => (await schedule()).periods.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const first = (await schedule()).periods[0];
    const body = { periodKey: first.key, enrolled: 1000, paid: 400, amountYuan: 72000.5, mobilePaid: 390, hardshipCovered: 12, actor: '蓬江区填报员' };

    const tooMany = await post(`/api/campaigns/api-reports/units/${county}/reports`, { ...body, paid: 1001 });
    expect(tooMany.status).toBe(422);
    expect((await tooMany.json()).detail).toMatch(/缴费人数 1001 不能大于参保人数 1000/);
    const negative = await post(`/api/campaigns/api-reports/units/${county}/reports`, { ...body, enrolled: -1 });
    expect(negative.status).toBe(400);
    expect((await negative.json()).errors.map((e: { path: string }) => e.path)).toEqual(['enrolled']);
    const noPeriod = await post(`/api/campaigns/api-reports/units/${county}/reports`, { ...body, periodKey: '2035-10-16' });
    expect(noPeriod.status).toBe(422);
    expect((await noPeriod.json()).detail).toMatch(/没有 2035-10-16 这一报送期/);

    const ok = await post(`/api/campaigns/api-reports/units/${county}/reports`, body);
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ periodKey: first.key, revision: 1, late: false });
    const amended = await post(`/api/campaigns/api-reports/units/${county}/reports`, { ...body, paid: 450 });
    expect(await amended.json()).toMatchObject({ revision: 2 });
    const after = await schedule();
    expect(after.reports.map((r: { revision: number; paid: number; amountYuan: number }) => [r.revision, r.paid, r.amountYuan])).toEqual([
      [1, 400, 72000.5],
      [2, 450, 72000.5],
    ]);
    expect(after.periods[0].status).toBe('reported');
    const unit = (await detail()).units[0];
    expect(unit.progress.paid).toBe(450);
    // Reported: the next open period is the following one.
    expect(unit.reporting.nextPeriodKey).toBe(after.periods[1].key);

    expect((await get('/api/campaigns/api-reports/escalations?status=active')).status).toBe(200);
    expect((await get('/api/campaigns/api-reports/escalations?track=nope')).status).toBe(400);
    const deadlines = await (await get('/api/deadlines?days=30')).json();
    expect(deadlines).toMatchObject({ items: expect.any(Array), truncated: false });
    expect((await get('/api/campaigns/api-reports/circulars/1/print')).status).toBe(404);
    expect((await get(`/api/campaigns/api-reports/units/999999/reporting`)).status).toBe(404);
  });
});

describe('health', () => {
  it('reports Temporal and the database, and 503 when one is unreachable', async () => {
    const { loadConfig } = await import('../../server/config');
    const { startRuntime } = await import('../../server/runtime');
    // No AUTH_SECRET_KEY: the API makes one in AUTH_SECRET_FILE, readable by its owner only.
    const keyFile = join(await mkdtemp(join(tmpdir(), 'auth-key-')), 'secrets', 'auth-secret.key');
    const runtime = await startRuntime(
      loadConfig({ TEMPORAL_ADDRESS: env.address, PGLITE_DIR: 'memory://', ROLE: 'api', AUTH_SECRET_FILE: keyFile, PAYLOAD_KEY_FILE: join(keyFile, '..', 'payload-keys') }),
    );
    // The payload key ring is made beside it the same way.
    expect(readFileSync(join(keyFile, '..', 'payload-keys'), 'utf8')).toMatch(/^k1:[A-Za-z0-9+/=]{44}\n$/);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const srv = runtime.app!.listen(0);
    await new Promise((r) => srv.once('listening', r));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/api/health`;
    try {
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: 'ok', temporal: { ok: true }, database: { ok: true, kind: 'pglite' } });
      await runtime.database.close();
      const down = await fetch(url);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'degraded', temporal: { ok: true }, database: { ok: false } });
    } finally {
      srv.close();
      await runtime.client.connection.close();
    }
  });
});
