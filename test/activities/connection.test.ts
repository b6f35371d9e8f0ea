// The database handle's own safety nets, on both databases: a query through the handle while a
// transaction of the same async flow is open is an error at once (on PGlite it used to freeze the whole
// process: issue 9), and on PostgreSQL lock waits and long statements end in an error, not a hang.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionMisuseError, openDatabase, rowsOf, type Database } from '../../db/client';
import { campaigns } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/** drizzle wraps a driver's error ("Failed query: …") with the original as its cause. */
async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    let err = e as Error;
    while (err.cause instanceof Error) err = err.cause;
    return err;
  }
  throw new Error('expected a failure');
}

describe.each(['pglite', 'postgres'] as const)('connection guard on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url, lockTimeoutMs: 300, statementTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });

  it('refuses a query through the outer handle inside a transaction, and the handle keeps working', async () => {
    const { db } = database;
    const started = Date.now();
    expect(
      await failureOf(
        db.transaction(async (tx) => {
          await tx.select().from(campaigns).for('update');
          await db.select().from(campaigns);
        }),
      ),
    ).toBeInstanceOf(ConnectionMisuseError);
    expect(await failureOf(db.transaction(async () => db.execute(sql`select 1`)))).toBeInstanceOf(ConnectionMisuseError);
    // A transaction opened from inside another one is the same mistake.
    expect(await failureOf(db.transaction(async () => db.transaction(async () => 1)))).toBeInstanceOf(ConnectionMisuseError);
    expect(Date.now() - started).toBeLessThan(2_000);
    // Nothing was left locked or half-open.
    expect(rowsOf<{ one: number }>(await db.execute(sql`select 1 as one`))[0].one).toBe(1);
    expect(await db.transaction(async (tx) => rowsOf<{ two: number }>(await tx.execute(sql`select 2 as two`))[0].two)).toBe(2);
  });

  it('lets independent requests query while another one holds a transaction', async () => {
    const { db } = database;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.execute(sql`select 1`);
      await held;
    });
    // Another request (its own async flow, outside the callback) may wait for the connection, never fail.
    const other = db.execute(sql`select 3 as three`);
    release();
    await tx;
    expect(rowsOf<{ three: number }>(await other)[0].three).toBe(3);
  });

  it.runIf(kind === 'postgres')('ends a lock wait with an error after the lock timeout', async () => {
    const { db } = database;
    await db.execute(sql`create table if not exists lock_probe (id int primary key)`);
    await db.execute(sql`insert into lock_probe values (1) on conflict do nothing`);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`select * from lock_probe where id = 1 for update`);
      locked();
      await held;
    });
    await isLocked;
    const started = Date.now();
    // A second connection (another request) waiting for the same row gives up after lock_timeout.
    const failure = db.execute(sql`update lock_probe set id = 1 where id = 1`);
    try {
      expect((await failureOf(failure)).message).toMatch(/lock timeout/);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      release();
      await holder;
    }
  });

  it.runIf(kind === 'postgres')('cancels a statement that runs past the statement timeout', async () => {
    expect((await failureOf(database.db.execute(sql`select pg_sleep(5)`))).message).toMatch(/statement timeout/);
  });
});
