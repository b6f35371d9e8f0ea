// The tax bureau's payment feed over HTTP (an upload of one CSV file) and the Temporal Schedule that
// empties the inbox folder weekly. The router's paths are absolute: mount it with `app.use(router)`
// before the `/api` not-found handler and before the error middleware.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import {
  CAMPAIGN_NOT_FOUND,
  createTaxFeedActivities,
  taxFeedErrorsOf,
  type TaxInboxScanInput,
} from '../../activities/taxFeed';
import type { Db } from '../../db/client';
import { campaigns } from '../../db/schema';
import type { PlanIssue } from '../../domain/plan';
import { TAX_FEED_MAX_BYTES } from '../../domain/taxFeed';
import type { taxFeedInboxWorkflow } from '../../workflows/taxFeed';
import { actorName } from '../authRoutes';
import { HttpProblem, badRequest, notFound } from '../errors';
import { TAX_FEED_SCHEDULE_ID, type TaxFeedInboxStatus } from '../../contracts/taxFeed';

export { TAX_FEED_SCHEDULE_ID, type TaxFeedInboxStatus };

/** The workflow's exported name in workflows/index.ts (the server imports no workflow code). */
const WORKFLOW_TYPE = 'taxFeedInboxWorkflow';
export const DEFAULT_UPLOAD_ACTOR = '税务数据接口';
const CSV_TYPES = ['text/csv', 'application/octet-stream'];

export interface TaxFeedScheduleOptions {
  taskQueue: string;
  /** The inbox folder, as the worker sees it. */
  dir: string;
  /** e.g. `0 6 * * 1` (Mondays 06:00), read in timeZone. */
  cron: string;
  timeZone: string;
  scheduleId?: string;
}

/**
 * Creates the inbox Schedule, or brings an existing one to the given settings (every start calls
 * this; a paused Schedule stays paused). Overlap SKIP: a pickup still running when the next is due
 * makes the next one a no-op rather than a second scanner of the same folder.
 */
export async function ensureTaxFeedSchedule(client: Client, opts: TaxFeedScheduleOptions): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = opts.scheduleId ?? TAX_FEED_SCHEDULE_ID;
  const spec = { cronExpressions: [opts.cron], timezone: opts.timeZone };
  const args: Parameters<typeof taxFeedInboxWorkflow> = [{ dir: opts.dir } satisfies TaxInboxScanInput];
  const action = {
    type: 'startWorkflow' as const,
    workflowType: WORKFLOW_TYPE,
    // The Schedule appends the scheduled time, so each pickup has its own id.
    workflowId: scheduleId,
    taskQueue: opts.taskQueue,
    args,
    // A run stuck on a broken database must not keep the later pickups skipped forever.
    workflowRunTimeout: '2 hours',
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies,
      state: { note: '税务缴费数据收件箱定时导入(由服务启动时创建)' },
    });
    return { scheduleId, created: true };
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action, policies: { ...prev.policies, ...policies } }));
  return { scheduleId, created: false };
}

/** For a deployment that no longer sets TAX_FEED_INBOX: the Schedule goes away (no error if absent). */
export async function removeTaxFeedSchedule(client: Client, scheduleId = TAX_FEED_SCHEDULE_ID): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) return false;
    throw e;
  }
}

export interface TaxFeedRouterDeps {
  db: Db;
  /** With a client, the list also tells when the inbox is next picked up. */
  client?: Client;
  /** Not used by the routes (uploads import directly); accepted so that callers pass one deps object. */
  taskQueue?: string;
  scheduleId?: string;
}

/** A header value sent URL-encoded (HTTP headers carry Latin-1 only), or as is if it is not. */
function headerText(req: Request, name: string): string | undefined {
  const raw = req.get(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    throw badRequest(`请求头 ${name} 不是有效的 URL 编码`);
  }
}

/** The base name of a client's file name: no folders, at most 255 characters. */
const baseName = (name: string) => name.replace(/\\/g, '/').split('/').pop()!.slice(0, 255);

const rawCsv = express.raw({ type: CSV_TYPES, limit: TAX_FEED_MAX_BYTES });
function readCsvBody(req: Request, res: Response, next: NextFunction) {
  rawCsv(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
      next(new HttpProblem(413, '请求体过大', `税务数据文件不得超过 5 MiB(${TAX_FEED_MAX_BYTES} 字节);请按区县拆分后分别提交`));
    } else next(err);
  });
}

export function taxFeedRouter(deps: TaxFeedRouterDeps): Router {
  const { db } = deps;
  const activities = createTaxFeedActivities(db);
  const router = Router();

  const requireCampaign = async (id: string) => {
    const [row] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id));
    if (!row) throw notFound(`征缴活动 ${id} 不存在`);
  };

  router.post('/api/campaigns/:id/tax-feed', readCsvBody, async (req, res) => {
    const campaignId = String(req.params.id);
    if (!Buffer.isBuffer(req.body)) {
      if (req.is(CSV_TYPES)) throw badRequest('请求体为空:请在请求体中提交 CSV 文件');
      throw new HttpProblem(415, '不支持的内容类型', `请以 Content-Type: text/csv 或 application/octet-stream 提交 CSV 文件(收到 ${req.get('Content-Type') ?? '无'})`);
    }
    if (req.body.length === 0) throw badRequest('请求体为空:请在请求体中提交 CSV 文件');
    const fileName = baseName(headerText(req, 'X-File-Name') ?? '') || '上传文件.csv';
    const actor = res.locals.requestAuth ? actorName(res) : DEFAULT_UPLOAD_ACTOR;
    try {
      const result = await activities.importTaxFeed({
        campaignId,
        fileName,
        bytesBase64: req.body.toString('base64'),
        source: 'upload',
        actor,
      });
      res.status(result.status === 'imported' ? 201 : 200).json(result);
    } catch (e) {
      const invalid = taxFeedErrorsOf(e);
      if (invalid) {
        // The problem's `errors` are {file, line, column, value, reason} here, not plan paths.
        throw badRequest(`税务数据文件 ${fileName} 有 ${invalid.errors.length} 处错误,未导入任何数据`, invalid.errors as unknown as PlanIssue[]);
      }
      if (e instanceof ApplicationFailure && e.type === CAMPAIGN_NOT_FOUND) throw notFound(`征缴活动 ${campaignId} 不存在`);
      throw e;
    }
  });

  router.get('/api/campaigns/:id/tax-feed', async (req, res) => {
    await requireCampaign(req.params.id);
    const imports = await activities.listTaxFeedImports(req.params.id);
    res.json({ imports, inbox: await inboxSchedule(deps) });
  });

  return router;
}


/** The inbox Schedule's state, or null without a client, without a Schedule, or if Temporal does not answer. */
async function inboxSchedule(deps: TaxFeedRouterDeps): Promise<TaxFeedInboxStatus | null> {
  if (!deps.client) return null;
  const scheduleId = deps.scheduleId ?? TAX_FEED_SCHEDULE_ID;
  try {
    // A read beside the feed's rows: with Temporal down it is left out after a second, not waited on.
    const client = deps.client;
    const d = await client.connection.withDeadline(Date.now() + 1_000, () => client.schedule.getHandle(scheduleId).describe());
    const last = d.info.recentActions.at(-1);
    return {
      scheduleId,
      paused: d.state.paused,
      nextRunAt: d.info.nextActionTimes[0]?.toISOString() ?? null,
      lastRunAt: last ? last.takenAt.toISOString() : null,
    };
  } catch {
    return null;
  }
}
