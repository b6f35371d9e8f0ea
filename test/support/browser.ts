// The console in a real browser against the real stack (web/dist built by the global setup): starts the stack (dev server,
// PGlite, worker, API serving the build) and Debian's Chromium, and opens one fresh context per test.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestContext } from 'vitest';
import { nextTotpCode } from './auth';
import { captureWrites, historiesText, idNumbersIn } from './personalData';
import { startStack, type Stack, type TestUser } from './stack';
import { toolchain } from './toolchain';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const artifacts = path.join(root, 'test-artifacts');

/**
 * Signs in through the real login page (and the TOTP step for an enrolled account), then waits until
 * the console has left /login. `next` is where to land (default: the campaign list).
 */
export async function signIn(page: Page, baseUrl: string, user: TestUser, next = '/campaigns'): Promise<void> {
  await page.goto(`${baseUrl}/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`);
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  if (user.totpSecret) {
    await page.getByTestId('mfa-verify').waitFor();
    await page.getByTestId('mfa-code').fill(await nextTotpCode(user));
    await page.getByTestId('mfa-submit').click();
  }
  await page.waitForURL((url) => url.pathname !== '/login');
  // Attached, not visible: on a phone the badge is folded behind 菜单.
  await page.getByTestId('user-badge').waitFor({ state: 'attached' });
}

export interface ConsoleHarness {
  stack: Stack;
  /** A fresh browser context per test; page errors are collected, and a failure leaves a screenshot named `<prefix>-failure-…png`. */
  openPage(ctx: TestContext, viewport?: { width: number; height: number }): Promise<{ page: Page; pageErrors: string[] }>;
  /** Signs `user` in through the login page (and TOTP); lands on `next` (default `/`). */
  signIn(page: Page, user: TestUser, next?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startConsole(prefix: string): Promise<ConsoleHarness> {
  // web/dist is built once per run, before any test file starts (test/support/webBuild.ts).
  const writes = captureWrites();
  const stack = await startStack();
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: toolchain().chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return {
    stack,
    async openPage(ctx, viewport = { width: 1366, height: 900 }) {
      const context: BrowserContext = await browser.newContext({ viewport, locale: 'zh-CN' });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      // One hook, because vitest runs onTestFinished before onTestFailed and the page must outlive the screenshot.
      ctx.onTestFinished(async () => {
        if (ctx.task.result?.state === 'fail') {
          await mkdir(artifacts, { recursive: true });
          const file = path.join(artifacts, `${prefix}-failure-${ctx.task.name.replace(/\W+/g, '-')}.png`);
          await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        }
        await context.close();
      });
      return { page, pageErrors };
    },
    signIn: (page, user, next) => signIn(page, stack.baseUrl, user, next),
    async stop() {
      await browser.close();
      // Personal data at rest: no resident ID number in any history the run left, or in any log line.
      const histories = await historiesText(stack.temporalAddress).catch((e: unknown) => ({ text: '', error: e as Error }));
      await stack.stop();
      writes.restore();
      if ('error' in histories) throw histories.error;
      const leaked = [...idNumbersIn(histories.text).map((id) => `history: ${id}`), ...idNumbersIn(writes.text()).map((id) => `log: ${id}`)];
      if (leaked.length > 0) throw new Error(`personal data in plain text after ${prefix}: ${leaked.join(', ')}`);
      // The API logs every answer it could not give (5xx) as `[api] METHOD path: error`: a browser run has none.
      const failures = writes.text().split('\n').filter((line) => /\[api\] (GET|POST|PUT|PATCH|DELETE) /.test(line));
      if (failures.length > 0) throw new Error(`the API failed during ${prefix}:\n${failures.slice(0, 10).join('\n')}`);
    },
  };
}
