// A mutex for workflow code, as Temporal's safe-message-handlers sample uses (there with async-mutex):
// Update handlers and the timer loop of one workflow run interleave at every `await` of an activity,
// so every state change that awaits one runs under the lock, one after another in arrival order.
// Plain promises only: no timers, no commands, deterministic on replay.
export class WorkflowLock {
  private tail: Promise<void> = Promise.resolve();
  private held = false;

  /** Whether a holder is inside (for tests and logs). */
  get locked(): boolean {
    return this.held;
  }

  /** Runs `fn` alone: after every earlier caller's `fn` has settled, before any later one starts. */
  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.held = true;
    try {
      return await fn();
    } finally {
      this.held = false;
      release();
    }
  }
}

/** What a workflow uses when it must not serialise (runs started before the lock, replayed as they ran). */
export const NO_LOCK: Pick<WorkflowLock, 'runExclusive'> = { runExclusive: (fn) => fn() };
