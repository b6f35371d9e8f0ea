// The plan wizard in a real browser against the real stack, as a city official of Jiangmen (440700)
// would use it: a small plan built through the forms (basics with the region chosen by name, two
// phases, three counties (two from an XLSX) whose targets must add up — the breakdown step shows the server's sum error
// in words until they do — a target, a weekly report, a ladder), previewed with the phases by their
// Chinese names and the units counted per level, and launched. Then the same plan as YAML and back,
// keeping what the forms show and what they do not, and a YAML mistake named by line in Chinese.
// Screenshots at 1440 and 375 px under test-artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { createApiClient } from '../../client';
import type { LaunchResult } from '../../contracts/api/campaigns';
import { addDaysLocal, localDateOf } from '../../domain/time';
import { xlsxBytes } from '../../formats/xlsxWriter';
import { nextTotpCode } from '../support/auth';
import { artifacts, startConsole, type ConsoleHarness } from '../support/browser';
import { scrollsSideways } from '../support/charts';
import type { TestUser } from '../support/stack';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let harness: ConsoleHarness | undefined;
let official: TestUser;
let demoId: string;

beforeAll(async () => {
  harness = await startConsole('wizard');
  official = await harness.stack.createUser({ username: 'jm.wizard', password: 'Jiangmen-Wizard-6614', role: 'official', regionCode: '440700', displayName: '江门市社保局 梁科长' });
  // The demo campaign makes 江门市 and its counties known to the region picker by name.
  const api = createApiClient({ baseUrl: harness.stack.baseUrl });
  await api.signIn({ username: official.username, password: official.password, totp: () => nextTotpCode(official) });
  demoId = (await api.post<LaunchResult>('/api/demo', {})).campaign.id;
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

const next = (page: Page) => page.getByTestId('step-next').click();

async function atPhone(page: Page, name: string) {
  await page.setViewportSize(PHONE);
  await page.waitForFunction(() => document.documentElement.clientWidth === 375);
  expect(await scrollsSideways(page)).toBe(false);
  await shot(page, name);
  await page.setViewportSize(DESKTOP);
}

async function unit(page: Page, i: number, code: string, name: string, enrolled: string) {
  const item = page.getByTestId('unit-item').nth(i);
  await item.getByTestId('unit-code').fill(code);
  await item.getByTestId('unit-name').fill(name);
  await item.getByTestId('unit-enrolled').fill(enrolled);
}

describe('plan wizard', () => {
  it('a city official builds a small plan through the forms, previews it in words and launches it', async (ctx) => {
    const today = localDateOf(Date.now(), 'Asia/Shanghai');
    const id = `e2e-wizard-${Date.now().toString(36)}`;
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, official, '/launch');
    await page.getByTestId('step-form-basics').waitFor();

    // 1 基本信息: the region chosen by name, its name and level filled from the choice.
    await page.getByTestId('basics-title').fill('江门市城乡居民养老保险征缴（表单演练）');
    await page.getByTestId('basics-id').fill(id);
    await page.getByTestId('basics-region').fill('江门');
    await page.locator('[data-testid="region-option"][data-code="440700"]').click();
    expect(await page.getByTestId('basics-region-name').inputValue()).toBe('江门市');
    expect(await page.getByTestId('basics-region-level').inputValue()).toBe('city');
    await shot(page, 'wizard-basics-1440.png');
    await next(page);

    // 2 工作阶段: two phases by date pickers; the second renamed.
    expect(await page.getByTestId('phase-item').count()).toBe(2);
    const phases = page.getByTestId('phase-item');
    await phases.nth(0).getByTestId('phase-start').fill(today);
    await phases.nth(0).getByTestId('phase-deadline').fill(addDaysLocal(today, 9));
    await phases.nth(1).getByTestId('phase-name').fill('参保缴费阶段');
    await phases.nth(1).getByTestId('phase-start').fill(addDaysLocal(today, 10));
    await phases.nth(1).getByTestId('phase-deadline').fill(addDaysLocal(today, 60));
    await next(page);

    // 3 总目标
    await page.getByTestId('target-enrolled').fill('3000');
    await next(page);

    // 4 任务分解: three counties, one short; leaving and coming back shows the server's sum error in words.
    // Two counties from the city's XLSX (a first file with an empty name is refused, naming its row
    // and column, and reads nothing), the third typed in.
    const xlsx = (rows: (string | number)[][]) => ({ name: '任务分解.xlsx', mimeType: XLSX, buffer: Buffer.from(xlsxBytes([{ name: '任务分解', rows: [['区划代码', '单位名称', '上级代码', '参保人数'], ...rows] }])) });
    await page.getByTestId('breakdown-xlsx').setInputFiles(xlsx([['440703', '蓬江区', '', 1000], ['440704', '', '', 1200]]));
    const refused = page.getByTestId('breakdown-xlsx-errors');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('第 3 行“单位名称”列：不能为空');
    expect(await page.getByTestId('unit-item').count()).toBe(0);
    await page.getByTestId('breakdown-xlsx').setInputFiles(xlsx([['440703', '蓬江区', '', 1000], ['440704', '江海区', '', 1200]]));
    await page.getByTestId('breakdown-xlsx-done').waitFor();
    expect(await page.getByTestId('unit-name').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['蓬江区', '江海区']);
    await page.getByTestId('unit-add').click();
    await unit(page, 2, '440705', '新会区', '700');
    await next(page);
    await page.getByTestId('step-breakdown').click();
    const stepErrors = page.getByTestId('step-errors');
    await stepErrors.waitFor();
    const errorText = await stepErrors.innerText();
    expect(errorText).toContain('下级目标之和 2900 应等于本级目标 3000');
    expect(errorText).not.toMatch(/targets|breakdown|\[\d\]/);
    expect(await page.getByTestId('step-breakdown').getAttribute('data-errors')).toBe('1');
    await shot(page, 'wizard-breakdown-error-1440.png');
    await unit(page, 2, '440705', '新会区', '800');
    await page.getByTestId('step-ok').waitFor();
    expect(await page.getByTestId('breakdown-sums').innerText()).toContain('3,000');
    await next(page);

    // 5 报送安排: a weekly report of the counties, every Monday at 17:00 from the second phase.
    await page.getByTestId('stream-add').click();
    const stream = page.getByTestId('stream-item').first();
    await stream.getByTestId('stream-name').fill('县区周报');
    await stream.getByTestId('stream-kind').selectOption('weekly');
    await stream.getByTestId('stream-weekday').selectOption('1');
    await stream.getByTestId('stream-due').selectOption('17:00');
    await stream.getByTestId('stream-start').selectOption({ label: '自“参保缴费阶段”开始' });
    expect(await stream.getByTestId('stream-level-county').isChecked()).toBe(true);
    expect(await stream.getByTestId('stream-shift').isChecked()).toBe(true);
    await shot(page, 'wizard-reporting-1440.png');
    await atPhone(page, 'wizard-reporting-375.png');
    await next(page);

    // 6 督办升级: the usual three rungs.
    await page.getByTestId('escalation-enable').click();
    expect(await page.getByTestId('rung-name').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['提醒', '预警', '督办']);
    await next(page);

    // 7 缴费政策: none here; the page says the rest of the policy is in the YAML view.
    expect(await page.getByTestId('step-form-policy').innerText()).toContain('高级：YAML');
    await next(page);

    // 8 预览并启动
    await page.getByTestId('preview-button').click();
    await page.getByTestId('plan-preview').waitFor();
    expect(await page.getByTestId('other-step-errors').count()).toBe(0);
    expect(await page.getByTestId('preview-phase-name').allInnerTexts()).toEqual(['宣传发动阶段', '参保缴费阶段']);
    const phasesTable = await page.getByTestId('preview-phases').innerText();
    expect(phasesTable).not.toMatch(/mobilisation|payment|键/);
    expect(await page.getByTestId('preview-workflows').innerText()).toBe('将有 3 个单位按方案报送或接受进度评判：县（市、区）3 个。');
    expect(await page.getByTestId('preview-schedule-county').innerText()).toContain('每周一');
    await shot(page, 'wizard-preview-1440.png');
    await atPhone(page, 'wizard-preview-375.png');

    await page.waitForFunction(() => !document.querySelector('[data-testid="launch-button"]')?.hasAttribute('disabled'));
    await page.getByTestId('launch-button').click();
    await page.waitForURL(new RegExp(`/campaigns/${id}$`));
    await page.getByText('江门市城乡居民养老保险征缴（表单演练）').first().waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('switches to YAML and back without losing a field, and names a YAML mistake by line in Chinese', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, official, '/launch');

    // An example as the template: its dates moved to next week, every field kept.
    await page.getByTestId('template-select').selectOption('dongfang');
    await page.waitForFunction(() => (document.querySelector('[data-testid="basics-id"]') as HTMLInputElement | null)?.value.startsWith('dongfang-'));
    const title = await page.getByTestId('basics-title').inputValue();
    expect(title).toBe('东方市城镇居民社会养老保险实施方案');
    await page.getByTestId('basics-title').fill('东方市城乡居保征缴方案（改）');
    await page.getByTestId('step-policy').click();
    expect(await page.getByTestId('policy-tiers').inputValue()).toBe('100、200、300、400、500、600、800、1000、1500、2000');
    expect(await page.getByTestId('policy-kept').innerText()).toContain('困难群体代缴');

    // To YAML: the form's edit is there, and so is what no form shows.
    await page.getByTestId('mode-yaml').click();
    const yaml = await page.getByTestId('plan-text').inputValue();
    expect(yaml).toContain('title: 东方市城乡居保征缴方案（改）');
    expect(yaml).toContain('hardship:');
    expect(yaml).toContain('balanceRequired:');
    await shot(page, 'wizard-yaml-1440.png');

    // A mistake stays in the YAML view, named by line, in Chinese.
    await page.getByTestId('plan-text').fill(`${yaml}\nrollup: [own-first\n`);
    await page.getByTestId('mode-form').click();
    const error = await page.getByTestId('yaml-error').innerText();
    expect(error).toMatch(/^无法切换回表单：第 \d+ 行第 \d+ 列的 YAML 写法有误/);
    expect(await page.getByTestId('plan-text').count()).toBe(1);

    // Edited in YAML (a title, a field no form shows), back to the forms: both kept.
    await page.getByTestId('plan-text').fill(yaml.replace('title: 东方市城乡居保征缴方案（改）', 'title: 东方市征缴方案（YAML 改）') + 'rollup: children-sum\n');
    await page.getByTestId('mode-form').click();
    // Back where the official left the forms (the policy step), then to the basics.
    await page.getByTestId('step-form-policy').waitFor();
    await page.getByTestId('step-basics').click();
    expect(await page.getByTestId('basics-title').inputValue()).toBe('东方市征缴方案（YAML 改）');
    await page.getByTestId('step-phases').click();
    expect(await page.getByTestId('phase-name').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['宣传发动阶段', '参保登记缴费阶段', '总结验收阶段']);
    await page.getByTestId('step-reporting').click();
    expect(await page.getByTestId('stream-name').inputValue()).toBe('参保进度月报');
    expect(await page.getByTestId('stream-days').inputValue()).toBe('25');
    await atPhone(page, 'wizard-template-reporting-375.png');
    await page.getByTestId('mode-yaml').click();
    const again = await page.getByTestId('plan-text').inputValue();
    expect(again).toContain('rollup: children-sum');
    expect(again).toContain('balanceRequired:');
    expect(again).toContain('title: 东方市征缴方案（YAML 改）');
    expect(pageErrors).toEqual([]);
  });
});

describe('regions chosen by name in filters', () => {
  it('the escalation board and the audit log filter by a region picked by its name', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, official, `/campaigns/${demoId}/escalations`);
    await page.getByTestId('escalation-board').waitFor();
    await page.getByTestId('filter-region').fill('江海');
    const option = page.locator('[data-testid="region-option"][data-code="440704"]');
    await option.waitFor();
    expect(await option.innerText()).toContain('江海区');
    await option.click();
    expect(await page.getByTestId('filter-region-chosen').innerText()).toContain('江海区');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/region=440704/);
    await shot(page, 'wizard-escalation-filter-1440.png');

    const auditor = await harness!.stack.createUser({ username: 'jm.wizard.audit', password: 'Jiangmen-Audit-6614', role: 'auditor', regionCode: '440700', displayName: '江门市纪工委 钟审计' });
    const { page: auditPage } = await openPage(ctx, DESKTOP);
    await harness!.signIn(auditPage, auditor, '/audit');
    await auditPage.getByTestId('audit-filters').waitFor();
    await auditPage.getByTestId('audit-unit').fill('江门');
    await auditPage.locator('[data-testid="region-option"][data-code="440700"]').click();
    await auditPage.getByTestId('audit-apply').click();
    await auditPage.waitForURL(/unit=440700/);
    // The launch of the demo, with its region by name (the code in a tooltip).
    const region = auditPage.getByTestId('audit-region').first();
    await region.waitFor();
    await expect.poll(() => region.innerText()).toBe('江门市');
    expect(await region.getAttribute('title')).toBe('440700');
    await shot(auditPage, 'wizard-audit-filter-1440.png');
    expect(pageErrors).toEqual([]);
  });
});
