// Accounts, sessions and the audit log (issue 5).
//
// - users: one row per console account, scoped to a region; never deleted (disabled instead), so the
//   audit log's actor ids keep meaning something.
// - sessions: the id is sha256 of the random token the browser holds; the token itself is never stored,
//   so a copy of this table cannot be replayed as cookies.
// - audit_log: append-only, enforced by triggers in migration 0003_auth (UPDATE, DELETE and TRUNCATE
//   raise), except deletion of rows older than 180 days through `audit_prune(before)`. See server/audit.ts.
// - rate_limits, lockouts: the sign-in and upload counters, here rather than in each API process so that
//   every instance counts the same hits (server/security/rateLimit.ts); pruned daily once expired.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** Lower-case login name (letters, digits, `.`, `_`, `-`). */
    username: text('username').notNull().unique('users_username_unique'),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    /** 6, 9 or 12 digits; the role reaches this region's whole subtree. */
    regionCode: text('region_code').notNull(),
    /** `scrypt$N$r$p$salt$hash` (server/security/password.ts). */
    passwordHash: text('password_hash').notNull(),
    /** Base32 TOTP seed sealed with AES-256-GCM (server/auth/secretBox.ts); pending until totp_enrolled_at is set. */
    totpSecret: text('totp_secret'),
    /** Time step of the last accepted code: steps at or before it are refused (replay). */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    totpEnrolledAt: ts('totp_enrolled_at'),
    /** Consecutive failed logins from any address; reset by a success or when a lock is set. */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: ts('locked_until'),
    disabled: boolean('disabled').notNull().default(false),
    /**
     * Set when an admin made the account or reset its password: the password is one someone else
     * knows, so the session may do nothing but change it (server/http/access.ts). Cleared by the change.
     */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /** The admin who created the account; null for the first admin made by `npm run create-admin`. */
    createdBy: integer('created_by').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('users_username_format', sql`${t.username} ~ '^[a-z0-9][a-z0-9._-]{1,31}$'`),
    check('users_role_valid', sql`${t.role} in ('admin', 'official', 'supervisor', 'clerk', 'auditor')`),
    check('users_region_code_format', sql`${t.regionCode} ~ '^[0-9]{6}([0-9]{3}){0,2}$'`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 (hex) of the session token. */
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Sent back by the console in a header on every state-changing request. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    /** Absolute end, whatever the activity. */
    expiresAt: ts('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** A TOTP code was verified in this session. */
    mfaPassed: boolean('mfa_passed').notNull().default(false),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The database's clock, not the caller's: an entry cannot be back-dated by the app. */
    at: ts('at').notNull().defaultNow(),
    /** Null for the system (CLI) and for a login attempt on an unknown account. */
    actorId: integer('actor_id'),
    /** Snapshot at the time: a later rename does not rewrite history. */
    actorUsername: text('actor_username'),
    role: text('role'),
    action: text('action').notNull(),
    /** What was acted on (`campaign:jiangmen-2023`, `user:zhang.san`); never an ID number or a name. */
    target: text('target'),
    /** Region of the target, so that an auditor's search stays in their subtree. */
    regionCode: text('region_code'),
    result: text('result').notNull(),
    ip: text('ip'),
    detail: jsonb('detail'),
  },
  (t) => [
    check('audit_log_result_valid', sql`${t.result} in ('success', 'denied', 'failure')`),
    // Belt and braces behind appendAudit's masking: a resident ID number never lands here.
    // Bounded by non-alphanumerics, so a sha256 in hex or a longer number is not mistaken for one.
    check(
      'audit_log_no_id_number',
      sql`coalesce(${t.target}, '') || ' ' || coalesce(${t.actorUsername}, '') || ' ' || coalesce(${t.detail}::text, '') !~ '(^|[^0-9A-Za-z])[0-9]{17}[0-9Xx]([^0-9A-Za-z]|$)'`,
    ),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorUsername, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
  ],
);

/**
 * A sliding log per (scope, key): the instants of the hits counted in the last window, at most the
 * limit of them (a refused hit is not counted). Written by one upsert per hit.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    /** Which limit: `login:address`, `login:flood-audit`, `upload`. */
    scope: text('scope').notNull(),
    /** What is limited within the scope: an address, a user id. */
    key: text('key').notNull(),
    hits: timestamp('hits', { withTimezone: true, mode: 'date' }).array().notNull(),
    /** Whether the latest hit was counted (false: the window was full and it was refused). */
    lastAllowed: boolean('last_allowed').notNull(),
    /** When the newest counted hit leaves the window: from then on the row means nothing. */
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('rate_limits_expires_idx').on(t.expiresAt)],
);

/**
 * Consecutive failures per (scope, key), and the lock they led to. Written by one upsert per failure;
 * a success deletes the row.
 */
export const lockouts = pgTable(
  'lockouts',
  {
    /** `login:account_address` (key `account|address`), `mfa` (key the user id). */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    failures: integer('failures').notNull(),
    lastFailureAt: ts('last_failure_at').notNull(),
    lockedUntil: ts('locked_until'),
    /** The lock's end, or when unlocked failures are forgotten: from then on the row means nothing. */
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('lockouts_expires_idx').on(t.expiresAt)],
);
