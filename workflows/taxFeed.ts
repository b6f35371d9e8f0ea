// The tax-feed inbox pickup, started by the `tax-feed-inbox` Schedule (weekly by default, as the tax
// bureau delivers; see server/taxFeed/schedule.ts). One activity does the work: every file is imported
// in its own transaction and moved last, so a retry after a crash finds only the files not yet moved.
import { proxyActivities } from '@temporalio/workflow';
import type { TaxFeedActivities } from '../activities/taxFeed';
import { CAMPAIGN_NOT_FOUND, TAX_FEED_INVALID, type TaxInboxScanInput, type TaxInboxScanResult } from '../contracts/taxFeed';

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

export async function taxFeedInboxWorkflow(input: TaxInboxScanInput): Promise<TaxInboxScanResult> {
  return inbox.scanTaxInbox(input);
}
