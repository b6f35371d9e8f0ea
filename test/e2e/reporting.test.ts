// Reporting, escalation and circulars in a real browser against the real stack (Temporal dev server,
// PGlite, worker, API serving the built web/dist), signed in as an official of Jiangmen (440700), whom
// the server records as the actor of every report, answer and approval. A small two-county plan is launched through the
// console with one report period due about a minute after launch (Beijing time, no holiday shift):
// one county reports through the unit page's form before the due time and sees its receipt and the
// report in the list; the other does not, so at the due instant the escalation board shows its
// reminder with the reason, which is acknowledged; and the circular drafted at the period's close is
// approved and becomes 已发布. The reporting county's page draws its figure against the pace and the
// target and its trend across periods (series and points counted in the SVG), its amount in 万元, and
// fits a 375 px phone; the deadlines board groups what is due by county.
import { mkdir } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { addDaysLocal, formatLocal, localDateOf } from '../../domain/time';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { chartPaths, COLOURS, lines, scrollsSideways, symbols } from '../support/charts';
import type { TestUser } from '../support/stack';

const ZONE = 'Asia/Shanghai';

/** Unit workflows start after the campaign's first transition; give the worker time on a slow machine. */
const LIVE_TIMEOUT_MS = 60_000;
/** At least this long between building the plan and its due instant: enough to launch and report on time. */
const LEAD_MS = 60_000;
/** After the due instant: the timers fire, the activities write the read model, the page polls (3 s). */
const AFTER_DUE_MS = 90_000;

const REPORTER = { code: '440703', name: '蓬江区' };
const SILENT = { code: '440704', name: '江海区' };

let harness: ConsoleHarness | undefined;
let stack: ConsoleHarness['stack'] | undefined;
let official: TestUser;

beforeAll(async () => {
  harness = await startConsole('reporting');
  stack = harness.stack;
  official = await stack.createUser({ username: 'jm.reporting', password: 'Jiangmen-Report-5172', role: 'official', regionCode: '440700', displayName: '江门市社保局 李主任' });
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (ctx: TestContext) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, { width: 1440, height: 900 });
};

/**
 * Two counties (one town each), a ten-day payment phase from today, and one county report due at a
 * whole minute at least LEAD_MS from now, Beijing time. `shift: none`, so a weekend or holiday today
 * does not move it; the ladder's first rung (提醒) fires at the due instant itself.
 */
function smallPlan(now: number) {
  let dueAt = Math.ceil((now + LEAD_MS) / 60_000) * 60_000;
  // 00:00 would read as the previous day's 24:00: keep the example plain.
  if (formatLocal(dueAt, ZONE).endsWith(' 00:00')) dueAt += 60_000;
  const [dueDate, dueTime] = formatLocal(dueAt, ZONE).split(' ');
  const today = localDateOf(now, ZONE);
  const county = (c: { code: string; name: string }, town: string) => ({
    code: c.code,
    name: c.name,
    level: 'county',
    targets: { enrolled: 1000, paying: 500 },
    children: [{ code: `${c.code}001`, name: town, level: 'town', targets: { enrolled: 1000, paying: 500 } }],
  });
  const plan = {
    id: `e2e-reporting-${now.toString(36)}`,
    title: 'E2E 报送与督办演练',
    year: Number(today.slice(0, 4)),
    region: { code: '440700', name: '江门市', level: 'city' },
    timeZone: ZONE,
    phases: [{ key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: today, deadline: addDaysLocal(today, 10) }],
    targets: { enrolled: 2000, paying: 1000 },
    breakdownRule: 'sum-equals',
    breakdown: [county(REPORTER, '环市街道'), county(SILENT, '江南街道')],
    reporting: {
      rule: { kind: 'days-of-month', days: [Number(dueDate.slice(8, 10))] },
      start: dueDate,
      end: dueDate,
      dueTime,
      shift: 'none',
      levels: ['county'],
    },
    escalation: {
      ladder: [
        { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
        { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
        { rung: 'circular', name: '通报批评', delayWorkingDays: 3, notify: ['unit', 'parent', 'city'] },
      ],
      paceMargin: 0.05,
      warningWindowDays: 1,
    },
  };
  return { plan, dueAt, dueDate, dueTime };
}

describe('reporting console', () => {
  it('reports through the unit page, shows the escalation board and approves the circular', { timeout: 420_000 }, async (ctx) => {
    const { page, pageErrors } = await openPage(ctx);
    const { plan, dueAt, dueDate, dueTime } = smallPlan(Date.now());

    // ---- launch through the console, reading the report schedule in the preview first ----
    await harness!.signIn(page, official, '/launch');
    await page.getByTestId('mode-yaml').click(); // the plan as text: the advanced view of the wizard
    await page.getByTestId('plan-text').fill(JSON.stringify(plan, null, 2));
    await page.getByTestId('preview-button').click();
    const schedule = page.getByTestId('preview-schedule-county');
    await schedule.waitFor();
    const previewRows = schedule.getByTestId('preview-period');
    expect(await previewRows.count()).toBe(1);
    expect(await previewRows.first().innerText()).toContain(dueDate);
    expect(await previewRows.first().getAttribute('data-shifted')).toBe('false');
    await mkdir(artifacts, { recursive: true });
    await page.getByTestId('plan-preview').screenshot({ path: path.join(artifacts, 'reporting-launch-preview.png') });

    await page.getByTestId('launch-button').click();
    await page.waitForURL(new RegExp(`/campaigns/${plan.id}$`));
    await page.getByTestId('county-table').waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="county-table"] tbody tr[data-status="active"]').length >= 2,
      null,
      { timeout: LIVE_TIMEOUT_MS },
    );
    // Every county row carries its light as a coloured dot and a word.
    const light = page.getByTestId(`unit-light-${REPORTER.code}`);
    expect(await light.getAttribute('data-light')).toMatch(/^(red|yellow|blue|green)$/);
    expect((await light.innerText()).trim()).toMatch(/^（红|黄|蓝|绿）/);

    // ---- one county reports on time through the form ----
    await page.getByTestId('county-table').getByRole('link', { name: REPORTER.name }).click();
    await page.waitForURL(new RegExp(`/units/${REPORTER.code}$`));
    const form = page.getByTestId('report-form');
    await form.waitFor();
    expect(await page.getByTestId('report-period').inputValue()).toBe(dueDate);
    expect(await page.getByTestId('report-schedule').innerText()).toContain(dueTime);

    // A slip is caught before anything is sent.
    await page.getByTestId('report-enrolled').fill('800');
    await page.getByTestId('report-paid').fill('900');
    await page.getByTestId('report-amountYuan').fill('54000');
    await page.getByTestId('report-submit').click();
    expect(await page.getByTestId('report-paid-error').innerText()).toContain('缴费人数不能大于参保人数');
    expect(await page.getByTestId('report-receipt').count()).toBe(0);

    await page.getByTestId('report-paid').fill('300');
    await page.getByTestId('report-mobilePaid').fill('250');
    await page.getByTestId('report-hardshipCovered').fill('12');
    await page.getByTestId('report-note').fill('E2E 首次报送');
    await page.getByTestId('report-submit').click();
    const receipt = page.getByTestId('report-receipt');
    await receipt.waitFor();
    const receiptText = await receipt.innerText();
    expect(receiptText).toMatch(/已报送（第 1 次）|已报送（迟报）/);
    expect(receiptText).toContain(dueDate);
    if (Date.now() < dueAt - 5_000) expect(receiptText).toContain('已报送（第 1 次）');

    const reportRow = page.getByTestId('report-list').locator(`[data-testid="report-row"][data-period="${dueDate}"]`);
    await reportRow.waitFor();
    expect(await reportRow.getAttribute('data-revision')).toBe('1');
    const reportText = await reportRow.innerText();
    expect(reportText).toContain(official.displayName);
    expect(reportText).toContain('300');
    await page.waitForFunction(
      (key) => ['reported', 'late'].includes(document.querySelector(`[data-testid="period-status-${key}"]`)?.getAttribute('data-status') ?? ''),
      dueDate,
    );
    // The figures in 万: 54,000 yuan reads 5.40万元.
    await page.waitForFunction(() => document.querySelector('[data-testid="figure-amount"] .figure-value')?.textContent === '5.40万元');
    // The progress chart: the reported paid figure (one point), the pace line and the target: three series.
    const progress = page.getByTestId('progress-chart');
    await page.waitForFunction(() => document.querySelector('[data-testid="progress-chart"]')?.getAttribute('data-points')?.startsWith('1,'));
    const progressPaths = await chartPaths(page, 'progress-chart');
    expect(await progress.getAttribute('data-series')).toBe('3');
    expect(await progress.getAttribute('data-points')).toBe('1,2,2');
    expect(symbols(progressPaths, COLOURS.actual)).toHaveLength(1);
    expect(lines(progressPaths, COLOURS.pace).filter((l) => l.dash)).toHaveLength(1);
    expect(lines(progressPaths, COLOURS.target).filter((l) => l.dash)).toHaveLength(1);
    expect(await page.getByTestId('progress-chart-summary').innerText()).toMatch(/缴费人数300，完成目标 500 的 60\.0%/);
    expect(await page.getByTestId('progress-chart-table').getByTestId('progress-chart-row').count()).toBe(1);
    // The trend across periods: enrolled and paid, one period reported, one point each.
    const trendPaths = await chartPaths(page, 'trend-chart');
    expect(await page.getByTestId('trend-chart').getAttribute('data-series')).toBe('2');
    expect(symbols(trendPaths, COLOURS.enrolled)).toHaveLength(1);
    expect(symbols(trendPaths, COLOURS.actual)).toHaveLength(1);
    expect(await page.getByTestId('trend-chart-table').innerText()).toContain(dueDate);
    await page.screenshot({ path: path.join(artifacts, 'reporting-unit-1440.png'), fullPage: true });

    // The same page on a clerk's phone: nothing scrolls sideways, the form's button is a 44 px target.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForFunction(() => document.documentElement.clientWidth === 375);
    await page.waitForFunction(() => {
      const svg = document.querySelector('[data-testid="progress-chart-canvas"] svg');
      return !!svg && svg.getBoundingClientRect().width <= 375;
    });
    expect(await scrollsSideways(page)).toBe(false);
    expect((await page.getByTestId('report-submit').boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(symbols(await chartPaths(page, 'progress-chart'), COLOURS.actual)).toHaveLength(1);
    await page.screenshot({ path: path.join(artifacts, 'reporting-unit-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    // ---- the other county misses the due time: its reminder appears on the escalation board ----
    await page.getByTestId('breadcrumbs').getByRole('link', { name: '江门市' }).click();
    await page.getByTestId('tab-escalations').click();
    await page.waitForURL(new RegExp(`/campaigns/${plan.id}/escalations$`));
    await page.getByTestId('escalation-board').waitFor();
    const waitMs = Math.max(0, dueAt - Date.now()) + AFTER_DUE_MS;
    const missedRow = page.locator(
      `[data-testid="escalation-table"] [data-testid="escalation-row"][data-track="missed-report"][data-unit="${SILENT.code}"][data-rung="reminder"]`,
    );
    await missedRow.waitFor({ timeout: waitMs });
    expect(await missedRow.getByTestId('escalation-reason').innerText()).toContain(`${dueDate} 期报表应于`);
    expect(await missedRow.getByTestId('escalation-reason').innerText()).toContain('未报送');
    expect(await missedRow.getAttribute('data-status')).toBe('open');
    // The county that reported on time has no missed-report escalation.
    expect(
      await page.locator(`[data-testid="escalation-row"][data-track="missed-report"][data-unit="${REPORTER.code}"]`).count(),
    ).toBe(0);

    // Filter by track: the address carries it, every row matches.
    await page.getByTestId('filter-track').selectOption('missed-report');
    await page.waitForURL(/track=missed-report/);
    await missedRow.waitFor();
    const tracks = await page.locator('[data-testid="escalation-table"] [data-testid="escalation-row"]').evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-track')),
    );
    expect(tracks.length).toBeGreaterThan(0);
    expect(new Set(tracks)).toEqual(new Set(['missed-report']));

    // 签收: the row turns acknowledged and keeps the response.
    await missedRow.getByTestId('escalation-ack').click();
    await page.waitForFunction(
      (code) =>
        document
          .querySelector(`[data-testid="escalation-table"] [data-testid="escalation-row"][data-track="missed-report"][data-unit="${code}"][data-rung="reminder"]`)
          ?.getAttribute('data-status') === 'acknowledged',
      SILENT.code,
    );
    expect(await missedRow.getByTestId('escalation-responses').innerText()).toContain(official.displayName);

    // The whole board again (both tracks) for the screenshot.
    await page.getByTestId('filter-clear').click();
    await page.waitForURL(new RegExp(`/campaigns/${plan.id}/escalations$`));
    await missedRow.waitFor();
    await page.screenshot({ path: path.join(artifacts, 'reporting-board.png'), fullPage: true });

    // ---- the circular drafted at the period's close: approve it ----
    await page.getByTestId('tab-circulars').click();
    await page.waitForURL(new RegExp(`/campaigns/${plan.id}/circulars$`));
    const circular = page.getByTestId('circular-1');
    await circular.waitFor({ timeout: AFTER_DUE_MS });
    expect(await circular.getAttribute('data-status')).toBe('draft');
    expect((await circular.getByTestId('circular-status').innerText()).trim()).toBe('草稿');
    expect(await circular.getByTestId('ranking-row').count()).toBe(2);
    expect(await circular.getByTestId('circular-late').innerText()).toContain(SILENT.name);
    expect(await circular.getByTestId('circular-late').innerText()).not.toContain(REPORTER.name);

    // The document's head: the city's 人社局 offered, the 文号 from the office's register.
    expect(await circular.getByTestId('approve-issuer').inputValue()).toBe('江门市人力资源和社会保障局');
    await circular.getByTestId('approve-docno').fill('江人社通〔2026〕7号');
    await circular.getByTestId('approve-note').fill('数据已核对，同意发布');
    await circular.getByTestId('approve-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="circular-1"]')?.getAttribute('data-status') === 'published', null, {
      timeout: LIVE_TIMEOUT_MS,
    });
    expect((await circular.getByTestId('circular-status').innerText()).trim()).toBe('已发布');
    expect(await circular.getByTestId('circular-published').innerText()).toContain(official.displayName);
    expect(await circular.getByTestId('approve-form').count()).toBe(0);
    expect(await circular.getByTestId('circular-issuer').innerText()).toBe('发文单位：江门市人力资源和社会保障局 · 文号：江人社通〔2026〕7号');
    await page.screenshot({ path: path.join(artifacts, 'reporting-circular.png'), fullPage: true });

    // The printable 通报: red head, 文号, title, addressees, ranking, 落款 and the date, at 1440 and 375 px.
    const printHref = await circular.getByTestId('circular-print').getAttribute('href');
    const doc = await page.context().newPage();
    for (const [width, name] of [[1440, 'reporting-circular-print-1440.png'], [375, 'reporting-circular-print-375.png']] as const) {
      await doc.setViewportSize({ width, height: 900 });
      await doc.goto(new URL(printHref!, harness!.stack.baseUrl).href);
      const text = (part: string) => doc.locator(`[data-part="${part}"]`).innerText();
      expect(await text('issuer')).toBe('江门市人力资源和社会保障局');
      expect(await text('docno')).toBe('江人社通〔2026〕7号');
      expect(await text('addressee')).toBe('各县（市、区）人力资源和社会保障局：');
      expect(await text('signature')).toBe('江门市人力资源和社会保障局');
      expect(await text('date')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
      expect(await text('criticism')).toContain(`${SILENT.name}（未报）`);
      expect(await doc.locator('[data-part="ranking"] tbody tr').count()).toBe(2);
      expect(await scrollsSideways(doc)).toBe(false);
      await doc.screenshot({ path: path.join(artifacts, name), fullPage: true });
    }
    await doc.close();
    // The same document as XLSX, and the county progress table.
    const sheetText = async (href: string) => {
      const res = await page.request.get(new URL(href, harness!.stack.baseUrl).href);
      expect(res.status()).toBe(200);
      return strFromU8(unzipSync(new Uint8Array(await res.body()))['xl/worksheets/sheet1.xml']);
    };
    const circularSheet = await sheetText((await circular.getByTestId('circular-xlsx').getAttribute('href'))!);
    for (const part of ['江门市人力资源和社会保障局', '江人社通〔2026〕7号', '各县（市、区）人力资源和社会保障局：', `${SILENT.name}（未报）`]) expect(circularSheet).toContain(part);

    // ---- the silent county's own page: its escalations with the reason, answered there; its messages ----
    await page.getByTestId('tab-overview').click();
    const progressSheet = await sheetText((await page.getByTestId('units-xlsx').getAttribute('href'))!);
    for (const part of ['各单位进度表', '参保完成率', REPORTER.name, SILENT.name]) expect(progressSheet).toContain(part);
    await page.getByTestId('county-table').getByRole('link', { name: SILENT.name }).click();
    await page.waitForURL(new RegExp(`/units/${SILENT.code}$`));
    const unitRow = page.locator(
      `[data-testid="unit-escalation-table"] [data-testid="escalation-row"][data-track="missed-report"][data-rung="reminder"]`,
    );
    await unitRow.waitFor();
    expect(await unitRow.getAttribute('data-status')).toBe('acknowledged');
    expect(await unitRow.getByTestId('escalation-reason').innerText()).toContain('未报送');
    await unitRow.getByTestId('escalation-answer').click();
    await unitRow.getByTestId('escalation-text').fill('已督促镇街汇总,今日补报');
    await unitRow.getByTestId('escalation-submit').click();
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-testid="unit-escalation-table"] [data-testid="escalation-row"][data-track="missed-report"][data-rung="reminder"]')
          ?.getAttribute('data-status') === 'answered',
    );
    expect(await unitRow.getByTestId('escalation-responses').innerText()).toContain('今日补报');
    expect(await page.getByTestId(`period-status-${dueDate}`).getAttribute('data-status')).toBe('missed');
    await page.getByTestId('unit-inbox-list').getByTestId('inbox-message').first().waitFor();

    // ---- the top-level boards open; the deadlines grouped by county, the campaign-wide ones apart ----
    await page.getByTestId('nav-deadlines').click();
    await page.getByTestId('deadlines-board').waitFor();
    await page.getByTestId('deadlines-days-14').click();
    const silentGroup = page.locator(`[data-testid="deadlines-group"][data-group="${SILENT.code}"]`);
    await silentGroup.waitFor();
    expect(await silentGroup.locator('summary').innerText()).toContain(SILENT.name);
    expect(await page.locator('[data-testid="deadlines-group"][data-group=""]').locator('summary').innerText()).toContain('全局事项');
    await page.screenshot({ path: path.join(artifacts, 'reporting-deadlines.png'), fullPage: true });
    await page.getByTestId('nav-calendar').click();
    await page.getByTestId(`calendar-year-${dueDate.slice(0, 4)}`).waitFor();
    await page.getByTestId('calendar-editor').waitFor();

    expect(pageErrors).toEqual([]);
  });
});
