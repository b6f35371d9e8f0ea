// The toolchain the other suites stand on: each piece works the way they use it, and asking again is
// cheap (every `ensure*` runs before every test run).
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureChromium, ensurePostgres, ensureTemporalCli, ensureTestServer, internals } from '../../scripts/tools';
import { startDevServer } from '../support/devServer';
import { createTestDatabase } from '../support/postgres';
import { toolchain } from '../support/toolchain';

describe('toolchain', () => {
  it('provides executables', async () => {
    const t = toolchain();
    for (const file of [t.temporalCli, t.testServer, t.chromium]) await access(file, constants.X_OK);
    expect(t.postgresAdminUrl).toMatch(/^postgres:\/\/campaigns_test:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
  });

  it('answers a second ensure quickly with the same paths', async () => {
    const t = toolchain();
    const started = Date.now();
    expect(await ensureTemporalCli(t.toolsDir)).toBe(t.temporalCli);
    expect(await ensureTestServer(t.toolsDir)).toBe(t.testServer);
    expect((await ensurePostgres(t.toolsDir)).adminUrl).toBe(t.postgresAdminUrl);
    expect(await ensureChromium(t.toolsDir)).toBe(t.chromium);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('runs the time-skipping test server through the SDK', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: toolchain().testServer } },
    });
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const before = await env.currentTimeMs();
      await env.sleep('30 days');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(30 * 86_400_000);
    } finally {
      await env.teardown();
    }
  });

  describe('test databases', () => {
    it('are separate, usable and dropped', async () => {
      const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
      expect(a.url).not.toBe(b.url);
      const sql = postgres(a.url, { max: 1, onnotice: () => {} });
      try {
        await sql`create table t (id int primary key)`;
        await sql`insert into t values (1)`;
        expect(await sql`select id from t`).toEqual([{ id: 1 }]);
      } finally {
        await sql.end();
      }
      await Promise.all([a.drop(), b.drop()]);
      const admin = postgres(toolchain().postgresAdminUrl, { max: 1 });
      try {
        const names = [a.url, b.url].map((u) => new URL(u).pathname.slice(1));
        expect(await admin`select datname from pg_database where datname in ${admin(names)}`).toEqual([]);
      } finally {
        await admin.end();
      }
    });
  });

  describe('dev server', () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('keeps its state in dbFile across restarts', async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'campaigns-dev-'));
      const dbFile = path.join(dir, 'temporal.db');
      const scheduleIds = async (address: string) => {
        const connection = await Connection.connect({ address });
        try {
          const client = new Client({ connection });
          const ids: string[] = [];
          for await (const s of client.schedule.list()) ids.push(s.scheduleId);
          return { client, ids, close: () => connection.close() };
        } catch (err) {
          await connection.close();
          throw err;
        }
      };

      const first = await startDevServer({ dbFile });
      try {
        expect(first.address).toMatch(/^127\.0\.0\.1:\d+$/);
        expect((await fetch(first.uiUrl!)).ok).toBe(true);
        const { client, close } = await scheduleIds(first.address);
        await client.schedule.create({
          scheduleId: 'survives-restart',
          spec: { intervals: [{ every: '1h' }] },
          action: { type: 'startWorkflow', workflowType: 'noop', taskQueue: 'nowhere' },
          state: { paused: true },
        });
        await close();
      } finally {
        await first.stop();
      }

      const second = await startDevServer({ dbFile, headless: true });
      try {
        expect(second.uiUrl).toBeUndefined();
        // Visibility is eventually consistent even on the dev server.
        await expect
          .poll(async () => {
            const { ids, close } = await scheduleIds(second.address);
            await close();
            return ids;
          })
          .toContain('survives-restart');
      } finally {
        await second.stop();
      }
    });
  });

  it('prefers the online main cluster of the newest version', () => {
    const c = (version: string, name: string, online: boolean) => ({ version, name, port: 5432, online });
    expect(internals.pickCluster([c('15', 'main', false), c('16', 'main', false)])).toEqual(c('16', 'main', false));
    expect(internals.pickCluster([c('16', 'main', false), c('15', 'main', true)])).toEqual(c('15', 'main', true));
    expect(internals.pickCluster([c('16', 'other', true), c('16', 'main', true)])).toEqual(c('16', 'main', true));
    expect(internals.pickCluster([])).toBeUndefined();
  });
});
