// A screening run: every person on the campaign's current hardship lists matched against its current
// roster by ID number in the database, given one outcome and the government's share by the rules of
// domain/hardship.ts, then compared with the previous run of the same scope and summed per unit.
//
// The heavy step walks the people in ID order, a batch at a time: one SQL query joins the batch's list
// rows with the roster and the refusals, the rules run on the batch, and the results go in with COPY.
// After each commit the last ID done goes to the caller's `progress` callback (the activity heartbeats
// it); a retry passes it back as `resume`, deletes anything past it and continues, so a worker restart
// costs at most one chunk.
//
// The run's row is made by `beginScreening`, called by the API before it starts the workflow (so the
// answer names a run the console can already show) and again by the workflow's first step, which finds
// it and goes on: the same plain function over the database, idempotent on the run's id.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { driverOf, rowsOf, type Db } from '../../db/client';
import { openCopy, type CopyValue, type CopyWriter } from '../../db/copy';
import { campaigns, screeningResults, screeningRuns, screeningSummaries, units } from '../../db/schema';
import {
  resolvePolicy,
  screenPerson,
  type ContributionRules,
  type EnrolmentStatus,
  type HardshipCategory,
  type ResolvedPolicy,
} from '../../domain/hardship';
import {
  hardshipWorkflowIds,
  NOTHING_TO_SCREEN,
  type RunList,
  type ScreeningChanges,
  type ScreeningCounts,
  type ScreeningHeartbeat,
  type ScreeningInput,
  type ScreeningResult,
} from '../../contracts/hardship';
import { ServiceError } from '../errors';
import { currentListsOf } from './listImport';

const BATCH = 5_000;
const RESULT_COLUMNS = ['run_id', 'id_number', 'name', 'categories', 'village_code', 'outcome', 'reason', 'tier_fen', 'gov_paid_fen', 'personal_fen', 'subsidy_fen', 'refusal_id', 'change'];
/** Results committed (and heartbeated) together. */
const RESULT_CHUNK = 20_000;

interface MatchRow {
  id_number: string;
  name: string;
  categories: string[];
  birth_date: string;
  village_code: string | null;
  status: string | null;
  tier_fen: number | null;
  last_year_tier_fen: number | null;
  drawing_pension: boolean | null;
  refusal_id: number | null;
  prev_categories: string[] | null;
  prev_outcome: string | null;
}

/** Refused before anything is written: a run needs the roster and at least one list. */
const nothingToScreen = (message: string) => new ServiceError(NOTHING_TO_SCREEN, message, 409, undefined, '无法筛查');

/** A new run's id: the campaign's, then the time and a few random bytes (no person in it). */
export const newScreeningRunId = (campaignId: string, now: number) => `${campaignId}.s${now.toString(36)}${randomBytes(3).toString('hex')}`;

/** The input of a run the API starts (the workflow's first step is `beginScreening` on the same input). */
export function screeningInput(runId: string, campaignId: string, scope: string | null, actor: string): ScreeningInput {
  return { runId, campaignId, scope, actor, workflowId: hardshipWorkflowIds.screening(runId) };
}

/** How one attempt of the heavy step runs: its link to the worker. */
export interface ScreeningAttempt {
  /** The last progress of a previous attempt (its heartbeat): results up to its ID number are committed. */
  resume?: ScreeningHeartbeat;
  /** The checkpoint after each commit. */
  progress?: (p: ScreeningHeartbeat) => void;
  /** Aborted when the attempt must stop (the worker shuts down); its reason is thrown. */
  signal?: AbortSignal;
}

async function loadRun(db: Db, runId: string) {
  const [run] = await db.select().from(screeningRuns).where(eq(screeningRuns.id, runId));
  if (!run) throw new ServiceError(NOTHING_TO_SCREEN, `筛查批次 ${runId} 不存在`, 404);
  return run;
}

/** Leaf unit codes of the campaign: a roster village under one of them is local. */
async function localPrefixes(db: Db, campaignId: string): Promise<{ codes: Set<string>; lengths: number[] }> {
  const rows = await db.select({ code: units.code }).from(units).where(and(eq(units.campaignId, campaignId), eq(units.childCount, 0)));
  const codes = new Set(rows.map((r) => r.code));
  return { codes, lengths: [...new Set(rows.map((r) => r.code.length))] };
}

/**
 * Creates the run (idempotent on its id): the current lists it will screen, the plan's policy and
 * the previous run of the same scope, all fixed now so that an import landing meanwhile changes
 * nothing in this run.
 */
export async function beginScreening(db: Db, input: ScreeningInput, now: () => number = Date.now): Promise<{ total: number }> {
  const existing = await db.select().from(screeningRuns).where(eq(screeningRuns.id, input.runId));
  if (existing[0]) return { total: existing[0].total ?? 0 };
  const [campaign] = await db.select({ plan: campaigns.plan, year: campaigns.year }).from(campaigns).where(eq(campaigns.id, input.campaignId));
  if (!campaign) throw new ServiceError(NOTHING_TO_SCREEN, `征缴活动 ${input.campaignId} 不存在`, 404);
  const current = await currentListsOf(db, input.campaignId);
  const roster = current.find((l) => l.list === 'roster');
  const hardship = current.filter((l) => l.list === 'hardship');
  if (!roster) throw nothingToScreen('尚未导入花名册：请先导入本年应参保花名册，再进行筛查');
  if (hardship.length === 0) throw nothingToScreen('尚未导入困难群体名单：请先导入至少一份名单');
  const plan = campaign.plan as { contributionPolicy?: ContributionRules };
  const policy = resolvePolicy(plan.contributionPolicy, campaign.year);
  const lists: RunList[] = current.filter((l) => l.list === 'roster' || l.list === 'hardship').map((l) => ({ importId: l.importId, list: l.list as RunList['list'], category: l.category, version: l.version }));
  const [previous] = await db
    .select({ id: screeningRuns.id })
    .from(screeningRuns)
    .where(and(eq(screeningRuns.campaignId, input.campaignId), eq(screeningRuns.status, 'completed'), input.scope === null ? isNull(screeningRuns.scope) : eq(screeningRuns.scope, input.scope)))
    .orderBy(desc(screeningRuns.startedAt))
    .limit(1);
  const hardshipIds = hardship.map((l) => l.importId);
  const totalRows = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(distinct h.id_number)::int as n from hardship_rows h
      where h.import_id in ${hardshipIds}
      ${input.scope ? sql`and exists (select 1 from roster_rows r where r.import_id = ${roster.importId} and r.id_number = h.id_number and r.village_code like ${`${input.scope}%`})` : sql``}`),
  );
  const total = totalRows[0]?.n ?? 0;
  await db
    .insert(screeningRuns)
    .values({
      id: input.runId,
      campaignId: input.campaignId,
      scope: input.scope,
      status: 'running',
      lists,
      policy,
      total,
      previousRunId: previous?.id ?? null,
      workflowId: input.workflowId,
      actor: input.actor,
      startedAt: new Date(now()),
    })
    .onConflictDoNothing();
  return { total };
}

/**
 * The heavy step: all people of the run in ID order, matched with the roster, the refusals and the
 * previous run in one query (streamed through a cursor on PostgreSQL, keyset batches on PGlite),
 * the rules applied as rows arrive, results written with COPY and committed every RESULT_CHUNK
 * people, each commit reported (`progress`) as the point to resume from.
 */
export async function screenPeople(db: Db, input: { runId: string }, attempt: ScreeningAttempt = {}): Promise<{ screened: number }> {
  const run = await loadRun(db, input.runId);
  if (run.status !== 'running') return { screened: run.total ?? 0 };
  const lists = run.lists as RunList[];
  const rosterId = lists.find((l) => l.list === 'roster')!.importId;
  const hardshipIds = lists.filter((l) => l.list === 'hardship').map((l) => l.importId);
  const policy = run.policy as ResolvedPolicy;
  const local = await localPrefixes(db, run.campaignId);
  const isLocal = (village: string) => local.lengths.some((n) => local.codes.has(village.slice(0, n)));
  const prev = run.previousRunId;

  const resume = attempt.resume;
  let committedAfter = resume?.after ?? '';
  await db.delete(screeningResults).where(and(eq(screeningResults.runId, run.id), gt(screeningResults.idNumber, committedAfter)));
  let done = resume?.done ?? 0;
  const total = run.total ?? 0;

  const query = (after: string, limit: number | null) => sql`
    with people as (
      select h.id_number, min(h.name) as name, array_agg(distinct h.category order by h.category) as categories, min(h.birth_date)::text as birth_date
      from hardship_rows h
      where h.import_id in ${hardshipIds} and h.id_number > ${after}
      ${run.scope ? sql`and exists (select 1 from roster_rows r2 where r2.import_id = ${rosterId} and r2.id_number = h.id_number and r2.village_code like ${`${run.scope}%`})` : sql``}
      group by h.id_number
      ${limit ? sql`order by h.id_number limit ${limit}` : sql``}
    )
    select p.id_number, p.name, p.categories, p.birth_date,
           r.village_code, r.status, r.tier_fen, r.last_year_tier_fen, r.drawing_pension,
           f.refusal_id, pr.categories as prev_categories, pr.outcome as prev_outcome
    from people p
    left join roster_rows r on r.import_id = ${rosterId} and r.id_number = p.id_number
    left join (select id_number, max(id) as refusal_id from refusals where campaign_id = ${run.campaignId} group by id_number) f on f.id_number = p.id_number
    left join screening_results pr on pr.run_id = ${prev ?? ''} and pr.id_number = p.id_number
    order by p.id_number`;

  const toResult = (m: MatchRow): CopyValue[] => {
    const s = screenPerson(
      {
        idNumber: m.id_number,
        birthDate: m.birth_date,
        categories: m.categories as HardshipCategory[],
        roster: m.status
          ? { villageCode: m.village_code!, status: m.status as EnrolmentStatus, tierFen: m.tier_fen, lastYearTierFen: m.last_year_tier_fen, drawingPension: m.drawing_pension === true }
          : null,
        local: m.village_code !== null && isLocal(m.village_code),
        refused: m.refusal_id !== null,
      },
      policy,
    );
    const change =
      m.prev_outcome === null
        ? 'added'
        : m.prev_categories!.join(',') !== m.categories.join(',')
          ? 'categories-changed'
          : m.prev_outcome !== s.outcome
            ? 'outcome-changed'
            : null;
    return [run.id, m.id_number, m.name, m.categories, m.village_code, s.outcome, s.reason, s.tierFen, s.govPaidFen, s.personalFen, s.subsidyFen, s.outcome === 'refused' ? m.refusal_id : null, change];
  };

  // Results are committed a chunk at a time; the heartbeat names the last person committed.
  let writer: CopyWriter | null = null;
  let inChunk = 0;
  let lastId = committedAfter;
  const take = async (batch: MatchRow[]) => {
    if (batch.length === 0) return;
    writer ??= await openCopy(db, 'screening_results', RESULT_COLUMNS);
    await writer.write(batch.map(toResult));
    inChunk += batch.length;
    lastId = batch[batch.length - 1].id_number;
    if (inChunk >= RESULT_CHUNK) await commit();
    if (attempt.signal?.aborted) throw attempt.signal.reason ?? new Error('cancelled');
  };
  const commit = async () => {
    if (writer) {
      const w = writer;
      writer = null;
      await w.end();
    }
    done += inChunk;
    inChunk = 0;
    committedAfter = lastId;
    attempt.progress?.({ after: committedAfter, done, total });
  };
  try {
    const driver = driverOf(db);
    if (driver.kind === 'pglite') {
      for (;;) {
        const batch = rowsOf<MatchRow>(await db.execute(query(lastId, BATCH)));
        await take(batch);
        if (batch.length < BATCH) break;
      }
    } else {
      const q = new PgDialect().sqlToQuery(query(committedAfter, null));
      const cursor = driver.client.unsafe(q.sql, q.params as never[]).cursor(BATCH);
      for await (const batch of cursor) await take(batch as unknown as MatchRow[]);
    }
    await commit();
  } catch (e) {
    if (writer) await (writer as CopyWriter).abort(e as Error);
    throw e;
  }
  return { screened: done };
}

/** Changes against the previous run, counts, per-unit summaries; marks the run completed. */
export async function finishScreening(db: Db, input: { runId: string }, now: () => number = Date.now): Promise<ScreeningResult> {
  const run = await loadRun(db, input.runId);
  if (run.status === 'completed') return { runId: run.id, counts: run.counts as ScreeningCounts, changes: run.changes as ScreeningChanges };
  const prev = run.previousRunId;
  let removed = 0;
  if (prev) {
    const r = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from screening_results p where p.run_id = ${prev}
        and not exists (select 1 from screening_results c where c.run_id = ${run.id} and c.id_number = p.id_number)`),
    );
    removed = r[0]?.n ?? 0;
  }

  const byVillage = rowsOf<{ village_code: string | null; outcome: string; reason: string | null; change: string | null; n: number; gov: number; new_gov: number }>(
    await db.execute(sql`select village_code, outcome, reason, change, count(*)::int as n, coalesce(sum(gov_paid_fen), 0)::bigint as gov,
        coalesce(sum(case when change = 'added' then gov_paid_fen else 0 end), 0)::bigint as new_gov
      from screening_results where run_id = ${run.id} group by village_code, outcome, reason, change`),
  );
  const zero = (): ScreeningCounts => ({ listed: 0, covered: 0, toMobilise: 0, ineligible: 0, refused: 0, govPaidFen: 0 });
  const counts = zero();
  const ineligibleByReason: Record<string, number> = {};
  const changes: ScreeningChanges = { previousRunId: prev, added: 0, removed, categoriesChanged: 0, outcomeChanged: 0, newObligationsFen: 0 };
  const perVillage = new Map<string, ScreeningCounts>();
  const add = (c: ScreeningCounts, outcome: string, n: number, gov: number) => {
    c.listed += n;
    if (outcome === 'covered') {
      c.covered += n;
      c.govPaidFen += gov;
    } else if (outcome === 'to-mobilise') c.toMobilise += n;
    else if (outcome === 'ineligible') c.ineligible += n;
    else if (outcome === 'refused') c.refused += n;
  };
  for (const r of byVillage) {
    const gov = Number(r.gov);
    add(counts, r.outcome, r.n, gov);
    if (r.reason) ineligibleByReason[r.reason] = (ineligibleByReason[r.reason] ?? 0) + r.n;
    if (r.change === 'added') {
      changes.added += r.n;
      changes.newObligationsFen += Number(r.new_gov);
    } else if (r.change === 'categories-changed') changes.categoriesChanged += r.n;
    else if (r.change === 'outcome-changed') changes.outcomeChanged += r.n;
    if (r.village_code) {
      const v = perVillage.get(r.village_code) ?? zero();
      add(v, r.outcome, r.n, gov);
      perVillage.set(r.village_code, v);
    }
  }

  // Roll villages up the campaign's units; the campaign's own region gets the whole run.
  const unitRows = await db.select({ code: units.code, parentCode: units.parentCode }).from(units).where(eq(units.campaignId, run.campaignId));
  const [campaign] = await db.select({ regionCode: campaigns.regionCode }).from(campaigns).where(eq(campaigns.id, run.campaignId));
  const parentOf = new Map(unitRows.map((u) => [u.code, u.parentCode]));
  const lengths = [...new Set(unitRows.map((u) => u.code.length))].sort((a, b) => b - a);
  const perUnit = new Map<string, ScreeningCounts>();
  const sum = (code: string, c: ScreeningCounts) => {
    const t = perUnit.get(code) ?? zero();
    for (const k of Object.keys(t) as (keyof ScreeningCounts)[]) t[k] += c[k];
    perUnit.set(code, t);
  };
  for (const [village, c] of perVillage) {
    // The deepest unit the village lies under, then its ancestors.
    let code = lengths.map((n) => village.slice(0, n)).find((p) => parentOf.has(p));
    while (code && parentOf.has(code)) {
      sum(code, c);
      code = parentOf.get(code);
    }
  }
  perUnit.set(campaign.regionCode, { ...counts });
  await db.transaction(async (tx) => {
    await tx.delete(screeningSummaries).where(eq(screeningSummaries.runId, run.id));
    const values = [...perUnit].map(([unitCode, c]) => ({ runId: run.id, unitCode, ...c }));
    for (let i = 0; i < values.length; i += 1000) await tx.insert(screeningSummaries).values(values.slice(i, i + 1000));
    await tx
      .update(screeningRuns)
      .set({ status: 'completed', counts, ineligibleByReason, changes, finishedAt: new Date(now()) })
      .where(eq(screeningRuns.id, run.id));
  });
  return { runId: run.id, counts, changes };
}

/** A run whose workflow failed for good: shown as failed, never as a half-written result. */
export async function failScreening(db: Db, input: { runId: string; message: string }, now: () => number = Date.now): Promise<void> {
  await db.update(screeningRuns).set({ status: 'failed', changes: { message: input.message }, finishedAt: new Date(now()) }).where(and(eq(screeningRuns.id, input.runId), eq(screeningRuns.status, 'running')));
}

/** Removed people: on the previous run, not on this one (for the change report). */
export async function removedSince(db: Db, input: { runId: string; previousRunId: string; limit: number }) {
  return rowsOf<{ id_number: string; name: string; categories: string[]; outcome: string }>(
    await db.execute(sql`select p.id_number, p.name, p.categories, p.outcome from screening_results p where p.run_id = ${input.previousRunId}
      and not exists (select 1 from screening_results c where c.run_id = ${input.runId} and c.id_number = p.id_number)
      order by p.id_number limit ${input.limit}`),
  );
}
