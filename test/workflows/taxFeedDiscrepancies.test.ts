// A per-person payment delivery picked up from the tax inbox starts the campaign's 核查差异 workflow, as
// an uploaded one does through the API: the pickup workflow, the list import and the discrepancy watch
// run on the Temporal time-skipping server with the real worker and activities on PGlite. A campaign
// whose plan has no verification block gets no watch (nothing can open there).
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCREPANCY_WORKFLOW, discrepancyWorkflowId } from '../../contracts/discrepancy';
import type { TaxInboxScanResult } from '../../contracts/taxFeed';
import { openDatabase, type Database } from '../../db/client';
import type { Plan } from '../../domain/plan';
import { createWorker } from '../../server/worker';
import { csvOf, P } from '../support/hardshipData';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { keepHistory, timeSkippingEnv, workflowBundle } from '../support/temporal';

const FEED_HEADER = ['身份证号', '姓名', '缴费年度', '档次', '金额', '缴费日期', '渠道', '状态', '参保地'];
const WATCHED = 'inbox-watch-verified';
const UNWATCHED = 'inbox-watch-plain';
// Jiangmen's plan has a verification block (核查验收 with a 2% tolerance); the plain one has it removed.
const watchedPlan: Plan = jiangmenPlan(WATCHED, '2026-09-28');
const plainPlan: Plan = { ...jiangmenPlan(UNWATCHED, '2026-09-28'), verification: undefined };

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let workerDone: Promise<void>;
let uploadDir: string;
let inbox: string;
let taskQueue: string;

beforeAll(async () => {
  env = await timeSkippingEnv();
  database = await openDatabase({});
  [uploadDir, inbox] = await Promise.all([mkdtemp(join(tmpdir(), 'inbox-watch-up-')), mkdtemp(join(tmpdir(), 'inbox-watch-in-'))]);
  await seedCampaign(database.db, watchedPlan);
  await seedCampaign(database.db, plainPlan);
  expect(watchedPlan.verification).toBeDefined();
  taskQueue = `inbox-watch-${Date.now()}`;
  worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, uploadDir, workflowBundle: await workflowBundle() });
  workerDone = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await workerDone;
  await database?.close();
  await env?.teardown();
  for (const d of [uploadDir, inbox]) if (d) await rm(d, { recursive: true, force: true });
});

describe('a payment delivery from the tax inbox', () => {
  it('is imported and starts the campaign’s discrepancy workflow (signal-with-start); a plan without 核查验收 gets none', async () => {
    const rows = [
      [P.A.id, P.A.name, '2026', '180', '', '2026-10-10', '手机', '扣费成功', ''],
      [P.B.id, P.B.name, '2026', '240', '', '2026-10-11', '银行批扣', '扣费失败', ''],
    ];
    const files = [`${WATCHED}__payments__逐人缴费明细-2026-11-26.csv`, `${UNWATCHED}__payments__逐人缴费明细-2026-11-26.csv`];
    for (const f of files) await writeFile(join(inbox, f), csvOf(FEED_HEADER, rows));

    const workflowId = `inbox-watch-${Date.now()}`;
    const result = (await env.client.workflow.execute('taxFeedInboxWorkflow', { taskQueue, workflowId, args: [{ dir: inbox }] })) as TaxInboxScanResult;
    await keepHistory(env.client, workflowId, 'tax-feed-inbox-payments');
    expect(result.payments?.map((p) => [p.campaignId, p.status])).toEqual([
      [UNWATCHED, 'stored'],
      [WATCHED, 'stored'],
    ]);
    expect((await readdir(join(inbox, 'processed'))).sort()).toEqual([...files].sort());

    const watch = env.client.workflow.getHandle(discrepancyWorkflowId(WATCHED));
    const described = await watch.describe();
    expect(described.type).toBe(DISCREPANCY_WORKFLOW);
    expect(described.taskQueue).toBe(taskQueue);
    const history = await watch.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'discrepanciesChanged')).toBe(true);

    await expect(env.client.workflow.getHandle(discrepancyWorkflowId(UNWATCHED)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});
