// The outbox dispatcher on the time-skipping test server, with the real workflow bundle and the real
// outbox activities on PGlite; only the webhook endpoint is a local stand-in. The activities read the
// test server's clock, so rows come due exactly when the dispatcher's timers fire.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxActivities, type NotifyConfig } from '../../activities/outbox';
import type { OutboxMessage } from '../../contracts/outbox';
import { enqueue } from '../../services/outbox';
import { openDatabase, type Database } from '../../db/client';
import { inboxMessages, outbox } from '../../db/schema';
import { ensureOutboxDispatcher, pokeOutboxDispatcher } from '../../server/outbox';
import { OUTBOX_WORKFLOW_ID } from '../../contracts/outbox';
import { timeSkippingEnv, workflowBundle, keepHistory } from '../support/temporal';

/** Answers 500 to its first `failFirst` requests, then 200. */
async function webhookReceiver(failFirst: number) {
  const hits: Array<{ key: string; status: number }> = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = hits.length < failFirst ? 500 : 200;
      hits.push({ key: String(req.headers['idempotency-key']), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const messages = (n: number, prefix: string): OutboxMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}/${i}/44070${i}`,
    campaignId: null,
    kind: 'circular',
    refId: `${prefix}/${i}`,
    recipient: `44070${i}`,
    subject: `通报 ${i}`,
    body: `第 ${i} 期通报已发布。`,
  }));

// One server per test: a workflow task left behind by one test would stop time skipping for the next.
let env: TestWorkflowEnvironment;
let database: Database;
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
beforeEach(async () => {
  env = await timeSkippingEnv();
  database = await openDatabase({});
  hook = await webhookReceiver(2);
});
afterEach(async () => {
  await hook?.close();
  await database?.close();
  await env?.teardown();
});

async function dispatcherWorker() {
  const config: NotifyConfig = { NOTIFY_WEBHOOK_URL: hook.url, SMTP_FROM: 'x <noreply@campaigns.test>' };
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createOutboxActivities(database.db, config, { now: () => env.currentTimeMs() }),
  });
  return { worker, taskQueue };
}

const statuses = async () => (await database.db.select().from(outbox).orderBy(asc(outbox.id))).map((r) => r.status);

/** Checks `done` between steps of `step` (a skip of server time, or a short real wait), up to `tries` times. */
async function until(done: () => Promise<boolean>, step: () => Promise<void>, tries = 60): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await done()) return;
    await step();
  }
  throw new Error('condition not reached');
}

describe('the outbox dispatcher workflow', () => {
  it('delivers every row once through a webhook that fails twice, waiting out the backoff on durable timers', async () => {
    const msgs = messages(4, 'circular-a');
    expect(await enqueue(database.db, msgs, { webhook: true, email: false })).toBe(8);
    const { worker, taskQueue } = await dispatcherWorker();

    await worker.runUntil(async () => {
      // An hour's poll: the retries are driven by the rows' own due times, not by polling.
      const handle = await ensureOutboxDispatcher(env.client, taskQueue, 3600, { historyLimit: 20 });
      const again = await ensureOutboxDispatcher(env.client, taskQueue, 3600, { historyLimit: 20 });
      expect(again.firstExecutionRunId).toBe(handle.firstExecutionRunId);
      const started = await env.currentTimeMs();

      await until(
        async () => (await statuses()).every((s) => s === 'delivered'),
        () => env.sleep(1_000),
      );
      // Two failures cost 2 s of backoff each (the second on another row, tried after the first's
      // channel was skipped): everything is through well before the hour's poll.
      expect((await env.currentTimeMs()) - started).toBeLessThan(60_000);

      // It continued as new along the way (history limit 20) and is still the one singleton.
      const latest = await env.client.workflow.getHandle(OUTBOX_WORKFLOW_ID).describe();
      expect(latest.status.name).toBe('RUNNING');
      expect(latest.runId).not.toBe(handle.firstExecutionRunId);
      await keepHistory(env.client, OUTBOX_WORKFLOW_ID, 'outbox-dispatcher');
      await env.client.workflow.getHandle(OUTBOX_WORKFLOW_ID).terminate('test over');
    });

    expect(hook.hits.filter((h) => h.status === 500)).toHaveLength(2);
    const ok = hook.hits.filter((h) => h.status === 200).map((h) => h.key);
    expect(ok.sort()).toEqual(msgs.map((m) => `${m.id}#webhook`).sort());
    const inbox = await database.db.select().from(inboxMessages).orderBy(asc(inboxMessages.id));
    expect(inbox.map((m) => m.id)).toEqual(msgs.map((m) => `${m.id}#console`).sort());
    const failed = await database.db.select().from(outbox).where(eq(outbox.channel, 'webhook'));
    expect(failed.reduce((n, r) => n + r.attempts, 0)).toBe(2);
  });

  it('delivers at once when poked, without waiting for the poll', async () => {
    const { worker, taskQueue } = await dispatcherWorker();
    await worker.runUntil(async () => {
      await ensureOutboxDispatcher(env.client, taskQueue, 3600);
      // The first run finds nothing and waits an hour; this test never skips time, so only the poke can wake it.
      await until(
        async () => (await env.client.workflow.getHandle(OUTBOX_WORKFLOW_ID).fetchHistory()).events!.some((e) => e.timerStartedEventAttributes),
        () => new Promise((r) => setTimeout(r, 100)),
        100,
      );
      const msgs = messages(2, 'circular-b');
      await enqueue(database.db, msgs, { webhook: false, email: false });
      await pokeOutboxDispatcher(env.client);
      await until(
        async () => (await statuses()).every((s) => s === 'delivered'),
        () => new Promise((r) => setTimeout(r, 100)),
        100,
      );
      expect(await database.db.select().from(inboxMessages)).toHaveLength(2);
      await env.client.workflow.getHandle(OUTBOX_WORKFLOW_ID).terminate('test over');
    });
    // Poking a dispatcher that is not running is not an error.
    await expect(pokeOutboxDispatcher(env.client)).resolves.toBeUndefined();
  });
});
