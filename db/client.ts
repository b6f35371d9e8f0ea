// One database handle for PGlite (embedded default) and PostgreSQL (DATABASE_URL), with the same
// schema and the same committed migrations applied at start.
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
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {} });
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
  return {
    db: pdb as unknown as Db,
    kind: 'pglite',
    ping: async () => {
      await pdb.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}
