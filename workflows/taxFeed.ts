// The tax-feed inbox pickup, started by the `tax-feed-inbox` Schedule (weekly by default, as the tax
// bureau delivers; see server/taxFeed/schedule.ts). One activity does the work: every file is imported
// in its own transaction and moved last, so a retry after a crash finds only the files not yet moved.
// A per-person payment delivery is only recorded by that activity; its import (long, heartbeating,
// resumable) runs here as a child list-import workflow, one after the other in name order; then each
// campaign that had a delivery has its 核查差异 workflow started or poked, as an uploaded delivery does.
import { executeChild, log, patched, proxyActivities } from '@temporalio/workflow';
import type { TaxFeedActivities } from '../activities/taxFeed';
import { CAMPAIGN_NOT_FOUND, TAX_FEED_INVALID, type TaxInboxScanInput, type TaxInboxScanResult } from '../contracts/taxFeed';
import { listImportWorkflow } from './hardship';

const inbox = proxyActivities<TaxFeedActivities>({
  // Up to a few hundred files of at most 5 MiB each.
  startToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 8,
    // A refused file is moved to failed/ inside the activity; these would reach here only if it let one through.
    nonRetryableErrorTypes: [TAX_FEED_INVALID, CAMPAIGN_NOT_FOUND],
  },
});

const watch = proxyActivities<TaxFeedActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10, nonRetryableErrorTypes: [CAMPAIGN_NOT_FOUND] },
});

/** Guards the payment deliveries' child imports (histories from before them replay as they ran). */
export const INBOX_PAYMENT_IMPORTS = 'inbox-payment-imports';
/** Guards the discrepancy watch after the payment deliveries (histories from before it replay without it). */
export const INBOX_DISCREPANCY_WATCH = 'inbox-discrepancy-watch';

export async function taxFeedInboxWorkflow(input: TaxInboxScanInput): Promise<TaxInboxScanResult> {
  const result = await inbox.scanTaxInbox(input);
  if (result.payments && result.payments.length > 0 && patched(INBOX_PAYMENT_IMPORTS)) {
    for (const p of result.payments) {
      try {
        const r = await executeChild(listImportWorkflow, { workflowId: p.workflowId, args: [{ importId: p.importId, campaignId: p.campaignId, screenAfter: false, actor: '税务数据收件箱' }] });
        p.status = r.status;
      } catch (e) {
        // The same delivery's import already started (by the API, or an earlier pickup): it ends on its own.
        p.status = (e as Error).name === 'WorkflowExecutionAlreadyStartedError' ? 'already-started' : 'failed';
      }
    }
    if (patched(INBOX_DISCREPANCY_WATCH)) {
      // After the imports: a delivery opens its discrepancies inside its import's transaction.
      for (const campaignId of [...new Set(result.payments.map((p) => p.campaignId))].sort()) {
        try {
          await watch.watchDiscrepancies({ campaignId });
        } catch (e) {
          // The deliveries are stored whatever happens here (a failed pickup would hide that they were);
          // an official's check or the next delivery starts the watch.
          log.warn('核查差异监控未能启动', { campaignId, error: (e as Error).message });
        }
      }
    }
  }
  return result;
}
