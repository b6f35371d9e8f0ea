// The region picker in a real browser against the real stack: after Jiangmen's demo campaign is launched
// (its units are the regions the app knows), a city admin creating an account types 蓬江 and chooses
// 蓬江区 440703 with the names above it; the account is made with that code. A county admin (江海区)
// finds nothing of 蓬江区 (the picker stays inside the caller's own subtree) and can still type a code.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import type { TestUser } from '../support/stack';

let harness: ConsoleHarness | undefined;
let official: TestUser;
let cityAdmin: TestUser;
let countyAdmin: TestUser;

beforeAll(async () => {
  harness = await startConsole('regions');
  official = await harness.stack.createUser({ username: 'jm.regions.official', password: 'Jiangmen-Test-7731', role: 'official', regionCode: '440700', displayName: '江门市人社局 陈科长' });
  cityAdmin = await harness.stack.createUser({ username: 'jm.regions.admin', password: 'Jiangmen-Admin-7731', role: 'admin', regionCode: '440700', displayName: '江门市人社局 系统管理员' });
  countyAdmin = await harness.stack.createUser({ username: 'jh.regions.admin', password: 'Jianghai-Admin-7731', role: 'admin', regionCode: '440704', displayName: '江海区人社局 系统管理员' });
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (ctx: TestContext, viewport = { width: 1440, height: 900 }) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, viewport);
};

describe('region picker', () => {
  it('finds 蓬江区 by name with its parent path, and the account is made with its code', async (ctx) => {
    const { page: officialPage } = await openPage(ctx);
    await harness!.signIn(officialPage, official);
    await officialPage.getByTestId('launch-demo').first().click();
    await officialPage.waitForURL(/\/campaigns\/[^/]+$/);
    await officialPage.getByTestId('county-table').waitFor();

    const { page, pageErrors } = await openPage(ctx);
    await harness!.signIn(page, cityAdmin, '/users');
    await page.getByTestId('user-create-form').waitFor();
    await page.getByTestId('new-username').fill('e2e.pengjiang.clerk');
    await page.getByTestId('new-display-name').fill('蓬江区社保局 李科员');
    await page.getByTestId('new-role').selectOption('supervisor');
    await page.getByTestId('new-region').fill('蓬江');
    const option = page.locator('[data-testid="region-option"][data-code="440703"]');
    await option.waitFor();
    expect(await option.innerText()).toMatch(/蓬江区\s*440703/);
    expect(await option.innerText()).toContain('江门市');
    // Only names containing 蓬江: no other county is offered.
    expect(await page.getByTestId('region-option').evaluateAll((els) => els.every((e) => e.textContent?.includes('蓬江')))).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'region-picker-1440.png') });
    await option.click();
    expect(await page.getByTestId('new-region').inputValue()).toBe('蓬江区 440703');
    expect(await page.getByTestId('new-region-chosen').innerText()).toBe('江门市 › 蓬江区（440703）');
    await page.getByTestId('new-password').fill('Pengjiang-Staff-4821');
    await page.getByTestId('new-submit').click();
    const row = page.getByTestId('user-row-e2e.pengjiang.clerk');
    await row.waitFor();
    expect(await row.innerText()).toContain('440703');
    expect(pageErrors).toEqual([]);
  });

  it('stays inside the caller’s own region and falls back to a typed code', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, { width: 375, height: 812 });
    await harness!.signIn(page, countyAdmin, '/users');
    await page.getByTestId('user-create-form').waitFor();
    // 江海区's own subtree has 江海区 itself, not its neighbour 蓬江区.
    await page.getByTestId('new-region').fill('江海');
    await page.locator('[data-testid="region-option"][data-code="440704"]').waitFor();
    await page.getByTestId('new-region').fill('蓬江');
    await page.getByTestId('region-none').waitFor();
    expect(await page.getByTestId('region-option').count()).toBe(0);
    const answer = await page.evaluate(async () => (await fetch('/api/regions?codes=440703,440704')).json() as Promise<{ items: { code: string }[] }>);
    expect(answer.items.map((i) => i.code)).toEqual(['440704']);
    // A full code is taken as typed.
    await page.getByTestId('new-region').fill('440704999');
    expect(await page.getByTestId('region-none').innerText()).toContain('将按代码 440704999 保存');
    const list = (await page.getByTestId('new-region-options').boundingBox())!;
    expect(list.x + list.width).toBeLessThanOrEqual(375);
    expect(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);
    await page.screenshot({ path: path.join(artifacts, 'region-picker-375.png') });
    expect(pageErrors).toEqual([]);
  });
});
