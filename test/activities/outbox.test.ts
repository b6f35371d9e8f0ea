// The outbox on both databases: enqueueing is idempotent, and the dispatcher delivers every row to
// every channel exactly once, through a webhook and an SMTP server that fail before they recover.
// "Now" is a clock the test moves, so the backoff schedule is asserted to the millisecond.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelsFrom, createOutboxActivities, type NotifyConfig } from '../../activities/outbox';
import type { OutboxMessage } from '../../contracts/outbox';
import { MAX_ATTEMPTS, backoffMs, enqueue } from '../../services/outbox';
import { openDatabase, type Database } from '../../db/client';
import { inboxMessages, outbox } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

interface WebhookHit {
  key: string;
  status: number;
  body: Record<string, unknown>;
}

/** Answers 500 to its first `failFirst` requests, then 200 (after `delayMs`). */
async function webhookReceiver(failFirst: number, delayMs = 0) {
  const hits: WebhookHit[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const status = hits.length < failFirst ? 500 : 200;
      hits.push({ key: String(req.headers['idempotency-key']), status, body: JSON.parse(raw) });
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'boom'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Rejects its first `rejectFirst` messages with 451, then accepts; no auth, no TLS. */
async function smtpReceiver(rejectFirst: number) {
  const received: Array<{ messageId: string; accepted: boolean; raw: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        const messageId = /^Message-ID:\s*(.+)$/im.exec(raw)?.[1].trim() ?? '';
        const accepted = received.length >= rejectFirst;
        received.push({ messageId, accepted, raw });
        if (accepted) return callback();
        callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const messages = (n: number, prefix = 'esc'): OutboxMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}/${i}/4407${String(i).padStart(2, '0')}`,
    campaignId: null,
    kind: 'escalation',
    refId: `${prefix}/${i}`,
    recipient: `4407${String(i).padStart(2, '0')}`,
    subject: `催报 ${i}`,
    body: `第 ${i} 号单位未按期报送。`,
    payload: { index: i },
  }));

describe.each(['pglite', 'postgres'] as const)('outbox on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  const closers: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    expect(database.kind).toBe(kind);
  });
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
    await database?.close();
    await pg?.drop();
    pg = undefined;
  });

  const rows = () => database.db.select().from(outbox).orderBy(asc(outbox.id));

  it('enqueues one row per message and channel, once however often it is called', async () => {
    const config: NotifyConfig = { NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook', SMTP_URL: 'smtp://127.0.0.1:9', SMTP_FROM: 'x <a@b.c>', NOTIFY_EMAIL_TO: ' ops@example.test , ' };
    expect(channelsFrom(config)).toEqual({ webhook: true, email: true });
    expect(channelsFrom({ ...config, NOTIFY_EMAIL_TO: undefined })).toEqual({ webhook: true, email: false });
    expect(channelsFrom({ SMTP_FROM: 'x <a@b.c>' } as NotifyConfig)).toEqual({ webhook: false, email: false });

    const msgs = messages(3);
    // Inside the caller's transaction, like the escalation and circular activities do it.
    expect(await database.db.transaction((tx) => enqueue(tx, msgs, { webhook: true, email: true }))).toBe(9);
    expect(await enqueue(database.db, msgs, { webhook: true, email: true })).toBe(0);
    expect(await enqueue(database.db, msgs, { webhook: false, email: false })).toBe(0);
    const all = await rows();
    expect(all.map((r) => r.id)).toEqual(msgs.flatMap((m) => ['console', 'email', 'webhook'].map((c) => `${m.id}#${c}`)).sort());
    expect(all[0]).toMatchObject({ status: 'pending', attempts: 0, lastError: null, kind: 'escalation', payload: { index: 0 } });

    // A rolled-back record takes its notifications with it.
    await expect(
      database.db.transaction(async (tx) => {
        await enqueue(tx, messages(1, 'rolled-back'), { webhook: false, email: false });
        throw new Error('record failed');
      }),
    ).rejects.toThrow('record failed');
    expect(await rows()).toHaveLength(9);
  });

  it('delivers every row exactly once through a failing webhook and SMTP server, with deterministic backoff', async () => {
    const hook = await webhookReceiver(3);
    const mail = await smtpReceiver(2);
    closers.push(hook.close, mail.close);
    const config: NotifyConfig = { NOTIFY_WEBHOOK_URL: hook.url, SMTP_URL: mail.url, SMTP_FROM: '城乡居保征缴 <noreply@campaigns.test>', NOTIFY_EMAIL_TO: 'ops@example.test,duty@example.test' };
    const msgs = messages(5);
    expect(await enqueue(database.db, msgs, channelsFrom(config))).toBe(15);

    const t0 = Date.now() + 1_000;
    let now = t0;
    const acts = createOutboxActivities(database.db, config, { now: () => now });
    const first = await acts.dispatchOutbox({});
    // Every console row; webhook and mail each tried once, failed, and skipped for the rest of the run.
    expect(first).toMatchObject({ delivered: 5, failed: 2, pending: 10, nextAttemptAt: t0 + backoffMs(1) });
    const failedFirst = (await rows()).filter((r) => r.attempts === 1);
    expect(failedFirst.map((r) => [r.channel, r.lastError, r.nextAttemptAt.getTime()]).sort()).toEqual([
      ['email', 'SMTP 451 (EMESSAGE)', t0 + 2_000],
      ['webhook', 'webhook answered HTTP 500', t0 + 2_000],
    ]);

    let runs = 1;
    for (let r = first; r.pending > 0; runs++) {
      expect(runs).toBeLessThan(30);
      now = Math.max(now + 1, r.nextAttemptAt!);
      r = await acts.dispatchOutbox({});
    }
    // Nothing left: further runs do nothing.
    expect(await acts.dispatchOutbox({})).toEqual({ delivered: 0, failed: 0, pending: 0, nextAttemptAt: null });

    const all = await rows();
    expect(all.every((r) => r.status === 'delivered' && r.deliveredAt !== null)).toBe(true);
    const attempts = (channel: string) => all.filter((r) => r.channel === channel).reduce((n, r) => n + r.attempts, 0);
    expect([attempts('console'), attempts('webhook'), attempts('email')]).toEqual([0, 3, 2]);
    for (const r of all.filter((r) => r.attempts > 0)) {
      expect(r.lastError).toBe(r.channel === 'webhook' ? 'webhook answered HTTP 500' : 'SMTP 451 (EMESSAGE)');
    }

    // Console: each message in the inbox exactly once, under the outbox row's id.
    const inbox = await database.db.select().from(inboxMessages).orderBy(asc(inboxMessages.id));
    expect(inbox.map((m) => m.id)).toEqual(msgs.map((m) => `${m.id}#console`).sort());
    expect(inbox[0]).toMatchObject({ recipient: '440700', subject: '催报 0', body: '第 0 号单位未按期报送。', kind: 'escalation', readAt: null });

    // Webhook: 3 failures, then each Idempotency-Key answered 2xx exactly once.
    expect(hook.hits).toHaveLength(8);
    const ok = hook.hits.filter((h) => h.status === 200).map((h) => h.key);
    expect(ok.sort()).toEqual(msgs.map((m) => `${m.id}#webhook`).sort());
    expect(hook.hits.filter((h) => h.status === 500).every((h) => ok.includes(h.key))).toBe(true);
    const hit = hook.hits.find((h) => h.key === `${msgs[1].id}#webhook`)!;
    expect(hit.body).toMatchObject({ id: hit.key, kind: 'escalation', refId: 'esc/1', recipient: '440701', subject: '催报 1', body: '第 1 号单位未按期报送。', payload: { index: 1 } });
    expect(typeof hit.body.createdAt).toBe('string');

    // SMTP: 2 rejected, then each message accepted exactly once; a retry carries the same Message-ID.
    expect(mail.received).toHaveLength(7);
    const accepted = mail.received.filter((m) => m.accepted).map((m) => m.messageId);
    expect(new Set(accepted).size).toBe(5);
    expect(accepted.every((id) => /^<outbox\.[0-9a-f]{32}@campaigns\.test>$/.test(id))).toBe(true);
    expect(mail.received.filter((m) => !m.accepted).every((m) => accepted.includes(m.messageId))).toBe(true);
    expect(mail.received[0].raw).toMatch(/^To: ops@example\.test, duty@example\.test$/m);
  });

  it('backs off 2 s, 4 s, 8 s ... up to 10 minutes, and marks a row dead after 50 attempts', async () => {
    const hook = await webhookReceiver(Number.MAX_SAFE_INTEGER);
    closers.push(hook.close);
    const config: NotifyConfig = { NOTIFY_WEBHOOK_URL: hook.url, SMTP_FROM: 'x <a@b.c>' };
    await enqueue(database.db, messages(1), { webhook: true, email: false });
    let now = Date.now() + 1_000;
    const acts = createOutboxActivities(database.db, config, { now: () => now });
    expect(await acts.dispatchOutbox({})).toMatchObject({ delivered: 1, failed: 1, pending: 1 });
    const delays: number[] = [];
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const [row] = await database.db.select().from(outbox).where(eq(outbox.channel, 'webhook'));
      expect(row).toMatchObject({ status: 'pending', attempts: attempt });
      delays.push(row.nextAttemptAt.getTime() - now);
      // Not due a millisecond early.
      now = row.nextAttemptAt.getTime() - 1;
      expect(await acts.dispatchOutbox({})).toMatchObject({ failed: 0, nextAttemptAt: row.nextAttemptAt.getTime() });
      now += 1;
      await acts.dispatchOutbox({});
    }
    expect(delays.slice(0, 10)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 600].map((s) => s * 1000));
    expect(new Set(delays.slice(9))).toEqual(new Set([600_000]));
    const [dead] = await database.db.select().from(outbox).where(eq(outbox.channel, 'webhook'));
    expect(dead).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, lastError: 'webhook answered HTTP 500', deliveredAt: null });
    expect(hook.hits).toHaveLength(MAX_ATTEMPTS);
    // A dead row stays visible but is not pending.
    expect(await acts.dispatchOutbox({})).toEqual({ delivered: 0, failed: 0, pending: 0, nextAttemptAt: null });
  });

  it('never lets two dispatchers send the same row', async () => {
    const hook = await webhookReceiver(0, 5);
    closers.push(hook.close);
    const config: NotifyConfig = { NOTIFY_WEBHOOK_URL: hook.url, SMTP_FROM: 'x <a@b.c>' };
    const msgs = messages(30, 'circular');
    await enqueue(database.db, msgs, { webhook: true, email: false });
    // Two workers: on PostgreSQL each with its own connection pool.
    const second = kind === 'postgres' ? await openDatabase({ url: pg!.url }) : undefined;
    if (second) closers.push(second.close);
    const a = createOutboxActivities(database.db, config);
    const b = createOutboxActivities((second ?? database).db, config);
    const [ra, rb] = await Promise.all([a.dispatchOutbox({}), b.dispatchOutbox({})]);
    expect(ra.delivered + rb.delivered).toBe(60);
    expect(await a.dispatchOutbox({})).toMatchObject({ delivered: 0, pending: 0 });
    if (kind === 'postgres') expect(Math.min(ra.delivered, rb.delivered)).toBeGreaterThan(0);
    expect(hook.hits.map((h) => h.key).sort()).toEqual(msgs.map((m) => `${m.id}#webhook`).sort());
    expect(await database.db.select().from(inboxMessages)).toHaveLength(30);
  });
});

describe('backoffMs', () => {
  it('doubles from 2 s and stops at 10 minutes', () => {
    expect([1, 2, 3, 9, 10, 11, 49, 1000].map(backoffMs)).toEqual([2_000, 4_000, 8_000, 512_000, 600_000, 600_000, 600_000, 600_000]);
  });
});
