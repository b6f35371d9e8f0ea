// 核查验收 on both databases, through the real services: discrepancies opened by a delivery (the
// payment feed's refresh) only beyond the plan's tolerance and only in the verification phase, never
// twice, answered by an explanation or a correction, escalated once at the answer deadline and closed by
// a later delivery; the clerks' visit outcomes rolled up as mobilisation figures equal to a plain SQL
// count; a visit marked refused (with its note, after repeated visits) as the hardship refusal evidence.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { and, asc, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListImportActivities } from '../../activities/listImport';
import { createScreeningActivities } from '../../activities/screening';
import { openDatabase, rowsOf, type Database } from '../../db/client';
import { campaigns, currentLists, discrepancies, outbox, paymentRows, refusals, screeningResults, visitOutcomes } from '../../db/schema';
import { VISIT_OUTCOMES, type VisitOutcome } from '../../domain/payments';
import type { Plan } from '../../domain/plan';
import { answerDiscrepancy, escalateDueDiscrepancies, listDiscrepancies, syncDiscrepancies } from '../../services/discrepancies';
import { prepareImport, storeUpload } from '../../services/hardship/uploads';
import { mobilisationOf, recordVisit, refreshPayments } from '../../services/payments';
import { recordReport } from '../../services/reporting';
import { csvOf, DIBAO_V1, LIST_HEADER, P, ROSTER, ROSTER_HEADER, V1, V2, V3 } from '../support/hardshipData';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const NO_CHANNELS = { webhook: false, email: false };
const COUNTY = '440703';
const TOWN = '440703001';

describe.each(['pglite', 'postgres'] as const)('核查验收 and visits on %s', (kind) => {
  const CAMPAIGN = `verify-${kind}`;
  const plan: Plan = { ...jiangmenPlan(CAMPAIGN, '2026-09-28'), verification: { phase: 'verification', tolerance: { share: 0.05 }, answerWithinWorkingDays: 3 } };
  const Y = plan.year;
  let database: Database;
  let pg: TestDatabase | undefined;
  let uploadDir: string;

  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    uploadDir = await mkdtemp(join(tmpdir(), 'verify-test-'));
    await seedCampaign(database.db, plan);
    const imports = createListImportActivities(database.db, { uploadDir });
    for (const [fileName, csv, body] of [
      ['花名册.csv', csvOf(ROSTER_HEADER, ROSTER), { list: 'roster' as const }],
      ['低保.csv', csvOf(LIST_HEADER, DIBAO_V1), { list: 'hardship' as const, category: 'dibao' as const, department: '民政局', listDate: `${Y}-09-01` }],
    ] as const) {
      const upload = await storeUpload(database.db, { uploadDir }, { campaignId: CAMPAIGN, list: body.list, fileName, source: Readable.from([Buffer.from(csv)]) });
      const prepared = await prepareImport(database.db, { uploadDir }, CAMPAIGN, { screenAfter: false, actor: '测试员', ...body, uploadId: upload.uploadId });
      expect(await imports.importList({ importId: prepared.importId })).toMatchObject({ status: 'stored' });
    }
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  /** A year-to-date delivery stored as the current one, then the refresh its import's swap runs. */
  async function deliver(importId: string, paid: Array<{ id: string; fen: number; channel: string }>) {
    if (paid.length > 0) await database.db.insert(paymentRows).values(
      paid.map((p, i) => ({ importId, line: i + 2, idNumber: p.id, name: '某', payYear: Y, tierFen: p.fen, amountFen: p.fen, paidOn: `${Y}-11-0${1 + (i % 9)}`, channel: p.channel, status: 'success' })),
    );
    await database.db
      .insert(currentLists)
      .values({ campaignId: CAMPAIGN, listKey: 'payments', importId, version: 1 })
      .onConflictDoUpdate({ target: [currentLists.campaignId, currentLists.listKey], set: { importId } });
    await database.db.transaction((tx) => refreshPayments(tx, CAMPAIGN));
  }
  const phase = (key: string) => database.db.update(campaigns).set({ currentPhaseKey: key }).where(eq(campaigns.id, CAMPAIGN));
  /** The county's discrepancies (the town's report agrees with the first delivery, not with the second). */
  const rows = () =>
    database.db.select().from(discrepancies).where(and(eq(discrepancies.campaignId, CAMPAIGN), eq(discrepancies.unitCode, COUNTY))).orderBy(asc(discrepancies.metric));
  const FIRST = [
    { id: P.A.id, fen: 18000, channel: 'mobile' },
    { id: P.K.id, fen: 24000, channel: 'bank' },
    { id: P.C.id, fen: 12000, channel: 'government' },
  ];
  const SECOND = [...FIRST, ...[P.B, P.J, P.L, P.D].map((p) => ({ id: p.id, fen: 18000, channel: 'mobile' }))];

  it('opens discrepancies from a delivery only in the verification phase, only beyond tolerance, and never twice', async () => {
    const at = Date.parse(`${Y}-11-20T10:00:00+08:00`);
    // The town reports what the feed will verify (3 paid, 540 元); the county reports 7 and 1,260 元.
    await recordReport(database.db, { id: `${CAMPAIGN}/t`, campaignId: CAMPAIGN, unitCode: TOWN, periodKey: `${Y}-11-15`, revision: 1, figures: { enrolled: 9, paid: 3, amountFen: 54000, mobilePaid: 1, hardshipCovered: 0 }, late: false, source: 'api', actor: '测试', note: null, at });
    await recordReport(database.db, { id: `${CAMPAIGN}/c`, campaignId: CAMPAIGN, unitCode: COUNTY, periodKey: `${Y}-11-15`, revision: 1, figures: { enrolled: 9, paid: 7, amountFen: 126000, mobilePaid: 1, hardshipCovered: 0 }, late: false, source: 'api', actor: '测试', note: null, at });

    await phase('payment');
    await deliver('pay-1', FIRST);
    expect(await rows()).toEqual([]);

    await phase('verification');
    await deliver('pay-1', []);
    const opened = await rows();
    expect(opened.map((d) => [d.unitCode, d.metric, d.reported, d.verified, d.difference, d.status, d.episode])).toEqual([
      [COUNTY, 'amount', 126000, 54000, 72000, 'open', 1],
      [COUNTY, 'paid', 7, 3, 4, 'open', 1],
    ]);
    expect(opened[0].asOf).toBe(`${Y}-11-03`);
    expect(opened[0].reportedPeriod).toBe(`${Y}-11-15`);
    // Again, by a refresh and by an official's check: nothing opens twice.
    await deliver('pay-1', []);
    expect(await database.db.transaction((tx) => syncDiscrepancies(tx, CAMPAIGN, { now: Date.now(), open: true }))).toEqual({ opened: 0, updated: 0, closed: 0 });
    expect((await rows()).map((d) => [d.metric, d.openedAt.getTime(), d.answerBy.getTime()])).toEqual(opened.map((d) => [d.metric, d.openedAt.getTime(), d.answerBy.getTime()]));
    // Three working days after the day it opened, at 24:00 Beijing time.
    expect(opened[0].answerBy.getTime()).toBeGreaterThan(opened[0].openedAt.getTime() + 3 * 86_400_000);
  });

  it('takes an explanation and a correction; escalates only the unanswered, once, at the deadline', async () => {
    const [amount, paid] = await rows();
    expect(await escalateDueDiscrepancies(database.db, { campaignId: CAMPAIGN, at: paid.answerBy.getTime() - 1 }, NO_CHANNELS)).toMatchObject({ escalated: 0, next: paid.answerBy.getTime() });
    expect(await answerDiscrepancy(database.db, { campaignId: CAMPAIGN, unitCode: COUNTY, metric: 'paid', kind: 'explain', text: '4 人在 11 月 15 日后扣费，税务数据尚未反馈', corrected: null, actor: '县社保', at: Date.now() })).toEqual({
      status: 'explained',
    });
    const due = await escalateDueDiscrepancies(database.db, { campaignId: CAMPAIGN, at: amount.answerBy.getTime() }, NO_CHANNELS);
    expect(due).toMatchObject({ escalated: 1, next: null });
    expect(await escalateDueDiscrepancies(database.db, { campaignId: CAMPAIGN, at: amount.answerBy.getTime() + 86_400_000 }, NO_CHANNELS)).toMatchObject({ escalated: 0 });
    const after = await rows();
    expect(after.map((d) => [d.metric, d.status, d.escalatedTo, d.escalatedAt?.getTime() ?? null])).toEqual([
      ['amount', 'open', '440700', amount.answerBy.getTime()],
      ['paid', 'explained', null, null],
    ]);
    const notes = await database.db.select().from(outbox).where(and(like(outbox.refId, `discrepancy/${CAMPAIGN}/%`), eq(outbox.channel, 'console')));
    expect(notes.map((n) => n.recipient).sort()).toEqual(['440700', COUNTY]);
    expect(notes[0].body).toContain('税务核实数为540.00 元');

    // A correction beyond tolerance stands as the reported figure; the discrepancy stays (corrected).
    expect(await answerDiscrepancy(database.db, { campaignId: CAMPAIGN, unitCode: COUNTY, metric: 'amount', kind: 'correct', text: '金额按到账核对后更正', corrected: 120000, actor: '县社保', at: Date.now() })).toEqual({
      status: 'corrected',
    });
    const [view] = await listDiscrepancies(database.db, CAMPAIGN, { region: COUNTY, includeClosed: true });
    expect(view).toMatchObject({ metric: 'amount', status: 'corrected', reported: 120000, reportedPeriod: '更正', difference: 66000 });
    expect(view.answers.map((a) => [a.kind, a.corrected])).toEqual([['correct', 120000]]);
    // Another county sees none of them.
    expect(await listDiscrepancies(database.db, CAMPAIGN, { region: '440704', includeClosed: true })).toEqual([]);
  });

  it('a later delivery updates the verified figures and closes what is now within tolerance', async () => {
    await deliver('pay-2', SECOND);
    const after = await rows();
    expect(after.map((d) => [d.metric, d.reported, d.verified, d.status])).toEqual([
      ['amount', 120000, 126000, 'closed'], // the correction stands; 6,000 fen is within 5% of 126,000
      ['paid', 7, 7, 'closed'],
    ]);
    // The town's report (3) now differs from its verified 7: that opens, once.
    const town = await database.db.select().from(discrepancies).where(eq(discrepancies.unitCode, TOWN)).orderBy(asc(discrepancies.metric));
    expect(town.map((d) => [d.metric, d.reported, d.verified, d.status])).toEqual([
      ['amount', 54000, 126000, 'open'],
      ['paid', 3, 7, 'open'],
    ]);
    // Nothing reopens on a second refresh of the same delivery.
    await deliver('pay-2', []);
    expect((await rows()).map((d) => d.status)).toEqual(['closed', 'closed']);
    expect(await database.db.select().from(discrepancies).where(eq(discrepancies.campaignId, CAMPAIGN))).toHaveLength(4);
    await expect(answerDiscrepancy(database.db, { campaignId: CAMPAIGN, unitCode: COUNTY, metric: 'paid', kind: 'explain', text: '再答复', corrected: null, actor: '县社保', at: Date.now() })).rejects.toThrow('已消除');
  });

  const refOf = (id: string) => Buffer.from(id).toString('base64url');
  const visit = (village: string, id: string, outcome: VisitOutcome, note: string | null = null, at = new Date()) =>
    recordVisit(database.db, { campaignId: CAMPAIGN, village, ref: refOf(id), outcome, note, actor: '协管员', at });

  it('rolls the visit outcomes up as mobilisation figures equal to a plain SQL count', async () => {
    // pay-2 left unpaid: F (V3); B, J paid… use a delivery where B, J, L, F, E are unpaid again.
    await deliver('pay-3', FIRST);
    const t0 = Date.parse(`${Y}-11-21T09:00:00+08:00`);
    await visit(V1, P.B.id, 'visited', null, new Date(t0));
    await visit(V1, P.B.id, 'promised', null, new Date(t0 + 60_000)); // the latest counts
    await visit(V2, P.L.id, 'studying', null, new Date(t0));
    await visit(V2, P.D.id, 'deceased', null, new Date(t0));
    await visit(V3, P.F.id, 'moved-away', null, new Date(t0));
    await visit(V3, P.E.id, 'visited', null, new Date(t0));
    await expect(visit(V1, P.J.id, 'refused')).rejects.toThrow('须填写走访说明');

    const plain = async (prefix: string) => {
      const counts = rowsOf<{ outcome: string; n: number }>(
        await database.db.execute(sql`
          select v.outcome, count(*)::int as n from visit_outcomes v
          where v.campaign_id = ${CAMPAIGN} and v.village_code like ${`${prefix}%`}
            and not exists (select 1 from visit_outcomes w where w.campaign_id = v.campaign_id and w.id_number = v.id_number
              and (w.recorded_at > v.recorded_at or (w.recorded_at = v.recorded_at and w.id > v.id)))
          group by v.outcome`),
      );
      return Object.fromEntries(VISIT_OUTCOMES.map((o) => [o, counts.find((c) => c.outcome === o)?.n ?? 0]));
    };
    for (const [code, prefix] of [[V1, V1], [TOWN, TOWN], [COUNTY, COUNTY], ['440704', '440704'], ['440700', '4407']] as const) {
      const m = await mobilisationOf(database.db, CAMPAIGN, code);
      expect(m.byOutcome, code).toEqual(await plain(prefix));
      expect(m.people).toBe(Object.values(m.byOutcome).reduce((a, b) => a + b, 0));
    }
    expect((await mobilisationOf(database.db, CAMPAIGN, COUNTY)).byOutcome).toEqual({ visited: 0, promised: 1, refused: 0, 'moved-away': 0, deceased: 1, studying: 1 });
    expect((await mobilisationOf(database.db, CAMPAIGN, '440700')).people).toBe(5);
  });

  it('makes a refusal recorded on a visit, after repeated visits and with its note, the hardship refusal evidence', async () => {
    const screening = createScreeningActivities(database.db);
    await screening.beginScreening({ runId: `${CAMPAIGN}.run1`, campaignId: CAMPAIGN, scope: null, actor: '测试员', workflowId: 'wf-run1' });
    await screening.screenPeople({ runId: `${CAMPAIGN}.run1` });
    await screening.finishScreening({ runId: `${CAMPAIGN}.run1` });
    const resultOf = async (runId: string) => (await database.db.select().from(screeningResults).where(and(eq(screeningResults.runId, runId), eq(screeningResults.idNumber, P.J.id))))[0];
    expect((await resultOf(`${CAMPAIGN}.run1`)).outcome).toBe('to-mobilise');

    // A first visit's refusal is kept as a visit, not yet as evidence (at least two visits).
    const first = await visit(V1, P.J.id, 'refused', '本人表示今年不缴费');
    expect(first.refusal).toMatchObject({ recorded: false, visits: 1 });
    expect(await database.db.select().from(refusals).where(eq(refusals.idNumber, P.J.id))).toEqual([]);
    const second = await visit(V1, P.J.id, 'refused', '再次上门，本人仍拒绝，村委会两名干部在场');
    expect(second.refusal).toMatchObject({ recorded: true, visits: 2 });
    const [refusal] = await database.db.select().from(refusals).where(eq(refusals.idNumber, P.J.id));
    expect(refusal).toMatchObject({ id: second.refusal!.refusalId, statementBy: 'village-committee', visits: 2, note: '再次上门，本人仍拒绝，村委会两名干部在场', evidenceType: 'text/plain; charset=utf-8' });
    expect(Buffer.from(refusal.evidence).toString('utf8')).toContain('累计走访次数：2');
    // The latest screening's result turned refused at once, with the refusal as its evidence…
    expect(await resultOf(`${CAMPAIGN}.run1`)).toMatchObject({ outcome: 'refused', refusalId: refusal.id });
    // …and the next screening applies the rule to the record.
    await screening.beginScreening({ runId: `${CAMPAIGN}.run2`, campaignId: CAMPAIGN, scope: null, actor: '测试员', workflowId: 'wf-run2' });
    await screening.screenPeople({ runId: `${CAMPAIGN}.run2` });
    const run2 = await screening.finishScreening({ runId: `${CAMPAIGN}.run2` });
    expect(await resultOf(`${CAMPAIGN}.run2`)).toMatchObject({ outcome: 'refused', refusalId: refusal.id });
    expect(run2.counts.refused).toBe(1);
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(visitOutcomes).where(eq(visitOutcomes.idNumber, P.J.id));
    expect(n).toBe(2);
  });
});
