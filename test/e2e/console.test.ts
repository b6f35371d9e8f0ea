// The console in a real browser against the real stack (Temporal dev server, PGlite, worker, API
// serving the built web/dist), signed in as an official of Jiangmen (440700): launch the demo, see the
// seven Jiangmen counties running, drill into a county's towns and come back by the breadcrumb; the
// campaign page's figures in 万, its ranking chart (seven counties tied at 0%: all 并列第1) and its
// traffic-light chart, the action log as sentences, the phase by its name in the list; the page at a
// phone's 375 px; a bad plan shows its failing fields in words; and an action whose answer was lost is
// resent with the same Idempotency-Key and recorded once.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { createApiClient } from '../../client';
import { addDaysLocal, localDateOf } from '../../domain/time';
import type { CampaignDetail } from '../../contracts/api/campaigns';
import { nextTotpCode } from '../support/auth';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { bars, chartPaths, COLOURS, scrollsSideways } from '../support/charts';
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

const openPage = (ctx: TestContext, viewport?: { width: number; height: number }) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, viewport);
};

describe('console', () => {
  it('launches the demo, shows the Jiangmen counties running and drills into a county', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, { width: 1440, height: 900 });
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

    // Figures the Chinese way: the city's 1,470,000 target reads 147万, the counties' in 万 too.
    expect((await page.getByTestId('figure-enrolled').locator('.figure-target').innerText()).trim()).toBe('目标 147万');
    expect(await countyTable.locator('tbody tr').first().innerText()).toMatch(/\d万/);
    // A Temporal link is for operations staff: an official's table has no 时间线 column.
    expect(await countyTable.locator('th', { hasText: '时间线' }).count()).toBe(0);

    // The ranking chart: one bar per county in the SVG, and the seven counties at 0% share first place.
    const ranking = page.getByTestId('ranking-chart');
    const rankingPaths = await chartPaths(page, 'ranking-chart');
    expect(await ranking.getAttribute('data-series')).toBe('1');
    expect(await ranking.getAttribute('data-points')).toBe(String(JIANGMEN_COUNTIES.length));
    expect(bars(rankingPaths, COLOURS.lights)).toHaveLength(JIANGMEN_COUNTIES.length);
    const rankCells = await page.getByTestId('ranking-table').getByTestId('ranking-row').locator('td:first-child').allInnerTexts();
    expect(rankCells.map((r) => r.trim())).toEqual(JIANGMEN_COUNTIES.map(() => '并列第1'));
    expect(await page.getByTestId('ranking-chart-summary').innerText()).toContain('并列');
    // The traffic-light chart: four bars (红黄蓝绿), and the same counts in words.
    const lightPaths = await chartPaths(page, 'light-chart');
    expect(bars(lightPaths, COLOURS.lights).map((b) => b.fill)).toEqual([...COLOURS.lights]);
    expect(await page.getByTestId('light-chart-summary').innerText()).toContain(`共 ${JIANGMEN_COUNTIES.length} 个单位`);

    // The action log in sentences: who did what, no epoch milliseconds, keys or workflow ids.
    const launchSentence = await page.getByTestId('action-log').locator('[data-kind="launch"] [data-testid="action-sentence"]').innerText();
    expect(launchSentence).toContain('启动了本活动');
    expect(launchSentence).toContain(official.displayName);
    expect(await page.getByTestId('action-log').innerText()).not.toMatch(/\d{13}|workflowId|campaign\/|phaseKey/);
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'console-campaign-1440.png'), fullPage: true });

    // Drill down by clicking the row (not the link) of 台山市.
    const row = countyTable.locator('tbody tr', { hasText: '台山市' });
    const rowTestId = await row.getAttribute('data-testid');
    const code = rowTestId?.replace(/^unit-row-/, '');
    expect(code).toMatch(/^\d{6}$/);
    // No answer the page did not expect: a unit without a screening run asks for no summary (no 404).
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await row.locator('td').first().click();
    await page.waitForURL(new RegExp(`/campaigns/[^/]+/units/${code}$`));

    await page.getByTestId('children-table').waitFor();
    expect((await page.getByTestId('unit-title').innerText()).trim()).toBe('台山市');
    const towns = page.getByTestId('children-table').locator('tbody tr');
    expect(await towns.count()).toBeGreaterThan(0);
    expect(await page.locator('h2', { hasText: '各镇（街道）' }).count()).toBe(1);
    const breadcrumbs = page.getByTestId('breadcrumbs');
    expect(await breadcrumbs.innerText()).toContain('江门市');

    await page.getByTestId('unit-reporting').waitFor();
    await page.waitForLoadState('networkidle');
    expect(failed).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'console-county.png'), fullPage: true });

    // The owning region's crumb leads back to the campaign page.
    await breadcrumbs.getByRole('link', { name: '江门市' }).click();
    await page.waitForURL(campaignUrl);
    await page.getByTestId('county-table').waitFor();
    expect(await page.getByTestId('county-table').locator('tbody tr').count()).toBe(JIANGMEN_COUNTIES.length);

    // The list names the current phase as the plan does, never by its key.
    const campaignId = new URL(campaignUrl).pathname.split('/').pop()!;
    await page.getByTestId('nav-campaigns').click();
    const phaseCell = page.getByTestId(`campaign-phase-${campaignId}`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="campaign-phase-${id}"]`)?.textContent === '工作部署阶段', campaignId);
    expect(await phaseCell.innerText()).not.toContain('deployment');

    expect(pageErrors).toEqual([]);
  });

  it('fits the campaign page on a phone: no sideways scroll, the menu folded, stacked rows', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, { width: 1440, height: 900 });
    await harness!.signIn(page, official);
    // Launching the demo again finds today's demo campaign: this test does not rely on the one above.
    await page.getByTestId('launch-demo').first().click();
    await page.waitForURL(/\/campaigns\/[^/]+$/);
    await page.getByTestId('county-table').waitFor();
    await chartPaths(page, 'ranking-chart');

    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForFunction(() => document.documentElement.clientWidth === 375);
    expect(await scrollsSideways(page)).toBe(false);
    // The navigation folds behind 菜单 (a 44 px target) and opens on a tap.
    expect(await page.getByTestId('nav-deadlines').isVisible()).toBe(false);
    const menu = page.getByTestId('menu-button');
    expect((await menu.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await menu.click();
    await page.getByTestId('nav-deadlines').waitFor();
    expect((await page.getByTestId('nav-deadlines').boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await menu.click();
    // The county table reads as cards, each as wide as the screen allows.
    const firstRow = page.getByTestId('county-table').locator('tbody tr').first();
    expect(await page.getByTestId('county-table').locator('thead').isVisible()).toBe(false);
    expect((await firstRow.boundingBox())!.width).toBeLessThanOrEqual(375);
    // The chart redraws at the phone's width.
    await page.waitForFunction(() => {
      const svg = document.querySelector('[data-testid="ranking-chart-canvas"] svg');
      return !!svg && svg.getBoundingClientRect().width <= 375;
    });
    expect(await scrollsSideways(page)).toBe(false);
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'console-campaign-375.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
  });

  it('names each failing field of a bad pasted plan in words, not by its path', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx);
    await harness!.signIn(page, official, '/launch');
    await page.getByTestId('mode-yaml').click(); // the plan as text: the advanced view of the wizard
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
    const paths = await errors.getByTestId('plan-error').evaluateAll((items) => items.map((i) => i.getAttribute('data-path')));
    expect(paths).toContain('phases');
    const phasesItem = errors.locator('[data-testid="plan-error"][data-path="phases"]');
    expect((await phasesItem.locator('.issue-message').innerText()).trim()).not.toBe('');
    // What an official reads: the message (it names 阶段), never the field's path.
    expect(await phasesItem.innerText()).toContain('阶段');
    expect(await errors.innerText()).not.toMatch(/\bphases\b/);
    expect(await page.getByTestId('plan-preview').count()).toBe(0);

    expect(pageErrors).toEqual([]);
  });
  it('resends an advance whose answer was lost with the same Idempotency-Key: the campaign moves once', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx);
    await harness!.signIn(page, official);
    const base = harness!.stack.baseUrl;
    // A campaign of its own (one county, one town, two phases), launched through the API by the same official.
    const today = localDateOf(Date.now(), 'Asia/Shanghai');
    const id = `e2e-resend-${Date.now().toString(36)}`;
    const plan = {
      id,
      title: 'E2E 重发演练',
      year: Number(today.slice(0, 4)),
      region: { code: '440700', name: '江门市', level: 'city' },
      phases: [
        { key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: today, deadline: addDaysLocal(today, 30) },
        { key: 'verification', name: { zh: '核查验收阶段', en: 'Verification' }, start: addDaysLocal(today, 31), deadline: addDaysLocal(today, 60) },
      ],
      targets: { enrolled: 20, paying: 10 },
      breakdown: [{ code: '440703', name: '蓬江区', level: 'county', children: [{ code: '440703001', name: '环市街道', level: 'town' }] }],
    };
    const api = createApiClient({ baseUrl: base });
    await api.signIn({ username: official.username, password: official.password, totp: () => nextTotpCode(official) });
    await api.post('/api/campaigns', { plan });
    const detail = () => api.get<CampaignDetail>(`/api/campaigns/${id}`);
    await expect.poll(async () => (await detail()).currentPhaseKey, { timeout: LIVE_TIMEOUT_MS }).toBe('payment');

    // The first advance reaches the server, but its answer is lost on the way back (the connection drops),
    // and so are the page's refreshes until the official has tried again: they still see the form.
    const sent: Request[] = [];
    await page.route(`**/api/campaigns/${id}/advance`, async (route) => {
      sent.push(route.request());
      if (sent.length === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.route(`**/api/campaigns/${id}`, (route) => (sent.length === 1 ? route.abort('connectionreset') : route.continue()));
    await page.goto(`${base}/campaigns/${id}`);
    await page.getByTestId('advance-reason').fill('缴费工作提前完成');
    await page.getByTestId('advance-submit').click();
    await page.getByTestId('advance-confirm-yes').click();
    await page.getByTestId('advance-error').waitFor();
    // The official tries again: the same action, so the same key, and the server answers with the first
    // result (under a new key it would be a second advance, refused: the phase it names is over).
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/campaigns/${id}/advance`));
    await page.getByTestId('advance-submit').click();
    await page.getByTestId('advance-confirm-yes').click();
    expect((await answer).status()).toBe(200);
    await page.getByTestId('advance-ok').waitFor();

    const keys = await Promise.all(sent.map((r) => r.headerValue('idempotency-key')));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[\w.:-]{8,128}$/);
    expect(keys[1]).toBe(keys[0]);
    const after = await detail();
    expect(after.currentPhaseKey).toBe('verification');
    expect(after.actions.filter((a) => a.kind === 'advance')).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
