// The notification outbox's contract: what a record enqueues, the dispatcher workflow's ID, input and
// poke signal, and what one dispatch run reports.
import { defineSignal } from '@temporalio/workflow';

export const OUTBOX_KINDS = ['escalation', 'circular', 'calendar', 'reminder'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export const OUTBOX_CHANNELS = ['console', 'webhook', 'email'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];
export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxMessage {
  /** Deterministic, e.g. `${refId}/${recipient}`: enqueueing the same message twice is a no-op. */
  id: string;
  campaignId: string | null;
  kind: OutboxKind;
  refId: string;
  /** Region code the message is for ('*' for everyone). */
  recipient: string;
  subject: string;
  body: string;
  payload?: Record<string, unknown>;
}

/** A singleton: `ensureOutboxDispatcher` (server/outbox.ts) starts it with USE_EXISTING. */
export const OUTBOX_WORKFLOW_ID = 'outbox-dispatcher';

/** Fire-and-forget: "rows were enqueued, look now" instead of at the next poll. */
export const outboxPokeSignal = defineSignal('outboxPoke');

export interface OutboxDispatcherInput {
  /** Longest wait between two dispatch runs, in seconds. */
  pollSeconds: number;
  /** Continue as new after this many history events (tests set it low); default: the server's suggestion. */
  historyLimit?: number;
}

export interface DispatchResult {
  delivered: number;
  failed: number;
  /** Rows still pending (not yet due, backing off, or left for the next run). */
  pending: number;
  /** Epoch ms when the next pending row is due, or null when none is pending. */
  nextAttemptAt: number | null;
}
