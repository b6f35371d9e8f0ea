// The list import's activities: each a call into services/hardship/listImport.ts. The activity's part is
// the worker's: the heartbeat (progress the console shows, and the checkpoint a retry resumes from), the
// cancellation signal, and what the service refuses (an import that is not there, already failed, or
// data the database refuses) made non-retryable by its type.
import type { Db } from '../db/client';
import type { ImportHeartbeat, ImportListInput, ImportListResult } from '../contracts/hardship';
import * as listImport from '../services/hardship/listImport';
import { activityContext, serviceCall } from './context';

export function createListImportActivities(db: Db, opts: { uploadDir: string; now?: () => number }) {
  return {
    /**
     * Reads, validates and stores one uploaded file as the next version of its list, or refuses it
     * whole. Idempotent: an import already stored or refused returns its result. A retry resumes from
     * the last heartbeat's checkpoint.
     */
    importList: (input: ImportListInput): Promise<ImportListResult> => {
      const ctx = activityContext();
      return serviceCall(() =>
        listImport.importList(db, input, {
          ...opts,
          resume: ctx?.info.heartbeatDetails as ImportHeartbeat | undefined,
          progress: (p) => ctx?.heartbeat(p),
          signal: ctx?.cancellationSignal,
        }),
      );
    },
    /** The end of an import the workflow gave up on: marked failed with the reason, its file deleted. Idempotent. */
    failImport: (input: { importId: string; reason: string }): Promise<void> => serviceCall(() => listImport.failImport(db, opts, input)),
    /** Links the screening run an import started (for the console's import view). */
    linkScreeningRun: (input: { importId: string; runId: string }): Promise<void> => serviceCall(() => listImport.linkScreeningRun(db, input)),
  };
}

export type ListImportActivities = ReturnType<typeof createListImportActivities>;
