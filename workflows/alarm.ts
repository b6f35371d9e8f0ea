// Waiting for an instant or an event without ever cancelling a timer. The time-skipping test server
// refuses a workflow task that cancels a timer which fired while the task was with the worker
// ("invalid history builder state for action", temporalio/sdk-java#3088) and strands the run, and
// `condition(fn, timeout)` cancels its timer whenever `fn` wins. A timer left running costs nothing:
// when it fires after it stopped mattering, the loop just looks again.
import { condition, sleep } from '@temporalio/workflow';

export class Alarm {
  private pending: { at: number; rang: boolean } | null = null;

  /** Resolves at `at` (undefined: never) or as soon as `wake()` holds, whichever is first. */
  async wait(at: number | undefined, wake: () => boolean): Promise<void> {
    if (at === undefined) return condition(wake);
    const delay = at - Date.now();
    if (delay <= 0) return;
    if (!this.pending || this.pending.at !== at || this.pending.rang) {
      const timer = { at, rang: false };
      this.pending = timer;
      void sleep(delay).then(() => {
        timer.rang = true;
      });
    }
    const timer = this.pending;
    await condition(() => timer.rang || wake());
  }
}
