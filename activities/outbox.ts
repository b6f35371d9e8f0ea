// The notification outbox. Records that announce something (an escalation, a circular) enqueue their
// notifications in their own transaction, so a record and its notifications commit together; the
// dispatcher workflow then delivers each row to its channel, at least once, and retries with backoff.
// Receivers deduplicate on the row id: the inbox by primary key, webhooks by Idempotency-Key, mail
// clients by Message-ID. Message bodies are never logged.
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, lte, notInArray, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Db } from '../db/client';
import { activityContext } from './context';
import { inboxMessages, outbox, type OutboxRow } from '../db/schema';
import { OUTBOX_CHANNELS, type DispatchResult, type OutboxChannel, type OutboxMessage } from '../contracts/outbox';

export { OUTBOX_CHANNELS, OUTBOX_KINDS, OUTBOX_STATUSES, type DispatchResult, type OutboxChannel, type OutboxKind, type OutboxMessage, type OutboxStatus } from '../contracts/outbox';

/** Channels besides the console inbox, which is always on. */
export interface Channels {
  webhook: boolean;
  email: boolean;
}

/** The notification settings (server/config.ts parses them from the environment). */
export interface NotifyConfig {
  NOTIFY_WEBHOOK_URL?: string;
  SMTP_URL?: string;
  SMTP_FROM: string;
  NOTIFY_EMAIL_TO?: string;
}

export function channelsFrom(config: NotifyConfig): Channels {
  return { webhook: Boolean(config.NOTIFY_WEBHOOK_URL), email: Boolean(config.SMTP_URL) && emailRecipients(config).length > 0 };
}

function emailRecipients(config: NotifyConfig): string[] {
  return (config.NOTIFY_EMAIL_TO ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

export const outboxRowId = (messageId: string, channel: OutboxChannel) => `${messageId}#${channel}`;

/**
 * Inserts one row per message and channel. `tx` is the caller's transaction (or the database), so the
 * notifications commit with the record they announce. Returns the number of rows newly inserted.
 */
export async function enqueue(tx: Db, messages: OutboxMessage[], channels: Channels): Promise<number> {
  const enabled = OUTBOX_CHANNELS.filter((c) => c === 'console' || channels[c]);
  const rows = messages.flatMap((m) =>
    enabled.map((channel) => ({
      id: outboxRowId(m.id, channel),
      campaignId: m.campaignId,
      kind: m.kind,
      refId: m.refId,
      channel,
      recipient: m.recipient,
      subject: m.subject,
      body: m.body,
      payload: m.payload ?? {},
    })),
  );
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const done = await tx.insert(outbox).values(rows.slice(i, i + INSERT_CHUNK)).onConflictDoNothing().returning({ id: outbox.id });
    inserted += done.length;
  }
  return inserted;
}

const INSERT_CHUNK = 500;
/** A row failing this many times is marked dead: it stays visible, and is no longer tried. */
export const MAX_ATTEMPTS = 50;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60_000;
/** A claimed row is hidden from other dispatchers this long; longer than the activity's 2-minute start-to-close. */
const LEASE_MS = 5 * 60_000;
/** Stop claiming rows after this long, well within the activity's start-to-close timeout. */
const RUN_BUDGET_MS = 60_000;
const WEBHOOK_TIMEOUT_MS = 10_000;
const DEFAULT_LIMIT = 200;

/** Delay before the next attempt after `attempts` failures: 2 s, 4 s, 8 s, ... capped at 10 minutes. Deterministic. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

export interface OutboxDeps {
  fetch?: typeof fetch;
  smtpTransport?: { sendMail(mail: nodemailer.SendMailOptions): Promise<unknown> };
  /** The clock (epoch ms); tests pass a controlled one. */
  now?: () => number | Promise<number>;
}

/** Why a delivery failed, short and without secrets (no URLs, credentials or message text). */
class DeliveryError extends Error {}

export function createOutboxActivities(db: Db, config: NotifyConfig, deps: OutboxDeps = {}) {
  const doFetch = deps.fetch ?? fetch;
  const clock = deps.now ?? Date.now;
  const to = emailRecipients(config);
  let transport = deps.smtpTransport;
  const smtp = () =>
    (transport ??= config.SMTP_URL
      ? nodemailer.createTransport(config.SMTP_URL, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 })
      : undefined);
  const mailDomain = /@([^>\s]+)>?\s*$/.exec(config.SMTP_FROM)?.[1] ?? 'localhost';

  async function deliverWebhook(row: OutboxRow, signal: AbortSignal | undefined): Promise<void> {
    if (!config.NOTIFY_WEBHOOK_URL) throw new DeliveryError('webhook not configured');
    const timeout = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
    let res: Response;
    try {
      res = await doFetch(config.NOTIFY_WEBHOOK_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': row.id },
        body: JSON.stringify({
          id: row.id,
          campaignId: row.campaignId,
          kind: row.kind,
          refId: row.refId,
          recipient: row.recipient,
          subject: row.subject,
          body: row.body,
          payload: row.payload,
          createdAt: row.createdAt.toISOString(),
        }),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (e) {
      if (timeout.aborted) throw new DeliveryError(`webhook timed out after ${WEBHOOK_TIMEOUT_MS / 1000} s`);
      throw new DeliveryError(`webhook unreachable: ${errorCode(e)}`);
    }
    // The body is drained so the connection can be reused; its content is never kept.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new DeliveryError(`webhook answered HTTP ${res.status}`);
  }

  async function deliverEmail(row: OutboxRow): Promise<void> {
    const transporter = smtp();
    if (!transporter || to.length === 0) throw new DeliveryError('e-mail not configured');
    try {
      await transporter.sendMail({
        from: config.SMTP_FROM,
        to,
        subject: row.subject,
        text: row.body,
        // Derived from the row id: a resent message is recognisably the same one.
        messageId: `<outbox.${createHash('sha256').update(row.id).digest('hex').slice(0, 32)}@${mailDomain}>`,
        headers: { 'X-Outbox-Id': encodeURIComponent(row.id), 'X-Recipient-Region': row.recipient },
      });
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode;
      throw new DeliveryError(code ? `SMTP ${code} (${errorCode(e)})` : `SMTP failed: ${errorCode(e)}`);
    }
  }

  return {
    /**
     * Delivers due rows one by one until none is due, `limit` rows were tried or the run's time budget
     * is spent. Each row is claimed with a lease (FOR UPDATE SKIP LOCKED), so two dispatchers never
     * send the same row, and no transaction is held open while a channel is being called.
     */
    async dispatchOutbox(input: { limit?: number } = {}): Promise<DispatchResult> {
      const ctx = activityContext();
      const limit = input.limit ?? DEFAULT_LIMIT;
      const started = Date.now();
      let delivered = 0;
      let failed = 0;
      // A channel that failed is not tried again in this run: a dead endpoint costs one attempt per run.
      const failedChannels = new Set<OutboxChannel>();
      let now = await clock();

      for (let tried = 0; tried < limit && Date.now() - started < RUN_BUDGET_MS; tried++) {
        if (ctx?.cancellationSignal.aborted) break;
        ctx?.heartbeat({ delivered, failed });
        now = await clock();
        const leaseUntil = new Date(now + LEASE_MS);
        const due = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            and(
              eq(outbox.status, 'pending'),
              lte(outbox.nextAttemptAt, new Date(now)),
              failedChannels.size ? notInArray(outbox.channel, [...failedChannels]) : undefined,
            ),
          )
          .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
          .limit(1)
          .for('update', { skipLocked: true });
        const [row] = await db.update(outbox).set({ nextAttemptAt: leaseUntil }).where(inArray(outbox.id, due)).returning();
        if (!row) break;
        // Our lease is the fence: if it ran out and another dispatcher took the row, we do not overwrite it.
        const ours = and(eq(outbox.id, row.id), eq(outbox.status, 'pending'), eq(outbox.nextAttemptAt, leaseUntil));
        const channel = row.channel as OutboxChannel;
        try {
          if (channel === 'webhook') await deliverWebhook(row, ctx?.cancellationSignal);
          else if (channel === 'email') await deliverEmail(row);
          else if (channel !== 'console') throw new DeliveryError(`unknown channel ${JSON.stringify(String(channel).slice(0, 20))}`);
          const at = new Date(await clock());
          await db.transaction(async (tx) => {
            if (channel === 'console') {
              await tx
                .insert(inboxMessages)
                .values({
                  id: row.id,
                  campaignId: row.campaignId,
                  recipient: row.recipient,
                  kind: row.kind,
                  refId: row.refId,
                  subject: row.subject,
                  body: row.body,
                  createdAt: row.createdAt,
                })
                .onConflictDoNothing();
            }
            // attempts and lastError stay: a late delivery shows what held it up.
            await tx.update(outbox).set({ status: 'delivered', deliveredAt: at }).where(ours);
          });
          delivered++;
        } catch (e) {
          if (!(e instanceof DeliveryError)) throw e;
          failed++;
          failedChannels.add(channel);
          const attempts = row.attempts + 1;
          const at = await clock();
          await db
            .update(outbox)
            .set({
              attempts,
              lastError: e.message.slice(0, 200),
              status: attempts >= MAX_ATTEMPTS ? 'dead' : 'pending',
              nextAttemptAt: new Date(attempts >= MAX_ATTEMPTS ? at : at + backoffMs(attempts)),
            })
            .where(ours);
        }
      }

      const byChannel = await db
        .select({ channel: outbox.channel, n: sql<number>`count(*)::int`, next: sql<number>`(extract(epoch from min(${outbox.nextAttemptAt})) * 1000)::float8` })
        .from(outbox)
        .where(eq(outbox.status, 'pending'))
        .groupBy(outbox.channel);
      let pending = 0;
      let nextAttemptAt: number | null = null;
      for (const c of byChannel) {
        pending += c.n;
        let next = Math.round(Number(c.next));
        // Rows of a channel skipped after a failure are due, but not worth trying again at once.
        if (failedChannels.has(c.channel as OutboxChannel)) next = Math.max(next, now + BACKOFF_BASE_MS);
        nextAttemptAt = nextAttemptAt === null ? next : Math.min(nextAttemptAt, next);
      }
      return { delivered, failed, pending, nextAttemptAt };
    },
  };
}

export type OutboxActivities = ReturnType<typeof createOutboxActivities>;

/** A short error code, never a message that could carry a URL, credentials or the message itself. */
function errorCode(e: unknown): string {
  const err = e as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  const code = err?.cause?.code ?? err?.code ?? err?.name;
  return typeof code === 'string' ? code.slice(0, 40) : 'error';
}
