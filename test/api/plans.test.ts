// Plans before launch, through the real app (Temporal's time-skipping server, PGlite and PostgreSQL):
// - the preview tells everything (streams with who reports and every due date, milestones, judged
//   targets, policy samples) and every problem, including the user's own: a plan whose region is outside
//   theirs is not `launchable`, and its launch is refused 403 with that reason (not 404 未找到);
// - a stream that reaches nobody is refused with its path, before anything is launched;
// - every example plan in examples/plans, moved into the future, previews without a problem and
//   launches as an official of its own region: its campaign materialises and its reporting units keep a
//   schedule;
// - an unknown field anywhere in a plan is refused with its path.
import type { Server } from 'node:http';
import { readdirSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, reportPeriods, reports } from '../../db/schema';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import { loadExample } from '../../server/campaigns/examples';
import { xlsxBytes } from '../../formats/xlsxWriter';
import { createAccount, signIn, testAuthService, type ApiClient } from '../support/auth';
import { startTestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { harness, timeSkippingEnv, type Harness } from '../support/temporal';

const EXAMPLES = readdirSync(new URL('../../examples/plans/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

/** An example moved so that its first phase starts on the same day of the year in 2031 (the unit tests' helper). */
function future(name: string, id: string): PlanInput & { region: { code: string; name: string; level: string } } {
  const plan = loadExample(name) as unknown as PlanInput;
  return shiftPlanToStart(plan, `2031${plan.phases[0].start.slice(4)}`, { id }) as never;
}

describe.each(['pglite', 'postgres'] as const)('plans before launch on %s', (kind) => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let pg: TestDatabase | undefined;
  let server: Server;
  let base: string;
  let workerDone: Promise<void>;
  /** An official of 江门市 (440700). */
  let jiangmen: ApiClient;
  const officials = new Map<string, ApiClient>();

  const officialOf = async (regionCode: string): Promise<ApiClient> => {
    let c = officials.get(regionCode);
    if (!c) {
      const account = await createAccount(testAuthService(h.database.db), 'official', regionCode, { username: `official${regionCode}`, displayName: `${regionCode}业务主管` });
      c = await signIn(base, account);
      officials.set(regionCode, c);
    }
    return c;
  };

  beforeAll(async () => {
    env = await timeSkippingEnv();
    if (kind === 'postgres') pg = await createTestDatabase();
    h = await harness(env, { databaseUrl: pg?.url });
    const t = await startTestApp({ database: h.database, client: env.client, taskQueue: h.taskQueue, campaigns: h.campaigns, reporting: h.reporting });
    server = t.server;
    base = t.origin;
    workerDone = h.worker.run();
    jiangmen = await officialOf('440700');
  }, 120_000);
  afterAll(async () => {
    server?.close();
    h?.worker.shutdown();
    await workerDone;
    await h?.database.close();
    await pg?.drop();
    await env?.teardown();
  }, 120_000);

  it('reads a breakdown from an XLSX for the plan wizard, or names each bad row by row, column and reason', async () => {
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const good = xlsxBytes([
      {
        name: '任务分解',
        rows: [
          ['江门市2031年参保任务分解表'],
          ['区划代码', '单位名称', '上级代码', '参保人数'],
          ['440703', '蓬江区', '', 1000],
          ['440703001', '环市街道', '440703', '1,000'],
          ['440704', '江海区', null, 1200],
        ],
      },
    ]);
    const ok = await jiangmen.post('/api/plans/breakdown?region=440700', good, { 'Content-Type': XLSX });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      sheet: '任务分解',
      rows: [
        { code: '440703', name: '蓬江区', level: 'county', parentCode: '440700', targets: { enrolled: 1000 } },
        { code: '440703001', name: '环市街道', level: 'town', parentCode: '440703', targets: { enrolled: 1000 } },
        { code: '440704', name: '江海区', level: 'county', parentCode: '440700', targets: { enrolled: 1200 } },
      ],
    });

    const bad = xlsxBytes([{ name: 'Sheet1', rows: [['区划代码', '单位名称', '上级代码', '缴费人数'], ['44070', '蓬江区', '', 5], ['440704', '', '', 5], ['440705', '新会区', '', '很多']] }]);
    const refused = await jiangmen.post('/api/plans/breakdown?region=440700', bad, { 'Content-Type': XLSX });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { detail: string; errors: { path: string; message: string }[] };
    expect(problem.detail).toBe('任务分解表有 3 处错误，未读入任何单位');
    expect(problem.errors.map((e) => e.message)).toEqual([
      '第 2 行“区划代码”列：“44070”不是 6、9 或 12 位的区划代码',
      '第 3 行“单位名称”列：不能为空',
      '第 4 行“缴费人数”列：“很多”不是非负整数',
    ]);

    const noHeader = await jiangmen.post('/api/plans/breakdown?region=440700', xlsxBytes([{ name: 'Sheet1', rows: [['甲', '乙'], ['1', '2']] }]), { 'Content-Type': XLSX });
    expect(noHeader.status).toBe(400);
    expect(JSON.stringify(await noHeader.json())).toContain('找不到表头中的“区划代码、单位名称”列');

    // Not a spreadsheet, no spreadsheet at all, no region: refused with a reason, never a 500.
    const garbage = await jiangmen.post('/api/plans/breakdown?region=440700', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), { 'Content-Type': XLSX });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { detail: string }).detail).toMatch(/[\u4e00-\u9fff]/);
    expect((await jiangmen.post('/api/plans/breakdown?region=440700', { rows: [] })).status).toBe(415);
    expect((await jiangmen.post('/api/plans/breakdown', good, { 'Content-Type': XLSX })).status).toBe(400);
  });

  it('says before launch that the plan is outside the user\'s region, and launch refuses it with that reason (403, not 未找到)', async () => {
    const plan = future('lanchen-2024', `${kind}-lanchen-outside`);
    const res = await jiangmen.post('/api/plans/preview', { plan: stringify(plan) }, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p.launchable).toBe(false);
    const reason = '方案所属区域「兰城街道」（530502001）不在您的管辖区域（440700）之内，不能由您启动；请由该区域或其上级的业务主管启动。';
    expect(p.problems[0]).toEqual({ code: 'region-outside-user', path: 'region.code', blocking: true, message: { zh: reason, en: expect.stringContaining('outside your region') } });
    expect(p.warnings[0]).toBe(reason);
    expect(p.plan).toMatchObject({ regionCode: '530502001', regionLevel: 'town' });

    const launch = await jiangmen.post('/api/campaigns', { plan }, { 'content-type': 'application/json' });
    expect(launch.status).toBe(403);
    const problem = await launch.json();
    expect(problem).toMatchObject({ status: 403, title: '不能启动该方案', detail: reason, type: 'urn:problem:plan-region-outside' });
    // Refused before anything was written, and the refusal audited with its reason.
    expect(await (await jiangmen.get('/api/campaigns')).json()).toEqual([]);
    const denied = await h.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'authz.denied'), eq(auditLog.target, '/api/campaigns')));
    expect(denied.map((d) => (d.detail as { reason?: string }).reason)).toContain(reason);

    // The same plan, previewed by an official of its street's district, is launchable.
    const own = await (await officialOf('530502')).post('/api/plans/preview', { plan }, { 'content-type': 'application/json' });
    expect((await own.json()).launchable).toBe(true);
  });

  it('refuses a stream that reaches no unit with its path, in preview and at launch', async () => {
    const plan = future('xiayi-county', `${kind}-xiayi-nobody`) as Record<string, any>;
    // Xiayi's breakdown stops at its towns' villages: no stream can be sent to a county below a county.
    plan.reporting = [plan.reporting[0], { ...plan.reporting[1], key: 'villages-weekly', name: '村周报', levels: ['village'] }];
    const xiayi = await officialOf('411426');
    const withVillages = await xiayi.post('/api/plans/preview', { plan }, { 'content-type': 'application/json' });
    // Villages exist in Xiayi: the stream reaches them (731), so the preview passes and says so.
    expect(withVillages.status).toBe(200);
    const p = await withVillages.json();
    expect(p.streams.find((s: { key: string }) => s.key === 'villages-weekly')).toMatchObject({ total: 731, levels: [{ level: 'village', count: 731 }] });

    plan.reporting[1] = { ...plan.reporting[1], levels: ['county'] };
    for (const path of ['/api/plans/preview', '/api/campaigns']) {
      const res = await xiayi.post(path, { plan }, { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.errors).toContainEqual({ path: 'reporting[1].levels[0]', message: '夏邑县为县（区）级区域，县（区）级不在其下，不能报送' });
      expect(body.errors).toContainEqual({ path: 'reporting[1].levels', message: '「村周报」的报送层级（县（区））在任务分解中没有任何单位，请按分解的层级填写' });
    }
    expect(await (await xiayi.get('/api/campaigns')).json()).toEqual([]);
  });

  it('refuses an unknown field anywhere in a plan with its path', async () => {
    const base = future('enterprise-expansion', `${kind}-unknown`) as Record<string, any>;
    // [the object's path, the unknown key, how to add it]: the path names the object, the message the key.
    const cases: Array<[string, string, (p: Record<string, any>) => void]> = [
      ['(plan)', 'costsplit', (p) => (p.costsplit = { province: 0.6 })],
      ['reporting[0]', 'lateTolerance', (p) => (p.reporting[0].lateTolerance = 2)],
      ['milestones[0]', 'owner', (p) => (p.milestones[0].owner = '人社局')],
      ['targets', 'stretchh', (p) => (p.targets.stretchh = 1)],
      ['phases[1]', 'colour', (p) => (p.phases[1].colour = 'red')],
    ];
    const official = await officialOf(base.region.code);
    for (const [path, key, add] of cases) {
      const plan = structuredClone(base);
      add(plan);
      for (const route of ['/api/plans/preview', '/api/campaigns']) {
        const res = await official.post(route, { plan }, { 'content-type': 'application/json' });
        expect(res.status, `${route} ${key}`).toBe(400);
        expect((await res.json()).errors, `${route} ${key}`).toContainEqual({ path, message: `含产品不使用的字段：${key}（方案只接受会被计算或执行的字段）` });
      }
    }
    expect(await (await official.get('/api/campaigns')).json()).toEqual([]);
  });

  it.each(EXAMPLES)('example %s previews without a problem and launches as an official of its region', async (name) => {
    const id = `${kind}-${name}`;
    const plan = future(name, id);
    const official = await officialOf(plan.region.code);
    const res = await official.post('/api/plans/preview', { plan: stringify(plan) }, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p.launchable).toBe(true);
    // The 2031 and 2032 holiday notices are not on file: that is the only thing the preview may say.
    expect(p.problems.filter((w: { code: string }) => w.code !== 'calendar-year-missing')).toEqual([]);
    expect(p.problems.every((w: { blocking: boolean }) => !w.blocking)).toBe(true);
    // Everything before launch: every stream reaches someone and has its due dates.
    for (const s of p.streams) {
      expect(s.total, s.key).toBeGreaterThan(0);
      if (s.reports) expect(s.schedules.flatMap((l: { periods: unknown[] }) => l.periods).length, s.key).toBeGreaterThan(0);
    }
    expect(p.workflows.count).toBe(p.workflowCount - 1);
    if (plan.milestones?.length) expect(p.milestones.map((m: { key: string }) => m.key)).toEqual(plan.milestones.map((m) => m.key));
    if ((plan as { contributionPolicy?: unknown }).contributionPolicy) expect(p.policy.samples.length).toBeGreaterThan(0);

    const launch = await official.post('/api/campaigns', { plan }, { 'content-type': 'application/json' });
    expect(launch.status).toBe(201);
    // The launch action is recorded once the units are materialised.
    await expect.poll(async () => (await (await official.get(`/api/campaigns/${id}`)).json()).actions?.length ?? 0, { timeout: 60_000, interval: 250 }).toBe(1);
    const detail = await (await official.get(`/api/campaigns/${id}`)).json();
    expect(detail.status).not.toBe('failed');
    const reporting = p.streams.find((s: { reports: boolean }) => s.reports);
    if (reporting) {
      // A unit of the first reporting level keeps its schedule (communities in Lanchen).
      const level = reporting.schedules[0].level;
      const unit = await firstUnitOfLevel(official, id, detail.units, level);
      await expect
        .poll(async () => (await (await official.get(`/api/campaigns/${id}/units/${unit}/reporting`)).json()).periods?.length ?? 0, { timeout: 60_000, interval: 250 })
        .toBeGreaterThan(0);
    }
  }, 180_000);

  it('a Lanchen community reports for its stream\'s period (keyed by stream in periods and reports)', async () => {
    const id = `${kind}-lanchen-2024`;
    const official = await officialOf('530502');
    const community = await firstUnitOfLevel(official, id, (await (await official.get(`/api/campaigns/${id}`)).json()).units, 'village');
    const periods = (await (await official.get(`/api/campaigns/${id}/units/${community}/reporting`)).json()).periods as Array<{ key: string }>;
    expect(periods[0].key).toMatch(/^weekly:2031-\d{2}-\d{2}$/);
    const res = await official.post(
      `/api/campaigns/${id}/units/${community}/reports`,
      { periodKey: periods[0].key, enrolled: 120, paid: 100, amountYuan: 18000, mobilePaid: 99 },
      { 'content-type': 'application/json', 'Idempotency-Key': `${id}-report-1` },
    );
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ periodKey: periods[0].key, revision: 1, late: false });
    const stored = await h.database.db.select({ stream: reports.stream, periodKey: reports.periodKey }).from(reports).where(and(eq(reports.campaignId, id), eq(reports.unitCode, community)));
    expect(stored).toEqual([{ stream: 'weekly', periodKey: periods[0].key }]);
    const [period] = await h.database.db.select({ stream: reportPeriods.stream }).from(reportPeriods).where(and(eq(reportPeriods.campaignId, id), eq(reportPeriods.unitCode, community), eq(reportPeriods.periodKey, periods[0].key)));
    expect(period).toEqual({ stream: 'weekly' });
  }, 60_000);

  it('an official of the campaign confirms a milestone through the API (validated, recorded, audited); a clerk cannot', async () => {
    const lanchen = `${kind}-lanchen-2024`;
    const official = await officialOf('530502');
    let n = 0;
    const confirm = (api: ApiClient, id: string, body: unknown) => api.post(`/api/campaigns/${id}/milestones/confirm`, body, { 'content-type': 'application/json', 'Idempotency-Key': `${id}-confirm-${++n}` });
    const ok = await confirm(official, lanchen, { key: 'publicity', note: '已在各社区公示栏张贴' });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const detail = await ok.json();
    expect(detail.actions.find((a: { kind: string }) => a.kind === 'confirm-milestone')).toMatchObject({ actor: '530502业务主管(official530502)', reason: '已在各社区公示栏张贴' });
    const again = await confirm(official, lanchen, { key: 'publicity', note: '再次确认' });
    expect(again.status).toBe(422);
    expect((await again.json()).detail).toContain('已确认完成，无需重复确认');
    // The enterprise plan's census window opens in (moved) May: not yet.
    const enterprise = `${kind}-enterprise-expansion`;
    const early = await confirm(await officialOf('990100'), enterprise, { key: 'census' });
    expect(early.status).toBe(422);
    expect((await early.json()).detail).toMatch(/^「参保资源普查」自 2031-05-0\d 00:00 起开展，尚未开始，不能确认完成$/);
    // A clerk of the street may not confirm (403, role); an official elsewhere does not see the campaign (404).
    const clerk = await signIn(base, await createAccount(testAuthService(h.database.db), 'clerk', '530502001', { username: `clerk-${kind}`, displayName: '社区专干' }));
    expect((await confirm(clerk, lanchen, { key: 'publicity' })).status).toBe(403);
    expect((await confirm(jiangmen, lanchen, { key: 'publicity' })).status).toBe(404);
    const audited = await h.database.db.select().from(auditLog).where(eq(auditLog.target, 'POST /api/campaigns/:id/milestones/confirm'));
    expect(audited.map((a) => a.result).sort()).toEqual(['failure', 'failure', 'success']);
    const denials = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'authz.denied'));
    expect(denials.filter((d) => d.target === `/api/campaigns/${lanchen}/milestones/confirm`)).toHaveLength(2);
  }, 120_000);
});

/** The first unit of a level in the campaign, walking down the breakdown from its top units. */
async function firstUnitOfLevel(api: ApiClient, id: string, top: Array<{ code: string; level: string }>, level: string): Promise<string> {
  let layer = top;
  for (let depth = 0; depth < 4; depth++) {
    const hit = layer.find((u) => u.level === level);
    if (hit) return hit.code;
    const unit = await (await api.get(`/api/campaigns/${id}/units/${layer[0].code}`)).json();
    layer = unit.children;
  }
  throw new Error(`no ${level} unit in ${id}`);
}
