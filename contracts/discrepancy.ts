// The discrepancy workflow's contract (核查验收 差异的答复时限): its name, ID, input, result and the
// signal that makes it look now. No runtime imports but the signal definition, as contracts/outbox.ts.
import { defineSignal } from '@temporalio/workflow';

/** Its exported name in workflows/index.ts (the Temporal workflow type). A shipped name never changes. */
export const DISCREPANCY_WORKFLOW = 'discrepancyWorkflow';

/** One per campaign, started with USE_EXISTING: a second start joins the running one. */
export const discrepancyWorkflowId = (campaignId: string) => `campaign/${campaignId}/discrepancies`;

export interface DiscrepancyWatchInput {
  campaignId: string;
}

export interface DiscrepancyWatchResult {
  /** Discrepancies escalated to the parent unit by this run (and the runs it continued from). */
  escalated: number;
}

/** Fire-and-forget: "discrepancies were opened or answered, read the deadlines now". */
export const discrepanciesChangedSignal = defineSignal('discrepanciesChanged');

/** What the activity answers the workflow: escalated now, the next deadline, how long to keep watching. */
export interface DiscrepancyDue {
  escalated: number;
  next: number | null;
  watchUntil: number | null;
}
