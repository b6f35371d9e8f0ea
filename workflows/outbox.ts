// The outbox dispatcher: one long-lived workflow per namespace that delivers pending notifications,
// then waits until the next row is due, the poll interval ends, or someone pokes it after enqueueing.
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { OutboxActivities } from '../activities/outbox';
import { outboxPokeSignal, type OutboxDispatcherInput } from '../contracts/outbox';

const { dispatchOutbox } = proxyActivities<OutboxActivities>({
  startToCloseTimeout: '2 minutes',
  // Between rows the activity heartbeats; a crashed worker is noticed in 30 s, its leased rows in 5 min.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** A run that moved nothing waits at least this long, so a clock skew cannot make it spin. */
const IDLE_MIN_MS = 1_000;

export async function outboxDispatcherWorkflow(input: OutboxDispatcherInput): Promise<void> {
  let poked = false;
  setHandler(outboxPokeSignal, () => {
    poked = true;
  });
  const pollMs = Math.max(1, input.pollSeconds) * 1000;

  for (;;) {
    // A poke that arrives while the activity runs is kept and ends the next wait at once.
    poked = false;
    const run = await dispatchOutbox({});

    const info = workflowInfo();
    if (input.historyLimit ? info.historyLength >= input.historyLimit : info.continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof outboxDispatcherWorkflow>(input);
    }

    const idle = run.delivered + run.failed === 0;
    let waitMs = run.nextAttemptAt === null ? pollMs : Math.min(pollMs, run.nextAttemptAt - Date.now());
    if (idle) waitMs = Math.max(waitMs, IDLE_MIN_MS);
    if (waitMs > 0) await condition(() => poked, waitMs);
  }
}
