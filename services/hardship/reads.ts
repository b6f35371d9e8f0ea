// What the hardship pages read: a campaign's imports and their error rows, its screening runs with their
// figures (whole, or within a part of the campaign), unit summaries, searched results, and the rows of
// the exports a page at a time. Plain reads over the database; the API (server/hardship/) adds what the
// user may see, the live progress from Temporal, and the answer's shape.
//
// A "part" is the region a user below the campaign's region sees (a county supervisor in a city's
// campaign): null means the whole campaign.
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';
import { campaigns, importErrors, listImports, refusals, screeningResults, screeningRuns, screeningSummaries, units } from '../../db/schema';
import { regionContains, regionPrefix } from '../../domain/access';
import { validateIdNumber } from '../../domain/idNumber';
import type { ResultSearchRequest } from '../../contracts/api/hardship';
import { IMPORT_NOT_FOUND, type ScreeningChanges, type ScreeningCounts } from '../../contracts/hardship';
import { campaignNotFound, ServiceError, UNIT_NOT_FOUND } from '../errors';

export const RUN_NOT_FOUND = 'RunNotFound';
export const RESULT_NOT_FOUND = 'ResultNotFound';

/** Rows per database page of an export. */
const EXPORT_PAGE = 5_000;

export type ImportRow = typeof listImports.$inferSelect;
export type RunRow = typeof screeningRuns.$inferSelect;
export type ResultRow = typeof screeningResults.$inferSelect;
export type ImportErrorRow = typeof importErrors.$inferSelect;

/** The campaign a hardship request names, with what its pages need of it. */
export async function hardshipCampaign(db: Db, id: string) {
  const [c] = await db
    .select({ id: campaigns.id, plan: campaigns.plan, year: campaigns.year, regionCode: campaigns.regionCode, regionName: campaigns.regionName, regionLevel: campaigns.regionLevel })
    .from(campaigns)
    .where(eq(campaigns.id, id));
  if (!c) throw campaignNotFound(id);
  return c;
}
export type HardshipCampaign = Awaited<ReturnType<typeof hardshipCampaign>>;

/** The campaign's units by code (names for results and exports, the tree for summaries). */
export async function unitsOf(db: Db, campaignId: string) {
  const rows = await db.select({ code: units.code, name: units.name, level: units.level, parentCode: units.parentCode, ord: units.ord }).from(units).where(eq(units.campaignId, campaignId));
  return new Map(rows.map((r) => [r.code, r]));
}
export type UnitNames = Awaited<ReturnType<typeof unitsOf>>;

/** The level of one unit of the campaign, or null when it is none of its units. */
export async function unitLevel(db: Db, campaignId: string, code: string): Promise<string | null> {
  const [u] = await db.select({ level: units.level }).from(units).where(and(eq(units.campaignId, campaignId), eq(units.code, code)));
  return u?.level ?? null;
}

// ---- imports ----

/** The campaign's newest imports (at most 200). */
export async function recentImports(db: Db, campaignId: string): Promise<ImportRow[]> {
  return db.select().from(listImports).where(eq(listImports.campaignId, campaignId)).orderBy(desc(listImports.createdAt)).limit(200);
}

export async function importRow(db: Db, campaignId: string, importId: string): Promise<ImportRow> {
  const [row] = await db.select().from(listImports).where(and(eq(listImports.campaignId, campaignId), eq(listImports.id, importId)));
  if (!row) throw new ServiceError(IMPORT_NOT_FOUND, `导入 ${importId} 不存在`, 404);
  return row;
}

/** Import error rows of villages under a part of the campaign (rows that name no village are the whole file's). */
function errorsUnder(part: string | null): SQL | undefined {
  if (part === null) return undefined;
  return sql`${importErrors.villageCode} like ${`${regionPrefix(part)}%`}`;
}

/** The first 200 error rows of an import (of villages under `part`), by line. */
export async function firstImportErrors(db: Db, importId: string, part: string | null) {
  return db
    .select({ line: importErrors.line, column: importErrors.column, value: importErrors.value, reason: importErrors.reason })
    .from(importErrors)
    .where(and(eq(importErrors.importId, importId), errorsUnder(part)))
    .orderBy(asc(importErrors.line), asc(importErrors.seq))
    .limit(200);
}

/** An import's error rows (of villages under `part`), by line, a page at a time (see `resultPages`). */
export async function* importErrorPages(db: Db, importId: string, part: string | null): AsyncGenerator<ImportErrorRow[]> {
  for (let after: { line: number; seq: number } | undefined; ; ) {
    const next = after && and(sql`${importErrors.line} >= ${after.line}`, or(sql`${importErrors.line} > ${after.line}`, sql`${importErrors.seq} > ${after.seq}`));
    const page = await db.select().from(importErrors).where(and(eq(importErrors.importId, importId), errorsUnder(part), next)).orderBy(asc(importErrors.line), asc(importErrors.seq)).limit(EXPORT_PAGE);
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE) break;
    after = { line: page[page.length - 1].line, seq: page[page.length - 1].seq };
  }
}

// ---- runs ----

/** The campaign's newest runs, newest first. */
export async function recentRuns(db: Db, campaignId: string, limit: number): Promise<RunRow[]> {
  return db.select().from(screeningRuns).where(eq(screeningRuns.campaignId, campaignId)).orderBy(desc(screeningRuns.startedAt)).limit(limit);
}

/**
 * A run by id, or `latest`: the newest completed run that covers `unitCode` (a whole-campaign run,
 * or a county run of the unit's county); without a unit, the newest whole-campaign run.
 */
export async function runRow(db: Db, campaignId: string, runId: string, unitCode?: string): Promise<RunRow> {
  const covers = unitCode ? or(isNull(screeningRuns.scope), sql`${unitCode} like ${screeningRuns.scope} || '%'`) : isNull(screeningRuns.scope);
  const where =
    runId === 'latest'
      ? and(eq(screeningRuns.campaignId, campaignId), eq(screeningRuns.status, 'completed'), covers)
      : and(eq(screeningRuns.campaignId, campaignId), eq(screeningRuns.id, runId));
  const [run] = await db.select().from(screeningRuns).where(where).orderBy(desc(screeningRuns.startedAt)).limit(1);
  if (!run) throw new ServiceError(RUN_NOT_FOUND, runId === 'latest' ? '该活动还没有完成的困难群体筛查' : `筛查批次 ${runId} 不存在`, 404);
  return run;
}

/**
 * What of a run a part of the campaign sees: `all` when the run lies within the part (or the part is
 * the whole campaign), `part` when the run covers more than the part (its figures are narrowed to it),
 * null when it is another county's run.
 */
export function runReach(run: { scope: string | null }, part: string | null): 'all' | 'part' | null {
  if (part === null || (run.scope !== null && regionContains(part, run.scope))) return 'all';
  if (run.scope === null || regionContains(run.scope, part)) return 'part';
  return null;
}

/** A run by id or `latest` as a part of the campaign sees it: another county's run is not found. */
export async function visibleRun(db: Db, campaignId: string, runId: string, part: string | null, unitCode?: string): Promise<RunRow> {
  const run = await runRow(db, campaignId, runId, unitCode);
  if (!runReach(run, part)) throw new ServiceError(RUN_NOT_FOUND, `筛查批次 ${runId} 不存在`, 404);
  return run;
}

/** Outcome counts of runs within a region: its summary row, else summed from the results (a region that is no unit of the campaign). */
export async function countsWithin(db: Db, runIds: string[], part: string): Promise<Map<string, ScreeningCounts>> {
  const out = new Map<string, ScreeningCounts>();
  if (runIds.length === 0) return out;
  const rows = await db.select().from(screeningSummaries).where(and(inArray(screeningSummaries.runId, runIds), eq(screeningSummaries.unitCode, part)));
  for (const r of rows) out.set(r.runId, { listed: r.listed, covered: r.covered, toMobilise: r.toMobilise, ineligible: r.ineligible, refused: r.refused, govPaidFen: r.govPaidFen });
  for (const id of runIds.filter((id) => !out.has(id))) out.set(id, (await figuresWithin(db, id, null, part)).counts);
  return out;
}

/** Counts, reasons and changes of a run over the results of a region (the run's own figures cover the whole run). */
export async function figuresWithin(db: Db, runId: string, previousRunId: string | null, part: string) {
  const prefix = `${regionPrefix(part)}%`;
  const groups = rowsOf<{ outcome: string; reason: string | null; change: string | null; n: number; gov: string | number; new_gov: string | number }>(
    await db.execute(sql`select outcome, reason, change, count(*)::int as n, coalesce(sum(gov_paid_fen), 0)::bigint as gov,
        coalesce(sum(case when change = 'added' then gov_paid_fen else 0 end), 0)::bigint as new_gov
      from screening_results where run_id = ${runId} and village_code like ${prefix} group by outcome, reason, change`),
  );
  const counts: ScreeningCounts = { listed: 0, covered: 0, toMobilise: 0, ineligible: 0, refused: 0, govPaidFen: 0 };
  const ineligibleByReason: Record<string, number> = {};
  const changes: ScreeningChanges = { previousRunId, added: 0, removed: 0, categoriesChanged: 0, outcomeChanged: 0, newObligationsFen: 0 };
  for (const g of groups) {
    counts.listed += g.n;
    if (g.outcome === 'covered') {
      counts.covered += g.n;
      counts.govPaidFen += Number(g.gov);
    } else if (g.outcome === 'to-mobilise') counts.toMobilise += g.n;
    else if (g.outcome === 'ineligible') counts.ineligible += g.n;
    else if (g.outcome === 'refused') counts.refused += g.n;
    if (g.reason) ineligibleByReason[g.reason] = (ineligibleByReason[g.reason] ?? 0) + g.n;
    if (g.change === 'added') {
      changes.added += g.n;
      changes.newObligationsFen += Number(g.new_gov);
    } else if (g.change === 'categories-changed') changes.categoriesChanged += g.n;
    else if (g.change === 'outcome-changed') changes.outcomeChanged += g.n;
  }
  if (previousRunId) {
    const [r] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from screening_results p where p.run_id = ${previousRunId} and p.village_code like ${prefix}
        and not exists (select 1 from screening_results c where c.run_id = ${runId} and c.id_number = p.id_number)`),
    );
    changes.removed = r?.n ?? 0;
  }
  return { counts, ineligibleByReason, changes };
}

/** Summary rows of a run for the given units (a unit with no row has no listed person). */
export async function summariesOf(db: Db, runId: string, unitCodes: string[]) {
  const rows = await db.select().from(screeningSummaries).where(and(eq(screeningSummaries.runId, runId), inArray(screeningSummaries.unitCode, unitCodes)));
  return new Map(rows.map((r) => [r.unitCode, r]));
}

// ---- results ----

/** Results under a unit: by the village code's prefix (a city's villages start 4407…); the campaign's own region means everyone. */
function underUnit(campaignRegion: string, unitCode: string | undefined): SQL | undefined {
  if (!unitCode || unitCode === campaignRegion) return undefined;
  return sql`${screeningResults.villageCode} like ${`${regionPrefix(unitCode)}%`}`;
}

/**
 * One page of a run's results under a unit, by village and ID number. `query` is a full ID number, its
 * last 4-6 characters, or (part of) a name.
 */
export async function searchResults(
  db: Db,
  campaign: { regionCode: string },
  runId: string,
  q: Omit<ResultSearchRequest, 'unitCode'> & { unitCode: string },
): Promise<{ total: number; rows: ResultRow[] }> {
  const conds: (SQL | undefined)[] = [eq(screeningResults.runId, runId), underUnit(campaign.regionCode, q.unitCode)];
  if (q.outcome) conds.push(eq(screeningResults.outcome, q.outcome));
  if (q.change) conds.push(eq(screeningResults.change, q.change));
  if (q.query) {
    const id = validateIdNumber(q.query, { today: '2100-01-01' });
    if (id.ok) conds.push(eq(screeningResults.idNumber, id.id));
    else if (/^\d{3,5}[\dXx]$/.test(q.query)) conds.push(sql`${screeningResults.idNumber} like ${`%${q.query.toUpperCase()}`}`);
    else conds.push(sql`${screeningResults.name} like ${`%${q.query.replace(/[%_\\]/g, (c) => `\\${c}`)}%`}`);
  }
  const where = and(...conds);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(screeningResults).where(where);
  const rows = await db
    .select()
    .from(screeningResults)
    .where(where)
    .orderBy(asc(screeningResults.villageCode), asc(screeningResults.idNumber))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return { total, rows };
}

/** One result's ID number and village, for the unmask action (its region is checked by the caller). */
export async function resultIdentity(db: Db, runId: string, resultId: number): Promise<{ idNumber: string; village: string | null }> {
  const [r] = await db.select({ idNumber: screeningResults.idNumber, village: screeningResults.villageCode }).from(screeningResults).where(and(eq(screeningResults.id, resultId), eq(screeningResults.runId, runId)));
  if (!r) throw new ServiceError(RESULT_NOT_FOUND, '筛查结果不存在', 404);
  return r;
}

/** What an export lists: a run's results under a unit, optionally of one outcome. */
export interface ResultFilter {
  runId: string;
  campaignRegion: string;
  unitCode: string;
  outcome?: string;
}

/**
 * Rows of an export in its order, a page at a time: keyset pages, each a short query of its own, so
 * that a download as slow as its client holds no connection, cursor or transaction open, and memory
 * holds one page (the same on PGlite and PostgreSQL).
 */
export async function* resultPages(db: Db, filter: ResultFilter): AsyncGenerator<ResultRow[]> {
  const where = and(eq(screeningResults.runId, filter.runId), filter.outcome ? eq(screeningResults.outcome, filter.outcome) : undefined, underUnit(filter.campaignRegion, filter.unitCode));
  const { villageCode, idNumber } = screeningResults;
  // By village, then ID number: the villages' rows first, then those of no village (NULLS LAST, as `order by` sorts them).
  for (let after: { village: string; id: string } | undefined; ; ) {
    const next = after && and(sql`${villageCode} >= ${after.village}`, or(sql`${villageCode} > ${after.village}`, sql`${idNumber} > ${after.id}`));
    const page = await db.select().from(screeningResults).where(and(where, isNotNull(villageCode), next)).orderBy(asc(villageCode), asc(idNumber)).limit(EXPORT_PAGE);
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE) break;
    const last = page[page.length - 1];
    after = { village: last.villageCode!, id: last.idNumber };
  }
  for (let after: string | undefined; ; ) {
    const page = await db
      .select()
      .from(screeningResults)
      .where(and(where, isNull(villageCode), after === undefined ? undefined : sql`${idNumber} > ${after}`))
      .orderBy(asc(idNumber))
      .limit(EXPORT_PAGE);
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE) break;
    after = page[page.length - 1].idNumber;
  }
}

/** The refusals a page of results names (for the ledger's 拒绝参保证明 column). */
export async function refusalsOf(db: Db, campaignId: string, results: readonly ResultRow[]) {
  const ids = [...new Set(results.flatMap((r) => (r.refusalId ? [r.refusalId] : [])))];
  const rows =
    ids.length > 0
      ? await db
          .select({ id: refusals.id, statementBy: refusals.statementBy, visits: refusals.visits, evidenceName: refusals.evidenceName })
          .from(refusals)
          .where(and(eq(refusals.campaignId, campaignId), inArray(refusals.id, ids)))
      : [];
  return new Map(rows.map((r) => [r.id, r]));
}

/** A unit of the campaign by code, its own region included (named after the campaign's region). */
export function unitOf(campaign: HardshipCampaign, names: UnitNames, code: string): { code: string; name: string; level: string } {
  if (code === campaign.regionCode) return { code, name: campaign.regionName, level: campaign.regionLevel };
  const u = names.get(code);
  if (!u) throw new ServiceError(UNIT_NOT_FOUND, `单位 ${code} 不在该活动中`, 404);
  return u;
}
