// Accounts in a real browser against the real stack (Temporal dev server, PGlite, worker, API serving
// the built web/dist): the login page gives the server's reasons (a wrong password, then the lockout
// with its minutes); an official enrols the TOTP second factor from the secret the page shows and
// signs in; a county supervisor sees the city's campaign but another county's unit is "not found"; an
// admin creates an account on 用户管理; an auditor finds the login events on 审计日志; signing out
// returns to the login page and the console stays closed.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { totpCode } from '../../server/security/totp';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import type { NewTestUser } from '../support/stack';

/** Unit workflows start after the campaign's first transition; give the worker time on a slow machine. */
const LIVE_TIMEOUT_MS = 60_000;

let harness: ConsoleHarness | undefined;
let n = 0;

beforeAll(async () => {
  harness = await startConsole('auth');
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (ctx: TestContext) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx);
};

/** A fresh account per test, so no test depends on another's lockouts or sessions. */
const account = (role: NewTestUser['role'], regionCode: string, displayName: string): NewTestUser => ({
  username: `e2e.${role}.${++n}`,
  password: `Jiangmen-${role}-Pw-${n}93`,
  role,
  regionCode,
  displayName,
});

async function typeLogin(page: Page, username: string, password: string) {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe('accounts', () => {
  it('says why a sign-in failed: a wrong password, then the lockout with its minutes', async (ctx) => {
    const clerk = await harness!.stack.createUser(account('clerk', '440703001001', '北步社区 张协管'));
    const { page, pageErrors } = await openPage(ctx);
    await page.goto(`${harness!.stack.baseUrl}/`);
    // Not signed in: the console sends the visitor to the login page.
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-form').waitFor();

    await typeLogin(page, clerk.username, 'not-the-password-1');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('账号或密码错误');
    expect(await page.getByTestId('login-password').inputValue()).toBe('');

    // Five wrong passwords from one address lock the pair; the page says for how long.
    for (let i = 2; i <= 5; i++) {
      await typeLogin(page, clerk.username, `not-the-password-${i}`);
      await page.waitForFunction(() => !document.querySelector('[data-testid="login-submit"]')?.hasAttribute('disabled'));
    }
    await page.waitForFunction(() => /锁定/.test(document.querySelector('[data-testid="login-error"]')?.textContent ?? ''));
    expect(await error.innerText()).toMatch(/请 \d+ 分钟后再试/);
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'auth-lockout.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('an official enrols the second factor from the shown secret and signs in', async (ctx) => {
    const official = await harness!.stack.createUser(account('official', '440700', '江门市人社局 周科长'), { enrolMfa: false });
    const { page, pageErrors } = await openPage(ctx);
    await page.goto(`${harness!.stack.baseUrl}/login?next=${encodeURIComponent('/deadlines')}`);
    await typeLogin(page, official.username, official.password);

    await page.getByTestId('mfa-enrol').waitFor();
    await page.getByTestId('mfa-enrol-start').click();
    const shown = page.getByTestId('mfa-secret');
    await shown.waitFor();
    const grouped = (await shown.innerText()).trim();
    // Groups of four for typing by hand; the same secret is in the otpauth URI.
    expect(grouped).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    const secret = grouped.replace(/\s+/g, '');
    expect(await page.getByTestId('mfa-uri').textContent()).toContain(`secret=${secret}`);
    await page.screenshot({ path: path.join(artifacts, 'auth-mfa-enrol.png'), fullPage: true });

    // A wrong code is refused with the server's reason, and the prompt stays.
    await page.getByTestId('mfa-code').fill(totpCode(secret, Date.now()) === '000000' ? '111111' : '000000');
    await page.getByTestId('mfa-submit').click();
    await page.getByTestId('mfa-error').waitFor();
    expect(await page.getByTestId('mfa-error').innerText()).toContain('动态口令');

    await page.getByTestId('mfa-code').fill(totpCode(secret, Date.now()));
    await page.getByTestId('mfa-submit').click();
    await page.waitForURL(/\/deadlines$/);
    expect((await page.getByTestId('user-name').innerText()).trim()).toBe(official.displayName);
    expect((await page.getByTestId('user-role').innerText()).trim()).toBe('业务主管（市级）');
    // An official launches, but neither manages accounts nor reads the audit log.
    expect(await page.getByTestId('nav-launch').count()).toBe(1);
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a county supervisor sees the city campaign, but another county’s unit is not found', { timeout: 240_000 }, async (ctx) => {
    const official = await harness!.stack.createUser(account('official', '440700', '江门市人社局 吴科长'));
    const supervisor = await harness!.stack.createUser(account('supervisor', '440704', '江海区社保局 林督导'));

    // The official launches the Jiangmen demo.
    const first = await openPage(ctx);
    await harness!.signIn(first.page, official);
    await first.page.getByTestId('launch-demo').first().click();
    await first.page.waitForURL(/\/campaigns\/[^/]+$/);
    const campaignId = decodeURIComponent(new URL(first.page.url()).pathname.split('/').pop()!);
    await first.page.waitForFunction(
      () => document.querySelectorAll('[data-testid="county-table"] tbody tr[data-status="active"]').length >= 1,
      null,
      { timeout: LIVE_TIMEOUT_MS },
    );

    const { page, pageErrors } = await openPage(ctx);
    await harness!.signIn(page, supervisor);
    expect((await page.getByTestId('user-role').innerText()).trim()).toBe('督导员（县/镇）');
    expect(await page.getByTestId('nav-launch').count()).toBe(0);
    await page.getByTestId(`campaign-row-${campaignId}`).waitFor();

    // Their own county opens.
    await page.goto(`${harness!.stack.baseUrl}/campaigns/${encodeURIComponent(campaignId)}/units/440704`);
    await page.getByTestId('unit-title').waitFor();
    expect((await page.getByTestId('unit-title').innerText()).trim()).toBe('江海区');

    // The neighbouring county answers as if it did not exist.
    await page.goto(`${harness!.stack.baseUrl}/campaigns/${encodeURIComponent(campaignId)}/units/440703`);
    const error = page.getByTestId('unit-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('未找到');
    expect(await page.getByTestId('unit-title').count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, 'auth-other-county.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    expect(first.pageErrors).toEqual([]);
  });

  it('an admin creates an account on 用户管理', async (ctx) => {
    const admin = await harness!.stack.createUser(account('admin', '440700', '江门市信息科 郑管理员'));
    const { page, pageErrors } = await openPage(ctx);
    await harness!.signIn(page, admin);
    expect((await page.getByTestId('user-role').innerText()).trim()).toBe('系统管理员');
    // Separation of duties: the administrator does not read the audit log.
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    await page.getByTestId('nav-users').click();
    await page.waitForURL(/\/users$/);
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId(`user-row-${admin.username}`).count()).toBe(1);

    const username = `e2e.newclerk.${n}`;
    await page.getByTestId('new-username').fill(username);
    await page.getByTestId('new-display-name').fill('城西社区 何协管');
    await page.getByTestId('new-role').selectOption('clerk');
    await page.getByTestId('new-region').fill('440703001002');
    // Too weak first: the server's reason is shown.
    await page.getByTestId('new-password').fill('12345678');
    await page.getByTestId('new-submit').click();
    await page.getByTestId('user-create-error').waitFor();
    expect(await page.getByTestId('user-create-error').innerText()).toMatch(/密码/);

    await page.getByTestId('new-password').fill('Chengxi-Clerk-4821');
    await page.getByTestId('new-submit').click();
    await page.getByTestId('users-notice').waitFor();
    expect(await page.getByTestId('users-notice').innerText()).toContain(username);
    const row = page.getByTestId(`user-row-${username}`);
    await row.waitFor();
    expect(await row.innerText()).toContain('协管员（村/社区）');
    expect(await row.innerText()).toContain('440703001002');

    // Disable it through the edit form.
    await row.getByTestId('user-edit').click();
    await page.getByTestId('edit-disabled').check();
    await page.getByTestId('edit-submit').click();
    await page.waitForFunction((u) => document.querySelector(`[data-testid="user-row-${u}"]`)?.getAttribute('data-disabled') === 'true', username);
    expect(await row.getByTestId('user-status').innerText()).toContain('已停用');
    await page.screenshot({ path: path.join(artifacts, 'auth-users.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('an auditor finds the login events on 审计日志', async (ctx) => {
    const auditor = await harness!.stack.createUser(account('auditor', '440700', '江门市纪工委 孙审计'));
    const { page, pageErrors } = await openPage(ctx);
    // One failed attempt first, so the log has both results for this account.
    await page.goto(`${harness!.stack.baseUrl}/login`);
    await typeLogin(page, auditor.username, 'wrong-password-1');
    await page.getByTestId('login-error').waitFor();

    await harness!.signIn(page, auditor);
    expect((await page.getByTestId('user-role').innerText()).trim()).toBe('审计/纪检');
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    await page.getByTestId('nav-audit').click();
    await page.waitForURL(/\/audit$/);
    await page.getByTestId('audit-filters').waitFor();

    await page.getByTestId('audit-actor').fill(auditor.username);
    await page.getByTestId('audit-action').selectOption('login.*');
    await page.getByTestId('audit-apply').click();
    await page.waitForURL(/action=login/);
    const rows = page.locator('[data-testid="audit-row"]');
    await rows.first().waitFor();
    const seen = await rows.evaluateAll((trs) => trs.map((tr) => ({ action: tr.getAttribute('data-action'), result: tr.getAttribute('data-result'), actor: tr.getAttribute('data-actor') })));
    expect(new Set(seen.map((r) => r.action))).toEqual(new Set(['login']));
    expect(new Set(seen.map((r) => r.actor))).toEqual(new Set([auditor.username]));
    expect(seen.map((r) => r.result)).toContain('success');
    expect(seen.map((r) => r.result)).toContain('failure');
    // In words: who signed in, and how it went; no action keys.
    expect(await rows.first().getByTestId('audit-sentence').innerText()).toBe('登录系统');
    expect(await page.getByTestId('audit-table').innerText()).not.toMatch(/\blogin\b/);

    // Only the failures.
    await page.getByTestId('audit-result').selectOption('failure');
    await page.getByTestId('audit-apply').click();
    await page.waitForURL(/result=failure/);
    await page.waitForFunction(() => {
      const trs = [...document.querySelectorAll('[data-testid="audit-row"]')];
      return trs.length > 0 && trs.every((tr) => tr.getAttribute('data-result') === 'failure');
    });
    await page.screenshot({ path: path.join(artifacts, 'auth-audit.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('signing out returns to the login page and the console stays closed', async (ctx) => {
    const clerk = await harness!.stack.createUser(account('clerk', '440704001001', '江南社区 冯协管'));
    const { page, pageErrors } = await openPage(ctx);
    await harness!.signIn(page, clerk, '/calendar');
    await page.waitForURL(/\/calendar$/);
    expect((await page.getByTestId('user-name').innerText()).trim()).toBe(clerk.displayName);

    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
    await page.getByTestId('login-form').waitFor();

    // The old session is gone: the console asks to sign in again and remembers where to return.
    await page.goto(`${harness!.stack.baseUrl}/inbox`);
    await page.waitForURL(/\/login\?next=%2Finbox$/);
    const session = await page.request.get(`${harness!.stack.baseUrl}/api/auth/session`);
    expect(session.status()).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
