// What an attack-and-fault probe found (issue 9), against the app as production wires it
// (`startRuntime` with ROLE=api: the real health check, body limits and Temporal gate) on PGlite and
// PostgreSQL, with a real Temporal dev server that is stopped at the end:
// - a refusal for a result outside the user's region froze the whole app (PGlite's one connection
//   waited on itself); now a quick 404 while /api/health and sign-in keep answering;
// - a deeply nested body cost seconds of parsing before any sign-in; now refused before it is parsed;
// - zod errors named "(plan)" on routes that have no plan; now the real field;
// - with Temporal down a report took 18.8 s and failed with a 500; now a 503 within a second.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screeningResults, screeningRuns, units } from '../../db/schema';
import { loadConfig } from '../../server/config';
import { startRuntime, type AppRuntime } from '../../server/runtime';
import { TEMPORAL_UNAVAILABLE } from '../../server/errors';
import { createAccount, signIn, TEST_AUTH_SECRET_KEY, TEST_PASSWORD_PARAMS, TEST_PAYLOAD_KEYS, type ApiClient } from '../support/auth';
import { startDevServer, type DevServer } from '../support/devServer';
import { freePort } from '../../scripts/tools';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CAMPAIGN = 'reliability-city';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString('base64');

let dev: DevServer;
beforeAll(async () => {
  dev = await startDevServer({ headless: true });
}, 120_000);
afterAll(async () => {
  await dev?.stop();
});

/** Time a request takes, with its answer. */
async function timed(p: Promise<Response>): Promise<{ res: Response; ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const res = await p;
  const text = await res.text();
  const ms = performance.now() - started;
  return { res, ms, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

interface App {
  runtime: AppRuntime;
  server: Server;
  baseUrl: string;
  uploadDir: string;
}

async function startApp(databaseUrl: string | undefined, temporalAddress = dev.address): Promise<App> {
  const uploadDir = await mkdtemp(join(tmpdir(), 'reliability-'));
  const config = loadConfig({
    ROLE: 'api',
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: databaseUrl,
    PGLITE_DIR: 'memory://',
    UPLOAD_DIR: uploadDir,
    TEMPORAL_UI_URL: '',
    LOG_LEVEL: 'warn',
    AUTH_SECRET_KEY: TEST_AUTH_SECRET_KEY,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  });
  const runtime = await startRuntime(config, { passwordParams: TEST_PASSWORD_PARAMS, connectTimeoutMs: 30_000 });
  const server = runtime.app!.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { runtime, server, uploadDir, baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function stopApp(app: App | undefined) {
  if (!app) return;
  await new Promise((r) => app.server.close(r));
  await app.runtime.shutdown();
  await rm(app.uploadDir, { recursive: true, force: true });
}

describe.each(['pglite', 'postgres'] as const)('on %s', (kind) => {
  let app: App;
  let pg: TestDatabase | undefined;
  let supervisor: ApiClient;
  let official: ApiClient;
  /** A to-mobilise result in 蓬江区 (440703), and one in 江海区 (440704), the supervisor's county. */
  let foreignResult: number;
  let ownResult: number;
  const runId = `${CAMPAIGN}.s1`;

  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    app = await startApp(pg?.url);
    const db = app.runtime.database.db;
    expect(app.runtime.database.kind).toBe(kind);
    await seedCampaign(db, jiangmenPlan(CAMPAIGN, '2035-09-28'));
    const villageOf = async (county: string) => {
      const [v] = await db.select({ code: units.code }).from(units).where(and(eq(units.campaignId, CAMPAIGN), eq(units.level, 'village'), like(units.code, `${county}%`))).limit(1);
      return v.code;
    };
    await db.insert(screeningRuns).values({ id: runId, campaignId: CAMPAIGN, status: 'completed', workflowId: `hardship-screening/${runId}`, actor: '测试', total: 2, counts: { toMobilise: 2, refused: 0 } });
    const result = (villageCode: string) => ({ runId, idNumber: '440703199001011234', name: '测试', categories: ['dibao'], villageCode, outcome: 'to-mobilise', govPaidFen: 12000, personalFen: 0, subsidyFen: 3000, tierFen: 18000 });
    const [a] = await db.insert(screeningResults).values(result(await villageOf('440703'))).returning({ id: screeningResults.id });
    const [b] = await db.insert(screeningResults).values(result(await villageOf('440704'))).returning({ id: screeningResults.id });
    foreignResult = a.id;
    ownResult = b.id;
    const auth = app.runtime.auth!;
    supervisor = await signIn(app.baseUrl, await createAccount(auth, 'supervisor', '440704'));
    official = await signIn(app.baseUrl, await createAccount(auth, 'official', '440700'));
  }, 120_000);
  afterAll(async () => {
    await stopApp(app);
    await pg?.drop();
  });

  const refusal = (resultId: number) => ({ runId, resultId, statementBy: 'person', visits: 2, note: '', evidence: { fileName: '声明.png', contentType: 'image/png', dataBase64: PNG } });

  it("answers a refusal for another county's result with 404 at once, and keeps answering everyone", async () => {
    const denied = await timed(supervisor.post(`/api/campaigns/${CAMPAIGN}/hardship/refusals`, refusal(foreignResult)));
    expect(denied.res.status).toBe(404);
    expect(denied.ms).toBeLessThan(1_000);
    // The app is alive: health, a fresh sign-in, the same user's next request.
    const health = await timed(fetch(`${app.baseUrl}/api/health`));
    expect(health.res.status).toBe(200);
    expect(health.ms, `health answered in ${Math.round(health.ms)} ms`).toBeLessThan(1_000);
    const again = await timed(supervisor.post(`/api/campaigns/${CAMPAIGN}/hardship/refusals`, refusal(foreignResult)));
    expect(again.res.status).toBe(404);
    expect((await signIn(app.baseUrl, supervisor.account)).csrfToken).toBeTruthy();
    // The supervisor's own county still works, and the foreign result is untouched.
    const own = await timed(supervisor.post(`/api/campaigns/${CAMPAIGN}/hardship/refusals`, refusal(ownResult)));
    expect(own.res.status, JSON.stringify(own.body)).toBe(201);
    const rows = await app.runtime.database.db.select({ id: screeningResults.id, outcome: screeningResults.outcome }).from(screeningResults).where(eq(screeningResults.runId, runId));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.outcome]))).toEqual({ [foreignResult]: 'to-mobilise', [ownResult]: 'refused' });
  });

  it('refuses a deeply nested body before parsing it, while the app keeps answering', async () => {
    // 24 MB of brackets to sign-in, before any session: refused by its size (sign-in bodies are small).
    const huge = '['.repeat(24 * 1024 * 1024);
    const [login, health] = await Promise.all([
      timed(fetch(`${app.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge })),
      (async () => {
        await new Promise((r) => setTimeout(r, 50));
        return timed(fetch(`${app.baseUrl}/api/health`));
      })(),
    ]);
    expect(login.res.status).toBe(413);
    expect(health.res.status).toBe(200);
    expect(health.ms, `health answered in ${Math.round(health.ms)} ms`).toBeLessThan(1_000);
    // Within a route's size limit, nesting deeper than any plan is refused by the depth scan.
    // A plan-sized nesting is read (and then found not to be a plan).
    const shallow = await timed(official.post('/api/plans/preview', JSON.parse(`{"plan":${'['.repeat(60)}${']'.repeat(60)}}`)));
    expect(shallow.res.status).toBe(400);
    expect(String(shallow.body.detail)).not.toContain('嵌套');
    const nested = '{"plan":' + '['.repeat(5_000_000) + ']'.repeat(5_000_000) + '}';
    const tooDeep = await timed(official.fetch('/api/plans/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested }));
    expect(tooDeep.res.status).toBe(400);
    expect(String(tooDeep.body.detail)).toContain('嵌套超过 64 层');
    expect(tooDeep.ms).toBeLessThan(1_000);
  });

  it('names the real field of a refused request', async () => {
    const year = await timed(official.put('/api/calendar/abc', { calendar: {}, reason: '测试' }));
    expect(year.res.status).toBe(400);
    expect((year.body.errors as { path: string }[])[0].path).toBe('year');
    const advance = await timed(official.post(`/api/campaigns/${CAMPAIGN}/advance`, [1, 2]));
    expect(advance.res.status).toBe(400);
    const paths = (advance.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).not.toContain('(plan)');
    expect(paths).toEqual(['（请求体）']);
  });
});

describe('with Temporal stopped', () => {
  let app: App;
  let official: ApiClient;
  let supervisor: ApiClient;
  // Its own dev server, stopped by the test.
  let temporal: DevServer;
  beforeAll(async () => {
    temporal = await startDevServer({ headless: true });
    app = await startApp(undefined, temporal.address);
    await seedCampaign(app.runtime.database.db, jiangmenPlan(CAMPAIGN, '2035-09-28'));
    official = await signIn(app.baseUrl, await createAccount(app.runtime.auth!, 'official', '440700'));
    supervisor = await signIn(app.baseUrl, await createAccount(app.runtime.auth!, 'supervisor', '440703'));
  }, 120_000);
  afterAll(async () => {
    await stopApp(app);
    await temporal?.stop();
  });

  it('answers health and every route that needs a workflow within a second, with a Chinese 503', async () => {
    expect((await timed(fetch(`${app.baseUrl}/api/health`))).res.status).toBe(200);
    await temporal.stop();
    const health = await timed(fetch(`${app.baseUrl}/api/health`));
    expect(health.res.status).toBe(503);
    expect(health.ms, `health answered in ${Math.round(health.ms)} ms`).toBeLessThan(1_000);
    expect(health.body).toMatchObject({ status: 'degraded', temporal: { ok: false }, database: { ok: true } });

    const report = await timed(
      supervisor.post(`/api/campaigns/${CAMPAIGN}/units/440703/reports`, { periodKey: '2035-10-15', enrolled: 10, paid: 5, amountYuan: 900, mobilePaid: 3, hardshipCovered: 0, note: '' }),
    );
    const advance = await timed(official.post(`/api/campaigns/${CAMPAIGN}/advance`, { reason: '测试' }));
    for (const r of [report, advance]) {
      expect(r.res.status).toBe(503);
      expect(r.ms, `answered in ${Math.round(r.ms)} ms`).toBeLessThan(1_000);
      expect(r.body.detail).toBe(TEMPORAL_UNAVAILABLE);
      expect(r.res.headers.get('retry-after')).toBe('5');
    }
    // Reads from the database still answer.
    const detail = await timed(official.get(`/api/campaigns/${CAMPAIGN}`));
    expect(detail.res.status).toBe(200);
    expect(detail.ms).toBeLessThan(1_000);
  });
});

describe('shutdown', () => {
  it('ends the process within the grace on SIGTERM, even with a request that never finishes', async () => {
    const uploadDir = await mkdtemp(join(tmpdir(), 'reliability-sigterm-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ROLE: 'api',
      PORT: String(await freePort()),
      TEMPORAL_ADDRESS: dev.address,
      PGLITE_DIR: 'memory://',
      UPLOAD_DIR: uploadDir,
      AUTH_SECRET_KEY: TEST_AUTH_SECRET_KEY,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      SHUTDOWN_GRACE_SECONDS: '2',
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the API did not start: ${output}`)), 60_000);
      child.once('exit', () => reject(new Error(`the API exited: ${output}`)));
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const m = /http:\/\/[^:]+:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const exited = new Promise<{ code: number | null; at: number }>((r) => child.once('exit', (code) => r({ code, at: performance.now() })));
    // A client that starts a sign-in body and never finishes it: server.close() alone would wait forever.
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username":');
    await new Promise((r) => setTimeout(r, 200));
    const sent = performance.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;
    socket.destroy();
    await rm(uploadDir, { recursive: true, force: true });
    expect(output).toContain('SIGTERM');
    expect(code).toBe(1);
    expect(at - sent).toBeGreaterThan(1_500);
    expect(at - sent).toBeLessThan(4_000);
  });
});
