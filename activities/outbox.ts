// The outbox dispatcher's activity: delivers each due row to its channel (the console inbox, a webhook,
// e-mail), at least once, with backoff; the rows live in services/outbox.ts. Receivers deduplicate on the
// row id: the inbox by primary key, webhooks by Idempotency-Key, mail clients by Message-ID. Message
// bodies are never logged.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Db } from '../db/client';
import type { OutboxRow } from '../db/schema';
import type { DispatchResult, OutboxChannel } from '../contracts/outbox';
import * as outboxStore from '../services/outbox';
import type { Channels } from '../services/outbox';
import { activityContext } from './context';

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

/** A claimed row is hidden from other dispatchers this long; longer than the activity's 2-minute start-to-close. */
const LEASE_MS = 5 * 60_000;
/** Stop claiming rows after this long, well within the activity's start-to-close timeout. */
const RUN_BUDGET_MS = 60_000;
const WEBHOOK_TIMEOUT_MS = 10_000;
const DEFAULT_LIMIT = 200;

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
        const row = await outboxStore.claimDueRow(db, { now, leaseUntil, skipChannels: [...failedChannels] });
        if (!row) break;
        const channel = row.channel as OutboxChannel;
        try {
          if (channel === 'webhook') await deliverWebhook(row, ctx?.cancellationSignal);
          else if (channel === 'email') await deliverEmail(row);
          else if (channel !== 'console') throw new DeliveryError(`unknown channel ${JSON.stringify(String(channel).slice(0, 20))}`);
          await outboxStore.markDelivered(db, row, leaseUntil, new Date(await clock()));
          delivered++;
        } catch (e) {
          if (!(e instanceof DeliveryError)) throw e;
          failed++;
          failedChannels.add(channel);
          await outboxStore.markFailed(db, row, leaseUntil, e.message, await clock());
        }
      }
      return { delivered, failed, ...(await outboxStore.pendingSummary(db, { now, failedChannels })) };
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
