// Hardship imports and screening runs. Each is a short workflow around long activities that heartbeat:
// the import reads and stores one file (activities/listImport.ts), the screening matches every listed
// person against the roster (activities/screening.ts). A worker that dies mid-activity is replaced by
// a retry that resumes from the last heartbeat's checkpoint.
import { ActivityFailure, ApplicationFailure, executeChild, proxyActivities } from '@temporalio/workflow';
import type { ImportListResult, ListImportActivities } from '../activities/listImport';
import type { ScreeningActivities, ScreeningInput, ScreeningResult } from '../activities/screening';

const NON_RETRYABLE = ['ImportNotFound', 'NothingToScreen'];

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

export interface ListImportWorkflowInput {
  importId: string;
  campaignId: string;
  /** Screen the campaign as soon as the list is stored. */
  screenAfter: boolean;
  actor: string;
}
export interface ListImportWorkflowResult extends ImportListResult {
  screening: ScreeningResult | null;
}

export const screeningWorkflowId = (runId: string) => `hardship-screening/${runId}`;
export const importWorkflowId = (importId: string) => `hardship-import/${importId}`;

export async function listImportWorkflow(input: ListImportWorkflowInput): Promise<ListImportWorkflowResult> {
  const result = await heavy.importList({ importId: input.importId });
  if (result.status !== 'stored' || !input.screenAfter) return { ...result, screening: null };
  const runId = `${input.importId}.s`;
  const run: ScreeningInput = { runId, campaignId: input.campaignId, scope: null, actor: input.actor, workflowId: screeningWorkflowId(runId) };
  // The run exists (and the console can follow it) before the import shows its link.
  await light.beginScreening(run);
  await light.linkScreeningRun({ importId: input.importId, runId });
  const screening = await executeChild(screeningWorkflow, { workflowId: run.workflowId, args: [run] });
  return { ...result, screening };
}

export async function screeningWorkflow(input: ScreeningInput): Promise<ScreeningResult> {
  try {
    await light.beginScreening(input);
    await heavy.screenPeople({ runId: input.runId });
    return await light.finishScreening({ runId: input.runId });
  } catch (e) {
    const cause = e instanceof ActivityFailure ? e.cause : e;
    const message = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
    if (!(cause instanceof ApplicationFailure && cause.type === 'NothingToScreen')) await light.failScreening({ runId: input.runId, message });
    throw e;
  }
}
