// 核查差异 in a real browser against the real stack, on a phone (375 px): the demo campaign's 蓬江区
// reported 500 paid while the tax feed verifies 480; the official's check on the campaign page opens the
// discrepancy; the
// county's supervisor finds it in 待办, opens the unit page, corrects the figure with a note, and the
// discrepancy reads 已消除; the page never scrolls sideways. The mobilisation card shows the visits.
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { paymentStatuses, units, visitOutcomes } from '../../db/schema';
import { recordReport } from '../../services/reporting';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import type { TestUser } from '../support/stack';

const COUNTY = '440703';
let harness: ConsoleHarness | undefined;
let official: TestUser;
let supervisor: TestUser;

beforeAll(async () => {
  harness = await startConsole('discrepancies');
  official = await harness.stack.createUser({ username: 'jm.verify.official', password: 'Jiangmen-Verify-7731', role: 'official', regionCode: '440700', displayName: '江门市人社局 核查员' });
  supervisor = await harness.stack.createUser({ username: 'pj.verify.supervisor', password: 'Pengjiang-Verify-7731', role: 'supervisor', regionCode: COUNTY, displayName: '蓬江区社保局 李科员' });
});

afterAll(async () => {
  await harness?.stop();
});

const openPage = (ctx: TestContext, viewport = { width: 1366, height: 900 }) => {
  if (!harness) throw new Error('stack or browser not started');
  return harness.openPage(ctx, viewport);
};

describe('核查差异 on a phone', () => {
  it('the county finds the discrepancy in 待办 and corrects it at 375 px', async (ctx) => {
    const { page: officialPage } = await openPage(ctx);
    await harness!.signIn(officialPage, official);
    await officialPage.getByTestId('launch-demo').first().click();
    await officialPage.waitForURL(/\/campaigns\/[^/]+$/);
    const campaignId = decodeURIComponent(new URL(officialPage.url()).pathname.split('/').pop()!);

    await officialPage.getByTestId('county-table').waitFor();
    const db = harness!.stack.db;
    // The campaign workflow writes its units: wait for the county's row.
    for (let i = 0; i < 100 && (await db.select().from(units).where(and(eq(units.campaignId, campaignId), eq(units.code, COUNTY)))).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await recordReport(db, { id: `${campaignId}/e2e`, campaignId, unitCode: COUNTY, periodKey: '2026-11-15', revision: 1, figures: { enrolled: 900, paid: 500, amountFen: 9_000_000, mobilePaid: 0, hardshipCovered: 0 }, late: false, source: 'api', actor: '测试', note: null, at: Date.now() });
    await db.update(units).set({ verifiedPaid: 480, verifiedAmountFen: 9_000_000, verifiedMobilePaid: 0, verifiedAsOf: '2026-11-30' }).where(and(eq(units.campaignId, campaignId), eq(units.code, COUNTY)));
    // The official asks for the check on the campaign page.
    await officialPage.getByTestId('discrepancies-check').click();
    await officialPage.getByText('核查完成：新开立差异 1 项，更新 0 项，消除 0 项。').waitFor();
    await officialPage.getByText('待答复 1 项（其中已逾期提请上级 0 项），已说明或更正 0 项，已消除 0 项。').waitFor();
    const person = '440703197202021105';
    await db.insert(paymentStatuses).values({ campaignId, idNumber: person, importId: 'e2e', name: '郑十', villageCode: '440703001001', status: 'unpaid' });
    await db.insert(visitOutcomes).values({ campaignId, idNumber: person, villageCode: '440703001001', outcome: 'promised', actor: '协管员', recordedAt: new Date() });

    const { page, pageErrors } = await openPage(ctx, { width: 375, height: 812 });
    await harness!.signIn(page, supervisor, '/');
    const item = page.locator('[data-testid="todo-group-discrepancy"] [data-testid="todo-item"]');
    await item.waitFor();
    expect(await item.getByTestId('todo-open').innerText()).toContain('实缴人数核查差异待说明或更正');
    await item.getByTestId('todo-open').click();
    const card = page.getByTestId('discrepancy-paid');
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('open');
    expect(await card.innerText()).toContain('报送 500 人');
    expect(await card.innerText()).toContain('税务核实 480 人');
    expect(await page.getByTestId('mobilisation-promised').innerText()).toBe('1');
    await page.getByTestId('unit-discrepancies').screenshot({ path: path.join(artifacts, 'discrepancy-375-open.png') });
    await page.getByTestId('unit-mobilisation').screenshot({ path: path.join(artifacts, 'mobilisation-375.png') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);

    await card.getByTestId('discrepancy-kind-correct').check();
    await card.getByTestId('discrepancy-corrected').fill('482');
    await card.getByTestId('discrepancy-text').fill('按税务逐人明细核对，2 人为重复报送，予以更正');
    await card.getByTestId('discrepancy-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="discrepancy-paid"]')?.getAttribute('data-status') === 'closed');
    expect(await page.getByTestId('discrepancy-paid').innerText()).toContain('更正为 482 人');
    expect(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);
    await page.getByTestId('unit-discrepancies').screenshot({ path: path.join(artifacts, 'discrepancy-375-closed.png') });
    expect(pageErrors).toEqual([]);
  });
});
