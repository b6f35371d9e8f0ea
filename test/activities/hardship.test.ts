// Hardship imports and screening on both databases, on a dataset whose right answers are known
// (test/support/hardshipData.ts): every outcome, a person on two lists (once by a legacy 15-digit
// number), the amounts of the Jiangmen policy, a refused file that leaves the stored list untouched, the
// same list as UTF-8, UTF-8 with BOM, GBK and XLSX, a second list version (动态清零) with its changes,
// and screening and import resumed from a heartbeat after an interruption with the same result.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { createListImportActivities } from '../../activities/listImport';
import { createScreeningActivities } from '../../activities/screening';
import type { ImportHeartbeat, ScreeningHeartbeat } from '../../contracts/hardship';
import { openDatabase, type Database } from '../../db/client';
import { campaigns, currentLists, hardshipRows, importErrors, listImports, rosterRows, screeningResults, screeningSummaries, uploads } from '../../db/schema';
import type { Plan } from '../../domain/plan';
import { newCampaignRow } from '../../server/campaigns/service';
import { sqlStateOf } from '../../services/hardship/listImport';
import { removedSince } from '../../services/hardship/screening';
import { cleanUploads, prepareImport, storeUpload } from '../../services/hardship/uploads';
import type { StartImportRequest } from '../../contracts/api/hardship';
import { xlsxBytes } from '../../formats/xlsxWriter';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { A15, csvOf, DIBAO_V1, DIBAO_V2, EXPECTED_RUN1, idOf, LIST_HEADER, P, ROSTER, ROSTER_HEADER, SEVERE, TEKUN, V1, V2 } from '../support/hardshipData';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const CAMPAIGN = 'hardship-test';
const plan = jiangmenPlan(CAMPAIGN);

type ImportBody = Omit<StartImportRequest, 'screenAfter' | 'actor'> & { screenAfter?: boolean; actor?: string };

describe.each(['pglite', 'postgres'] as const)('hardship screening on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  let uploadDir: string;
  let imports: ReturnType<typeof createListImportActivities>;
  let screening: ReturnType<typeof createScreeningActivities>;
  let runSeq = 0;

  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    uploadDir = await mkdtemp(join(tmpdir(), 'hardship-test-'));
    await database.db.insert(campaigns).values(newCampaignRow(plan, '测试'));
    await createDbActivities(database.db).materialiseCampaign(CAMPAIGN);
    imports = createListImportActivities(database.db, { uploadDir });
    screening = createScreeningActivities(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  const store = () => ({ uploadDir });
  async function importFile(fileName: string, bytes: Uint8Array, body: Omit<ImportBody, 'uploadId'>) {
    const upload = await storeUpload(database.db, store(), { campaignId: CAMPAIGN, list: body.list, fileName, source: Readable.from([Buffer.from(bytes)]) });
    const prepared = await prepareImport(database.db, store(), CAMPAIGN, { screenAfter: false, actor: '测试员', ...body, uploadId: upload.uploadId });
    return { upload, ...prepared, result: await imports.importList({ importId: prepared.importId }) };
  }
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const dibao = { list: 'hardship' as const, category: 'dibao' as const, department: '民政局', listDate: '2031-09-01' };
  async function screen(scope: string | null = null) {
    const runId = `${CAMPAIGN}.run${++runSeq}`;
    await screening.beginScreening({ runId, campaignId: CAMPAIGN, scope, actor: '测试员', workflowId: `wf-${runId}` });
    await screening.screenPeople({ runId });
    return screening.finishScreening({ runId });
  }
  const resultsOf = async (runId: string) =>
    database.db.select().from(screeningResults).where(eq(screeningResults.runId, runId)).orderBy(asc(screeningResults.idNumber));

  it('refuses a roster with bad rows whole, naming row, column, masked value and reason', async () => {
    const bad = [
      ...ROSTER.slice(0, 3),
      [`${P.K.id.slice(0, 17)}${P.K.id[17] === '0' ? '1' : '0'}`, '坏校验', V1, '已参保', '180', '', '', '否'],
      [idOf('440703', '19800101', 201), '坏村码', '4407030010', '已参保', '', '', '', '否'],
      [idOf('440703', '19800101', 202), '坏状态', V1, '在外务工', '', '', '', '否'],
      [idOf('440703', '19800101', 203), '坏档次', V1, '已参保', '150', '', '', '否'],
      [P.A.id, '重复的人', V1, '已参保', '180', '', '', '否'],
    ];
    const { result, importId } = await importFile('坏花名册.csv', utf8(csvOf(ROSTER_HEADER, bad)), { list: 'roster' });
    expect(result).toMatchObject({ status: 'refused', errorCount: 5, rowsStored: 0, version: null });
    const errors = await database.db.select().from(importErrors).where(eq(importErrors.importId, importId)).orderBy(asc(importErrors.line));
    const wrong = P.K.id[17] === '0' ? '1' : '0';
    expect(errors.map((e) => [e.line, e.column, e.value, e.reason])).toEqual([
      [5, '身份证号', `${P.K.id.slice(0, 6)}********${P.K.id.slice(14, 17)}${wrong}`, `校验码错误：按前17位计算，第18位应为“${P.K.id[17]}”，实际为“${wrong}”；请核对号码是否录错`],
      [6, '户籍地行政区划代码', '4407030010', '户籍地行政区划代码应为 12 位数字（村、社区级）'],
      [7, '参保状态', '在外务工', '参保状态无法识别：应为 已参保、未参保、暂停/终止 或 死亡'],
      [8, '本年缴费档次', '150', '缴费档次 150 元不在本年方案的档次中'],
      [9, '身份证号', `${P.A.id.slice(0, 6)}********${P.A.id.slice(14)}`, '身份证号与第 2 行重复（同一名单中每人只能出现一次）'],
    ]);
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(rosterRows).where(eq(rosterRows.importId, importId));
    expect(n).toBe(0);
    expect(await database.db.select().from(currentLists).where(eq(currentLists.campaignId, CAMPAIGN))).toEqual([]);
  });

  it('stores the roster and the lists; the same list reads the same from UTF-8, BOM, GBK and XLSX', async () => {
    const roster = await importFile('花名册.csv', utf8(csvOf(ROSTER_HEADER, ROSTER)), { list: 'roster' });
    expect(roster.result).toMatchObject({ status: 'stored', rowsTotal: ROSTER.length, rowsStored: ROSTER.length, version: 1 });
    // The uploaded file (names and ID numbers) is not kept once its import is decided.
    expect(existsSync(join(uploadDir, roster.upload.uploadId))).toBe(false);
    await expect(prepareImport(database.db, store(), CAMPAIGN, { list: 'roster', uploadId: roster.upload.uploadId, screenAfter: true, actor: '测试员' })).rejects.toThrow('服务器不再保留');
    const j = await database.db.select().from(rosterRows).where(and(eq(rosterRows.importId, roster.importId), eq(rosterRows.idNumber, P.J.id)));
    expect(j).toHaveLength(1); // lowercase x normalised (or a digit): stored as the canonical number

    const variants: [string, Uint8Array][] = [
      ['特困-utf8.csv', utf8(csvOf(LIST_HEADER, TEKUN))],
      ['特困-bom.csv', utf8(`\uFEFF${csvOf(LIST_HEADER, TEKUN)}`)],
      ['特困-gbk.csv', iconv.encode(csvOf(LIST_HEADER, TEKUN), 'gbk')],
      ['特困.xlsx', xlsxBytes([{ name: '名单', rows: [['江门市特困人员名单(2031年9月)'], LIST_HEADER, ...TEKUN] }])],
    ];
    const stored: string[][][] = [];
    for (const [name, bytes] of variants) {
      const r = await importFile(name, bytes, { list: 'hardship', category: 'tekun', department: `民政局-${name}`, listDate: '2031-09-01' });
      expect(r.result, name).toMatchObject({ status: 'stored', rowsStored: 2 });
      const rows = await database.db.select().from(hardshipRows).where(eq(hardshipRows.importId, r.importId)).orderBy(asc(hardshipRows.idNumber));
      stored.push(rows.map((x) => [x.idNumber, x.name, x.category, x.birthDate]));
    }
    expect(stored[1]).toEqual(stored[0]);
    expect(stored[2]).toEqual(stored[0]);
    expect(stored[3]).toEqual(stored[0]);
    // Keep one tekun list: the other three departments' versions are dropped from the campaign.
    await database.db.delete(currentLists).where(and(eq(currentLists.campaignId, CAMPAIGN), sql`${currentLists.listKey} <> 'roster' and ${currentLists.listKey} <> 'hardship:tekun:民政局-特困-utf8.csv'`));

    expect((await importFile('低保.csv', utf8(csvOf(LIST_HEADER, DIBAO_V1)), dibao)).result).toMatchObject({ status: 'stored', version: 1 });
    expect((await importFile('重度残疾.csv', utf8(csvOf(LIST_HEADER, SEVERE)), { list: 'hardship', category: 'severe-disability', department: '残联', listDate: '2031-09-05' })).result).toMatchObject({
      status: 'stored',
      rowsStored: 4,
    });
    const legacy = await database.db.select({ id: hardshipRows.idNumber }).from(hardshipRows).where(eq(hardshipRows.idNumber, P.A.id));
    expect(legacy.length).toBeGreaterThanOrEqual(2); // the 15-digit A15 stored as A's 18-digit number
    expect(A15).toHaveLength(15);
  });

  it('a refused new version leaves the stored version of that list current', async () => {
    const before = await database.db.select().from(currentLists).where(eq(currentLists.listKey, 'hardship:dibao:民政局'));
    const r = await importFile('低保-有错.csv', utf8(csvOf(LIST_HEADER, [...DIBAO_V2, ['', '无号码']])), dibao);
    expect(r.result).toMatchObject({ status: 'refused', errorCount: 1 });
    expect(await database.db.select().from(currentLists).where(eq(currentLists.listKey, 'hardship:dibao:民政局'))).toEqual(before);
  });

  let run1: string;
  it('screens every listed person once, with the right outcome and amounts', async () => {
    const r = await screen();
    run1 = r.runId;
    expect(r.counts).toEqual({ listed: 10, covered: 3, toMobilise: 2, ineligible: 5, refused: 0, govPaidFen: 36000 });
    expect(r.changes).toMatchObject({ previousRunId: null, added: 10, removed: 0 });
    const rows = await resultsOf(run1);
    const got = Object.fromEntries(
      rows.map((x) => [x.idNumber, { outcome: x.outcome, reason: x.reason, categories: x.categories, village: x.villageCode, tierFen: x.tierFen, govPaidFen: x.govPaidFen, personalFen: x.personalFen, subsidyFen: x.subsidyFen }]),
    );
    expect(got).toEqual(EXPECTED_RUN1);
    const summaries = Object.fromEntries(
      (await database.db.select().from(screeningSummaries).where(eq(screeningSummaries.runId, run1))).map((s) => [s.unitCode, [s.listed, s.covered, s.toMobilise, s.ineligible, s.refused, s.govPaidFen]]),
    );
    expect(summaries['440700']).toEqual([10, 3, 2, 5, 0, 36000]);
    expect(summaries[V1]).toEqual([3, 1, 2, 0, 0, 12000]); // A, B, J
    expect(summaries[V2]).toEqual([2, 1, 0, 1, 0, 12000]); // C, D
    expect(summaries['440703001']).toEqual([5, 2, 2, 1, 0, 24000]);
    expect(summaries['440703']).toEqual([5, 2, 2, 1, 0, 24000]);
    expect(summaries['440704']).toEqual([3, 1, 0, 2, 0, 12000]); // E, F, I
  });

  it('a new list version shows what changed and puts the newly eligible on the mobilisation list (动态清零)', async () => {
    // J refuses after two visits; the refusal is honoured by the next run.
    await database.db.execute(sql`insert into refusals (campaign_id, id_number, statement_by, visits, note, evidence_name, evidence_type, evidence_sha256, evidence, actor)
      values (${CAMPAIGN}, ${P.J.id}, 'person', 2, '', 'j.pdf', 'application/pdf', 'x', '\\x25504446'::bytea, '测试员')`);
    expect((await importFile('低保-v2.csv', utf8(csvOf(LIST_HEADER, DIBAO_V2)), dibao)).result).toMatchObject({ status: 'stored', version: 2 });
    const r = await screen();
    expect(r.changes).toEqual({ previousRunId: run1, added: 1, removed: 1, categoriesChanged: 1, outcomeChanged: 1, newObligationsFen: 12000 });
    expect(r.counts).toEqual({ listed: 10, covered: 3, toMobilise: 2, ineligible: 4, refused: 1, govPaidFen: 36000 });
    const rows = await resultsOf(r.runId);
    const by = Object.fromEntries(rows.map((x) => [x.idNumber, x]));
    expect(by[P.L.id]).toMatchObject({ outcome: 'to-mobilise', change: 'added', villageCode: V2, govPaidFen: 12000 });
    expect(by[P.C.id]).toMatchObject({ outcome: 'covered', change: 'categories-changed', categories: ['dibao', 'tekun'], govPaidFen: 12000 });
    expect(by[P.J.id]).toMatchObject({ outcome: 'refused', change: 'outcome-changed', govPaidFen: 0 });
    expect(by[P.J.id].refusalId).not.toBeNull();
    expect(by[P.D.id]).toBeUndefined();
    expect(by[P.A.id].change).toBeNull();
    const removed = await removedSince(database.db, { runId: r.runId, previousRunId: run1, limit: 10 });
    expect(removed.map((x) => x.id_number)).toEqual([P.D.id]);
  });

  it('screens one county only when asked', async () => {
    const r = await screen('440704');
    expect(r.counts).toEqual({ listed: 3, covered: 1, toMobilise: 0, ineligible: 2, refused: 0, govPaidFen: 12000 });
  });

  it('resumes an interrupted screening from its heartbeat with the same result', async () => {
    const runId = `${CAMPAIGN}.resume`;
    await screening.beginScreening({ runId, campaignId: CAMPAIGN, scope: null, actor: '测试员', workflowId: 'wf-resume' });
    // A previous attempt got as far as C (in ID order) and committed; anything after it may be half-written.
    const ids = Object.keys(EXPECTED_RUN1).concat(P.L.id).filter((id) => id !== P.D.id).sort();
    const after = ids[3];
    const first = new MockActivityEnvironment();
    await first.run(screening.screenPeople, { runId });
    // Simulate a half-written batch past the checkpoint: it must be replaced, not duplicated.
    const env = new MockActivityEnvironment({ heartbeatDetails: { after, done: 4, total: 10 } satisfies ScreeningHeartbeat });
    const beats: ScreeningHeartbeat[] = [];
    env.on('heartbeat', (d: ScreeningHeartbeat) => beats.push(d));
    expect(await env.run(screening.screenPeople, { runId })).toEqual({ screened: 10 });
    expect(beats.at(-1)).toEqual({ after: ids.at(-1), done: 10, total: 10 });
    const done = await screening.finishScreening({ runId });
    const rows = await resultsOf(runId);
    expect(rows.map((x) => x.idNumber)).toEqual(ids);
    expect(done.counts.listed).toBe(10);
  });

  it('resumes an interrupted import from its checkpoint and stores the file once', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => [idOf('440703', '19800101', 300 + i), `居民${i}`]);
    const upload = await storeUpload(database.db, store(), { campaignId: CAMPAIGN, list: 'hardship', fileName: '特困-续传.csv', source: Readable.from([Buffer.from(csvOf(LIST_HEADER, rows))]) });
    const prepared = await prepareImport(database.db, store(), CAMPAIGN, { ...dibao, category: 'tekun', department: '续传', uploadId: upload.uploadId, screenAfter: false, actor: '测试员' });
    // A first attempt committed lines 2..11 (10 rows) and died; line 12 was half-written.
    await database.db.insert(hardshipRows).values(
      rows.slice(0, 11).map((r, i) => ({ importId: prepared.importId, idNumber: r[0], line: i + 2, name: r[1], category: 'tekun', birthDate: '1980-01-01' })),
    );
    const env = new MockActivityEnvironment({
      heartbeatDetails: { stage: 'reading', rowsRead: 10, bytesRead: 0, totalBytes: 0, committedLine: 11, committedErrors: 0, committedValid: 10 } satisfies ImportHeartbeat,
    });
    const result = await env.run(imports.importList, { importId: prepared.importId });
    expect(result).toMatchObject({ status: 'stored', rowsTotal: 25, rowsStored: 25 });
    const stored = await database.db.select().from(hardshipRows).where(eq(hardshipRows.importId, prepared.importId)).orderBy(asc(hardshipRows.line));
    expect(stored.map((r) => r.line)).toEqual(rows.map((_, i) => i + 2));
    const [imp] = await database.db.select().from(listImports).where(eq(listImports.id, prepared.importId));
    expect(imp.status).toBe('stored');
  });
});

// Files as officials have them, and imports that always end: a NUL past the first 64 KiB, a category
// column, Excel's text tricks, a database error caused by the data, and the lifetime of an upload.
describe.each(['pglite', 'postgres'] as const)('imports that end and files as officials have them, on %s', (kind) => {
  const ID = 'hardship-files';
  let database: Database;
  let pg: TestDatabase | undefined;
  let uploadDir: string;
  let imports: ReturnType<typeof createListImportActivities>;
  const partialPlan = (): Plan => {
    const plan = jiangmenPlan(ID);
    return { ...plan, contributionPolicy: { ...plan.contributionPolicy!, hardship: { mode: 'partial', perCategory: { dibao: 70, tekun: 80 } } } };
  };

  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    uploadDir = await mkdtemp(join(tmpdir(), 'hardship-files-'));
    await seedCampaign(database.db, partialPlan());
    imports = createListImportActivities(database.db, { uploadDir });
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  const store = (now?: () => number) => ({ uploadDir, now });
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
  const list = (department: string, category: 'dibao' | 'tekun' = 'dibao') => ({ list: 'hardship' as const, category, department, listDate: '2031-09-01' });
  async function prepare(fileName: string, bytes: Uint8Array, body: Omit<ImportBody, 'uploadId'>) {
    const upload = await storeUpload(database.db, store(), { campaignId: ID, list: body.list, fileName, source: Readable.from([Buffer.from(bytes)]) });
    const prepared = await prepareImport(database.db, store(), ID, { screenAfter: false, actor: '测试员', ...body, uploadId: upload.uploadId });
    return { upload, ...prepared };
  }
  const errorsOf = async (importId: string) =>
    (await database.db.select().from(importErrors).where(eq(importErrors.importId, importId)).orderBy(asc(importErrors.seq))).map((e) => [e.line, e.column, e.value, e.reason]);
  const importRow = async (importId: string) => (await database.db.select().from(listImports).where(eq(listImports.id, importId)))[0];

  it('refuses a NUL character past the first 64 KiB as a row error with its line (CSV), bytes invalid in the encoding likewise, and an XLSX escape to NUL', async () => {
    const people = Array.from({ length: 3000 }, (_, i) => [idOf('440703', `198${Math.floor(i / 1000)}0101`, i % 1000), `居民${i}`]);
    const text = csvOf(LIST_HEADER, [...people, [idOf('440703', '19700101', 7), '李\u0000四'], [idOf('440703', '19700101', 8), '王五']]);
    expect(text.indexOf('\u0000')).toBeGreaterThan(64 * 1024);
    const csv = await prepare('低保-损坏.csv', utf8(text), list('民政局-NUL'));
    const result = await imports.importList({ importId: csv.importId });
    expect(result).toMatchObject({ status: 'refused', errorCount: 1, rowsStored: 0 });
    expect(await errorsOf(csv.importId)).toEqual([[3002, '姓名', '', '含有空字符（0x00），数据库无法保存；文件可能已损坏或混入了二进制内容，请用 Excel 打开后重新另存再上传']]);
    expect(existsSync(join(uploadDir, csv.upload.uploadId))).toBe(false);

    // Bytes invalid in the encoding chosen from the start of the file: the rows holding them, each with its line.
    const mixed = concat(utf8(csvOf(LIST_HEADER, people)), iconv.encode(`${idOf('440703', '19700101', 9)},李四\r\n`, 'gbk'), utf8(`${idOf('440703', '19700101', 10)},王五\r\n`));
    const garbled = await prepare('低保-混合编码.csv', mixed, list('民政局-混合编码'));
    expect(await imports.importList({ importId: garbled.importId })).toMatchObject({ status: 'refused', errorCount: 1 });
    expect((await errorsOf(garbled.importId)).map((e) => e.slice(0, 2))).toEqual([[3002, '姓名']]);
    expect((await errorsOf(garbled.importId))[0][3]).toContain('乱码');

    const xlsx = await prepare('低保-损坏.xlsx', xlsxBytes([{ name: '名单', rows: [LIST_HEADER, [P.A.id, P.A.name], [P.B.id, '李_x0000_二']] }]), list('民政局-NUL-xlsx'));
    expect(await imports.importList({ importId: xlsx.importId })).toMatchObject({ status: 'refused', errorCount: 1 });
    expect((await errorsOf(xlsx.importId)).map((e) => e.slice(0, 2))).toEqual([[3, '姓名']]);
  });

  it("stores each row under its own 困难类别 (known names or keys; empty means the chosen one), refuses unknown ones, and amounts follow", async () => {
    await prepare('花名册.csv', utf8(csvOf(ROSTER_HEADER, ROSTER)), { list: 'roster' }).then((r) => imports.importList({ importId: r.importId }));
    const header = [...LIST_HEADER, '困难类别'];
    const rows = [
      [P.A.id, P.A.name, '特困'],
      [P.B.id, P.B.name, '低保对象'],
      [P.C.id, P.C.name, '特困人员'],
      [P.I.id, P.I.name, ''],
      [P.K.id, P.K.name, 'tekun'],
      [P.J.id, P.J.name, '低保'],
    ];
    const bad = await prepare('低保-类别有误.csv', utf8(csvOf(header, [...rows, [P.L.id, P.L.name, '孤儿']])), list('民政局-类别'));
    expect(await imports.importList({ importId: bad.importId })).toMatchObject({ status: 'refused', errorCount: 1 });
    expect(await errorsOf(bad.importId)).toEqual([
      [8, '困难类别', '孤儿', '困难类别“孤儿”无法识别：应为 低保对象、特困人员、易返贫致贫人口、重度残疾人、精神/智力残疾人、重点优抚对象 之一，或留空（按导入时选择的“低保对象”）'],
    ]);

    const good = await prepare('低保-含特困.csv', utf8(csvOf(header, rows)), list('民政局-类别'));
    expect(good.upload.mapping).toMatchObject({ ok: true, columns: { idNumber: 0, name: 1, category: 2 } });
    expect(await imports.importList({ importId: good.importId })).toMatchObject({ status: 'stored', rowsStored: 6 });
    const stored = await database.db.select({ id: hardshipRows.idNumber, category: hardshipRows.category }).from(hardshipRows).where(eq(hardshipRows.importId, good.importId));
    expect(Object.fromEntries(stored.map((r) => [r.id, r.category]))).toEqual({
      [P.A.id]: 'tekun',
      [P.B.id]: 'dibao',
      [P.C.id]: 'tekun',
      [P.I.id]: 'dibao',
      [P.K.id]: 'tekun',
      [P.J.id]: 'dibao',
    });
    expect((await importRow(good.importId)).notices).toEqual(['按文件中的“困难类别”列保存各行的类别：低保对象 3 人，特困人员 3 人（导入时选择的“低保对象”只用于该列为空的行）']);

    // Dongfang-style partial payment: 80 yuan for 特困, 70 for 低保, never above the tier.
    const screening = createScreeningActivities(database.db);
    const runId = `${ID}.run-categories`;
    await screening.beginScreening({ runId, campaignId: ID, scope: null, actor: '测试员', workflowId: `wf-${runId}` });
    await screening.screenPeople({ runId });
    await screening.finishScreening({ runId });
    const results = await database.db.select().from(screeningResults).where(eq(screeningResults.runId, runId));
    expect(Object.fromEntries(results.map((r) => [r.idNumber, [r.categories.join(','), r.outcome, r.govPaidFen]]))).toEqual({
      [P.A.id]: ['tekun', 'covered', 8000],
      [P.B.id]: ['dibao', 'to-mobilise', 7000],
      [P.C.id]: ['tekun', 'covered', 8000],
      [P.I.id]: ['dibao', 'covered', 7000],
      [P.K.id]: ['tekun', 'covered', 8000],
      [P.J.id]: ['dibao', 'to-mobilise', 7000],
    });
  });

  it("reads ID numbers written with Excel's text tricks (=\"…\" and a leading apostrophe)", async () => {
    const text = `身份证号,姓名\r\n="${P.A.id}",${P.A.name}\r\n'${P.B.id},${P.B.name}\r\n"=""${P.C.id}""",${P.C.name}\r\n`;
    const r = await prepare('特困-文本格式.csv', utf8(text), list('民政局-文本', 'tekun'));
    expect(await imports.importList({ importId: r.importId })).toMatchObject({ status: 'stored', rowsStored: 3 });
    const stored = await database.db.select({ id: hardshipRows.idNumber }).from(hardshipRows).where(eq(hardshipRows.importId, r.importId)).orderBy(asc(hardshipRows.line));
    expect(stored.map((s) => s.id)).toEqual([P.A.id, P.B.id, P.C.id]);
  });

  it('classifies a database error caused by the data as non-retryable, another as retryable; failImport ends the import and deletes its file', async () => {
    const people = [[P.A.id, P.A.name], [P.B.id, P.B.name]];
    const data = await prepare('低保-数据库拒绝.csv', utf8(csvOf(LIST_HEADER, people)), list('民政局-拒绝'));
    const other = await prepare('低保-数据库故障.csv', utf8(csvOf(LIST_HEADER, [...people, [P.C.id, P.C.name]])), list('民政局-故障'));
    // The database itself refuses these imports' rows, as it refused the NUL before: 22023 is a data exception, P0001 is not.
    await database.db.execute(sql.raw(`create or replace function refuse_test_rows() returns trigger language plpgsql as $$
      begin
        if new.import_id = '${data.importId}' then raise exception 'refused for the test' using errcode = '22023'; end if;
        if new.import_id = '${other.importId}' then raise exception 'down for the test' using errcode = 'P0001'; end if;
        return new;
      end $$`));
    await database.db.execute(sql`create trigger refuse_test_rows before insert on hardship_rows for each row execute function refuse_test_rows()`);
    try {
      const failure = await imports.importList({ importId: data.importId }).then(() => null, (e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'ImportDataError', nonRetryable: true, message: '文件中有数据库无法保存的内容（错误代码 22023）；请检查文件，用 Excel 打开后另存再上传' });
      const retryable = await imports.importList({ importId: other.importId }).then(() => null, (e: unknown) => e);
      expect(retryable).not.toBeInstanceOf(ApplicationFailure);
      expect(sqlStateOf(retryable)).toBe('P0001');
      expect((await importRow(other.importId)).status).toBe('running');
    } finally {
      await database.db.execute(sql`drop trigger refuse_test_rows on hardship_rows`);
    }
    await imports.failImport({ importId: data.importId, reason: '文件中有数据库无法保存的内容（错误代码 22023）' });
    await imports.failImport({ importId: other.importId, reason: `多次重试后仍然失败，最后一次的错误：row ${P.C.id} refused` });
    await imports.failImport({ importId: other.importId, reason: 'again' }); // idempotent: the first reason stays
    const ended = await importRow(other.importId);
    expect(ended).toMatchObject({ status: 'failed', rowsStored: 0, errorCount: 0 });
    expect(ended.message).toBe(
      `低保-数据库故障.csv：导入未能完成（多次重试后仍然失败，最后一次的错误：row ${P.C.id.slice(0, 6)}********${P.C.id.slice(14)} refused）。整个文件未导入，现有名单未受影响；上传的文件已从服务器删除，请检查后重新上传`,
    );
    expect((await importRow(data.importId)).status).toBe('failed');
    for (const r of [data, other]) {
      expect(existsSync(join(uploadDir, r.upload.uploadId))).toBe(false);
      const [u] = await database.db.select().from(uploads).where(eq(uploads.id, r.upload.uploadId));
      expect(u.fileDeletedAt).not.toBeNull();
    }
    // A retry after the end changes nothing and says why.
    await expect(imports.importList({ importId: other.importId })).rejects.toMatchObject({ type: 'ImportFailed', nonRetryable: true });
  });

  it('writes uploads mode 600, keeps nothing of a refused one, and the clean-up deletes what is left alone past its lifetime', async () => {
    const t0 = Date.parse('2031-09-10T08:00:00Z');
    const hour = 3_600_000;
    const lifetime = { dir: uploadDir, retentionHours: 24 };
    const before = new Set(await readdir(uploadDir));
    const up = (name: string, text: string, at: number) => storeUpload(database.db, store(() => at), { campaignId: ID, list: 'hardship', fileName: name, source: Readable.from([Buffer.from(utf8(text))]) });
    const leftAlone = await up('没人导入.csv', csvOf(LIST_HEADER, [[P.A.id, P.A.name]]), t0);
    const unmapped = await up('列对不上.csv', csvOf(['号码', '名字'], [[P.B.id, P.B.name]]), t0);
    expect(unmapped.mapping.ok).toBe(false);
    const recent = await up('刚上传.csv', csvOf(LIST_HEADER, [[P.C.id, P.C.name]]), t0 + 20 * hour);
    const neverStarted = await up('未开始.csv', csvOf(LIST_HEADER, [[P.I.id, P.I.name]]), t0);
    const pending = await prepareImport(database.db, store(() => t0), ID, { ...list('民政局-未开始'), uploadId: neverStarted.uploadId, screenAfter: false, actor: '测试员' });
    for (const u of [leftAlone, unmapped, recent]) expect((await stat(join(uploadDir, u.uploadId))).mode & 0o777).toBe(0o600);
    // A refused upload leaves no file, not even its temporary one.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    await expect(storeUpload(database.db, store(() => t0), { campaignId: ID, list: 'hardship', fileName: '图片.csv', source: Readable.from([png]) })).rejects.toThrow('PNG 图片');
    // What an upload cut off by a crash leaves: a temporary file, and a file no row knows.
    const stray = [join(uploadDir, '.upload-0123456789abcdef'), join(uploadDir, 'f'.repeat(64))];
    for (const p of stray) {
      await writeFile(p, 'x', { mode: 0o600 });
      await utimes(p, new Date(t0), new Date(t0));
    }
    expect(new Set(await readdir(uploadDir))).toEqual(new Set([...before, leftAlone.uploadId, unmapped.uploadId, recent.uploadId, neverStarted.uploadId, '.upload-0123456789abcdef', 'f'.repeat(64)]));

    // Within the lifetime nothing goes.
    expect(await cleanUploads(database.db, { ...lifetime, now: new Date(t0 + 23 * hour) })).toEqual({ filesDeleted: 0, strayFilesDeleted: 0, importsFailed: 0 });
    const later = new Date(t0 + 25 * hour);
    expect(await cleanUploads(database.db, { ...lifetime, now: later })).toEqual({ filesDeleted: 3, strayFilesDeleted: 2, importsFailed: 1 });
    expect(new Set(await readdir(uploadDir))).toEqual(new Set([...before, recent.uploadId]));
    // The rows stay, for the record, with the moment their file went.
    const rows = await database.db.select().from(uploads).where(inArray(uploads.id, [leftAlone.uploadId, unmapped.uploadId, recent.uploadId, neverStarted.uploadId]));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.fileDeletedAt?.toISOString() ?? null]))).toEqual({
      [leftAlone.uploadId]: later.toISOString(),
      [unmapped.uploadId]: later.toISOString(),
      [neverStarted.uploadId]: later.toISOString(),
      [recent.uploadId]: null,
    });
    expect(await importRow(pending.importId)).toMatchObject({ status: 'failed', message: '未开始.csv：导入在 24 小时内没有开始（工作进程可能未运行），上传的文件已按保留期限从服务器删除；请重新上传后再导入' });
    await expect(prepareImport(database.db, store(), ID, { ...list('民政局-过期'), uploadId: leftAlone.uploadId, screenAfter: false, actor: '测试员' })).rejects.toThrow('已超过保留期限');
    // A second process running the same clean-up finds nothing left to do; uploading the bytes again brings the file back.
    expect(await cleanUploads(database.db, { ...lifetime, now: later })).toEqual({ filesDeleted: 0, strayFilesDeleted: 0, importsFailed: 0 });
    await up('没人导入.csv', csvOf(LIST_HEADER, [[P.A.id, P.A.name]]), later.getTime());
    expect(existsSync(join(uploadDir, leftAlone.uploadId))).toBe(true);
    const [again] = await database.db.select().from(uploads).where(eq(uploads.id, leftAlone.uploadId));
    expect(again.fileDeletedAt).toBeNull();
  });
});
