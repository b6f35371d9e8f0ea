// The village clerk's registers and the 缴费情况公示 in a real browser against the real stack (Temporal
// dev server, PGlite, worker, API serving the built web/dist), on a phone's 375 px. An official of
// Jiangmen launches a small plan with a 公示 milestone and notice block, and delivers a roster and the
// tax bureau's per-person feed (through the API, with the browser's session). On the phone the official
// prepares 北步社区's notice, previews it, approves it with a note and releases it. The clerk of 北步社区
// signs in, sees only their village's unpaid list (another village's is 未找到), records a visit,
// downloads the list, then prints and downloads the released notice; every file is masked. At the end
// no full ID number or name of the fixture is in any Temporal history or in the app's logs.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { computeCheckDigit } from '../../domain/idNumber';
import { addDaysLocal, localDateOf } from '../../domain/time';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { scrollsSideways } from '../support/charts';
import { captureWrites, historiesText, idNumbersIn } from '../support/personalData';
import type { TestUser } from '../support/stack';

const ZONE = 'Asia/Shanghai';
const WORK_TIMEOUT_MS = 90_000;
const PHONE = { width: 375, height: 812 };

const BEIBU = '440703001001';
const CHENGXI = '440703001002';

function idNumber(region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

// 北步社区: 陈雅芳 and 黄志强 paid, 李秀英 (a failed deduction) and 梁伯坤 not; 城西社区: 何桂兰 paid, 林建军 not.
const people = [
  { id: idNumber('440703', '19700312', 11), name: '陈雅芳', village: BEIBU, lastYear: '180', pays: '180', status: '扣费成功' },
  { id: idNumber('440703', '19650704', 23), name: '黄志强', village: BEIBU, lastYear: '240', pays: '360', status: '扣费成功' },
  { id: idNumber('440703', '19801120', 35), name: '李秀英', village: BEIBU, lastYear: '180', pays: '180', status: '扣费失败' },
  { id: idNumber('440703', '19580215', 51), name: '梁伯坤', village: BEIBU, lastYear: '', pays: null, status: null },
  { id: idNumber('440703', '19500830', 62), name: '何桂兰', village: CHENGXI, lastYear: '180', pays: '180', status: '扣费成功' },
  { id: idNumber('440703', '19900909', 93), name: '林建军', village: CHENGXI, lastYear: '240', pays: null, status: null },
];
const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

let harness: ConsoleHarness | undefined;
let official: TestUser;
let clerk: TestUser;
const writes = captureWrites();

beforeAll(async () => {
  harness = await startConsole('notices');
  official = await harness.stack.createUser({ username: 'jm.notice', password: 'Jiangmen-Notice-4471', role: 'official', regionCode: '440700', displayName: '江门市社保局 周科长' });
  clerk = await harness.stack.createUser({ username: 'bb.clerk', password: 'Beibu-Clerk-9023', role: 'clerk', regionCode: BEIBU, displayName: '北步社区 陈协管员' });
});

afterAll(async () => {
  await harness?.stop();
  writes.restore();
});

const openPhone = (ctx: TestContext) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, PHONE);
};

function planOf(now: number) {
  const today = localDateOf(now, ZONE);
  return {
    id: `e2e-notice-${now.toString(36)}`,
    title: 'E2E 缴费情况公示演练',
    year: Number(today.slice(0, 4)),
    region: { code: '440700', name: '江门市', level: 'city' },
    timeZone: ZONE,
    phases: [{ key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: today, deadline: addDaysLocal(today, 30) }],
    targets: { enrolled: 10, paying: 6 },
    breakdown: [
      {
        code: '440703',
        name: '蓬江区',
        level: 'county',
        children: [
          {
            code: '440703001',
            name: '环市街道',
            level: 'town',
            children: [
              { code: BEIBU, name: '北步社区', level: 'village' },
              { code: CHENGXI, name: '城西社区', level: 'village' },
            ],
          },
        ],
      },
    ],
    milestones: [{ key: 'publicity', name: '缴费明细公示（已缴费及未缴费人员清册）', due: addDaysLocal(today, 60), remindWorkingDays: [3], levels: ['village'] }],
    notice: { milestone: 'publicity', registers: 'both', mask: { name: '张*明', idNumber: '前6后4' }, days: 7, contact: '如有异议，请在公示期内向北步社区居民委员会反映（联系电话：0750-3123456）。' },
  };
}

const csv = (rows: string[][]) => `\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;

/** The signed-in page's API: its cookie and CSRF token. */
async function apiOf(page: Page) {
  const base = harness!.stack.baseUrl;
  const { csrfToken } = (await (await page.request.get(`${base}/api/auth/session`)).json()) as { csrfToken: string };
  const post = async (p: string, data: unknown, headers: Record<string, string> = {}) => {
    const res = await page.request.post(`${base}${p}`, { data: data as never, headers: { 'X-CSRF-Token': csrfToken, ...headers } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const until = async (p: string) => {
    const deadline = Date.now() + WORK_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const body = (await (await page.request.get(`${base}${p}`)).json()) as { status: string };
      if (!['pending', 'running'].includes(body.status)) return body;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out: ${p}`);
  };
  return { post, until, get: (p: string) => page.request.get(`${base}${p}`) };
}

/** Reads every sheet and the shared strings of a downloaded workbook as one text. */
async function workbookText(file: string): Promise<string> {
  const files = unzipSync(new Uint8Array(await readFile(file)));
  return Object.keys(files)
    .filter((f) => /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(f))
    .map((f) => strFromU8(files[f]))
    .join('\n');
}

describe('公示 and the clerk’s registers on a phone', () => {
  const plan = planOf(Date.now());
  const C = `/api/campaigns/${plan.id}`;

  it('an official delivers the data, prepares, previews, approves and releases 北步社区’s notice at 375 px', { timeout: 600_000 }, async (ctx) => {
    const { page, pageErrors } = await openPhone(ctx);
    await mkdir(artifacts, { recursive: true });
    page.on('dialog', (d) => void d.accept());
    await harness!.signIn(page, official);
    const api = await apiOf(page);
    await api.post('/api/campaigns', { plan });
    // The campaign's units are written by its first activity: the roster needs the campaign row only.
    const today = localDateOf(Date.now(), ZONE);
    const roster = csv([
      ['身份证号', '姓名', '户籍地行政区划代码', '参保状态', '本年缴费档次', '上年缴费档次', '缴费状态', '是否领取待遇'],
      ...people.map((p) => [p.id, p.name, p.village, '已参保', '', p.lastYear, '', '否']),
    ]);
    const upload = async (p: string, name: string, body: string) => {
      const res = await page.request.post(`${harness!.stack.baseUrl}${p}`, {
        data: Buffer.from(body, 'utf8'),
        headers: { 'X-CSRF-Token': (await (await api.get('/api/auth/session')).json()).csrfToken, 'content-type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(name) },
      });
      expect(res.status(), await res.text()).toBe(201);
      return ((await res.json()) as { uploadId: string }).uploadId;
    };
    const rosterImport = await api.post(`${C}/hardship/imports`, { uploadId: await upload(`${C}/hardship/uploads?list=roster`, '花名册.csv', roster), list: 'roster' });
    expect((await api.until(`${C}/hardship/imports/${String(rosterImport.importId)}`)).status).toBe('stored');
    const feed = csv([
      ['身份证号', '姓名', '缴费年度', '档次', '金额', '缴费日期', '渠道', '状态'],
      ...people.filter((p) => p.pays).map((p) => [p.id, p.name, String(plan.year), p.pays!, '', today, '手机', p.status!]),
    ]);
    const feedImport = await api.post(`${C}/payments/imports`, { uploadId: await upload(`${C}/payments/uploads`, `逐人缴费明细-${today}.csv`, feed) });
    expect((await api.until(`${C}/payments/imports/${String(feedImport.importId)}`)).status).toBe('stored');

    // From the village's unit page to its 公示.
    await page.goto(`${harness!.stack.baseUrl}/campaigns/${plan.id}/units/${BEIBU}`);
    await page.getByTestId('unit-notices-link').click();
    await page.getByTestId('notices-page').waitFor();
    expect(await page.getByTestId('notices-page').locator('h1').innerText()).toBe('北步社区缴费情况公示');
    await page.getByTestId('notice-prepare').click();
    await page.getByTestId('notice-prepared').waitFor();
    const card = page.getByTestId('notice-card').first();
    await card.waitFor();
    expect(await card.getAttribute('data-state')).toBe('draft');
    expect(await page.getByTestId('notice-deadline').innerText()).toContain('缴费明细公示（已缴费及未缴费人员清册）');
    // The milestone waits for every village of the campaign: 北步社区 and 城西社区.
    expect(await page.getByTestId('notice-progress').innerText()).toBe('已发布 0／2 个村（居）');
    expect(await card.innerText()).toContain('已缴费 2 人，未缴费 2 人');
    // No public version of a draft: neither link is offered.
    expect(await card.getByTestId('notice-print').count()).toBe(0);
    await card.getByTestId('notice-preview').click();
    const rows = card.getByTestId('notice-rows');
    await rows.waitFor();
    const shown = await rows.innerText();
    expect(shown).toContain('陈*芳');
    expect(shown).toContain(masked(people[0].id));
    expect(shown).toContain('未缴');
    expect(await scrollsSideways(page)).toBe(false);
    // Every column of both registers is inside its box at 375 px: nothing clipped, nothing to scroll to.
    for (const register of ['paid', 'unpaid']) {
      const table = card.getByTestId(`notice-table-${register}`);
      const box = await table.evaluate((t) => {
        const wrap = t.parentElement!.getBoundingClientRect();
        const cells = [...t.querySelectorAll('tbody td')].map((c) => c.getBoundingClientRect());
        const named = [...t.querySelectorAll('tbody tr:first-child td')].map((c) => c.getAttribute('data-label') ?? '');
        return { overflow: t.parentElement!.scrollWidth - t.parentElement!.clientWidth, outside: cells.filter((c) => c.left < wrap.left - 0.5 || c.right > wrap.right + 0.5).length, cells: cells.length, named };
      });
      // Each value says what it is (the column's name beside it), as the printable notice heads it.
      expect(box, register).toEqual({ overflow: 0, outside: 0, cells: 8, named: ['序号', '', '身份证号', register === 'paid' ? '缴费档次（金额）' : '缴费情况'] });
    }
    await page.screenshot({ path: path.join(artifacts, 'notices-official-draft-375.png'), fullPage: true });

    // Approval needs a note.
    await card.getByTestId('notice-approve').click();
    expect(await card.getByRole('alert').innerText()).toContain('请填写审批意见');
    await card.getByTestId('notice-approve-note').fill('经核对，名单与税务数据一致，同意公示。');
    await card.getByTestId('notice-approve').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="notice-card"]')?.getAttribute('data-state') === 'approved');
    await card.getByTestId('notice-release').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="notice-card"]')?.getAttribute('data-state') === 'released');
    // The "prepared" message went with the draft.
    expect(await page.getByTestId('notice-prepared').count()).toBe(0);
    expect(await page.getByTestId('notice-progress').innerText()).toBe('已发布 1／2 个村（居）');
    expect(await card.getByTestId('notice-period').innerText()).toMatch(/^公示期：\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日$/);
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: path.join(artifacts, 'notices-official-released-375.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('the clerk sees only their village’s unpaid list, records a visit, downloads it, and prints and downloads the released notice', { timeout: 300_000 }, async (ctx) => {
    const { page, pageErrors } = await openPhone(ctx);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(decodeURIComponent(r.url())));
    await harness!.signIn(page, clerk, `/campaigns/${plan.id}/units/${BEIBU}/register`);
    const register = page.getByTestId('village-register');
    await register.waitFor();
    expect(await register.locator('h1').innerText()).toBe('北步社区未缴费人员清册');
    const persons = register.getByTestId('register-person');
    await persons.first().waitFor();
    const names = (await persons.allInnerTexts()).map((t) => t.split('\n')[0].trim());
    expect(names.sort()).toEqual(['李*英', '梁*坤'].sort());
    const text = await register.innerText();
    for (const p of people) {
      expect(text).not.toContain(p.id);
      expect(text).not.toContain(p.name);
    }
    // Another village's list is not found for this clerk.
    const other = await page.request.get(`${harness!.stack.baseUrl}/api/campaigns/${plan.id}/units/${CHENGXI}/registers/unpaid`);
    expect(other.status()).toBe(404);

    // A visit: 承诺缴费 for the first person, shown at once.
    const first = persons.first();
    const firstName = (await first.innerText()).split('\n')[0].trim();
    await first.getByTestId('visit-promised').click();
    await page.getByRole('status').filter({ hasText: '已记录：承诺缴费' }).waitFor();
    expect(await first.getByTestId('visit-promised').getAttribute('class')).toContain('button-primary');
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: path.join(artifacts, 'notices-clerk-register-375.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), register.getByTestId('register-download').click()]);
    const registerFile = path.join(artifacts, 'notices-clerk-unpaid.xlsx');
    await download.saveAs(registerFile);
    const sheet = await workbookText(registerFile);
    expect(sheet).toContain('未缴费人员清册');
    expect(sheet).toContain(firstName);
    expect(sheet).toContain('承诺缴费');
    for (const p of people) {
      expect(sheet).not.toContain(p.id);
      expect(sheet).not.toContain(p.name);
    }

    // The released notice, from the village page.
    await page.goto(`${harness!.stack.baseUrl}/campaigns/${plan.id}/units/${BEIBU}`);
    await page.getByTestId('unit-notices-link').click();
    const card = page.getByTestId('notice-card');
    await card.first().waitFor();
    expect(await card.count()).toBe(1);
    expect(await card.getAttribute('data-state')).toBe('released');
    // The clerk neither prepares nor approves.
    expect(await page.getByTestId('notice-prepare').count()).toBe(0);
    expect(await card.getByTestId('notice-approve-form').count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, 'notices-clerk-list-375.png'), fullPage: true });
    const [noticeDownload] = await Promise.all([page.waitForEvent('download'), card.getByTestId('notice-download').click()]);
    const noticeFile = path.join(artifacts, 'notices-clerk-notice.xlsx');
    await noticeDownload.saveAs(noticeFile);
    const noticeSheet = await workbookText(noticeFile);
    for (const s of ['北步社区', '缴费情况公示', '已缴费人员名单', '未缴费人员名单', '陈*芳', '未缴', '北步社区居民委员会']) expect(noticeSheet).toContain(s);

    const href = (await card.getByTestId('notice-print').getAttribute('href'))!;
    await page.goto(new URL(href, harness!.stack.baseUrl).toString());
    const html = await page.content();
    expect(await page.locator('h1').innerText()).toMatch(/^北步社区\d{4}年度城乡居民基本养老保险缴费情况公示$/);
    for (const p of people) {
      expect(html).not.toContain(p.id);
      expect(html).not.toContain(p.name);
    }
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: path.join(artifacts, 'notices-print-375.png'), fullPage: true });
    // No name or ID number ever travelled in an address.
    for (const p of people) expect(requests.filter((u) => u.includes(p.id) || u.includes(p.name))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('leaves no full ID number or name of the fixture in any workflow history or log line', { timeout: 120_000 }, async () => {
    if (!harness) throw new Error('stack not started');
    const { text: histories, workflows } = await historiesText(harness.stack.temporalAddress);
    expect(workflows).toBeGreaterThan(2);
    const written = writes.text();
    const needles = people.flatMap((p) => [p.id, p.id.slice(0, 14), p.name]);
    expect(needles.filter((n) => histories.includes(n))).toEqual([]);
    expect(needles.filter((n) => written.includes(n))).toEqual([]);
    expect(idNumbersIn(histories)).toEqual([]);
    expect(idNumbersIn(written)).toEqual([]);
  });
});
