// Starting unit workflows, shared by the campaign (counties) and by units (towns). Kept apart from both
// workflow files, and typed by the unit workflow's signature in contracts/, so that none imports another.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, log, proxyActivities, startChild } from '@temporalio/workflow';
import type { DbActivities } from '../activities/db';
import { workflowIds, type UnitReportingContext, type UnitSpec, type UnitWorkflow } from '../contracts/campaign';

const db = proxyActivities<DbActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Marks a unit failed whatever its own last write was. */
const FAILED_VERSION = 2_000_000_000;

/**
 * Starts one child per unit. Children outlive a continue-as-new of their parent (ABANDON) and are
 * addressed by their business ID afterwards; a child that fails becomes a 'failed' row, not a crash.
 */
export async function startUnits(
  campaignId: string,
  children: UnitSpec[],
  phaseKey: string | null,
  historyLimit: number | undefined,
  reporting?: UnitReportingContext,
): Promise<void> {
  await Promise.all(
    children.map(async (unit) => {
      const workflowId = workflowIds.unit(campaignId, unit.code);
      try {
        const handle = await startChild<UnitWorkflow>('unitWorkflow', {
          workflowId,
          args: [{ campaignId, unit, phaseKey, historyLimit, ...(reporting ? { reporting } : {}) }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        handle.result().catch((err) => markFailed(campaignId, unit, workflowId, err));
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return;
        await markFailed(campaignId, unit, workflowId, err);
      }
    }),
  );
}

async function markFailed(campaignId: string, unit: UnitSpec, workflowId: string, err: unknown): Promise<void> {
  log.error('unit workflow failed', { unit: unit.code, error: String(err) });
  await db.recordUnitState({ campaignId, code: unit.code, version: FAILED_VERSION, status: 'failed', phaseKey: null, workflowId });
}
