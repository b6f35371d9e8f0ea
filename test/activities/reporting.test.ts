// The reporting activities on both databases the product runs on: schedules, reports with their
// roll-up (a county's own report, or its towns' sum when they reported more recently), escalations
// with their outbox rows in one transaction, closing and waiving, circulars. Each retried call is a
// no-op.
import { and, asc, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { createReportingActivities } from '../../activities/reporting';
import type { ReportWrite } from '../../contracts/reporting';
import { openDatabase, type Database } from '../../db/client';
import { campaigns, circulars, escalations, outbox, reportPeriods, reports, units } from '../../db/schema';
import { newCampaignRow } from '../../server/campaigns/service';
import { jiangmenPlan } from '../support/plans';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const plan = jiangmenPlan('reporting-acts');
const COUNTY = '440703';
const TOWNS = ['440703001', '440703002'];
const at = Date.parse('2031-10-15T08:00:00Z');
const figures = (paid: number) => ({ enrolled: paid * 2, paid, amountFen: paid * 18_000, mobilePaid: paid, hardshipCovered: 1 });

describe.each(['pglite', 'postgres'] as const)('reporting activities on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  let acts: ReturnType<typeof createReportingActivities>;
  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    await database.db.insert(campaigns).values(newCampaignRow(plan, '测试'));
    await createDbActivities(database.db).materialiseCampaign(plan.id);
    acts = createReportingActivities(database.db, { webhook: true, email: false });
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });

  const unit = async (code: string) => (await database.db.select().from(units).where(and(eq(units.campaignId, plan.id), eq(units.code, code))))[0];
  const write = (over: Partial<ReportWrite> & { unitCode: string; id: string }): ReportWrite => ({
    campaignId: plan.id,
    periodKey: '2031-10-15',
    revision: 1,
    figures: figures(100),
    late: false,
    source: 'api',
    actor: '填报员',
    note: null,
    at,
    ...over,
  });

  it('writes a schedule, and an older write never overwrites a newer one', async () => {
    const period = (dueDate: string, version: number) => ({
      campaignId: plan.id,
      unitCode: COUNTY,
      version,
      periods: [
        {
          key: '2031-10-15',
          seq: 1,
          rawDate: '2031-10-15',
          dueDate,
          dueAt: Date.parse(`${dueDate}T16:00:00Z`),
          shifted: false,
          reason: null,
          calendarKnown: false,
          status: 'open' as const,
          changeNote: null,
        },
      ],
      next: { key: '2031-10-15', dueAt: Date.parse(`${dueDate}T16:00:00Z`) },
    });
    await acts.recordSchedule(period('2031-10-16', 2));
    await acts.recordSchedule(period('2031-10-15', 1));
    const rows = await database.db.select().from(reportPeriods).where(eq(reportPeriods.campaignId, plan.id));
    expect(rows.map((r) => [r.periodKey, r.dueDate, r.version])).toEqual([['2031-10-15', '2031-10-16', 2]]);
    expect((await unit(COUNTY)).nextDueAt?.toISOString()).toBe('2031-10-16T16:00:00.000Z');
  });

  it('stores reports once, rolls towns up to their county, and lets a county that reports for itself stand', async () => {
    expect(await acts.recordReport(write({ id: 'r-t1', unitCode: TOWNS[0], figures: figures(100) }))).toEqual({ stored: true });
    expect(await acts.recordReport(write({ id: 'r-t1', unitCode: TOWNS[0], figures: figures(100) }))).toEqual({ stored: false });
    await acts.recordReport(write({ id: 'r-t2', unitCode: TOWNS[1], figures: figures(50) }));
    expect((await unit(COUNTY)).paid).toBe(150);
    // The county reports for itself for the same period: its own figures stand.
    await acts.recordReport(write({ id: 'r-c1', unitCode: COUNTY, figures: figures(400), revision: 1 }));
    expect((await unit(COUNTY)).paid).toBe(400);
    // A later period reported by a town only: the towns' sum (350) is newer but partial, so under the
    // default roll-up rule (domain/rollup.ts, own-first) the county's complete own figure stands (issue 12).
    await acts.recordReport(write({ id: 'r-t1b', unitCode: TOWNS[0], periodKey: '2031-11-03', figures: figures(300) }));
    const county = await unit(COUNTY);
    expect(county.paid).toBe(400);
    expect(county.rollupSource).toBe('own');
    expect(county.rollupChildren).toMatchObject({ figures: { paid: 350 }, reported: 2, of: county.childCount });
    const [period] = await database.db
      .select()
      .from(reportPeriods)
      .where(and(eq(reportPeriods.campaignId, plan.id), eq(reportPeriods.unitCode, COUNTY)));
    expect(period.status).toBe('reported');
    expect(period.reportedAt?.toISOString()).toBe(new Date(at).toISOString());
    expect(await database.db.select({ id: reports.id }).from(reports).where(eq(reports.campaignId, plan.id))).toHaveLength(4);
  });

  it('rolls up exactly when every town of a county reports at the same moment', async () => {
    // The county with the most towns: the more reports at once, the surer a lost update shows.
    const [{ code: county }] = await database.db
      .select({ code: units.code })
      .from(units)
      .where(and(eq(units.campaignId, plan.id), eq(units.level, 'county')))
      .orderBy(desc(units.childCount))
      .limit(1);
    const towns = (await database.db.select({ code: units.code }).from(units).where(and(eq(units.campaignId, plan.id), eq(units.parentCode, county)))).map((t) => t.code);
    expect(towns.length).toBeGreaterThanOrEqual(3);
    // Three bursts, each a later period: a lost update in any of them leaves the county's sum wrong.
    for (const [round, periodKey] of ['2031-11-03', '2031-11-17', '2031-12-01'].entries()) {
      await Promise.all(
        towns.map((code, i) => acts.recordReport(write({ id: `burst-${periodKey}-${code}`, unitCode: code, periodKey, figures: figures(10 * round + i) }))),
      );
      const expected = towns.reduce((sum, _c, i) => sum + 10 * round + i, 0);
      expect((await unit(county)).paid, periodKey).toBe(expected);
    }
  });

  it('records a rung and its notifications together, once; a late report resolves the ladder', async () => {
    const rung = (r: string, index: number, notified: string[]) => ({
      id: `${plan.id}/${TOWNS[1]}/missed-report/2031-11-03/${r}`,
      campaignId: plan.id,
      unitCode: TOWNS[1],
      unitName: '测试镇',
      track: 'missed-report' as const,
      episode: '2031-11-03',
      rung: r,
      rungIndex: index,
      rungName: r === 'reminder' ? '提醒' : '预警',
      reason: { zh: '到期未报送', en: 'not reported' },
      detail: {},
      notified,
      firedAt: at,
      nextRungAt: null,
    });
    expect(await acts.recordEscalation(rung('reminder', 0, [TOWNS[1]]))).toEqual({ stored: true });
    expect(await acts.recordEscalation(rung('reminder', 0, [TOWNS[1]]))).toEqual({ stored: false });
    await acts.recordEscalation(rung('warning', 1, [TOWNS[1], COUNTY]));
    const mail = await database.db.select().from(outbox).where(eq(outbox.campaignId, plan.id)).orderBy(asc(outbox.id));
    // Console always, webhook as configured: one row per message per channel.
    const sorted = (xs: string[][]) => xs.map((x) => x.join(' ')).sort();
    expect(sorted(mail.map((m) => [m.refId.split('/').pop()!, m.recipient, m.channel]))).toEqual(
      sorted([
        ['reminder', TOWNS[1], 'console'],
        ['reminder', TOWNS[1], 'webhook'],
        ['warning', TOWNS[1], 'console'],
        ['warning', TOWNS[1], 'webhook'],
        ['warning', COUNTY, 'console'],
        ['warning', COUNTY, 'webhook'],
      ]),
    );
    expect((await unit(TOWNS[1])).overdue).toBe(true);

    await acts.recordReport(write({ id: 'r-t2-late', unitCode: TOWNS[1], periodKey: '2031-11-03', late: true, figures: figures(60) }));
    const ladder = await database.db.select().from(escalations).where(eq(escalations.unitCode, TOWNS[1]));
    expect(ladder.map((e) => e.status)).toEqual(['resolved', 'resolved']);
    expect((await unit(TOWNS[1])).overdue).toBe(false);
  });

  it('waives with the actor and reason, and drafts and publishes a circular once', async () => {
    await acts.recordEscalation({
      id: `${plan.id}/${COUNTY}/behind-pace/2031-10-15/reminder`,
      campaignId: plan.id,
      unitCode: COUNTY,
      unitName: '蓬江区',
      track: 'behind-pace',
      episode: '2031-10-15',
      rung: 'reminder',
      rungIndex: 0,
      rungName: '提醒',
      reason: { zh: '落后', en: 'behind' },
      detail: {},
      notified: [COUNTY],
      firedAt: at,
      nextRungAt: null,
    });
    expect((await unit(COUNTY)).paceBehind).toBe(true);
    await acts.recordEscalationResponse({ id: 'resp-1', escalationId: `${plan.id}/${COUNTY}/behind-pace/2031-10-15/reminder`, kind: 'waive', actor: '李局长', text: '台风停工', at });
    await acts.closeEpisode({ campaignId: plan.id, unitCode: COUNTY, track: 'behind-pace', episode: '2031-10-15', status: 'waived', resolution: '豁免:李局长:台风停工', at });
    const [waived] = await database.db.select().from(escalations).where(eq(escalations.id, `${plan.id}/${COUNTY}/behind-pace/2031-10-15/reminder`));
    expect(waived).toMatchObject({ status: 'waived', resolution: '豁免：李局长：台风停工' });
    expect((await unit(COUNTY)).paceBehind).toBe(false);

    const draft = await acts.draftCircular({ campaignId: plan.id, periodKey: '2031-10-15', seq: 1, dueAt: Date.parse('2031-10-15T16:00:00Z'), level: 'county', at });
    expect(draft.stored).toBe(true);
    expect((await acts.draftCircular({ campaignId: plan.id, periodKey: '2031-10-15', seq: 1, dueAt: 0, level: 'county', at })).stored).toBe(false);
    const [c] = await database.db.select().from(circulars).where(eq(circulars.id, draft.id));
    const content = c.content as { ranking: Array<{ code: string; reported: string }>; late: Array<{ code: string }> };
    expect(content.ranking).toHaveLength(7);
    expect(content.ranking[0]).toMatchObject({ code: COUNTY, reported: 'on-time' });
    expect(content.late.map((u) => u.code)).not.toContain(COUNTY);
    await acts.publishCircular({ circularId: draft.id, actor: '李局长', note: '同意', at, cityCode: '440700' });
    await acts.publishCircular({ circularId: draft.id, actor: '李局长', note: '同意', at, cityCode: '440700' });
    const announced = await database.db.select().from(outbox).where(and(eq(outbox.kind, 'circular'), eq(outbox.channel, 'console')));
    expect(announced).toHaveLength(8);
  });
});
