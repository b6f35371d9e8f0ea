// Launch benchmark: how fast a province-scale campaign (100 counties x 15 towns = 1,600 unit
// workflows) is running, compared with what this machine's Temporal does for empty workflows.
//
//   npm run bench:launch               # read model on PGlite (in memory)
//   npm run bench:launch -- --postgres # read model on a throwaway PostgreSQL database
//
// One process holds the client, both workers and (by default) PGlite; Temporal is a headless,
// in-memory dev server. Steps, in order:
//   1. baseline: 1,600 empty workflows (bench/workflows.ts, own bundle, own worker and task queue)
//      started from the client and awaited, 100 at a time: starts+completions per second;
//   2. ours: the province plan, starting today so that its first phase is live, launched through the
//      campaign service: seconds until the campaign is 'running' and all 1,600 unit rows are 'active'
//      (a row turns active when its own workflow records itself), i.e. unit workflows running per second;
//   3. clean-up: cancel the campaign (and wait, bounded, for the cancellation to reach every unit),
//      stop the workers and the server, drop the PostgreSQL database.
// The goals: ours >= 0.5 of the baseline's rate, and the whole province running within 60 s.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { campaigns, units } from '../db/schema';
import { flattenBreakdown } from '../domain/plan';
import { WORKFLOW_LEVELS } from '../domain/status';
import { makeProvincePlan } from '../domain/synthetic';
import { localDateOf } from '../domain/time';
import { createCampaignService } from '../server/campaigns/service';
import { installRuntime } from '../server/runtime';
import { createWorker } from '../server/worker';
import { workflowIds } from '../contracts/campaign';
import type { emptyWorkflow } from './workflows';
import { RssPeak, cleanups, runBench, startBenchStack, log, mb, pool, processPeakRss, secondsSince, sleep } from './common';

const COUNTIES = 100;
const TOWNS_PER_COUNTY = 15;
const UNIT_WORKFLOWS = COUNTIES + COUNTIES * TOWNS_PER_COUNTY;
/** Client-side starts in flight at once for the baseline. */
const BASELINE_CONCURRENCY = 100;
const GOAL_RATIO = 0.5;
const GOAL_READY_SECONDS = 60;
/** Give up waiting for the province (and report the goal as missed) after this long. */
const READY_TIMEOUT_MS = 180_000;
/** Bounded wait for the cancellation to reach every unit before the workers stop. */
const CANCEL_TIMEOUT_MS = 90_000;
const TIME_ZONE = 'Asia/Shanghai';

interface Baseline {
  seconds: number;
  rate: number;
  peakRss: number;
}

async function runBaseline(client: Client, native: NativeConnection, rss: RssPeak): Promise<Baseline> {
  const taskQueue = `bench-empty-${randomBytes(4).toString('hex')}`;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => log(m), log() {} },
  });
  const worker = await Worker.create({ connection: native, namespace: 'default', taskQueue, workflowBundle });
  const run = worker.run();
  try {
    log(`baseline: ${UNIT_WORKFLOWS} empty workflows, ${BASELINE_CONCURRENCY} in flight`);
    rss.reset();
    const started = Date.now();
    await pool(UNIT_WORKFLOWS, BASELINE_CONCURRENCY, (i) =>
      client.workflow.execute<typeof emptyWorkflow>('emptyWorkflow', { taskQueue, workflowId: `${taskQueue}/${i}`, args: [] }),
    );
    const seconds = secondsSince(started);
    return { seconds, rate: UNIT_WORKFLOWS / seconds, peakRss: rss.reset() };
  } finally {
    worker.shutdown();
    await run;
  }
}

interface Ours {
  /** Seconds from launch until the campaign was running with every unit row active; undefined if never. */
  seconds: number | undefined;
  launchSeconds: number;
  countiesSeconds: number | undefined;
  active: number;
  peakRss: number;
}

async function runCampaign(database: Database, client: Client, native: NativeConnection, rss: RssPeak): Promise<Ours> {
  const db = database.db;
  const taskQueue = `bench-campaigns-${randomBytes(4).toString('hex')}`;
  log('campaign worker: bundling workflows/index.ts');
  const worker = await createWorker({ connection: native, namespace: 'default', taskQueue, db });
  const run = worker.run();
  cleanups.push({
    what: 'campaign worker',
    run: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
    },
  });
  const service = createCampaignService({ db, client, taskQueue, namespace: 'default', temporalUiUrl: undefined });

  // Starting today: the first phase (a 3-day deployment) is live at launch, so every unit starts now.
  const id = `bench-${Date.now().toString(36)}`;
  const plan = makeProvincePlan({ counties: COUNTIES, townsPerCounty: TOWNS_PER_COUNTY, startDate: localDateOf(Date.now(), TIME_ZONE), id });
  const workflowUnits = flattenBreakdown(plan).filter((n) => WORKFLOW_LEVELS.includes(n.level)).length;
  if (workflowUnits !== UNIT_WORKFLOWS) throw new Error(`plan has ${workflowUnits} unit workflows, expected ${UNIT_WORKFLOWS}`);

  log(`launching ${id}: ${COUNTIES} counties x ${TOWNS_PER_COUNTY} towns = ${UNIT_WORKFLOWS} unit workflows`);
  rss.reset();
  const started = Date.now();
  await service.launch(plan as unknown as Record<string, unknown>, '省人社厅');
  const launchSeconds = secondsSince(started);

  const progress = async () => {
    const [c] = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, id));
    const [u] = await db
      .select({
        active: sql<number>`count(*) filter (where ${units.status} = 'active' and ${units.workflowId} is not null)::int`,
        counties: sql<number>`count(*) filter (where ${units.status} = 'active' and ${units.level} = 'county')::int`,
        cancelled: sql<number>`count(*) filter (where ${units.status} = 'cancelled')::int`,
      })
      .from(units)
      .where(eq(units.campaignId, id));
    return { status: c?.status, active: u?.active ?? 0, counties: u?.counties ?? 0, cancelled: u?.cancelled ?? 0 };
  };

  let seconds: number | undefined;
  let countiesSeconds: number | undefined;
  let active = 0;
  let lastReport = Date.now();
  while (Date.now() - started < READY_TIMEOUT_MS) {
    const p = await progress();
    active = p.active;
    if (countiesSeconds === undefined && p.counties === COUNTIES) countiesSeconds = secondsSince(started);
    if (p.status === 'running' && p.active === UNIT_WORKFLOWS) {
      seconds = secondsSince(started);
      break;
    }
    if (Date.now() - lastReport >= 5000) {
      lastReport = Date.now();
      log(`  ${secondsSince(started).toFixed(0)} s: campaign ${p.status}, ${p.active}/${UNIT_WORKFLOWS} units active`);
    }
    await sleep(100);
  }
  const peakRss = rss.reset();
  const running = await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`).catch(() => undefined);
  if (running) log(`visibility: ${running.count} running workflows on the campaign task queue (campaign + units)`);

  // Clean-up proper: cancel, and let the end reach every unit before the worker stops.
  log('cancelling the campaign');
  const cancelStarted = Date.now();
  await service.cancel(id, { actor: '基准测试', reason: '基准测试结束' });
  await client.workflow.getHandle(workflowIds.campaign(id)).result();
  while (Date.now() - cancelStarted < CANCEL_TIMEOUT_MS && (await progress()).cancelled < UNIT_WORKFLOWS) await sleep(500);
  const { cancelled } = await progress();
  log(`cancellation reached ${cancelled}/${UNIT_WORKFLOWS} units in ${secondsSince(cancelStarted).toFixed(1)} s`);

  return { seconds, launchSeconds, countiesSeconds, active, peakRss };
}

async function main(argv: string[]): Promise<void> {
  const usePostgres = argv.includes('--postgres');
  const unknown = argv.filter((a) => a !== '--postgres');
  if (unknown.length) {
    process.stderr.write(`usage: tsx bench/launch.ts [--postgres]  (unknown: ${unknown.join(' ')})\n`);
    process.exit(2);
  }
  installRuntime('warn');
  const rss = new RssPeak();
  cleanups.push({ what: 'rss sampler', run: async () => rss.stop() });
  const benchStarted = Date.now();

  const { server, database, dbLabel, client, native } = await startBenchStack(usePostgres);

  const baseline = await runBaseline(client, native, rss);
  log(`baseline: ${baseline.seconds.toFixed(1)} s, ${baseline.rate.toFixed(1)}/s`);
  const ours = await runCampaign(database, client, native, rss);
  const serverPeak = processPeakRss(server.pid);

  const ourRate = ours.seconds === undefined ? ours.active / (READY_TIMEOUT_MS / 1000) : UNIT_WORKFLOWS / ours.seconds;
  const ratio = ourRate / baseline.rate;
  const ratioMet = ratio >= GOAL_RATIO;
  const readyMet = ours.seconds !== undefined && ours.seconds <= GOAL_READY_SECONDS;
  const lines = [
    '',
    `Launch benchmark: ${COUNTIES} counties x ${TOWNS_PER_COUNTY} towns = ${UNIT_WORKFLOWS} unit workflows; read model on ${dbLabel}`,
    `  launch call returned            ${ours.launchSeconds.toFixed(2)} s`,
    `  all ${COUNTIES} counties active         ${ours.countiesSeconds === undefined ? 'not reached' : `${ours.countiesSeconds.toFixed(1)} s`}`,
    `  whole province running          ${ours.seconds === undefined ? `not within ${READY_TIMEOUT_MS / 1000} s (${ours.active}/${UNIT_WORKFLOWS} active)` : `${ours.seconds.toFixed(1)} s`}`,
    `  unit workflows started          ${ourRate.toFixed(1)} /s`,
    `  baseline (empty workflows)      ${baseline.rate.toFixed(1)} /s started+completed (${UNIT_WORKFLOWS} in ${baseline.seconds.toFixed(1)} s, ${BASELINE_CONCURRENCY} in flight)`,
    `  ratio ours / baseline           ${ratio.toFixed(2)}`,
    `  peak RSS, worker process        ${mb(ours.peakRss)} during the launch, ${mb(baseline.peakRss)} during the baseline, ${mb(rss.overall)} overall`,
    ...(serverPeak ? [`  peak RSS, Temporal dev server   ${mb(serverPeak)}`] : []),
    `Goals`,
    `  rate >= ${GOAL_RATIO} x baseline           ${ratioMet ? 'MET' : 'NOT MET'} (${ratio.toFixed(2)})`,
    `  province running within ${GOAL_READY_SECONDS} s   ${readyMet ? 'MET' : 'NOT MET'} (${ours.seconds === undefined ? 'not reached' : `${ours.seconds.toFixed(1)} s`})`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  log(`done in ${secondsSince(benchStarted).toFixed(0)} s (cleaning up)`);
}

await runBench(main);
