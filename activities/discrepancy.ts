// The discrepancy workflow's one activity: escalate the discrepancies unanswered at their deadline
// (services/discrepancies.ts; idempotent: a row is escalated once, its notifications have fixed ids).
import type { DiscrepancyDue } from '../contracts/discrepancy';
import type { Db } from '../db/client';
import type { Channels } from '../services/outbox';
import { escalateDueDiscrepancies } from '../services/discrepancies';
import { serviceCall } from './context';

export function createDiscrepancyActivities(db: Db, channels: Channels = { webhook: false, email: false }) {
  return {
    escalateDueDiscrepancies: (input: { campaignId: string; at: number }): Promise<DiscrepancyDue> => serviceCall(() => escalateDueDiscrepancies(db, input, channels)),
  };
}

export type DiscrepancyActivities = ReturnType<typeof createDiscrepancyActivities>;
