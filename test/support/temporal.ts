// Temporal for tests: the Java time-skipping server through the toolchain's wrapper, the workflow
// bundle built once per test process, and a worker + campaign service on a fresh database.
import type { WorkerOptions } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { createCampaignService, type CampaignService } from '../../server/campaigns/service';
import { installRuntime } from '../../server/runtime';
import { WORKFLOWS_PATH, createWorker } from '../../server/worker';
import { createReportingService, type ReportingService } from '../../server/reporting/service';
import { toolchain } from './toolchain';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  installRuntime('warn');
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
  return bundle;
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installRuntime('warn');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolchain().testServer } },
  });
}

export interface Harness {
  database: Database;
  worker: Worker;
  campaigns: CampaignService;
  reporting: ReportingService;
  taskQueue: string;
  client: Client;
}

/** A worker on a unique task queue and a campaign service, both on a fresh database (PGlite by default). */
export async function harness(
  env: { client: Client; nativeConnection: TestWorkflowEnvironment['nativeConnection']; namespace?: string },
  opts: { databaseUrl?: string; historyLimit?: number; now?: () => number; workerOptions?: Partial<WorkerOptions>; uploadDir?: string } = {},
): Promise<Harness> {
  const database = await openDatabase({ url: opts.databaseUrl });
  const taskQueue = `test-${randomUUID()}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db: database.db,
    uploadDir: opts.uploadDir,
    workflowBundle: await workflowBundle(),
    options: opts.workerOptions,
  });
  const campaigns = createCampaignService({
    db: database.db,
    client: env.client,
    taskQueue,
    namespace: env.namespace ?? 'default',
    temporalUiUrl: undefined,
    historyLimit: opts.historyLimit,
    now: opts.now,
  });
  const reporting = createReportingService({ db: database.db, client: env.client, now: opts.now });
  return { database, worker, campaigns, reporting, taskQueue, client: env.client };
}

/** Keeps a workflow's history under test-artifacts/histories for `npm run record-histories`. */
export async function keepHistory(client: Client, workflowId: string, name: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync('test-artifacts/histories', { recursive: true });
  // Binary protobuf: exact, and free of the JSON converter's dependence on one protobufjs copy.
  writeFileSync(`test-artifacts/histories/${name}.binpb`, temporal.api.history.v1.History.encode(history).finish());
}

/**
 * A test file's time-skipping server and harness (no sticky cache: a task left on a stopped worker's
 * sticky queue would keep the server from skipping again), torn down after the file; `sleepUntil`
 * moves the server's clock to an instant (nothing if it is already past).
 */
export function timeSkippingSuite(): { readonly env: TestWorkflowEnvironment; readonly h: Harness; sleepUntil(instant: string): Promise<void> } {
  let env: TestWorkflowEnvironment | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, { workerOptions: { maxCachedWorkflows: 0 } });
  });
  afterAll(async () => {
    await h?.database.close();
    await env?.teardown();
  });
  const ready = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error('the time-skipping suite is used before its beforeAll ran');
    return x;
  };
  return {
    get env() {
      return ready(env);
    },
    get h() {
      return ready(h);
    },
    async sleepUntil(instant: string) {
      const e = ready(env);
      const ms = Date.parse(instant) - (await e.currentTimeMs());
      if (ms > 0) await e.sleep(ms);
    },
  };
}

/** A Beijing wall time as an ISO instant: `bj('2031-11-10', '18:00')` is 2031-11-10T10:00:00.000Z. */
export const bj = (date: string, hhmm: string) => new Date(Date.parse(`${date}T${hhmm}:00+08:00`)).toISOString();
