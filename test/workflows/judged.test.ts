// A level judged on pace without reporting (`escalation.pace.levels`) on the time-skipping server: a
// county's villages report a 日报 on working days at 17:00; its towns do not report but are judged at
// their villages' closes on the villages' sum. No holiday notice for 2033 is on file: weekends only.
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { escalations } from '../../db/schema';
import type { PlanInput } from '../../domain/plan';
import { submitReportUpdate, workflowIds, type ReportRequest } from '../../contracts/campaign';
import { bj, timeSkippingSuite } from '../support/temporal';


const suite = timeSkippingSuite();
const { sleepUntil } = suite;


describe('pace judged over reporting children', () => {
  it('checks a level judged without reporting (pace.levels) at the due instants of the villages below it', async () => {
    const { h } = suite;
    const db = h.database.db;
    const village = (code: string, name: string) => ({ code, name, level: 'village' as const, targets: { paying: 100 }, children: [] });
    const county = {
      id: 'judged-towns-2033',
      title: '测试县2033年城乡居民养老保险征缴(镇级序时进度测试)',
      year: 2033,
      region: { code: '411426', name: '测试县', level: 'county' },
      timeZone: 'Asia/Shanghai',
      phases: [{ key: 'payment', name: { zh: '缴费', en: 'Payment' }, start: '2033-11-07', deadline: '2033-11-18' }],
      targets: { paying: 300 },
      breakdownRule: 'sum-equals',
      breakdown: [
        { code: '411426100', name: '甲镇', level: 'town', targets: { paying: 200 }, children: [village('411426100001', '甲一村'), village('411426100002', '甲二村')] },
        { code: '411426101', name: '乙镇', level: 'town', targets: { paying: 100 }, children: [village('411426101001', '乙一村')] },
      ],
      reporting: [{ key: 'daily', name: '日报', rule: { kind: 'daily' }, levels: ['village'], start: { phase: 'payment' }, dueTime: '17:00' }],
      escalation: {
        ladder: [{ rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] }],
        pace: { phase: 'payment', metrics: ['paying'], levels: ['town'] },
        paceMargin: 0.05,
      },
    } satisfies PlanInput;
    await h.campaigns.launch(county as unknown as Record<string, unknown>, '测试官员');
    const villageReport = (code: string, paid: number) =>
      h.client.workflow.getHandle(workflowIds.unit(county.id, code)).executeUpdate(submitReportUpdate, {
        args: [{ periodKey: 'daily:2033-11-07', figures: { enrolled: 100, paid, amountFen: paid * 20_000, mobilePaid: 0, hardshipCovered: 0 }, actor: `${code}填报员`, source: 'api' } satisfies ReportRequest],
      });
    await h.worker.runUntil(async () => {
      await sleepUntil(bj('2033-11-07', '10:00'));
      // 甲镇's villages report half their target; 乙镇's only village reports nothing.
      await villageReport('411426100001', 50);
      await villageReport('411426100002', 50);
      await sleepUntil(bj('2033-11-07', '20:00'));
    });
    const rows = await db.select().from(escalations).where(eq(escalations.campaignId, county.id)).orderBy(asc(escalations.unitCode), asc(escalations.track));
    expect(rows.map((e) => [e.unitCode, e.track, e.episode, e.rung, e.firedAt.toISOString()])).toEqual([
      // 乙镇 does not report: it is judged at its villages' 17:00 close on their sum, 0 of 100 against 5.9%.
      ['411426101', 'behind-pace', 'check:daily:2033-11-07', 'reminder', bj('2033-11-07', '17:00')],
      ['411426101001', 'behind-pace', 'daily:2033-11-07', 'reminder', bj('2033-11-07', '17:00')],
      ['411426101001', 'missed-report', 'daily:2033-11-07', 'reminder', bj('2033-11-07', '17:00')],
    ]);
    expect((rows[0].reason as { zh: string }).zh).toMatch(/缴费人数 0.*目标 100 的 0\.0%.*序时进度应达 6.*5\.9%/);
  }, 300_000);
});
