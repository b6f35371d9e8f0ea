// The hardship routes through the in-process app against the Temporal test server, a real worker and
// PGlite: uploads (a refused file type, a title row above the header, a column the user maps by hand),
// imports followed to the end, a screening started by an import, results searched without any ID
// number in the response, a refusal with its evidence, and the ledger, mobilisation and error exports.
import type { Server } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import type { Budget, HardshipOverview, ImportView, ResultPage, RunView, UnitSummaries, UploadView } from '../../contracts/api/hardship';
import { createWorker } from '../../server/worker';
import { xlsxBytes } from '../../formats/xlsxWriter';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { csvOf, DIBAO_V1, idOf, LIST_HEADER, P, ROSTER, SEVERE, TEKUN, V1 } from '../support/hardshipData';
import { createAccount, signIn, testAuthService, type ApiClient } from '../support/auth';
import { startTestApp } from '../support/app';
import { timeSkippingEnv, workflowBundle } from '../support/temporal';

const CAMPAIGN = 'hardship-api';
const M = { id: idOf('440703', '19660606', 150), name: '=HYPERLINK("http://x")' };

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let workerDone: Promise<void>;
let server: Server;
let base: string;
let uploadDir: string;
let origin: string;
let api: ApiClient;
/** Every request as a signed-in official of the city (session cookie and CSRF header); the OpenAPI document is public. */
const fetch = (url: string, init?: RequestInit) => (url.endsWith('/api/openapi.json') ? globalThis.fetch(url, init) : api.fetch(url.slice(origin.length), init));

beforeAll(async () => {
  env = await timeSkippingEnv();
  database = await openDatabase({});
  uploadDir = await mkdtemp(join(tmpdir(), 'hardship-api-'));
  await seedCampaign(database.db, jiangmenPlan(CAMPAIGN));
  const taskQueue = `hardship-api-${Date.now()}`;
  worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, uploadDir, workflowBundle: await workflowBundle() });
  workerDone = worker.run();
  const t = await startTestApp({ database, client: env.client, taskQueue, uploadDir, temporalUiUrl: null });
  server = t.server;
  origin = t.origin;
  base = `${origin}/api/campaigns/${CAMPAIGN}/hardship`;
  api = await signIn(origin, await createAccount(testAuthService(database.db), 'official', '440700'));
}, 120_000);
afterAll(async () => {
  server?.close();
  worker?.shutdown();
  await workerDone;
  await database?.close();
  await env?.teardown();
  if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
});

const upload = (list: string, fileName: string, body: string | Uint8Array) =>
  fetch(`${base}/uploads?list=${list}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(fileName) }, body: typeof body === 'string' ? body : Buffer.from(body) });
const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const json = async <T>(res: Response, status: number): Promise<T> => {
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
const importDone = (id: string) => until(async () => json<ImportView>(await fetch(`${base}/imports/${id}`), 200), (v) => !['pending', 'running'].includes(v.status));
const sheetText = (bytes: ArrayBuffer, n = 1) => strFromU8(unzipSync(new Uint8Array(bytes))[`xl/worksheets/sheet${n}.xml`]);

describe('hardship API', () => {
  it('is described in /api/openapi.json', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(await fetch(base.replace(/\/api\/.*$/, '/api/openapi.json')), 200);
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/campaigns/{id}/hardship'));
    expect(paths).toHaveLength(16);
    expect(Object.keys(doc.paths['/api/campaigns/{id}/hardship/refusals'])).toEqual(['post']);
  });

  it('refuses a file that is not a list, naming what it is', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const problem = await json<{ title: string; detail: string; errors: { path: string }[] }>(await upload('roster', '花名册.png', png), 400);
    expect(problem.title).toBe('请求无效');
    expect(problem.detail).toContain('PNG 图片');
    expect(problem.errors[0].path).toBe('花名册.png');
    expect((await fetch(`${base}/uploads?list=other`, { method: 'POST', body: 'x' })).status).toBe(400);
  });

  it('refuses to screen a campaign without a roster (409, the same reason the workflow would give) and records no run', async () => {
    const empty = 'hardship-api-empty';
    await seedCampaign(database.db, jiangmenPlan(empty));
    const started = await fetch(`${origin}/api/campaigns/${empty}/hardship/screenings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await json(started, 409)).toMatchObject({ title: '无法筛查', detail: '尚未导入花名册：请先导入本年应参保花名册，再进行筛查' });
    expect((await json<HardshipOverview>(await fetch(`${origin}/api/campaigns/${empty}/hardship`), 200)).runs).toEqual([]);
  });

  let refusedImport: string;
  it('finds the header under a title row, and lets the user map a column the aliases do not know', async () => {
    const header = ['公民身份号码', '人员姓名', '所在村居编码', '参保状态', '缴费档次', '上年缴费档次', '缴费状态', '领取养老金'];
    const rows = [...ROSTER, [M.id, M.name, V1, '未参保', '', '', '', '否']];
    const text = `江门市2031年城乡居民养老保险应参保花名册,,,,,,,\r\n${csvOf(header, rows)}`;
    const up = await json<UploadView>(await upload('roster', '花名册(含标题).csv', text), 201);
    expect(up.headers).toEqual(header);
    expect(up.mapping).toEqual({ ok: false, missing: ['villageCode'], ambiguous: [], columns: { idNumber: 0, name: 1, enrolmentStatus: 3, tier: 4, lastYearTier: 5, paymentStatus: 6, drawingPension: 7 } });
    const refused = await json<{ errors: { path: string; message: string }[] }>(await post('/imports', { uploadId: up.uploadId, list: 'roster' }), 400);
    expect(refused.errors).toEqual([{ path: 'override.villageCode', message: '未找到“户籍地行政区划代码”列，请指定对应的列' }]);
    const started = await json<{ importId: string; created: boolean }>(await post('/imports', { uploadId: up.uploadId, list: 'roster', override: { villageCode: 2 } }), 202);
    expect(started.created).toBe(true);
    // The same request again is the same import.
    expect(await json(await post('/imports', { uploadId: up.uploadId, list: 'roster', override: { villageCode: 2 } }), 200)).toMatchObject({ importId: started.importId, created: false });
    const done = await importDone(started.importId);
    expect(done).toMatchObject({ status: 'stored', version: 1, rowsTotal: rows.length, rowsStored: rows.length, errorCount: 0, list: 'roster' });

    // A hardship list with a bad row is refused whole, with a downloadable report.
    const bad = await json<UploadView>(await upload('hardship', '特困-有错.csv', csvOf(LIST_HEADER, [...TEKUN, ['44070319800101123', '缺一位']])), 201);
    const badImport = await json<{ importId: string }>(await post('/imports', { uploadId: bad.uploadId, list: 'hardship', category: 'tekun', department: '民政局', listDate: '2031-09-01' }), 202);
    refusedImport = badImport.importId;
    const badDone = await importDone(badImport.importId);
    expect(badDone).toMatchObject({ status: 'refused', errorCount: 1, rowsStored: 0 });
    expect(badDone.errors).toEqual([{ line: 4, column: '身份证号', value: '***************23', reason: '身份证号应为18位（或1999年以前签发的15位旧号码），实际为17位' }]);
    const report = await fetch(`${base}/imports/${badImport.importId}/errors.xlsx`);
    expect(report.headers.get('content-type')).toContain('spreadsheetml');
    expect(sheetText(await report.arrayBuffer())).toContain('实际为17位');
  });

  let runId: string;
  it('imports the lists and screens after the last one, as the import asked', async () => {
    const lists: [string, string, string, string[][]][] = [
      ['特困.csv', 'tekun', '民政局', TEKUN],
      ['重度残疾.csv', 'severe-disability', '残联', SEVERE],
      ['低保.csv', 'dibao', '民政局', [...DIBAO_V1, [M.id, M.name]]],
    ];
    let last: ImportView | undefined;
    for (const [i, [name, category, department, rows]] of lists.entries()) {
      const up = await json<UploadView>(await upload('hardship', name, csvOf(LIST_HEADER, rows)), 201);
      expect(up.mapping.ok).toBe(true);
      const started = await json<{ importId: string }>(await post('/imports', { uploadId: up.uploadId, list: 'hardship', category, department, listDate: '2031-09-01', screenAfter: i === lists.length - 1 }), 202);
      last = await until(async () => json<ImportView>(await fetch(`${base}/imports/${started.importId}`), 200), (v) => v.status === 'stored' && (i < lists.length - 1 || v.screeningRunId !== null));
    }
    runId = last!.screeningRunId!;
    expect(runId).toBeTruthy();
    const run = await until(async () => json<RunView>(await fetch(`${base}/runs/${runId}`), 200), (r) => r.status !== 'running');
    expect(run).toMatchObject({ status: 'completed', counts: { listed: 11, covered: 3, toMobilise: 3, ineligible: 5, refused: 0, govPaidFen: 36000 } });
    expect(run.ineligibleByReason).toEqual({ deceased: 1, 'drawing-pension': 1, 'under-16': 1, 'not-local': 2 });
    const overview = await json<{ lists: { list: string }[]; latestRunId: string }>(await fetch(base), 200);
    expect(overview.lists.map((l) => l.list).sort()).toEqual(['hardship', 'hardship', 'hardship', 'roster']);
    expect(overview.latestRunId).toBe(runId);
    expect(refusedImport).toBeTruthy();
  });

  it('searches results by name, masked, with no ID number or name in any URL', async () => {
    const res = await post(`/runs/${runId}/results/search`, { query: '李二' });
    const text = await res.text();
    const page = JSON.parse(text) as ResultPage;
    expect(page.total).toBe(1);
    expect(page.rows[0]).toMatchObject({ name: '李二', idMasked: `${P.B.id.slice(0, 6)}********${P.B.id.slice(14)}`, outcome: 'to-mobilise', categories: ['dibao', 'severe-disability'], villageName: '北步社区' });
    expect(text).not.toContain(P.B.id);
    const byTail = await json<ResultPage>(await post(`/runs/${runId}/results/search`, { query: P.I.id.slice(-4) }), 200);
    expect(byTail.rows.map((r) => r.name)).toContain('吴九');
    const byId = await json<ResultPage>(await post(`/runs/${runId}/results/search`, { query: P.I.id }), 200);
    expect(byId.rows.map((r) => r.name)).toEqual(['吴九']);
    const mobilise = await json<ResultPage>(await post(`/runs/${runId}/results/search`, { outcome: 'to-mobilise', unitCode: V1 }), 200);
    expect(mobilise.rows.map((r) => r.name).sort()).toEqual(['=HYPERLINK("http://x")', '李二', '郑十'].sort());
  });

  it('records a refusal only with evidence that is what it says, and moves the counts', async () => {
    const page = await json<ResultPage>(await post(`/runs/${runId}/results/search`, { query: '郑十' }), 200);
    const resultId = page.rows[0].resultId;
    const pdf = Buffer.from('%PDF-1.4\n% 拒绝参保声明\n').toString('base64');
    const body = { runId, resultId, statementBy: 'village-committee', visits: 3, note: '三次上门', evidence: { fileName: '声明.pdf', contentType: 'application/pdf', dataBase64: pdf } };
    const fake = await json<{ errors: { path: string }[] }>(await post('/refusals', { ...body, evidence: { ...body.evidence, dataBase64: Buffer.from('not a pdf').toString('base64') } }), 400);
    expect(fake.errors[0].path).toBe('evidence.contentType');
    const once = await json<{ errors: { path: string; message: string }[] }>(await post('/refusals', { ...body, visits: 1 }), 400);
    expect(once.errors).toEqual([{ path: 'visits', message: '须经至少 2 次上门动员后方可登记拒绝参保' }]);
    const ok = await json<{ refusalId: number; outcome: string }>(await post('/refusals', body), 201);
    expect(ok.outcome).toBe('refused');
    expect(await json(await post('/refusals', body), 409)).toMatchObject({ type: 'urn:problem:conflict', title: '无法登记', detail: '该人员的核查结果为“经动员拒绝参保”，只有待动员参保人员可以登记拒绝参保' });
    const run = await json<RunView>(await fetch(`${base}/runs/${runId}`), 200);
    expect(run.counts).toMatchObject({ toMobilise: 2, refused: 1 });
    const summary = await json<UnitSummaries>(await fetch(`${base}/runs/${runId}/summary?unit=440703001`), 200);
    expect(summary.children.find((c) => c.code === V1)).toMatchObject({ listed: 4, covered: 1, toMobilise: 2, refused: 1 });
    const evidence = await fetch(`${base}/refusals/${ok.refusalId}/evidence`);
    expect(evidence.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await evidence.arrayBuffer()).subarray(0, 4).toString()).toBe('%PDF');
  });

  it('exports the ledger and the mobilisation list masked, with formula-like names neutralised', async () => {
    const ledger = await fetch(`${base}/runs/latest/ledger.xlsx?unit=440703`);
    expect(ledger.status).toBe(200);
    const xml = sheetText(await ledger.arrayBuffer());
    for (const p of Object.values(P)) expect(xml).not.toContain(p.id);
    expect(xml).toContain(`${P.A.id.slice(0, 6)}********${P.A.id.slice(14)}`);
    expect(xml).toContain(`'=HYPERLINK(&quot;http://x&quot;)`);
    expect(xml).toContain('经动员拒绝参保');
    expect(xml).not.toContain('吴九'); // 江海区 is not under 蓬江区
    const mob = await fetch(`${base}/runs/latest/mobilisation.xlsx?unit=440703001`);
    const files = unzipSync(new Uint8Array(await mob.arrayBuffer()));
    const sheets = Object.keys(files).filter((f) => f.startsWith('xl/worksheets/'));
    expect(sheets).toHaveLength(1); // only 北步社区 has people to mobilise
    const v1 = strFromU8(files[sheets[0]]);
    expect(v1).toContain('李二');
    expect(v1).not.toContain('郑十'); // refused
    expect((await fetch(`${base}/runs/latest/ledger.xlsx?unit=999999`)).status).toBe(404);
  });

  it('estimates the government’s money (财政资金测算) per unit, component and level, as JSON and XLSX', async () => {
    const run = await json<RunView>(await fetch(`${base}/runs/${runId}`), 200);
    const budget = await json<Budget>(await fetch(`${base}/runs/${runId}/budget`), 200);
    const city = budget.rows[0];
    // Covered and still to mobilise are counted (3 + 2 after the refusal); each of them is in a paid group, 120 yuan each.
    expect(city).toMatchObject({ code: '440700', depth: 0, people: run.counts!.covered + run.counts!.toMobilise, withheld: 0, govPaidFen: 5 * 12_000 });
    // Jiangmen's plan puts 代缴 on the county (costSplit.govPaid: { county: 1 }).
    expect(city.byComponent.govPaid).toEqual({ county: 5 * 12_000 });
    expect(city.totalFen).toBe(city.govPaidFen + city.subsidyFen.basic + city.subsidyFen.extra + city.subsidyFen.uplift);
    expect(Object.values(city.byLevel).reduce((a, b) => a + b, 0)).toBe(city.totalFen);
    const counties = budget.rows.filter((r) => r.level === 'county');
    expect(counties.reduce((a, r) => a + r.totalFen, 0)).toBe(city.totalFen);
    expect(budget.rows.find((r) => r.code === '440703')).toMatchObject({ people: 4 });
    const pengjiang = await json<Budget>(await fetch(`${base}/runs/${runId}/budget?unit=440703`), 200);
    expect(pengjiang.rows[0]).toMatchObject({ code: '440703', depth: 1, people: 4 });
    expect(pengjiang.rows.every((r) => r.code.startsWith('440703'))).toBe(true);
    const xlsx = await fetch(`${base}/runs/${runId}/budget.xlsx`);
    expect(xlsx.status).toBe(200);
    const bytes = await xlsx.arrayBuffer();
    const summary = sheetText(bytes, 1);
    expect(summary).toContain('困难群体参保财政资金测算表');
    expect(summary).toContain('其中县级财政');
    expect(summary).toContain('<v>600</v>'); // 60,000 fen of 代缴 in yuan
    expect(sheetText(bytes, 2)).toContain('政府代缴');
  });
});

describe('hardship files as officials have them', () => {
  /** xlsxBytes's workbook with rows of one sheet hidden, as Excel marks them. */
  function hideRows(bytes: Uint8Array, sheet: number, rows: number[]): Uint8Array {
    const files = unzipSync(bytes);
    const name = `xl/worksheets/sheet${sheet}.xml`;
    let xml = strFromU8(files[name]);
    for (const r of rows) xml = xml.replace(`<row r="${r}">`, `<row r="${r}" hidden="1">`);
    files[name] = strToU8(xml);
    return zipSync(files);
  }
  const tekunList = (department: string, extra: Record<string, unknown> = {}) => ({ list: 'hardship', category: 'tekun', department, listDate: '2031-09-01', ...extra });

  it('refuses a browser form upload (multipart/form-data) with a clear message, by its header or by its body, and keeps nothing', async () => {
    const before = await readdir(uploadDir);
    const form = new FormData();
    form.append('file', new Blob([csvOf(LIST_HEADER, TEKUN)], { type: 'text/csv' }), '特困.csv');
    const byHeader = await json<{ type: string; title: string; detail: string }>(await fetch(`${base}/uploads?list=hardship`, { method: 'POST', body: form }), 415);
    expect([byHeader.type, byHeader.title]).toEqual(['urn:problem:unsupported-media-type', '不支持表单上传']);
    expect(byHeader.detail).toBe('请把文件内容直接作为请求体发送（Content-Type: application/octet-stream，文件名放在 X-File-Name 头中，用 encodeURIComponent 编码），不要使用 multipart/form-data 表单方式');
    const raw = `------WebKitFormBoundaryx7\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n${csvOf(LIST_HEADER, TEKUN)}\r\n------WebKitFormBoundaryx7--\r\n`;
    expect((await upload('hardship', '特困.csv', raw)).status).toBe(415);
    expect(await readdir(uploadDir)).toEqual(before);
  });

  it('lists the sheets, says only the first was read when the list is on another, imports the sheet chosen and names its hidden rows', async () => {
    const rows = [LIST_HEADER, ...TEKUN, [P.K.id, P.K.name]];
    const book = hideRows(xlsxBytes([{ name: '填表说明', rows: [['本表由民政局填报'], ['请勿修改表头']] }, { name: '特困名单', rows }]), 2, [3]);
    const up = await json<UploadView>(await upload('hardship', '特困(两张表).xlsx', book), 201);
    expect(up.sheets).toEqual([
      { index: 0, name: '填表说明', hidden: false, rows: null },
      { index: 1, name: '特困名单', hidden: false, rows: null },
    ]);
    expect(up.sheet).toEqual(up.sheets[0]);
    expect(up.mapping.ok).toBe(false);
    const hint = '未指定工作表，只读取了工作表“填表说明”（第 1 个）；工作簿中还有：“特困名单”（第 2 个）。如名单在其他工作表，请选择工作表（接口参数 sheet：工作表序号，从 0 起，或工作表名称）';
    expect(up.mapping.hints).toEqual([hint]);
    const refused = await json<{ detail: string; errors: { path: string; message: string }[] }>(await post('/imports', { uploadId: up.uploadId, ...tekunList('民政局-两张表') }), 400);
    expect(refused.detail).toBe(`文件的列与名单字段对应不上。${hint}`);
    expect(refused.errors).toContainEqual({ path: 'sheet', message: hint });
    expect((await post('/imports', { uploadId: up.uploadId, ...tekunList('民政局-两张表', { sheet: 5 }) })).status).toBe(400);

    const started = await json<{ importId: string }>(await post('/imports', { uploadId: up.uploadId, ...tekunList('民政局-两张表', { sheet: 1 }) }), 202);
    const done = await importDone(started.importId);
    expect(done).toMatchObject({ status: 'stored', rowsStored: 3, notices: ['第 3 行为 Excel 中的隐藏行，已与其他行一并导入；如这些行不应导入，请删除后重新上传'] });

    // Chosen at upload, by name: the answer warns of the hidden row before any import.
    const named = await json<UploadView>(await upload(`hardship&sheet=${encodeURIComponent('特困名单')}`, '特困(两张表).xlsx', book), 201);
    expect(named).toMatchObject({ sheet: { index: 1, name: '特困名单' }, hiddenRows: 1, mapping: { ok: true }, warnings: ['第 3 行为 Excel 中的隐藏行，导入时将与其他行一并导入；如这些行不应导入，请删除后重新上传'] });
  });

  it('reads a semicolon-delimited CSV, and hints at the delimiter when a title line misleads the guess', async () => {
    const semicolons = (text: string) => text.replace(/,/g, ';');
    const up = await json<UploadView>(await upload('hardship', '特困-分号.csv', semicolons(csvOf(LIST_HEADER, TEKUN))), 201);
    expect(up).toMatchObject({ delimiter: ';', headers: LIST_HEADER, mapping: { ok: true } });
    const misled = await json<UploadView>(await upload('hardship', '特困-标题.csv', `江门市特困人员名单,2031年9月\r\n${semicolons(csvOf([...LIST_HEADER, '困难类别'], TEKUN.map((r) => [...r, '特困'])))}`), 201);
    expect(misled.delimiter).toBe(',');
    expect(misled.mapping.ok).toBe(false);
    const hint = '本文件按逗号分隔读取，但“身份证号;姓名;困难类别”中含有多个分号：文件可能以分号分隔（第一行的逗号使系统误判）；请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”再上传';
    expect(misled.mapping.hints).toEqual([hint]);
    const refused = await json<{ detail: string }>(await post('/imports', { uploadId: misled.uploadId, ...tekunList('民政局-标题') }), 400);
    expect(refused.detail).toBe(`文件的列与名单字段对应不上。${hint}`);
  });
});
