// The tax bureau's per-person payment feed, matched to the roster and rolled up, in SQL.
//
// A delivery is an import of the list machinery (list 'payments', services/hardship/listImport.ts):
// upload, mapped columns, validated rows, refused whole on any bad row. Its swap calls
// `refreshPayments` in the same transaction, so the current delivery, every roster person's status, the
// units' verified figures and the campaign's totals change together or not at all (a year-to-date
// snapshot: domain/payments.ts). A new roster refreshes them too.
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import { campaigns, currentLists, paymentState, paymentStatuses, refusals, screeningResults, screeningRuns, units, visitOutcomes } from '../db/schema';
import { recordRefusal } from './hardship/refusals';
import { unitsOf } from './hardship/reads';
import { maskIdNumber } from '../domain/idNumber';
import { localDateOf } from '../domain/time';
import {
  maskName,
  PAID_REGISTER,
  PERSON_PAYMENT_STATUSES,
  regionPrefix,
  VERIFIED_STATUSES,
  VISIT_OUTCOMES,
  type PersonPaymentStatus,
  type VisitOutcome,
} from '../domain/payments';
import { syncDiscrepancies } from './discrepancies';
import { ServiceError } from './errors';
import { rollupRuleOf } from './reporting';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const list = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );

const STATUS_COLUMNS = sql.raw('campaign_id, id_number, import_id, name, village_code, status, tier_fen, channel, paid_on, amount_fen, last_year_tier_fen');
/** What a status says; a status whose values are the same is left as it is (import_id names the delivery that last changed it). */
const STATUS_VALUES = ['name', 'status', 'tier_fen', 'channel', 'paid_on', 'amount_fen', 'last_year_tier_fen'];

/**
 * A later delivery (or a new roster): the statuses computed afresh into a temporary table, compared
 * with the current ones in one join, and only the differences written — the people who paid since the
 * last delivery, not every person again. A weekly year-to-date delivery changes a few per cent of a
 * roster; rewriting all of it (a delete and an insert of 1.5 million rows) was most of such a delivery's
 * time, wrote every row to the WAL again and left as many dead rows behind (`npm run bench:payments`,
 * the weekly delivery). The statuses end exactly as a rewrite would leave them
 * (test/api/payments.test.ts compares them with a fresh match).
 */
async function writeChangedStatuses(tx: Tx, campaignId: string, matched: SQL): Promise<void> {
  await tx.execute(sql`drop table if exists pg_temp.next_statuses, pg_temp.status_changes`);
  await tx.execute(sql`create temporary table next_statuses (like payment_statuses) on commit drop`);
  await tx.execute(sql`insert into next_statuses (${STATUS_COLUMNS}) ${matched}`);
  // Temporary tables are not analysed by autovacuum: without figures the join below is planned blind.
  await tx.execute(sql`analyze next_statuses`);
  const differs = sql.raw(`(s.${STATUS_VALUES.join(', s.')}) is distinct from (n.${STATUS_VALUES.join(', n.')})`);
  // The key is (campaign, village, ID number), the village null for a payer not on the roster.
  // (Made empty first: a CREATE TABLE AS cannot take the campaign id as a parameter.)
  await tx.execute(sql`create temporary table status_changes on commit drop as select n.*, n.id_number as old_id_number, n.village_code as old_village_code from next_statuses n with no data`);
  await tx.execute(sql`
    insert into status_changes
    select n.*, s.id_number, s.village_code
    from next_statuses n
    full join (select * from payment_statuses where campaign_id = ${campaignId}) s
      on s.id_number = n.id_number and coalesce(s.village_code, '') = coalesce(n.village_code, '')
    where n.id_number is null or s.id_number is null or ${differs}`);
  await tx.execute(sql`
    delete from payment_statuses s using status_changes c
    where c.id_number is null and s.campaign_id = ${campaignId} and s.id_number = c.old_id_number and s.village_code is not distinct from c.old_village_code`);
  await tx.execute(sql`
    update payment_statuses s set import_id = c.import_id, ${sql.raw(STATUS_VALUES.map((v) => `${v} = c.${v}`).join(', '))}
    from status_changes c
    where c.old_id_number is not null and s.campaign_id = ${campaignId} and s.id_number = c.id_number and s.village_code is not distinct from c.village_code`);
  await tx.execute(sql`
    insert into payment_statuses (${STATUS_COLUMNS})
    select ${STATUS_COLUMNS} from status_changes where id_number is not null and old_id_number is null
    order by village_code, id_number`);
}

/**
 * Matches the current delivery to the current roster by ID number and rolls the verified figures up
 * the units tree (village → town → county → city). Without a current delivery it does nothing.
 */
export async function refreshPayments(tx: Tx, campaignId: string): Promise<{ statuses: number } | null> {
  // One refresh of a campaign at a time, until its transaction ends. A roster's swap and a delivery's
  // hold different locks, and each refreshes: without this, the one begun second read the pointers
  // before the other committed and wrote its figures from the old roster or delivery over the new
  // ones. Waiting here, it reads both pointers afresh once the other has committed (READ COMMITTED).
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${campaignId}/payment-statuses`}))`);
  const pointers = await tx.select({ key: currentLists.listKey, importId: currentLists.importId }).from(currentLists).where(and(eq(currentLists.campaignId, campaignId), inArray(currentLists.listKey, ['payments', 'roster'])));
  const paymentsId = pointers.find((p) => p.key === 'payments')?.importId;
  if (!paymentsId) return null;
  const rosterId = pointers.find((p) => p.key === 'roster')?.importId ?? '';

  // The match sorts and hashes a roster and a delivery of up to millions of rows: in memory, not in
  // batches on disk (this transaction only; PostgreSQL's default is 4 MB).
  await tx.execute(sql`set local work_mem = '256MB'`);
  // One row per roster person, plus every net payer the roster does not know. The latest successful
  // deduction gives tier, channel, date and 参保地; refunds cancel successes one for one.
  const matched = sql`
    with a as (
      select id_number,
        min(name) as name,
        count(*) filter (where status = 'success') - count(*) filter (where status = 'refund') as net,
        count(*) filter (where status = 'failed') as failed,
        count(*) filter (where status = 'refund') as refunds,
        coalesce(sum(amount_fen) filter (where status = 'success'), 0) - coalesce(sum(amount_fen) filter (where status = 'refund'), 0) as amount
      from payment_rows where import_id = ${paymentsId}
      group by id_number
    ),
    latest as (
      select distinct on (id_number) id_number, tier_fen as tier, channel, paid_on, insured_region as region
      from payment_rows where import_id = ${paymentsId} and status = 'success'
      order by id_number, paid_on desc, line desc
    ),
    p as (select a.*, latest.tier, latest.channel, latest.paid_on, latest.region from a left join latest using (id_number)),
    r as (select id_number, name, village_code, last_year_tier_fen from roster_rows where import_id = ${rosterId})
    select ${campaignId}, coalesce(r.id_number, p.id_number), ${paymentsId}, coalesce(r.name, p.name), r.village_code,
      case
        when r.id_number is null then 'not-in-roster'
        when p.id_number is null then 'unpaid'
        when p.net > 0 and p.region is not null and r.village_code not like p.region || '%' then 'paid-elsewhere'
        when p.net > 0 and p.channel = 'government' then 'government-paid'
        when p.net > 0 then 'paid'
        when p.failed > 0 then 'failed'
        when p.refunds > 0 then 'refunded'
        else 'unpaid'
      end,
      case when p.net > 0 then p.tier end,
      case when p.net > 0 then p.channel end,
      case when p.net > 0 then p.paid_on end,
      greatest(coalesce(p.amount, 0), 0),
      r.last_year_tier_fen
    from r full join p on p.id_number = r.id_number
    where r.id_number is not null or p.net > 0`;
  const [{ existing }] = rowsOf<{ existing: boolean }>(await tx.execute(sql`select exists (select 1 from payment_statuses where campaign_id = ${campaignId}) as existing`));
  if (!existing) {
    // The first delivery: every status written in the order of the table's key (village, ID number:
    // db/schema/payments.ts), so its index grows at the end.
    await tx.execute(sql`insert into payment_statuses (${STATUS_COLUMNS}) ${matched} order by 5, 2`);
  } else {
    await writeChangedStatuses(tx, campaignId, matched);
  }

  const [{ asOf }] = rowsOf<{ asOf: string }>(await tx.execute(sql`select coalesce(max(paid_on), current_date)::text as "asOf" from payment_rows where import_id = ${paymentsId}`));
  const counted = list(VERIFIED_STATUSES);
  // Each village's figures go to the deepest unit whose code contains it, then to that unit's ancestors.
  // A unit's code contains a village when it is the village code's significant prefix (domain/payments.ts
  // regionPrefix), found by equality on the village code's five possible prefixes (a hash join).
  await tx.execute(sql`
    with recursive v as (
      select village_code,
        count(*) filter (where status in (${counted}))::int as paid,
        coalesce(sum(amount_fen) filter (where status in (${counted})), 0)::bigint as amount,
        count(*) filter (where status in (${counted}) and channel = 'mobile')::int as mobile
      from payment_statuses where campaign_id = ${campaignId} and village_code is not null
      group by village_code
    ),
    u as (
      select code, parent_code, depth,
        case when length(code) = 6 then coalesce(nullif(regexp_replace(code, '(00)+$', ''), ''), code)
             else coalesce(nullif(regexp_replace(code, '(000)+$', ''), ''), code) end as prefix
      from units where campaign_id = ${campaignId}
    ),
    leaf as (
      select distinct on (v.village_code) v.*, u.code as unit_code
      from v
      cross join lateral unnest(array[v.village_code, left(v.village_code, 9), left(v.village_code, 6), left(v.village_code, 4), left(v.village_code, 2)]) as cand(p)
      join u on u.prefix = cand.p
      order by v.village_code, u.depth desc, length(u.code) desc
    ),
    anc(code, anc) as (
      select code, code from u
      union all
      select anc.code, u.parent_code from anc join u on u.code = anc.anc
    ),
    sums as (
      select anc.anc as code, sum(leaf.paid)::int as paid, sum(leaf.amount)::bigint as amount, sum(leaf.mobile)::int as mobile
      from leaf join anc on anc.code = leaf.unit_code
      group by anc.anc
    )
    update units set
      verified_paid = coalesce(sums.paid, 0),
      verified_amount_fen = coalesce(sums.amount, 0),
      verified_mobile_paid = coalesce(sums.mobile, 0),
      verified_as_of = ${asOf}
    from units self left join sums on sums.code = self.code
    where self.campaign_id = ${campaignId} and units.campaign_id = ${campaignId} and units.code = self.code`);

  const [totals] = rowsOf<{ paid: number; amount: string; mobile: number; roster: number; outside: number; statuses: number }>(
    await tx.execute(sql`
      select count(*) filter (where status in (${counted}))::int as paid,
        coalesce(sum(amount_fen) filter (where status in (${counted})), 0)::bigint as amount,
        count(*) filter (where status in (${counted}) and channel = 'mobile')::int as mobile,
        count(*) filter (where village_code is not null)::int as roster,
        count(*) filter (where status = 'not-in-roster')::int as outside,
        count(*)::int as statuses
      from payment_statuses where campaign_id = ${campaignId}`),
  );
  const state = {
    importId: paymentsId,
    asOf,
    paid: totals.paid,
    amountFen: Number(totals.amount),
    mobilePaid: totals.mobile,
    rosterPeople: totals.roster,
    notInRoster: totals.outside,
    refreshedAt: new Date(),
  };
  await tx.insert(paymentState).values({ campaignId, ...state }).onConflictDoUpdate({ target: paymentState.campaignId, set: state });

  // A plan ranking by verified figures: the units' shown figures follow the delivery (domain/rollup.ts).
  if ((await rollupRuleOf(tx, campaignId)) === 'verified') {
    await tx
      .update(units)
      .set({ paid: sql`${units.verifiedPaid}`, amountFen: sql`${units.verifiedAmountFen}`, mobilePaid: sql`${units.verifiedMobilePaid}`, rollupSource: 'verified' })
      .where(eq(units.campaignId, campaignId));
  }
  // 核查验收: the new verified figures update (or close) every discrepancy, and open new ones while the
  // plan's verification phase runs (services/discrepancies.ts).
  await syncDiscrepancies(tx, campaignId, { now: Date.now(), open: 'phase' });
  return { statuses: totals.statuses };
}

export interface VerifiedTotals {
  paid: number;
  amountYuan: number;
  mobilePaid: number;
  /** mobilePaid / paid, one decimal percent; null when nobody paid. */
  mobileShare: number | null;
  asOf: string;
}

export const verifiedOf = (paid: number | null, amountFen: number | null, mobile: number | null, asOf: string | null): VerifiedTotals | null =>
  paid === null || asOf === null
    ? null
    : { paid, amountYuan: Number(amountFen ?? 0) / 100, mobilePaid: mobile ?? 0, mobileShare: paid > 0 ? Math.round(((mobile ?? 0) / paid) * 1000) / 10 : null, asOf };

/** The campaign's verified totals and the current delivery, or null before the first delivery. */
export async function paymentOverview(db: Db, campaignId: string) {
  const [state] = await db.select().from(paymentState).where(eq(paymentState.campaignId, campaignId));
  if (!state) return null;
  const byStatus = await db
    .select({ status: paymentStatuses.status, n: sql<number>`count(*)::int` })
    .from(paymentStatuses)
    .where(eq(paymentStatuses.campaignId, campaignId))
    .groupBy(paymentStatuses.status);
  const counts = Object.fromEntries(PERSON_PAYMENT_STATUSES.map((s) => [s, byStatus.find((b) => b.status === s)?.n ?? 0])) as Record<PersonPaymentStatus, number>;
  return {
    importId: state.importId,
    refreshedAt: state.refreshedAt.toISOString(),
    verified: verifiedOf(state.paid, state.amountFen, state.mobilePaid, state.asOf)!,
    rosterPeople: state.rosterPeople,
    notInRoster: state.notInRoster,
    counts,
  };
}

export const REGISTERS = ['paid', 'unpaid'] as const;
export type Register = (typeof REGISTERS)[number];

export interface RegisterRow {
  /** An opaque handle for recording a visit (the person's position in the register), never the ID number. */
  ref: string;
  name: string;
  idNumber: string;
  status: PersonPaymentStatus;
  tierYuan: number | null;
  lastYearTierYuan: number | null;
  channel: string | null;
  paidOn: string | null;
  visit: { outcome: VisitOutcome; at: string; /** Its local date in the campaign's zone (registers and their XLSX). */ date: string; actor: string } | null;
}

/** A person's handle in registers and visit records: the ID number is never sent back in a URL or body. */
const refOf = (idNumber: string) => Buffer.from(idNumber).toString('base64url');
const idOfRef = (ref: string) => Buffer.from(ref, 'base64url').toString();

const registerFilter = (campaignId: string, village: string, register: Register) =>
  and(
    eq(paymentStatuses.campaignId, campaignId),
    eq(paymentStatuses.villageCode, village),
    register === 'paid' ? inArray(paymentStatuses.status, [...PAID_REGISTER]) : sql`${paymentStatuses.status} not in (${list(PAID_REGISTER)})`,
  );

/**
 * One village's paid or unpaid register (已缴 / 未缴人员清册), masked (张*明, 440703********123X), with
 * last year's tier and the latest visit outcome; in ID order, `limit` rows after `after` (a ref).
 */
export async function villageRegister(
  db: Db,
  q: { campaignId: string; village: string; register: Register; limit: number; after?: string },
): Promise<{ rows: RegisterRow[]; total: number; next: string | null; asOf: string | null }> {
  const [campaign] = await db.select({ timeZone: campaigns.timeZone }).from(campaigns).where(eq(campaigns.id, q.campaignId));
  const timeZone = campaign?.timeZone ?? 'Asia/Shanghai';
  const where = and(registerFilter(q.campaignId, q.village, q.register), q.after ? sql`${paymentStatuses.idNumber} > ${idOfRef(q.after)}` : undefined);
  const rows = await db
    .select({
      idNumber: paymentStatuses.idNumber,
      name: paymentStatuses.name,
      status: paymentStatuses.status,
      tierFen: paymentStatuses.tierFen,
      lastYearTierFen: paymentStatuses.lastYearTierFen,
      channel: paymentStatuses.channel,
      paidOn: paymentStatuses.paidOn,
      outcome: sql<string | null>`v.outcome`,
      visitAt: sql<Date | string | null>`v.recorded_at`,
      visitActor: sql<string | null>`v.actor`,
    })
    .from(paymentStatuses)
    .leftJoin(
      sql`lateral (select outcome, recorded_at, actor from ${visitOutcomes} vo where vo.campaign_id = ${paymentStatuses.campaignId} and vo.id_number = ${paymentStatuses.idNumber} order by vo.recorded_at desc, vo.id desc limit 1) v`,
      sql`true`,
    )
    .where(where)
    .orderBy(asc(paymentStatuses.idNumber))
    .limit(q.limit + 1);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(paymentStatuses).where(registerFilter(q.campaignId, q.village, q.register));
  const [state] = await db.select({ asOf: paymentState.asOf }).from(paymentState).where(eq(paymentState.campaignId, q.campaignId));
  const page = rows.slice(0, q.limit);
  return {
    rows: page.map((r) => ({
      ref: refOf(r.idNumber),
      name: maskName(r.name),
      idNumber: maskIdNumber(r.idNumber),
      status: r.status as PersonPaymentStatus,
      tierYuan: r.tierFen === null ? null : r.tierFen / 100,
      lastYearTierYuan: r.lastYearTierFen === null ? null : r.lastYearTierFen / 100,
      channel: r.channel,
      paidOn: r.paidOn,
      // The visit's day where the village is (a 7:00 visit in Beijing is 23:00 UTC the day before).
      visit: r.outcome ? { outcome: r.outcome as VisitOutcome, at: new Date(r.visitAt!).toISOString(), date: localDateOf(new Date(r.visitAt!).getTime(), timeZone), actor: r.visitActor! } : null,
    })),
    total,
    next: rows.length > q.limit ? refOf(page[page.length - 1].idNumber) : null,
    asOf: state?.asOf ?? null,
  };
}

/** Every row of a register, in pages, for the streaming XLSX writer. */
export async function* registerRows(db: Db, q: { campaignId: string; village: string; register: Register }): AsyncGenerator<RegisterRow> {
  let after: string | undefined;
  for (;;) {
    const page = await villageRegister(db, { ...q, limit: 2_000, after });
    yield* page.rows;
    if (!page.next) return;
    after = page.next;
  }
}

/** The payers the roster does not know, for follow-up (masked), newest payment first. */
export async function payersNotInRoster(db: Db, campaignId: string, limit: number) {
  const rows = await db
    .select({ idNumber: paymentStatuses.idNumber, name: paymentStatuses.name, tierFen: paymentStatuses.tierFen, channel: paymentStatuses.channel, paidOn: paymentStatuses.paidOn })
    .from(paymentStatuses)
    .where(and(eq(paymentStatuses.campaignId, campaignId), eq(paymentStatuses.status, 'not-in-roster')))
    .orderBy(desc(paymentStatuses.paidOn), asc(paymentStatuses.idNumber))
    .limit(limit);
  return rows.map((r) => ({ name: maskName(r.name), idNumber: maskIdNumber(r.idNumber), tierYuan: r.tierFen === null ? null : r.tierFen / 100, channel: r.channel, paidOn: r.paidOn }));
}

export const PERSON_NOT_FOUND = 'PersonNotFound';
export const REFUSAL_NOTE_REQUIRED = 'RefusalNoteRequired';

/** Repeated visits before a refusal may be recorded (contracts/api/hardship.ts RecordRefusalRequestSchema: at least 2). */
export const REFUSAL_MIN_VISITS = 2;

export interface VisitRecorded {
  outcome: VisitOutcome;
  at: string;
  /** For a refusal: whether it was recorded as refusal evidence (拒绝参保证明) for the hardship rule, and why not. */
  refusal?: { recorded: boolean; refusalId: number | null; visits: number; reason: string | null };
}

/**
 * Records a visit outcome for a person of the village's unpaid register. The person is named by the
 * register's ref and must be on this village's roster (the route has already checked the caller's
 * region covers the village).
 *
 * A refusal (拒缴) needs a note, and is the hardship refusal rule's evidence (domain/hardship.ts rule 6:
 * "a refusal is on record, statement from the person, guardian or village committee") once the person
 * has been visited at least twice: a refusal record by the village committee, its evidence the visit
 * record itself (a text document: date, clerk, visits, note), in the same transaction. If the latest
 * screening has the person to mobilise, their result turns refused at once, with its run's counts (as a
 * refusal recorded on the screening page does); otherwise the next screening reads the record.
 */
export async function recordVisit(
  db: Db,
  input: { campaignId: string; village: string; ref: string; outcome: VisitOutcome; note: string | null; actor: string; at: Date },
): Promise<VisitRecorded> {
  const idNumber = idOfRef(input.ref);
  const [person] = await db
    .select({ status: paymentStatuses.status })
    .from(paymentStatuses)
    .where(and(eq(paymentStatuses.campaignId, input.campaignId), eq(paymentStatuses.idNumber, idNumber), eq(paymentStatuses.villageCode, input.village), isNotNull(paymentStatuses.villageCode)));
  if (!person) throw new ServiceError(PERSON_NOT_FOUND, '该人员不在本村（居）的花名册中', 404);
  if (input.outcome === 'refused' && !input.note) {
    throw new ServiceError(REFUSAL_NOTE_REQUIRED, '登记拒缴须填写走访说明（拒缴理由、在场人员）', 400, { errors: [{ path: 'note', message: '拒缴须填写说明' }] });
  }
  // The screening result to turn refused, read before the transaction (recordRefusal takes its own row lock).
  const toMobilise =
    input.outcome === 'refused'
      ? rowsOf<{ run_id: string; id: number }>(
          await db.execute(sql`
            select r.run_id, r.id from ${screeningResults} r
            where r.id_number = ${idNumber} and r.run_id = (
              select s.id from ${screeningRuns} s where s.campaign_id = ${input.campaignId} and s.status = 'completed'
              order by s.finished_at desc nulls last limit 1)`),
        )[0]
      : undefined;
  const names = toMobilise ? await unitsOf(db, input.campaignId) : null;
  return db.transaction(async (tx) => {
    await tx.insert(visitOutcomes).values({ campaignId: input.campaignId, idNumber, villageCode: input.village, outcome: input.outcome, note: input.note, actor: input.actor, recordedAt: input.at });
    const out: VisitRecorded = { outcome: input.outcome, at: input.at.toISOString() };
    if (input.outcome !== 'refused') return out;
    const [{ visits }] = await tx
      .select({ visits: sql<number>`count(*)::int` })
      .from(visitOutcomes)
      .where(and(eq(visitOutcomes.campaignId, input.campaignId), eq(visitOutcomes.idNumber, idNumber)));
    if (visits < REFUSAL_MIN_VISITS) {
      out.refusal = { recorded: false, refusalId: null, visits, reason: `已走访 ${visits} 次：须经至少 ${REFUSAL_MIN_VISITS} 次上门动员，拒缴方可作为拒绝参保证明` };
      return out;
    }
    const [campaign] = await tx.select({ id: campaigns.id, regionCode: campaigns.regionCode }).from(campaigns).where(eq(campaigns.id, input.campaignId));
    const record = [
      '走访记录（拒绝参保）',
      `村（居）：${input.village}`,
      `走访日期：${input.at.toISOString().slice(0, 10)}`,
      `走访人：${input.actor}`,
      `累计走访次数：${visits}`,
      `说明：${input.note}`,
    ].join('\n');
    const evidence = { fileName: `走访记录-拒缴-${input.at.toISOString().slice(0, 10)}.txt`, contentType: 'text/plain; charset=utf-8', bytes: Buffer.from(record, 'utf8') };
    const statement = { statementBy: 'village-committee', visits, note: input.note!, evidence, actor: input.actor };
    const [result] = toMobilise
      ? await tx.select({ outcome: screeningResults.outcome }).from(screeningResults).where(eq(screeningResults.id, toMobilise.id))
      : [];
    if (toMobilise && result?.outcome === 'to-mobilise') {
      const r = await recordRefusal(tx as unknown as Db, { campaign: campaign, runId: toMobilise.run_id, resultId: Number(toMobilise.id), ...statement, names: names!, now: () => input.at.getTime() });
      out.refusal = { recorded: true, refusalId: r.refusalId, visits, reason: null };
      return out;
    }
    const [r] = await tx
      .insert(refusals)
      .values({
        campaignId: input.campaignId,
        idNumber,
        statementBy: statement.statementBy,
        visits,
        note: statement.note,
        evidenceName: evidence.fileName,
        evidenceType: evidence.contentType,
        evidenceSha256: createHash('sha256').update(evidence.bytes).digest('hex'),
        evidence: evidence.bytes,
        actor: input.actor,
        recordedAt: input.at,
      })
      .returning({ id: refusals.id });
    out.refusal = { recorded: true, refusalId: r.id, visits, reason: null };
    return out;
  });
}

export interface Mobilisation {
  /** People with at least one recorded visit. */
  people: number;
  /** People by their latest visit outcome. */
  byOutcome: Record<VisitOutcome, number>;
}

/**
 * The mobilisation figures (已走访、承诺缴费、拒缴、迁出、死亡、在校) of a unit: each roster person of a
 * village under it counted once, by their latest visit outcome; a parent's figures are the sum of its
 * villages' (its code's significant prefix, domain/payments.ts regionPrefix).
 */
export async function mobilisationOf(db: Db, campaignId: string, code: string): Promise<Mobilisation> {
  const rows = rowsOf<{ outcome: string; n: number }>(
    await db.execute(sql`
      select outcome, count(*)::int as n from (
        select distinct on (id_number) outcome
        from ${visitOutcomes}
        where campaign_id = ${campaignId} and village_code like ${`${regionPrefix(code)}%`}
        order by id_number, recorded_at desc, id desc
      ) latest group by outcome`),
  );
  const byOutcome = Object.fromEntries(VISIT_OUTCOMES.map((o) => [o, rows.find((r) => r.outcome === o)?.n ?? 0])) as Record<VisitOutcome, number>;
  return { people: rows.reduce((s, r) => s + r.n, 0), byOutcome };
}

/** The campaign's year and region, or a 404. */
export async function paymentsCampaign(db: Db, campaignId: string) {
  const [c] = await db.select({ id: campaigns.id, year: campaigns.year, regionCode: campaigns.regionCode }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (!c) throw new ServiceError('CampaignNotFound', `征缴活动 ${campaignId} 不存在`, 404);
  return c;
}
