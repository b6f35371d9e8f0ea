// Per-person payment feed benchmark (issue 12): a roster and a year-to-date feed of the same size
// (1% failed deductions, 2% paid outside the roster) through the API on PostgreSQL: the roster's
// import, then the feed's in GBK (import, match and roll-up happen in its import's swap), then the
// same file again (must change nothing), then next week's delivery (the failed deductions gone
// through: only the statuses that changed are written), against `psql \copy` of both files and one
// SQL join.
//
//   npm run bench:payments                      # 1,500,000 roster rows and 1,500,000 feed rows
//   npm run bench:payments -- --rows 100000     # a quick run
//   npm run bench:payments -- --pglite          # the read model in PGlite (no baseline)
//
// Printed: rows per second per stage, the app's feed import (with match and roll-up) against the
// baseline's \copy + join, the re-delivery's changed rows, and peak RSS of this process (API + worker)
// and of the dev server. Goals: within 2x of the baseline, no row changed by the re-delivery, app < 1 GiB.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client';
import iconv from 'iconv-lite';
import { computeCheckDigit } from '../domain/idNumber';
import { paymentState, paymentStatuses, units } from '../db/schema';
import type { ImportView, UploadView } from '../contracts/api/hardship';
import { createWorker } from '../server/worker';
import { startTestApp } from '../test/support/app';
import { createAccount, signIn, testAuthService, type ApiClient } from '../test/support/auth';
import { jiangmenPlan, seedCampaign } from '../test/support/plans';
import { cleanups, createBenchDatabase, log, mb, processPeakRss, RssPeak, runBench, secondsSince, sleep, startBenchStack } from './common';
import { ensurePostgres } from '../scripts/tools';

const CAMPAIGN = 'bench-payments';
const GOAL_RATIO = 2;
const GOAL_RSS = 1024 ** 3;

function parseArgs(argv: string[]) {
  const o = { rows: 1_500_000, pglite: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') o.rows = Number(argv[++i]);
    else if (argv[i] === '--pglite') o.pglite = true;
    else throw new Error('usage: tsx bench/payments.ts [--rows N] [--pglite]');
  }
  if (!(Number.isInteger(o.rows) && o.rows > 0 && o.rows <= 2_100_000)) throw new Error('--rows takes a whole number from 1 to 2,100,000');
  return o;
}

/** Distinct for i < 2,100,000 within a region: the birth date is i mod 2100 (50 years × 12 months × 28 days, by CRT), the sequence i / 2100. */
const idOf = (village: string, i: number) => {
  const birth = `19${String(40 + (i % 50)).padStart(2, '0')}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
  const first17 = `${village.slice(0, 6)}${birth}${String(Math.floor(i / 2100) % 1000).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
};

/** Writes text lines to a file (GBK or UTF-8), waiting when the stream is full. */
async function writeLines(file: string, lines: Iterable<string>, gbk: boolean) {
  const out = createWriteStream(file);
  let chunk = '';
  const flush = async () => {
    if (!out.write(gbk ? iconv.encode(chunk, 'gbk') : chunk)) await once(out, 'drain');
    chunk = '';
  };
  for (const line of lines) {
    chunk += `${line}\r\n`;
    if (chunk.length > 1 << 16) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
}

function findPsql(): string {
  const dir = '/usr/lib/postgresql';
  const versions = existsSync(dir) ? readdirSync(dir).filter((v) => existsSync(`${dir}/${v}/bin/psql`)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length) return `${dir}/${versions[0]}/bin/psql`;
  return 'psql';
}

async function psql(url: string, command: string): Promise<number> {
  const started = Date.now();
  const child = spawn(findPsql(), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', command], { stdio: ['ignore', 'ignore', 'pipe'], cwd: '/' });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`psql failed: ${err}`);
  return secondsSince(started);
}

/**
 * Where an import's time goes, from the database's side: pg_stat_activity sampled every 50 ms and each
 * active statement of the app put in a stage (loading the rows with COPY while they are read and
 * validated, statistics, the duplicate check, the match that writes the statuses, the roll-ups).
 */
const STAGES: Array<[string, RegExp]> = [
  ['match', /insert into payment_statuses|next_statuses|status_changes/i],
  ['roll-up', /with recursive v|from payment_statuses where campaign_id|update "units" set "paid"|discrepanc/i],
  ['duplicate check', /having count\(\*\) > 1/i],
  ['statistics', /^analyze /i],
  ['read + load', /^COPY "(roster_rows|payment_rows|import_errors)"/],
];
class StageSampler {
  private seconds = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  constructor(private readonly db: Db) {}
  start(): void {
    this.seconds.clear();
    const run = ++this.running;
    let last = Date.now();
    const tick = async () => {
      const rows = rowsOf<{ query: string }>(await this.db.execute(sql`select query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'active'`));
      if (run !== this.running) return;
      const now = Date.now();
      const stage = STAGES.find(([, re]) => rows.some((r) => re.test(r.query)))?.[0];
      if (stage) this.seconds.set(stage, (this.seconds.get(stage) ?? 0) + (now - last) / 1000);
      last = now;
      this.timer = setTimeout(() => void tick(), 50);
    };
    void tick();
  }
  stop(): Map<string, number> {
    this.running++;
    clearTimeout(this.timer);
    return new Map(this.seconds);
  }
}

async function main(argv: string[]) {
  const o = parseArgs(argv);
  const stack = await startBenchStack(!o.pglite);
  const db = stack.database.db;
  const plan = jiangmenPlan(CAMPAIGN, `${new Date().getUTCFullYear() - (new Date().getUTCMonth() < 11 ? 1 : 0)}-09-28`);
  await seedCampaign(db, plan);
  const villages = (await db.select({ code: units.code }).from(units).where(eq(units.campaignId, CAMPAIGN))).map((u) => u.code).filter((c) => c.length === 12);
  const tmp = await mkdtemp(path.join(tmpdir(), 'bench-payments-'));
  cleanups.push({ what: 'files', run: () => rm(tmp, { recursive: true, force: true }) });
  const uploadDir = path.join(tmp, 'uploads');

  // ---- data ----
  const n = o.rows;
  const rosterFile = path.join(tmp, 'roster.csv');
  const feedFile = path.join(tmp, 'feed-gbk.csv');
  const nextWeekFile = path.join(tmp, 'feed-next-week-gbk.csv');
  const y = plan.year;
  const t = Date.now();
  await writeLines(
    rosterFile,
    (function* () {
      yield '身份证号,姓名,户籍地行政区划代码,参保状态,本年缴费档次,上年缴费档次,缴费状态,是否领取待遇';
      for (let i = 0; i < n; i++) yield `${idOf(villages[i % villages.length], i)},张${i % 97}明,${villages[i % villages.length]},已参保,,180,,否`;
    })(),
    false,
  );
  const outsideEvery = 50; // 2%
  const failedEvery = 100; // 1%
  // The first delivery, and next week's year-to-date delivery: the same deductions, the failed ones
  // (1%) gone through since.
  const feedLines = function* (week: number) {
    yield '身份证号,姓名,缴费年度,档次,金额,缴费日期,渠道,状态';
    for (let i = 0; i < n; i++) {
      const outside = i % outsideEvery === 7;
      const id = outside ? idOf('440106001001', i) : idOf(villages[i % villages.length], i);
      const status = i % failedEvery === 3 && week === 1 ? '扣费失败' : '扣费成功';
      const channel = i % 3 === 0 ? '银行批扣' : '手机';
      yield `${id},张${i % 97}明,${y},180,,${y}-${10 + (i % 2)}-${String(1 + (i % 28)).padStart(2, '0')},${channel},${status}`;
    }
  };
  await writeLines(feedFile, feedLines(1), true);
  await writeLines(nextWeekFile, feedLines(2), true);
  log(`data: ${n} roster rows (${mb((await stat(rosterFile)).size)}), ${n} feed rows in GBK (${mb((await stat(feedFile)).size)}) in ${secondsSince(t).toFixed(1)} s`);

  // ---- baseline: psql \copy of both files and one join ----
  let baseline: number | null = null;
  let baselineLine = '';
  if (!o.pglite) {
    const pg = await ensurePostgres();
    const throwaway = await createBenchDatabase(pg.adminUrl);
    cleanups.push({ what: 'baseline database', run: () => throwaway.drop() });
    await psql(throwaway.url, 'create table r (id text, name text, village text, status text, tier text, last text, pay text, drawing text); create table f (id text, name text, year int, tier text, amount text, paid_on text, channel text, status text)');
    const copyRoster = await psql(throwaway.url, `\\copy r from '${rosterFile}' with (format csv, header true)`);
    const copyFeed = await psql(throwaway.url, `\\copy f from '${feedFile}' with (format csv, header true, encoding 'GBK')`);
    const join = await psql(
      throwaway.url,
      `create table s as select coalesce(r.id, p.id) id, r.village, case when r.id is null then 'outside' when p.ok > 0 then 'paid' when p.id is not null then 'failed' else 'unpaid' end status
       from r full join (select id, count(*) filter (where status = '扣费成功') ok from f group by id) p on p.id = r.id`,
    );
    baseline = copyRoster + copyFeed + join;
    baselineLine = `baseline: \\copy roster ${copyRoster.toFixed(1)} s, \\copy feed ${copyFeed.toFixed(1)} s, join ${join.toFixed(1)} s`;
    log(baselineLine);
  }

  // ---- the app ----
  const taskQueue = `bench-payments-${Date.now()}`;
  const worker = await createWorker({ connection: stack.native, namespace: 'default', taskQueue, db, uploadDir });
  const running = worker.run();
  cleanups.push({ what: 'worker', run: async () => (worker.shutdown(), running) });
  const app = await startTestApp({ database: stack.database, client: stack.client, taskQueue, uploadDir, temporalUiUrl: null });
  cleanups.push({ what: 'app', run: async () => app.server.close() });
  const official: ApiClient = await signIn(app.origin, await createAccount(testAuthService(db), 'official', '440700'));
  const rss = new RssPeak();

  const C = `/api/campaigns/${CAMPAIGN}`;
  const { createReadStream } = await import('node:fs');
  const { Readable } = await import('node:stream');
  const upload = async (url: string, file: string) => {
    const res = await official.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(path.basename(file)) },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (res.status !== 201) throw new Error(`upload ${res.status}: ${await res.text()}`);
    return (await res.json()) as UploadView;
  };
  const follow = async (url: string) => {
    for (;;) {
      const v = (await (await official.fetch(url)).json()) as ImportView;
      if (!['pending', 'running'].includes(v.status)) return v;
      await sleep(100);
    }
  };
  // PGlite has one connection: a sampling query would wait behind the import's statements.
  const sampler = o.pglite ? null : new StageSampler(db);
  /** The WAL the server has written (the whole cluster's: the benchmark is all that runs on it). */
  const walBytes = async () => (o.pglite ? null : Number(rowsOf<{ b: string }>(await db.execute(sql`select wal_bytes::text as b from pg_stat_wal`))[0].b));
  const stageLines: string[] = [];
  const importStep = async (label: string, uploadUrl: string, importUrl: string, body: (uploadId: string) => unknown, followUrl: (id: string) => string, file: string) => {
    rss.reset();
    const walBefore = await walBytes();
    const started = Date.now();
    const up = await upload(uploadUrl, file);
    const uploaded = secondsSince(started);
    sampler?.start();
    const res = await official.fetch(importUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(up.uploadId)) });
    const { importId } = (await res.json()) as { importId: string };
    const done = await follow(followUrl(importId));
    const stages = sampler?.stop() ?? new Map<string, number>();
    const seconds = secondsSince(started);
    const wal = walBefore === null ? '' : `, WAL ${mb((await walBytes())! - walBefore)}`;
    log(`${label}: ${done.status}, ${done.rowsStored} rows in ${seconds.toFixed(1)} s (${Math.round(n / seconds)} rows/s), peak RSS ${mb(rss.reset())}${wal}`);
    const sampled = [...stages.values()].reduce((a, b) => a + b, 0);
    const parts = [['upload', uploaded] as [string, number], ...STAGES.map(([k]) => [k, stages.get(k) ?? 0] as [string, number]).filter(([, v]) => v > 0), ['other', seconds - uploaded - sampled] as [string, number]];
    if (sampler) stageLines.push(`  ${label}: ${parts.map(([k, v]) => `${k} ${v.toFixed(1)} s${v > 0.05 && k !== 'other' ? ` (${Math.round(n / v)} rows/s)` : ''}`).join(', ')}${wal}`);
    if (done.status !== 'stored') throw new Error(`${label} ${done.status}: ${done.message ?? JSON.stringify(done.errors?.slice(0, 3))}`);
    return { seconds, importId };
  };

  const { seconds: rosterSeconds } = await importStep('roster import', `${C}/hardship/uploads?list=roster`, `${C}/hardship/imports`, (uploadId) => ({ uploadId, list: 'roster' }), (id) => `${C}/hardship/imports/${id}`, rosterFile);
  const { seconds: feedSeconds } = await importStep('feed import + match + roll-up', `${C}/payments/uploads`, `${C}/payments/imports`, (uploadId) => ({ uploadId }), (id) => `${C}/payments/imports/${id}`, feedFile);
  const [state] = await db.select().from(paymentState).where(eq(paymentState.campaignId, CAMPAIGN));
  const before = await db.select({ n: paymentStatuses.idNumber }).from(paymentStatuses).where(eq(paymentStatuses.campaignId, CAMPAIGN)).limit(1);
  log(`verified: paid ${state.paid}, not in roster ${state.notInRoster}, as of ${state.asOf}`);

  // Re-delivery of the same file: the same import, nothing changed.
  const again = Date.now();
  const up = await upload(`${C}/payments/uploads`, feedFile);
  const res = await official.fetch(`${C}/payments/imports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uploadId: up.uploadId }) });
  const [stateAfter] = await db.select().from(paymentState).where(eq(paymentState.campaignId, CAMPAIGN));
  const unchanged = res.status === 200 && stateAfter.refreshedAt.getTime() === state.refreshedAt.getTime() && before.length === 1;
  log(`re-delivery: HTTP ${res.status}, ${unchanged ? 'no row changed' : 'ROWS CHANGED'} in ${secondsSince(again).toFixed(1)} s`);

  // Next week's delivery: only the statuses that changed are written (services/payments.ts).
  const week = await importStep('next week\'s delivery', `${C}/payments/uploads`, `${C}/payments/imports`, (uploadId) => ({ uploadId }), (id) => `${C}/payments/imports/${id}`, nextWeekFile);
  const [{ written }] = rowsOf<{ written: number }>(await db.execute(sql`select count(*)::int as written from payment_statuses where campaign_id = ${CAMPAIGN} and import_id = ${week.importId}`));
  rss.stop();

  const serverRss = processPeakRss(stack.server.pid);
  const lines = [
    `rows: ${n} roster, ${n} feed (GBK; 1% failed, 2% outside the roster), ${stack.dbLabel}`,
    `roster import: ${rosterSeconds.toFixed(1)} s (${Math.round(n / rosterSeconds)} rows/s)`,
    `feed import + match + roll-up: ${feedSeconds.toFixed(1)} s (${Math.round(n / feedSeconds)} rows/s)`,
    ...(stageLines.length ? ['stages (the database\'s active statement, sampled every 50 ms; "other": starting the import, the swap\'s small statements, polling):', ...stageLines] : []),
    ...(baselineLine ? [baselineLine] : []),
    baseline === null
      ? 'baseline: skipped (PGlite)'
      : `app total ${(rosterSeconds + feedSeconds).toFixed(1)} s vs psql \\copy + join ${baseline.toFixed(1)} s: ${((rosterSeconds + feedSeconds) / baseline).toFixed(2)}x (goal ≤ ${GOAL_RATIO}x)`,
    `re-delivery: ${unchanged ? 'no row changed (goal met)' : 'rows changed (goal missed)'}`,
    `next week's delivery (the 1% failed deductions gone through): ${week.seconds.toFixed(1)} s, ${written} statuses written`,
    `peak RSS: app ${mb(rss.overall)} (goal < ${mb(GOAL_RSS)}), dev server ${serverRss === undefined ? '—' : mb(serverRss)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void runBench(main);
