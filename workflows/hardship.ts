// Hardship imports and screening runs. Each is a short workflow around long activities that heartbeat:
// the import reads and stores one file (services/hardship/listImport.ts), the screening matches every
// listed person against the roster (services/hardship/screening.ts). A worker that dies mid-activity is
// replaced by a retry that resumes from the last heartbeat's checkpoint. IDs, inputs, results and
// failure types are in contracts/hardship.ts.
//
// An import always ends. Whatever makes its workflow fail (a non-retryable failure, attempts exhausted,
// a timeout, a cancellation, a bug), `failImport` marks the import failed with a reason the console
// shows and deletes the uploaded file; then the workflow fails with the original error, as before.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { ListImportActivities } from '../activities/listImport';
import type { ScreeningActivities } from '../activities/screening';
import {
  HARDSHIP_NON_RETRYABLE as NON_RETRYABLE,
  hardshipWorkflowIds,
  NOTHING_TO_SCREEN,
  type ListImportWorkflowInput,
  type ListImportWorkflowResult,
  type ScreeningInput,
  type ScreeningResult,
} from '../contracts/hardship';

/** Long steps: a missed heartbeat (a dead worker) hands the activity to another attempt within a minute. */
const heavy = proxyActivities<ListImportActivities & ScreeningActivities>({
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
});
const light = proxyActivities<ListImportActivities & ScreeningActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
});
/** The end of a failed import must happen even if the database is away for a while: retried for a week. */
const ending = proxyActivities<ListImportActivities>({
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Guards the failure path added to listImportWorkflow (histories that failed before it replay as they ran). */
export const IMPORT_FAILS_CLEANLY = 'import-fails-cleanly';

export async function listImportWorkflow(input: ListImportWorkflowInput): Promise<ListImportWorkflowResult> {
  try {
    const result = await heavy.importList({ importId: input.importId });
    if (result.status !== 'stored' || !input.screenAfter) return { ...result, screening: null };
    const runId = `${input.importId}.s`;
    const run: ScreeningInput = { runId, campaignId: input.campaignId, scope: null, actor: input.actor, workflowId: hardshipWorkflowIds.screening(runId) };
    // The run exists (and the console can follow it) before the import shows its link.
    await light.beginScreening(run);
    await light.linkScreeningRun({ importId: input.importId, runId });
    const screening = await executeChild(screeningWorkflow, { workflowId: run.workflowId, args: [run] });
    return { ...result, screening };
  } catch (e) {
    // An import already stored (the screening after it failed) keeps its status: failImport leaves it.
    if (patched(IMPORT_FAILS_CLEANLY)) {
      await CancellationScope.nonCancellable(() => ending.failImport({ importId: input.importId, reason: importFailureReason(e) }));
    }
    throw e;
  }
}

/** Why an import's workflow gave up, in Chinese; the activity masks anything like an ID number. */
function importFailureReason(e: unknown): string {
  if (isCancellation(e)) return '导入已被取消';
  if (e instanceof ChildWorkflowFailure) return '名单已保存，但随后的筛查未能完成';
  const cause = e instanceof ActivityFailure ? e.cause : e;
  if (cause instanceof TimeoutFailure) return '处理超时（工作进程可能已停止或负载过高）';
  if (cause instanceof ApplicationFailure && cause.type && NON_RETRYABLE.includes(cause.type)) return cause.message;
  const message = cause instanceof Error ? cause.message : String(cause);
  return e instanceof ActivityFailure ? `多次重试后仍然失败，最后一次的错误：${message}` : `系统内部错误：${message}`;
}

export async function screeningWorkflow(input: ScreeningInput): Promise<ScreeningResult> {
  try {
    await light.beginScreening(input);
    await heavy.screenPeople({ runId: input.runId });
    return await light.finishScreening({ runId: input.runId });
  } catch (e) {
    const cause = e instanceof ActivityFailure ? e.cause : e;
    const message = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
    if (!(cause instanceof ApplicationFailure && cause.type === NOTHING_TO_SCREEN)) await light.failScreening({ runId: input.runId, message });
    throw e;
  }
}
