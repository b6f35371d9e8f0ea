// Helpers shared by the benchmarks: logging, peak memory, a throwaway PostgreSQL database, clean-up.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import postgres from 'postgres';
import { openDatabase, type Database } from '../db/client';
import { dropForce } from '../test/support/postgres';
import { loadLauncherConfig } from '../server/config';
import { ensurePostgres, ensureTemporalCli, projectRoot, startDevServer, type DevServer } from '../scripts/tools';

export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const secondsSince = (t: number) => (Date.now() - t) / 1000;
export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Peak RSS of this process (both workers, the client and PGlite), sampled every 100 ms. */
export class RssPeak {
  overall = 0;
  window = 0;
  private timer = setInterval(() => this.sample(), 100);
  constructor() {
    this.timer.unref();
    this.sample();
  }
  sample(): void {
    const rss = process.memoryUsage().rss;
    this.overall = Math.max(this.overall, rss);
    this.window = Math.max(this.window, rss);
  }
  /** Starts a new measurement window and returns the peak of the one before. */
  reset(): number {
    this.sample();
    const previous = this.window;
    this.window = process.memoryUsage().rss;
    return previous;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Peak RSS of another process (the dev server), from Linux's high-water mark; undefined elsewhere. */
export function processPeakRss(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs fn(0..n-1) with at most `concurrency` calls in flight. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** A throwaway database on the local PostgreSQL, dropped (FORCE) by the returned function. */
export async function createBenchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `campaigns_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = () => postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const sqlc = admin();
  try {
    await sqlc.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await sqlc.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const s = admin();
      try {
        await dropForce(s, name);
      } finally {
        await s.end({ timeout: 5 });
      }
    },
  };
}

/** Clean-up steps, run last-in first-out, each on its own so that one failing does not skip the rest. */
export const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
export async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    const step = cleanups.pop()!;
    await step.run().catch((e: unknown) => log(`clean-up (${step.what}) failed: ${(e as Error).message}`));
  }
}


export interface BenchStack {
  server: DevServer;
  database: Database;
  dbLabel: string;
  client: Client;
  native: NativeConnection;
}

/**
 * A headless in-memory dev server, the read model (PGlite, or with `usePostgres` a throwaway
 * PostgreSQL database), a client and a worker connection; each registers its own clean-up.
 */
export async function startBenchStack(usePostgres: boolean): Promise<BenchStack> {
  const toolsDir = path.resolve(projectRoot, loadLauncherConfig(process.env).TOOLS_DIR);
  const [temporalCli, pg] = await Promise.all([ensureTemporalCli(toolsDir), usePostgres ? ensurePostgres(toolsDir) : undefined]);
  const server: DevServer = await startDevServer({ temporalCli, headless: true });
  cleanups.push({ what: 'dev server', run: () => server.stop() });
  log(`dev server at ${server.address} (in memory)`);

  let database: Database;
  if (pg) {
    const throwaway = await createBenchDatabase(pg.adminUrl);
    cleanups.push({ what: 'drop database', run: () => throwaway.drop() });
    database = await openDatabase({ url: throwaway.url });
  } else {
    database = await openDatabase({});
  }
  cleanups.push({ what: 'database', run: () => database.close() });
  const dbLabel = database.kind === 'postgres' ? 'PostgreSQL (throwaway database)' : 'PGlite (in memory)';

  const connection = await Connection.connect({ address: server.address });
  cleanups.push({ what: 'client connection', run: () => connection.close() });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: server.address });
  cleanups.push({ what: 'worker connection', run: () => native.close() });
  return { server, database, dbLabel, client, native };
}

/** Runs a benchmark's main: Ctrl-C and failures still stop the workers and the server and drop the throwaway database. */
export async function runBench(main: (argv: string[]) => Promise<void>): Promise<void> {
  process.once('SIGINT', () => {
    log('interrupted: cleaning up');
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    log(`failed: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}
