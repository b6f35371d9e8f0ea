// The Temporal worker: workflow code from workflows/index.ts, activities bound to the database.
import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createDbActivities } from '../activities/db';
import { createDiscrepancyActivities } from '../activities/discrepancy';
import { createListImportActivities } from '../activities/listImport';
import { createScreeningActivities } from '../activities/screening';
import { channelsFrom, createOutboxActivities, type NotifyConfig } from '../activities/outbox';
import { createReportingActivities } from '../activities/reporting';
import { createTaxFeedActivities } from '../activities/taxFeed';
import type { Db } from '../db/client';

const require = createRequire(import.meta.url);
export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** Where uploaded roster and hardship files are kept (shared with the API). */
  uploadDir?: string;
  /** Notification channels (webhook, SMTP); console inbox only when omitted. */
  notify?: NotifyConfig;
  /** Prebuilt bundle (tests bundle once per process); otherwise bundled from WORKFLOWS_PATH. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  options?: Partial<WorkerOptions>;
}

export const DEFAULT_UPLOAD_DIR = '.data/uploads';

const NO_NOTIFY: NotifyConfig = { NOTIFY_WEBHOOK_URL: undefined, SMTP_URL: undefined, SMTP_FROM: 'noreply@localhost', NOTIFY_EMAIL_TO: undefined };

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: {
      ...createDbActivities(deps.db),
      ...createReportingActivities(deps.db, deps.notify ? channelsFrom(deps.notify) : undefined),
      ...createOutboxActivities(deps.db, deps.notify ?? NO_NOTIFY),
      ...createTaxFeedActivities(deps.db, { uploadDir: deps.uploadDir ?? DEFAULT_UPLOAD_DIR }),
      ...createListImportActivities(deps.db, { uploadDir: deps.uploadDir ?? DEFAULT_UPLOAD_DIR }),
      ...createScreeningActivities(deps.db),
      ...createDiscrepancyActivities(deps.db, deps.notify ? channelsFrom(deps.notify) : undefined),
    },
    // Imports and screenings report progress through heartbeats, shown in the console: send them often.
    maxHeartbeatThrottleInterval: '2 seconds',
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...deps.options,
  });
}
