// Each role sees the controls it may use, in a real browser against the real stack (Temporal dev
// server, PGlite, worker, API serving the built web/dist), at 1440 px and at a phone's 375 px: the
// admin and a county supervisor see no 启动演示活动; a village clerk sees no 导入名单 or 开始筛查 (and
// can photograph refusal evidence); a county official sees the city's campaign without its phase
// controls, and the server's refusal of a phase change says 无权限 and why, not 未找到. Every phase
// change asks first and says what moves: the next phase's new start, or the days a shorter phase leaves
// with no phase, which must be accepted explicitly (the API refuses the move otherwise).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ApiError, createApiClient } from '../../client';
import { addDaysLocal, localDateOf, localToInstant } from '../../domain/time';
import type { CampaignDetail, LaunchResult } from '../../contracts/api/campaigns';
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
  harness = await startConsole('officials');
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
    await shot(page, 'officials-admin-campaigns-1440.png');
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
    await shot(page, 'officials-county-official-campaign-1440.png');

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
    await shot(page, 'officials-supervisor-campaigns-375.png');

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
    await shot(page, 'officials-clerk-hardship-375.png');
    expect(pageErrors).toEqual([]);
  });
});

describe('phase changes', () => {
  /** A campaign of its own: two phases back to back, deployment today + 10 days, then payment. */
  async function twoPhaseCampaign() {
    const api = createApiClient({ baseUrl: harness!.stack.baseUrl });
    await api.signIn({ username: official.username, password: official.password, totp: () => nextTotpCode(official) });
    const today = localDateOf(Date.now(), 'Asia/Shanghai');
    const id = `e2e-phases-${Date.now().toString(36)}`;
    const plan = {
      id,
      title: 'E2E 阶段调整演练',
      year: Number(today.slice(0, 4)),
      region: { code: '440700', name: '江门市', level: 'city' },
      phases: [
        { key: 'deployment', name: { zh: '工作部署阶段', en: 'Deployment' }, start: today, deadline: addDaysLocal(today, 10) },
        { key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: addDaysLocal(today, 11), deadline: addDaysLocal(today, 40) },
      ],
      targets: { enrolled: 20, paying: 10 },
      breakdown: [{ code: '440703', name: '蓬江区', level: 'county', children: [{ code: '440703001', name: '环市街道', level: 'town' }] }],
    };
    await api.post('/api/campaigns', { plan });
    const detail = () => api.get<CampaignDetail>(`/api/campaigns/${id}`);
    await expect.poll(async () => (await detail()).currentPhaseKey, { timeout: 60_000 }).toBe('deployment');
    return { api, id, today, detail };
  }

  it('a deadline move says what moves; a gap must be accepted, by the page and by the API', async (ctx) => {
    const { api, id, today, detail } = await twoPhaseCampaign();
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, official, `/campaigns/${id}`);
    const form = page.getByTestId('amend-form');
    await form.waitFor();

    // Longer: the payment phase's start follows, and the page says so before anything is sent.
    await page.getByTestId('amend-date').fill(addDaysLocal(today, 15));
    await page.getByTestId('amend-reason').fill('部分镇街部署会议推迟');
    await page.getByTestId('amend-submit').click();
    const confirm = page.getByTestId('amend-confirm');
    await confirm.waitFor();
    const d15 = proseDate(addDaysLocal(today, 15));
    const d11 = proseDate(addDaysLocal(today, 11));
    const d16 = proseDate(addDaysLocal(today, 16));
    expect(await confirm.innerText()).toContain(`「工作部署阶段」的截止时间由 ${proseDate(addDaysLocal(today, 10))} 改为 ${d15}`);
    expect(await page.getByTestId('amend-next-start').innerText()).toBe(`下一阶段「参保缴费阶段」的开始时间随之由 ${d11} 推迟到 ${d16}，其截止时间不变（该阶段相应缩短）。`);
    expect(await page.getByTestId('amend-gap').count()).toBe(0);
    await page.getByTestId('amend-confirm-no').click();
    expect(await confirm.count()).toBe(0);

    // Shorter: five days would belong to no phase. The confirmation names them and waits for the tick.
    await page.getByTestId('amend-date').fill(addDaysLocal(today, 5));
    await page.getByTestId('amend-submit').click();
    await confirm.waitFor();
    const gap = page.getByTestId('amend-gap');
    expect(await gap.innerText()).toContain('之间有 5 天不属于任何阶段');
    expect(await gap.innerText()).toContain(`（${proseDate(addDaysLocal(today, 6))}）`);
    expect(await page.getByTestId('amend-confirm-yes').isDisabled()).toBe(true);
    await shot(page, 'officials-amend-gap-1440.png');

    // The API refuses the same move without the acceptance: the page is not the only guard.
    const refused = await api.post(`/api/campaigns/${id}/deadline`, { reason: '脚本直接调用', phaseKey: 'deployment', deadline: addDaysLocal(today, 5) }).then(
      () => null,
      (e: unknown) => e as ApiError,
    );
    expect(refused?.status).toBe(422);
    expect(refused?.type).toBe('urn:problem:phase-gap');
    expect(refused?.detail).toContain('有 5 天不属于任何阶段');
    expect(Date.parse((await detail()).phases.find((p) => p.key === 'deployment')!.deadlineAt)).toBe(deadlineOf(addDaysLocal(today, 10)));

    await page.getByTestId('amend-accept-gap').check();
    await page.getByTestId('amend-confirm-yes').click();
    await page.getByTestId('amend-ok').waitFor();
    const after = (await detail()).phases;
    expect(Date.parse(after.find((p) => p.key === 'deployment')!.deadlineAt)).toBe(deadlineOf(addDaysLocal(today, 5)));
    expect(Date.parse(after.find((p) => p.key === 'payment')!.startAt)).toBe(localToInstant(addDaysLocal(today, 11), 'Asia/Shanghai', 'start'));
    expect(pageErrors).toEqual([]);
  });

  it('提前进入下一阶段 asks first and says what moves, on a phone', async (ctx) => {
    const { id, today, detail } = await twoPhaseCampaign();
    const { page, pageErrors } = await openPage(ctx, PHONE);
    await harness!.signIn(page, official, `/campaigns/${id}`);
    await page.getByTestId('advance-form').waitFor();
    await page.getByTestId('advance-reason').fill('部署工作已全部完成');
    await page.getByTestId('advance-submit').click();
    const confirm = page.getByTestId('advance-confirm');
    await confirm.waitFor();
    const moves = await page.getByTestId('advance-moves').locator('li').allInnerTexts();
    expect(moves).toEqual([
      `「工作部署阶段」现在结束（原定 ${proseDate(addDaysLocal(today, 10))} 截止）。`,
      `「参保缴费阶段」现在开始（原定 ${proseDate(addDaysLocal(today, 11))} 开始），截止时间不变，仍为 ${proseDate(addDaysLocal(today, 40))}。`,
    ]);
    await confirm.scrollIntoViewIfNeeded();
    expect(await scrollsSideways(page)).toBe(false);
    await shot(page, 'officials-advance-confirm-375.png');
    // 取消 sends nothing.
    await page.getByTestId('advance-confirm-no').click();
    expect((await detail()).currentPhaseKey).toBe('deployment');
    await page.getByTestId('advance-submit').click();
    await page.getByTestId('advance-confirm-yes').click();
    await page.getByTestId('advance-ok').waitFor();
    expect((await detail()).currentPhaseKey).toBe('payment');
    expect(pageErrors).toEqual([]);
  });
});

const deadlineOf = (date: string) => localToInstant(date, 'Asia/Shanghai', 'deadline');

describe('待办', () => {
  it('is a county supervisor\'s home: the period their county owes, read and unread kept, on a phone', async (ctx) => {
    const supervisor = await harness!.stack.createUser({ username: 'pj.todo.sup', password: 'Pengjiang-Todo-7710', role: 'supervisor', regionCode: '440703', displayName: '蓬江区社保局 叶督导' });
    const { page, pageErrors } = await openPage(ctx, PHONE);
    // Signed in with no address to return to: the console opens on 待办.
    await harness!.signIn(page, supervisor, '/');
    await page.getByTestId('todo-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const item = page.getByTestId('todo-group-period').locator(`[data-testid="todo-item"][data-key^="period:${campaignId}/440703/"]`);
    await item.waitFor();
    expect(await item.getAttribute('data-read')).toBe('false');
    expect(await item.getByTestId('todo-open').innerText()).toMatch(/^蓬江区第1期进度待报送$/);
    expect(await item.innerText()).toContain('江门市');
    expect(await item.getByTestId('todo-due').innerText()).toMatch(/^截止：\d{4}年\d{1,2}月\d{1,2}日/);
    const summary = await page.getByTestId('todo-summary').innerText();
    const unreadBefore = Number(/未读 (\d+) 项/.exec(summary)![1]);
    expect(unreadBefore).toBeGreaterThanOrEqual(1);
    expect(await scrollsSideways(page)).toBe(false);
    await shot(page, 'officials-todo-375.png');

    // Marked read, it stays read on the next visit; the count goes down.
    await item.getByTestId('todo-mark').click();
    await page.waitForFunction((k) => document.querySelector(`[data-key="${k}"]`)?.getAttribute('data-read') === 'true', await item.getAttribute('data-key'));
    await page.reload();
    await item.waitFor();
    expect(await item.getAttribute('data-read')).toBe('true');
    expect(await page.getByTestId('todo-summary').innerText()).toContain(`未读 ${unreadBefore - 1} 项`);
    // Opening it leads to the county's page, where the report is made.
    await item.getByTestId('todo-open').click();
    await page.waitForURL(new RegExp(`/campaigns/${campaignId}/units/440703$`));
    expect(pageErrors).toEqual([]);
  });

  it('the campaign list is one click away, at 1440 px', async (ctx) => {
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, official, '/');
    await page.getByTestId('todo-page').waitFor();
    await shot(page, 'officials-todo-1440.png');
    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId(`campaign-row-${campaignId}`).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

describe('审计日志', () => {
  it('reads as sentences, filters by person, unit and action, and exports to XLSX', async (ctx) => {
    // Something to find: the city official cancels a campaign of their own; a county official is refused.
    const api = createApiClient({ baseUrl: harness!.stack.baseUrl });
    await api.signIn({ username: official.username, password: official.password, totp: () => nextTotpCode(official) });
    const today = localDateOf(Date.now(), 'Asia/Shanghai');
    const id = `e2e-audit-${Date.now().toString(36)}`;
    await api.post('/api/campaigns', {
      plan: {
        id,
        title: 'E2E 审计演练',
        year: Number(today.slice(0, 4)),
        region: { code: '440700', name: '江门市', level: 'city' },
        phases: [{ key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: today, deadline: addDaysLocal(today, 30) }],
        targets: { enrolled: 20, paying: 10 },
        breakdown: [{ code: '440703', name: '蓬江区', level: 'county' }],
      },
    });
    await expect.poll(async () => (await api.get<CampaignDetail>(`/api/campaigns/${id}`)).status, { timeout: 60_000 }).toBe('running');
    await api.post(`/api/campaigns/${id}/cancel`, { reason: '演练结束，撤销' });
    const county = await harness!.stack.createUser({ username: 'pj.audit.official', password: 'Pengjiang-Audit-2290', role: 'official', regionCode: '440703', displayName: '蓬江区人社局 罗股长' });
    const countyApi = createApiClient({ baseUrl: harness!.stack.baseUrl });
    await countyApi.signIn({ username: county.username, password: county.password, totp: () => nextTotpCode(county) });
    await countyApi.post(`/api/campaigns/${id}/advance`, { reason: '越权尝试' }).catch(() => undefined);

    const auditor = await harness!.stack.createUser({ username: 'jm.audit', password: 'Jiangmen-Audit-6631', role: 'auditor', regionCode: '440700', displayName: '江门市纪工委 钟审计' });
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, auditor, '/audit');
    await page.getByTestId('audit-filters').waitFor();

    // The cancel, found by its own name (not as a launch), in a sentence naming the campaign.
    await page.getByTestId('audit-action').selectOption('campaign.cancel');
    await page.getByTestId('audit-apply').click();
    await page.waitForURL(/action=campaign.cancel/);
    const row = page.locator('[data-testid="audit-row"][data-action="campaign.cancel"]').first();
    await row.waitFor();
    expect(await row.getByTestId('audit-sentence').innerText()).toBe('撤销活动：活动《E2E 审计演练》');
    expect(await row.innerText()).toContain(`${official.username}（业务主管（市级））`);
    expect(await row.innerText()).toContain('成功');

    // The refusal, by person and unit: what they tried, and why it failed; no key, route or JSON.
    await page.getByTestId('audit-action').selectOption('');
    await page.getByTestId('audit-actor').fill(county.username);
    await page.getByTestId('audit-unit').fill('440703');
    await page.getByTestId('audit-apply').click();
    await page.waitForURL(/unit=440703/);
    const denied = page.locator('[data-testid="audit-row"][data-action="authz.denied"]').first();
    await denied.waitFor();
    expect(await denied.getByTestId('audit-sentence').innerText()).toBe('试图调整活动阶段（提前进入下一阶段、调整截止时间）（活动《E2E 审计演练》）');
    expect(await denied.innerText()).toContain('因无权限被拒绝');
    const table = await page.getByTestId('audit-table').innerText();
    expect(table).not.toMatch(/authz|\/api\/|[{}]|campaign\.|POST|GET/);
    await shot(page, 'officials-audit-1440.png');

    // The same rows as XLSX, in the same words.
    const res = await page.request.get(new URL((await page.getByTestId('audit-xlsx').getAttribute('href'))!, harness!.stack.baseUrl).href);
    expect(res.status()).toBe(200);
    const sheet = strFromU8(unzipSync(new Uint8Array(await res.body()))['xl/worksheets/sheet1.xml']);
    expect(sheet).toContain('试图调整活动阶段');
    expect(sheet).toContain('因无权限被拒绝');
    expect(sheet).not.toContain('authz');

    await page.setViewportSize(PHONE);
    await page.waitForFunction(() => document.documentElement.clientWidth === 375);
    await shot(page, 'officials-audit-375.png');
    expect(pageErrors).toEqual([]);
  });
});

describe('launching a plan', () => {
  it('is offered only once the same text has previewed without errors', async (ctx) => {
    const today = localDateOf(Date.now(), 'Asia/Shanghai');
    const plan = {
      id: `e2e-gate-${Date.now().toString(36)}`,
      title: 'E2E 预览后启动',
      year: Number(today.slice(0, 4)),
      region: { code: '440700', name: '江门市', level: 'city' },
      phases: [{ key: 'payment', name: { zh: '参保缴费阶段', en: 'Payment' }, start: today, deadline: addDaysLocal(today, 30) }],
      targets: { enrolled: 20, paying: 10 },
      breakdown: [{ code: '440703', name: '蓬江区', level: 'county' }],
    };
    const { page, pageErrors } = await openPage(ctx, DESKTOP);
    await harness!.signIn(page, official, '/launch');
    await page.getByTestId('mode-yaml').click(); // the plan as text: the advanced view of the wizard
    await page.getByTestId('plan-text').fill(JSON.stringify(plan, null, 2));
    const launch = page.getByTestId('launch-button');
    expect(await launch.isDisabled()).toBe(true);
    expect(await page.getByTestId('launch-needs-preview').innerText()).toContain('预览没有错误后才能启动');
    await page.getByTestId('preview-button').click();
    await page.getByTestId('plan-preview').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="launch-button"]')?.hasAttribute('disabled'));
    expect(await page.getByTestId('launch-needs-preview').count()).toBe(0);
    await shot(page, 'officials-launch-previewed-1440.png');
    // Any edit asks for a new preview.
    await page.getByTestId('plan-text').fill(JSON.stringify({ ...plan, title: 'E2E 改过的标题' }, null, 2));
    expect(await launch.isDisabled()).toBe(true);
    // A plan with an error never unlocks it.
    await page.getByTestId('plan-text').fill(JSON.stringify({ ...plan, phases: [] }, null, 2));
    await page.getByTestId('preview-button').click();
    await page.getByTestId('plan-errors').waitFor();
    expect(await launch.isDisabled()).toBe(true);
    await page.setViewportSize(PHONE);
    await page.waitForFunction(() => document.documentElement.clientWidth === 375);
    expect(await scrollsSideways(page)).toBe(false);
    await shot(page, 'officials-launch-error-375.png');
    expect(pageErrors).toEqual([]);
  });
});

/** 2026-12-05 → 2026年12月5日, as the confirmation writes dates. */
function proseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
