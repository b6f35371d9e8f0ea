// Starting and poking the outbox dispatcher from a process that holds a Temporal client.
import { WorkflowNotFoundError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { OUTBOX_WORKFLOW_ID, outboxPokeSignal } from '../contracts/outbox';
import type { outboxDispatcherWorkflow } from '../workflows/outbox';

/**
 * Starts the singleton dispatcher unless it is already running: safe to call on every start of every
 * process. A running dispatcher keeps the pollSeconds it was started with until it is restarted.
 */
export async function ensureOutboxDispatcher(
  client: Client,
  taskQueue: string,
  pollSeconds: number,
  opts: { historyLimit?: number } = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof outboxDispatcherWorkflow>> {
  return client.workflow.start<typeof outboxDispatcherWorkflow>('outboxDispatcherWorkflow', {
    workflowId: OUTBOX_WORKFLOW_ID,
    taskQueue,
    args: [{ pollSeconds, historyLimit: opts.historyLimit }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** Asks the dispatcher to look now (after enqueueing). A missing dispatcher is not an error: it polls when started. */
export async function pokeOutboxDispatcher(client: Client): Promise<void> {
  try {
    await client.workflow.getHandle(OUTBOX_WORKFLOW_ID).signal(outboxPokeSignal);
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
  }
}
