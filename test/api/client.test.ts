// The shared API client (client/index.ts) against the real app (in-process, Temporal test server, PGlite):
// sign-in with the second factor, the session cookie it keeps, the CSRF header, problem+json as an
// ApiError with its fields, Idempotency-Key deduplication, a streamed raw body, sign-out, an
// unreachable server; and the CLI (scripts/cli.ts) signing in through it and streaming an import.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient, newIdempotencyKey, rawBody, type SessionView } from '../../client';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import type { CampaignDetail } from '../../contracts/api/campaigns';
import { loadExample } from '../../server/campaigns/examples';
import type { UploadView } from '../../contracts/api/hardship';
import { csvOf, ROSTER, ROSTER_HEADER } from '../support/hardshipData';
import { createAccount, nextTotpCode, testAuthService, type TestAccount } from '../support/auth';
import { startTestApp } from '../support/app';
import { harness, timeSkippingEnv, type Harness } from '../support/temporal';

let env: TestWorkflowEnvironment;
let h: Harness;
let server: Server;
let base: string;
let uploadDir: string;
let workerDone: Promise<void>;
let official: TestAccount;

beforeAll(async () => {
  env = await timeSkippingEnv();
  uploadDir = await mkdtemp(join(tmpdir(), 'client-'));
  h = await harness(env, { uploadDir });
  const t = await startTestApp({ database: h.database, client: env.client, taskQueue: h.taskQueue, campaigns: h.campaigns, reporting: h.reporting, uploadDir, temporalUiUrl: null });
  server = t.server;
  base = t.origin;
  workerDone = h.worker.run();
  official = await createAccount(testAuthService(h.database.db), 'official', '440700', { username: 'client.test', displayName: '客户端' });
});
afterAll(async () => {
  server?.close();
  h?.worker.shutdown();
  await workerDone;
  await h?.database.close();
  await env?.teardown();
  if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

/** A fresh official each time: one account signing in again within 30 s would wait for an unused TOTP step. */
const signedIn = async (onUnauthenticated?: (path: string) => void) => {
  const account = await createAccount(testAuthService(h.database.db), 'official', '440700');
  const client = createApiClient({ baseUrl: base, onUnauthenticated });
  const session = await client.signIn({ username: account.username, password: account.password, totp: () => nextTotpCode(account) });
  return { client, session };
};

describe('the shared API client', () => {
  it('signs in with the second factor, keeps the session cookie and sends the CSRF token on changes', async () => {
    const codes: SessionView[] = [];
    const client = createApiClient({ baseUrl: base });
    const session = await client.signIn({
      username: official.username.toUpperCase(),
      password: official.password,
      totp: (pending) => {
        codes.push(pending);
        return nextTotpCode(official);
      },
    });
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatchObject({ mfaRequired: true, mfaSatisfied: false });
    expect(session).toMatchObject({ mfaSatisfied: true, user: { username: official.username } });
    expect(client.cookie).toMatch(/^campaign_session=[A-Za-z0-9_-]{43}$/);
    expect(client.csrfToken).toBe(session.csrfToken);
    expect((await client.get<SessionView>('/api/auth/session')).user.username).toBe(official.username);

    // Without the token a change is refused; with it, it goes through.
    client.setCsrfToken(null);
    const refused = await apiError(client.post('/api/plans/preview', { plan: 'x' }));
    expect(refused).toMatchObject({ status: 403, type: 'urn:problem:csrf' });
    client.setCsrfToken(session.csrfToken);
    expect(await apiError(client.post('/api/plans/preview', { plan: 'id: [' }))).toMatchObject({ status: 400 });
  });

  it('refuses to sign in an official without a code provider, naming the second factor', async () => {
    const client = createApiClient({ baseUrl: base });
    const e = await apiError(client.signIn({ username: official.username, password: official.password }));
    expect(e).toMatchObject({ status: 401, type: 'urn:problem:mfa-required' });
    expect(e.message).toContain('动态口令');
    const wrong = await apiError(client.signIn({ username: official.username, password: 'not-the-password-1' }));
    expect(wrong).toMatchObject({ status: 401, detail: '账号或密码错误', title: '未登录或登录失败' });
  });

  it('turns problem+json into an ApiError with status, title, detail and each failing field', async () => {
    const { client } = await signedIn();
    const plan = shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2035-09-28', { id: 'client-bad' });
    const e = await apiError(client.post('/api/plans/preview', { plan: { ...plan, phases: [{ ...plan.phases[0], start: '明天' }, ...plan.phases.slice(1)] } }));
    expect(e.status).toBe(400);
    expect(e.title).toBeTruthy();
    expect(e.message).toBe(e.detail ?? e.title);
    expect(e.errors.map((x) => x.path)).toContain('phases[0].start');
    expect(e.issues).toBe(e.errors);
  });

  it('sends one Idempotency-Key for a resent action: the campaign records it once', async () => {
    const { client } = await signedIn();
    const plan = shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2035-09-28', { id: 'client-idem' });
    await client.post('/api/campaigns', { plan });
    await expect.poll(async () => (await client.get<CampaignDetail>('/api/campaigns/client-idem')).actions.length, { timeout: 30_000 }).toBe(1);
    const key = newIdempotencyKey();
    const first = await client.post<CampaignDetail>('/api/campaigns/client-idem/advance', { reason: '提前部署' }, { idempotencyKey: key });
    const resent = await client.post<CampaignDetail>('/api/campaigns/client-idem/advance', { reason: '提前部署' }, { idempotencyKey: key });
    expect(first.currentPhaseKey).toBe('deployment');
    expect(resent.currentPhaseKey).toBe('deployment');
    const advances = (await client.get<CampaignDetail>('/api/campaigns/client-idem')).actions.filter((a) => a.kind === 'advance');
    expect(advances).toHaveLength(1);
    // A new key is a new action.
    const second = await client.post<CampaignDetail>('/api/campaigns/client-idem/advance', { reason: '再进一步' }, { idempotencyKey: newIdempotencyKey() });
    expect(second.currentPhaseKey).not.toBe('deployment');
  });

  it('streams a raw body (an upload) as it is read', async () => {
    const { client } = await signedIn();
    const plan = shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2035-09-28', { id: 'client-upload' });
    await client.post('/api/campaigns', { plan });
    const bytes = new TextEncoder().encode(csvOf(ROSTER_HEADER, ROSTER));
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 1 KB at a time: the client must not need the whole body first.
        const chunk = bytes.subarray(pulled, pulled + 1024);
        pulled += chunk.length;
        if (chunk.length > 0) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const view = await client.post<UploadView>('/api/campaigns/client-upload/hardship/uploads?list=roster', rawBody(stream, 'text/csv'), {
      headers: { 'X-File-Name': encodeURIComponent('花名册.csv') },
    });
    expect(pulled).toBe(bytes.length);
    expect(view).toMatchObject({ fileName: '花名册.csv', mapping: { ok: true } });
  });

  it('signs out: the cookie is forgotten, and a lost session is reported outside the sign-in routes only', async () => {
    const lost: string[] = [];
    const { client } = await signedIn((path) => lost.push(path));
    await client.signOut();
    expect(client.cookie).toBe('');
    expect(client.csrfToken).toBeNull();
    expect(await apiError(client.get('/api/auth/session'))).toMatchObject({ status: 401 });
    expect(lost).toEqual([]);
    expect(await apiError(client.get('/api/campaigns'))).toMatchObject({ status: 401, type: 'urn:problem:unauthenticated' });
    expect(lost).toEqual(['/api/campaigns']);
  });

  it('answers status 0 with a readable sentence when the server cannot be reached', async () => {
    const closed = createApiClient({ baseUrl: 'http://127.0.0.1:9' });
    const e = await apiError(closed.get('/api/health'));
    expect(e.status).toBe(0);
    expect(e.message).toContain('无法连接服务器');
  });
  it('serves the CLI: it signs in with the second factor, lists the campaigns and streams an import', async () => {
    const { client } = await signedIn();
    const plan = shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, '2035-09-28', { id: 'client-cli' });
    await client.post('/api/campaigns', { plan });
    const cli = async (...args: string[]) => {
      // A fresh official per run, each signing in on its own (as at a terminal).
      const account = await createAccount(testAuthService(h.database.db), 'official', '440700');
      const env = { ...process.env, CAMPAIGN_USER: account.username, CAMPAIGN_PASSWORD: account.password, CAMPAIGN_TOTP: await nextTotpCode(account) };
      return promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args, '--api', base], { env, timeout: 120_000 });
    };
    const list = await cli('list');
    expect(list.stdout).toMatch(/client-cli/);
    const file = join(uploadDir, '花名册.csv');
    await writeFile(file, csvOf(ROSTER_HEADER, ROSTER));
    const imported = await cli('import', 'client-cli', file, '--list', 'roster');
    expect(imported.stdout).toContain(`✓ 已导入 ${ROSTER.length} 行`);
    // A refusal is the problem's lines on stderr and exit code 1.
    const refused = await cli('import', 'no-such-campaign', file, '--list', 'roster').catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(/^✗ /m);
  });
});
