// The tax feed import on both databases: all or nothing, a file imported once, newer figures never
// overwritten by an older feed, and the inbox folder emptied into processed/ and failed/. The upload
// endpoint runs in-process on a real Express app with the project's error middleware.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { createTaxFeedActivities } from '../../activities/taxFeed';
import type { TaxFeedInvalidDetails } from '../../contracts/taxFeed';
import { openDatabase, type Database } from '../../db/client';
import { campaigns, taxFeedImports, taxFeedRows, units } from '../../db/schema';
import { newCampaignRow } from '../../server/campaigns/service';
import { ServiceError } from '../../services/errors';
import { importTaxFeed } from '../../services/taxFeed';
import { Client, Connection } from '@temporalio/client';
import { startTestApp } from '../support/app';
import { createAccount, signIn, type ApiClient } from '../support/auth';
import { jiangmenPlan } from '../support/plans';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const CAMPAIGN = 'tax-feed-test';
const plan = jiangmenPlan(CAMPAIGN);

const HEADER = '单位代码,单位名称,缴费人数,缴费金额,统计日期';
const csv = (...rows: string[]) => [HEADER, ...rows, ''].join('\r\n');
const utf8 = (text: string) => new TextEncoder().encode(text);

describe.each(['pglite', 'postgres'] as const)('tax feed on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  let acts: ReturnType<typeof createTaxFeedActivities>;
  const dirs: string[] = [];

  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    expect(database.kind).toBe(kind);
    await database.db.insert(campaigns).values(newCampaignRow(plan, '测试'));
    await createDbActivities(database.db).materialiseCampaign(CAMPAIGN);
    acts = createTaxFeedActivities(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const unit = async (code: string) => {
    const [u] = await database.db
      .select({ taxPaid: units.taxPaid, taxAmountFen: units.taxAmountFen, taxAsOf: units.taxAsOf })
      .from(units)
      .where(and(eq(units.campaignId, CAMPAIGN), eq(units.code, code)));
    return u;
  };
  const counts = async () => {
    const [{ imports }] = await database.db.select({ imports: sql<number>`count(*)::int` }).from(taxFeedImports);
    const [{ rows }] = await database.db.select({ rows: sql<number>`count(*)::int` }).from(taxFeedRows);
    return { imports, rows };
  };
  const importText = (fileName: string, text: string) => importTaxFeed(database.db, { campaignId: CAMPAIGN, fileName, bytes: utf8(text), source: 'upload', actor: '张科员' });

  it('imports a file all at once, sets the units figures, and imports the same file only once', async () => {
    const first = await importText('week45.csv', csv('440703,蓬江区,"12,345",1234567.89,2031-11-06', '440704,江海区,800,96000,2031-11-06', '440703001,环市街道,12,0.1,2031-11-05'));
    expect(first).toMatchObject({ status: 'imported', rows: 3, asOf: '2031-11-06', encoding: 'utf-8', unitsUpdated: 3 });
    expect(first.importId).toMatch(/^[0-9a-f]{64}$/);
    expect(await unit('440703')).toEqual({ taxPaid: 12345, taxAmountFen: 123456789, taxAsOf: '2031-11-06' });
    expect(await unit('440703001')).toEqual({ taxPaid: 12, taxAmountFen: 10, taxAsOf: '2031-11-05' });
    const [imp] = await database.db.select().from(taxFeedImports).where(eq(taxFeedImports.id, first.importId));
    expect(imp).toMatchObject({ campaignId: CAMPAIGN, fileName: 'week45.csv', rows: 3, asOf: '2031-11-06', source: 'upload', actor: '张科员', encoding: 'utf-8' });
    const rows = await database.db.select().from(taxFeedRows).where(eq(taxFeedRows.importId, first.importId));
    expect(rows.map((r) => [r.unitCode, r.paid, r.amountFen, r.asOf]).sort()).toEqual([
      ['440703', 12345, 123456789, '2031-11-06'],
      ['440703001', 12, 10, '2031-11-05'],
      ['440704', 800, 9600000, '2031-11-06'],
    ]);

    const before = await counts();
    const again = await importTaxFeed(database.db, { campaignId: CAMPAIGN, fileName: '改了名字.csv', bytes: utf8(csv('440703,蓬江区,"12,345",1234567.89,2031-11-06', '440704,江海区,800,96000,2031-11-06', '440703001,环市街道,12,0.1,2031-11-05')), source: 'upload', actor: '李科员' });
    expect(again).toEqual({ importId: first.importId, status: 'duplicate', rows: 3, asOf: '2031-11-06', encoding: 'utf-8', unitsUpdated: 0 });
    expect(await counts()).toEqual(before);
  });

  it('writes nothing for a file with one bad row, and leaves the earlier import intact', async () => {
    const before = await counts();
    const unitBefore = await unit('440703');
    const err = await importText('bad.csv', csv('440703,蓬江区,99999,1,2031-11-20', '440705,新会区,1,12.345,2031-11-20')).catch((e) => e);
    // A ServiceError: the route answers it as a 400 listing the errors; the inbox pickup writes them beside the file.
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ type: 'TaxFeedInvalid', status: 400 });
    const details = err.details as TaxFeedInvalidDetails;
    expect(details.errors).toEqual([{ file: 'bad.csv', line: 3, column: '缴费金额', value: '12.345', reason: '缴费金额最多保留两位小数（精确到分）' }]);
    expect(await counts()).toEqual(before);
    expect(await unit('440703')).toEqual(unitBefore);
  });

  it('never lets an older feed overwrite newer figures; the same day again is a correction', async () => {
    await importText('w46.csv', csv('440781,台山市,500,50000,2031-11-13'));
    const older = await importText('w45-late.csv', csv('440781,台山市,400,40000,2031-11-06', '440783,开平市,300,30000,2031-11-06'));
    expect(older).toMatchObject({ status: 'imported', unitsUpdated: 1, asOf: '2031-11-06' });
    expect(await unit('440781')).toEqual({ taxPaid: 500, taxAmountFen: 5000000, taxAsOf: '2031-11-13' });
    expect(await unit('440783')).toEqual({ taxPaid: 300, taxAmountFen: 3000000, taxAsOf: '2031-11-06' });
    const corrected = await importText('w46-fix.csv', csv('440781,台山市,510,51000.5,2031-11-13'));
    expect(corrected.unitsUpdated).toBe(1);
    expect(await unit('440781')).toEqual({ taxPaid: 510, taxAmountFen: 5100050, taxAsOf: '2031-11-13' });
  });

  it('records the encoding of a GBK file and refuses an unknown campaign', async () => {
    const gbk = iconv.encode(csv('440784,鹤山市,1,1,2031年11月6日'), 'gbk');
    const r = await importTaxFeed(database.db, { campaignId: CAMPAIGN, fileName: 'gbk.csv', bytes: gbk, source: 'upload', actor: 'x' });
    expect(r).toMatchObject({ status: 'imported', encoding: 'gb18030', asOf: '2031-11-06' });
    await expect(importTaxFeed(database.db, { campaignId: 'no-such', fileName: 'a.csv', bytes: utf8(csv()), source: 'upload', actor: 'x' })).rejects.toMatchObject({
      type: 'CampaignNotFound',
      status: 404,
    });
  });

  it('empties the inbox: imported and duplicate files to processed/, refused ones to failed/ with an errors file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tax-inbox-'));
    dirs.push(dir);
    const good = csv('440785,恩平市,70,7000,2031-11-06');
    await writeFile(join(dir, `${CAMPAIGN}__恩平-2031-11-06.csv`), good);
    await writeFile(join(dir, `${CAMPAIGN}__bad.csv`), csv('440785,恩平市,-1,1,2031-11-06', '123,无,1,1,2031-11-06'));
    await writeFile(join(dir, 'no-such-campaign__x.csv'), good);
    await writeFile(join(dir, 'no-prefix.csv'), good);
    await writeFile(join(dir, 'readme.txt'), '不是 CSV');
    await writeFile(join(dir, `${CAMPAIGN}__writing.csv.part`), good);
    await mkdir(join(dir, 'archive'));
    await writeFile(join(dir, 'archive', `${CAMPAIGN}__old.csv`), good);
    // Imported before a crash, not yet moved: found again as a duplicate.
    const crashed = csv('440784,鹤山市,2,2,2031-11-07');
    await importText(`${CAMPAIGN}__crashed.csv`, crashed);
    await writeFile(join(dir, `${CAMPAIGN}__crashed.csv`), crashed);

    const result = await acts.scanTaxInbox({ dir });
    expect(result.imported).toEqual([
      { file: `${CAMPAIGN}__恩平-2031-11-06.csv`, campaignId: CAMPAIGN, importId: expect.any(String), rows: 1, asOf: '2031-11-06', unitsUpdated: 1 },
    ]);
    expect(result.duplicates.map((d) => d.file)).toEqual([`${CAMPAIGN}__crashed.csv`]);
    expect(result.failed.map((f) => [f.file, f.campaignId, f.errorCount])).toEqual([
      ['no-prefix.csv', null, 1],
      ['no-such-campaign__x.csv', 'no-such-campaign', 1],
      [`${CAMPAIGN}__bad.csv`, CAMPAIGN, 2],
    ]);

    expect((await readdir(dir)).sort()).toEqual(['archive', 'failed', 'processed', 'readme.txt', `${CAMPAIGN}__writing.csv.part`].sort());
    expect((await readdir(join(dir, 'archive')))).toEqual([`${CAMPAIGN}__old.csv`]);
    expect((await readdir(join(dir, 'processed'))).sort()).toEqual([`${CAMPAIGN}__crashed.csv`, `${CAMPAIGN}__恩平-2031-11-06.csv`].sort());
    expect((await readdir(join(dir, 'failed'))).sort()).toEqual(
      [`${CAMPAIGN}__bad.csv`, `${CAMPAIGN}__bad.csv.errors.txt`, 'no-prefix.csv', 'no-prefix.csv.errors.txt', 'no-such-campaign__x.csv', 'no-such-campaign__x.csv.errors.txt'].sort(),
    );
    const errorsTxt = await readFile(join(dir, 'failed', `${CAMPAIGN}__bad.csv.errors.txt`), 'utf8');
    expect(errorsTxt.trimEnd().split('\n')).toEqual([
      `${CAMPAIGN}__bad.csv 第 2 行 “缴费人数”列，值“-1”：缴费人数不能为负数`,
      `${CAMPAIGN}__bad.csv 第 3 行 “单位代码”列，值“123”：单位代码应为 6、9 或 12 位数字的区划代码`,
    ]);
    expect(await readFile(join(dir, 'failed', 'no-such-campaign__x.csv.errors.txt'), 'utf8')).toContain('征缴活动 no-such-campaign 不存在');
    expect(await readFile(join(dir, 'failed', 'no-prefix.csv.errors.txt'), 'utf8')).toContain('文件名应为');
    expect(await unit('440785')).toEqual({ taxPaid: 70, taxAmountFen: 700000, taxAsOf: '2031-11-06' });

    // Nothing left to do; a file of the same name later does not overwrite the one processed before.
    expect(await acts.scanTaxInbox({ dir })).toEqual({ imported: [], duplicates: [], failed: [] });
    await writeFile(join(dir, `${CAMPAIGN}__恩平-2031-11-06.csv`), good);
    expect((await acts.scanTaxInbox({ dir })).duplicates).toHaveLength(1);
    expect((await readdir(join(dir, 'processed'))).sort()).toEqual([`${CAMPAIGN}__crashed.csv`, `${CAMPAIGN}__恩平-2031-11-06.1.csv`, `${CAMPAIGN}__恩平-2031-11-06.csv`].sort());
  });

  it('refuses an inbox file over 5 MiB before reading it, into failed/ with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tax-inbox-big-'));
    dirs.push(dir);
    const name = `${CAMPAIGN}__过大.csv`;
    await writeFile(join(dir, name), Buffer.alloc(5 * 1024 * 1024 + 1, 0x31));
    const before = await counts();
    const result = await acts.scanTaxInbox({ dir });
    expect(result.imported).toEqual([]);
    expect(result.failed).toEqual([
      {
        file: name,
        campaignId: CAMPAIGN,
        errorCount: 1,
        errors: [{ file: name, line: null, column: null, value: null, reason: '文件大小 5242881 字节，超过 5 MiB（5242880 字节）上限；请按区县拆分后分别提交' }],
        errorsFile: join(dir, 'failed', `${name}.errors.txt`),
      },
    ]);
    expect((await readdir(join(dir, 'failed'))).sort()).toEqual([name, `${name}.errors.txt`].sort());
    expect(await counts()).toEqual(before);
  });

  describe('upload endpoint', () => {
    let api: ApiClient;
    let close: () => Promise<void>;
    beforeAll(async () => {
      // The app as it runs, without a reachable Temporal (the upload imports in the request; the
      // inbox Schedule's state is then left out).
      const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
      const t = await startTestApp({ database, client, taskQueue: 'tax-feed-test' });
      api = await signIn(t.origin, await createAccount(t.auth, 'official', '440700', { username: 'taxup', displayName: '税务对接' }));
      close = t.close;
    });
    afterAll(() => close?.());

    const post = (campaignId: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
      api.fetch(`/api/campaigns/${campaignId}/tax-feed`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/csv', 'X-File-Name': encodeURIComponent('开平-2031-11-20.csv'), ...headers },
        body,
      });
    const fetch = (url: string) => api.fetch(url.replace(/^https?:\/\/[^/]+/, ''));
    const base = '';

    it('imports with 201, answers a duplicate with 200, and lists the imports', async () => {
      const text = '单位代码,缴费人数,缴费金额\n440783,333,33300\n';
      // Recorded under the signed-in user's name.
      const created = await post(CAMPAIGN, text);
      expect(created.status).toBe(201);
      const body = await created.json();
      expect(body).toMatchObject({ status: 'imported', rows: 1, asOf: '2031-11-20', encoding: 'utf-8' });
      const dup = await post(CAMPAIGN, text, { 'Content-Type': 'application/octet-stream' });
      expect(dup.status).toBe(200);
      expect(await dup.json()).toMatchObject({ status: 'duplicate', importId: body.importId });
      expect(await unit('440783')).toEqual({ taxPaid: 333, taxAmountFen: 3330000, taxAsOf: '2031-11-20' });

      const list = await fetch(`${base}/api/campaigns/${CAMPAIGN}/tax-feed`);
      expect(list.status).toBe(200);
      const { imports, inbox } = await list.json();
      expect(inbox).toBeNull();
      expect(imports[0]).toMatchObject({ id: body.importId, fileName: '开平-2031-11-20.csv', actor: '税务对接(taxup)', source: 'upload', rows: 1 });
      const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(taxFeedImports).where(eq(taxFeedImports.campaignId, CAMPAIGN));
      expect(imports).toHaveLength(n);
    });

    it('answers an invalid file with 400 problem+json listing every error, and writes nothing', async () => {
      const before = await counts();
      const res = await post(CAMPAIGN, '单位代码,缴费人数,缴费金额\n440783,1,1\n440783,x,1\n', { 'X-File-Name': 'bad-2031-11-20.csv' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = await res.json();
      expect(problem).toMatchObject({ type: 'urn:problem:invalid-request', status: 400, title: '请求无效' });
      expect(problem.detail).toContain('2 处错误');
      expect(problem.errors).toEqual([
        { file: 'bad-2031-11-20.csv', line: 3, column: '单位代码', value: '440783', reason: '单位代码重复：第 2 行已有该单位的数据' },
        { file: 'bad-2031-11-20.csv', line: 3, column: '缴费人数', value: 'x', reason: expect.stringContaining('缴费人数应为非负整数') },
      ]);
      expect(await counts()).toEqual(before);
    });

    it('answers 404 for an unknown campaign, 415 for another content type, 413 over 5 MiB', async () => {
      expect((await post('no-such', 'a,b\n')).status).toBe(404);
      expect((await fetch(`${base}/api/campaigns/no-such/tax-feed`)).status).toBe(404);
      const wrongType = await post(CAMPAIGN, '{}', { 'Content-Type': 'application/json' });
      expect(wrongType.status).toBe(415);
      const tooBig = await post(CAMPAIGN, new Uint8Array(5 * 1024 * 1024 + 1).fill(0x31));
      expect(tooBig.status).toBe(413);
      expect((await tooBig.json()).detail).toContain('5 MiB');
    });
  });

  it('rolls the import and its rows back when the units update fails inside the transaction', async () => {
    // The database fails after the import and its rows were inserted: none of them may stick.
    const db = database.db;
    const faulty = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
        return (fn: (tx: unknown) => Promise<unknown>) =>
          target.transaction((tx) =>
            fn(
              new Proxy(tx, {
                get(t, p, r) {
                  if (p === 'update') return () => { throw new Error('connection lost'); };
                  return Reflect.get(t, p, r);
                },
              }),
            ),
          );
      },
    });
    const codes = (await db.select({ code: units.code }).from(units).where(and(eq(units.campaignId, CAMPAIGN), inArray(units.level, ['county', 'town'])))).map((u) => u.code);
    const text = csv(...codes.map((c) => `${c},x,1,1,2031-12-01`));
    const before = await counts();
    await expect(importTaxFeed(faulty, { campaignId: CAMPAIGN, fileName: 'all.csv', bytes: utf8(text), source: 'upload', actor: 'x' })).rejects.toThrow('connection lost');
    expect(await counts()).toEqual(before);
    // The retry finds nothing half-done and imports the file whole.
    expect(await importText('all.csv', text)).toMatchObject({ status: 'imported', rows: codes.length, unitsUpdated: codes.length });
    const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(units).where(and(eq(units.campaignId, CAMPAIGN), eq(units.taxAsOf, '2031-12-01')));
    expect(n).toBe(codes.length);
  });
});
