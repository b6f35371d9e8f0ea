// 核查验收: the durable timer of the discrepancies' answer deadlines, one workflow per campaign
// (contracts/discrepancy.ts). It sleeps until the earliest deadline of an unanswered discrepancy, then
// has the activity escalate every one still unanswered at that instant (once: the rows say so). Opened
// discrepancies come from deliveries (inside the import's transaction, where no Temporal client is), so
// during the verification phase it also looks once a day, and at once when signalled; after the phase
// and its answer window, with nothing pending, it ends. Started by the API (an official's check, a
// payment delivery, an answer), USE_EXISTING.
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DiscrepancyActivities } from '../activities/discrepancy';
import { discrepanciesChangedSignal, type DiscrepancyWatchInput, type DiscrepancyWatchResult } from '../contracts/discrepancy';

const { escalateDueDiscrepancies } = proxyActivities<DiscrepancyActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['CampaignNotFound'] },
});

const DAY_MS = 86_400_000;
/** Never spin on a clock skew. */
const MIN_WAIT_MS = 1_000;

export async function discrepancyWorkflow(input: DiscrepancyWatchInput, carried = 0): Promise<DiscrepancyWatchResult> {
  let poked = false;
  setHandler(discrepanciesChangedSignal, () => {
    poked = true;
  });
  let escalated = carried;
  for (;;) {
    poked = false;
    const due = await escalateDueDiscrepancies({ campaignId: input.campaignId, at: Date.now() });
    escalated += due.escalated;
    if (due.next === null && due.watchUntil === null) return { escalated };
    const wakes = [due.next, due.watchUntil === null ? null : Math.min(due.watchUntil, Date.now() + DAY_MS)].filter((w): w is number => w !== null);
    await condition(() => poked, Math.max(Math.min(...wakes) - Date.now(), MIN_WAIT_MS));
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof discrepancyWorkflow>(input, escalated);
  }
}
