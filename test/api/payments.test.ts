// The per-person payment feed through the in-process app, the Temporal test server, a real worker and
// a real database (PGlite and PostgreSQL): a roster and a year-to-date delivery whose answers are known
// (every status, a person paying twice, a 15-digit legacy number, a payer outside the roster), the same
// file twice, a refused delivery leaving the previous one current, verified figures rolled up and equal
// to a plain SQL sum, the county that never goes backwards (3,200 vs 2 of its towns), the masked village
// registers (JSON and XLSX) and visit outcomes scoped to the clerk's village.
import type { Server } from 'node:http';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { strFromU8, unzipSync } from 'fflate';
import { and, eq, sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../db/client';
import { auditLog, paymentState, paymentStatuses, units } from '../../db/schema';
import type { ImportView, UploadView } from '../../contracts/api/hardship';
import type { CampaignDetail, UnitDetail } from '../../contracts/api/campaigns';
import type { RegisterPage } from '../../contracts/api/payments';
import type { TaxInboxScanResult } from '../../contracts/taxFeed';
import { recordReport } from '../../services/reporting';
import { refreshPayments } from '../../services/payments';
import { createWorker } from '../../server/worker';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { A15, csvOf, idOf, OUTSIDE, P, ROSTER, ROSTER_HEADER, V1, V2, V3 } from '../support/hardshipData';
import { createAccount, signIn, testAuthService, type ApiClient } from '../support/auth';
import { startTestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

const FEED_HEADER = ['身份证号', '姓名', '缴费年度', '档次', '金额', '缴费日期', '渠道', '状态', '参保地'];

describe.each(['pglite', 'postgres'] as const)('payment feed API on %s', (kind) => {
  const CAMPAIGN = `payments-${kind}`;
  // A plan starting in September 2026: its deductions are dated before today.
  const plan = jiangmenPlan(CAMPAIGN, '2026-09-28');
  const Y = String(plan.year);
  const FEED: string[][] = [
    [A15, P.A.name, Y, '180', '', `${Y}-10-10`, '手机', '扣费成功', ''],
    [P.B.id, P.B.name, Y, '240', '', `${Y}-10-11`, '银行批扣', '扣费失败', ''],
    [P.C.id, P.C.name, Y, '', '120', `${Y}-10-12`, '政府代缴', '扣费成功', ''],
    [P.E.id, P.E.name, Y, '180', '', `${Y}-10-13`, '办税服务厅', '扣费成功', ''],
    [P.E.id, P.E.name, Y, '180', '', `${Y}-10-20`, '办税服务厅', '退费', ''],
    [P.I.id, P.I.name, Y, '600', '', `${Y}-10-14`, '手机', '扣费成功', '440106'],
    [P.K.id, P.K.name, Y, '240', '', `${Y}-10-05`, '银行批扣', '扣费成功', ''],
    [P.K.id, P.K.name, Y, '240', '', `${Y}-11-02`, '手机', '扣费成功', ''],
    [P.L.id, P.L.name, Y, '180', '', `${Y}-10-06`, '银行批扣', '扣费失败', ''],
    [P.L.id, P.L.name, Y, '180', '', `${Y}-10-09`, '办税服务厅', '扣费成功', ''],
    [P.G.id, P.G.name, Y, '180', '', `${Y}-10-15`, '办税服务厅', '扣费成功', ''],
  ];
  const EXPECTED: Record<string, string> = {
    [P.A.id]: 'paid',
    [P.B.id]: 'failed',
    [P.C.id]: 'government-paid',
    [P.D.id]: 'unpaid',
    [P.E.id]: 'refunded',
    [P.F.id]: 'unpaid',
    [P.G.id]: 'not-in-roster',
    [P.H.id]: 'unpaid',
    [P.I.id]: 'paid-elsewhere',
    [P.J.id]: 'unpaid',
    [P.K.id]: 'paid',
    [P.L.id]: 'paid',
  };

  let env: TestWorkflowEnvironment;
  let database: Database;
  let pg: TestDatabase | undefined;
  let worker: Worker;
  let workerDone: Promise<void>;
  let server: Server;
  let origin: string;
  let uploadDir: string;
  let official: ApiClient;
  let clerkV1: ApiClient;
  let clerkV2: ApiClient;

  beforeAll(async () => {
    env = await timeSkippingEnv();
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    expect(database.kind).toBe(kind);
    uploadDir = await mkdtemp(join(tmpdir(), 'payments-api-'));
    await seedCampaign(database.db, plan);
    const taskQueue = `payments-api-${kind}-${Date.now()}`;
    worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, uploadDir, workflowBundle: await workflowBundle() });
    workerDone = worker.run();
    const t = await startTestApp({ database, client: env.client, taskQueue, uploadDir, temporalUiUrl: null });
    server = t.server;
    origin = t.origin;
    const auth = testAuthService(database.db);
    official = await signIn(origin, await createAccount(auth, 'official', '440700'));
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
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const postJson = (client: ApiClient, path: string, body: unknown) => client.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
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
  /** Uploads and imports one delivery, answering the import's end. */
  async function deliver(fileName: string, rows: string[][], expectCreated = true): Promise<ImportView> {
    const up = await json<UploadView>(await uploadTo(`${C()}/payments/uploads`, fileName, csvOf(FEED_HEADER, rows)), 201);
    expect(up.mapping.ok).toBe(true);
    const started = await json<{ importId: string; created: boolean }>(await postJson(official, `${C()}/payments/imports`, { uploadId: up.uploadId }), expectCreated ? 202 : 200);
    return until(async () => json<ImportView>(await official.fetch(`${C()}/payments/imports/${started.importId}`), 200), finished);
  }
  const statuses = async () =>
    Object.fromEntries(
      (await database.db.select({ id: paymentStatuses.idNumber, status: paymentStatuses.status }).from(paymentStatuses).where(eq(paymentStatuses.campaignId, CAMPAIGN))).map((r) => [r.id, r.status]),
    );
  const everything = async () =>
    database.db.select().from(paymentStatuses).where(eq(paymentStatuses.campaignId, CAMPAIGN)).orderBy(paymentStatuses.idNumber);

  let firstImport: string;
  it('imports the roster, then a delivery matched to it by ID number: every status, a double payer counted once, a 15-digit number, a payer outside the roster', async () => {
    const up = await json<UploadView>(await uploadTo(`${C()}/hardship/uploads?list=roster`, '花名册.csv', csvOf(ROSTER_HEADER, ROSTER)), 201);
    const started = await json<{ importId: string }>(await postJson(official, `${C()}/hardship/imports`, { uploadId: up.uploadId, list: 'roster' }), 202);
    await until(async () => json<ImportView>(await official.fetch(`${C()}/hardship/imports/${started.importId}`), 200), finished);

    const done = await deliver(`逐人缴费明细-${Y}-11-05.csv`, FEED);
    expect(done).toMatchObject({ status: 'stored', list: 'payments', rowsStored: FEED.length, errorCount: 0 });
    firstImport = done.id;
    expect(await statuses()).toEqual(EXPECTED);

    const [k] = await database.db.select().from(paymentStatuses).where(and(eq(paymentStatuses.campaignId, CAMPAIGN), eq(paymentStatuses.idNumber, P.K.id)));
    // Paid twice: one person, both amounts, the latest deduction's tier, channel and date.
    expect(k).toMatchObject({ status: 'paid', amountFen: 48000, tierFen: 24000, channel: 'mobile', paidOn: `${Y}-11-02`, villageCode: V1, lastYearTierFen: 24000 });

    const overview = await json<{ current: { counts: Record<string, number>; notInRoster: number; verified: { paid: number; amountYuan: number; mobilePaid: number; mobileShare: number; asOf: string } } }>(
      await official.fetch(`${C()}/payments`),
      200,
    );
    expect(overview.current.counts).toMatchObject({ paid: 3, 'government-paid': 1, 'paid-elsewhere': 1, failed: 1, refunded: 1, unpaid: 4, 'not-in-roster': 1 });
    // Only successful deductions registered in the roster village count: A 180, K 480 (V1), C 120, L 180 (V2).
    expect(overview.current.verified).toEqual({ paid: 4, amountYuan: 960, mobilePaid: 2, mobileShare: 50, asOf: `${Y}-11-02` });
    const outside = await json<{ people: { name: string; idNumber: string }[] }>(await official.fetch(`${C()}/payments/outside-roster`), 200);
    expect(outside.people).toEqual([{ name: '孙*', idNumber: `${P.G.id.slice(0, 6)}********${P.G.id.slice(-4)}`, tierYuan: 180, channel: 'hall', paidOn: `${Y}-10-15` }]);
  });

  it('rolls the verified figures up village → town → county → campaign, equal to a plain SQL sum, shown beside the reported figures', async () => {
    const sqlSum = async (prefix: string) =>
      rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from payment_statuses where campaign_id = ${CAMPAIGN} and status in ('paid', 'government-paid') and village_code like ${`${prefix}%`}`),
      )[0].n;
    const verified = async (code: string) => (await database.db.select({ v: units.verifiedPaid }).from(units).where(and(eq(units.campaignId, CAMPAIGN), eq(units.code, code))))[0].v;
    for (const code of [V1, V2, V3, '440703001', '440703', '440704']) expect(await verified(code), code).toBe(await sqlSum(code.length === 6 ? code : code));
    expect(await verified(V1)).toBe(2);
    expect(await verified('440703')).toBe(4);
    expect(await verified('440704')).toBe(0);

    const detail = await json<CampaignDetail>(await official.fetch(`${C()}`), 200);
    expect(detail.verified).toMatchObject({ paid: 4, amountYuan: 960 });
    expect(detail.units.find((u) => u.code === '440703')!.verified).toEqual({ paid: 4, amountYuan: 960, mobilePaid: 2, mobileShare: 50, asOf: `${Y}-11-02` });
    const village = await json<UnitDetail>(await official.fetch(`${C()}/units/${V1}`), 200);
    expect(village.unit.verified).toMatchObject({ paid: 2, amountYuan: 660, mobilePaid: 2, mobileShare: 100 });
    expect(village.unit.progress.paid).toBe(0);
  });

  it('changes nothing when the same file is delivered again', async () => {
    const before = await everything();
    const [stateBefore] = await database.db.select().from(paymentState).where(eq(paymentState.campaignId, CAMPAIGN));
    const again = await deliver(`逐人缴费明细-${Y}-11-05.csv`, FEED, false);
    expect(again.id).toBe(firstImport);
    expect(await everything()).toEqual(before);
    const [stateAfter] = await database.db.select().from(paymentState).where(eq(paymentState.campaignId, CAMPAIGN));
    expect(stateAfter).toEqual(stateBefore);
  });

  it('refuses a delivery with a bad row whole, naming row, column, masked value and reason; the previous delivery stays current', async () => {
    const before = await everything();
    const bad = [
      ...FEED,
      [P.J.id, P.J.name, Y, '180', '', `${Y}-11-03`, '现金', '扣费成功', ''],
      [`${P.D.id.slice(0, 17)}0`, P.D.name, Y, '180', '', `${Y}-11-03`, '手机', '扣费成功', ''],
    ];
    const done = await deliver(`逐人缴费明细-${Y}-11-12.csv`, bad);
    expect(done).toMatchObject({ status: 'refused', rowsStored: 0, errorCount: 2 });
    expect(done.errors![0]).toEqual({ line: FEED.length + 2, column: '渠道', value: '现金', reason: '渠道无法识别：应为 手机、银行批扣、办税服务厅、政府代缴 之一' });
    expect(done.errors![1]).toMatchObject({ line: FEED.length + 3, column: '身份证号', value: `${P.D.id.slice(0, 6)}********${P.D.id.slice(14, 17)}0` });
    expect(done.errors![1].reason).toContain('校验');
    expect(JSON.stringify(done)).not.toContain(P.D.id.slice(0, 17));
    expect(await everything()).toEqual(before);
    expect((await database.db.select().from(paymentState).where(eq(paymentState.campaignId, CAMPAIGN)))[0].importId).toBe(firstImport);
  });

  /** The statuses as they are, and as a first delivery would write them afresh (in a transaction rolled back), without the delivery that wrote each. */
  const statusesAndFresh = async () => {
    const strip = (rows: (typeof paymentStatuses.$inferSelect)[]) => rows.map(({ importId: _, ...rest }) => rest);
    const now = strip(await everything());
    let fresh: ReturnType<typeof strip> = [];
    await database.db
      .transaction(async (tx) => {
        await tx.delete(paymentStatuses).where(eq(paymentStatuses.campaignId, CAMPAIGN));
        await refreshPayments(tx, CAMPAIGN);
        fresh = strip(await tx.select().from(paymentStatuses).where(eq(paymentStatuses.campaignId, CAMPAIGN)).orderBy(paymentStatuses.idNumber));
        tx.rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof TransactionRollbackError)) throw e;
      });
    return { now, fresh };
  };

  it('a later delivery replaces the snapshot: J pays, and the registers and figures follow; only what changed is written, and it equals a fresh match', async () => {
    const newcomer = { id: idOf('440106', '19900505', 301), name: '赵新' };
    const before = await everything();
    // J pays; B's failed deduction went through; G (outside the roster) is no longer in the delivery; a new payer outside the roster.
    const later = [
      ...FEED.filter((r) => r[0] !== P.G.id && r[0] !== P.B.id),
      [P.B.id, P.B.name, Y, '240', '', `${Y}-11-12`, '银行批扣', '扣费成功', ''],
      [P.J.id, P.J.name, Y, '180', '', `${Y}-11-18`, '手机', '扣费成功', ''],
      [newcomer.id, newcomer.name, Y, '180', '', `${Y}-11-17`, '手机', '扣费成功', ''],
    ];
    const done = await deliver(`逐人缴费明细-${Y}-11-19.csv`, later);
    expect(done.status).toBe('stored');
    const after = await statuses();
    expect(after).toMatchObject({ [P.J.id]: 'paid', [P.B.id]: 'paid', [newcomer.id]: 'not-in-roster' });
    expect(after[P.G.id]).toBeUndefined();
    const { now, fresh } = await statusesAndFresh();
    expect(now).toEqual(fresh);
    // Written by this delivery: J, B and the newcomer; everyone else's status is the row the first delivery wrote.
    const rewritten = (await everything()).filter((r) => r.importId === done.id).map((r) => r.idNumber);
    expect(rewritten.sort()).toEqual([P.B.id, P.J.id, newcomer.id].sort());
    expect((await everything()).filter((r) => r.importId !== done.id)).toEqual(before.filter((r) => ![P.B.id, P.J.id, P.G.id].includes(r.idNumber)));
    const v1 = await json<UnitDetail>(await official.fetch(`${C()}/units/${V1}`), 200);
    // A, K, J and now B.
    expect(v1.unit.verified).toMatchObject({ paid: 4, asOf: `${Y}-11-18` });
  });

  it('picks a delivery up from the tax inbox (the Schedule’s workflow), imports it whole, and changes nothing for the same file again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payments-inbox-'));
    try {
      const rows = [...FEED, [P.J.id, P.J.name, Y, '180', '', `${Y}-11-18`, '手机', '扣费成功', ''], [P.F.id, P.F.name, Y, '180', '', `${Y}-11-19`, '银行批扣', '扣费失败', '']];
      const name = `${CAMPAIGN}__payments__逐人缴费明细-${Y}-11-26.csv`;
      await writeFile(join(dir, name), csvOf(FEED_HEADER, rows));
      const run = () => env.client.workflow.execute('taxFeedInboxWorkflow', { taskQueue: worker.options.taskQueue, workflowId: `inbox-${CAMPAIGN}-${Date.now()}`, args: [{ dir }] });
      const first = (await run()) as TaxInboxScanResult;
      expect(first.payments).toEqual([expect.objectContaining({ file: name, campaignId: CAMPAIGN, created: true, status: 'stored' })]);
      expect(await readdir(join(dir, 'processed'))).toEqual([name]);
      expect(await statuses()).toMatchObject({ [P.F.id]: 'failed', [P.B.id]: 'failed', [P.G.id]: 'not-in-roster' });
      const { now, fresh } = await statusesAndFresh();
      expect(now).toEqual(fresh);
      const before = await everything();
      await writeFile(join(dir, name), csvOf(FEED_HEADER, rows));
      const again = (await run()) as TaxInboxScanResult;
      expect(again.payments).toEqual([expect.objectContaining({ importId: first.payments![0].importId, created: false })]);
      expect(await everything()).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never lets a county fall from its own complete report to a partial sum of its towns (3,200 vs 2 of its towns, 1,450)', async () => {
    const at = Date.now();
    const figures = (enrolled: number, paid: number) => ({ enrolled, paid, amountFen: paid * 18000, mobilePaid: 0, hardshipCovered: 0 });
    const report = (unitCode: string, periodKey: string, f: ReturnType<typeof figures>) =>
      recordReport(database.db, { id: `${CAMPAIGN}/${unitCode}/${periodKey}`, campaignId: CAMPAIGN, unitCode, periodKey, revision: 1, figures: f, late: false, source: 'api', actor: '测试', note: null, at });
    await report('440703', '2026-11-01', figures(3200, 1180));
    const before = await json<CampaignDetail>(await official.fetch(`${C()}`), 200);
    const county = () => before.units.find((u) => u.code === '440703')!;
    expect(county().progress.enrolled).toBe(3200);
    await report('440703001', '2026-11-15', figures(800, 300));
    await report('440703002', '2026-11-15', figures(650, 250));
    const after = await json<CampaignDetail>(await official.fetch(`${C()}`), 200);
    const c = after.units.find((u) => u.code === '440703')!;
    expect(c.progress).toMatchObject({ enrolled: 3200, paid: 1180 });
    expect(c.rollup.rule).toBe('own-first');
    expect(c.rollup.source).toBe('own');
    expect(c.rollup.own).toMatchObject({ periodKey: '2026-11-01', figures: { enrolled: 3200, paid: 1180 } });
    expect(c.rollup.children).toMatchObject({ figures: { enrolled: 1450, paid: 550 }, reported: 2, of: c.childCount });
    expect(c.rollup.verified).toMatchObject({ paid: 5 });
    expect(after.progress.enrolled).toBeGreaterThanOrEqual(before.progress.enrolled);
    expect(after.progress.paid).toBeGreaterThanOrEqual(before.progress.paid);
  });

  let refB: string;
  it('gives a clerk their village’s registers masked, with last year’s tier, as JSON and XLSX', async () => {
    const unpaid = await json<RegisterPage>(await clerkV1.fetch(`${C()}/units/${V1}/registers/unpaid`), 200);
    expect(unpaid.total).toBe(1);
    expect(unpaid.rows).toEqual([expect.objectContaining({ name: '李*', idNumber: `${P.B.id.slice(0, 6)}********${P.B.id.slice(-4)}`, status: 'failed', lastYearTierYuan: 240, visit: null })]);
    refB = unpaid.rows[0].ref;
    const paid = await json<RegisterPage>(await clerkV1.fetch(`${C()}/units/${V1}/registers/paid`), 200);
    expect(paid.rows.map((r) => r.name).sort()).toEqual(['冯*一', '郑*', '陈*'].sort());
    const text = JSON.stringify([unpaid, paid]);
    for (const p of [P.A, P.B, P.J, P.K]) {
      expect(text).not.toContain(p.id);
      expect(text).not.toContain(p.name);
    }
    const xlsx = await clerkV1.fetch(`${C()}/units/${V1}/registers/unpaid.xlsx`);
    expect(xlsx.status).toBe(200);
    const sheet = strFromU8(unzipSync(new Uint8Array(await xlsx.arrayBuffer()))['xl/worksheets/sheet1.xml']);
    expect(sheet).toContain('李*');
    expect(sheet).toContain('未缴费人员清册');
    expect(sheet).not.toContain(P.B.id);
    expect(sheet).not.toContain(P.B.name);
    // Another village's clerk is refused (as not found) and the refusal is audited.
    expect((await clerkV2.fetch(`${C()}/units/${V1}/registers/unpaid`)).status).toBe(404);
  });

  it('records a visit outcome for the clerk’s own village only, audited', async () => {
    const recorded = await json<{ outcome: string }>(await postJson(clerkV1, `${C()}/units/${V1}/visits`, { ref: refB, outcome: 'promised' }), 201);
    expect(recorded.outcome).toBe('promised');
    const unpaid = await json<RegisterPage>(await clerkV1.fetch(`${C()}/units/${V1}/registers/unpaid`), 200);
    expect(unpaid.rows[0].visit).toMatchObject({ outcome: 'promised' });
    // The visit's day is Beijing's, not UTC's (at 05:39 Beijing the UTC date is still yesterday's).
    const v = unpaid.rows[0].visit!;
    expect(v.date).toBe(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(v.at)));
    // A clerk of another village: refused on V1's route, and V1's person is not on their own roster.
    expect((await postJson(clerkV2, `${C()}/units/${V1}/visits`, { ref: refB, outcome: 'refused' })).status).toBe(404);
    expect((await postJson(clerkV2, `${C()}/units/${V2}/visits`, { ref: refB, outcome: 'refused' })).status).toBe(404);
    expect((await postJson(clerkV1, `${C()}/units/${V1}/visits`, { ref: refB, outcome: 'gone' })).status).toBe(400);
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.actorUsername, clerkV2.account.username));
    expect(audited.some((a) => a.action === 'authz.denied')).toBe(true);
    const byClerk = await database.db.select().from(auditLog).where(eq(auditLog.actorUsername, clerkV1.account.username));
    expect(byClerk.filter((a) => a.action === 'visit.record').map((a) => a.result)).toContain('success');
    // The unpaid register of V3 holds E (refunded), F; I paid elsewhere is on the paid register.
    const v3 = await json<RegisterPage>(await official.fetch(`${C()}/units/${V3}/registers/paid`), 200);
    expect(v3.rows.map((r) => r.status)).toEqual(['paid-elsewhere']);
    expect(OUTSIDE).toHaveLength(12);
  });

  it('serialises the refreshes of one campaign: a refresh begun while a delivery’s swap is still open waits for it, then matches what it committed', async () => {
    // A roster swap and a delivery's swap hold different locks; each refreshes the statuses. The second
    // must see the first's delivery, or it writes its figures over the new ones from the old delivery.
    const [cur] = rowsOf<{ importId: string }>(await database.db.execute(sql`select import_id as "importId" from current_lists where campaign_id = ${CAMPAIGN} and list_key = 'payments'`));
    const next = `${cur.importId}-next`;
    // The next delivery: the current one without A's deduction (A is on the roster by an 18-digit number, delivered by a 15-digit one).
    await database.db.execute(sql`insert into payment_rows select ${next}, line, id_number, name, pay_year, tier_fen, amount_fen, paid_on, channel, status, insured_region from payment_rows where import_id = ${cur.importId} and id_number <> ${P.A.id}`);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let swapped!: () => void;
    const refreshed = new Promise<void>((r) => (swapped = r));
    const order: string[] = [];
    const first = database.db.transaction(async (tx) => {
      await tx.execute(sql`update current_lists set import_id = ${next} where campaign_id = ${CAMPAIGN} and list_key = 'payments'`);
      await refreshPayments(tx, CAMPAIGN);
      swapped();
      await held;
      order.push('first');
    });
    await refreshed;
    const second = database.db.transaction((tx) => refreshPayments(tx, CAMPAIGN)).then(() => order.push('second'));
    await new Promise((r) => setTimeout(r, 500));
    expect(order).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    const [state] = await database.db.select().from(paymentState).where(eq(paymentState.campaignId, CAMPAIGN));
    expect(state.importId).toBe(next);
    expect((await statuses())[P.A.id]).toBe('unpaid');
    const { now, fresh } = await statusesAndFresh();
    expect(now).toEqual(fresh);
    const [sum] = rowsOf<{ paid: number }>(await database.db.execute(sql`select count(*)::int as paid from payment_statuses where campaign_id = ${CAMPAIGN} and status in ('paid', 'government-paid')`));
    expect(state.paid).toBe(sum.paid);
  });
});
