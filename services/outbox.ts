// The notification outbox in the database. A record that announces something (an escalation, a
// circular) enqueues its notifications in its own transaction (`enqueue(tx, …)`), so the two commit
// together; the dispatcher (activities/outbox.ts) claims due rows with a lease, delivers them, and marks
// each delivered or failed here. Receivers deduplicate on the row id.
import { and, asc, eq, inArray, lte, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inboxMessages, outbox, type OutboxRow } from '../db/schema';
import { OUTBOX_CHANNELS, type OutboxChannel, type OutboxMessage } from '../contracts/outbox';

/** Channels besides the console inbox, which is always on. */
export interface Channels {
  webhook: boolean;
  email: boolean;
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

/** A row failing this many times is marked dead: it stays visible, and is no longer tried. */
export const MAX_ATTEMPTS = 50;
const INSERT_CHUNK = 500;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60_000;

/** Delay before the next attempt after `attempts` failures: 2 s, 4 s, 8 s, ... capped at 10 minutes. Deterministic. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

/**
 * Claims the next due row with a lease (FOR UPDATE SKIP LOCKED), so two dispatchers never send the same
 * row and no transaction stays open while a channel is called. Null when nothing is due.
 */
export async function claimDueRow(db: Db, input: { now: number; leaseUntil: Date; skipChannels: readonly OutboxChannel[] }): Promise<OutboxRow | null> {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, new Date(input.now)), input.skipChannels.length ? notInArray(outbox.channel, [...input.skipChannels]) : undefined))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(1)
    .for('update', { skipLocked: true });
  const [row] = await db.update(outbox).set({ nextAttemptAt: input.leaseUntil }).where(inArray(outbox.id, due)).returning();
  return row ?? null;
}

/** Our lease is the fence: if it ran out and another dispatcher took the row, we do not overwrite it. */
const leased = (row: OutboxRow, leaseUntil: Date) => and(eq(outbox.id, row.id), eq(outbox.status, 'pending'), eq(outbox.nextAttemptAt, leaseUntil));

/** A delivered row (a console row lands in the inbox in the same transaction). */
export async function markDelivered(db: Db, row: OutboxRow, leaseUntil: Date, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    if (row.channel === 'console') {
      await tx
        .insert(inboxMessages)
        .values({ id: row.id, campaignId: row.campaignId, recipient: row.recipient, kind: row.kind, refId: row.refId, subject: row.subject, body: row.body, createdAt: row.createdAt })
        .onConflictDoNothing();
    }
    // attempts and lastError stay: a late delivery shows what held it up.
    await tx.update(outbox).set({ status: 'delivered', deliveredAt: at }).where(leased(row, leaseUntil));
  });
}

/** A failed attempt: backs off, or marks the row dead after MAX_ATTEMPTS. */
export async function markFailed(db: Db, row: OutboxRow, leaseUntil: Date, error: string, at: number): Promise<void> {
  const attempts = row.attempts + 1;
  await db
    .update(outbox)
    .set({
      attempts,
      lastError: error.slice(0, 200),
      status: attempts >= MAX_ATTEMPTS ? 'dead' : 'pending',
      nextAttemptAt: new Date(attempts >= MAX_ATTEMPTS ? at : at + backoffMs(attempts)),
    })
    .where(leased(row, leaseUntil));
}

/** Rows still pending, and when the next is due; channels that just failed wait at least one backoff step. */
export async function pendingSummary(db: Db, input: { now: number; failedChannels: ReadonlySet<OutboxChannel> }): Promise<{ pending: number; nextAttemptAt: number | null }> {
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
    if (input.failedChannels.has(c.channel as OutboxChannel)) next = Math.max(next, input.now + BACKOFF_BASE_MS);
    nextAttemptAt = nextAttemptAt === null ? next : Math.min(nextAttemptAt, next);
  }
  return { pending, nextAttemptAt };
}
