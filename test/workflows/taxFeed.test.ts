// The tax-feed inbox Schedule on a real Temporal dev server (the time-skipping server has no
// Schedules): created once and updated in place on every start, fired by hand, and the workflow it
// starts imports the dropped file through the real activities on PGlite and moves it to processed/.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { createTaxFeedActivities } from '../../activities/taxFeed';
import type { TaxInboxScanResult } from '../../contracts/taxFeed';
import { openDatabase, type Database } from '../../db/client';
import { campaigns, taxFeedImports, units } from '../../db/schema';
import { newCampaignRow } from '../../server/campaigns/service';
import { TAX_FEED_SCHEDULE_ID, ensureTaxFeedSchedule } from '../../server/taxFeed/schedule';
import { jiangmenPlan } from '../support/plans';
import { startDevServer, type DevServer } from '../support/devServer';
import { workflowBundle, keepHistory } from '../support/temporal';

const CAMPAIGN = 'tax-inbox-wf';
const plan = jiangmenPlan(CAMPAIGN);

let server: DevServer | undefined;
let connection: Connection | undefined;
let native: NativeConnection | undefined;
let client: Client;
let database: Database | undefined;
let dir: string | undefined;
const taskQueue = `tax-feed-${randomUUID()}`;

let bundle: ReturnType<typeof workflowBundle>;

beforeAll(async () => {
  // First: it installs the quiet SDK runtime, which must precede the native connection.
  bundle = workflowBundle();
  [server, database, dir] = await Promise.all([startDevServer({ headless: true }), openDatabase({}), mkdtemp(join(tmpdir(), 'tax-inbox-wf-'))]);
  connection = await Connection.connect({ address: server.address });
  native = await NativeConnection.connect({ address: server.address });
  client = new Client({ connection });
  await database.db.insert(campaigns).values(newCampaignRow(plan, '测试'));
  await createDbActivities(database.db).materialiseCampaign(CAMPAIGN);
});

afterAll(async () => {
  const steps: Array<() => Promise<unknown>> = [
    async () => connection?.close(),
    async () => native?.close(),
    async () => database?.close(),
    async () => dir && rm(dir, { recursive: true, force: true }),
    async () => server?.stop(),
  ];
  for (const step of steps) await step().catch((e: unknown) => console.error('[taxFeed.test] cleanup:', e));
});

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the tax-feed inbox schedule', () => {
  it('is created once, updated in place, and its triggered run imports and moves the dropped file', async () => {
    const opts = { taskQueue, dir: dir!, cron: '0 6 * * 1', timeZone: 'Asia/Shanghai' };
    expect(await ensureTaxFeedSchedule(client, { ...opts, cron: '30 7 * * 2', dir: '/nowhere' })).toEqual({ scheduleId: TAX_FEED_SCHEDULE_ID, created: true });
    // A restart with changed settings updates the Schedule; a restart with the same ones changes nothing.
    expect(await ensureTaxFeedSchedule(client, opts)).toEqual({ scheduleId: TAX_FEED_SCHEDULE_ID, created: false });
    expect(await ensureTaxFeedSchedule(client, opts)).toEqual({ scheduleId: TAX_FEED_SCHEDULE_ID, created: false });

    const schedules: string[] = [];
    for await (const s of client.schedule.list()) schedules.push(s.scheduleId);
    expect(schedules.filter((id) => id === TAX_FEED_SCHEDULE_ID)).toHaveLength(1);

    const handle = client.schedule.getHandle(TAX_FEED_SCHEDULE_ID);
    const d = await handle.describe();
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'taxFeedInboxWorkflow', taskQueue, args: [{ dir }] });
    // The cron spec as the server keeps it: Mondays at 06:00 in Shanghai (Sundays 22:00 UTC).
    const calendar = d.spec.calendars?.[0];
    expect(d.spec.calendars).toHaveLength(1);
    expect(calendar).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }], dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] });
    expect(d.info.nextActionTimes.length).toBeGreaterThan(0);
    for (const t of d.info.nextActionTimes) expect([t.getUTCDay(), t.getUTCHours(), t.getUTCMinutes()]).toEqual([0, 22, 0]);
    expect(d.state.paused).toBe(false);
    // An operator's pause survives a restart.
    await handle.pause('税务系统维护');
    await ensureTaxFeedSchedule(client, opts);
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: '税务系统维护' });
    await handle.unpause();

    const fileName = `${CAMPAIGN}__税务缴费-2031-11-06.csv`;
    await writeFile(join(dir!, fileName), '单位代码,单位名称,缴费人数,缴费金额\r\n440703,蓬江区,"1,200",216000.5\r\n');

    const worker = await Worker.create({
      connection: native!,
      taskQueue,
      workflowBundle: await bundle,
      activities: createTaxFeedActivities(database!.db),
    });
    await worker.runUntil(async () => {
      await handle.trigger();
      const workflowId = await poll('the triggered run', async () => {
        const recent = (await handle.describe()).info.recentActions;
        return recent[0]?.action.workflow.workflowId;
      });
      expect(workflowId.startsWith(`${TAX_FEED_SCHEDULE_ID}-`)).toBe(true);
      const result: TaxInboxScanResult = await client.workflow.getHandle(workflowId).result();
      await keepHistory(client, workflowId, 'tax-feed-inbox');
      expect(result).toEqual({
        imported: [{ file: fileName, campaignId: CAMPAIGN, importId: expect.stringMatching(/^[0-9a-f]{64}$/), rows: 1, asOf: '2031-11-06', unitsUpdated: 1 }],
        duplicates: [],
        failed: [],
      });
    });

    expect((await readdir(dir!)).sort()).toEqual(['failed', 'processed']);
    expect(await readdir(join(dir!, 'processed'))).toEqual([fileName]);
    const [u] = await database!.db
      .select({ taxPaid: units.taxPaid, taxAmountFen: units.taxAmountFen, taxAsOf: units.taxAsOf })
      .from(units)
      .where(and(eq(units.campaignId, CAMPAIGN), eq(units.code, '440703')));
    expect(u).toEqual({ taxPaid: 1200, taxAmountFen: 21600050, taxAsOf: '2031-11-06' });
    const [imp] = await database!.db.select().from(taxFeedImports).where(eq(taxFeedImports.campaignId, CAMPAIGN));
    expect(imp).toMatchObject({ source: 'inbox', actor: '税务数据收件箱', fileName });
  });
});
