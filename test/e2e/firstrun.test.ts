// The first run as a new office walks it, in a real browser against the real stack with an empty
// database: the administrator sees the three-step 首次使用 card and creates the city official; the
// official signs in on a phone (375 px) with the password the admin set, binds an authenticator from a
// QR code, must replace that password before anything else (the API refuses everything else meanwhile),
// lands on the card's last step and launches the demo, titled with this year, not 2023.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { localDateOf } from '../../domain/time';
import { totpCode } from '../../server/security/totp';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { scrollsSideways } from '../support/charts';

let harness: ConsoleHarness | undefined;

beforeAll(async () => {
  harness = await startConsole('firstrun');
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

describe('first run', () => {
  it('admin → creates the official → the official changes the password, binds by QR code and launches the demo', async (ctx) => {
    const admin = await harness!.stack.createUser({ username: 'jm.first.admin', password: 'Jiangmen-Admin-1207', role: 'admin', regionCode: '440700', displayName: '江门市信息科 管理员' });
    const { page: adminPage, pageErrors: adminErrors } = await openPage(ctx, { width: 1440, height: 900 });
    await harness!.signIn(adminPage, admin);
    const card = adminPage.getByTestId('first-run');
    await card.waitFor();
    expect(await adminPage.getByTestId('first-run-step-1').getAttribute('data-state')).toBe('current');
    expect(await adminPage.getByTestId('first-run-step-3').getAttribute('data-state')).toBe('later');
    expect(await card.innerText()).toContain('扫描页面上的二维码');
    // The admin cannot launch: no button that would only be refused.
    expect(await adminPage.getByTestId('launch-demo').count()).toBe(0);
    await shot(adminPage, 'firstrun-admin-1440.png');

    await adminPage.getByTestId('first-run-users').click();
    await adminPage.waitForURL(/\/users$/);
    await adminPage.getByTestId('new-username').fill('jm.first.official');
    await adminPage.getByTestId('new-display-name').fill('江门市人社局 陈科长');
    await adminPage.getByTestId('new-role').selectOption('official');
    await adminPage.getByTestId('new-region').fill('440700');
    await adminPage.getByTestId('new-password').fill('Admin-Set-Pw-5531');
    await adminPage.getByTestId('new-submit').click();
    await adminPage.getByTestId('users-notice').waitFor();
    expect(adminErrors).toEqual([]);

    // The official, on a phone.
    const { page, pageErrors } = await openPage(ctx, { width: 375, height: 812 });
    await page.goto(`${harness!.stack.baseUrl}/login`);
    await page.getByTestId('login-username').fill('jm.first.official');
    await page.getByTestId('login-password').fill('Admin-Set-Pw-5531');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('mfa-enrol-start').click();
    const qr = page.getByTestId('mfa-qr');
    await qr.waitFor();
    const uri = (await page.getByTestId('mfa-uri').textContent())!.trim();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    // The image is the QR code of exactly that link, drawn at a scannable size.
    const src = (await qr.getAttribute('src'))!;
    const svg = decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
    expect(svg).toBe(await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(180);
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await scrollsSideways(page)).toBe(false);
    await shot(page, 'firstrun-enrol-qr-375.png');
    const secret = (await page.getByTestId('mfa-secret').getAttribute('data-secret'))!;
    await page.getByTestId('mfa-code').fill(totpCode(secret, Date.now()));
    await page.getByTestId('mfa-submit').click();

    // The password the admin set must go first; until then the API serves nothing else.
    const form = page.getByTestId('first-password');
    await form.waitFor();
    expect(await form.innerText()).toContain('初始密码由管理员设置');
    const blocked = await page.evaluate(async () => {
      const r = await fetch('/api/campaigns');
      return { status: r.status, body: (await r.json()) as { type: string; detail: string } };
    });
    expect(blocked.status).toBe(403);
    expect(blocked.body.type).toBe('urn:problem:password-change-required');
    expect(blocked.body.detail).toContain('请先修改');
    await shot(page, 'firstrun-change-password-375.png');
    await page.getByTestId('first-current').fill('Admin-Set-Pw-5531');
    await page.getByTestId('first-new').fill('Chen-Own-Secret-8846');
    await page.getByTestId('first-again').fill('Chen-Own-Secret-8846');
    await page.getByTestId('first-submit').click();

    // In: the card's last step is this official's, with the demo button.
    await page.getByTestId('first-run').waitFor();
    expect(await page.getByTestId('first-run-step-1').getAttribute('data-state')).toBe('done');
    expect(await page.getByTestId('first-run-step-3').getAttribute('data-state')).toBe('current');
    expect(await scrollsSideways(page)).toBe(false);
    await shot(page, 'firstrun-official-375.png');
    await page.getByTestId('launch-demo').click();
    await page.waitForURL(/\/campaigns\/[^/]+$/);
    const title = page.locator('h1').first();
    await title.waitFor();
    const year = localDateOf(Date.now(), 'Asia/Shanghai').slice(0, 4);
    expect(await title.innerText()).toContain(`江门市${year}年`);
    expect(await title.innerText()).not.toContain('2023');
    expect(pageErrors).toEqual([]);
  });
});
