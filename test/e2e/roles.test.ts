// Each role sees the controls it may use, in a real browser against the real stack (Temporal dev
// server, PGlite, worker, API serving the built web/dist), at 1440 px and at a phone's 375 px: the
// admin and a county supervisor see no 启动演示活动; a village clerk sees no 导入名单 or 开始筛查 (and
// can photograph refusal evidence); a county official sees the city's campaign without its phase
// controls, and the server's refusal of a phase change says 无权限 and why, not 未找到.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ApiError, createApiClient } from '../../client';
import type { LaunchResult } from '../../contracts/api/campaigns';
import { nextTotpCode } from '../support/auth';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { scrollsSideways } from '../support/charts';
import type { TestUser } from '../support/stack';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };

let harness: ConsoleHarness | undefined;
let official: TestUser;
let campaignId: string;

beforeAll(async () => {
  harness = await startConsole('roles');
  official = await harness.stack.createUser({ username: 'jm.roles', password: 'Jiangmen-Roles-4471', role: 'official', regionCode: '440700', displayName: '江门市人社局 何科长' });
  const api = createApiClient({ baseUrl: harness.stack.baseUrl });
  await api.signIn({ username: official.username, password: official.password, totp: () => nextTotpCode(official) });
  campaignId = (await api.post<LaunchResult>('/api/demo', {})).campaign.id;
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (ctx: TestContext, viewport: { width: number; height: number }) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, viewport);
};

async function shot(page: Page, name: string) {
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

describe('controls by role', () => {
  it('the admin sees the campaigns but no launch button, at 1440 px', async (ctx) => {
    const admin = await harness!.stack.createUser({ username: 'jm.roles.admin', password: 'Jiangmen-Admin-5520', role: 'admin', regionCode: '440700', displayName: '江门市信息科 罗管理员' });
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, admin);
    await page.getByTestId(`campaign-row-${campaignId}`).waitFor();
    expect(await page.getByTestId('launch-demo').count()).toBe(0);
    expect(await page.getByTestId('launch-link').count()).toBe(0);
    expect(await page.getByTestId('nav-launch').count()).toBe(0);
    await shot(page, 'roles-admin-campaigns-1440.png');
    expect(pageErrors).toEqual([]);
  });

  it('a county official sees the city campaign without its phase controls; the server says 无权限 and why', async (ctx) => {
    const county = await harness!.stack.createUser({ username: 'pj.roles.official', password: 'Pengjiang-Off-3381', role: 'official', regionCode: '440703', displayName: '蓬江区人社局 梁股长' });
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, county, `/campaigns/${encodeURIComponent(campaignId)}`);
    await page.getByTestId('county-table').waitFor();
    await page.getByTestId('action-log').waitFor();
    expect(await page.getByTestId('actions-panel').count()).toBe(0);
    expect(await page.getByTestId('advance-submit').count()).toBe(0);
    await shot(page, 'roles-county-official-campaign-1440.png');

    // Asked anyway (an old tab, a script): refused with the reason, not hidden as "not found".
    const api = createApiClient({ baseUrl: harness!.stack.baseUrl });
    await api.signIn({ username: county.username, password: county.password, totp: () => nextTotpCode(county) });
    const refusal = await api.post(`/api/campaigns/${encodeURIComponent(campaignId)}/advance`, { reason: '试图提前进入下一阶段' }).then(
      () => null,
      (e: unknown) => e as ApiError,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal!.status).toBe(403);
    expect(refusal!.title).toBe('无权限');
    expect(refusal!.detail).toContain('无权限：');
    expect(refusal!.detail).toContain('江门市');
    expect(refusal!.detail).toContain('调整活动阶段');
    expect(refusal!.detail).not.toMatch(/未找到|\d{6}/);
    expect(pageErrors).toEqual([]);
  });

  it('a county supervisor sees no launch button but imports lists and screens, at 375 px', async (ctx) => {
    const supervisor = await harness!.stack.createUser({ username: 'pj.roles.sup', password: 'Pengjiang-Sup-6612', role: 'supervisor', regionCode: '440703', displayName: '蓬江区社保局 邓督导' });
    const { page, pageErrors } = await openPage(ctx, PHONE);
    await harness!.signIn(page, supervisor);
    await page.getByTestId(`campaign-row-${campaignId}`).waitFor();
    expect(await page.getByTestId('launch-demo').count()).toBe(0);
    expect(await page.getByTestId('launch-link').count()).toBe(0);
    await shot(page, 'roles-supervisor-campaigns-375.png');

    await page.goto(`${harness!.stack.baseUrl}/campaigns/${encodeURIComponent(campaignId)}/hardship`);
    await page.getByTestId('hardship-upload').waitFor();
    expect(await page.getByTestId('screen-start').count()).toBe(1);
    expect(await scrollsSideways(page)).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('a village clerk sees the screening without 导入名单 or 开始筛查, at 375 px', async (ctx) => {
    const clerk = await harness!.stack.createUser({ username: 'pj.roles.clerk', password: 'Beibu-Clerk-9034', role: 'clerk', regionCode: '440703001001', displayName: '北步社区 苏协管' });
    const { page, pageErrors } = await openPage(ctx, PHONE);
    await harness!.signIn(page, clerk, `/campaigns/${encodeURIComponent(campaignId)}/hardship`);
    await page.getByTestId('hardship-page').waitFor();
    await page.getByTestId('screening-readonly').waitFor();
    expect(await page.getByTestId('hardship-upload').count()).toBe(0);
    expect(await page.getByTestId('screen-start').count()).toBe(0);
    expect(await page.getByText('导入名单', { exact: true }).count()).toBe(0);
    expect(await page.getByTestId('screening-readonly').innerText()).toContain('可以查看');
    expect(await scrollsSideways(page)).toBe(false);
    await shot(page, 'roles-clerk-hardship-375.png');
    expect(pageErrors).toEqual([]);
  });
});
