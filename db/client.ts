// One database handle for PGlite (embedded default) and PostgreSQL (DATABASE_URL), with the same
// schema and the same committed migrations applied at start.
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres, { type Sql } from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The driver under a Db, for what drizzle does not cover (COPY, cursors): PGlite (embedded) or postgres.js. */
export function driverOf(db: Db): { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; client: Sql } {
  const client = (db as unknown as { $client: unknown }).$client;
  return client instanceof PGlite ? { kind: 'pglite', client } : { kind: 'postgres', client: client as Sql };
}

export const isEmbedded = (db: Db) => driverOf(db).kind === 'pglite';

/** The rows of `db.execute(…)`: PGlite answers `{ rows }`, postgres.js the array itself. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Any two processes migrating one PostgreSQL database at once (api and worker) take turns. */
const MIGRATION_LOCK = 720_2023;

export interface DatabaseOptions {
  /** postgres:// URL; without it PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` (the default) keeps nothing. */
  pgliteDir?: string;
  /** Pool size for PostgreSQL. */
  max?: number;
  /**
   * PostgreSQL: a statement running longer is cancelled (ms; 0 = never). Bulk work that is long by
   * nature (COPY, the screening join) lifts it on its own reserved connection.
   */
  statementTimeoutMs?: number;
  /** PostgreSQL: waiting longer for a lock is an error (ms), so a lock mistake surfaces instead of hanging. */
  lockTimeoutMs?: number;
}

/** Defaults for every PostgreSQL connection (DATABASE_STATEMENT_TIMEOUT_MS / DATABASE_LOCK_TIMEOUT_MS override them). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 120_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A transaction left open and idle this long is ended by the server (a leak, not a hang). */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 300_000;

/**
 * Query through the database handle itself while a transaction of the same request or activity is
 * open. On PGlite (one connection) that query waits for the transaction, which waits for the query:
 * the whole process stops answering (issue 9's refusal freeze). On PostgreSQL it takes a second
 * connection, and a few such requests at once exhaust the pool the same way. So it is refused on both,
 * loudly: write in the transaction (`tx`), or after it.
 */
export class ConnectionMisuseError extends Error {
  constructor() {
    super('在事务内使用了事务外的数据库连接(请在事务中使用 tx,或在事务结束后再查询)');
    this.name = 'ConnectionMisuseError';
  }
}

/** Set while a transaction callback runs, in that callback's async context only. */
const insideTransaction = new AsyncLocalStorage<true>();

/** Wraps `begin` (the transaction entry) and the query methods of a driver object with the guard above. */
function guardTransactions<T extends object>(client: T, begin: keyof T, queries: (keyof T)[]): void {
  const target = client as Record<PropertyKey, unknown>;
  const start = target[begin as PropertyKey] as (...args: unknown[]) => Promise<unknown>;
  target[begin as PropertyKey] = function (this: unknown, ...args: unknown[]) {
    if (insideTransaction.getStore()) return Promise.reject(new ConnectionMisuseError());
    const cb = args[args.length - 1] as (...a: unknown[]) => unknown;
    args[args.length - 1] = (...a: unknown[]) => insideTransaction.run(true, () => cb(...a));
    return start.apply(client, args);
  };
  for (const q of queries) {
    const run = target[q as PropertyKey] as (...args: unknown[]) => unknown;
    target[q as PropertyKey] = function (...args: unknown[]) {
      if (insideTransaction.getStore()) throw new ConnectionMisuseError();
      return run.apply(client, args);
    };
  }
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const lock = postgres(opts.url, { max: 1, onnotice: () => {} });
    try {
      await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(drizzlePostgres({ client: lock }), { migrationsFolder: MIGRATIONS_FOLDER });
      await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    } finally {
      await lock.end();
    }
    const client = postgres(opts.url, {
      max: opts.max ?? 10,
      onnotice: () => {},
      connection: {
        statement_timeout: opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
        lock_timeout: opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
        idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
    });
    guardTransactions(client, 'begin', ['unsafe']);
    const db = drizzlePostgres({ client, schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = opts.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const pdb = drizzlePglite({ client, schema });
  await migratePglite(pdb, { migrationsFolder: MIGRATIONS_FOLDER });
  guardTransactions(client, 'transaction', ['query', 'exec', 'sql']);
  return {
    db: pdb as unknown as Db,
    kind: 'pglite',
    ping: async () => {
      await pdb.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}
