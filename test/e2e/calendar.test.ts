// The holiday calendar as a form, in a real browser against the real stack, signed in as an official of
// Jiangmen: a new year is filled in by date pickers (holidays, a make-up working day, the notice's 文号,
// date and link); a holiday ending before it starts is refused at its row and field before anything is
// sent; the JSON view shows the very object the API then receives; after saving and reloading the page
// the year is on file with its holidays. The same form at a phone's 375 px does not scroll sideways.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { scrollsSideways } from '../support/charts';
import type { TestUser } from '../support/stack';

let harness: ConsoleHarness | undefined;
let official: TestUser;

beforeAll(async () => {
  harness = await startConsole('calendar');
  official = await harness.stack.createUser({ username: 'jm.calendar', password: 'Jiangmen-Test-7731', role: 'official', regionCode: '440700', displayName: '江门市人社局 黄科员' });
  await mkdir(artifacts, { recursive: true });
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (ctx: TestContext, viewport: { width: number; height: number }) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, viewport);
};

const YEAR = 2031;

describe('calendar form', () => {
  it('fills a new year by date pickers, refuses a wrong row at its field, saves and shows it after a reload', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, { width: 1440, height: 900 });
    await harness!.signIn(page, official, '/calendar');
    const editor = page.getByTestId('calendar-editor');
    await editor.getByTestId('calendar-form').waitFor();
    expect(await page.getByTestId(`calendar-year-${YEAR}`).count()).toBe(0);

    await editor.getByTestId('calendar-year').fill(String(YEAR));
    await editor.getByTestId('calendar-title').fill(`国务院办公厅关于${YEAR}年部分节假日安排的通知`);
    await editor.getByTestId('calendar-docno').fill('国办发明电〔2030〕9号');
    await editor.getByTestId('calendar-published').fill('2030-11-05');
    await editor.getByTestId('calendar-url').fill('https://www.gov.cn/zhengce/content/203011/content_1.htm');

    const holidays = editor.getByTestId('calendar-holiday-row');
    await holidays.nth(0).getByTestId('calendar-holiday-name').fill('元旦');
    // A statutory holiday's English name comes with it.
    expect(await holidays.nth(0).getByTestId('calendar-holiday-name-en').inputValue()).toBe("New Year's Day");
    await holidays.nth(0).getByTestId('calendar-holiday-from').fill(`${YEAR}-01-01`);
    await holidays.nth(0).getByTestId('calendar-holiday-to').fill(`${YEAR}-01-01`);
    await editor.getByTestId('calendar-holiday-add').click();
    await holidays.nth(1).getByTestId('calendar-holiday-name').fill('春节');
    await holidays.nth(1).getByTestId('calendar-holiday-from').fill(`${YEAR}-01-28`);
    await holidays.nth(1).getByTestId('calendar-holiday-to').fill(`${YEAR}-01-22`);
    // A third row added and removed again leaves two.
    await editor.getByTestId('calendar-holiday-add').click();
    await holidays.nth(2).getByTestId('calendar-holiday-remove').click();
    expect(await holidays.count()).toBe(2);
    await editor.getByTestId('calendar-makeup-add').click();
    const makeup = editor.getByTestId('calendar-makeup-row').nth(0);
    await makeup.getByTestId('calendar-makeup-date').fill(`${YEAR}-01-18`);
    await makeup.getByTestId('calendar-makeup-for').selectOption('春节');
    await editor.getByTestId('calendar-reason').fill(`国务院办公厅发布${YEAR}年节假日安排`);

    // The wrong row is refused in the browser, at its row and field; nothing is sent.
    let puts = 0;
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().includes('/api/calendar/')) puts++;
    });
    await editor.getByTestId('calendar-submit').click();
    const summary = editor.getByTestId('calendar-form-errors');
    await summary.waitFor();
    expect(await summary.getByTestId('calendar-form-error').allInnerTexts()).toEqual([`第 2 个节假日：结束日期 ${YEAR}-01-22 早于开始日期 ${YEAR}-01-28`]);
    const inline = holidays.nth(1).locator('[data-testid="calendar-field-error"][data-key="holidays.1.to"]');
    expect(await inline.innerText()).toContain('早于开始日期');
    expect(await holidays.nth(1).getByTestId('calendar-holiday-to').getAttribute('aria-invalid')).toBe('true');
    expect(puts).toBe(0);
    await page.screenshot({ path: path.join(artifacts, 'calendar-form-error-1440.png'), fullPage: true });

    await holidays.nth(1).getByTestId('calendar-holiday-from').fill(`${YEAR}-01-22`);
    await holidays.nth(1).getByTestId('calendar-holiday-to').fill(`${YEAR}-01-28`);

    // The advanced JSON view shows the form's notice; back in the form, every row is still there.
    await editor.getByTestId('calendar-mode-json').click();
    const shown = JSON.parse(await editor.getByTestId('calendar-json').inputValue()) as unknown;
    const expected = {
      year: YEAR,
      source: {
        title: `国务院办公厅关于${YEAR}年部分节假日安排的通知`,
        issuer: '国务院办公厅',
        docNo: '国办发明电〔2030〕9号',
        publishedOn: '2030-11-05',
        url: 'https://www.gov.cn/zhengce/content/203011/content_1.htm',
      },
      holidays: [
        { name: { zh: '元旦', en: "New Year's Day" }, from: `${YEAR}-01-01`, to: `${YEAR}-01-01` },
        { name: { zh: '春节', en: 'Spring Festival' }, from: `${YEAR}-01-22`, to: `${YEAR}-01-28` },
      ],
      makeupWorkdays: [{ date: `${YEAR}-01-18`, for: '春节' }],
    };
    expect(shown).toEqual(expected);
    await editor.getByTestId('calendar-mode-form').click();
    expect(await holidays.nth(1).getByTestId('calendar-holiday-to').inputValue()).toBe(`${YEAR}-01-28`);

    // Saved: the API receives the same object.
    const put = page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith(`/api/calendar/${YEAR}`));
    await editor.getByTestId('calendar-submit').click();
    expect((JSON.parse((await put).postData() ?? '{}') as { calendar: unknown }).calendar).toEqual(expected);
    expect(await editor.getByTestId('calendar-saved').innerText()).toContain(`已保存 ${YEAR} 年节假日安排（第 1 版）`);

    await page.reload();
    const card = page.getByTestId(`calendar-year-${YEAR}`);
    await card.waitFor();
    expect(await card.getAttribute('data-origin')).toBe('official');
    const text = await card.innerText();
    for (const s of ['元旦', '春节', '国办发明电〔2030〕9号']) expect(text).toContain(s);
    await page.screenshot({ path: path.join(artifacts, 'calendar-form-1440.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('is usable at a phone’s 375 px: a year on file loads into the form, no sideways scrolling', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, { width: 375, height: 812 });
    await harness!.signIn(page, official, '/calendar');
    const editor = page.getByTestId('calendar-editor');
    await editor.getByTestId('calendar-form').waitFor();
    await editor.getByTestId('calendar-load').selectOption('2026');
    expect(await editor.getByTestId('calendar-year').inputValue()).toBe('2026');
    expect(await editor.getByTestId('calendar-holiday-row').count()).toBe(7);
    expect(await editor.getByTestId('calendar-makeup-row').count()).toBe(6);
    // A wrong date shows its error at the row on a phone too.
    await editor.getByTestId('calendar-holiday-row').nth(1).getByTestId('calendar-holiday-to').fill('2026-02-01');
    await editor.getByTestId('calendar-submit').click();
    await editor.getByTestId('calendar-form-errors').waitFor();
    expect(await editor.getByTestId('calendar-form-error').first().innerText()).toMatch(/^第 2 个节假日：结束日期 2026-02-01 早于开始日期 2026-02-15/);
    const to = editor.getByTestId('calendar-holiday-row').nth(1).getByTestId('calendar-holiday-to');
    const box = (await to.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(await scrollsSideways(page)).toBe(false);
    await editor.getByTestId('calendar-holiday-row').nth(1).scrollIntoViewIfNeeded();
    // The viewport at the wrong row (the whole page is a tall strip at this width).
    await page.screenshot({ path: path.join(artifacts, 'calendar-form-375.png') });
    expect(pageErrors).toEqual([]);
  });
});
