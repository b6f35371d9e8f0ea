// Screening benchmark (issue 4): a Jiangmen-sized roster and hardship lists imported and screened on
// PostgreSQL through the product, against plain `psql \copy` and one SQL join on the same files.
//
//   npm run bench:screening                                   # 1,500,000 roster rows, 150,000 list rows
//   npm run bench:screening -- --roster 50000 --lists 5000    # a quick run
//   npm run bench:screening -- --baseline-only                # data and baseline, no app
//
// Data (bench/screeningData.ts): generated once per parameter set under .tools/bench-screening/ and
// reused: the roster, and four hardship lists each in a "dirty" version (1% bad rows, a few
// within-file duplicates) and a "clean" one (the same rows without those); one list is GBK.
// Steps, in order:
//   1. baseline, in its own throwaway database: plain tables, `psql \copy` of the roster and of each
//      clean list, then one SQL statement (members LEFT JOIN roster, GROUP BY ID, a CASE for the
//      outcome) into a results table; each step timed;
//   2. the app, in this process as `npm start` runs it (startRuntime: API + worker, read model in
//      another throwaway database) against a headless in-memory Temporal dev server. The Jiangmen
//      example plan shifted to start today is launched; then over HTTP: upload and import the roster;
//      upload and import each dirty list (must be refused whole, with the error report); upload and
//      import each clean list (stored); one screening run over the whole campaign. Each import and
//      the run are polled until they end.
//   3. the table: rows per second per stage, total seconds against the baseline, peak RSS of this
//      process (API + worker, with its heap and external memory per stage), of the dev server, of psql
//      and of the PostgreSQL backends; each import's and the run's activity durations from their
//      Temporal histories; the refusals' error counts and reasons; the app's outcome counts against
//      the baseline's (they must be equal). A workflow whose activity keeps failing is reported with
//      the activity's last error and terminated, rather than waited on until the timeout.
// The goals: the app's clean path (uploads, imports, screening) within 2x the baseline's total, and
// this process's peak RSS under 1 GiB.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import postgres from 'postgres';
import { parse as parseYaml } from 'yaml';
import { shiftPlanToStart, type PlanInput } from '../domain/plan';
import { localDateOf } from '../domain/time';
import { loadConfig, loadLauncherConfig } from '../server/config';
import type { ImportView, RunView, UploadView } from '../contracts/api/hardship';
import { installRuntime, startRuntime } from '../server/runtime';
import { createAccount, signIn } from '../test/support/auth';
import { ApiError, rawBody, type ApiClient, type Method } from '../client';
import { Readable } from 'node:stream';
import { ensurePostgres, ensureTemporalCli, projectRoot, startDevServer } from '../scripts/tools';
import { RssPeak, cleanups, createBenchDatabase, log, mb, processPeakRss, runBench, secondsSince, sleep } from './common';
import { LISTS, ensureDataSet, type DataSet, type FileInfo, type ListFiles } from './screeningData';

const GOAL_RATIO = 2;
const GOAL_RSS_BYTES = 1024 ** 3;
const TIME_ZONE = 'Asia/Shanghai';
const ACTOR = '基准测试';
const PLAN_FILE = path.join(projectRoot, 'examples/plans/jiangmen-2023.yaml');
/** Polls quickly at first (small imports end within a second), then every half second. */
const pollDelay = (since: number) => (Date.now() - since < 3000 ? 100 : 500);
const CAMPAIGN_READY_TIMEOUT_MS = 180_000;
/** How long a run may answer 404 after POST /screenings returned its id. */
const RUN_ROW_GRACE_MS = 60_000;

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const secs = (s: number) => s.toFixed(s < 10 ? 2 : 1);
const rate = (rows: number, s: number) => (s > 0 ? fmt(rows / s) : 'n/a');
/** File sizes: small ones with decimals. */
const size = (bytes: number) => (bytes < 10 * 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : mb(bytes));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');

interface Options {
  roster: number;
  lists: number;
  seed: number;
  baselineOnly: boolean;
  timeoutMinutes: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { roster: 1_500_000, lists: 150_000, seed: 20231001, baselineOnly: false, timeoutMinutes: 60 };
  const usage = () => {
    process.stderr.write('usage: tsx bench/screening.ts [--roster N] [--lists N] [--seed N] [--timeout-minutes N] [--baseline-only]\n');
    process.exit(2);
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const num = () => {
      const v = Number(argv[++k]);
      if (!Number.isInteger(v) || v <= 0) usage();
      return v;
    };
    if (a === '--roster') o.roster = num();
    else if (a === '--lists') o.lists = num();
    else if (a === '--seed') o.seed = num();
    else if (a === '--timeout-minutes') o.timeoutMinutes = num();
    else if (a === '--baseline-only') o.baselineOnly = true;
    else usage();
  }
  return o;
}

// ---- memory of other processes ----

function procStatus(pid: number): { hwm: number; anon: number; shmem: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(s)?.[1] ?? 0) * 1024;
    return { hwm: kb('VmHWM'), anon: kb('RssAnon'), shmem: kb('RssShmem') };
  } catch {
    return undefined;
  }
}

/**
 * Peak memory of the PostgreSQL backends (and parallel workers) serving one database, sampled from
 * pg_stat_activity and /proc every 100 ms: the largest single process (VmHWM, which counts the shared
 * buffers it touched) and the largest total at one sample (every backend's private memory plus the
 * shared memory once). Processes that live less than a sample are missed.
 */
class BackendMemory {
  peakSingle = 0;
  peakSum = 0;
  private sql: postgres.Sql;
  private timer: NodeJS.Timeout;
  private busy = false;
  constructor(
    adminUrl: string,
    private database: string,
  ) {
    this.sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    this.timer = setInterval(() => void this.sample(), 100);
    this.timer.unref();
  }
  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const rows = await this.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${this.database} and pid <> pg_backend_pid()`;
      let anon = 0;
      let shmem = 0;
      for (const { pid } of rows) {
        const m = procStatus(pid);
        if (!m) continue;
        this.peakSingle = Math.max(this.peakSingle, m.hwm);
        anon += m.anon;
        shmem = Math.max(shmem, m.shmem);
      }
      this.peakSum = Math.max(this.peakSum, anon + shmem);
    } catch {
      // the database may be gone at the end
    } finally {
      this.busy = false;
    }
  }
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sample();
    await this.sql.end({ timeout: 5 });
  }
}

/** This process's memory by kind (V8 heap, memory outside it), the maxima of each per window. */
class MemoryKinds {
  private max = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  private timer = setInterval(() => this.sample(), 100);
  constructor() {
    this.timer.unref();
  }
  private sample(): void {
    const m = process.memoryUsage();
    this.max.heapUsed = Math.max(this.max.heapUsed, m.heapUsed);
    this.max.heapTotal = Math.max(this.max.heapTotal, m.heapTotal);
    this.max.external = Math.max(this.max.external, m.external);
    this.max.arrayBuffers = Math.max(this.max.arrayBuffers, m.arrayBuffers);
  }
  /** The window's maxima as text, and a new window. */
  reset(): string {
    this.sample();
    const m = this.max;
    this.max = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
    return `heap used ${mb(m.heapUsed)} / total ${mb(m.heapTotal)}, external ${mb(m.external)} (array buffers ${mb(m.arrayBuffers)})`;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

// ---- baseline ----

function findPsql(): string {
  const dir = '/usr/lib/postgresql';
  const versions = existsSync(dir) ? readdirSync(dir).filter((v) => existsSync(`${dir}/${v}/bin/psql`)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length) return `${dir}/${versions[0]}/bin/psql`;
  for (const p of ['/usr/bin/psql', '/usr/local/bin/psql']) if (existsSync(p)) return p;
  throw new Error('psql not found (looked under /usr/lib/postgresql/*/bin and /usr/bin)');
}

interface PsqlRun {
  seconds: number;
  /** psql's own peak RSS (from /usr/bin/time), when available. */
  peakRss: number | undefined;
  stdout: string;
}

async function psql(bin: string, url: string, command: string, tmp: string): Promise<PsqlRun> {
  const timeFile = path.join(tmp, `time-${randomBytes(4).toString('hex')}`);
  const useTime = existsSync('/usr/bin/time');
  const args = ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', command];
  const [cmd, argv] = useTime ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, bin, ...args]] : [bin, args];
  const started = Date.now();
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const seconds = secondsSince(started);
  if (code !== 0) throw new Error(`psql failed (exit ${code}) on ${command.slice(0, 120)}:\n${stderr.trim()}`);
  const kb = useTime ? Number((await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n').pop()) : NaN;
  return { seconds, peakRss: Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined, stdout };
}

interface Counts {
  listed: number;
  covered: number;
  toMobilise: number;
  ineligible: number;
  byReason: Record<string, number>;
}

interface BaselineStep {
  label: string;
  rows: number;
  seconds: number;
}
interface Baseline {
  steps: BaselineStep[];
  totalSeconds: number;
  psqlPeakRss: number | undefined;
  backendPeakSingle: number;
  backendPeakSum: number;
  counts: Counts;
  psqlPath: string;
}

const table = (category: string) => `list_${category.replace(/-/g, '_')}`;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Under 16 on the reference date: born after the day 16 years before it (YYYYMMDD compared as text). */
const under16Cutoff = (referenceDate: string) => `${Number(referenceDate.slice(0, 4)) - 16}${referenceDate.slice(5, 7)}${referenceDate.slice(8, 10)}`;

async function runBaseline(adminUrl: string, data: DataSet, referenceDate: string, minimumYuan: number): Promise<Baseline> {
  const psqlPath = findPsql();
  const db = await createBenchDatabase(adminUrl);
  cleanups.push({ what: 'drop baseline database', run: () => db.drop() });
  const dbName = new URL(db.url).pathname.slice(1);
  const backends = new BackendMemory(adminUrl, dbName);
  const tmp = await mkdtemp(path.join(tmpdir(), 'bench-screening-'));
  cleanups.push({ what: 'baseline temp files', run: () => rm(tmp, { recursive: true, force: true }) });
  let psqlPeak: number | undefined;
  const run = async (command: string) => {
    const r = await psql(psqlPath, db.url, command, tmp);
    if (r.peakRss !== undefined) psqlPeak = Math.max(psqlPeak ?? 0, r.peakRss);
    return r;
  };
  const steps: BaselineStep[] = [];
  try {
    log(`baseline: ${psqlPath} into ${dbName}`);
    await run(
      [
        'create table roster (id text, name text, village text, status text, tier text, last_tier text, pay_status text, pension text)',
        ...LISTS.map((l) => `create table ${table(l.category)} (id text, name text)`),
      ].join(';\n'),
    );
    const copy = async (label: string, into: string, file: FileInfo) => {
      const enc = file.encoding === 'gbk' ? 'GBK' : 'UTF8';
      const r = await run(`\\copy ${into} from ${sqlString(file.path)} with (format csv, header true, encoding '${enc}')`);
      steps.push({ label, rows: file.rows, seconds: r.seconds });
      log(`  ${label}: ${fmt(file.rows)} rows in ${secs(r.seconds)} s`);
    };
    await copy('\\copy roster', 'roster', data.roster);
    for (const l of data.lists) await copy(`\\copy ${l.spec.category}${l.clean.encoding === 'gbk' ? ' (GBK)' : ''}`, table(l.spec.category), l.clean);

    // The same rules as domain/hardship.ts's screenPerson, for the Jiangmen full-minimum policy.
    const cutoff = under16Cutoff(referenceDate);
    const minFen = minimumYuan * 100;
    const members = LISTS.map((l) => `select id, ${sqlString(l.category)} as category from ${table(l.category)}`).join('\n      union all\n      ');
    const join = `create table results as
with m as (
  select id, array_agg(category order by category) as categories
  from (
      ${members}
  ) u
  group by id
), s as (
  select m.id, m.categories, r.village,
    case
      when r.id is null then 'ineligible'
      when r.status = '死亡' then 'ineligible'
      when r.pension = '是' then 'ineligible'
      when substr(m.id, 7, 8) > '${cutoff}' then 'ineligible'
      when r.status = '已参保' then 'covered'
      else 'to-mobilise'
    end as outcome,
    case
      when r.id is null then 'not-local'
      when r.status = '死亡' then 'deceased'
      when r.pension = '是' then 'drawing-pension'
      when substr(m.id, 7, 8) > '${cutoff}' then 'under-16'
    end as reason,
    greatest(${minFen}, coalesce(nullif(r.tier, '')::int * 100, nullif(r.last_tier, '')::int * 100, ${minFen})) as tier_fen
  from m left join roster r on r.id = m.id
)
select id, categories, village, outcome, reason,
  case when outcome in ('covered', 'to-mobilise') then tier_fen end as tier_fen,
  case when outcome in ('covered', 'to-mobilise') then least(${minFen}, tier_fen) else 0 end as gov_paid_fen
from s`;
    const j = await run(join);
    const memberRows = data.lists.reduce((a, l) => a + l.clean.rows, 0);
    steps.push({ label: 'join -> results', rows: memberRows, seconds: j.seconds });
    log(`  join: ${fmt(memberRows)} list rows in ${secs(j.seconds)} s`);

    const summary = await run(`select outcome, coalesce(reason, ''), count(*) from results group by 1, 2 order by 1, 2`);
    const counts: Counts = { listed: 0, covered: 0, toMobilise: 0, ineligible: 0, byReason: {} };
    for (const line of summary.stdout.trim().split('\n')) {
      const [outcome, reason, n] = line.split('|');
      const c = Number(n);
      counts.listed += c;
      if (outcome === 'covered') counts.covered += c;
      else if (outcome === 'to-mobilise') counts.toMobilise += c;
      else if (outcome === 'ineligible') {
        counts.ineligible += c;
        counts.byReason[reason] = (counts.byReason[reason] ?? 0) + c;
      }
    }
    await backends.stop();
    return {
      steps,
      totalSeconds: steps.reduce((a, s) => a + s.seconds, 0),
      psqlPeakRss: psqlPeak,
      backendPeakSingle: backends.peakSingle,
      backendPeakSum: backends.peakSum,
      counts,
      psqlPath,
    };
  } catch (e) {
    await backends.stop();
    throw e;
  }
}

// ---- app ----

interface Http {
  /** The app's own Temporal client, to see why a workflow is not finishing. */
  client: Client;
  /** The API client, signed in as an official of the plan's city. */
  api: ApiClient;
}

/** A call to `/api` + route as the signed-in official. */
function api<T>(h: Http, method: Method, route: string, body?: unknown): Promise<T> {
  return h.api.request<T>(method, `/api${route}`, body);
}

/** The raw file as the request body, streamed from disk. */
function upload(h: Http, campaignId: string, list: 'roster' | 'hardship', file: FileInfo): Promise<UploadView> {
  const body = rawBody(Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>, 'text/csv');
  return h.api.post<UploadView>(`/api/campaigns/${encodeURIComponent(campaignId)}/hardship/uploads?list=${list}`, body, {
    headers: { 'X-File-Name': encodeURIComponent(file.fileName) },
  });
}

const TERMINAL_IMPORT = new Set(['stored', 'refused', 'failed', 'superseded']);
/** An activity that has failed this many times in a row is reported, and its workflow terminated. */
const STUCK_ATTEMPTS = 3;

/**
 * What Temporal says about a workflow the read model still shows as running: a failing activity being
 * retried (with its last error), or the workflow itself closed. Undefined while all is well.
 */
async function stuckReason(h: Http, workflowId: string): Promise<string | undefined> {
  const d = await h.client.workflow.getHandle(workflowId).describe().catch(() => undefined);
  if (!d) return undefined;
  if (d.status.name !== 'RUNNING') return `workflow ${workflowId} is ${d.status.name} while the read model still says running`;
  for (const a of d.raw.pendingActivities ?? []) {
    if ((a.attempt ?? 0) >= STUCK_ATTEMPTS) {
      const f = a.lastFailure;
      const cause = f?.cause?.message ? ` (cause: ${f.cause.message})` : '';
      return `activity ${a.activityType?.name} failing, attempt ${a.attempt}: ${f?.message ?? '(no failure message)'}${cause}`;
    }
  }
  return undefined;
}

/** Milliseconds of a protobuf Timestamp. */
const tsMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);

/** Where a workflow's time went, from its history: each activity from scheduled to closed, with its attempts. */
async function timeline(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const scheduled = new Map<string, { name: string; at: number; attempts: number }>();
  const parts: string[] = [];
  for (const e of events) {
    const at = tsMs(e.eventTime);
    const sch = e.activityTaskScheduledEventAttributes;
    if (sch) scheduled.set(String(e.eventId), { name: sch.activityType?.name ?? '?', at, attempts: 0 });
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const s = scheduled.get(String(started.scheduledEventId));
      if (s) s.attempts = started.attempt ?? 1;
    }
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (closed) {
      const s = scheduled.get(String(closed.scheduledEventId));
      const how = e.activityTaskCompletedEventAttributes ? '' : e.activityTaskFailedEventAttributes ? ' FAILED' : ' TIMED OUT';
      if (s) parts.push(`${s.name} ${secs((at - s.at) / 1000)} s${s.attempts > 1 ? ` (${s.attempts} attempts)` : ''}${how}`);
    }
  }
  const total = events.length ? (tsMs(events[events.length - 1].eventTime) - tsMs(events[0].eventTime)) / 1000 : NaN;
  return `workflow ${secs(total)} s: ${parts.join(', ')}`;
}

/** Waits for an import to end; a stuck one is terminated and reported instead of waited on for the whole timeout. */
async function waitImport(
  h: Http,
  campaignId: string,
  importId: string,
  timeoutMs: number,
  label: string,
): Promise<{ view: ImportView; stuck?: string; stagesSeen?: string }> {
  const started = Date.now();
  // When each import stage was first seen in the progress (heartbeats are throttled: approximate).
  const seen = new Map<string, number>();
  const stagesSeen = () => (seen.size ? [...seen].map(([k, v]) => `${k} ${secs(v)} s`).join(', ') : undefined);
  let lastLog = Date.now();
  let lastCheck = Date.now();
  for (;;) {
    const v = await api<ImportView>(h, 'GET', `/campaigns/${encodeURIComponent(campaignId)}/hardship/imports/${encodeURIComponent(importId)}`);
    if (v.progress && !seen.has(v.progress.stage)) seen.set(v.progress.stage, secondsSince(started));
    if (TERMINAL_IMPORT.has(v.status)) return { view: v, stagesSeen: stagesSeen() };
    if (Date.now() - started > timeoutMs) throw new Error(`${label}: import ${importId} still ${v.status} after ${timeoutMs / 60000} min`);
    if (Date.now() - lastCheck >= 3_000) {
      lastCheck = Date.now();
      const stuck = await stuckReason(h, v.workflowId);
      if (stuck) {
        log(`  ${label}: STUCK: ${stuck}; terminating ${v.workflowId}`);
        await h.client.workflow.getHandle(v.workflowId).terminate('bench: stuck').catch(() => {});
        return { view: v, stuck, stagesSeen: stagesSeen() };
      }
    }
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      const p = v.progress;
      log(`  ${label}: ${v.status}${p ? `, ${p.stage}, ${fmt(p.rowsRead)} rows read, ${Math.round(p.fraction * 100)}%` : ''} (${secs(secondsSince(started))} s)`);
    }
    await sleep(pollDelay(started));
  }
}

interface Stage {
  label: string;
  rows: number;
  seconds: number;
  /** Server-side: finishedAt - createdAt (imports) or - startedAt (runs), summed. */
  serverSeconds?: number;
  peakRss: number;
  note?: string;
  /** Maxima of this process's heap and external memory during the stage. */
  memory?: string;
  /** Part of the clean path compared with the baseline. */
  compared: boolean;
}

interface AppMemory {
  devServerPeak: number | undefined;
  backendPeakSingle: number;
  backendPeakSum: number;
  appPeak: number;
}
interface AppResult {
  stages: Stage[];
  problems: string[];
  errorSamples: string[];
  counts?: Counts;
  run?: RunView;
  /** Workflows to explain at the end (label, workflow ID). */
  workflows: Array<{ label: string; workflowId: string }>;
  /** Their timelines (activity durations), read from Temporal before clean-up. */
  timelines: string[];
  /** This process's RSS before startRuntime (the bench alone, with tsx). */
  preRuntimeRss?: number;
  /** This process's RSS once the stack is up, before the first stage. */
  idleRss?: number;
  /** Reads the timelines while Temporal still runs (before clean-up). */
  readTimelines?: () => Promise<void>;
  /** Read while the processes still run (before clean-up). */
  memory?: () => AppMemory;
}

const serverSeconds = (v: { createdAt?: string; startedAt?: string; finishedAt: string | null }) => {
  const from = v.createdAt ?? v.startedAt;
  return from && v.finishedAt ? (Date.parse(v.finishedAt) - Date.parse(from)) / 1000 : NaN;
};

/** Fills `out` as it goes, so that a run that fails half-way still shows the stages it measured. */
async function runApp(adminUrl: string, data: DataSet, plan: PlanInput, rss: RssPeak, o: Options, out: AppResult): Promise<void> {
  const { problems, stages, errorSamples } = out;
  const timeoutMs = o.timeoutMinutes * 60_000;
  const toolsDir = path.resolve(projectRoot, loadLauncherConfig(process.env).TOOLS_DIR);
  const server = await startDevServer({ temporalCli: await ensureTemporalCli(toolsDir), headless: true });
  cleanups.push({ what: 'dev server', run: () => server.stop() });
  log(`dev server at ${server.address} (in memory)`);
  const db = await createBenchDatabase(adminUrl);
  cleanups.push({ what: 'drop app database', run: () => db.drop() });
  const dbName = new URL(db.url).pathname.slice(1);
  const taskQueue = `bench-screening-${randomBytes(4).toString('hex')}`;
  // Uploaded files are kept by their sha256 under UPLOAD_DIR: a folder of this run's own.
  const uploadDir = await mkdtemp(path.join(tmpdir(), 'bench-screening-uploads-'));
  cleanups.push({ what: 'upload folder', run: () => rm(uploadDir, { recursive: true, force: true }) });
  // As `npm start` runs it: API and worker in one process, so this process's RSS is the app's.
  const config = loadConfig({
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_UI_URL: '',
    LOG_LEVEL: 'warn',
    WEB_DIST: path.join(tmpdir(), 'bench-screening-no-web'),
    OUTBOX_POLL_SECONDS: '60',
    UPLOAD_DIR: uploadDir,
    AUTH_SECRET_KEY: randomBytes(32).toString('base64'),
    PAYLOAD_KEYS: `b1:${randomBytes(32).toString('base64')}`,
  });
  log(`app: startRuntime (API + worker) on task queue ${taskQueue}, read model in ${dbName}`);
  out.preRuntimeRss = process.memoryUsage().rss;
  const runtime = await startRuntime(config);
  cleanups.push({ what: 'app runtime', run: () => runtime.shutdown() });
  if (!runtime.app) throw new Error('startRuntime returned no app');
  const app = runtime.app;
  const listener = await new Promise<http.Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  cleanups.push({ what: 'http listener', run: () => new Promise<void>((r) => listener.close(() => r())) });
  const origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  // Every route needs a signed-in user: an official of the plan's city, second factor and all.
  const signedIn = await signIn(origin, await createAccount(runtime.auth!, 'official', plan.region.code, { username: 'bench-official', displayName: '压测' }));
  const h: Http = { client: runtime.client, api: signedIn.api };
  const backends = new BackendMemory(adminUrl, dbName);
  cleanups.push({ what: 'backend sampler', run: () => backends.stop() });
  out.readTimelines = async () => {
    for (const wf of out.workflows) {
      out.timelines.push(`${wf.label}: ${await timeline(h.client, wf.workflowId).catch((e: unknown) => `history not read: ${(e as Error).message}`)}`);
    }
  };
  out.memory = () => ({
    devServerPeak: processPeakRss(server.pid),
    backendPeakSingle: backends.peakSingle,
    backendPeakSum: backends.peakSum,
    appPeak: Math.max(0, ...stages.map((s) => s.peakRss)),
  });

  // The campaign: Jiangmen 2023 shifted to start today.
  const campaignId = plan.id;
  await api(h, 'POST', '/campaigns', { plan, actor: ACTOR });
  const launched = Date.now();
  let cancelled = false;
  const cancel = async () => {
    if (cancelled) return;
    cancelled = true;
    await api(h, 'POST', `/campaigns/${encodeURIComponent(campaignId)}/cancel`, { actor: ACTOR, reason: '基准测试结束' }).catch((e: unknown) =>
      log(`cancel failed: ${(e as Error).message}`),
    );
  };
  cleanups.push({ what: 'cancel campaign', run: cancel });
  for (;;) {
    const c = await api<{ status: string }>(h, 'GET', `/campaigns/${encodeURIComponent(campaignId)}`);
    if (c.status === 'running') break;
    if (Date.now() - launched > CAMPAIGN_READY_TIMEOUT_MS) throw new Error(`campaign ${campaignId} still ${c.status} after ${CAMPAIGN_READY_TIMEOUT_MS / 1000} s`);
    await sleep(500);
  }
  log(`campaign ${campaignId} running after ${secs(secondsSince(launched))} s`);
  await sleep(2000); // let the unit workflows settle so they do not count in the first stage
  const hardship = `/campaigns/${encodeURIComponent(campaignId)}/hardship`;
  const listDate = localDateOf(Date.now(), TIME_ZONE);

  rss.reset();
  const kinds = new MemoryKinds();
  cleanups.push({ what: 'memory sampler', run: async () => kinds.stop() });
  kinds.reset();
  out.idleRss = process.memoryUsage().rss;

  const uploadAll = async (label: string, files: Array<{ file: FileInfo; list: 'roster' | 'hardship' }>, compared: boolean) => {
    const started = Date.now();
    const views: UploadView[] = [];
    for (const f of files) {
      const v = await upload(h, campaignId, f.list, f.file);
      if (!v.mapping.ok) {
        problems.push(
          `upload ${f.file.fileName}: columns not matched (headers ${JSON.stringify(v.headers)}, missing ${JSON.stringify(v.mapping.missing ?? [])}, ambiguous ${JSON.stringify(v.mapping.ambiguous ?? [])})`,
        );
      }
      views.push(v);
    }
    const rows = files.reduce((a, f) => a + f.file.rows, 0);
    const bytes = files.reduce((a, f) => a + f.file.bytes, 0);
    stages.push({ label, rows, seconds: secondsSince(started), peakRss: rss.reset(), memory: kinds.reset(), note: size(bytes), compared });
    return views;
  };

  const importOne = async (upload: UploadView, list: 'roster' | 'hardship', l: ListFiles | undefined, label: string) => {
    const body =
      list === 'roster'
        ? { uploadId: upload.uploadId, list, screenAfter: false, actor: ACTOR }
        : { uploadId: upload.uploadId, list, category: l!.spec.category, department: l!.spec.department, listDate, screenAfter: false, actor: ACTOR };
    const started = await api<{ importId: string }>(h, 'POST', `${hardship}/imports`, body);
    const { view, stuck, stagesSeen } = await waitImport(h, campaignId, started.importId, timeoutMs, label);
    out.workflows.push({ label: `${label} import${stagesSeen ? ` (stages first seen at ${stagesSeen})` : ''}`, workflowId: view.workflowId });
    if (stuck) problems.push(`${label}: import ${view.id} stuck in '${view.status}': ${stuck}`);
    return { ...view, status: stuck ? `stuck (${view.status})` : view.status };
  };

  // 1. Roster.
  log(`upload roster (${fmt(data.roster.rows)} rows, ${size(data.roster.bytes)})`);
  const [rosterUpload] = await uploadAll('upload roster', [{ file: data.roster, list: 'roster' }], true);
  log(`import roster`);
  let t = Date.now();
  const roster = await importOne(rosterUpload, 'roster', undefined, 'roster');
  stages.push({
    label: 'import roster',
    rows: data.roster.rows,
    seconds: secondsSince(t),
    serverSeconds: serverSeconds(roster),
    peakRss: rss.reset(), memory: kinds.reset(),
    note: `${roster.status}, ${fmt(roster.rowsStored)} stored, ${fmt(roster.errorCount)} errors`,
    compared: true,
  });
  if (roster.status !== 'stored') {
    problems.push(`roster import ${roster.status}: ${roster.message ?? ''} ${JSON.stringify(roster.errors?.slice(0, 5) ?? [])}`);
    throw new Error(`roster import ended ${roster.status}${roster.message ? `: ${roster.message}` : ''}`);
  }
  if (roster.rowsStored !== data.roster.rows) problems.push(`roster: ${roster.rowsStored} rows stored, ${data.roster.rows} in the file`);

  // 2. Dirty lists: each refused whole, with its error report.
  log('upload and import the dirty lists (each must be refused)');
  const dirtyUploads = await uploadAll(
    'upload lists, dirty (4 files)',
    data.lists.map((l) => ({ file: l.dirty, list: 'hardship' as const })),
    false,
  );
  t = Date.now();
  let dirtyServer = 0;
  let errors = 0;
  let expectedErrors = 0;
  for (const [k, l] of data.lists.entries()) {
    const v = await importOne(dirtyUploads[k], 'hardship', l, `${l.spec.category} (dirty)`);
    dirtyServer += serverSeconds(v);
    errors += v.errorCount;
    const bad = Object.values(l.dirty.badRows).reduce((a, b) => a + b, 0);
    expectedErrors += bad + l.dirty.duplicateRows;
    if (v.status !== 'refused') problems.push(`dirty ${l.spec.category}: ${v.status} (expected refused); ${fmt(v.rowsStored)} rows stored, ${v.errorCount} errors`);
    const reasons = new Map<string, number>();
    for (const e of v.errors ?? []) {
      const key = `${e.column}: ${e.reason.replace(/“[^”]*”/g, '“…”').replace(/\d+/g, 'N')}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    errorSamples.push(
      `${l.spec.category} (${l.dirty.encoding}): ${v.status}, errorCount ${v.errorCount} (bad rows ${bad}: ${Object.entries(l.dirty.badRows)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')}; duplicate rows ${l.dirty.duplicateRows})${v.message ? `; message: ${v.message}` : ''}`,
      ...[...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([r, n]) => `    ${n} x ${r}`),
    );
  }
  const dirtyRows = data.lists.reduce((a, l) => a + l.dirty.rows, 0);
  stages.push({
    label: 'import lists, dirty -> refused',
    rows: dirtyRows,
    seconds: secondsSince(t),
    serverSeconds: dirtyServer,
    peakRss: rss.reset(), memory: kinds.reset(),
    note: `${fmt(errors)} errors reported, ${fmt(expectedErrors)} bad or duplicate rows in the files`,
    compared: false,
  });

  // 3. Clean lists: stored.
  log('upload and import the clean lists');
  const cleanUploads = await uploadAll(
    'upload lists, clean (4 files)',
    data.lists.map((l) => ({ file: l.clean, list: 'hardship' as const })),
    true,
  );
  t = Date.now();
  let cleanServer = 0;
  let stored = 0;
  for (const [k, l] of data.lists.entries()) {
    const v = await importOne(cleanUploads[k], 'hardship', l, `${l.spec.category} (clean)`);
    cleanServer += serverSeconds(v);
    stored += v.rowsStored;
    if (v.status !== 'stored') {
      problems.push(`clean ${l.spec.category}: ${v.status}: ${v.message ?? ''} ${JSON.stringify(v.errors?.slice(0, 5) ?? [])}`);
    } else if (v.rowsStored !== l.clean.rows) problems.push(`clean ${l.spec.category}: ${v.rowsStored} rows stored, ${l.clean.rows} in the file`);
  }
  const cleanRows = data.lists.reduce((a, l) => a + l.clean.rows, 0);
  stages.push({
    label: 'import lists, clean -> stored',
    rows: cleanRows,
    seconds: secondsSince(t),
    serverSeconds: cleanServer,
    peakRss: rss.reset(), memory: kinds.reset(),
    note: `${fmt(stored)} rows stored`,
    compared: true,
  });

  // 4. Screening.
  log('screening');
  t = Date.now();
  const { runId } = await api<{ runId: string }>(h, 'POST', `${hardship}/screenings`, { actor: ACTOR });
  let run: RunView;
  let lastLog = Date.now();
  let lastCheck = Date.now();
  let runStuck: string | undefined;
  let notFoundUntil: number | undefined;
  for (;;) {
    try {
      run = await api<RunView>(h, 'GET', `${hardship}/runs/${encodeURIComponent(runId)}`);
    } catch (e) {
      // The 202 came back before the run's row was written: tolerated for a while, and reported.
      if (!(e instanceof ApiError && e.status === 404) || Date.now() - t > RUN_ROW_GRACE_MS) throw e;
      notFoundUntil = Date.now();
      await sleep(100);
      continue;
    }
    if (notFoundUntil !== undefined) {
      problems.push(`POST /screenings answered 202 with runId ${runId}, but GET /runs/${runId} was 404 for ${secs((notFoundUntil - t) / 1000)} s after it`);
      notFoundUntil = undefined;
    }
    if (run.status !== 'running') break;
    if (Date.now() - t > timeoutMs) throw new Error(`screening run ${runId} still running after ${o.timeoutMinutes} min`);
    if (Date.now() - lastCheck >= 3_000) {
      lastCheck = Date.now();
      runStuck = await stuckReason(h, run.workflowId);
      if (runStuck) {
        log(`  screening: STUCK: ${runStuck}; terminating ${run.workflowId}`);
        await h.client.workflow.getHandle(run.workflowId).terminate('bench: stuck').catch(() => {});
        problems.push(`screening run ${runId} stuck: ${runStuck}`);
        break;
      }
    }
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log(`  screening: ${run.progress ? `${fmt(run.progress.done ?? 0)}/${fmt(run.progress.total ?? 0)}` : 'running'} (${secs(secondsSince(t))} s)`);
    }
    await sleep(pollDelay(t));
  }
  stages.push({
    label: 'screening',
    rows: cleanRows,
    seconds: secondsSince(t),
    serverSeconds: serverSeconds(run),
    peakRss: rss.reset(), memory: kinds.reset(),
    note: `${runStuck ? 'stuck' : run.status}${run.counts ? `, ${fmt(run.counts.listed)} people` : ''}`,
    compared: true,
  });
  if (run.status !== 'completed' && !runStuck) problems.push(`screening run ${run.status}`);
  const counts: Counts | undefined = run.counts
    ? { listed: run.counts.listed, covered: run.counts.covered, toMobilise: run.counts.toMobilise, ineligible: run.counts.ineligible, byReason: run.ineligibleByReason ?? {} }
    : undefined;

  out.counts = counts;
  out.run = run;
  out.workflows.push({ label: 'screening run', workflowId: run.workflowId });
  await cancel();
}

// ---- report ----

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
}

function countsLine(c: Counts): string {
  const reasons = ['not-local', 'deceased', 'drawing-pension', 'under-16'].map((r) => `${r} ${fmt(c.byReason[r] ?? 0)}`).join(', ');
  return `listed ${fmt(c.listed)}, covered ${fmt(c.covered)}, to mobilise ${fmt(c.toMobilise)}, ineligible ${fmt(c.ineligible)} (${reasons})`;
}

function sameCounts(a: Counts, b: Counts): boolean {
  const keys = new Set([...Object.keys(a.byReason), ...Object.keys(b.byReason)]);
  return (
    a.listed === b.listed &&
    a.covered === b.covered &&
    a.toMobilise === b.toMobilise &&
    a.ineligible === b.ineligible &&
    [...keys].every((k) => (a.byReason[k] ?? 0) === (b.byReason[k] ?? 0))
  );
}

async function main(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  const benchStarted = Date.now();
  if (!o.baselineOnly) installRuntime('warn');
  const rss = new RssPeak();
  cleanups.push({ what: 'rss sampler', run: async () => rss.stop() });
  log(`${cpus().length} CPU cores, load average ${load()} (1/5/15 min); other work on the machine skews the figures`);

  const toolsDir = path.resolve(projectRoot, loadLauncherConfig(process.env).TOOLS_DIR);
  const t0 = Date.now();
  const { data, reused } = await ensureDataSet({
    rosterRows: o.roster,
    listRows: o.lists,
    seed: o.seed,
    planFile: PLAN_FILE,
    rootDir: path.join(toolsDir, 'bench-screening'),
    log,
  });
  const dataSeconds = secondsSince(t0);
  log(`data ${reused ? 'reused' : `generated in ${secs(dataSeconds)} s`}: ${data.dir}`);
  const generatorPeak = rss.reset();

  // The campaign the app screens for, and the reference date the baseline uses for age: its year's 31 December.
  const today = localDateOf(Date.now(), TIME_ZONE);
  const source = parseYaml(readFileSync(PLAN_FILE, 'utf8')) as PlanInput;
  const plan = shiftPlanToStart(source, today, { id: `bench-screening-${Date.now().toString(36)}`, title: `【基准测试】${source.title}` });
  const hardshipPolicy = (plan as unknown as { contributionPolicy?: { hardship?: { minimum?: number; referenceDate?: string } } }).contributionPolicy?.hardship;
  const referenceDate = hardshipPolicy?.referenceDate ?? `${plan.year}-12-31`;

  const pg = await ensurePostgres(toolsDir);
  const loadBefore = load();
  const baseline = await runBaseline(pg.adminUrl, data, referenceDate, hardshipPolicy?.minimum ?? 120);

  let app: AppResult | undefined;
  let appMemory: AppMemory | undefined;
  let appError: string | undefined;
  if (!o.baselineOnly) {
    app = { stages: [], problems: [], errorSamples: [], workflows: [], timelines: [] };
    try {
      await runApp(pg.adminUrl, data, plan, rss, o, app);
    } catch (e) {
      appError = e instanceof Error ? e.message : String(e);
      log(`app run failed: ${(e as Error).stack ?? appError}`);
      process.exitCode = 1;
    }
    appMemory = app.memory?.();
    await app.readTimelines?.();
  }
  const loadAfter = load();

  const listRows = data.lists.reduce((a, l) => a + l.clean.rows, 0);
  const dirtyRows = data.lists.reduce((a, l) => a + l.dirty.rows, 0);
  const w = [34, 12, 9, 11, 9, 10];
  const lines = [
    '',
    `Screening benchmark: roster ${fmt(data.rosterRows)} rows, hardship lists ${fmt(listRows)} rows clean / ${fmt(dirtyRows)} dirty in ${data.lists.length} files; PostgreSQL (throwaway databases)`,
    `  machine       ${cpus().length} cores; load average ${loadBefore} before, ${loadAfter} after (1/5/15 min; other work on the machine counts)`,
    `  data          ${reused ? 'reused' : `generated in ${secs(data.generatedSeconds)} s`} (${data.dir}); ${data.villages} villages; ` +
      `${fmt(data.members.people)} people on the lists, ${fmt(data.members.notInRoster)} not in the roster, ${fmt(data.members.onTwoLists)} on two lists`,
    `  files         roster ${size(data.roster.bytes)}; ${data.lists.map((l) => `${l.spec.category} ${fmt(l.clean.rows)}${l.clean.encoding === 'gbk' ? ' GBK' : ''}`).join(', ')}`,
    `  reference     age on ${referenceDate} (campaign ${plan.id}, year ${plan.year})`,
    '',
    'Baseline: psql \\copy + one SQL join',
    pad(['  step', 'rows', 'seconds', 'rows/s'], w),
    ...baseline.steps.map((s) => pad([`  ${s.label}`, fmt(s.rows), secs(s.seconds), rate(s.rows, s.seconds)], w)),
    pad(['  total', '', secs(baseline.totalSeconds), ''], w),
    `  peak RSS: psql ${baseline.psqlPeakRss ? mb(baseline.psqlPeakRss) : 'n/a'}; PostgreSQL backend ${mb(baseline.backendPeakSingle)} (largest single, with shared buffers touched), ${mb(baseline.backendPeakSum)} (largest total)`,
    `  outcomes: ${countsLine(baseline.counts)}`,
  ];
  if (app) {
    const mem: AppMemory = appMemory ?? { devServerPeak: undefined, backendPeakSingle: 0, backendPeakSum: 0, appPeak: 0 };
    const complete = !appError && app.run !== undefined;
    const compared = app.stages.filter((s) => s.compared);
    const appTotal = compared.reduce((a, s) => a + s.seconds, 0);
    const wholeTotal = app.stages.reduce((a, s) => a + s.seconds, 0);
    const ratio = appTotal / baseline.totalSeconds;
    const verdict = (ok: boolean) => (!complete ? 'INCOMPLETE' : app.problems.length ? `${ok ? 'PASS' : 'MISS'} (but see Problems)` : ok ? 'PASS' : 'MISS');
    const countsMatch = app.counts ? sameCounts(app.counts, baseline.counts) : false;
    lines.push(
      '',
      `App: HTTP -> API -> Temporal workflow -> activities -> PostgreSQL (one process: API + worker)${complete ? '' : ' -- INCOMPLETE RUN'}`,
      pad(['  stage', 'rows', 'seconds', 'rows/s', 'server s', 'peak RSS'], w) + '  note',
      ...app.stages.map(
        (s) =>
          pad(
            [
              `  ${s.label}`,
              fmt(s.rows),
              secs(s.seconds),
              rate(s.rows, s.seconds),
              s.serverSeconds === undefined || Number.isNaN(s.serverSeconds) ? '' : secs(s.serverSeconds),
              mb(s.peakRss),
            ],
            w,
          ) + (s.note ? `  ${s.note}` : ''),
      ),
      ...(appError ? [`  FAILED: ${appError}`] : []),
      pad([`  total, clean path${complete ? ' (compared)' : ' so far'}`, '', secs(appTotal), '', '', ''], w) + '  uploads of the roster and clean lists, their imports, screening',
      pad(['  total, whole run', '', secs(wholeTotal), '', '', ''], w) + '  with the dirty uploads and refused imports',
      `  app / baseline                    ${ratio.toFixed(2)}x${complete ? '' : ' (incomplete)'}`,
      '',
      'Peak RSS',
      `  this process (API + worker)       ${mb(mem.appPeak)} during the stages (${app.idleRss ? mb(app.idleRss) : 'n/a'} idle before them, ${app.preRuntimeRss ? mb(app.preRuntimeRss) : 'n/a'} before startRuntime); ${mb(rss.overall)} overall (data ${reused ? 'reused' : `generation ${mb(generatorPeak)}`})`,
      `  Temporal dev server               ${mem.devServerPeak ? mb(mem.devServerPeak) : 'n/a'}`,
      `  PostgreSQL backends (app db)      ${mb(mem.backendPeakSingle)} largest single (with shared buffers touched), ${mb(mem.backendPeakSum)} largest total (private memory of all + shared once)`,
      `  psql (baseline)                   ${baseline.psqlPeakRss ? mb(baseline.psqlPeakRss) : 'n/a'}`,
      '',
      'Memory of this process by stage (maxima of each kind over the stage)',
      ...app.stages.map((st) => `  ${st.label.padEnd(32)}  rss ${mb(st.peakRss)}; ${st.memory ?? 'n/a'}`),
      ...(app.timelines.length ? ['', 'Where the time goes (Temporal histories)', ...app.timelines.map((t) => `  ${t}`)] : []),
      ...(app.errorSamples.length ? ['', 'Refused imports (dirty lists): errorCount and the reasons among the first 200 errors', ...app.errorSamples.map((s) => `  ${s}`)] : []),
      '',
      'Outcomes',
      `  app       ${app.counts ? countsLine(app.counts) : 'none'}`,
      `  baseline  ${countsLine(baseline.counts)}`,
      `  ${app.counts ? (countsMatch ? 'same counts' : 'COUNTS DIFFER') : 'no app counts'}`,
      ...(app.problems.length ? ['', 'Problems', ...app.problems.map((p) => `  - ${p}`)] : []),
      '',
      'Goals',
      `  clean path within ${GOAL_RATIO}x the baseline    ${verdict(ratio <= GOAL_RATIO)} (${ratio.toFixed(2)}x: ${secs(appTotal)} s vs ${secs(baseline.totalSeconds)} s)`,
      `  app peak RSS under 1 GiB          ${verdict(mem.appPeak < GOAL_RSS_BYTES)} (${(mem.appPeak / 2 ** 20).toFixed(1)} MiB)`,
    );
    if (!complete || !countsMatch || app.problems.length) process.exitCode = 1;
  } else {
    lines.push('', 'App: skipped (--baseline-only)');
  }
  lines.push('');
  process.stdout.write(lines.join('\n'));
  log(`done in ${secs(secondsSince(benchStarted))} s (cleaning up)`);
}

await runBench(main);
