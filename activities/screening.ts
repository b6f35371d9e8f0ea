// The screening run's activities: each a call into services/hardship/screening.ts. The activity's part
// is the worker's: the heartbeat (the last person committed, which a retry resumes after), the
// cancellation signal, and what the service refuses (nothing to screen, a run that is not there) made
// non-retryable by its type.
import type { Db } from '../db/client';
import type { ScreeningHeartbeat, ScreeningInput, ScreeningResult } from '../contracts/hardship';
import * as screening from '../services/hardship/screening';
import { activityContext, serviceCall } from './context';

export function createScreeningActivities(db: Db, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  return {
    /** Creates the run (idempotent on its id; the API has usually made it already). */
    beginScreening: (input: ScreeningInput): Promise<{ total: number }> => serviceCall(() => screening.beginScreening(db, input, now)),
    /** The heavy step: every person of the run matched and judged, committed in chunks, each heartbeated. */
    screenPeople: (input: { runId: string }): Promise<{ screened: number }> => {
      const ctx = activityContext();
      return serviceCall(() =>
        screening.screenPeople(db, input, {
          resume: ctx?.info.heartbeatDetails as ScreeningHeartbeat | undefined,
          progress: (p) => ctx?.heartbeat(p),
          signal: ctx?.cancellationSignal,
        }),
      );
    },
    /** Changes against the previous run, counts, per-unit summaries; marks the run completed. */
    finishScreening: (input: { runId: string }): Promise<ScreeningResult> => serviceCall(() => screening.finishScreening(db, input, now)),
    /** A run whose workflow failed for good: shown as failed, never as a half-written result. */
    failScreening: (input: { runId: string; message: string }): Promise<void> => serviceCall(() => screening.failScreening(db, input, now)),
  };
}

export type ScreeningActivities = ReturnType<typeof createScreeningActivities>;
