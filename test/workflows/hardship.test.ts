// Import and screening workflows on the time-skipping server with real activities on PGlite: a worker
// shut down in the middle of a roster import (after a checkpoint was heartbeated) is replaced, the retry
// resumes, and the campaign ends with exactly the stored rows and screening results of an uninterrupted
// run of the same files on another campaign; and imports the database refuses for good end failed,
// with their reason and without their file.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { openDatabase, type Database } from '../../db/client';
import { campaigns, hardshipRows, listImports, rosterRows, screeningResults, screeningRuns } from '../../db/schema';
import { flattenBreakdown } from '../../domain/plan';
import { newCampaignRow } from '../../server/campaigns/service';
import { prepareImport, storeUpload } from '../../services/hardship/uploads';
import { createWorker } from '../../server/worker';
import { LIST_IMPORT_WORKFLOW, hardshipWorkflowIds, type ListImportWorkflowResult } from '../../contracts/hardship';
import type { listImportWorkflow } from '../../workflows/hardship';
import { jiangmenPlan } from '../support/plans';
import { csvOf, idOf, LIST_HEADER, ROSTER_HEADER } from '../support/hardshipData';
import { keepHistory, timeSkippingEnv, workflowBundle } from '../support/temporal';

const planFor = (id: string) => jiangmenPlan(id);

const ROSTER_ROWS = 30_000;
const LISTED = 7_000;
const STATUSES = ['已参保', '已参保', '已参保', '未参保', '死亡'];
const TIERS = ['', '180', '240', '360', '600'];

/** A roster of 30,000 on the plan's villages and a list of 7,000 of them (more than one screening batch). */
function dataset(villages: string[]) {
  const counties = ['440703', '440704', '440705', '440781'];
  const people = Array.from({ length: ROSTER_ROWS }, (_, i) => {
    const day = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 1000) * 86_400_000 * 97).toISOString().slice(0, 10).replace(/-/g, '');
    return { id: idOf(counties[i % 4], day, i % 1000), name: `居民${i}` };
  });
  const roster = people.map((p, i) => [p.id, p.name, villages[i % villages.length], STATUSES[i % 5], TIERS[i % 5], '180', '', i % 11 === 0 ? '是' : '否']);
  const list = people.filter((_, i) => i % 4 === 1).slice(0, LISTED).map((p) => [p.id, p.name]);
  return { roster: csvOf(ROSTER_HEADER, roster), list: csvOf(LIST_HEADER, list) };
}

describe('hardship workflows', () => {
  let env: TestWorkflowEnvironment;
  let database: Database;
  let uploadDir: string;
  const taskQueue = `hardship-${randomUUID()}`;
  let data: ReturnType<typeof dataset>;

  const newWorker = async (): Promise<Worker> =>
    createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      db: database.db,
      uploadDir,
      workflowBundle: await workflowBundle(),
      options: { maxCachedWorkflows: 0, shutdownGraceTime: '100ms', maxHeartbeatThrottleInterval: '100ms' },
    });

  beforeAll(async () => {
    env = await timeSkippingEnv();
    database = await openDatabase({});
    uploadDir = await mkdtemp(join(tmpdir(), 'hardship-wf-'));
    const villages = flattenBreakdown(planFor('villages')).filter((u) => u.level === 'village').map((u) => u.code);
    data = dataset(villages);
    for (const id of ['hardship-wf-clean', 'hardship-wf-killed']) {
      await database.db.insert(campaigns).values(newCampaignRow(planFor(id), '测试'));
      await createDbActivities(database.db).materialiseCampaign(id);
    }
  }, 180_000);
  afterAll(async () => {
    await env?.teardown();
    await database?.close();
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  /** Uploads both files for a campaign; the list first (stored), then the roster import with screenAfter. */
  async function prepare(campaignId: string) {
    const store = { uploadDir };
    const listUpload = await storeUpload(database.db, store, { campaignId, list: 'hardship', fileName: '低保.csv', source: Readable.from([Buffer.from(data.list)]) });
    const list = await prepareImport(database.db, store, campaignId, { uploadId: listUpload.uploadId, list: 'hardship', category: 'dibao', department: '民政局', listDate: '2031-09-01', screenAfter: false, actor: '测试员' });
    const rosterUpload = await storeUpload(database.db, store, { campaignId, list: 'roster', fileName: '花名册.csv', source: Readable.from([Buffer.from(data.roster)]) });
    const roster = await prepareImport(database.db, store, campaignId, { uploadId: rosterUpload.uploadId, list: 'roster', screenAfter: true, actor: '测试员' });
    return { list, roster };
  }
  const start = (p: { importId: string; workflowId: string; screenAfter: boolean }, campaignId: string) =>
    env.client.workflow.start<typeof listImportWorkflow>(LIST_IMPORT_WORKFLOW, { workflowId: p.workflowId, taskQueue, args: [{ importId: p.importId, campaignId, screenAfter: p.screenAfter, actor: '测试员' }] });

  async function outcomes(campaignId: string) {
    const [run] = await database.db.select().from(screeningRuns).where(eq(screeningRuns.campaignId, campaignId));
    const rows = await database.db
      .select({ id: screeningResults.idNumber, outcome: screeningResults.outcome, reason: screeningResults.reason, gov: screeningResults.govPaidFen, village: screeningResults.villageCode })
      .from(screeningResults)
      .where(eq(screeningResults.runId, run.id))
      .orderBy(asc(screeningResults.idNumber));
    return { run, rows };
  }

  it('a roster import interrupted by a worker shutdown resumes and ends with the same stored rows and screening results', async () => {
    // The reference: one worker, no interruption.
    const clean = await prepare('hardship-wf-clean');
    let worker = await newWorker();
    await worker.runUntil(async () => {
      // The list must be stored before the roster's screening reads it (under load a failure here says so, not the screening's 尚未导入).
      expect(await (await start(clean.list, 'hardship-wf-clean')).result()).toMatchObject({ status: 'stored' });
      const r = (await (await start(clean.roster, 'hardship-wf-clean')).result()) as ListImportWorkflowResult;
      expect(r).toMatchObject({ status: 'stored', rowsStored: ROSTER_ROWS });
      expect(r.screening?.counts.listed).toBe(LISTED);
    });

    // The same files on another campaign; the worker goes away once a checkpoint has been heartbeated.
    const killed = await prepare('hardship-wf-killed');
    worker = await newWorker();
    // The time-skipping server does not list pending activities, so the first committed chunk is seen in the database.
    let committed = 0;
    await worker.runUntil(async () => {
      expect(await (await start(killed.list, 'hardship-wf-killed')).result()).toMatchObject({ status: 'stored' });
      await start(killed.roster, 'hardship-wf-killed');
      for (let i = 0; i < 1200 && committed === 0; i++) {
        const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(rosterRows).where(eq(rosterRows.importId, killed.roster.importId));
        if (n > 0) committed = n;
        else await new Promise((r) => setTimeout(r, 25));
      }
      // The worker shuts down now: after its 100 ms grace the activity is cancelled mid-file.
    });
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(ROSTER_ROWS);
    const [{ beforeRetry }] = await database.db.select({ beforeRetry: sql<number>`count(*)::int` }).from(rosterRows).where(eq(rosterRows.importId, killed.roster.importId));
    expect(beforeRetry).toBeLessThan(ROSTER_ROWS);

    const replacement = await newWorker();
    const result = (await replacement.runUntil(env.client.workflow.getHandle(killed.roster.workflowId).result())) as ListImportWorkflowResult;
    expect(result).toMatchObject({ status: 'stored', rowsTotal: ROSTER_ROWS, rowsStored: ROSTER_ROWS, errorCount: 0 });

    const history = await env.client.workflow.getHandle(killed.roster.workflowId).fetchHistory();
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 0);
    expect(Math.max(...attempts)).toBeGreaterThan(1);

    // Every line stored once, and the same screening as the uninterrupted run.
    const [{ n, lines }] = await database.db
      .select({ n: sql<number>`count(*)::int`, lines: sql<number>`count(distinct ${rosterRows.line})::int` })
      .from(rosterRows)
      .where(eq(rosterRows.importId, killed.roster.importId));
    expect([n, lines]).toEqual([ROSTER_ROWS, ROSTER_ROWS]);
    const a = await outcomes('hardship-wf-clean');
    const b = await outcomes('hardship-wf-killed');
    expect(b.run.counts).toEqual(a.run.counts);
    expect(b.rows).toEqual(a.rows);
    expect(a.rows).toHaveLength(LISTED);
    await keepHistory(env.client, killed.roster.workflowId, 'hardship-import-resumed');
    await keepHistory(env.client, hardshipWorkflowIds.screening(`${killed.roster.importId}.s`), 'hardship-screening');
  }, 600_000);

  it('an import that fails for good ends failed, with a reason the console shows, and its file deleted: at once when the data causes it, after every attempt otherwise', async () => {
    const campaignId = 'hardship-wf-failing';
    await database.db.insert(campaigns).values(newCampaignRow(planFor(campaignId), '测试'));
    await createDbActivities(database.db).materialiseCampaign(campaignId);
    const store = { uploadDir };
    const people = [[idOf('440703', '19800101', 1), '居民甲'], [idOf('440703', '19800101', 2), '居民乙']];
    const prepareList = async (department: string, rows: string[][]) => {
      const up = await storeUpload(database.db, store, { campaignId, list: 'hardship', fileName: `${department}.csv`, source: Readable.from([Buffer.from(csvOf(LIST_HEADER, rows))]) });
      const p = await prepareImport(database.db, store, campaignId, { uploadId: up.uploadId, list: 'hardship', category: 'dibao', department, listDate: '2031-09-01', screenAfter: true, actor: '测试员' });
      return { ...p, uploadId: up.uploadId };
    };
    const refused = await prepareList('数据库拒绝', people);
    const broken = await prepareList('数据库故障', [...people, [idOf('440703', '19800101', 3), '居民丙']]);
    // The database refuses these imports' rows: 22023 (a data exception, as a NUL was) and P0001 (anything else, every time).
    await database.db.execute(sql.raw(`create function refuse_wf_rows() returns trigger language plpgsql as $$
      begin
        if new.import_id = '${refused.importId}' then raise exception 'refused for the test' using errcode = '22023'; end if;
        if new.import_id = '${broken.importId}' then raise exception 'down for the test' using errcode = 'P0001'; end if;
        return new;
      end $$`));
    await database.db.execute(sql`create trigger refuse_wf_rows before insert on hardship_rows for each row execute function refuse_wf_rows()`);
    const worker = await newWorker();
    // One after the other: on the time-skipping server, the second import's retry backoffs (skipped
    // ahead, about 15 minutes of them) would time out the first one's workflow tasks while it runs.
    const outcome = await worker.runUntil(async () => {
      const failed = async (p: typeof refused) => (await start(p, campaignId)).result().then(() => null, (e: unknown) => e);
      return [await failed(refused), await failed(broken)];
    });
    await database.db.execute(sql`drop trigger refuse_wf_rows on hardship_rows`);
    for (const failure of outcome) expect(failure).toBeInstanceOf(WorkflowFailedError);

    const attemptsOf = async (workflowId: string) => {
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType?.name);
      const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
      return { scheduled, attempts };
    };
    // The data error is not retried; the other is, until the attempts run out.
    expect(await attemptsOf(refused.workflowId)).toEqual({ scheduled: ['importList', 'failImport'], attempts: [1, 1] });
    expect(await attemptsOf(broken.workflowId)).toEqual({ scheduled: ['importList', 'failImport'], attempts: [20, 1] });

    const rows = await database.db.select().from(listImports).where(eq(listImports.campaignId, campaignId));
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by[refused.importId]).toMatchObject({
      status: 'failed',
      rowsStored: 0,
      message: '数据库拒绝.csv：导入未能完成（文件中有数据库无法保存的内容（错误代码 22023）；请检查文件，用 Excel 打开后另存再上传）。整个文件未导入，现有名单未受影响；上传的文件已从服务器删除，请检查后重新上传',
    });
    expect(by[broken.importId]).toMatchObject({ status: 'failed', rowsStored: 0 });
    expect(by[broken.importId].message).toMatch(/^数据库故障\.csv：导入未能完成（多次重试后仍然失败，最后一次的错误：down for the test）。/);
    for (const r of [refused, broken]) expect(existsSync(join(uploadDir, r.uploadId))).toBe(false);
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(hardshipRows).where(inArray(hardshipRows.importId, [refused.importId, broken.importId]));
    expect(n).toBe(0);
    await keepHistory(env.client, broken.workflowId, 'hardship-import-failed');
  }, 300_000);
});
