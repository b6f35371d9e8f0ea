// The console in a real browser against the real stack (Temporal dev server, PGlite, worker, API
// serving the built web/dist): launch the demo, see the seven Jiangmen counties running, drill into a
// county's towns and come back by the breadcrumb; and a bad plan shows its failing paths.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startStack } from '../support/stack';
import { toolchain } from '../support/toolchain';

const root = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = path.join(root, 'test-artifacts');

const JIANGMEN_COUNTIES = ['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市'];
/** Unit workflows start after the campaign's first transition; give the worker time on a slow machine. */
const LIVE_TIMEOUT_MS = 60_000;

let stack: Awaited<ReturnType<typeof startStack>> | undefined;
let browser: Browser | undefined;

/**
 * Builds web/dist in a child process: inside vitest NODE_ENV is `test`, which would bundle React's
 * development build; the console under test should be the one `npm start` serves.
 */
async function buildWeb(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, timeout: 300_000 },
  );
}

beforeAll(async () => {
  await buildWeb();
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: toolchain().chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A fresh browser context per test; page errors fail the test, and a failure leaves a screenshot. */
async function openPage(ctx: TestContext): Promise<{ page: Page; pageErrors: string[] }> {
  if (!browser || !stack) throw new Error('stack or browser not started');
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // One hook, because vitest runs onTestFinished before onTestFailed and the page must outlive the screenshot.
  ctx.onTestFinished(async () => {
    if (ctx.task.result?.state === 'fail') {
      await mkdir(artifacts, { recursive: true });
      const file = path.join(artifacts, `console-failure-${ctx.task.name.replace(/\W+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    }
    await context.close();
  });
  return { page, pageErrors };
}

describe('console', () => {
  it('launches the demo, shows the Jiangmen counties running and drills into a county', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx);
    await page.goto(stack!.baseUrl);

    await page.getByTestId('launch-demo').first().click();
    await page.waitForURL(/\/campaigns\/[^/]+$/);
    const campaignUrl = page.url();

    await page.getByTestId('phase-timeline').waitFor();
    await page.getByTestId('county-table').waitFor();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="county-table"] tbody tr[data-status="active"]').length >= n,
      JIANGMEN_COUNTIES.length,
      { timeout: LIVE_TIMEOUT_MS },
    );
    await page.waitForFunction(() => document.querySelector('[data-testid="campaign-status"]')?.getAttribute('data-status') === 'running', null, {
      timeout: LIVE_TIMEOUT_MS,
    });

    const countyTable = page.getByTestId('county-table');
    const names = await countyTable.locator('tbody td.unit-name').allInnerTexts();
    expect(names.map((n) => n.trim()).sort()).toEqual([...JIANGMEN_COUNTIES].sort());
    const statuses = await countyTable.locator('[data-testid^="unit-status-"]').allInnerTexts();
    expect(statuses).toHaveLength(JIANGMEN_COUNTIES.length);
    expect(new Set(statuses.map((s) => s.trim()))).toEqual(new Set(['进行中']));
    expect((await page.getByTestId('campaign-status').innerText()).trim()).toBe('进行中');
    // The current phase is highlighted and its deadline counted down in the plan's time zone.
    expect(await page.getByTestId('phase-timeline').locator('.phase-item.current').count()).toBe(1);
    expect(await page.getByTestId('countdown').innerText()).toMatch(/截止还有/);

    // Drill down by clicking the row (not the link) of 台山市.
    const row = countyTable.locator('tbody tr', { hasText: '台山市' });
    const rowTestId = await row.getAttribute('data-testid');
    const code = rowTestId?.replace(/^unit-row-/, '');
    expect(code).toMatch(/^\d{6}$/);
    await row.locator('td').first().click();
    await page.waitForURL(new RegExp(`/campaigns/[^/]+/units/${code}$`));

    await page.getByTestId('children-table').waitFor();
    expect((await page.getByTestId('unit-title').innerText()).trim()).toBe('台山市');
    const towns = page.getByTestId('children-table').locator('tbody tr');
    expect(await towns.count()).toBeGreaterThan(0);
    expect(await page.locator('h2', { hasText: '各镇(街道)' }).count()).toBe(1);
    const breadcrumbs = page.getByTestId('breadcrumbs');
    expect(await breadcrumbs.innerText()).toContain('江门市');

    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'console-county.png'), fullPage: true });

    // The owning region's crumb leads back to the campaign page.
    await breadcrumbs.getByRole('link', { name: '江门市' }).click();
    await page.waitForURL(campaignUrl);
    await page.getByTestId('county-table').waitFor();
    expect(await page.getByTestId('county-table').locator('tbody tr').count()).toBe(JIANGMEN_COUNTIES.length);

    expect(pageErrors).toEqual([]);
  });

  it('shows each failing path of a bad pasted plan', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx);
    await page.goto(`${stack!.baseUrl}/launch`);

    const noPhases = [
      'id: e2e-bad-plan',
      'title: 缺少阶段的方案',
      'year: 2030',
      "region: { code: '440700', name: 江门市, level: city }",
      'targets: { enrolled: 1000 }',
    ].join('\n');
    await page.getByTestId('plan-text').fill(noPhases);
    await page.getByTestId('preview-button').click();

    const errors = page.getByTestId('plan-errors');
    await errors.waitFor();
    const paths = (await errors.locator('.issue-path').allInnerTexts()).map((p) => p.trim());
    expect(paths).toContain('phases');
    const phasesItem = errors.locator('[data-testid="plan-error"]', { hasText: 'phases' });
    expect((await phasesItem.locator('.issue-message').innerText()).trim()).not.toBe('');
    expect(await page.getByTestId('plan-preview').count()).toBe(0);

    expect(pageErrors).toEqual([]);
  });
});
