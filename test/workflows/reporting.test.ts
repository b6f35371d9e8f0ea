// Reporting and escalation on the time-skipping server: a Jiangmen-shaped city in 2031 (in the test
// server's future) with a test calendar for 2031 (National Day 10-01..10-07, make-up Saturday 10-11),
// four scripted counties (on time, late, never, behind pace), a worker restart in the middle of a
// ladder, and a calendar correction while the units run. Every expected escalation and its instant
// is written out below; the histories prove each rung was recorded once.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, asc, eq } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circulars, escalations, outbox, reportPeriods, reports, units } from '../../db/schema';
import type { PlanInput } from '../../domain/plan';
import { xlsxBytes } from '../../formats/xlsxWriter';
import { createWorker } from '../../server/worker';
import { submitReportUpdate, workflowIds, type ReportRequest } from '../../contracts/campaign';
import { harness, keepHistory, timeSkippingEnv, workflowBundle, type Harness } from '../support/temporal';

const county = (code: string, name: string) => ({
  code,
  name,
  level: 'county' as const,
  targets: { enrolled: 3000, paying: 1000 },
  children: [{ code: `${code}001`, name: `${name}一镇`, level: 'town' as const, targets: { enrolled: 3000, paying: 1000 }, children: [] }],
});

const plan: PlanInput = {
  id: 'reporting-2031',
  title: '测试市2031年城乡居民养老保险征缴(报送与督办测试)',
  year: 2031,
  region: { code: '440700', name: '测试市', level: 'city' },
  timeZone: 'Asia/Shanghai',
  phases: [
    { key: 'deployment', name: { zh: '部署', en: 'Deployment' }, start: '2031-09-22', deadline: '2031-09-24' },
    { key: 'mobilisation', name: { zh: '发动', en: 'Mobilisation' }, start: '2031-09-25', deadline: '2031-10-12' },
    { key: 'payment', name: { zh: '缴费', en: 'Payment' }, start: '2031-10-13', deadline: '2031-10-31' },
    { key: 'verification', name: { zh: '核查', en: 'Verification' }, start: '2031-11-01', deadline: '2031-11-07' },
  ],
  targets: { enrolled: 12000, paying: 4000 },
  breakdownRule: 'sum-equals',
  breakdown: [county('440701', '甲区'), county('440702', '乙区'), county('440703', '丙区'), county('440704', '丁区')],
  reporting: {
    rule: { kind: 'days-of-month', days: [1, 15] },
    start: '2031-09-26',
    end: { phase: 'verification' },
    dueTime: '18:00',
    shift: 'next-working-day',
    levels: ['county'],
  },
  escalation: {
    ladder: [
      { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
      { rung: 'warning', name: '预警', delayWorkingDays: 1, notify: ['unit', 'parent'] },
      { rung: 'circular', name: '通报批评', delayWorkingDays: 2, notify: ['unit', 'parent', 'city'] },
      { rung: 'supervision', name: '督办', delayWorkingDays: 3, notify: ['unit', 'parent', 'city'] },
      { rung: 'accountability', name: '问责', delayWorkingDays: 5, notify: ['unit', 'parent', 'city'] },
    ],
    pace: { phase: 'payment', metric: 'paying' },
    paceMargin: 0.05,
    warningWindowDays: 3,
  },
};

const calendar2031 = {
  year: 2031,
  source: { title: '测试用 2031 年节假日安排(非官方)', issuer: '测试', publishedOn: '2030-11-01' },
  holidays: [{ name: { zh: '国庆节', en: 'National Day' }, from: '2031-10-01', to: '2031-10-07' }],
  makeupWorkdays: [{ date: '2031-10-11', for: '国庆节' }],
};
const corrected2031 = {
  ...calendar2031,
  holidays: [...calendar2031.holidays, { name: { zh: '测试调休', en: 'Test holiday' }, from: '2031-11-03', to: '2031-11-04' }],
};

const [A, B, C, D] = ['440701', '440702', '440703', '440704'];
/** 18:00 in Beijing is 10:00 UTC. */
const bj18 = (date: string) => `${date}T10:00:00.000Z`;
const PAYMENT_END = '2031-10-31T16:00:00.000Z';

let env: TestWorkflowEnvironment;
let h: Harness;
beforeAll(async () => {
  env = await timeSkippingEnv();
  // No sticky cache: a workflow task left on a stopped worker's sticky queue would keep the
  // time-skipping server from ever skipping again.
  h = await harness(env, { workerOptions: { maxCachedWorkflows: 0 } });
});
afterAll(async () => {
  await h?.database.close();
  await env?.teardown();
});

const figures = (paid: number, enrolled = 2000) => ({ enrolled, paid, amountFen: paid * 18_000, mobilePaid: paid, hardshipCovered: 0 });
const report = (code: string, periodKey: string, paid: number) =>
  h.client.workflow
    .getHandle(workflowIds.unit(plan.id, code))
    .executeUpdate(submitReportUpdate, { args: [{ periodKey, figures: figures(paid), actor: `${code}填报员`, source: 'api' } satisfies ReportRequest] });

async function sleepUntil(instant: string) {
  const ms = Date.parse(instant) - (await env.currentTimeMs());
  if (process.env.DEBUG_REPORTING) console.log('sleep until', instant, ms);
  if (ms > 0) await env.sleep(ms);
  if (process.env.DEBUG_REPORTING) console.log('now', new Date(await env.currentTimeMs()).toISOString());
}

async function escalationRows() {
  return h.database.db.select().from(escalations).where(eq(escalations.campaignId, plan.id)).orderBy(asc(escalations.unitCode), asc(escalations.firedAt), asc(escalations.rungIndex));
}

describe('reporting and escalation', () => {
  it('escalates exactly the expected rungs at the expected instants, once, across a restart and a calendar correction', async () => {
    await h.reporting.putCalendar(2031, { calendar: calendar2031, actor: '测试', reason: '测试日历' });
    await h.campaigns.launch(plan as unknown as Record<string, unknown>, '测试官员');

    const newWorker = async () =>
      createWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue: h.taskQueue,
        db: h.database.db,
        workflowBundle: await workflowBundle(),
        options: { maxCachedWorkflows: 0 },
      });
    const receipts: Record<string, unknown> = {};
    await h.worker.runUntil(async () => {
      // Period 2031-10-01 falls in the holiday: due Wed 10-08 18:00.
      await sleepUntil('2031-10-08T04:00:00Z');
      const [periods] = await Promise.all([
        h.database.db.select().from(reportPeriods).where(and(eq(reportPeriods.campaignId, plan.id), eq(reportPeriods.unitCode, A))).orderBy(asc(reportPeriods.seq)),
      ]);
      expect(periods.map((p) => [p.periodKey, p.dueDate, p.dueAt.toISOString()])).toEqual([
        ['2031-10-01', '2031-10-08', bj18('2031-10-08')],
        ['2031-10-15', '2031-10-15', bj18('2031-10-15')],
        ['2031-11-01', '2031-11-03', bj18('2031-11-03')],
      ]);
      expect((periods[0].reason as { zh: string }).zh).toMatch(/国庆节/);
      receipts.a1 = await report(A, '2031-10-01', 0);
      receipts.d1 = await report(D, '2031-10-01', 0);
      // A report for a period that has not opened is refused.
      await expect(report(A, '2031-11-01', 5)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/尚未开始/) } });
      // B reports a day late, after its reminder and warning.
      await sleepUntil('2031-10-09T12:00:00Z');
      receipts.b1 = await report(B, '2031-10-01', 300);
      await sleepUntil('2031-10-15T04:00:00Z');
      await report(A, '2031-10-15', 200);
      await report(B, '2031-10-15', 400);
      await report(D, '2031-10-15', 10);
      // Mid-ladder: C's warning for 10-15 has fired (10-16 18:00); the next rung is 10-17 18:00.
      await sleepUntil('2031-10-16T12:00:00Z');
    });
    expect(receipts.a1).toMatchObject({ periodKey: '2031-10-01', revision: 1, late: false });
    expect(receipts.b1).toMatchObject({ periodKey: '2031-10-01', revision: 1, late: true });

    // A new worker process picks the workflows up from their histories.
    await (await newWorker()).runUntil(async () => {
      await sleepUntil('2031-10-30T04:00:00Z');
      await report(A, '2031-11-01', 1000);
      await report(B, '2031-11-01', 1000);
      await report(D, '2031-11-01', 10);
      // The first circular (period 10-01) is approved and published.
      const [first] = await h.reporting.circulars(plan.id).then((cs) => cs.filter((c) => c.periodKey === '2031-10-01'));
      expect(first.content.late.map((u) => u.code).sort()).toEqual([B, C]);
      await h.reporting.approveCircular(plan.id, { circularId: first.id, actor: '李局长', note: '同意印发' });
      // An official corrects 2031 while the units run: 11-03 and 11-04 become holidays.
      await sleepUntil('2031-10-31T04:00:00Z');
      const put = await h.reporting.putCalendar(2031, { calendar: corrected2031, actor: '王科长', reason: '补充调休安排' });
      expect(put).toMatchObject({ year: 2031, version: 2, campaignsNotified: 1 });
      await expect
        .poll(async () => {
          const [p] = await h.database.db
            .select()
            .from(reportPeriods)
            .where(and(eq(reportPeriods.campaignId, plan.id), eq(reportPeriods.unitCode, C), eq(reportPeriods.periodKey, '2031-11-01')));
          return [p.dueDate, p.dueAt.toISOString(), (p.changeNote as { zh: string } | null)?.zh ?? ''];
        }, { timeout: 30_000 })
        .toEqual(['2031-11-05', bj18('2031-11-05'), expect.stringMatching(/2031年节假日安排由王科长更新.*2031-11-03 调整为 2031-11-05/)]);
      // C's reminder for 11-01 fired at 11-05 18:00; an official waives that period, a supervisor acknowledges D's lag.
      await sleepUntil('2031-11-05T12:00:00Z');
      const id = (code: string, track: string, episode: string, rung: string) => `${plan.id}/${code}/${track}/${episode}/${rung}`;
      await expect(
        h.reporting.respond(plan.id, { escalationId: id(C, 'missed-report', '2031-11-01', 'reminder'), kind: 'waive', actor: '李局长', text: '' }),
      ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/豁免须说明理由/) } });
      expect(
        await h.reporting.respond(plan.id, { escalationId: id(C, 'missed-report', '2031-11-01', 'reminder'), kind: 'waive', actor: '李局长', text: '该区系统故障,已线下报送' }),
      ).toEqual({ escalationId: id(C, 'missed-report', '2031-11-01', 'reminder'), status: 'waived' });
      expect(
        await h.reporting.respond(plan.id, { escalationId: id(D, 'behind-pace', '2031-10-15', 'reminder'), kind: 'acknowledge', actor: '丁区社保局', text: '已收到,正在组织' }),
      ).toMatchObject({ status: 'acknowledged' });
      await h.client.workflow.getHandle(workflowIds.campaign(plan.id)).result();
      for (const code of [A, B, C, D, `${A}001`, `${B}001`, `${C}001`, `${D}001`]) await h.client.workflow.getHandle(workflowIds.unit(plan.id, code)).result();
    });

    const rows = await escalationRows();
    const got = rows.map((e) => [e.unitCode, e.track, e.episode, e.rung, e.firedAt.toISOString()]);
    const missed = (code: string, episode: string, rungs: Array<[string, string]>) => rungs.map(([rung, at]) => [code, 'missed-report', episode, rung, at]);
    const pace = (code: string) => [
      [code, 'behind-pace', '2031-10-15', 'reminder', bj18('2031-10-15')],
      [code, 'behind-pace', '2031-10-15', 'warning', PAYMENT_END],
      [code, 'behind-pace', '2031-10-15', 'circular', PAYMENT_END],
      [code, 'behind-pace', '2031-10-15', 'supervision', bj18('2031-11-05')],
    ];
    const expected = [
      // B: reminder and warning for 10-01, then its late report stops the ladder.
      ...missed(B, '2031-10-01', [['reminder', bj18('2031-10-08')], ['warning', bj18('2031-10-09')]]),
      // C never reports. 10-01: +1 Thu 10-09, +2 Fri 10-10, +3 the make-up Saturday 10-11, +5 Tue 10-14.
      ...missed(C, '2031-10-01', [
        ['reminder', bj18('2031-10-08')],
        ['warning', bj18('2031-10-09')],
        ['circular', bj18('2031-10-10')],
        ['supervision', bj18('2031-10-11')],
        ['accountability', bj18('2031-10-14')],
      ]),
      // 10-15: the weekend 10-18/19 is skipped; the worker restart fell between warning and circular.
      ...missed(C, '2031-10-15', [
        ['reminder', bj18('2031-10-15')],
        ['warning', bj18('2031-10-16')],
        ['circular', bj18('2031-10-17')],
        ['supervision', bj18('2031-10-20')],
        ['accountability', bj18('2031-10-22')],
      ]),
      // 11-01: moved from Mon 11-03 to Wed 11-05 by the correction; waived after its reminder, so nothing more.
      ...missed(C, '2031-11-01', [['reminder', bj18('2031-11-05')]]),
      ...pace(C),
      // D reports on time but far behind pace: 10 of 1000 against an expected 14.5% on 10-15.
      ...pace(D),
    ];
    const sort = (xs: unknown[][]) => [...xs].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(sort(got)).toEqual(sort(expected));

    // Each escalation says why, and the B ladder is closed by the late report.
    const byId = new Map(rows.map((e) => [e.id, e]));
    const cAccountability = rows.find((e) => e.unitCode === C && e.episode === '2031-10-01' && e.rung === 'accountability')!;
    expect((cAccountability.reason as { zh: string }).zh).toMatch(/逾期 5 个工作日（至 2031-10-14）仍未报送/);
    expect((rows.find((e) => e.unitCode === D && e.rung === 'reminder')!.reason as { zh: string }).zh).toMatch(/缴费人数 10.*应达 145/);
    expect((rows.find((e) => e.unitCode === D && e.rung === 'circular')!.reason as { zh: string }).zh).toMatch(/未完成目标 1,000/);
    expect(rows.filter((e) => e.unitCode === B).every((e) => e.status === 'resolved')).toBe(true);
    expect(cAccountability.notified).toEqual([C, plan.region.code]);
    expect(rows.find((e) => e.unitCode === C && e.episode === '2031-11-01')).toMatchObject({ status: 'waived', resolution: expect.stringMatching(/豁免：李局长：该区系统故障/) });
    expect(rows.find((e) => e.unitCode === D && e.track === 'behind-pace' && e.rung === 'reminder')?.status).toBe('acknowledged');

    // The histories: every rung was recorded by exactly one activity, scheduled at (just after) its instant.
    for (const code of [B, C, D]) {
      const history = await h.client.workflow.getHandle(workflowIds.unit(plan.id, code)).fetchHistory();
      const scheduled = (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordEscalation')
        .map((e) => ({
          id: JSON.parse(Buffer.from(e.activityTaskScheduledEventAttributes!.input!.payloads![0].data!).toString()).id as string,
          at: Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6),
        }));
      const ids = scheduled.map((s) => s.id);
      expect(new Set(ids).size, `${code} recorded a rung twice`).toBe(ids.length);
      expect(ids.length).toBe(rows.filter((e) => e.unitCode === code).length);
      for (const s of scheduled) {
        const lag = s.at - byId.get(s.id)!.firedAt.getTime();
        expect(lag, s.id).toBeGreaterThanOrEqual(0);
        // Rungs of one instant are recorded one after another (a pace check reads progress first), on a
        // two-core machine running the whole suite: well under a minute, against a day between instants.
        expect(lag, s.id).toBeLessThan(60_000);
      }
    }

    // Reports: B's late one is marked late; figures rolled up (A's county shows its own latest report).
    const bReports = await h.database.db.select().from(reports).where(and(eq(reports.campaignId, plan.id), eq(reports.unitCode, B)));
    expect(bReports.find((r) => r.periodKey === '2031-10-01')?.late).toBe(true);
    const [aUnit] = await h.database.db.select().from(units).where(and(eq(units.campaignId, plan.id), eq(units.code, A)));
    expect(aUnit.paid).toBe(1000);

    // Circulars at each county period close; the approved one published with notifications to every county and the city.
    const cs = await h.database.db.select().from(circulars).where(eq(circulars.campaignId, plan.id)).orderBy(asc(circulars.seq));
    expect(cs.map((c) => [c.periodKey, c.status, c.draftedAt.toISOString()])).toEqual([
      ['2031-10-01', 'published', bj18('2031-10-08')],
      ['2031-10-15', 'draft', bj18('2031-10-15')],
      ['2031-11-01', 'draft', bj18('2031-11-05')],
    ]);
    const html = await h.reporting.circularHtml(plan.id, 1);
    expect(html).toContain(cs[0].title);
    expect(html).toMatch(/data-part="criticism">乙区（[^）]+）、丙区（[^）]+）未按时报送进度，予以通报批评/);
    expect(html).toMatch(/data-part="issuer"[^>]*>[^<]+人力资源和社会保障局</);
    const sheet = strFromU8(unzipSync(xlsxBytes((await h.reporting.circularXlsx(plan.id, 1)).sheets))['xl/worksheets/sheet1.xml']);
    expect(sheet).toContain('甲区');
    expect(sheet).toContain('未报');
    const circularMail = await h.database.db.select().from(outbox).where(and(eq(outbox.kind, 'circular'), eq(outbox.refId, cs[0].id)));
    expect(circularMail.map((m) => m.recipient).sort()).toEqual([A, B, C, D, plan.region.code].sort());

    await keepHistory(h.client, workflowIds.unit(plan.id, C), 'unit-county-reporting-2031');
    await keepHistory(h.client, workflowIds.campaign(plan.id), 'campaign-reporting-2031');
  }, 900_000);
});
