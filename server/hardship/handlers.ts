// Hardship screening over HTTP: uploads, imports, screening runs, results, refusals and the ledger and
// mobilisation-list exports. Routes and shapes are in ./hardshipDto.ts. The router's paths are absolute:
// mount it with `app.use(router)` before the `/api` not-found handler and the error middleware.
//
// Personal data: ID numbers leave this module masked (440703********123X); nothing personal is ever read
// from a URL (searches and refusals are POST bodies that name a result by its opaque id).
//
// Data scope: a user below the campaign's region (a county supervisor in a city's campaign) sees the
// runs that cover their region (whole-campaign runs and runs of their own county), with figures of their
// region only: counts from their unit's summary row, reasons and changes from their region's results; a
// figure that exists only for the whole run (the people screened so far of a running run) is left out.
// Of an import they see the file's own facts (name, size, status, rows and errors in the file) and the
// error rows of their own villages. A run of another county is not found.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import express, { Router, type Request } from 'express';
import { currentListsOf, type ImportHeartbeat } from '../../activities/listImport';
import { createScreeningActivities, type ScreeningHeartbeat } from '../../activities/screening';
import { rowsOf, type Db } from '../../db/client';
import { campaigns, importErrors, listImports, refusals, screeningResults, screeningRuns, screeningSummaries, units, uploads } from '../../db/schema';
import {
  HARDSHIP_CATEGORIES,
  INELIGIBLE_ZH,
  OUTCOME_ZH,
  REFUSAL_STATEMENT_ZH,
  categoryName,
  resolvePolicy,
  type ContributionRules,
  type IneligibleReason,
  type Outcome,
} from '../../domain/hardship';
import { maskIdNumber, validateIdNumber } from '../../domain/idNumber';
import { storableText } from '../../formats/cells';
import { writeXlsx, type Cell, type SheetSource } from '../../formats/xlsxWriter';
import { LIST_LIMITS, findHeaderRow, HEADER_SEARCH_ROWS, FIELD_LABELS, LIST_FIELDS, mapListHeaders, type ListKind, type ListMapping, type StoredMapping } from '../../formats/lists';
import { DEFAULT_LIMITS, ImportFileError, readRows, type CsvDelimiter, type ReadInfo } from '../../formats/rows';
import type { ListImportWorkflowInput } from '../../workflows/hardship';
import type { ScreeningInput } from '../../activities/screening';
import { regionContains, regionPrefix } from '../../domain/access';
import { actorName, authOf, requireRegion, subjectOf } from '../http/access';
import { IntRowIdSchema } from '../../contracts/api/campaigns';
import { HttpProblem, badRequest, isTemporalUnavailable, notFound, param } from '../errors';
import { createSharedLimiter, type SharedLimiter } from '../security/rateLimit';
import {
  EVIDENCE_MAX_BYTES,
  RecordRefusalRequestSchema,
  ResultSearchRequestSchema,
  StartImportRequestSchema,
  StartScreeningRequestSchema,
  UploadQuery,
  type HardshipOverview,
  type ImportView,
  type ResultPage,
  type ResultView,
  type RunView,
  type UnitSummaries,
  type StartImportRequest,
  type UploadView,
} from '../../contracts/api/hardship';
import { z } from 'zod';

type HReq = Request<Record<string, string>>;

export interface HardshipDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  uploadDir: string;
  now?: () => number;
  /** Uploads per user (server/http/deps.ts). */
  uploadLimiter?: SharedLimiter;
}

type RunCounts = NonNullable<RunView['counts']>;

const importWorkflowId = (importId: string) => `hardship-import/${importId}`;
const screeningWorkflowId = (runId: string) => `hardship-screening/${runId}`;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Rows per database page of an export. */
const EXPORT_PAGE = 5_000;
const UnitQuery = z.object({ unit: z.string().regex(/^\d{6}(\d{3}){0,2}$/, '单位代码应为 6、9 或 12 位数字').optional() });
const yuan = (fen: number | null) => (fen === null ? null : fen / 100);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Magic bytes of the evidence types accepted. */
const EVIDENCE_MAGIC: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47],
};

/** The hardship routes' handlers, by `METHOD /path-below-hardship` (server/hardship/routes.ts declares the routes). */
export function hardshipHandlers(deps: HardshipDeps): Record<string, (req: HReq, res: express.Response) => Promise<void>> {
  const { db, client } = deps;
  const now = deps.now ?? Date.now;
  const h: Record<string, (req: HReq, res: express.Response) => Promise<void>> = {};
  const base = '/api/campaigns/:id/hardship';

  async function campaignOf(id: string) {
    const [c] = await db.select({ id: campaigns.id, plan: campaigns.plan, year: campaigns.year, regionCode: campaigns.regionCode, regionName: campaigns.regionName, regionLevel: campaigns.regionLevel }).from(campaigns).where(eq(campaigns.id, id));
    if (!c) throw notFound(`征缴活动 ${id} 不存在`);
    return c;
  }

  /** A payload as the workflow wrote it: through the codecs (decryption) in reverse, then the converter. */
  async function decodePayload<T>(payload: Payload): Promise<T> {
    const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
    let payloads = [payload];
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    return payloadConverter.fromPayload(payloads[0]) as T;
  }

  /** A failure's message: with encrypted payloads the text travels in the encoded attributes. */
  async function failureMessage(failure: Parameters<typeof decodeOptionalFailureToOptionalError>[1]): Promise<string | undefined> {
    return (await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure))?.message;
  }

  /** A running activity's last heartbeat, and why its last attempt failed (it is being retried). */
  async function pendingOf<T>(workflowId: string, activityType: string): Promise<{ details: T | null; lastError: string | null }> {
    try {
      // Progress is a nicety beside the stored rows: with Temporal down it is left out after a second.
      const desc = await client.connection.withDeadline(Date.now() + 1_000, () => client.workflow.getHandle(workflowId).describe());
      const pending = desc.raw.pendingActivities?.find((a) => a.activityType?.name === activityType);
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      return {
        details: payload ? await decodePayload<T>(payload) : null,
        lastError: pending?.lastFailure ? `第 ${pending.attempt ?? '?'} 次尝试,上次失败:${(await failureMessage(pending.lastFailure)) ?? '未知原因'}` : null,
      };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError || isTemporalUnavailable(e)) return { details: null, lastError: null };
      throw e;
    }
  }

  async function importView(row: typeof listImports.$inferSelect, withErrors: boolean, part: string | null = null): Promise<ImportView> {
    let progress: ImportView['progress'] = null;
    let lastError: string | null = null;
    if (row.status === 'pending' || row.status === 'running') {
      const pending = await pendingOf<ImportHeartbeat>(row.workflowId, 'importList');
      const hb = pending.details;
      lastError = pending.lastError;
      if (hb) progress = { stage: hb.stage, rowsRead: hb.rowsRead, bytesRead: hb.bytesRead, totalBytes: hb.totalBytes, fraction: hb.stage === 'reading' ? (hb.totalBytes > 0 ? Math.min(1, hb.bytesRead / hb.totalBytes) * 0.95 : 0) : hb.stage === 'done' ? 1 : 0.97 };
    }
    const errors = withErrors
      ? await db
          .select({ line: importErrors.line, column: importErrors.column, value: importErrors.value, reason: importErrors.reason })
          .from(importErrors)
          .where(and(eq(importErrors.importId, row.id), errorsUnder(part)))
          .orderBy(asc(importErrors.line), asc(importErrors.seq))
          .limit(200)
      : undefined;
    return {
      id: row.id,
      ...listIdentity(row),
      version: row.version,
      fileName: row.fileName,
      sizeBytes: row.sizeBytes,
      status: row.status as ImportView['status'],
      progress,
      rowsTotal: row.rowsTotal,
      rowsStored: row.rowsStored,
      errorCount: row.errorCount,
      message: row.message,
      notices: (row.notices as string[] | null) ?? [],
      lastError,
      ...(errors ? { errors } : {}),
      actor: row.actor,
      createdAt: row.createdAt.toISOString(),
      finishedAt: iso(row.finishedAt),
      workflowId: row.workflowId,
      screenAfter: row.screenAfter,
      screeningRunId: row.screeningRunId,
    };
  }

  /**
   * A run by id, or `latest`: the newest completed run that covers `unitCode` (a whole-campaign run,
   * or a county run of the unit's county); without a unit, the newest whole-campaign run.
   */
  async function runRow(campaignId: string, runId: string, unitCode?: string) {
    const covers = unitCode ? or(isNull(screeningRuns.scope), sql`${unitCode} like ${screeningRuns.scope} || '%'`) : isNull(screeningRuns.scope);
    const where =
      runId === 'latest'
        ? and(eq(screeningRuns.campaignId, campaignId), eq(screeningRuns.status, 'completed'), covers)
        : and(eq(screeningRuns.campaignId, campaignId), eq(screeningRuns.id, runId));
    const [run] = await db.select().from(screeningRuns).where(where).orderBy(desc(screeningRuns.startedAt)).limit(1);
    if (!run) throw notFound(runId === 'latest' ? '该活动还没有完成的困难群体筛查' : `筛查批次 ${runId} 不存在`);
    return run;
  }

  /**
   * What of a run a user sees: `all` when the run lies within their part of the campaign (or they see
   * the whole campaign), `part` when the run covers more than their part (its figures are narrowed to
   * it), null when it is another county's run.
   */
  function runReach(run: { scope: string | null }, part: string | null): 'all' | 'part' | null {
    if (part === null || (run.scope !== null && regionContains(part, run.scope))) return 'all';
    if (run.scope === null || regionContains(run.scope, part)) return 'part';
    return null;
  }

  /** A run by id or `latest`, as the request's user may see it (another county's run is not found). */
  async function visibleRun(res: express.Response, campaign: { id: string; regionCode: string }, runId: string, unitCode?: string) {
    const run = await runRow(campaign.id, runId, unitCode);
    const part = partOf(res, campaign);
    if (!runReach(run, part)) throw notFound(`筛查批次 ${runId} 不存在`);
    return { run, part };
  }

  /** Outcome counts of a run within a region: its summary row, else summed from the results (a region that is no unit of the campaign). */
  async function countsWithin(runIds: string[], part: string): Promise<Map<string, RunCounts>> {
    const out = new Map<string, RunCounts>();
    if (runIds.length === 0) return out;
    const rows = await db.select().from(screeningSummaries).where(and(inArray(screeningSummaries.runId, runIds), eq(screeningSummaries.unitCode, part)));
    for (const r of rows) out.set(r.runId, { listed: r.listed, covered: r.covered, toMobilise: r.toMobilise, ineligible: r.ineligible, refused: r.refused, govPaidFen: r.govPaidFen });
    for (const id of runIds.filter((id) => !out.has(id))) out.set(id, (await figuresWithin(id, null, part)).counts);
    return out;
  }

  /** Counts, reasons and changes of a run over the results of a region (the run's own figures cover the whole run). */
  async function figuresWithin(runId: string, previousRunId: string | null, part: string) {
    const prefix = `${regionPrefix(part)}%`;
    const groups = rowsOf<{ outcome: string; reason: string | null; change: string | null; n: number; gov: string | number; new_gov: string | number }>(
      await db.execute(sql`select outcome, reason, change, count(*)::int as n, coalesce(sum(gov_paid_fen), 0)::bigint as gov,
          coalesce(sum(case when change = 'added' then gov_paid_fen else 0 end), 0)::bigint as new_gov
        from screening_results where run_id = ${runId} and village_code like ${prefix} group by outcome, reason, change`),
    );
    const counts: RunCounts = { listed: 0, covered: 0, toMobilise: 0, ineligible: 0, refused: 0, govPaidFen: 0 };
    const ineligibleByReason: Record<string, number> = {};
    const changes: NonNullable<RunView['changes']> = { previousRunId, added: 0, removed: 0, categoriesChanged: 0, outcomeChanged: 0, newObligationsFen: 0 };
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

  /**
   * A run as the user may see it. Narrowed to their part of the campaign: the counts of their region
   * (`partCounts`, from the summaries), and in detail (`detail`) its reasons and changes too; the run's
   * own totals, and the people screened of a running run, are the whole run's and left out.
   */
  async function runView(run: typeof screeningRuns.$inferSelect, narrow?: { part: string; counts?: RunCounts; detail?: boolean }): Promise<RunView> {
    let progress: RunView['progress'] = null;
    if (run.status === 'running') {
      const hb = (await pendingOf<ScreeningHeartbeat>(run.workflowId, 'screenPeople')).details;
      const total = run.total ?? 0;
      progress = hb ? { done: hb.done, total: hb.total, fraction: hb.total > 0 ? hb.done / hb.total : 0 } : { done: 0, total, fraction: 0 };
      if (narrow) progress = { done: null, total: null, fraction: progress.fraction };
    } else if (run.status === 'completed') progress = narrow ? { done: null, total: null, fraction: 1 } : { done: run.total ?? 0, total: run.total ?? 0, fraction: 1 };
    let counts = (run.counts as RunView['counts']) ?? null;
    let ineligibleByReason = (run.ineligibleByReason as Record<string, number> | null) ?? null;
    let changes = run.status === 'completed' ? (run.changes as RunView['changes']) : null;
    if (narrow) {
      const completed = run.status === 'completed';
      const figures = completed && narrow.detail ? await figuresWithin(run.id, run.previousRunId, narrow.part) : null;
      counts = completed ? (narrow.counts ?? (await countsWithin([run.id], narrow.part)).get(run.id) ?? null) : null;
      ineligibleByReason = figures?.ineligibleByReason ?? null;
      changes = figures?.changes ?? null;
    }
    return {
      id: run.id,
      scope: run.scope,
      status: run.status as RunView['status'],
      progress,
      counts,
      ineligibleByReason,
      changes,
      lists: run.lists as RunView['lists'],
      actor: run.actor,
      startedAt: run.startedAt.toISOString(),
      finishedAt: iso(run.finishedAt),
      workflowId: run.workflowId,
    };
  }

  /** The part of the campaign a request sees: null for the whole campaign, else the user's region below it. */
  function partOf(res: express.Response, campaign: { regionCode: string }): string | null {
    const { scope } = authOf(res);
    return scope === campaign.regionCode ? null : scope;
  }

  /** Import error rows of villages under a part of the campaign (rows that name no village are the whole file's). */
  function errorsUnder(part: string | null): SQL | undefined {
    if (part === null) return undefined;
    return sql`${importErrors.villageCode} like ${`${regionPrefix(part)}%`}`;
  }

  /** The unit a summary or export is about: the one asked for (inside the user's scope), else the scope itself. */
  function unitInScope(res: express.Response, unit: string | undefined): string {
    const { scope } = authOf(res);
    if (unit && !regionContains(scope, unit)) throw notFound('未找到');
    return unit ?? scope;
  }
  const uploadLimiter = deps.uploadLimiter ?? createSharedLimiter(db, { scope: 'upload', limit: 30, windowMs: 60_000 });

  /** Results under a unit: by the village code's prefix (a city's villages start 4407…); the campaign's own region means everyone. */
  function underUnit(campaign: { regionCode: string }, unitCode: string | undefined): SQL | undefined {
    if (!unitCode || unitCode === campaign.regionCode) return undefined;
    return sql`${screeningResults.villageCode} like ${`${regionPrefix(unitCode)}%`}`;
  }

  async function unitNames(campaignId: string) {
    const rows = await db.select({ code: units.code, name: units.name, level: units.level, parentCode: units.parentCode, ord: units.ord }).from(units).where(eq(units.campaignId, campaignId));
    return new Map(rows.map((r) => [r.code, r]));
  }

  // ---- uploads and imports ----

  h['POST /uploads'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const { list, sheet } = UploadQuery.parse(req.query);
    // A browser form would store its boundary lines as rows: refused before a byte is read.
    if (req.is('multipart/form-data')) throw multipartRefused();
    const fileName = fileNameOf(req);
    const declared = Number(req.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytesOf(list)) throw tooLarge(fileName, maxBytesOf(list));
    if (!(await uploadLimiter.hit(String(authOf(res).auth.user.id), now())).allowed) throw new HttpProblem(429, '请求过于频繁', '上传过于频繁,请稍后再试');
    res.status(201).json(await storeUpload(deps, campaign.id, list, fileName, req, actorName(res), { sheet }));
  };

  h['POST /imports'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const prepared = await prepareImport(deps, campaign.id, { ...StartImportRequestSchema.parse(req.body), actor: actorName(res) });
    try {
      const args: [ListImportWorkflowInput] = [{ importId: prepared.importId, campaignId: campaign.id, screenAfter: prepared.screenAfter, actor: prepared.actor }];
      await client.workflow.start('listImportWorkflow', { workflowId: prepared.workflowId, taskQueue: deps.taskQueue, args });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    res.status(prepared.created ? 202 : 200).json({ importId: prepared.importId, workflowId: prepared.workflowId, created: prepared.created });
  };

  h['GET /imports'] = async (req: HReq, res: express.Response) => {
    await campaignOf(req.params.id);
    const rows = await db.select().from(listImports).where(eq(listImports.campaignId, req.params.id)).orderBy(desc(listImports.createdAt)).limit(200);
    res.json({ imports: await Promise.all(rows.map((r) => importView(r, false))) });
  };

  async function importRow(campaignId: string, importId: string) {
    const [row] = await db.select().from(listImports).where(and(eq(listImports.campaignId, campaignId), eq(listImports.id, importId)));
    if (!row) throw notFound(`导入 ${importId} 不存在`);
    return row;
  }

  h['GET /imports/:importId'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    res.json(await importView(await importRow(campaign.id, req.params.importId), true, partOf(res, campaign)));
  };

  h['GET /imports/:importId/errors.xlsx'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const part = partOf(res, campaign);
    const row = await importRow(campaign.id, req.params.importId);
    async function* rows(): AsyncGenerator<Cell[]> {
      yield ['文件', '行号', '列', '值(已脱敏)', '错误原因'];
      let listed = 0;
      for await (const page of errorPages(row.id, part)) {
        for (const e of page) yield [row.fileName, e.line, e.column, e.value, e.reason];
        listed += page.length;
      }
      if (part !== null) yield [`只列出本辖区(${part})村(居)的错误;其他辖区的错误和不属于任何村(居)的错误未列出`];
      else if (row.errorCount > listed) yield [`另有 ${row.errorCount - listed} 处错误未列出(错误报告最多列 ${listed} 处);请先修改以上错误后重新上传`];
      if (row.message && listed === 0) yield [row.fileName, null, null, null, row.message];
    }
    await sendXlsx(res, `导入错误报告-${row.fileName.replace(/\.[^.]+$/, '')}.xlsx`, [{ name: '错误报告', rows: rows(), widths: [28, 8, 20, 22, 70] }]);
  };

  // ---- screening ----

  h['POST /screenings'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const body = StartScreeningRequestSchema.parse(req.body ?? {});
    // The whole campaign is screened by its region's users; one county by that county's (or a higher
    // region's): a county supervisor screens their own county of a city's campaign. The guard has seen
    // that the campaign is visible and that the role may screen.
    const user = subjectOf(res);
    if (!body.countyCode && !regionContains(user.regionCode, campaign.regionCode)) {
      const [own] = await db.select({ level: units.level }).from(units).where(and(eq(units.campaignId, campaign.id), eq(units.code, user.regionCode)));
      throw new HttpProblem(
        403,
        '无权操作',
        own?.level === 'county'
          ? `只能筛查本辖区的人员:请选择本区县(countyCode 填 ${user.regionCode});全${campaign.regionName}的筛查由${campaign.regionName}的人员发起`
          : `困难群体筛查按区县进行,由区县或${campaign.regionName}的人员发起;您的辖区(${user.regionCode})不能发起筛查`,
      );
    }
    await requireRegion(db, res, 'hardship.import', body.countyCode ?? campaign.regionCode);
    if (body.countyCode) {
      const [county] = await db.select({ level: units.level }).from(units).where(and(eq(units.campaignId, campaign.id), eq(units.code, body.countyCode)));
      if (county?.level !== 'county') throw badRequest('所选区县不在该活动中', [{ path: 'countyCode', message: `${body.countyCode} 不是该活动的区县` }]);
    }
    const lists = await currentListsOf(db, campaign.id);
    if (!lists.some((l) => l.list === 'roster')) throw new HttpProblem(409, '无法筛查', '尚未导入花名册:请先导入本年应参保花名册');
    if (!lists.some((l) => l.list === 'hardship')) throw new HttpProblem(409, '无法筛查', '尚未导入困难群体名单:请先导入至少一份名单');
    const runId = `${campaign.id}.s${now().toString(36)}${randomBytes(3).toString('hex')}`;
    const workflowId = screeningWorkflowId(runId);
    const args: [ScreeningInput] = [{ runId, campaignId: campaign.id, scope: body.countyCode ?? null, actor: actorName(res), workflowId }];
    // The run exists before the answer (the workflow's own first step finds it and goes on).
    const screening = createScreeningActivities(db, { now });
    await screening.beginScreening(args[0]);
    try {
      await client.workflow.start('screeningWorkflow', { workflowId, taskQueue: deps.taskQueue, args });
    } catch (e) {
      await screening.failScreening({ runId, message: '未能启动筛查工作流' });
      throw e;
    }
    res.status(202).json({ runId, workflowId });
  };

  h['GET '] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const plan = campaign.plan as { contributionPolicy?: ContributionRules };
    const policy = resolvePolicy(plan.contributionPolicy, campaign.year);
    const current = await currentListsOf(db, campaign.id);
    const part = partOf(res, campaign);
    // Another county's runs are not listed; the rest are narrowed to the user's part when they cover more.
    const runs = (await db.select().from(screeningRuns).where(eq(screeningRuns.campaignId, campaign.id)).orderBy(desc(screeningRuns.startedAt)).limit(part ? 200 : 20))
      .filter((r) => runReach(r, part))
      .slice(0, 20);
    const narrowed = part ? runs.filter((r) => runReach(r, part) === 'part' && r.status === 'completed').map((r) => r.id) : [];
    const partCounts = part ? await countsWithin(narrowed, part) : new Map<string, RunCounts>();
    const view = (r: (typeof runs)[number]) => (part && runReach(r, part) === 'part' ? runView(r, { part, counts: partCounts.get(r.id) }) : runView(r));
    const overview: HardshipOverview = {
      categories: HARDSHIP_CATEGORIES.map((c) => ({ key: c.key, name: c.zh })),
      policy: { mode: policy.mode, minimumFen: policy.minimumFen, perCategoryFen: policy.perCategoryFen as Record<string, number>, referenceDate: policy.referenceDate },
      lists: current.map((l) => ({
        importId: l.importId,
        ...listIdentity(l),
        version: l.version,
        rows: l.rows,
        storedAt: l.storedAt.toISOString(),
      })),
      runs: await Promise.all(runs.map(view)),
      latestRunId: runs.find((r) => r.status === 'completed')?.id ?? null,
    };
    res.json(overview);
  };

  h['GET /runs/:runId'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const { run, part } = await visibleRun(res, campaign, req.params.runId);
    res.json(part && runReach(run, part) === 'part' ? await runView(run, { part, detail: true }) : await runView(run));
  };

  h['GET /runs/:runId/summary'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const code = unitInScope(res, UnitQuery.parse(req.query).unit);
    const { run } = await visibleRun(res, campaign, req.params.runId, code === campaign.regionCode ? undefined : code);
    const names = await unitNames(campaign.id);
    const unit = code === campaign.regionCode ? { code, name: campaign.regionName, level: campaign.regionLevel } : names.get(code);
    if (!unit) throw notFound(`单位 ${code} 不在该活动中`);
    const childCodes = [...names.values()].filter((u) => u.parentCode === code).sort((a, b) => a.ord - b.ord).map((u) => u.code);
    const rows = await db.select().from(screeningSummaries).where(and(eq(screeningSummaries.runId, run.id), inArray(screeningSummaries.unitCode, [code, ...childCodes])));
    const byCode = new Map(rows.map((r) => [r.unitCode, r]));
    const view = (c: string, name: string, level: string) => {
      const s = byCode.get(c);
      return { code: c, name, level, listed: s?.listed ?? 0, covered: s?.covered ?? 0, toMobilise: s?.toMobilise ?? 0, ineligible: s?.ineligible ?? 0, refused: s?.refused ?? 0, govPaidFen: s?.govPaidFen ?? 0 };
    };
    const out: UnitSummaries = {
      runId: run.id,
      unit: view(code, unit.name, unit.level),
      children: childCodes.map((c) => view(c, names.get(c)!.name, names.get(c)!.level)),
    };
    res.json(out);
  };

  h['POST /runs/:runId/results/search'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const { run } = await visibleRun(res, campaign, req.params.runId);
    const q = ResultSearchRequestSchema.parse(req.body ?? {});
    // Below the campaign's region a user searches their own subtree only.
    const { scope } = authOf(res);
    if (q.unitCode && !regionContains(scope, q.unitCode)) throw notFound('未找到');
    const conds: (SQL | undefined)[] = [eq(screeningResults.runId, run.id), underUnit(campaign, q.unitCode ?? scope)];
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
    const names = await unitNames(campaign.id);
    const page: ResultPage = { total, page: q.page, pageSize: q.pageSize, rows: rows.map((r) => resultView(r, names)) };
    res.json(page);
  };

  // A person's full ID number: only for roles that resolve individual cases, one at a time, audited.
  h['POST /runs/:runId/results/:resultId/unmask'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const run = await runRow(campaign.id, req.params.runId);
    const resultId = param(req.params, 'resultId', z.coerce.number().int().positive());
    const [r] = await db.select({ idNumber: screeningResults.idNumber, village: screeningResults.villageCode }).from(screeningResults).where(and(eq(screeningResults.id, resultId), eq(screeningResults.runId, run.id)));
    if (!r) throw notFound('筛查结果不存在');
    await requireRegion(db, res, 'pii.unmask', r.village ?? campaign.regionCode);
    res.json({ resultId, idNumber: r.idNumber });
  };

  // ---- refusals ----

  h['POST /refusals'] = async (req: HReq, res: express.Response) => {
    const campaign = await campaignOf(req.params.id);
    const body = RecordRefusalRequestSchema.parse(req.body);
    const run = await runRow(campaign.id, body.runId);
    const evidence = Buffer.from(body.evidence.dataBase64, 'base64');
    if (evidence.length === 0) throw badRequest('证明材料为空', [{ path: 'evidence.dataBase64', message: '文件内容为空或不是 base64' }]);
    if (evidence.length > EVIDENCE_MAX_BYTES) throw new HttpProblem(413, '文件过大', `证明材料超过 ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB 上限`);
    const magic = EVIDENCE_MAGIC[body.evidence.contentType];
    if (!magic.every((b, i) => evidence[i] === b)) throw badRequest('证明材料的内容与文件类型不符', [{ path: 'evidence.contentType', message: `文件内容不是 ${body.evidence.contentType}` }]);
    const names = await unitNames(campaign.id);
    // The access check comes before any lock: its denial is written to the audit log, which must never
    // wait on a transaction of this same request (on PGlite's single connection that froze the app).
    const [where] = await db.select({ village: screeningResults.villageCode }).from(screeningResults).where(and(eq(screeningResults.id, body.resultId), eq(screeningResults.runId, run.id)));
    if (!where) throw notFound('筛查结果不存在');
    await requireRegion(db, res, 'hardship.refusal', where.village);
    const result = await db.transaction(async (tx) => {
      const [r] = await tx.select().from(screeningResults).where(and(eq(screeningResults.id, body.resultId), eq(screeningResults.runId, run.id))).for('update');
      if (!r) throw notFound('筛查结果不存在');
      if (r.outcome !== 'to-mobilise') throw new HttpProblem(409, '无法登记', `该人员的核查结果为“${OUTCOME_ZH[r.outcome as Outcome]}”,只有待动员参保人员可以登记拒绝参保`);
      const [refusal] = await tx
        .insert(refusals)
        .values({
          campaignId: campaign.id,
          idNumber: r.idNumber,
          statementBy: body.statementBy,
          visits: body.visits,
          note: body.note,
          evidenceName: body.evidence.fileName,
          evidenceType: body.evidence.contentType,
          evidenceSha256: createHash('sha256').update(evidence).digest('hex'),
          evidence,
          actor: actorName(res),
          recordedAt: new Date(now()),
        })
        .returning({ id: refusals.id, recordedAt: refusals.recordedAt });
      await tx
        .update(screeningResults)
        .set({ outcome: 'refused', refusalId: refusal.id, tierFen: null, govPaidFen: 0, personalFen: 0, subsidyFen: 0 })
        .where(eq(screeningResults.id, r.id));
      // The run's counts and the summaries of the person's units move with the result.
      const codes = [campaign.regionCode, ...[...names.keys()].filter((c) => r.villageCode?.startsWith(c))];
      await tx
        .update(screeningSummaries)
        .set({ toMobilise: sql`${screeningSummaries.toMobilise} - 1`, refused: sql`${screeningSummaries.refused} + 1` })
        .where(and(eq(screeningSummaries.runId, run.id), inArray(screeningSummaries.unitCode, [...new Set(codes)])));
      await tx.execute(sql`update screening_runs set counts = jsonb_set(jsonb_set(counts, '{toMobilise}', to_jsonb((counts->>'toMobilise')::int - 1)), '{refused}', to_jsonb((counts->>'refused')::int + 1)) where id = ${run.id}`);
      return { refusalId: refusal.id, recordedAt: refusal.recordedAt };
    });
    res.status(201).json({ refusalId: result.refusalId, resultId: body.resultId, outcome: 'refused', recordedAt: result.recordedAt.toISOString() });
  };

  h['GET /refusals/:refusalId/evidence'] = async (req: HReq, res: express.Response) => {
    const id = param(req.params, 'refusalId', IntRowIdSchema);
    const [r] = await db.select().from(refusals).where(and(eq(refusals.id, id), eq(refusals.campaignId, req.params.id)));
    if (!r) throw notFound('证明材料不存在');
    const [where] = await db.select({ village: screeningResults.villageCode }).from(screeningResults).where(eq(screeningResults.refusalId, id)).limit(1);
    await requireRegion(db, res, 'hardship.read', where?.village ?? null);
    res.type(r.evidenceType).attachment(r.evidenceName).send(r.evidence);
  };

  // ---- exports ----

  /** What an export is about: the campaign, the unit asked for (within the user's scope) and its name, the run covering it. */
  async function exportScope(req: express.Request, res: express.Response) {
    const campaign = await campaignOf(String(req.params.id));
    const code = unitInScope(res, UnitQuery.parse(req.query).unit);
    const { run } = await visibleRun(res, campaign, String(req.params.runId), code === campaign.regionCode ? undefined : code);
    const names = await unitNames(campaign.id);
    const unitName = code === campaign.regionCode ? campaign.regionName : names.get(code)?.name;
    if (!unitName) throw notFound(`单位 ${code} 不在该活动中`);
    return { campaign, code, run, names, unitName };
  }

  /**
   * Rows of an export in its order, a page at a time: keyset pages, each a short query of its own, so
   * that a download as slow as its client holds no connection, cursor or transaction open, and memory
   * holds one page (the same on PGlite and PostgreSQL).
   */
  async function* resultPages(where: SQL | undefined): AsyncGenerator<(typeof screeningResults.$inferSelect)[]> {
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

  /** An import's error rows (of villages under `part`), by line, a page at a time. */
  async function* errorPages(importId: string, part: string | null): AsyncGenerator<(typeof importErrors.$inferSelect)[]> {
    for (let after: { line: number; seq: number } | undefined; ; ) {
      const next = after && and(sql`${importErrors.line} >= ${after.line}`, or(sql`${importErrors.line} > ${after.line}`, sql`${importErrors.seq} > ${after.seq}`));
      const page = await db.select().from(importErrors).where(and(eq(importErrors.importId, importId), errorsUnder(part), next)).orderBy(asc(importErrors.line), asc(importErrors.seq)).limit(EXPORT_PAGE);
      if (page.length > 0) yield page;
      if (page.length < EXPORT_PAGE) break;
      after = { line: page[page.length - 1].line, seq: page[page.length - 1].seq };
    }
  }

  h['GET /runs/:runId/ledger.xlsx'] = async (req: HReq, res: express.Response) => {
    const { campaign, code, run, names, unitName } = await exportScope(req, res);
    async function* rows(): AsyncGenerator<Cell[]> {
      yield [`${unitName} 困难群体参保实名登记管理台账`];
      yield [`筛查批次 ${run.id},完成于 ${run.finishedAt?.toISOString().slice(0, 10) ?? '—'};身份证号已脱敏`];
      yield ['序号', '姓名', '身份证号', '困难类别', '户籍村(居)', '核查结果', '不符合条件原因', '缴费档次(元)', '政府代缴(元)', '个人缴费(元)', '缴费补贴(元)', '拒绝参保证明', '本次变化'];
      let n = 0;
      for await (const page of resultPages(and(eq(screeningResults.runId, run.id), underUnit(campaign, code)))) {
        const refusalIds = [...new Set(page.flatMap((r) => (r.refusalId ? [r.refusalId] : [])))];
        const refusalRows =
          refusalIds.length > 0
            ? await db
                .select({ id: refusals.id, statementBy: refusals.statementBy, visits: refusals.visits, evidenceName: refusals.evidenceName })
                .from(refusals)
                .where(and(eq(refusals.campaignId, campaign.id), inArray(refusals.id, refusalIds)))
            : [];
        const refusalOf = new Map(refusalRows.map((r) => [r.id, r]));
        for (const r of page) {
          const refusal = r.refusalId ? refusalOf.get(r.refusalId) : undefined;
          yield [
            ++n,
            r.name,
            maskIdNumber(r.idNumber),
            r.categories.map(categoryName).join('、'),
            r.villageCode ? (names.get(r.villageCode)?.name ?? r.villageCode) : '—',
            OUTCOME_ZH[r.outcome as Outcome],
            r.reason ? INELIGIBLE_ZH[r.reason as IneligibleReason] : '',
            yuan(r.tierFen),
            yuan(r.govPaidFen),
            yuan(r.personalFen),
            yuan(r.subsidyFen),
            refusal ? `${REFUSAL_STATEMENT_ZH[refusal.statementBy as keyof typeof REFUSAL_STATEMENT_ZH]}(走访 ${refusal.visits} 次,${refusal.evidenceName})` : '',
            changeZh(r.change),
          ];
        }
      }
    }
    await sendXlsx(res, `困难群体实名登记台账-${unitName}.xlsx`, [{ name: '实名登记台账', rows: rows(), widths: [6, 10, 22, 24, 14, 14, 26, 10, 10, 10, 10, 36, 10] }]);
  };

  h['GET /runs/:runId/mobilisation.xlsx'] = async (req: HReq, res: express.Response) => {
    const { campaign, code, run, names, unitName } = await exportScope(req, res);
    // One sheet per village, in village order: each sheet takes the rows of its village as they arrive.
    async function* sheets(): AsyncGenerator<SheetSource> {
      const people = (async function* () {
        for await (const page of resultPages(and(eq(screeningResults.runId, run.id), eq(screeningResults.outcome, 'to-mobilise'), underUnit(campaign, code)))) yield* page;
      })();
      let next = await people.next();
      if (next.done) {
        yield { name: '待动员名单', widths: [60], rows: [[`${unitName}:本批次没有待动员参保人员`]] };
        return;
      }
      while (!next.done) {
        const village = next.value.villageCode ?? '';
        const villageName = names.get(village)?.name ?? village;
        const rows = async function* (): AsyncGenerator<Cell[]> {
          yield [`${villageName} 困难群体待动员参保名单`];
          yield [`筛查批次 ${run.id};身份证号已脱敏;请逐户走访并记录,拒绝参保的须取得书面声明`];
          yield ['序号', '姓名', '身份证号', '困难类别', '缴费档次(元)', '政府代缴(元)', '个人应缴(元)', '走访记录', '备注'];
          for (let i = 0; !next.done && (next.value.villageCode ?? '') === village; next = await people.next()) {
            const r = next.value;
            yield [++i, r.name, maskIdNumber(r.idNumber), r.categories.map(categoryName).join('、'), yuan(r.tierFen), yuan(r.govPaidFen), yuan(r.personalFen), '', changeZh(r.change)];
          }
        };
        yield { name: `${villageName}-${village.slice(-3)}`, widths: [6, 10, 22, 24, 10, 10, 10, 24, 20], rows: rows() };
      }
    }
    await sendXlsx(res, `困难群体待动员名单-${unitName}.xlsx`, sheets());
  };

  return h;
}

const maxBytesOf = (list: ListKind) => LIST_LIMITS[list].maxBytes ?? DEFAULT_LIMITS.maxBytes;
const tooLarge = (fileName: string, max: number) => new HttpProblem(413, '文件过大', `${fileName}:超过 ${Math.round(max / 1024 / 1024)} MB 上限`);

/**
 * Writes an uploaded file under UPLOAD_DIR by its sha256 (the same file twice is one upload; mode 600,
 * it holds names and ID numbers), refuses it if it is not a readable list, and finds its header among
 * the first rows of the sheet asked for (XLSX: the first visible sheet by default). A workbook's chosen
 * sheet is read to its end, so that the answer lists every sheet and the rows hidden in Excel, and a
 * broken workbook is refused now rather than at import. The file is checked under a temporary name and
 * only then given its final one, so a refused upload leaves nothing behind.
 */
export async function storeUpload(
  deps: Pick<HardshipDeps, 'db' | 'uploadDir' | 'now'>,
  campaignId: string,
  list: ListKind,
  fileName: string,
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  actor = '上传',
  opts: { sheet?: number | string } = {},
): Promise<UploadView> {
  const now = deps.now ?? Date.now;
  await mkdir(deps.uploadDir, { recursive: true, mode: 0o700 });
  const tmp = join(deps.uploadDir, `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      source as NodeJS.ReadableStream,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytesOf(list)) return done(tooLarge(fileName, maxBytesOf(list)));
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      createWriteStream(tmp, { mode: 0o600 }),
    );
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  let layout: FileLayout;
  try {
    if (size === 0) throw badRequest(`${fileName}:文件为空`);
    if (await isMultipart(tmp)) throw multipartRefused();
    layout = await readLayout(tmp, fileName, list, size, opts.sheet, true);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const uploadId = hash.digest('hex');
  const row = {
    headerRow: layout.headerRow,
    headers: layout.headers,
    sheet: layout.sheet?.index ?? null,
    sheets: layout.sheets,
    delimiter: layout.delimiter,
    suspectDelimiter: layout.suspectDelimiter,
    hiddenRows: layout.hiddenRows,
    warnings: layout.warnings,
  } satisfies StoredUploadLayout;
  // Under the file's lock, as the clean-up of old uploads deletes it: the renamed file and its row's new lifetime go together.
  await withUploadLock(deps.db, uploadId, async (tx) => {
    await rename(tmp, join(deps.uploadDir, uploadId));
    const at = new Date(now());
    await tx
      .insert(uploads)
      .values({ id: uploadId, campaignId, list, fileName, sizeBytes: size, fileKind: layout.kind, headers: row, actor, createdAt: at, uploadedAt: at })
      .onConflictDoUpdate({ target: [uploads.campaignId, uploads.id], set: { fileName, list, headers: row, uploadedAt: at, fileDeletedAt: null } });
    // The same bytes uploaded to another campaign share the file: it lives again for them too.
    await tx.update(uploads).set({ fileDeletedAt: null }).where(eq(uploads.id, uploadId));
  }).catch(async (e: unknown) => {
    await rm(tmp, { force: true });
    throw e;
  });
  const mapping = mapListHeaders(list, layout.headers);
  return {
    uploadId,
    fileName,
    sizeBytes: size,
    list,
    fileKind: layout.kind,
    headers: layout.headers,
    fields: [...LIST_FIELDS[list].required.map((k) => ({ key: k, label: FIELD_LABELS[k], required: true })), ...LIST_FIELDS[list].optional.map((k) => ({ key: k, label: FIELD_LABELS[k], required: false }))],
    mapping: withHints(mapping, mappingHints(layout, opts.sheet !== undefined)),
    sheets: layout.sheets,
    sheet: layout.sheet,
    delimiter: layout.delimiter,
    hiddenRows: layout.hiddenRows,
    warnings: layout.warnings,
  };
}

/** Uploads in progress are written under this prefix; the clean-up removes any a crash left behind. */
export const TMP_PREFIX = '.upload-';

/** What an upload row keeps of its file (`uploads.headers`). */
interface StoredUploadLayout {
  headerRow: number;
  headers: string[];
  /** XLSX: the sheet read (from 0). Rows written before sheets were listed have none. */
  sheet?: number | null;
  sheets?: SheetView[];
  delimiter?: CsvDelimiter | null;
  suspectDelimiter?: SuspectDelimiter | null;
  hiddenRows?: number;
  warnings?: string[];
}
/** A CSV cell among the first rows holding several of another delimiter: the guess may have been wrong. */
interface SuspectDelimiter {
  delimiter: CsvDelimiter;
  cell: string;
}
type SheetView = UploadView['sheets'][number];

interface FileLayout {
  kind: 'csv' | 'xlsx';
  headerRow: number;
  headers: string[];
  sheets: SheetView[];
  sheet: SheetView | null;
  delimiter: CsvDelimiter | null;
  suspectDelimiter: SuspectDelimiter | null;
  hiddenRows: number;
  warnings: string[];
}

/**
 * The header of a stored file's sheet, found among its first rows; with `wholeSheet`, the sheet of a
 * workbook is read to its end for its hidden rows (a CSV never is: it has neither). A file that is not a
 * readable list is a 400 naming why.
 */
async function readLayout(path: string, fileName: string, list: ListKind, size: number, sheet: number | string | undefined, wholeSheet: boolean): Promise<FileLayout> {
  const first: string[][] = [];
  const info: ReadInfo = {};
  let hiddenRows = 0;
  const hiddenLines: number[] = [];
  try {
    for await (const row of readRows(createReadStream(path), { fileName, size, limits: LIST_LIMITS[list], sheet, info })) {
      if (first.length < HEADER_SEARCH_ROWS) first.push(row.cells.map(storableText));
      if (row.hidden && hiddenRows++ < 10) hiddenLines.push(row.line);
      if (first.length >= HEADER_SEARCH_ROWS && !(wholeSheet && info.kind === 'xlsx')) break;
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw badRequest(e.message, [{ path: fileName, message: e.message }]);
    throw e;
  }
  const sheets = (info.sheets ?? []).map((s) => ({ ...s, name: storableText(s.name) }));
  const chosen = info.sheet ? (sheets[info.sheet.index] ?? null) : null;
  if (first.length === 0) {
    const others = sheets.filter((s) => s !== chosen).map(sheetLabel);
    throw badRequest(`${fileName}:${chosen ? `工作表“${chosen.name}”中` : '文件中'}没有任何数据${others.length > 0 ? `;工作簿中还有工作表:${others.join('、')},请选择名单所在的工作表` : ''}`);
  }
  const headerRow = findHeaderRow(list, first);
  const warnings: string[] = [];
  if (hiddenRows > 0) {
    warnings.push(`${hiddenLines.map((l) => `第 ${l} 行`).join('、')}${hiddenRows > hiddenLines.length ? ` 等 ${hiddenRows} 行` : ''}为 Excel 中的隐藏行,导入时将与其他行一并导入;如这些行不应导入,请删除后重新上传`);
  }
  if (chosen?.hidden) warnings.push(`工作表“${chosen.name}”在 Excel 中是隐藏的,请确认名单确实在这个工作表中`);
  return {
    kind: info.kind ?? 'csv',
    headerRow,
    headers: first[headerRow].map((h) => h.trim()),
    sheets,
    sheet: chosen,
    delimiter: info.delimiter ?? null,
    suspectDelimiter: info.delimiter ? suspectDelimiter(first, info.delimiter) : null,
    hiddenRows,
    warnings,
  };
}

function suspectDelimiter(rows: readonly (readonly string[])[], used: CsvDelimiter): SuspectDelimiter | null {
  for (const row of rows) {
    for (const cell of row) {
      for (const d of [',', ';', '\t'] as const) {
        if (d !== used && cell.split(d).length > 2) return { delimiter: d, cell: cell.length > 40 ? `${cell.slice(0, 40)}…` : cell };
      }
    }
  }
  return null;
}

/** The mapping as the upload answer gives it: with hints only when it failed and there are some. */
function withHints(mapping: ListMapping, hints: string[]): ListMapping & { hints?: string[] } {
  return mapping.ok || hints.length === 0 ? mapping : { ...mapping, hints };
}

const sheetLabel = (s: SheetView) => `“${s.name}”(第 ${s.index + 1} 个${s.hidden ? ',隐藏' : ''}${s.rows !== null ? `,${s.rows.toLocaleString('en-US')} 行` : ''})`;
const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ',': '逗号', ';': '分号', '\t': '制表符' };

/** Why the columns may not have been found: the list is on another sheet, or the CSV delimiter was guessed wrong. */
function mappingHints(layout: Pick<FileLayout, 'sheets' | 'sheet' | 'delimiter' | 'suspectDelimiter'>, sheetChosen: boolean): string[] {
  const hints: string[] = [];
  const others = layout.sheets.filter((s) => s.index !== layout.sheet?.index);
  if (layout.sheet && others.length > 0) {
    hints.push(
      `${sheetChosen ? '' : '未指定工作表,'}只读取了工作表“${layout.sheet.name}”(第 ${layout.sheet.index + 1} 个);工作簿中还有:${others.map(sheetLabel).join('、')}。如名单在其他工作表,请选择工作表(接口参数 sheet:工作表序号,从 0 起,或工作表名称)`,
    );
  }
  const suspect = layout.suspectDelimiter;
  if (layout.delimiter && suspect) {
    const [used, other] = [DELIMITER_NAMES[layout.delimiter], DELIMITER_NAMES[suspect.delimiter]];
    hints.push(`本文件按${used}分隔读取,但“${suspect.cell}”中含有多个${other}:文件可能以${other}分隔(第一行的${used}使系统误判);请用 Excel 打开后另存为“CSV UTF-8(逗号分隔)”再上传`);
  }
  return hints;
}

/** Runs `work` in a transaction holding the file's advisory lock (uploads and the clean-up take it). */
export async function withUploadLock<T>(db: Db, uploadId: string, work: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`upload/${uploadId}`}))`);
    return work(tx);
  });
}

/**
 * Records an import of an upload (idempotent: the same upload with the same choices is the same
 * import) and returns the id its workflow runs under. A mapping that still lacks a field is a 400 naming
 * it (and, when the list may be on another sheet or the CSV delimiter looks wrong, saying so).
 */
export async function prepareImport(deps: Pick<HardshipDeps, 'db' | 'now'> & { uploadDir?: string }, campaignId: string, body: StartImportRequest) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const [upload] = await db.select().from(uploads).where(and(eq(uploads.id, body.uploadId), eq(uploads.campaignId, campaignId)));
  if (!upload) throw notFound('上传的文件不存在或不属于该活动;请重新上传');
  const gone = () => new HttpProblem(409, '请重新上传', `${upload.fileName}:该文件已导入过或已超过保留期限,服务器不再保留;如需再次导入请重新上传`);
  const stored = upload.headers as StoredUploadLayout;
  const sheets = stored.sheets ?? [];
  let layout: Pick<FileLayout, 'headerRow' | 'headers' | 'sheets' | 'sheet' | 'delimiter' | 'suspectDelimiter'> = {
    headerRow: stored.headerRow,
    headers: stored.headers,
    sheets,
    sheet: stored.sheet === undefined || stored.sheet === null ? null : (sheets[stored.sheet] ?? null),
    delimiter: stored.delimiter ?? null,
    suspectDelimiter: stored.suspectDelimiter ?? null,
  };
  if (body.sheet !== undefined) {
    if (upload.fileKind !== 'xlsx') {
      if (body.sheet !== 0) throw badRequest('CSV 文件没有工作表', [{ path: 'sheet', message: 'CSV 文件只有一张表,请不要指定 sheet' }]);
    } else {
      const want = body.sheet;
      const chosen = typeof want === 'number' ? sheets[want] : (sheets.find((s) => s.name === want) ?? sheets.find((s) => s.name.trim().toLowerCase() === want.trim().toLowerCase()));
      if (!chosen) {
        throw badRequest('工作表不存在', [{ path: 'sheet', message: `工作簿中没有${typeof want === 'number' ? `第 ${want + 1} 个工作表` : `名为“${want}”的工作表`};工作表依次为:${sheets.map(sheetLabel).join('、')}` }]);
      }
      if (chosen.index !== layout.sheet?.index) {
        if (!deps.uploadDir || upload.fileDeletedAt || !existsSync(join(deps.uploadDir, upload.id))) throw gone();
        const read = await readLayout(join(deps.uploadDir, upload.id), upload.fileName, body.list, upload.sizeBytes, chosen.index, false);
        layout = { ...read, sheets };
      }
    }
  }
  const mapping = mapListHeaders(body.list, layout.headers, body.override);
  if (!mapping.ok) {
    const errors = [
      ...(mapping.missing ?? []).map((k) => ({ path: `override.${k}`, message: `未找到“${FIELD_LABELS[k]}”列,请指定对应的列` })),
      ...(mapping.ambiguous ?? []).map((k) => ({ path: `override.${k}`, message: `“${FIELD_LABELS[k]}”可对应多列,请指定其中一列` })),
    ];
    const hints = mappingHints(layout, body.sheet !== undefined);
    throw badRequest(['文件的列与名单字段对应不上', ...hints].join('。'), [...errors, ...hints.map((h) => ({ path: layout.sheet ? 'sheet' : 'file', message: h }))]);
  }
  const storedMapping: StoredMapping = { headerRow: layout.headerRow, columns: mapping.columns!, ...(layout.sheet ? { sheet: layout.sheet.index } : {}) };
  const listKey = body.list === 'roster' ? 'roster' : `hardship:${body.category}:${body.department}`;
  const importId = `${campaignId}.${body.list === 'roster' ? 'r' : 'h'}${createHash('sha256')
    .update(JSON.stringify([body.uploadId, listKey, body.listDate ?? null, storedMapping, body.screenAfter]))
    .digest('hex')
    .slice(0, 16)}`;
  const workflowId = importWorkflowId(importId);
  const [existing] = await db.select({ id: listImports.id }).from(listImports).where(eq(listImports.id, importId));
  if (existing) return { importId, workflowId, created: false, screenAfter: body.screenAfter, actor: body.actor };
  // Under the file's lock: the clean-up of old uploads cannot delete it between this check and the pending import.
  const inserted = await withUploadLock(db, upload.id, async (tx) => {
    if (deps.uploadDir) {
      const [fresh] = await tx.select({ deleted: uploads.fileDeletedAt }).from(uploads).where(and(eq(uploads.id, upload.id), eq(uploads.campaignId, campaignId)));
      if (fresh?.deleted || !existsSync(join(deps.uploadDir, upload.id))) throw gone();
    }
    return tx
      .insert(listImports)
      .values({
        id: importId,
        campaignId,
        uploadId: upload.id,
        list: body.list,
        listKey,
        category: body.category ?? null,
        department: body.department ?? null,
        listDate: body.listDate ?? null,
        fileName: upload.fileName,
        sizeBytes: upload.sizeBytes,
        mapping: storedMapping,
        screenAfter: body.screenAfter,
        workflowId,
        actor: body.actor,
        createdAt: new Date(now()),
      })
      .onConflictDoNothing()
      .returning({ id: listImports.id });
  });
  return { importId, workflowId, created: inserted.length > 0, screenAfter: body.screenAfter, actor: body.actor };
}

/** Which list an import or a current version is: kind, category (with its name), department, date. */
function listIdentity(l: { list: string; category: string | null; department: string | null; listDate: string | null }) {
  return { list: l.list as ListKind, category: l.category, categoryName: l.category ? categoryName(l.category) : null, department: l.department, listDate: l.listDate };
}

function changeZh(change: string | null): string {
  return change === 'added' ? '新增' : change === 'categories-changed' ? '类别变化' : change === 'outcome-changed' ? '结果变化' : '';
}

function resultView(r: typeof screeningResults.$inferSelect, names: Map<string, { name: string }>): ResultView {
  return {
    resultId: r.id,
    idMasked: maskIdNumber(r.idNumber),
    name: r.name,
    categories: r.categories,
    categoryNames: r.categories.map(categoryName),
    villageCode: r.villageCode,
    villageName: r.villageCode ? (names.get(r.villageCode)?.name ?? null) : null,
    outcome: r.outcome as Outcome,
    outcomeName: OUTCOME_ZH[r.outcome as Outcome],
    reason: (r.reason as IneligibleReason | null) ?? null,
    reasonName: r.reason ? INELIGIBLE_ZH[r.reason as IneligibleReason] : null,
    tierFen: r.tierFen,
    govPaidFen: r.govPaidFen,
    personalFen: r.personalFen,
    subsidyFen: r.subsidyFen,
    change: (r.change as ResultView['change']) ?? null,
    refusalId: r.refusalId,
  };
}

function fileNameOf(req: Request): string {
  const raw = req.get('X-File-Name');
  let name = '上传文件';
  if (raw) {
    try {
      name = decodeURIComponent(raw);
    } catch {
      name = raw;
    }
  }
  return name.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || '上传文件';
}

/**
 * An XLSX answer written as its rows arrive. An error before the first byte is answered as an error; one
 * after it (the database gone mid-download) can only cut the download short, which leaves the client a
 * zip without its directory: an incomplete file that no spreadsheet opens, never a partial list.
 */
async function sendXlsx(res: express.Response, fileName: string, sheets: Iterable<SheetSource> | AsyncIterable<SheetSource>): Promise<void> {
  res.type(XLSX_TYPE).attachment(fileName);
  try {
    await writeXlsx(res, sheets);
  } catch (e) {
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      throw e;
    }
    console.error(`[api] ${fileName}: export cut short:`, (e as Error).message);
    res.destroy();
  }
}

/**
 * A browser form's body (multipart/form-data) sent where the raw file is expected: its first line is the
 * boundary, the next a Content-Disposition header. Stored as is, the boundary lines would become rows.
 */
async function isMultipart(path: string): Promise<boolean> {
  const fd = await open(path);
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fd.read(head, 0, head.length, 0);
    return /^--[^\r\n]{1,200}\r?\ncontent-disposition:\s*form-data/i.test(head.subarray(0, bytesRead).toString('latin1'));
  } finally {
    await fd.close();
  }
}

const multipartRefused = () =>
  new HttpProblem(
    415,
    '不支持表单上传',
    '请把文件内容直接作为请求体发送(Content-Type: application/octet-stream,文件名放在 X-File-Name 头中,用 encodeURIComponent 编码),不要使用 multipart/form-data 表单方式',
  );
