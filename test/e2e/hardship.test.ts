// Hardship-group screening (困难群体) in a real browser against the real stack (Temporal dev server,
// PGlite, worker, API serving the built web/dist), signed in as an official of Jiangmen (440700). A small two-county plan with Jiangmen's policy (the
// county pays the 120-yuan minimum in full) is launched; through the 困难群体 tab the official uploads
// a roster and a 低保 list through the file input, watches the imports, and the screening the list
// starts shows exactly the expected outcomes, per reason and per unit down to the villages. A search
// finds one person (the name travels in a POST body, never in an address; ID numbers come back
// masked); the ledger downloads as XLSX. A second list whose ID column is not recognised goes through
// the column picker, and its screening reports what changed. A workbook whose list is on its second
// sheet is offered sheet by sheet, and the sheet chosen shows its hidden row. A refusal is recorded with
// a written statement, and the county's own page shows its hardship card.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { computeCheckDigit } from '../../domain/idNumber';
import { addDaysLocal, localDateOf } from '../../domain/time';
import { xlsxBytes } from '../../formats/xlsxWriter';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { captureWrites, historiesText, idNumbersIn } from '../support/personalData';
import type { TestUser } from '../support/stack';

const ZONE = 'Asia/Shanghai';
/** Imports and runs are workflows with activities: give a slow, shared machine time. */
const WORK_TIMEOUT_MS = 90_000;

let harness: ConsoleHarness | undefined;
let official: TestUser;

/** Everything this process writes (the app's logs included: API and worker run in it), kept for the scan at the end. */
const writes = captureWrites();

beforeAll(async () => {
  harness = await startConsole('hardship');
  official = await harness.stack.createUser({ username: 'jm.hardship', password: 'Jiangmen-Screen-8264', role: 'official', regionCode: '440700', displayName: '江门市社保局 黄科长' });
});

afterAll(async () => {
  await harness?.stop();
  writes.restore();
});

const openPage = (ctx: TestContext) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, { width: 1440, height: 900 });
};

const PENGJIANG = { code: '440703', name: '蓬江区' };
const JIANGHAI = { code: '440704', name: '江海区' };
const HUANSHI = '440703001';
const BEIBU = '440703001001';
const CHENGXI = '440703001002';
const JIANGNAN_VILLAGE = '440704001001';

/** A valid 18-digit resident ID (GB 11643): region, birth date, sequence, ISO 7064 check digit. */
function idNumber(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

interface Person {
  key: string;
  id: string;
  name: string;
  /** null: not in the roster (registered elsewhere). */
  roster: null | { village: string; status: string; tier: string; lastYear: string; payment: string; pension: string };
}

// Who is who, and what the screening must say about them (campaign year: this year; age judged on 31 December):
const people: Person[] = [
  // A, B: enrolled → covered; the county pays 120 of their 180 / 360.
  { key: 'A', id: idNumber('440703', '19700312', 11), name: '陈雅芳', roster: { village: BEIBU, status: '参保', tier: '180', lastYear: '180', payment: '已缴费', pension: '否' } },
  { key: 'B', id: idNumber('440703', '19650704', 23), name: '黄志强', roster: { village: BEIBU, status: '正常参保', tier: '360', lastYear: '240', payment: '已缴费', pension: '否' } },
  // C, D: not enrolled → to be mobilised (C on last year's tier, D with none: the minimum).
  { key: 'C', id: idNumber('440703', '19801120', 35), name: '李秀英', roster: { village: CHENGXI, status: '未参保', tier: '', lastYear: '180', payment: '未缴费', pension: '否' } },
  { key: 'D', id: idNumber('440704', '19750101', 47), name: '吴国华', roster: { village: JIANGNAN_VILLAGE, status: '未参保', tier: '', lastYear: '', payment: '未缴费', pension: '否' } },
  // E deceased, F drawing a pension, G under 16: ineligible.
  { key: 'E', id: idNumber('440703', '19480215', 51), name: '梁伯坤', roster: { village: BEIBU, status: '死亡', tier: '', lastYear: '180', payment: '', pension: '否' } },
  { key: 'F', id: idNumber('440703', '19500830', 62), name: '何桂兰', roster: { village: CHENGXI, status: '参保', tier: '', lastYear: '', payment: '', pension: '是' } },
  { key: 'G', id: idNumber('440704', '20150301', 74), name: '周小明', roster: { village: JIANGNAN_VILLAGE, status: '未参保', tier: '', lastYear: '', payment: '', pension: '否' } },
  // H: on the 低保 list but in no roster of this city → ineligible, not local.
  { key: 'H', id: idNumber('445102', '19820606', 81), name: '郑美玲', roster: null },
  // I: in the roster only, on no list: not screened.
  { key: 'I', id: idNumber('440703', '19900909', 93), name: '林建军', roster: { village: BEIBU, status: '参保', tier: '240', lastYear: '240', payment: '已缴费', pension: '否' } },
  // J: enrolled, on the second (特困) list only → added in the second run, covered.
  { key: 'J', id: idNumber('440704', '19681010', 15), name: '冯丽娟', roster: { village: JIANGNAN_VILLAGE, status: '参保', tier: '180', lastYear: '180', payment: '已缴费', pension: '否' } },
];
const person = (key: string) => people.find((p) => p.key === key)!;

/** Enrolled residents on no list: they make the roster large enough for its import to be watched. */
const FILLER = 30_000;
const VILLAGES = [BEIBU, CHENGXI, JIANGNAN_VILLAGE];
function fillerRows(): string[] {
  const rows: string[] = [];
  const base = Date.UTC(1950, 0, 1);
  for (let i = 0; i < FILLER; i++) {
    const village = VILLAGES[i % VILLAGES.length];
    // Distinct (birth date, sequence) per row; sequences from 100 never meet the named people's.
    const birth = new Date(base + (i % 20_000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    rows.push([idNumber(village.slice(0, 6), birth, 100 + Math.floor(i / 20_000)), `居民${i}`, village, '参保', '180', '180', '已缴费', '否'].join(','));
  }
  return rows;
}
const FILLER_ROWS = fillerRows();
if (new Set(FILLER_ROWS.map((r) => r.slice(0, 18))).size !== FILLER) throw new Error('filler ID numbers collide');
const ROSTER_CSV =
  '\uFEFF身份证号,姓名,户籍地行政区划代码,参保状态,本年缴费档次,上年缴费档次,缴费状态,是否领取待遇\r\n' +
  [
    ...people
      .filter((p) => p.roster)
      .map((p) => [p.id, p.name, p.roster!.village, p.roster!.status, p.roster!.tier, p.roster!.lastYear, p.roster!.payment, p.roster!.pension].join(',')),
    ...FILLER_ROWS,
  ].join('\r\n') +
  '\r\n';
const ROSTER_ROWS = people.filter((p) => p.roster).length + FILLER_ROWS.length;
const DIBAO_KEYS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const DIBAO_CSV = `身份证号,姓名\n${DIBAO_KEYS.map((k) => `${person(k).id},${person(k).name}`).join('\n')}\n`;
/** A 低保 list with a mistyped ID number (wrong check digit): refused, nothing stored. */
const BAD_ID = person('A').id.slice(0, 17) + (person('A').id[17] === '0' ? '1' : '0');
const BAD_CSV = `身份证号,姓名\n${person('B').id},${person('B').name}\n${BAD_ID},${person('A').name}\n`;
/** 居民身份证 is not a header the server knows: the official picks the column. */
/** 特困 on the workbook's second sheet, after a sheet of instructions; its row 3 is hidden in Excel. */
function twoSheetWorkbook(): Uint8Array {
  const files = unzipSync(
    xlsxBytes([
      { name: '填表说明', rows: [['本表由民政局填报'], ['请勿修改表头']] },
      { name: '特困名单', rows: [['身份证号', '姓名'], ...['A', 'J'].map((k) => [person(k).id, person(k).name])] },
    ]),
  );
  files['xl/worksheets/sheet2.xml'] = strToU8(strFromU8(files['xl/worksheets/sheet2.xml']).replace('<row r="3">', '<row r="3" hidden="1">'));
  return zipSync(files);
}
const TEKUN_CSV = `居民身份证,姓名\n${['A', 'J'].map((k) => `${person(k).id},${person(k).name}`).join('\n')}\n`;

/** A 1×1 PNG: the refusal's scanned statement. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

function smallPlan(now: number) {
  const today = localDateOf(now, ZONE);
  return {
    id: `e2e-hardship-${now.toString(36)}`,
    title: 'E2E 困难群体筛查演练',
    year: Number(today.slice(0, 4)),
    region: { code: '440700', name: '江门市', level: 'city' },
    timeZone: ZONE,
    phases: [{ key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: today, deadline: addDaysLocal(today, 30) }],
    targets: { enrolled: 20, paying: 10 },
    breakdown: [
      {
        ...PENGJIANG,
        level: 'county',
        children: [
          {
            code: HUANSHI,
            name: '环市街道',
            level: 'town',
            children: [
              { code: BEIBU, name: '北步社区', level: 'village' },
              { code: CHENGXI, name: '城西社区', level: 'village' },
            ],
          },
        ],
      },
      {
        ...JIANGHAI,
        level: 'county',
        children: [{ code: '440704001', name: '江南街道', level: 'town', children: [{ code: JIANGNAN_VILLAGE, name: '江南社区', level: 'village' }] }],
      },
    ],
    contributionPolicy: {
      tiers: [180, 240, 360, 600, 900, 1200, 1800, 3600, 4800],
      defaultTier: 'last-year',
      subsidies: [
        { fromTier: 120, toTier: 360, amount: 30 },
        { fromTier: 600, amount: 60 },
      ],
      hardship: { mode: 'full-minimum', minimum: 120 },
    },
  };
}

/** The value of one count figure (data-value is the raw number; fen for the amount). */
const count = (page: Page, scope: string, key: string) => page.getByTestId(scope).getByTestId(`count-${key}`).getAttribute('data-value');

async function uploadAndImport(
  page: Page,
  file: { name: string; text: string },
  list: { kind: 'roster' } | { kind: 'hardship'; category: string; department: string; date: string },
  options: { screenAfter: boolean; pick?: Record<string, string>; refused?: boolean },
): Promise<{ importId: string; seen: { statuses: string[]; bar: boolean; fraction: number; rows: string } }> {
  const panel = page.getByTestId('hardship-upload');
  await panel.getByTestId('upload-list').selectOption(list.kind);
  if (list.kind === 'hardship') {
    await panel.getByTestId('upload-category').selectOption(list.category);
    await panel.getByTestId('upload-department').fill(list.department);
    await panel.getByTestId('upload-list-date').fill(list.date);
  }
  await panel.getByTestId('upload-file').setInputFiles({ name: file.name, mimeType: 'text/csv', buffer: Buffer.from(file.text, 'utf8') });
  await panel.getByTestId('upload-send').click();
  const mapping = panel.getByTestId('upload-mapping');
  await mapping.waitFor();
  expect(await panel.getByTestId('upload-summary').innerText()).toContain(file.name);
  if (options.pick) {
    expect(await mapping.getAttribute('data-ok')).toBe('false');
    for (const [field, label] of Object.entries(options.pick)) {
      await panel.getByTestId(`mapping-select-${field}`).selectOption({ label });
    }
  } else {
    expect(await mapping.getAttribute('data-ok')).toBe('true');
  }
  await panel.getByTestId('upload-screen-after').setChecked(options.screenAfter);
  const before = new URL(page.url()).searchParams.get('import');
  await panel.getByTestId('import-start').click();
  // The started import opens below, with its id in the address.
  await page.waitForFunction((previous) => {
    const id = new URLSearchParams(location.search).get('import');
    return id !== null && id !== previous;
  }, before);
  const importId = new URL(page.url()).searchParams.get('import')!;
  // Every state the import card shows on its way, and the furthest the bar got.
  await page.evaluate(() => {
    const w = window as unknown as { seen: { statuses: string[]; bar: boolean; fraction: number; rows: string } };
    w.seen = { statuses: [], bar: false, fraction: 0, rows: '' };
    const record = () => {
      const card = document.querySelector('[data-testid="import-progress"]');
      const status = card?.getAttribute('data-status');
      if (status && w.seen.statuses.at(-1) !== status) w.seen.statuses.push(status);
      const bar = document.querySelector('[data-testid="import-bar"]');
      if (bar) {
        w.seen.bar = true;
        w.seen.fraction = Math.max(w.seen.fraction, Number(bar.getAttribute('data-fraction') ?? 0));
        w.seen.rows = document.querySelector('[data-testid="import-rows"]')?.textContent ?? w.seen.rows;
      }
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.waitForFunction(
    (id) => {
      const el = document.querySelector(`[data-testid="import-progress"][data-import="${CSS.escape(id)}"]`);
      return el !== null && !['pending', 'running'].includes(el.getAttribute('data-status') ?? '');
    },
    importId,
    { timeout: WORK_TIMEOUT_MS },
  );
  const progress = page.getByTestId('import-progress');
  const status = await progress.getAttribute('data-status');
  if (status !== (options.refused ? 'refused' : 'stored')) throw new Error(`import ${file.name} ended ${status}: ${await progress.innerText()}`);
  const seen = await page.evaluate(() => (window as unknown as { seen: { statuses: string[]; bar: boolean; fraction: number; rows: string } }).seen);
  return { importId, seen };
}

/** Waits until the shown run is completed and returns its id. */
async function completedRun(page: Page, notId?: string): Promise<string> {
  await page.waitForFunction(
    (previous) => {
      const el = document.querySelector('[data-testid="run-summary"]');
      return el?.getAttribute('data-status') === 'completed' && el.getAttribute('data-run') !== previous;
    },
    notId ?? null,
    { timeout: WORK_TIMEOUT_MS },
  );
  return (await page.getByTestId('run-summary').getAttribute('data-run'))!;
}

describe('hardship console', () => {
  it('imports a roster and a 低保 list, screens them and works through the results', { timeout: 600_000 }, async (ctx) => {
    const { page, pageErrors } = await openPage(ctx);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(decodeURIComponent(r.url())));
    const plan = smallPlan(Date.now());
    const today = localDateOf(Date.now(), ZONE);
    await mkdir(artifacts, { recursive: true });

    // Launched through the API with the signed-in browser's session (its cookie and CSRF token).
    await harness!.signIn(page, official);
    const session = (await (await page.request.get(`${harness!.stack.baseUrl}/api/auth/session`)).json()) as { csrfToken: string };
    const launched = await page.request.post(`${harness!.stack.baseUrl}/api/campaigns`, {
      data: { plan },
      headers: { 'X-CSRF-Token': session.csrfToken },
    });
    expect(launched.status(), await launched.text()).toBeLessThan(300);

    await page.goto(`${harness!.stack.baseUrl}/campaigns/${plan.id}`);
    await page.getByTestId('tab-hardship').click();
    await page.waitForURL(new RegExp(`/campaigns/${plan.id}/hardship`));
    await page.getByTestId('hardship-page').waitFor();
    expect(await page.getByTestId('hardship-policy').innerText()).toContain('120 元');

    // ---- the roster: every field recognised, imported without screening ----
    const roster = await uploadAndImport(page, { name: '江门市应参保花名册.csv', text: ROSTER_CSV }, { kind: 'roster' }, { screenAfter: false });
    // The card followed the import from the queue (or its reading), with its bar, to stored. (A
    // 30,000-row roster is read in about a second here, so the bar is not asserted to move.)
    expect(roster.seen.statuses.at(-1)).toBe('stored');
    expect(roster.seen.statuses.some((s) => s === 'pending' || s === 'running'), JSON.stringify(roster.seen)).toBe(true);
    expect(roster.seen.bar, JSON.stringify(roster.seen)).toBe(true);
    const rows = ROSTER_ROWS.toLocaleString('zh-CN');
    expect(await page.getByTestId('import-stored').innerText()).toContain(`已导入 ${rows} 行`);
    const rosterRow = page.locator('[data-testid="current-list"][data-list="roster"]');
    await rosterRow.waitFor();
    expect((await rosterRow.getByTestId('current-list-rows').innerText()).trim()).toBe(rows);
    await page.getByTestId('import-progress').screenshot({ path: path.join(artifacts, 'hardship-import.png') });

    // ---- a workbook whose list is on its second sheet: offered sheet by sheet, the hidden row named ----
    const panel = page.getByTestId('hardship-upload');
    await panel.getByTestId('upload-list').selectOption('hardship');
    await panel.getByTestId('upload-file').setInputFiles({ name: '特困人员名单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(twoSheetWorkbook()) });
    await panel.getByTestId('upload-send').click();
    await panel.getByTestId('upload-mapping').waitFor();
    expect(await panel.getByTestId('upload-mapping').getAttribute('data-ok')).toBe('false');
    expect(await panel.getByTestId('mapping-hints').innerText()).toContain('只读取了工作表“填表说明”（第 1 个）；工作簿中还有：“特困名单”（第 2 个）');
    expect(await panel.getByTestId('upload-sheet').locator('option').allInnerTexts()).toEqual(['第 1 个：填表说明', '第 2 个：特困名单']);
    await panel.getByTestId('upload-sheet').selectOption({ label: '第 2 个：特困名单' });
    await page.waitForFunction(() => document.querySelector('[data-testid="upload-mapping"]')?.getAttribute('data-ok') === 'true', null, { timeout: WORK_TIMEOUT_MS });
    expect(await panel.getByTestId('upload-warnings').innerText()).toContain('第 3 行为 Excel 中的隐藏行');
    await panel.screenshot({ path: path.join(artifacts, 'hardship-upload-sheets.png') });
    await panel.getByRole('button', { name: '重新选择' }).click();

    // ---- a list with a mistyped ID number is refused: the reason, the row, the report ----
    await uploadAndImport(
      page,
      { name: '低保对象名单-有误.csv', text: BAD_CSV },
      { kind: 'hardship', category: 'dibao', department: '民政局', date: today },
      { screenAfter: true, refused: true },
    );
    expect((await page.getByTestId('import-message').innerText()).length).toBeGreaterThan(0);
    const errorRow = page.getByTestId('import-errors').getByTestId('import-error-row');
    expect(await errorRow.count()).toBe(1);
    const errorCells = await errorRow.locator('td').allInnerTexts();
    expect(errorCells[0]).toBe('3');
    expect(errorCells[2]).not.toContain(BAD_ID);
    expect(errorCells[3].length).toBeGreaterThan(0);
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-errors-download').click()]);
    expect((await readFile((await report.path())!)).subarray(0, 2).toString('latin1')).toBe('PK');
    await page.getByTestId('import-progress').screenshot({ path: path.join(artifacts, 'hardship-import-refused.png') });
    expect(await page.locator('[data-testid="current-list"][data-category="dibao"]').count()).toBe(0);

    // ---- the 低保 list from 民政局: stored, and the screening it starts is shown ----
    await uploadAndImport(
      page,
      { name: '低保对象名单.csv', text: DIBAO_CSV },
      { kind: 'hardship', category: 'dibao', department: '民政局', date: today },
      { screenAfter: true },
    );
    await page.locator('[data-testid="current-list"][data-category="dibao"]').waitFor();
    const run1 = await completedRun(page);
    expect(await count(page, 'run-counts', 'listed')).toBe('8');
    expect(await count(page, 'run-counts', 'covered')).toBe('2');
    expect(await count(page, 'run-counts', 'toMobilise')).toBe('2');
    expect(await count(page, 'run-counts', 'ineligible')).toBe('4');
    expect(await count(page, 'run-counts', 'refused')).toBe('0');
    // The county pays the 120-yuan minimum for each of the two covered.
    expect(await count(page, 'run-counts', 'govPaidFen')).toBe('24000');
    expect(await page.getByTestId('run-counts').getByTestId('count-govPaidFen').innerText()).toContain('240.00元');
    for (const reason of ['not-local', 'deceased', 'drawing-pension', 'under-16']) {
      expect(await page.getByTestId(`ineligible-${reason}`).locator('dd').innerText()).toBe('1');
    }
    expect(await page.getByTestId('run-changes').innerText()).toContain('首次筛查');

    // ---- per unit, down to the villages ----
    const summary = page.getByTestId('unit-summary');
    await summary.waitFor();
    expect(await page.getByTestId('summary-self').getByTestId('summary-listed').innerText()).toBe('8');
    expect(await page.getByTestId(`summary-row-${PENGJIANG.code}`).getByTestId('summary-listed').innerText()).toBe('5');
    expect(await page.getByTestId(`summary-row-${JIANGHAI.code}`).getByTestId('summary-listed').innerText()).toBe('2');
    await page.getByTestId(`summary-row-${PENGJIANG.code}`).getByTestId('summary-drill').click();
    await page.waitForFunction((code) => document.querySelector('[data-testid="unit-summary"]')?.getAttribute('data-unit') === code, PENGJIANG.code);
    await page.getByTestId(`summary-row-${HUANSHI}`).getByTestId('summary-drill').click();
    await page.waitForFunction((code) => document.querySelector('[data-testid="unit-summary"]')?.getAttribute('data-unit') === code, HUANSHI);
    expect(await page.getByTestId(`summary-row-${BEIBU}`).getByTestId('summary-listed').innerText()).toBe('3');
    expect(await page.getByTestId(`summary-row-${CHENGXI}`).getByTestId('summary-listed').innerText()).toBe('2');
    expect(await page.getByTestId('summary-trail').innerText()).toContain('江门市');
    await page.screenshot({ path: path.join(artifacts, 'hardship-summary.png'), fullPage: true });

    // The to-mobilise count of 城西社区 opens its people below: C only.
    await page.getByTestId(`summary-row-${CHENGXI}`).getByTestId('summary-to-mobilise').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="results-total"]')?.getAttribute('data-total') === '1');
    const onlyRow = page.getByTestId('result-row');
    expect(await onlyRow.getByTestId('result-name').innerText()).toBe(person('C').name);
    expect(await onlyRow.getAttribute('data-outcome')).toBe('to-mobilise');

    // ---- search by name: one person, ID masked ----
    await page.getByTestId('results-clear').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="results-total"]')?.getAttribute('data-total') === '8');
    await page.getByTestId('results-query').fill(person('B').name);
    await page.getByTestId('results-search').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="results-total"]')?.getAttribute('data-total') === '1');
    const found = page.getByTestId('result-row');
    expect(await found.getByTestId('result-name').innerText()).toBe(person('B').name);
    expect(await found.getAttribute('data-outcome')).toBe('covered');
    const masked = (await found.getByTestId('result-id').innerText()).trim();
    expect(masked).not.toBe(person('B').id);
    expect(masked.startsWith(person('B').id.slice(0, 6))).toBe(true);
    expect(masked).toContain('*');
    expect(await found.getByTestId('result-gov-paid').innerText()).toBe('120.00');
    await page.screenshot({ path: path.join(artifacts, 'hardship-results.png'), fullPage: true });

    // ---- the county's real-name ledger downloads as XLSX ----
    await page.getByTestId('export-unit').selectOption(PENGJIANG.code);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-ledger').click()]);
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const [budget] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-budget').click()]);
    expect(budget.suggestedFilename()).toBe(`财政资金测算表-${PENGJIANG.name}.xlsx`);
    expect((await readFile((await budget.path())!)).subarray(0, 2).toString('latin1')).toBe('PK');

    // ---- a 特困 list with an unknown ID header: the column picker, then what changed ----
    await uploadAndImport(
      page,
      { name: '特困人员名单.csv', text: TEKUN_CSV },
      { kind: 'hardship', category: 'tekun', department: '民政局', date: today },
      { screenAfter: true, pick: { idNumber: '第 1 列：居民身份证' } },
    );
    const run2 = await completedRun(page, run1);
    expect(run2).not.toBe(run1);
    expect(await count(page, 'run-counts', 'listed')).toBe('9');
    expect(await count(page, 'run-counts', 'covered')).toBe('3');
    expect(await count(page, 'run-counts', 'govPaidFen')).toBe('36000');
    const changes = page.getByTestId('run-changes');
    expect(await changes.getByTestId('change-added').locator('dd').innerText()).toBe('1');
    expect(await changes.getByTestId('change-removed').locator('dd').innerText()).toBe('0');
    expect(await changes.getByTestId('change-categories').locator('dd').innerText()).toBe('1');
    expect(await changes.getByTestId('change-obligations').locator('dd').innerText()).toContain('120.00元');
    await page.getByTestId('results-change').selectOption('added');
    await page.waitForFunction(() => document.querySelector('[data-testid="results-total"]')?.getAttribute('data-total') === '1');
    expect(await page.getByTestId('result-row').getByTestId('result-name').innerText()).toBe(person('J').name);

    // ---- C refuses after two visits, with her written statement ----
    await page.getByTestId('results-clear').click();
    await page.getByTestId('results-outcome').selectOption('to-mobilise');
    await page.waitForFunction(() => document.querySelector('[data-testid="results-total"]')?.getAttribute('data-total') === '2');
    const cRow = page.locator('[data-testid="result-row"]', { hasText: person('C').name });
    await cRow.getByTestId('result-refuse').click();
    const dialog = page.getByTestId('refusal-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('refusal-visits').fill('1');
    await dialog.getByTestId('refusal-submit').click();
    expect(await dialog.getByTestId('refusal-problems').innerText()).toContain('至少 2 次');
    await dialog.getByTestId('refusal-visits').fill('3');
    await dialog.getByTestId('refusal-by-person').check();
    await dialog.getByTestId('refusal-note').fill('经三次上门动员,本人书面声明不参保');
    await dialog.getByTestId('refusal-file').setInputFiles({ name: '书面声明.png', mimeType: 'image/png', buffer: PNG });
    await dialog.screenshot({ path: path.join(artifacts, 'hardship-refusal.png') });
    await dialog.getByTestId('refusal-submit').click();
    await page.getByTestId('refusal-recorded').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="count-refused"]')?.getAttribute('data-value') === '1');
    expect(await count(page, 'run-counts', 'toMobilise')).toBe('1');

    // ---- the county's page shows its hardship card ----
    await page.goto(`${harness!.stack.baseUrl}/campaigns/${plan.id}/units/${PENGJIANG.code}`);
    // The page's own figures first, then the card (it waits on two more answers and a lazily loaded chunk).
    await page.getByTestId('unit-figures').waitFor();
    const card = page.getByTestId('unit-hardship');
    await card.waitFor({ timeout: 60_000 });
    // 蓬江区: A, B, C (now refused), E, F.
    expect(await card.getByTestId('count-listed').getAttribute('data-value')).toBe('5');
    expect(await card.getByTestId('count-refused').getAttribute('data-value')).toBe('1');
    await card.screenshot({ path: path.join(artifacts, 'hardship-unit-card.png') });
    await card.getByTestId('unit-hardship-link').click();
    await page.waitForURL(new RegExp(`/hardship\\?unit=${PENGJIANG.code}`));
    await page.waitForFunction((code) => document.querySelector('[data-testid="unit-summary"]')?.getAttribute('data-unit') === code, PENGJIANG.code);

    // ---- a screening of one county: 江海区's D, G and J ----
    await page.getByTestId('screen-county').selectOption(JIANGHAI.code);
    await page.getByTestId('screen-start').click();
    const run3 = await completedRun(page, run2);
    expect(await page.getByTestId('run-picker').inputValue()).toBe(run3);
    expect(await page.getByTestId('run-picker').locator('option:checked').innerText()).toContain(JIANGHAI.name);
    expect(await count(page, 'run-counts', 'listed')).toBe('3');
    expect(await count(page, 'run-counts', 'covered')).toBe('1');
    expect(await count(page, 'run-counts', 'toMobilise')).toBe('1');
    expect(await count(page, 'run-counts', 'ineligible')).toBe('1');
    await page.screenshot({ path: path.join(artifacts, 'hardship-county-run.png'), fullPage: true });

    // Nothing personal ever went into an address.
    for (const p of people) {
      expect(requests.filter((u) => u.includes(p.id) || u.includes(p.name))).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
  });
});

describe('personal data at rest in Temporal and in the logs', () => {
  it('leaves no ID number or name in plain text in any workflow history or log line', { timeout: 120_000 }, async () => {
    if (!harness) throw new Error('stack not started');
    // Read without the codec: what the Temporal service (and anyone reading its database) holds.
    const { text: histories, workflows, encrypted } = await historiesText(harness.stack.temporalAddress);
    expect(workflows).toBeGreaterThan(5); // the campaign, its units, imports and screenings
    expect(encrypted).toBeGreaterThan(0);
    const written = writes.text();
    const needles = people.flatMap((p) => [p.id, p.id.slice(0, 14), p.name]);
    expect(needles.filter((n) => histories.includes(n))).toEqual([]);
    expect(needles.filter((n) => written.includes(n))).toEqual([]);
    // Nor any other valid ID number standing alone (a timestamp or a counter is not one: it fails GB 11643).
    expect(idNumbersIn(histories)).toEqual([]);
    expect(idNumbersIn(written)).toEqual([]);
  });
});
