// Reports benchmark: every town of the province-scale plan (100 counties x 15 towns) submits its
// report within one minute on the dev server, through the same path as the console and the API
// (reporting service -> `submitReport` Update on the town's workflow -> read model and roll-ups).
//
//   npm run bench:reports               # read model on PGlite (in memory)
//   npm run bench:reports -- --postgres # read model on a throwaway PostgreSQL database
//
// One process holds the client, the worker and (by default) PGlite; Temporal is a headless,
// in-memory dev server. Steps, in order:
//   1. launch the province plan starting today, with only towns reporting, daily, from tomorrow (so
//      the first period, seq 1, is open now); wait until all 1,600 unit rows are 'active' and all
//      1,500 towns have their report_periods rows (then the unit workflows accept reports);
//   2. submit one report per town for its first period, paced by a token bucket (30/s, at most 64
//      in flight) so all 1,500 are issued within 60 s, recording each Update round trip;
//   3. measure how long from the first submission until the read model is complete: 1,500 report
//      rows, every county's paid = the sum of its towns' reports, the city total = the sum of all;
//   4. clean-up: cancel the campaign (bounded wait until every unit has it), stop the worker and the
//      server, drop the PostgreSQL database.
// The goals: >= 20 reports per second, p99 round trip < 1 s, every town reported within 60 s.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { and, asc, eq, min, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database, Db } from '../db/client';
import { campaigns, reportPeriods, reports, units } from '../db/schema';
import { flattenBreakdown } from '../domain/plan';
import { WORKFLOW_LEVELS } from '../domain/status';
import { makeProvincePlan } from '../domain/synthetic';
import { addDaysLocal, localDateOf } from '../domain/time';
import { createCampaignService } from '../server/campaigns/service';
import { toProblem } from '../server/errors';
import { createReportingService } from '../server/reporting/service';
import { installRuntime } from '../server/runtime';
import { createWorker } from '../server/worker';
import { workflowIds } from '../contracts/campaign';
import { RssPeak, cleanups, runBench, startBenchStack, log, mb, processPeakRss, secondsSince, sleep } from './common';

const COUNTIES = 100;
const TOWNS_PER_COUNTY = 15;
const TOWNS = COUNTIES * TOWNS_PER_COUNTY;
const UNIT_WORKFLOWS = COUNTIES + TOWNS;
/** Submission pacing: a token bucket refilled at this rate (bucket of one: evenly spaced)... */
const RATE_PER_SECOND = 30;
/** ...with at most this many Updates in flight. */
const MAX_IN_FLIGHT = 64;
const GOAL_RATE = 20;
const GOAL_P99_MS = 1000;
const GOAL_ALL_REPORTED_SECONDS = 60;
/** Give up waiting for the province to be ready (all units active, all towns scheduled). */
const READY_TIMEOUT_MS = 300_000;
/** Give up waiting for the read model after this long past the last round trip. */
const READ_MODEL_TIMEOUT_MS = 120_000;
/** A submission without an answer after this long counts as failed (the Update itself is not withdrawn). */
const SUBMIT_TIMEOUT_MS = 30_000;
/** Stop issuing new submissions this long after the first one (when the answers do not come back). */
const ISSUE_CUTOFF_MS = 120_000;
/** Bounded wait for the cancellation to reach every unit before the worker stops. */
const CANCEL_TIMEOUT_MS = 90_000;
const TIME_ZONE = 'Asia/Shanghai';
const ACTOR = '基准测试';

/** Where this process's memory is: RSS, V8 heap, and memory outside it (PGlite's WASM memory, buffers, the SDK core). */
const memory = () => {
  const m = process.memoryUsage();
  return `rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, external ${mb(m.external)} (array buffers ${mb(m.arrayBuffers)})`;
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');

// RssPeak, processPeakRss and createBenchDatabase are small copies of bench/launch.ts's (not exported:
// importing that file would run its benchmark).

/** p, or a rejection with `message` after ms (then onTimeout is called; p is left to settle on its own). */
async function deadline<T>(p: Promise<T>, ms: number, message: string, onTimeout: () => void = () => {}): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(() => {
        reject(new Error(message));
        onTimeout();
      }, ms)),
  );
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves to true when p settles within ms, false otherwise (p keeps running). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function errorText(e: unknown): string {
  const problem = toProblem(e);
  const raw = e instanceof Error ? `${e.name}: ${e.message}${e.cause instanceof Error ? ` (cause: ${e.cause.message})` : ''}` : String(e);
  return problem.status === 500 ? raw : `${problem.status} ${problem.detail ?? problem.title} [${raw}]`;
}

// ---- read-model probes ----

async function readiness(db: Db, id: string) {
  const [c] = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, id));
  const [u] = await db
    .select({
      active: sql<number>`count(*) filter (where ${units.status} = 'active' and ${units.workflowId} is not null)::int`,
      cancelled: sql<number>`count(*) filter (where ${units.status} = 'cancelled')::int`,
    })
    .from(units)
    .where(eq(units.campaignId, id));
  const [p] = await db
    .select({ towns: sql<number>`count(distinct ${reportPeriods.unitCode})::int`, rows: sql<number>`count(*)::int` })
    .from(reportPeriods)
    .where(eq(reportPeriods.campaignId, id));
  return { status: c?.status, active: u?.active ?? 0, cancelled: u?.cancelled ?? 0, scheduledTowns: p?.towns ?? 0, periodRows: p?.rows ?? 0 };
}

async function reportCount(db: Db, id: string): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(reports).where(eq(reports.campaignId, id));
  return r?.n ?? 0;
}

/** Counties whose paid differs from their towns' reported paid, and the city total against all reports. */
async function rollUpState(db: Db, id: string) {
  const town = alias(units, 'town');
  const county = alias(units, 'county');
  const perCounty = await db
    .select({
      code: county.code,
      paid: county.paid,
      reported: sql<number>`coalesce(sum(${reports.paid}), 0)::int`,
    })
    .from(county)
    .leftJoin(town, and(eq(town.campaignId, county.campaignId), eq(town.parentCode, county.code)))
    .leftJoin(reports, and(eq(reports.campaignId, town.campaignId), eq(reports.unitCode, town.code)))
    .where(and(eq(county.campaignId, id), eq(county.level, 'county')))
    .groupBy(county.code, county.paid);
  const mismatched = perCounty.filter((c) => c.paid !== c.reported);
  const [city] = await db
    .select({ paid: sql<number>`coalesce(sum(${units.paid}), 0)::int` })
    .from(units)
    .where(and(eq(units.campaignId, id), eq(units.depth, 1)));
  const [all] = await db.select({ paid: sql<number>`coalesce(sum(${reports.paid}), 0)::int` }).from(reports).where(eq(reports.campaignId, id));
  return { counties: perCounty.length, mismatched, cityPaid: city?.paid ?? 0, reportsPaid: all?.paid ?? 0 };
}

// ---- the benchmark ----

interface Submission {
  code: string;
  issuedAt: number;
  ms: number;
  error?: string;
}

interface Result {
  dbLabel: string;
  readySeconds: number | undefined;
  launchSeconds: number;
  periodRows: number;
  sent: number;
  unsent: number;
  readModelTimeoutSeconds: number;
  failed: Submission[];
  issueSeconds: number;
  wallSeconds: number;
  roundTrips: number[];
  reportsRowsSeconds: number | undefined;
  readModelSeconds: number | undefined;
  readModelNote: string;
  expectedPaid: number;
  totals: { cityPaid: number; reportsPaid: number; mismatchedCounties: number };
  peakRssReports: number;
  loadBefore: string;
  loadAfter: string;
}

async function run(database: Database, client: Client, native: NativeConnection, rss: RssPeak, dbLabel: string): Promise<Result | undefined> {
  const db = database.db;
  const taskQueue = `bench-campaigns-${randomBytes(4).toString('hex')}`;
  log('campaign worker: bundling workflows/index.ts');
  const worker = await createWorker({ connection: native, namespace: 'default', taskQueue, db });
  const workerRun = worker.run();
  cleanups.push({
    what: 'campaign worker',
    run: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      if (!(await within(workerRun, 60_000))) log('worker did not stop within 60 s');
    },
  });
  const campaignService = createCampaignService({ db, client, taskQueue, namespace: 'default', temporalUiUrl: undefined });
  const reportingService = createReportingService({ db, client });

  // Starting today; only towns report, daily from tomorrow: the first period (seq 1) is open now.
  const id = `bench-reports-${Date.now().toString(36)}`;
  const today = localDateOf(Date.now(), TIME_ZONE);
  const base = makeProvincePlan({ counties: COUNTIES, townsPerCounty: TOWNS_PER_COUNTY, startDate: today, id });
  const plan = { ...base, reporting: { ...base.reporting!, levels: ['town' as const], start: addDaysLocal(today, 1), rule: { kind: 'daily' as const } } };
  const workflowUnits = flattenBreakdown(plan).filter((n) => WORKFLOW_LEVELS.includes(n.level)).length;
  if (workflowUnits !== UNIT_WORKFLOWS) throw new Error(`plan has ${workflowUnits} unit workflows, expected ${UNIT_WORKFLOWS}`);

  let cancelled = false;
  const cancelCampaign = async () => {
    if (cancelled) return;
    cancelled = true;
    log('cancelling the campaign');
    const started = Date.now();
    const answered = await within(
      campaignService.cancel(id, { actor: ACTOR, reason: '基准测试结束' }).catch((e: unknown) => log(`cancel failed: ${errorText(e)}`)),
      CANCEL_TIMEOUT_MS,
    );
    if (!answered) log(`the cancel Update got no answer within ${CANCEL_TIMEOUT_MS / 1000} s`);
    const ended = await within(client.workflow.getHandle(workflowIds.campaign(id)).result(), CANCEL_TIMEOUT_MS);
    if (!ended) log(`campaign workflow did not end within ${CANCEL_TIMEOUT_MS / 1000} s`);
    let state = await readiness(db, id);
    while (Date.now() - started < CANCEL_TIMEOUT_MS && state.cancelled < UNIT_WORKFLOWS) {
      await sleep(500);
      state = await readiness(db, id);
    }
    log(`cancellation reached ${state.cancelled}/${UNIT_WORKFLOWS} units in ${secondsSince(started).toFixed(1)} s`);
  };

  log(`launching ${id}: ${COUNTIES} counties x ${TOWNS_PER_COUNTY} towns = ${UNIT_WORKFLOWS} unit workflows; towns report daily from ${plan.reporting.start}`);
  const launchStarted = Date.now();
  await campaignService.launch(plan as unknown as Record<string, unknown>, '省人社厅');
  const launchSeconds = secondsSince(launchStarted);
  cleanups.push({ what: 'cancel campaign', run: cancelCampaign });

  // 1. Ready: campaign running, every unit row active, every town scheduled.
  let readySeconds: number | undefined;
  let ready = await readiness(db, id);
  let lastLog = Date.now();
  while (Date.now() - launchStarted < READY_TIMEOUT_MS) {
    ready = await readiness(db, id);
    if (ready.status === 'running' && ready.active === UNIT_WORKFLOWS && ready.scheduledTowns === TOWNS) {
      readySeconds = secondsSince(launchStarted);
      break;
    }
    if (Date.now() - lastLog >= 5000) {
      lastLog = Date.now();
      log(
        `  ${secondsSince(launchStarted).toFixed(0)} s: campaign ${ready.status}, ${ready.active}/${UNIT_WORKFLOWS} units active, ` +
          `${ready.scheduledTowns}/${TOWNS} towns scheduled (${ready.periodRows} period rows)`,
      );
    }
    await sleep(250);
  }
  if (readySeconds === undefined) {
    log(
      `province not ready within ${READY_TIMEOUT_MS / 1000} s: campaign ${ready.status}, ${ready.active}/${UNIT_WORKFLOWS} active, ` +
        `${ready.scheduledTowns}/${TOWNS} towns scheduled; no reports sent`,
    );
    return undefined;
  }
  log(`province ready in ${readySeconds.toFixed(1)} s (${ready.periodRows} report_periods rows); memory: ${memory()}`);

  // 2. Each town's first period (minimum seq), towns in code order.
  const firstSeq = db
    .select({ unitCode: reportPeriods.unitCode, seq: min(reportPeriods.seq).as('first_seq') })
    .from(reportPeriods)
    .where(eq(reportPeriods.campaignId, id))
    .groupBy(reportPeriods.unitCode)
    .as('first_seq');
  const targets = await db
    .select({ code: reportPeriods.unitCode, periodKey: reportPeriods.periodKey, dueDate: reportPeriods.dueDate })
    .from(reportPeriods)
    .innerJoin(firstSeq, and(eq(firstSeq.unitCode, reportPeriods.unitCode), eq(firstSeq.seq, reportPeriods.seq)))
    .where(eq(reportPeriods.campaignId, id))
    .orderBy(asc(reportPeriods.unitCode));
  if (targets.length !== TOWNS) throw new Error(`found ${targets.length} first periods, expected ${TOWNS}`);
  const keys = new Set(targets.map((t) => t.periodKey));
  log(`first periods: ${[...keys].join(', ')} (due ${[...new Set(targets.map((t) => t.dueDate))].join(', ')})`);

  const figures = (i: number) => {
    const paid = 200 + (i % 50);
    return { enrolled: 500, paid, amountYuan: paid * 180, mobilePaid: paid, hardshipCovered: 3 };
  };
  const expectedPaid = targets.reduce((a, _t, i) => a + figures(i).paid, 0);

  log(`submitting ${TOWNS} reports: token bucket ${RATE_PER_SECOND}/s, at most ${MAX_IN_FLIGHT} in flight (load ${load()})`);
  const loadBefore = load();
  rss.reset();
  const submissions: Submission[] = [];
  let inFlight = 0;
  const slotFreed: Array<() => void> = [];
  const started = Date.now();

  // 3. The read model, watched from the first submission on.
  let reportsRowsSeconds: number | undefined;
  let readModelSeconds: number | undefined;
  let submittingDone = false;
  let lastDoneAt = Infinity;
  // Shortened once submissions failed: the read model cannot then reach 1,500 reports.
  let readModelTimeoutMs = READ_MODEL_TIMEOUT_MS;
  let readModelNote = '';
  const watcher = (async () => {
    let last = Date.now();
    while (Date.now() - lastDoneAt < readModelTimeoutMs) {
      const n = await reportCount(db, id);
      if (n === TOWNS) {
        reportsRowsSeconds ??= secondsSince(started);
        const r = await rollUpState(db, id);
        if (r.mismatched.length === 0 && r.cityPaid === r.reportsPaid) {
          readModelSeconds = secondsSince(started);
          return;
        }
        readModelNote = `${r.mismatched.length}/${r.counties} counties' paid differ from their towns' reports (e.g. ${r.mismatched
          .slice(0, 3)
          .map((c) => `${c.code}: ${c.paid} vs ${c.reported}`)
          .join('; ')}); city ${r.cityPaid} vs reports ${r.reportsPaid}`;
      } else {
        readModelNote = `${n}/${TOWNS} report rows`;
      }
      if (submittingDone && Date.now() - last >= 5000) {
        last = Date.now();
        log(`  read model: ${readModelNote}`);
      }
      await sleep(200);
    }
  })().catch((e: unknown) => {
    readModelNote = `watching the read model failed: ${(e as Error).message}`;
  });

  const pending: Promise<void>[] = [];
  let progressAt = Date.now();
  let unsent = 0;
  for (let i = 0; i < targets.length; i++) {
    if (Date.now() - started > ISSUE_CUTOFF_MS) {
      unsent = targets.length - i;
      log(`stopping: ${ISSUE_CUTOFF_MS / 1000} s since the first submission, ${unsent} reports not sent`);
      break;
    }
    // Token bucket of one: submission i may start at started + i / rate.
    const at = started + (i * 1000) / RATE_PER_SECOND;
    if (at > Date.now()) await sleep(at - Date.now());
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => slotFreed.push(r));
    const { code, periodKey } = targets[i];
    const issuedAt = Date.now();
    inFlight++;
    // A submission given up on is aborted too, so that its Update call does not outlive the client.
    const abort = new AbortController();
    pending.push(
      deadline(
        client.withAbortSignal(abort.signal, () => reportingService.submitReport(id, code, { periodKey, ...figures(i), actor: ACTOR }, 'api')),
        SUBMIT_TIMEOUT_MS,
        `no answer within ${SUBMIT_TIMEOUT_MS / 1000} s`,
        () => abort.abort(),
      )
        .then(
          () => void submissions.push({ code, issuedAt, ms: Date.now() - issuedAt }),
          (e: unknown) => void submissions.push({ code, issuedAt, ms: Date.now() - issuedAt, error: errorText(e) }),
        )
        .finally(() => {
          inFlight--;
          slotFreed.shift()?.();
        }),
    );
    if (Date.now() - progressAt >= 5000) {
      progressAt = Date.now();
      const failedSoFar = submissions.filter((s) => s.error).length;
      log(`  ${secondsSince(started).toFixed(0)} s: ${i + 1} issued, ${submissions.length} answered (${failedSoFar} failed), ${inFlight} in flight`);
    }
  }
  const issueSeconds = secondsSince(started);
  log(`${TOWNS - unsent} issued in ${issueSeconds.toFixed(1)} s; waiting for the last round trips`);
  await Promise.all(pending);
  const wallSeconds = secondsSince(started);
  const failed = submissions.filter((s) => s.error);
  if (failed.length || unsent) readModelTimeoutMs = 15_000;
  lastDoneAt = Date.now();
  submittingDone = true;
  const peakRssReports = rss.reset();
  log(`all answered in ${wallSeconds.toFixed(1)} s (${failed.length} failed); memory: ${memory()}; waiting for the read model`);
  await watcher;
  if (readModelSeconds !== undefined) log(`read model complete ${readModelSeconds.toFixed(1)} s after the first submission`);
  else log(`read model not complete ${readModelTimeoutMs / 1000} s after the last round trip: ${readModelNote}`);
  const totals = await rollUpState(db, id);
  const loadAfter = load();

  await cancelCampaign();

  return {
    dbLabel,
    readySeconds,
    launchSeconds,
    periodRows: ready.periodRows,
    sent: submissions.length,
    unsent,
    readModelTimeoutSeconds: readModelTimeoutMs / 1000,
    failed,
    issueSeconds,
    wallSeconds,
    roundTrips: submissions.filter((s) => !s.error).map((s) => s.ms).sort((a, b) => a - b),
    reportsRowsSeconds,
    readModelSeconds,
    readModelNote,
    expectedPaid,
    totals: { cityPaid: totals.cityPaid, reportsPaid: totals.reportsPaid, mismatchedCounties: totals.mismatched.length },
    peakRssReports,
    loadBefore,
    loadAfter,
  };
}

async function main(argv: string[]): Promise<void> {
  const usePostgres = argv.includes('--postgres');
  const unknown = argv.filter((a) => a !== '--postgres');
  if (unknown.length) {
    process.stderr.write(`usage: tsx bench/reports.ts [--postgres]  (unknown: ${unknown.join(' ')})\n`);
    process.exit(2);
  }
  installRuntime('warn');
  const rss = new RssPeak();
  cleanups.push({ what: 'rss sampler', run: async () => rss.stop() });
  const benchStarted = Date.now();
  const loadAtStart = load();
  log(`${cpus().length} CPU cores, load average ${loadAtStart} (1/5/15 min); other work on the machine skews the figures`);

  const { server, database, dbLabel, client, native } = await startBenchStack(usePostgres);

  const r = await run(database, client, native, rss, dbLabel);
  const serverPeak = processPeakRss(server.pid);
  if (!r) {
    process.stdout.write(`\nReports benchmark: the province was not ready within ${READY_TIMEOUT_MS / 1000} s; nothing measured\n`);
    process.exitCode = 1;
    return;
  }

  const ok = r.sent - r.failed.length;
  const rate = ok / r.wallSeconds;
  const rt = r.roundTrips;
  const p = (q: number) => (rt.length ? `${Math.round(percentile(rt, q))} ms` : 'n/a');
  const p99 = percentile(rt, 99);
  const rateMet = rate >= GOAL_RATE;
  const p99Met = rt.length > 0 && p99 < GOAL_P99_MS;
  const allMet = r.failed.length === 0 && ok === TOWNS && r.wallSeconds <= GOAL_ALL_REPORTED_SECONDS;
  const verdict = (met: boolean) => (met ? 'PASS' : 'MISS');
  const lines = [
    '',
    `Reports benchmark: ${COUNTIES} counties x ${TOWNS_PER_COUNTY} towns = ${UNIT_WORKFLOWS} unit workflows, ${TOWNS} towns reporting; read model on ${dbLabel}`,
    `  machine                         ${cpus().length} cores; load average ${r.loadBefore} before the reports, ${r.loadAfter} after (1/5/15 min; other work on the machine counts)`,
    `  launch call returned            ${r.launchSeconds.toFixed(2)} s`,
    `  province ready                  ${r.readySeconds!.toFixed(1)} s after launch (all units active, all towns scheduled, ${r.periodRows} period rows)`,
    `  paced at                        ${RATE_PER_SECOND}/s, at most ${MAX_IN_FLIGHT} in flight; ${r.sent} issued in ${r.issueSeconds.toFixed(1)} s`,
    `  reports sent                    ${r.sent}${r.unsent ? ` (${r.unsent} not sent: stopped ${ISSUE_CUTOFF_MS / 1000} s after the first)` : ''}`,
    `  failed                          ${r.failed.length}`,
    ...r.failed.slice(0, 5).map((f) => `    ${f.code}: ${f.error}`),
    `  wall time                       ${r.wallSeconds.toFixed(1)} s (first submission to last answer)`,
    `  reports per second              ${rate.toFixed(1)}`,
    `  round trip p50/p90/p99/max      ${p(50)} / ${p(90)} / ${p(99)} / ${rt.length ? `${rt[rt.length - 1]} ms` : 'n/a'}`,
    `  report rows complete            ${r.reportsRowsSeconds === undefined ? 'not reached' : `${r.reportsRowsSeconds.toFixed(1)} s after the first submission`}`,
    `  read model + roll-ups complete  ${
      r.readModelSeconds === undefined
        ? `not within ${r.readModelTimeoutSeconds} s of the last answer (${r.readModelNote})`
        : `${r.readModelSeconds.toFixed(1)} s after the first submission`
    }`,
    `  paid at the end                 city total ${r.totals.cityPaid}, sum of reports ${r.totals.reportsPaid}, all ${TOWNS} submissions ${r.expectedPaid}; ${r.totals.mismatchedCounties}/${COUNTIES} counties off`,
    `  peak RSS, worker process        ${mb(r.peakRssReports)} during the reports, ${mb(rss.overall)} overall`,
    ...(serverPeak ? [`  peak RSS, Temporal dev server   ${mb(serverPeak)}`] : []),
    `Goals`,
    `  >= ${GOAL_RATE} reports/s                  ${verdict(rateMet)} (${rate.toFixed(1)}/s)`,
    `  p99 round trip < ${GOAL_P99_MS} ms        ${verdict(p99Met)} (${rt.length ? `${Math.round(p99)} ms` : 'n/a'})`,
    `  every town reported within ${GOAL_ALL_REPORTED_SECONDS} s ${verdict(allMet)} (${ok}/${TOWNS} in ${r.wallSeconds.toFixed(1)} s)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  log(`done in ${secondsSince(benchStarted).toFixed(0)} s (cleaning up)`);
}

await runBench(main);
