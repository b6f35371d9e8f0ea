// Accounts and access through the real app (in-process, Temporal test server, PGlite):
// - the route inventory: every route the app registers is in the policy table, and every entry is served;
// - the authorization matrix: every route x every role x inside and outside the user's region, judged by
//   the audit log's `authz.denied` rows (a denial is audited; anything else reached its handler);
// - sign-in: wrong password, lockout, second factor, CSRF, logout, idle sessions refused;
// - region scope: a county supervisor sees the city's campaign with only their county, and another
//   county's unit is "not found" with no data in the body;
// - data scope, not only access: with real imports and screening runs, each user's hardship answers
//   (overview, runs, summaries, import errors) hold their own region's figures and rows and no other's,
//   a county supervisor screens their own county, and the codec endpoint decodes for each user exactly
//   the payloads of workflows in their region (the rest come back still encrypted).
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, listImports, todoReads } from '../../db/schema';
import { ROLES, regionContains, roleAllows, type Role } from '../../domain/access';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import { POLICY } from '../../server/routes';
import { SESSION_COOKIE } from '../../server/http/access';
import type { PolicyEntry } from '../../server/http/route';
import type { createApp } from '../../server/app';
import { startTestApp } from '../support/app';
import { loadExample } from '../../server/campaigns/examples';
import type { HardshipOverview, ImportView, ResultPage, RunView, UnitSummaries, UploadView } from '../../contracts/api/hardship';
import { runHousekeeping } from '../../server/housekeeping';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { csvOf, DIBAO_V1, idOf, LIST_HEADER, ROSTER, ROSTER_HEADER, SEVERE, TEKUN, V1, V3 } from '../support/hardshipData';
import { defaultPayloadConverter, type Payload, type SerializationContext } from '@temporalio/common';
import { EncryptionCodec, parseKeyRing } from '../../server/security/payloadCodec';
import { createAuthService } from '../../server/auth/service';
import { createAccount, signIn, testAuthService, TEST_AUTH_SECRET_KEY, TEST_PAYLOAD_KEYS, type ApiClient, type TestAccount } from '../support/auth';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { harness, timeSkippingEnv, type Harness } from '../support/temporal';

const CAMPAIGN = 'authz-city';
const codec = new EncryptionCodec(parseKeyRing(TEST_PAYLOAD_KEYS));
interface WirePayload {
  metadata: Record<string, string>;
  data: string;
}
/** A payload as Temporal's UI sends it to the codec endpoint (protobuf JSON: bytes in base64). */
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
let env: TestWorkflowEnvironment;
let h: Harness;
let server: Server;
let origin: string;
let app: ReturnType<typeof createApp>;
let uploadDir: string;
let stopWorker: () => void;
let workerDone: Promise<void>;

beforeAll(async () => {
  env = await timeSkippingEnv();
  uploadDir = await mkdtemp(join(tmpdir(), 'authz-'));
  h = await harness(env, { uploadDir });
  const auth = testAuthService(h.database.db);
  const t = await startTestApp({ database: h.database, client: env.client, taskQueue: h.taskQueue, campaigns: h.campaigns, reporting: h.reporting, auth, uploadDir, codec });
  app = t.app;
  server = t.server;
  origin = t.origin;
  workerDone = h.worker.run();
  stopWorker = () => h.worker.shutdown();
  await seedCampaign(h.database.db, jiangmenPlan(CAMPAIGN, '2035-09-28'));
}, 120_000);
afterAll(async () => {
  server?.close();
  stopWorker?.();
  await workerDone;
  await h?.database.close();
  await env?.teardown();
  if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
});

/** Every route the app registers, as `METHOD path`, walking nested routers. */
function registeredRoutes(): string[] {
  const out: string[] = [];
  const walk = (stack: { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack as never);
    }
  };
  walk((app as unknown as { router: { stack: never[] } }).router.stack);
  return out.filter((r) => r.split(' ')[1].startsWith('/api/')).sort();
}

describe('route inventory', () => {
  it('every registered API route is in the policy table, and every entry is served', () => {
    const registered = registeredRoutes();
    const table = POLICY.map((e) => `${e.method} ${e.path}`).sort();
    expect(registered.length).toBeGreaterThan(50);
    expect(registered).toEqual(table);
  });
});

/** Concrete values for a route's parameters: the test campaign, a county unit, ids that do not exist. */
function concrete(path: string, unit: string): string {
  return path
    .replace(':id', CAMPAIGN)
    .replace(':code', unit)
    .replace(':year', '2036')
    .replace(':seq', '1')
    .replace(':name', 'jiangmen-2023')
    .replace(':importId', 'none')
    .replace(':runId', 'none')
    .replace(':resultId', '1')
    .replace(':refusalId', '1')
    .replace(':metric', 'paid')
    .replace(':userId', '999999');
}

/** An empty body, except a launch, which names its plan (and so its region). */
function bodyFor(entry: PolicyEntry, role: Role, inside: boolean): unknown {
  if (entry.scope.kind !== 'plan') return {};
  const id = `authz-launch-${role}-${inside ? 'in' : 'out'}`;
  return { plan: shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2035-09-28', { id }) };
}

/** What the policy should decide for a role whose region is inside the campaign or outside it. */
function expected(entry: PolicyEntry, role: Role, inside: boolean): 'allow' | 'role' | 'region' {
  const s = entry.scope;
  if (s.kind === 'public' || s.kind === 'signing-in' || s.kind === 'session') return 'allow';
  const campaignScoped = s.kind === 'campaign' || s.kind === 'unit' || s.kind === 'campaign-part';
  if (!roleAllows(role, s.action)) return campaignScoped ? (inside ? 'role' : 'region') : 'role';
  if (s.kind === 'role' || s.kind === 'handler') return 'allow';
  return inside ? 'allow' : 'region';
}

describe('authorization matrix', () => {
  // Sign-in, MFA and logout routes are exercised by the sign-in tests (a logout here would end the session).
  const entries = POLICY.filter((e) => e.scope.kind !== 'signing-in' && !(e.method === 'POST' && e.path === '/api/demo'));
  const clients = new Map<string, ApiClient>();
  const key = (role: Role, inside: boolean) => `${role}/${inside ? 'in' : 'out'}`;

  beforeAll(async () => {
    const auth = testAuthService(h.database.db);
    for (const role of ROLES) {
      for (const inside of [true, false]) {
        const account = await createAccount(auth, role, inside ? '440700' : '440800');
        clients.set(key(role, inside), await signIn(origin, account));
      }
    }
  }, 120_000);

  const denials = async () => (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.action, 'authz.denied')))[0].n;

  it.each(ROLES.flatMap((role) => [true, false].map((inside) => [role, inside] as const)))('%s %s the campaign region: every route decided as the matrix says', async (role, inside) => {
    const client = clients.get(key(role, inside))!;
    const got: string[] = [];
    const want: string[] = [];
    for (const entry of entries) {
      const path = concrete(entry.path, '440703');
      const before = await denials();
      const res = await client.fetch(path, {
        method: entry.method,
        headers: entry.method === 'GET' ? {} : { 'content-type': 'application/json' },
        body: entry.method === 'GET' ? undefined : JSON.stringify(bodyFor(entry, role, inside)),
      });
      const body = await res.text();
      const denied = (await denials()) > before;
      // A plan outside the user's region is the user's own text: refused 403 with the reason (not 404), still a region denial.
      const outsidePlan = res.status === 403 && body.includes('urn:problem:plan-region-outside');
      const verdict = !denied ? 'allow' : res.status === 404 || outsidePlan ? 'region' : res.status === 403 ? 'role' : `denied-${res.status}`;
      got.push(`${entry.method} ${entry.path} -> ${verdict}`);
      want.push(`${entry.method} ${entry.path} -> ${expected(entry, role, inside)}`);
      expect([401, 500], `${entry.method} ${path}: ${body}`).not.toContain(res.status);
      // A denial carries no data: only the problem's fields.
      if (denied) expect(Object.keys(JSON.parse(body)).sort()).toEqual(['detail', 'status', 'title', 'type']);
    }
    expect(got).toEqual(want);
  }, 120_000);
});

describe('sign-in', () => {
  let official: TestAccount;
  beforeAll(async () => {
    official = await createAccount(testAuthService(h.database.db), 'official', '440700', { username: 'liuke', displayName: '刘科长' });
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(origin + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('refuses requests without a session, a wrong password, and locks after repeated failures', async () => {
    const anonymous = await fetch(`${origin}/api/campaigns`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).type).toBe('urn:problem:unauthenticated');
    expect((await fetch(`${origin}/api/health`)).status).toBe(200);
    const victim = await createAccount(testAuthService(h.database.db), 'clerk', '440703001');
    for (let i = 0; i < 4; i++) expect((await post('/api/auth/login', { username: victim.username, password: 'wrong-password-1' })).status).toBe(401);
    const fifth = await post('/api/auth/login', { username: victim.username, password: 'wrong-password-1' });
    expect([401, 429]).toContain(fifth.status);
    const locked = await post('/api/auth/login', { username: victim.username, password: victim.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const failures = await h.database.db.select().from(auditLog).where(eq(auditLog.actorUsername, victim.username));
    expect(failures.filter((f) => f.result !== 'success').length).toBeGreaterThanOrEqual(5);
  });

  it('an account an admin made must change its password before anything else', async () => {
    const auth = testAuthService(h.database.db);
    const admin = await createAccount(auth, 'admin', '440700');
    const actor = { id: admin.id, username: admin.username, role: 'admin' as const, regionCode: '440700' };
    const made = await auth.createUser(actor, { username: 'beibu.clerk.first', displayName: '北步社区 新协管', role: 'clerk', regionCode: '440703001001', password: 'Admin-Gave-This-4410' });
    expect(made.mustChangePassword).toBe(true);
    const clerk = await signIn(origin, { ...made, password: 'Admin-Gave-This-4410' });
    const session = await clerk.get('/api/auth/session');
    expect((await session.json()).passwordChangeRequired).toBe(true);
    // Everything else is refused, with the reason, until the password is the clerk's own.
    for (const path of ['/api/campaigns', '/api/todo']) {
      const refused = await clerk.get(path);
      expect(refused.status).toBe(403);
      expect((await refused.json()).type).toBe('urn:problem:password-change-required');
    }
    const same = await clerk.post('/api/auth/password', { currentPassword: 'Admin-Gave-This-4410', newPassword: 'Admin-Gave-This-4410' });
    expect(same.status).toBe(400);
    expect(await same.text()).toContain('新密码不能与当前密码相同');
    expect((await clerk.post('/api/auth/password', { currentPassword: 'Admin-Gave-This-4410', newPassword: 'Beibu-Own-Secret-7781' })).status).toBe(204);
    expect((await (await clerk.get('/api/auth/session')).json()).passwordChangeRequired).toBe(false);
    expect((await clerk.get('/api/campaigns')).status).toBe(200);
    // 待办 answers, and its read marks are kept per user.
    const todo = await clerk.get('/api/todo');
    expect(todo.status).toBe(200);
    expect(await todo.json()).toEqual({ items: [], unread: 0 });
    expect((await clerk.post('/api/todo/read', { keys: ['period:none/440703001001/2031-10-01'] })).status).toBe(204);
    const marks = await h.database.db.select().from(todoReads).where(eq(todoReads.userId, made.id));
    expect(marks.map((m) => m.itemKey)).toEqual(['period:none/440703001001/2031-10-01']);
  });

  it('an official must pass the second factor; CSRF guards every change; logout ends the session', async () => {
    const login = await post('/api/auth/login', { username: official.username, password: official.password });
    expect(login.status).toBe(200);
    const cookieHeader = login.headers.get('set-cookie')!;
    expect(cookieHeader).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookieHeader).toContain('HttpOnly');
    expect(cookieHeader).toContain('SameSite=Strict');
    const cookie = cookieHeader.split(';')[0];
    const session = await login.json();
    expect(session).toMatchObject({ mfaRequired: true, mfaSatisfied: false, mfaEnrolled: true });
    const early = await fetch(`${origin}/api/campaigns`, { headers: { cookie } });
    expect(early.status).toBe(401);
    expect((await early.json()).type).toBe('urn:problem:mfa-required');
    const wrong = await post('/api/auth/mfa/verify', { code: '000000' }, { cookie, 'x-csrf-token': session.csrfToken });
    expect(wrong.status).toBe(401);

    const api = await signIn(origin, official);
    expect((await api.get('/api/campaigns')).status).toBe(200);
    const noCsrf = await post(`/api/campaigns/${CAMPAIGN}/advance`, { reason: 'x' }, { cookie: api.cookie, 'x-csrf-token': 'forged' });
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).type).toBe('urn:problem:csrf');
    expect((await api.post('/api/auth/logout')).status).toBe(204);
    expect((await api.get('/api/campaigns')).status).toBe(401);
  });

  it('answers with security headers and never caches the API', async () => {
    const res = await fetch(`${origin}/api/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('region scope', () => {
  it("a county supervisor sees the city's campaign with only their county; another county's unit is not found, with no data", async () => {
    const supervisor = await signIn(origin, await createAccount(testAuthService(h.database.db), 'supervisor', '440704'));
    const list = await (await supervisor.get('/api/campaigns')).json();
    expect(list.map((c: { id: string }) => c.id)).toContain(CAMPAIGN);
    const detail = await (await supervisor.get(`/api/campaigns/${CAMPAIGN}`)).json();
    expect(detail.units.map((u: { code: string }) => u.code)).toEqual(['440704']);
    const own = await supervisor.get(`/api/campaigns/${CAMPAIGN}/units/440704`);
    expect(own.status).toBe(200);
    const other = await supervisor.get(`/api/campaigns/${CAMPAIGN}/units/440703`);
    expect(other.status).toBe(404);
    const text = await other.text();
    expect(text).not.toContain('蓬江');
    expect(JSON.parse(text)).toEqual({ type: 'urn:problem:not-found', title: '未找到', status: 404, detail: '未找到' });
    // Another city's official does not even see the campaign.
    const stranger = await signIn(origin, await createAccount(testAuthService(h.database.db), 'official', '440800'));
    expect((await (await stranger.get('/api/campaigns')).json()).map((c: { id: string }) => c.id)).not.toContain(CAMPAIGN);
    expect((await stranger.get(`/api/campaigns/${CAMPAIGN}`)).status).toBe(404);
  });
});

describe('codec endpoint for Temporal UI', () => {
  it('decodes encrypted payloads for an official (no CSRF header needed), refuses a clerk, and admits only the UI origin', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload({ idNumber: '440703197003121010' })]);
    const wire = {
      payloads: [{ metadata: Object.fromEntries(Object.entries(encrypted.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(encrypted.data!).toString('base64') }],
    };
    expect(JSON.stringify(wire)).not.toContain('440703197003121010');
    const official = await signIn(origin, await createAccount(testAuthService(h.database.db), 'official', '440700'));
    const res = await fetch(`${origin}/api/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: official.cookie, origin: 'http://localhost:8233' }, body: JSON.stringify(wire) });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const [plain] = (await res.json()).payloads as { metadata: Record<string, string>; data: string }[];
    expect(Buffer.from(plain.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(plain.data, 'base64').toString())).toEqual({ idNumber: '440703197003121010' });
    const clerk = await signIn(origin, await createAccount(testAuthService(h.database.db), 'clerk', '440703001001'));
    expect((await fetch(`${origin}/api/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: clerk.cookie }, body: JSON.stringify(wire) })).status).toBe(403);
    const preflight = await fetch(`${origin}/api/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe.each(['pglite', 'postgres'] as const)('data scope on %s', (kind) => {
  // Real lists through the real routes and workflows: a roster refused for three rows (a 蓬江 village, a
  // 江海 village, no valid village), then the lists of test/support/hardshipData.ts stored and screened
  // for the whole city; then 江海 (440704) screens itself. 蓬江 (440703) has 5 of the 10 listed people,
  // 江海 3 (the rest: one not in the roster, one registered outside the city). Its own app, worker and
  // database of the kind named (the narrowed figures are SQL over the results).
  let h: Harness;
  let origin: string;
  let server: Server;
  let workerDone: Promise<void>;
  let pg: TestDatabase | undefined;
  let uploadDir: string;
  const H = `/api/campaigns/${CAMPAIGN}/hardship`;
  const PENGJIANG = '440703';
  const JIANGHAI = '440704';
  let official: ApiClient;
  let importWithErrors: string;
  let cityRun: string;
  let jianghaiRun: string;
  const users = new Map<string, ApiClient>();
  const userAt = async (role: Role, region: string) => {
    const key = `${role}@${region}`;
    if (!users.has(key)) users.set(key, await signIn(origin, await createAccount(testAuthService(h.database.db), role, region)));
    return users.get(key)!;
  };
  const json = async <T>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const v = await read();
      if (done(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  }
  const importList = async (list: 'roster' | 'hardship', fileName: string, text: string, extra: Record<string, unknown> = {}) => {
    const up = await json<UploadView>(await official.post(`${H}/uploads?list=${list}`, text, { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(fileName) }), 201);
    const started = await json<{ importId: string }>(await official.post(`${H}/imports`, { uploadId: up.uploadId, list, ...extra }), 202);
    return until(
      async () => json<ImportView>(await official.get(`${H}/imports/${started.importId}`)),
      (v) => !['pending', 'running'].includes(v.status) && (!extra.screenAfter || v.screeningRunId !== null),
    );
  };
  const runDone = (client: ApiClient, id: string) => until(async () => json<RunView>(await client.get(`${H}/runs/${id}`)), (r) => r.status !== 'running');
  /** The audit entry of a user's latest codec call (written once the answer is sent: waited for). */
  const codecAudits = async (user: ApiClient) =>
    h.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUsername, user.account.username), eq(auditLog.target, 'POST /api/codec/decode')))
      .orderBy(desc(auditLog.id));
  const decodeAudited = async (user: ApiClient, body: unknown) => {
    const before = (await codecAudits(user)).length;
    const res = await json<{ payloads: WirePayload[] }>(await user.post('/api/codec/decode', body));
    const [entry] = await until(() => codecAudits(user), (rows) => rows.length > before);
    return { payloads: res.payloads, audit: entry.detail };
  };

  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    uploadDir = await mkdtemp(join(tmpdir(), `authz-scope-${kind}-`));
    h = await harness(env, { uploadDir, databaseUrl: pg?.url });
    const t = await startTestApp({ database: h.database, client: env.client, taskQueue: h.taskQueue, campaigns: h.campaigns, reporting: h.reporting, uploadDir, codec });
    server = t.server;
    origin = t.origin;
    workerDone = h.worker.run();
    await seedCampaign(h.database.db, jiangmenPlan(CAMPAIGN, '2035-09-28'));
    official = await userAt('official', '440700');
    const bad = [
      [idOf(PENGJIANG, '19700101', 201), '甲', V1, '已参保', '999', '', '', '否'],
      [idOf(JIANGHAI, '19700101', 202), '乙', V3, '不知道', '', '', '', '否'],
      [idOf('440705', '19700101', 203), '丙', '44070', '已参保', '', '', '', '否'],
    ];
    const refused = await importList('roster', '花名册-有错.csv', csvOf(ROSTER_HEADER, [...ROSTER, ...bad]));
    expect(refused).toMatchObject({ status: 'refused', errorCount: 3 });
    importWithErrors = refused.id;
    expect((await importList('roster', '花名册.csv', csvOf(ROSTER_HEADER, ROSTER))).status).toBe('stored');
    await importList('hardship', '特困.csv', csvOf(LIST_HEADER, TEKUN), { category: 'tekun', department: '民政局', listDate: '2035-09-01' });
    await importList('hardship', '重度残疾.csv', csvOf(LIST_HEADER, SEVERE), { category: 'severe-disability', department: '残联', listDate: '2035-09-01' });
    const last = await importList('hardship', '低保.csv', csvOf(LIST_HEADER, DIBAO_V1), { category: 'dibao', department: '民政局', listDate: '2035-09-01', screenAfter: true });
    cityRun = last.screeningRunId!;
    expect(await runDone(official, cityRun)).toMatchObject({ status: 'completed', counts: { listed: 10 } });
    // 江海's supervisor screens 江海 (what the README promised and the guard used to refuse).
    jianghaiRun = (await json<{ runId: string }>(await (await userAt('supervisor', JIANGHAI)).post(`${H}/screenings`, { countyCode: JIANGHAI }), 202)).runId;
    expect((await runDone(official, jianghaiRun)).status).toBe('completed');
  }, 300_000);
  afterAll(async () => {
    server?.close();
    h?.worker.shutdown();
    await workerDone;
    await h?.database.close();
    await pg?.drop();
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  it('a county supervisor screens their own county of the city campaign; the whole city or another county is refused', async () => {
    const jianghai = await userAt('supervisor', JIANGHAI);
    const whole = await json<{ detail: string }>(await jianghai.post(`${H}/screenings`, {}), 403);
    expect(whole.detail).toBe('无权限：只能筛查本辖区的人员，请选择本区县；全江门市的筛查由江门市的人员发起。');
    expect((await jianghai.post(`${H}/screenings`, { countyCode: PENGJIANG })).status).toBe(404);
    const town = await userAt('supervisor', '440704001');
    expect((await json<{ detail: string }>(await town.post(`${H}/screenings`, {}), 403)).detail).toContain('不能发起筛查');
    expect((await json<{ errors: { path: string }[] }>(await official.post(`${H}/screenings`, { countyCode: '440799' }), 400)).errors[0].path).toBe('countyCode');
    // The county's own run (started in beforeAll): its figures are the county's (3 listed people), shown whole.
    const run = await json<RunView>(await jianghai.get(`${H}/runs/${jianghaiRun}`));
    expect(run).toMatchObject({ status: 'completed', scope: JIANGHAI, counts: { listed: 3 }, progress: { done: 3, total: 3, fraction: 1 } });
  });

  /** What the city official sees of one unit: the reference every narrowed answer must equal. */
  async function officialView(unit: string) {
    const summary = await json<UnitSummaries>(await official.get(`${H}/runs/${cityRun}/summary?unit=${unit}`));
    const { listed, covered, toMobilise, ineligible, refused, govPaidFen } = summary.unit;
    const ineligibleRows = await json<ResultPage>(await official.post(`${H}/runs/${cityRun}/results/search`, { unitCode: unit, outcome: 'ineligible', pageSize: 200 }));
    const byReason: Record<string, number> = {};
    for (const r of ineligibleRows.rows) byReason[r.reason!] = (byReason[r.reason!] ?? 0) + 1;
    return { counts: { listed, covered, toMobilise, ineligible, refused, govPaidFen }, byReason };
  }

  it.each([
    ['supervisor', JIANGHAI, 3],
    ['auditor', JIANGHAI, 3],
    ['clerk', '440704001001', 3],
    ['supervisor', PENGJIANG, 5],
    ['official', '440700', 10],
  ] as const)('%s of %s: runs, figures and import errors of their own region only', async (role, region, listed) => {
    const user = await userAt(role, region);
    const city = region === '440700';
    const own = await officialView(region);
    expect(own.counts.listed).toBe(listed);

    const overview = await json<HardshipOverview>(await user.get(H));
    const ids = overview.runs.map((r) => r.id);
    expect(ids).toContain(cityRun);
    // 江海's own run: listed for 江海 and the city, not for 蓬江.
    expect(ids.includes(jianghaiRun)).toBe(region !== PENGJIANG);
    const listedRun = overview.runs.find((r) => r.id === cityRun)!;
    expect(listedRun.counts).toEqual(own.counts);
    if (!city) expect(listedRun).toMatchObject({ progress: { done: null, total: null, fraction: 1 }, ineligibleByReason: null, changes: null });

    const run = await json<RunView>(await user.get(`${H}/runs/${cityRun}`));
    expect(run.counts).toEqual(own.counts);
    expect(run.ineligibleByReason).toEqual(own.byReason);
    expect(run.changes).toMatchObject({ previousRunId: null, removed: 0 });
    expect(run.changes!.added + run.changes!.categoriesChanged + run.changes!.outcomeChanged).toBeLessThanOrEqual(listed);
    if (!city) expect(run.progress).toEqual({ done: null, total: null, fraction: 1 });
    expect((await json<RunView>(await user.get(`${H}/runs/latest`))).counts).toEqual(own.counts);
    if (region === PENGJIANG) {
      expect((await user.get(`${H}/runs/${jianghaiRun}`)).status).toBe(404);
      expect((await user.get(`${H}/runs/${jianghaiRun}/summary`)).status).toBe(404);
      expect((await user.post(`${H}/runs/${jianghaiRun}/results/search`, {})).status).toBe(404);
    }

    const summary = await json<UnitSummaries>(await user.get(`${H}/runs/${cityRun}/summary`));
    expect(summary.unit).toMatchObject({ code: region, ...own.counts });
    for (const child of summary.children) expect(regionContains(region, child.code)).toBe(true);

    // Import errors: the rows of their own villages; the row with no valid village is the city's alone.
    const imp = await json<ImportView>(await user.get(`${H}/imports/${importWithErrors}`));
    expect(imp.errorCount).toBe(3);
    expect(imp.errors!.map((e) => e.line)).toEqual(city ? [13, 14, 15] : region === PENGJIANG ? [13] : [14]);
  });

  it('the codec decodes for each user exactly the payloads of workflows in their region', async () => {
    const payload = (what: string) => defaultPayloadConverter.toPayload({ what, idNumber: idOf(PENGJIANG, '19700312', 101) });
    const workflow = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });
    const [anImport] = await h.database.db.select({ id: listImports.id }).from(listImports).where(eq(listImports.campaignId, CAMPAIGN)).limit(1);
    const city = (r: string) => r === '440700';
    const cityOr = (county: string) => (r: string) => r === '440700' || r === county;
    // [what, the SerializationContext the SDK would pass, who may read it]
    const cases: [string, SerializationContext | undefined, (region: string) => boolean][] = [
      ['campaign', workflow(`campaign/${CAMPAIGN}`), city],
      ['pengjiang', workflow(`campaign/${CAMPAIGN}/unit/${PENGJIANG}`), cityOr(PENGJIANG)],
      ['jianghai', workflow(`campaign/${CAMPAIGN}/unit/${JIANGHAI}`), cityOr(JIANGHAI)],
      ['jianghai-town', workflow(`campaign/${CAMPAIGN}/unit/440704001`), cityOr(JIANGHAI)],
      ['jianghai-activity', { type: 'activity', namespace: 'default', workflowId: `campaign/${CAMPAIGN}/unit/${JIANGHAI}`, activityId: '3', isLocal: false }, cityOr(JIANGHAI)],
      ['jianghai-run', workflow(`hardship-screening/${jianghaiRun}`), cityOr(JIANGHAI)],
      ['city-run', workflow(`hardship-screening/${cityRun}`), city],
      ['import', workflow(`hardship-import/${anImport.id}`), city],
      ['outbox', workflow('outbox-dispatcher'), city],
      ['no scope', undefined, city],
    ];
    const encoded = await Promise.all(cases.map(async ([what, context]) => (await codec.encode([payload(what)], context))[0]));
    const wire = { payloads: [...encoded.map(toWire), toWire(payload('not encrypted'))] };
    for (const [role, region] of [['official', '440700'], ['supervisor', JIANGHAI], ['supervisor', PENGJIANG], ['official', '440800']] as const) {
      const user = await userAt(role, region);
      const res = await decodeAudited(user, wire);
      expect(res.payloads).toHaveLength(cases.length + 1);
      const shown: string[] = [];
      cases.forEach(([what, , readable], i) => {
        const p = res.payloads[i];
        if (readable(region)) {
          expect(Buffer.from(p.metadata.encoding, 'base64').toString(), `${role}@${region} ${what}`).toBe('json/plain');
          shown.push((JSON.parse(Buffer.from(p.data, 'base64').toString()) as { what: string }).what);
        } else expect(p, `${role}@${region} ${what}`).toEqual(wire.payloads[i]);
      });
      expect(shown).toEqual(cases.filter(([, , readable]) => readable(region)).map(([what]) => what));
      // A payload that was never encrypted comes back as it was.
      expect(res.payloads[cases.length]).toEqual(wire.payloads[cases.length]);
      // Audited, with what was shown and what was withheld.
      expect(res.audit).toMatchObject({ status: 200, decoded: shown.length, withheld: cases.length - shown.length, unreadable: 0 });
    }
    // A payload whose scope is changed to the reader's own county fails authentication: it stays encrypted.
    const jianghai = await userAt('supervisor', JIANGHAI);
    const forged = toWire({ ...encoded[1], metadata: { ...encoded[1].metadata, 'payload-scope': Buffer.from(`campaign/${CAMPAIGN}/unit/${JIANGHAI}`) } });
    const answer = await decodeAudited(jianghai, { payloads: [forged] });
    expect(answer.payloads).toEqual([forged]);
    expect(answer.audit).toMatchObject({ decoded: 0, withheld: 0, unreadable: 1 });
  });
});

describe('housekeeping', () => {
  it('removes audit entries past the retention (never under 180 days) and sessions past their timeouts', async () => {
    const db = h.database.db;
    for (const days of [400, 100]) {
      await db.execute(sql`insert into audit_log (at, actor_username, action, result) values (now() - make_interval(days => ${days}), ${`keep-${days}`}, 'test.old', 'success')`);
    }
    const ended = await signIn(origin, await createAccount(testAuthService(db), 'clerk', '440703001001'));
    // The sessions are judged 13 hours from now (past the 12-hour absolute timeout); the audit log by the real clock,
    // which the database's own audit_prune checks too.
    const later = new Date(Date.now() + 13 * 3_600_000);
    const auth = createAuthService({ db, secretKey: Buffer.from(TEST_AUTH_SECRET_KEY, 'base64'), now: () => later });
    const r = await runHousekeeping(db, auth, 365);
    expect(r.auditDeleted).toBe(1);
    expect(r.sessionsEnded).toBeGreaterThan(0);
    const left = await db.select({ who: auditLog.actorUsername }).from(auditLog).where(eq(auditLog.action, 'test.old'));
    expect(left.map((x) => x.who)).toEqual(['keep-100']);
    expect((await ended.get('/api/campaigns')).status).toBe(401);
    // A retention under 180 days is raised to 180: the 100-day entry stays.
    expect((await runHousekeeping(db, auth, 30)).auditDeleted).toBe(0);
  });
});
