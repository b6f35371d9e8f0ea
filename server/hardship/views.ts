// What the hardship routes share: their paths and parameter schemas, the part of a campaign a request
// sees, and the answers' shapes built from the services' rows and, while an import or a run is under
// way, from its activity's last heartbeat (read from Temporal, decoded through the app's codecs).
//
// Data scope: a user below the campaign's region (a county supervisor in a city's campaign) sees the
// runs that cover their region (whole-campaign runs and runs of their own county), with figures of their
// region only: counts from their unit's summary row, reasons and changes from their region's results; a
// figure that exists only for the whole run (the people screened so far of a running run) is left out.
// Of an import they see the file's own facts (name, size, status, rows and errors in the file) and the
// error rows of their own villages. A run of another county is not found.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import type { Response } from 'express';
import { z } from 'zod';
import type { ImportView, ResultView, RunView } from '../../contracts/api/hardship';
import { PROGRESS_ACTIVITIES, type ImportHeartbeat, type ScreeningCounts, type ScreeningHeartbeat } from '../../contracts/hardship';
import type { Db } from '../../db/client';
import { regionContains, type Action } from '../../domain/access';
import { categoryName, INELIGIBLE_ZH, OUTCOME_ZH, type IneligibleReason, type Outcome } from '../../domain/hardship';
import { maskIdNumber } from '../../domain/idNumber';
import type { ListKind } from '../../formats/lists';
import { countsWithin, figuresWithin, firstImportErrors, type ImportRow, type ResultRow, type RunRow, type UnitNames } from '../../services/hardship/reads';
import { isTemporalUnavailable, notFound } from '../errors';
import { authOf } from '../http/access';
import type { Scope } from '../http/route';

export const H = '/api/campaigns/:id/hardship';
export { XLSX_TYPE } from '../http/files';
/** The route's access: the campaign `:id`, for this action. */
export const campaignAccess = (action: Action): Scope => ({ kind: 'campaign', action });
export const RunParams = z.object({ id: z.string(), runId: z.string().describe('筛查批次编号，或 latest') });
export const ImportParams = z.object({ id: z.string(), importId: z.string() });
export const UnitQuery = z.object({ unit: z.string().regex(/^\d{6}(\d{3}){0,2}$/, '单位代码应为 6、9 或 12 位数字').optional() });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// ---- what a request sees ----

/** The part of the campaign a request sees: null for the whole campaign, else the user's region below it. */
export function partOf(res: Response, campaign: { regionCode: string }): string | null {
  const { scope } = authOf(res);
  return scope === campaign.regionCode ? null : scope;
}

/** The unit a summary or export is about: the one asked for (inside the user's scope), else the scope itself. */
export function unitInScope(res: Response, unit: string | undefined): string {
  const { scope } = authOf(res);
  if (unit && !regionContains(scope, unit)) throw notFound('未找到');
  return unit ?? scope;
}

// ---- progress from Temporal ----

/** A payload as the workflow wrote it: through the codecs (decryption) in reverse, then the converter. */
async function decodePayload<T>(client: Client, payload: Payload): Promise<T> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let payloads = [payload];
  for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  return payloadConverter.fromPayload(payloads[0]) as T;
}

/** A failure's message: with encrypted payloads the text travels in the encoded attributes. */
async function failureMessage(client: Client, failure: Parameters<typeof decodeOptionalFailureToOptionalError>[1]): Promise<string | undefined> {
  return (await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure))?.message;
}

/** A running activity's last heartbeat, and why its last attempt failed (it is being retried). */
async function pendingOf<T>(client: Client, workflowId: string, activityType: string): Promise<{ details: T | null; lastError: string | null }> {
  try {
    // Progress is a nicety beside the stored rows: with Temporal down it is left out after a second.
    const desc = await client.connection.withDeadline(Date.now() + 1_000, () => client.workflow.getHandle(workflowId).describe());
    const pending = desc.raw.pendingActivities?.find((a) => a.activityType?.name === activityType);
    const payload = pending?.heartbeatDetails?.payloads?.[0];
    return {
      details: payload ? await decodePayload<T>(client, payload) : null,
      lastError: pending?.lastFailure ? `第 ${pending.attempt ?? '?'} 次尝试，上次失败：${(await failureMessage(client, pending.lastFailure)) ?? '未知原因'}` : null,
    };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError || isTemporalUnavailable(e)) return { details: null, lastError: null };
    throw e;
  }
}

// ---- answers ----

/** Which list an import or a current version is: kind, category (with its name), department, date. */
export function listIdentity(l: { list: string; category: string | null; department: string | null; listDate: string | null }) {
  return { list: l.list as ListKind, category: l.category, categoryName: l.category ? categoryName(l.category) : null, department: l.department, listDate: l.listDate };
}

/** An import as the console shows it; with `withErrors`, its first error rows (of villages under `part`). */
export async function importView(db: Db, client: Client, row: ImportRow, withErrors: boolean, part: string | null = null): Promise<ImportView> {
  let progress: ImportView['progress'] = null;
  let lastError: string | null = null;
  if (row.status === 'pending' || row.status === 'running') {
    const pending = await pendingOf<ImportHeartbeat>(client, row.workflowId, PROGRESS_ACTIVITIES.import);
    const hb = pending.details;
    lastError = pending.lastError;
    if (hb) progress = { stage: hb.stage, rowsRead: hb.rowsRead, bytesRead: hb.bytesRead, totalBytes: hb.totalBytes, fraction: hb.stage === 'reading' ? (hb.totalBytes > 0 ? Math.min(1, hb.bytesRead / hb.totalBytes) * 0.95 : 0) : hb.stage === 'done' ? 1 : 0.97 };
  }
  const errors = withErrors ? await firstImportErrors(db, row.id, part) : undefined;
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
 * A run as the user may see it. Narrowed to their part of the campaign: the counts of their region
 * (`counts`, from the summaries), and in detail (`detail`) its reasons and changes too; the run's
 * own totals, and the people screened of a running run, are the whole run's and left out.
 */
export async function runView(db: Db, client: Client, run: RunRow, narrow?: { part: string; counts?: ScreeningCounts; detail?: boolean }): Promise<RunView> {
  let progress: RunView['progress'] = null;
  if (run.status === 'running') {
    const hb = (await pendingOf<ScreeningHeartbeat>(client, run.workflowId, PROGRESS_ACTIVITIES.screening)).details;
    const total = run.total ?? 0;
    progress = hb ? { done: hb.done, total: hb.total, fraction: hb.total > 0 ? hb.done / hb.total : 0 } : { done: 0, total, fraction: 0 };
    if (narrow) progress = { done: null, total: null, fraction: progress.fraction };
  } else if (run.status === 'completed') progress = narrow ? { done: null, total: null, fraction: 1 } : { done: run.total ?? 0, total: run.total ?? 0, fraction: 1 };
  let counts = (run.counts as RunView['counts']) ?? null;
  let ineligibleByReason = (run.ineligibleByReason as Record<string, number> | null) ?? null;
  let changes = run.status === 'completed' ? (run.changes as RunView['changes']) : null;
  if (narrow) {
    const completed = run.status === 'completed';
    const figures = completed && narrow.detail ? await figuresWithin(db, run.id, run.previousRunId, narrow.part) : null;
    counts = completed ? (narrow.counts ?? (await countsWithin(db, [run.id], narrow.part)).get(run.id) ?? null) : null;
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

export function changeZh(change: string | null): string {
  return change === 'added' ? '新增' : change === 'categories-changed' ? '类别变化' : change === 'outcome-changed' ? '结果变化' : '';
}

/** A result with its ID number masked and its codes named. */
export function resultView(r: ResultRow, names: UnitNames): ResultView {
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
