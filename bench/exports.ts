// Export benchmark (issue 10): the memory and time of the hardship exports over HTTP, the real-name
// ledger (实名登记台账) of a whole city and its mobilisation list (待动员名单, a sheet per village), from
// a screening run of N people.
//
//   npm run bench:exports                      # 500,000 people on the local PostgreSQL (throwaway database)
//   npm run bench:exports -- --rows 100000 --pglite
//
// The API runs in this process (the app factory, the hardship routes, a signed-in official); the
// database is PostgreSQL in its own processes (or PGlite, embedded here: its memory then counts too).
// The download is read as a stream into a temporary file, so the client holds nothing; the figures are
// this process's growth over what it held before the request (RSS and V8 heap, sampled every 20 ms,
// after a GC), the time to the first byte and to the last, and the file's size. The file is then read
// back with formats/ to check its rows.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client';
import { openCopy, type CopyValue } from '../db/copy';
import { screeningRuns, units } from '../db/schema';
import { readRows } from '../formats/rows';
import { loadLauncherConfig } from '../server/config';
import { ensurePostgres, projectRoot } from '../scripts/tools';
import { Client, Connection } from '@temporalio/client';
import { startTestApp } from '../test/support/app';
import { createAccount, signIn, type ApiClient } from '../test/support/auth';
import { jiangmenPlan, seedCampaign } from '../test/support/plans';
import { cleanups, createBenchDatabase, log, runBench, secondsSince } from './common';

const CAMPAIGN = 'bench-exports';
const RUN = 'bench-exports-run';
const MiB = 1024 * 1024;

interface Options {
  rows: number;
  pglite: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rows: 500_000, pglite: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') o.rows = Number(argv[++i]);
    else if (argv[i] === '--pglite') o.pglite = true;
    else throw new Error('usage: tsx bench/exports.ts [--rows N] [--pglite]');
  }
  if (!(Number.isInteger(o.rows) && o.rows > 0)) throw new Error('--rows takes a positive whole number');
  return o;
}

const SURNAMES = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹');
const GIVEN = Array.from('伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊');
const CATEGORIES = [['dibao'], ['tekun'], ['severe-disability'], ['fanpin'], ['dibao', 'severe-disability']];

/** A screening run of `n` people over the campaign's villages, written with COPY as the screening writes it. */
async function seedRun(database: Database, n: number): Promise<{ toMobilise: number }> {
  const db = database.db;
  await seedCampaign(db, jiangmenPlan(CAMPAIGN));
  const villages = (await db.select({ code: units.code }).from(units).where(eq(units.campaignId, CAMPAIGN))).map((u) => u.code).filter((c) => c.length === 12);
  await db.insert(screeningRuns).values({ id: RUN, campaignId: CAMPAIGN, scope: null, status: 'completed', workflowId: `bench/${RUN}`, actor: '基准测试', finishedAt: new Date() });
  const columns = ['run_id', 'id_number', 'name', 'categories', 'village_code', 'outcome', 'reason', 'tier_fen', 'gov_paid_fen', 'personal_fen', 'subsidy_fen', 'change'];
  let toMobilise = 0;
  const copy = await openCopy(db, 'screening_results', columns);
  let batch: CopyValue[][] = [];
  for (let i = 0; i < n; i++) {
    const village = villages[(i * 7919) % villages.length];
    const kind = i % 10;
    const outcome = kind < 6 ? 'covered' : kind < 8 ? 'to-mobilise' : 'ineligible';
    if (outcome === 'to-mobilise') toMobilise++;
    const name = SURNAMES[i % SURNAMES.length] + GIVEN[(i >>> 3) % GIVEN.length] + (i % 3 ? GIVEN[(i >>> 7) % GIVEN.length] : '');
    batch.push([
      RUN,
      `${village.slice(0, 6)}${String(i).padStart(12, '0')}`,
      i % 5000 === 0 ? `=HYPERLINK("x")${name}` : name,
      CATEGORIES[i % CATEGORIES.length],
      village,
      outcome,
      outcome === 'ineligible' ? 'not-in-roster' : null,
      outcome === 'ineligible' ? null : 18000,
      outcome === 'covered' ? 12000 : outcome === 'to-mobilise' ? 12000 : 0,
      outcome === 'ineligible' ? 0 : 6000,
      outcome === 'ineligible' ? 0 : 3000,
      i % 17 === 0 ? 'added' : null,
    ]);
    if (batch.length === 10_000) {
      await copy.write(batch);
      batch = [];
    }
  }
  await copy.write(batch);
  await copy.end();
  return { toMobilise };
}

interface Measured {
  status: number;
  bytes: number;
  firstByteSeconds: number;
  seconds: number;
  rssGrowthMiB: number;
  heapGrowthMiB: number;
  file: string;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** One export downloaded into a file, with this process's memory sampled while it runs. */
async function measure(api: ApiClient, route: string, file: string): Promise<Measured> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const started = performance.now();
  const res = await api.get(route);
  const firstByteSeconds = (performance.now() - started) / 1000;
  const out = createWriteStream(file);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  return { status: res.status, bytes, firstByteSeconds, seconds, rssGrowthMiB: (peakRss - base.rss) / MiB, heapGrowthMiB: (peakHeap - base.heapUsed) / MiB, file };
}

/** Rows of each sheet of the downloaded workbook, read back as an import would (streamed). */
async function sheetRows(file: string, sheet: number): Promise<number> {
  let n = 0;
  for await (const _ of readRows(createReadStream(file), { fileName: path.basename(file), sheet, limits: { maxRows: 20_000_000, maxBytes: 2 ** 31, maxUncompressedBytes: 2 ** 34 } })) n++;
  return n;
}

async function main(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  if (!(globalThis as { gc?: unknown }).gc) log('no --expose-gc: figures include uncollected garbage from before the request');
  log(`${cpus().length} CPU cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')}: other work on the machine skews the figures`);
  let database: Database;
  if (o.pglite) {
    database = await openDatabase({});
  } else {
    const toolsDir = path.resolve(projectRoot, loadLauncherConfig(process.env).TOOLS_DIR);
    const pg = await ensurePostgres(toolsDir);
    const throwaway = await createBenchDatabase(pg.adminUrl);
    cleanups.push({ what: 'drop database', run: () => throwaway.drop() });
    database = await openDatabase({ url: throwaway.url });
  }
  cleanups.push({ what: 'database', run: () => database.close() });
  const dbLabel = database.kind === 'postgres' ? 'PostgreSQL (throwaway database)' : 'PGlite (in this process)';

  const t0 = Date.now();
  const { toMobilise } = await seedRun(database, o.rows);
  log(`${dbLabel}: a screening run of ${o.rows.toLocaleString('en')} people (${toMobilise.toLocaleString('en')} to mobilise) written in ${secondsSince(t0).toFixed(1)} s`);

  const dir = await mkdtemp(path.join(tmpdir(), 'bench-exports-'));
  cleanups.push({ what: 'temporary files', run: () => rm(dir, { recursive: true, force: true }) });
  // The exports read only the database: the app's Temporal client never connects.
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const t = await startTestApp({ database, client, taskQueue: 'bench-exports', uploadDir: dir, temporalUiUrl: null });
  cleanups.push({ what: 'server', run: t.close });
  const api = await signIn(t.origin, await createAccount(t.auth, 'official', '440700'));

  const base = `/api/campaigns/${CAMPAIGN}/hardship/runs/${RUN}`;
  const ledger = await measure(api, `${base}/ledger.xlsx`, path.join(dir, 'ledger.xlsx'));
  const mobilisation = await measure(api, `${base}/mobilisation.xlsx`, path.join(dir, 'mobilisation.xlsx'));
  for (const [label, m] of [['ledger', ledger], ['mobilisation list', mobilisation]] as const) {
    if (m.status !== 200) throw new Error(`${label}: HTTP ${m.status}`);
    log(
      `${label.padEnd(17)} ${(m.bytes / MiB).toFixed(1)} MiB: first byte after ${m.firstByteSeconds.toFixed(2)} s, last after ${m.seconds.toFixed(2)} s; ` +
        `this process grew by at most ${m.rssGrowthMiB.toFixed(0)} MiB RSS, ${m.heapGrowthMiB.toFixed(0)} MiB heap`,
    );
  }
  // The ledger holds every person under three header rows; read back to be sure what was measured is whole.
  const ledgerRows = await sheetRows(ledger.file, 0);
  if (ledgerRows !== o.rows + 3) throw new Error(`the ledger has ${ledgerRows} rows, expected ${o.rows + 3}`);
  log(`ledger read back: ${ledgerRows.toLocaleString('en')} rows (${(await stat(ledger.file)).size.toLocaleString('en')} bytes)`);
}

await runBench(main);
