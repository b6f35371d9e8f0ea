// 公示 and its milestone through the in-process app, a real worker and campaign workflow on the Temporal
// test server and a real database (PGlite and PostgreSQL): a launched campaign whose roster has two
// villages; releasing the first shows 已发布 1／2 and leaves the 公示 milestone open; releasing the
// second confirms it through the campaign workflow's update, by the releasing official, once (a later
// version's release changes nothing). A cancelled campaign's releases still succeed, the milestone
// unconfirmed and the reason in the audit log.
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { auditLog, milestones } from '../../db/schema';
import type { CampaignDetail } from '../../contracts/api/campaigns';
import type { ImportView, UploadView } from '../../contracts/api/hardship';
import type { Notice, NoticeList, PrepareNotices } from '../../contracts/api/notices';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import { addDaysLocal, localDateOf } from '../../domain/time';
import { loadExample } from '../../server/campaigns/examples';
import { createWorker } from '../../server/worker';
import { csvOf, P, ROSTER, ROSTER_HEADER, V1, V2 } from '../support/hardshipData';
import { createAccount, signIn, testAuthService, type ApiClient } from '../support/auth';
import { startTestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

const FEED_HEADER = ['身份证号', '姓名', '缴费年度', '档次', '金额', '缴费日期', '渠道', '状态', '参保地'];
const TOWN = '440703001';
/** A month into a Jiangmen campaign (its payment dates in the past, as a delivery's must be), with a 公示 milestone 60 days on. */
const TODAY = localDateOf(Date.now(), 'Asia/Shanghai');
const START = addDaysLocal(TODAY, -30);
const planOf = (id: string): PlanInput => ({
  ...(shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, START, { id }) as PlanInput),
  milestones: [{ key: 'publicity', name: '缴费明细公示', due: addDaysLocal(TODAY, 60), remindWorkingDays: [3] }],
  notice: { milestone: 'publicity', registers: 'both', mask: { name: '张*明', idNumber: '前6后4' }, days: 7 },
});
const Y = String((planOf('year') as { year: number }).year);
/** The roster's people of 北步社区 and 城西社区 only: the campaign's villages are these two. */
const TWO_VILLAGES = ROSTER.filter((r) => r[2] === V1 || r[2] === V2);
const FEED: string[][] = [
  [P.A.id, P.A.name, Y, '180', '', START, '手机', '扣费成功', ''],
  [P.C.id, P.C.name, Y, '', '120', START, '政府代缴', '扣费成功', ''],
];

describe.each(['pglite', 'postgres'] as const)('公示 milestone on %s', (kind) => {
  let env: TestWorkflowEnvironment;
  let database: Database;
  let pg: TestDatabase | undefined;
  let worker: Worker;
  let workerDone: Promise<void>;
  let server: Server;
  let uploadDir: string;
  let official: ApiClient;

  beforeAll(async () => {
    env = await timeSkippingEnv();
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    uploadDir = await mkdtemp(join(tmpdir(), 'notices-milestone-'));
    const taskQueue = `notices-milestone-${kind}-${Date.now()}`;
    worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, uploadDir, workflowBundle: await workflowBundle() });
    workerDone = worker.run();
    const t = await startTestApp({ database, client: env.client, taskQueue, uploadDir, temporalUiUrl: null });
    server = t.server;
    official = await signIn(t.origin, await createAccount(testAuthService(database.db), 'official', '440700'));
  }, 180_000);
  afterAll(async () => {
    server?.close();
    worker?.shutdown();
    await workerDone;
    await database?.close();
    await pg?.drop();
    await env?.teardown();
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const post = (path: string, body?: unknown) =>
    official.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const upload = (path: string, fileName: string, body: string) =>
    official.fetch(path, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(fileName) }, body });
  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const v = await read();
      if (done(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  }
  const finished = (v: ImportView) => !['pending', 'running'].includes(v.status);
  const milestoneRow = async (campaignId: string) =>
    (
      await database.db
        .select({ status: milestones.status, confirmedBy: milestones.confirmedBy, note: milestones.confirmationNote })
        .from(milestones)
        .where(and(eq(milestones.campaignId, campaignId), eq(milestones.key, 'publicity')))
    )[0];

  const releaseAudits = async () =>
    (await database.db.select({ detail: auditLog.detail }).from(auditLog).where(and(eq(auditLog.action, 'notice.release'), eq(auditLog.result, 'success')))).map(
      (r) => r.detail as { noticeId?: number; milestone?: string; milestoneConfirmed?: boolean; milestoneRefused?: string },
    );

  /** Launches the campaign (its workflow running), imports the roster and a delivery, prepares and approves both villages' notices. */
  async function campaignWithApprovedNotices(id: string): Promise<Record<string, Notice>> {
    const C = `/api/campaigns/${id}`;
    expect(START.startsWith(Y)).toBe(true);
    await json(await post('/api/campaigns', { plan: planOf(id), actor: '王处长' }), 201);
    await until(() => milestoneRow(id), (m) => m !== undefined);
    const roster = await json<UploadView>(await upload(`${C}/hardship/uploads?list=roster`, '花名册.csv', csvOf(ROSTER_HEADER, TWO_VILLAGES)), 201);
    const r = await json<{ importId: string }>(await post(`${C}/hardship/imports`, { uploadId: roster.uploadId, list: 'roster' }), 202);
    await until(async () => json<ImportView>(await official.fetch(`${C}/hardship/imports/${r.importId}`), 200), finished);
    const feed = await json<UploadView>(await upload(`${C}/payments/uploads`, `逐人缴费明细-${TODAY}.csv`, csvOf(FEED_HEADER, FEED)), 201);
    const f = await json<{ importId: string }>(await post(`${C}/payments/imports`, { uploadId: feed.uploadId }), 202);
    const stored = await until(async () => json<ImportView>(await official.fetch(`${C}/payments/imports/${f.importId}`), 200), finished);
    expect(stored.status, JSON.stringify(stored)).toBe('stored');
    const prepared = await json<PrepareNotices>(await post(`${C}/units/${TOWN}/notices`), 201);
    expect(prepared.prepared.map((p) => p.villageCode)).toEqual([V1, V2]);
    const out: Record<string, Notice> = {};
    for (const p of prepared.prepared) out[p.villageCode] = await json<Notice>(await post(`${C}/units/${p.villageCode}/notices/${p.notice!.id}/approve`, { note: '经核对，同意公示。' }), 200);
    return out;
  }

  it('confirms the 公示 milestone when the last village’s notice is released, by the releasing official, once', async () => {
    const id = `notice-milestone-${kind}`;
    const C = `/api/campaigns/${id}`;
    const approved = await campaignWithApprovedNotices(id);
    const progressOf = async (code: string) => (await json<NoticeList>(await official.fetch(`${C}/units/${code}/notices`), 200)).progress;
    expect(await progressOf(TOWN)).toEqual({ milestone: { key: 'publicity', name: '缴费明细公示', due: addDaysLocal(TODAY, 60), confirmed: null }, released: 0, villages: 2 });

    // One of two released: the milestone stays open (its reminders and rungs would still come).
    await json<Notice>(await post(`${C}/units/${V1}/notices/${approved[V1].id}/release`), 200);
    expect(await progressOf(TOWN)).toMatchObject({ released: 1, villages: 2, milestone: { confirmed: null } });
    expect(await progressOf('440700')).toMatchObject({ released: 1, villages: 2 });
    expect((await milestoneRow(id)).status).not.toBe('confirmed');

    // The last one: confirmed through the campaign workflow, by the one who released, with the count.
    const last = await json<Notice>(await post(`${C}/units/${V2}/notices/${approved[V2].id}/release`), 200);
    expect(last.state).toBe('released');
    const row = await milestoneRow(id);
    expect(row).toMatchObject({ status: 'confirmed', note: '全部 2 个村（居）公示已发布' });
    expect(row.confirmedBy).toContain(official.account.username);
    const progress = await progressOf(TOWN);
    expect(progress).toMatchObject({ released: 2, villages: 2, milestone: { confirmed: { by: expect.stringContaining(official.account.username), at: expect.any(String) } } });
    const confirmations = async () => (await json<CampaignDetail>(await official.fetch(C), 200)).actions.filter((a) => a.kind === 'confirm-milestone');
    expect(await confirmations()).toEqual([expect.objectContaining({ reason: '全部 2 个村（居）公示已发布', actor: expect.stringContaining(official.account.username) })]);

    // A new version of a village released later: the milestone is already confirmed, nothing more happens.
    const v2 = (await json<PrepareNotices>(await post(`${C}/units/${V1}/notices`), 201)).prepared[0].notice!;
    await json<Notice>(await post(`${C}/units/${V1}/notices/${v2.id}/approve`, { note: '更正后同意公示。' }), 200);
    await json<Notice>(await post(`${C}/units/${V1}/notices/${v2.id}/release`), 200);
    expect(await confirmations()).toHaveLength(1);
    const ours = new Set([approved[V1].id, approved[V2].id, v2.id]);
    // The audit row is written as the answer finishes: waited for, not raced.
    const releases = (await until(releaseAudits, (ds) => ds.filter((d) => ours.has(d.noticeId!)).length >= 3)).filter((d) => ours.has(d.noticeId!));
    expect(releases).toHaveLength(3);
    expect(releases.filter((d) => d.milestoneConfirmed === true)).toEqual([expect.objectContaining({ noticeId: approved[V2].id, milestone: 'publicity' })]);
  });

  it('still releases when the campaign was cancelled: the milestone stays unconfirmed, the reason audited', async () => {
    const id = `notice-cancelled-${kind}`;
    const C = `/api/campaigns/${id}`;
    const approved = await campaignWithApprovedNotices(id);
    await json(await post(`${C}/cancel`, { actor: '王处长', reason: '测试撤销活动' }), 200);
    for (const v of [V1, V2]) expect((await json<Notice>(await post(`${C}/units/${v}/notices/${approved[v].id}/release`), 200)).state).toBe('released');
    expect((await milestoneRow(id)).status).not.toBe('confirmed');
    // The audit row is written as the answer finishes: waited for, not raced.
    const last = (await until(releaseAudits, (ds) => ds.some((d) => d.noticeId === approved[V2].id))).find((d) => d.noticeId === approved[V2].id);
    expect(last).toMatchObject({ milestone: 'publicity', milestoneConfirmed: false, milestoneRefused: '活动已撤销，不能再操作' });
  });
});
