// The tax-feed inbox pickup, started by the `tax-feed-inbox` Schedule (weekly by default, as the tax
// bureau delivers; see server/taxFeed.ts). One activity does the work: every file is imported in its
// own transaction and moved last, so a retry after a crash finds only the files not yet moved.
import { proxyActivities } from '@temporalio/workflow';
import type { TaxFeedActivities, TaxInboxScanInput, TaxInboxScanResult } from '../activities/taxFeed';

const inbox = proxyActivities<TaxFeedActivities>({
  // Up to a few hundred files of at most 5 MiB each.
  startToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 8,
    // A refused file is moved to failed/ inside the activity; these reach here only from a direct call.
    nonRetryableErrorTypes: ['TaxFeedInvalid', 'CampaignNotFound'],
  },
});

export async function taxFeedInboxWorkflow(input: TaxInboxScanInput): Promise<TaxInboxScanResult> {
  return inbox.scanTaxInbox(input);
}
