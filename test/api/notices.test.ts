// 缴费情况公示 through the in-process app, a real worker on the Temporal test server and a real database
// (PGlite and PostgreSQL): a roster and a delivery matched by the real import, then a village's notice
// prepared (masked by the plan's rule, not the registers' default), refused in its public version before
// approval, approved with a note by an official (never by a clerk), frozen against a later delivery,
// released with its 公示期 and only then shown to the village clerk; a batch for the street; another
// village's clerk answered 404; every step in the audit log as a Chinese sentence.
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { strFromU8, unzipSync } from 'fflate';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { auditLog, noticeRows, notices } from '../../db/schema';
import type { ImportView, UploadView } from '../../contracts/api/hardship';
import type { Notice, NoticeDetail, NoticeList, PrepareNotices } from '../../contracts/api/notices';
import { auditSentence } from '../../domain/auditText';
import { dateZh } from '../../domain/notices';
import type { Plan } from '../../domain/plan';
import { localDateOf, addDaysLocal } from '../../domain/time';
import { createWorker } from '../../server/worker';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { csvOf, P, ROSTER, ROSTER_HEADER, V1, V2 } from '../support/hardshipData';
import { createAccount, signIn, testAuthService, type ApiClient } from '../support/auth';
import { startTestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

const FEED_HEADER = ['身份证号', '姓名', '缴费年度', '档次', '金额', '缴费日期', '渠道', '状态', '参保地'];
const TOWN = '440703001';

describe.each(['pglite', 'postgres'] as const)('公示 API on %s', (kind) => {
  const CAMPAIGN = `notices-${kind}`;
  const base = jiangmenPlan(CAMPAIGN, '2026-09-28');
  // The plan's rule: surname only (张**), not the registers' 张*明; a contact line; 10 days.
  const plan: Plan = {
    ...base,
    notice: { milestone: base.milestones![0].key, registers: 'both', mask: { name: '张**', idNumber: '前6后4' }, days: 10, contact: '联系电话：0750-3000000（蓬江区社保分局）' },
  };
  const Y = String(plan.year);
  // V1 (北步社区): A paid 180, K paid 240, B failed, J unpaid. V2 (城西社区): C government-paid, L paid, D unpaid.
  const FEED: string[][] = [
    [P.A.id, P.A.name, Y, '180', '', `${Y}-10-10`, '手机', '扣费成功', ''],
    [P.B.id, P.B.name, Y, '240', '', `${Y}-10-11`, '银行批扣', '扣费失败', ''],
    [P.C.id, P.C.name, Y, '', '120', `${Y}-10-12`, '政府代缴', '扣费成功', ''],
    [P.K.id, P.K.name, Y, '240', '', `${Y}-11-02`, '手机', '扣费成功', ''],
    [P.L.id, P.L.name, Y, '180', '', `${Y}-10-09`, '办税服务厅', '扣费成功', ''],
  ];
  const V1_PEOPLE = [P.A, P.B, P.J, P.K];

  let env: TestWorkflowEnvironment;
  let database: Database;
  let pg: TestDatabase | undefined;
  let worker: Worker;
  let workerDone: Promise<void>;
  let server: Server;
  let origin: string;
  let uploadDir: string;
  let official: ApiClient;
  let supervisor: ApiClient;
  let clerkV1: ApiClient;
  let clerkV2: ApiClient;

  beforeAll(async () => {
    env = await timeSkippingEnv();
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    uploadDir = await mkdtemp(join(tmpdir(), 'notices-api-'));
    await seedCampaign(database.db, plan);
    const taskQueue = `notices-api-${kind}-${Date.now()}`;
    worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, uploadDir, workflowBundle: await workflowBundle() });
    workerDone = worker.run();
    const t = await startTestApp({ database, client: env.client, taskQueue, uploadDir, temporalUiUrl: null });
    server = t.server;
    origin = t.origin;
    const auth = testAuthService(database.db);
    official = await signIn(origin, await createAccount(auth, 'official', '440700'));
    supervisor = await signIn(origin, await createAccount(auth, 'supervisor', TOWN));
    clerkV1 = await signIn(origin, await createAccount(auth, 'clerk', V1));
    clerkV2 = await signIn(origin, await createAccount(auth, 'clerk', V2));
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

  const C = () => `/api/campaigns/${CAMPAIGN}`;
  const U = (code: string) => `${C()}/units/${code}`;
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const post = (client: ApiClient, path: string, body?: unknown) =>
    client.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const uploadTo = (path: string, fileName: string, body: string) =>
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
  async function deliver(fileName: string, rows: string[][]): Promise<ImportView> {
    const up = await json<UploadView>(await uploadTo(`${C()}/payments/uploads`, fileName, csvOf(FEED_HEADER, rows)), 201);
    const started = await json<{ importId: string }>(await post(official, `${C()}/payments/imports`, { uploadId: up.uploadId }), 202);
    return until(async () => json<ImportView>(await official.fetch(`${C()}/payments/imports/${started.importId}`), 200), finished);
  }
  const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;
  const sheetsOf = async (res: Response) => {
    expect(res.status).toBe(200);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    return Object.keys(files)
      .filter((f) => /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(f))
      .map((f) => strFromU8(files[f]))
      .join('\n');
  };
  const problem = async (res: Response, status: number) => json<{ title: string; detail: string }>(res, status);

  it('refuses to prepare before the tax bureau has delivered anything', async () => {
    const p = await problem(await post(official, `${U(V1)}/notices`), 409);
    expect(p.detail).toBe('税务部门尚未报送逐人缴费明细，无法编制公示。');
  });

  let draft: Notice;
  it('prepares a village’s 公示 as a draft: both registers, masked by the plan’s rule, nothing unmasked stored', async () => {
    const up = await json<UploadView>(await uploadTo(`${C()}/hardship/uploads?list=roster`, '花名册.csv', csvOf(ROSTER_HEADER, ROSTER)), 201);
    const started = await json<{ importId: string }>(await post(official, `${C()}/hardship/imports`, { uploadId: up.uploadId, list: 'roster' }), 202);
    await until(async () => json<ImportView>(await official.fetch(`${C()}/hardship/imports/${started.importId}`), 200), finished);
    expect((await deliver(`逐人缴费明细-${Y}-11-05.csv`, FEED)).status).toBe('stored');

    const out = await json<PrepareNotices>(await post(official, `${U(V1)}/notices`), 201);
    expect(out.prepared).toHaveLength(1);
    draft = out.prepared[0].notice!;
    expect(draft).toMatchObject({
      villageCode: V1,
      villageName: '北步社区',
      version: 1,
      state: 'draft',
      title: `北步社区${Y}年度城乡居民基本养老保险缴费情况公示`,
      registers: 'both',
      nameMask: '张**',
      idMask: '前6后4',
      days: 10,
      issuer: '北步社区居民委员会',
      contact: '联系电话：0750-3000000（蓬江区社保分局）',
      milestone: { key: plan.milestones![0].key },
      asOf: `${Y}-11-02`,
      paidCount: 2,
      unpaidCount: 2,
      approvedBy: null,
      periodStart: null,
      issuedOn: null,
    });
    const detail = await json<NoticeDetail>(await official.fetch(`${U(V1)}/notices/${draft.id}`), 200);
    expect(detail.rows).toEqual([
      { register: 'paid', seq: 1, name: '陈*', idNumber: masked(P.A.id), cell: '180元' },
      { register: 'paid', seq: 2, name: '冯**', idNumber: masked(P.K.id), cell: '240元' },
      { register: 'unpaid', seq: 1, name: '李*', idNumber: masked(P.B.id), cell: '未缴' },
      { register: 'unpaid', seq: 2, name: '郑*', idNumber: masked(P.J.id), cell: '未缴' },
    ]);
    expect(detail.body).toContain(`数据截至${Y}年11月2日`);
    expect(detail.body).toContain('公示期为发布之日起10天');
    // What the database keeps is what a notice board shows: no full number, no full name.
    const stored = JSON.stringify(await database.db.select().from(noticeRows).where(eq(noticeRows.noticeId, draft.id)));
    for (const p of V1_PEOPLE) {
      expect(stored).not.toContain(p.id);
      expect(stored).not.toContain(p.name);
    }
  });

  it('refuses the public version before approval (未审批), hides the draft from the clerk, and lets no clerk approve', async () => {
    const byOfficial = await problem(await official.fetch(`${U(V1)}/notices/${draft.id}/xlsx`), 403);
    expect(byOfficial).toMatchObject({ title: '未审批' });
    expect(byOfficial.detail).toContain('未审批：该公示尚未经业务主管审批');
    expect((await problem(await official.fetch(`${U(V1)}/notices/${draft.id}/print`), 403)).title).toBe('未审批');
    expect((await problem(await clerkV1.fetch(`${U(V1)}/notices/${draft.id}/print`), 403)).title).toBe('未审批');
    expect((await problem(await clerkV1.fetch(`${U(V1)}/notices/${draft.id}`), 403)).detail).toContain('尚未发布');
    expect((await json<NoticeList>(await clerkV1.fetch(`${U(V1)}/notices`), 200)).notices).toEqual([]);
    // A clerk or a town supervisor may not approve (the role), a clerk of another village sees nothing (404).
    expect((await problem(await post(clerkV1, `${U(V1)}/notices/${draft.id}/approve`, { note: '同意公示' }), 403)).title).toBe('无权限');
    expect((await post(supervisor, `${U(V1)}/notices/${draft.id}/approve`, { note: '同意公示' })).status).toBe(403);
    expect((await post(clerkV1, `${U(V1)}/notices`)).status).toBe(403);
    expect((await clerkV2.fetch(`${U(V1)}/notices`)).status).toBe(404);
    expect((await clerkV2.fetch(`${U(V1)}/notices/${draft.id}/xlsx`)).status).toBe(404);
    // The notice is V1's: asked for under V2 it does not exist.
    expect((await official.fetch(`${U(V2)}/notices/${draft.id}`)).status).toBe(404);
    // Nor can a draft be released.
    expect((await problem(await post(official, `${U(V1)}/notices/${draft.id}/release`), 409)).detail).toContain('未审批');
  });

  it('is approved by an official with a note, once; the approved notice downloads for officials but not yet for the clerk', async () => {
    expect((await post(official, `${U(V1)}/notices/${draft.id}/approve`, { note: '' })).status).toBe(400);
    expect((await post(official, `${U(V1)}/notices/${draft.id}/approve`, { note: '同意', extra: 1 })).status).toBe(400);
    const approved = await json<Notice>(await post(official, `${U(V1)}/notices/${draft.id}/approve`, { note: '经核对，同意公示。' }), 200);
    expect(approved).toMatchObject({ state: 'approved', approvalNote: '经核对，同意公示。', approvedBy: expect.stringContaining(official.account.username) });
    expect((await post(official, `${U(V1)}/notices/${draft.id}/approve`, { note: '再次同意' })).status).toBe(409);
    const sheet = await sheetsOf(await official.fetch(`${U(V1)}/notices/${draft.id}/xlsx`));
    expect(sheet).toContain('缴费情况公示');
    expect((await problem(await clerkV1.fetch(`${U(V1)}/notices/${draft.id}/xlsx`), 403)).title).toBe('未发布');
  });

  it('stays as approved when a later delivery changes who paid (a frozen snapshot); a new prepare does not touch it', async () => {
    const before = await json<NoticeDetail>(await official.fetch(`${U(V1)}/notices/${draft.id}`), 200);
    expect((await deliver(`逐人缴费明细-${Y}-11-19.csv`, [...FEED, [P.B.id, P.B.name, Y, '240', '', `${Y}-11-18`, '手机', '扣费成功', '']])).status).toBe('stored');
    const after = await json<NoticeDetail>(await official.fetch(`${U(V1)}/notices/${draft.id}`), 200);
    expect(after.rows).toEqual(before.rows);
    expect(after.notice.asOf).toBe(`${Y}-11-02`);
    const again = await json<PrepareNotices>(await post(official, `${U(V1)}/notices`), 201);
    expect(again.prepared[0]).toMatchObject({ notice: null, skipped: expect.stringContaining('已审批、尚未发布') });
  });

  it('is released with its 公示期; then the clerk sees it, prints it and downloads it, masked', async () => {
    const released = await json<Notice>(await post(official, `${U(V1)}/notices/${draft.id}/release`), 200);
    const today = localDateOf(Date.now(), plan.timeZone);
    expect(released).toMatchObject({ state: 'released', periodStart: today, periodEnd: addDaysLocal(today, 9), issuedOn: today });
    expect((await post(official, `${U(V1)}/notices/${draft.id}/release`)).status).toBe(409);

    const list = await json<NoticeList>(await clerkV1.fetch(`${U(V1)}/notices`), 200);
    expect(list.notices.map((n) => [n.id, n.state])).toEqual([[draft.id, 'released']]);
    const printed = await clerkV1.fetch(`${U(V1)}/notices/${draft.id}/print`);
    expect(printed.status).toBe(200);
    expect(printed.headers.get('content-type')).toContain('text/html');
    const html = await printed.text();
    expect(html).toMatch(/公示期自\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日/);
    expect(html).toContain(`<h1 data-part="title">北步社区${Y}年度城乡居民基本养老保险缴费情况公示</h1>`);
    expect(html).toContain(`<p class="date" data-part="date">${dateZh(today)}</p>`);
    for (const p of V1_PEOPLE) {
      expect(html).not.toContain(p.id);
      expect(html).not.toContain(p.name);
    }
    const sheet = await sheetsOf(await clerkV1.fetch(`${U(V1)}/notices/${draft.id}/xlsx`));
    for (const text of ['北步社区', '已缴费人员名单', '未缴费人员名单', '序号', '姓名', '身份证号', '未缴', '180元', '冯**', masked(P.B.id), '联系电话：0750-3000000', '北步社区居民委员会']) expect(sheet).toContain(text);
    for (const p of V1_PEOPLE) {
      expect(sheet).not.toContain(p.id);
      expect(sheet).not.toContain(p.name);
    }
  });

  it('prepares a new version after a release, and in batch for the street: every village, the approved one skipped', async () => {
    const v2 = await json<PrepareNotices>(await post(official, `${U(V1)}/notices`), 201);
    expect(v2.prepared[0].notice).toMatchObject({ version: 2, state: 'draft', paidCount: 3, unpaidCount: 1 });
    const town = await json<PrepareNotices>(await post(official, `${U(TOWN)}/notices`), 201);
    expect(town.prepared.map((p) => p.villageCode)).toEqual([V1, V2]);
    expect(town.prepared.find((p) => p.villageCode === V1)!.notice).toMatchObject({ version: 2, state: 'draft' });
    const cx = town.prepared.find((p) => p.villageCode === V2)!.notice!;
    expect(cx).toMatchObject({ villageName: '城西社区', version: 1, paidCount: 2, unpaidCount: 1 });
    const cxRows = await json<NoticeDetail>(await official.fetch(`${U(V2)}/notices/${cx.id}`), 200);
    expect(cxRows.rows.find((r) => r.register === 'paid' && r.idNumber === masked(P.C.id))!.cell).toBe('120元（政府代缴）');
    await json<Notice>(await post(official, `${U(V2)}/notices/${cx.id}/approve`, { note: '同意公示。' }), 200);
    const again = await json<PrepareNotices>(await post(official, `${U(TOWN)}/notices`), 201);
    expect(again.prepared.find((p) => p.villageCode === V2)).toMatchObject({ notice: null, skipped: expect.stringContaining('已审批') });
    // The released version 1 is unchanged; the street's list holds both villages' notices.
    const rows = await database.db.select({ version: notices.version, state: notices.state }).from(notices).where(and(eq(notices.campaignId, CAMPAIGN), eq(notices.villageCode, V1))).orderBy(notices.version);
    expect(rows).toEqual([
      { version: 1, state: 'released' },
      { version: 2, state: 'draft' },
    ]);
    const townList = await json<NoticeList>(await official.fetch(`${U(TOWN)}/notices`), 200);
    expect(townList.notices.map((n) => `${n.villageCode}/${n.version}/${n.state}`)).toEqual([`${V1}/2/draft`, `${V1}/1/released`, `${V2}/1/approved`]);
  });

  it('prepared three times at once leaves one draft, answering the losers of a race 409, never 500', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => post(official, `${U(V1)}/notices`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409), String(statuses)).toBe(true);
    expect(statuses).toContain(201);
    for (const r of answers.filter((a) => a.status === 409)) expect((await r.json()).detail).toBe('北步社区的公示正由他人同时编制，请刷新后再试。');
    const rows = await database.db.select({ version: notices.version, state: notices.state }).from(notices).where(and(eq(notices.campaignId, CAMPAIGN), eq(notices.villageCode, V1))).orderBy(notices.version);
    expect(rows).toEqual([
      { version: 1, state: 'released' },
      { version: 2, state: 'draft' },
    ]);
  });

  it('records every prepare, approval, release, print and download, and each refusal, as a sentence in the audit log', async () => {
    const rows = await database.db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, ['notice.prepare', 'notice.approve', 'notice.release', 'notice.read', 'notice.print', 'notice.download', 'authz.denied']));
    const by = (action: string, result: string) => rows.filter((r) => r.action === action && r.result === result);
    expect(by('notice.prepare', 'success').length).toBeGreaterThanOrEqual(4);
    expect(by('notice.approve', 'success')).toHaveLength(2);
    expect(by('notice.release', 'success')).toHaveLength(1);
    expect(by('notice.download', 'success').length).toBeGreaterThanOrEqual(2);
    expect(by('notice.print', 'success')).toHaveLength(1);
    expect(by('notice.download', 'denied').length).toBeGreaterThanOrEqual(2);
    const names = new Map([[CAMPAIGN, plan.title], [V1, '北步社区']]);
    const release = by('notice.release', 'success')[0];
    expect(auditSentence(release, names)).toBe(`${official.account.username}（业务主管（市级））发布缴费情况公示：活动《${plan.title}》单位 北步社区（公示编号 ${draft.id}），成功。`);
    const unapproved = rows.find((r) => r.action === 'notice.download' && (r.detail as { refused?: string }).refused === '公示未审批')!;
    expect(auditSentence(unapproved, names)).toContain('下载缴费情况公示：活动');
    expect(auditSentence(unapproved, names)).toMatch(/被拒绝（公示未审批）。$/);
    expect(rows.some((r) => r.action === 'authz.denied' && r.actorUsername === clerkV2.account.username)).toBe(true);
    const text = JSON.stringify(rows);
    for (const p of V1_PEOPLE) {
      expect(text).not.toContain(p.id);
      expect(text).not.toContain(p.name);
    }
  });
});
