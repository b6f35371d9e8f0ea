// The console in a real browser against the real stack (Temporal dev server, PGlite, worker, API
// serving the built web/dist), signed in as an official of Jiangmen (440700): launch the demo, see the seven Jiangmen counties running, drill into a
// county's towns and come back by the breadcrumb; and a bad plan shows its failing paths.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import type { TestUser } from '../support/stack';

const JIANGMEN_COUNTIES = ['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市'];
/** Unit workflows start after the campaign's first transition; give the worker time on a slow machine. */
const LIVE_TIMEOUT_MS = 60_000;

let harness: ConsoleHarness | undefined;
let stack: ConsoleHarness['stack'] | undefined;
let official: TestUser;

beforeAll(async () => {
  harness = await startConsole('console');
  stack = harness.stack;
  official = await stack.createUser({ username: 'jm.official', password: 'Jiangmen-Test-7731', role: 'official', regionCode: '440700', displayName: '江门市人社局 陈科长' });
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (ctx: TestContext) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx);
};

describe('console', () => {
  it('launches the demo, shows the Jiangmen counties running and drills into a county', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx);
    await harness!.signIn(page, official);

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
    expect(await page.locator('h2', { hasText: '各镇（街道）' }).count()).toBe(1);
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
    await harness!.signIn(page, official, '/launch');
    await page.getByTestId('plan-text').waitFor();

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
