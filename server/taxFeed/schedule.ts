// The Temporal Schedule that empties the tax feed's inbox folder weekly, and what the API shows of it.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { TAX_FEED_INBOX_WORKFLOW, TAX_FEED_SCHEDULE_ID, type TaxFeedInboxStatus, type TaxInboxScanInput } from '../../contracts/taxFeed';
import type { taxFeedInboxWorkflow } from '../../workflows/taxFeed';

export { TAX_FEED_SCHEDULE_ID };

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
    workflowType: TAX_FEED_INBOX_WORKFLOW,
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
      state: { note: '税务缴费数据收件箱定时导入（由服务启动时创建）' },
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

/** The inbox Schedule's state, or null without a client, without a Schedule, or if Temporal does not answer. */
export async function inboxSchedule(client: Client, scheduleId = TAX_FEED_SCHEDULE_ID): Promise<TaxFeedInboxStatus | null> {
  try {
    // A read beside the feed's rows: with Temporal down it is left out after a second, not waited on.
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
