// A fresh PostgreSQL database per test (or per file), so that no test sees another's rows.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { toolchain } from './toolchain';

export interface TestDatabase {
  /** Connection string for the new database, as DATABASE_URL would give it. */
  url: string;
  drop(): Promise<void>;
}

const PREFIX = 'campaigns_test_';
const NAME_PATTERN = /^campaigns_test_([0-9a-z]{8,9})_[0-9a-f]{8}$/;

function admin(adminUrl: string) {
  return postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
}

/** The creation time is part of the name, so that leftovers of crashed runs can be told by age. */
function newDatabaseName(): string {
  return `${PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function createTestDatabase(adminUrl: string = toolchain().postgresAdminUrl): Promise<TestDatabase> {
  const name = newDatabaseName();
  const sql = admin(adminUrl);
  try {
    await sql.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      const sql = admin(adminUrl);
      try {
        await dropForce(sql, name);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** Drops test databases older than `maxAgeMs` (a parallel run's fresh ones are left alone). */
export async function pruneTestDatabases(adminUrl: string, maxAgeMs = 6 * 3600_000): Promise<string[]> {
  const sql = admin(adminUrl);
  try {
    const rows = await sql<{ datname: string }[]>`
      select datname from pg_database where datname like ${`${PREFIX}%`}`;
    const stale = rows
      .map((r) => r.datname)
      .filter((name) => {
        const match = NAME_PATTERN.exec(name);
        return match !== null && Date.now() - parseInt(match[1], 36) > maxAgeMs;
      });
    for (const name of stale) await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return stale;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * DROP DATABASE … WITH (FORCE): a pool the test forgot to close must not keep the database alive. FORCE
 * cannot end a superuser's backend, and right after heavy writes autovacuum may be working in the
 * database (insufficient_privilege, 42501): it yields, so the drop is tried again for up to a minute (after
 * bench:payments' 1.5 million-row tables, ten seconds were not enough).
 */
export async function dropForce(sql: postgres.Sql, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '42501' || attempt >= 240) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
