// Rate limits and login lockout, keyed by strings the caller builds (e.g. an address, `account|address`).
// Time is always passed in (epoch milliseconds), so tests drive a fake clock and the server passes its
// own.
//
// Two forms of the same rules:
//   - shared (`createSharedLimiter`, `createSharedLockout`, below): the counters live in PostgreSQL
//     (or PGlite), one atomic upsert per hit, so every API instance counts the same hits and the API
//     keeps no state of its own. Sign-in, the second factor and uploads use these.
//   - in process (`SlidingWindowLimiter`, `LoginLockout`): the reference the shared form is tested
//     against (test/activities/rateLimit.test.ts), and the pre-parse flood guard in front of the sign-in
//     body (server/app.ts), which protects the process that would read the body and so is meant to be
//     per process: asking the database first would hand a flood the database instead.
//
// In-process memory is bounded: keys are kept in least-recently-used order, stale ones are dropped as
// new hits arrive, and past `maxKeys` the least recently used key is evicted even if it still had hits.
// That eviction forgets a count, so an attacker who can create `maxKeys` fresh keys inside one window
// could reset someone else's counter; size `maxKeys` well above the honest key count of one window. The
// alternative (refuse new keys when full) would let the same flood lock every user out. The shared
// form has no cap: its rows expire and are pruned daily (`pruneRateLimits`).
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client';

/** A Map in least-recently-used order with a cap on its size. */
class LruMap<V> {
  private readonly map = new Map<string, V>();
  /** Keys evicted while still live, because of the cap: a metric worth exporting. */
  evictions = 0;

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  /** Stores `value` as the most recently used entry. */
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /**
   * Drops stale entries from the least recently used end, then evicts down to the cap. Entries at that
   * end are the ones idle longest, so the sweep stops at the first live one: amortised O(1) per hit.
   */
  prune(isStale: (value: V) => boolean): void {
    for (const [key, value] of this.map) {
      if (!isStale(value)) break;
      this.map.delete(key);
    }
    while (this.map.size > this.maxKeys) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.evictions++;
    }
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

const secondsUntil = (until: number, now: number) => Math.max(1, Math.ceil((until - now) / 1000));

export interface RateLimitDecision {
  allowed: boolean;
  /** Hits still allowed in the current window after this one. */
  remaining: number;
  /** 0 when allowed; otherwise whole seconds until the next hit would be allowed (for `Retry-After`). */
  retryAfterSeconds: number;
}

export interface SlidingWindowOptions {
  /** Hits allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** Cap on distinct keys held; default 50 000. */
  maxKeys?: number;
}

/**
 * At most `limit` hits per key in any sliding `windowMs` (a sliding log: exact, `limit` timestamps per
 * key, meant for small limits such as logins or code requests). Refused hits are not counted, so a
 * client that keeps retrying is let in again as soon as its oldest counted hit leaves the window.
 */
export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly hits: LruMap<number[]>;

  constructor(options: SlidingWindowOptions) {
    this.limit = positiveInt(options.limit, 'limit');
    this.windowMs = positiveInt(options.windowMs, 'windowMs');
    this.hits = new LruMap(positiveInt(options.maxKeys ?? 50_000, 'maxKeys'));
  }

  /** Counts one hit for `key` at `now` (epoch ms) if it is within the limit. */
  hit(key: string, now: number): RateLimitDecision {
    const since = now - this.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    let decision: RateLimitDecision;
    if (times.length < this.limit) {
      times.push(now);
      decision = { allowed: true, remaining: this.limit - times.length, retryAfterSeconds: 0 };
    } else {
      // The earliest counted hit leaving the window frees the next slot.
      decision = { allowed: false, remaining: 0, retryAfterSeconds: secondsUntil(times.reduce((a, b) => Math.min(a, b)) + this.windowMs, now) };
    }
    this.hits.set(key, times);
    this.hits.prune((ts) => ts.every((t) => t <= since));
    return decision;
  }

  /** Forgets a key, e.g. after a successful login if failures were what was being limited. */
  reset(key: string): void {
    this.hits.delete(key);
  }

  get size(): number {
    return this.hits.size;
  }

  get evictions(): number {
    return this.hits.evictions;
  }
}

export interface LoginLockoutOptions {
  /** Consecutive failures that lock the key. */
  maxFailures: number;
  /** How long a lock lasts. */
  lockMs: number;
  /** Failures older than this (with no lock) are forgotten; default 24 h. */
  forgetMs?: number;
  /** Cap on distinct keys held; default 100 000. */
  maxKeys?: number;
}

export interface LockoutState {
  locked: boolean;
  /** Consecutive failures counted so far (equals maxFailures while locked). */
  failures: number;
  /** Epoch ms when the lock ends, or null. */
  lockedUntil: number | null;
  /** 0 when not locked; whole seconds left otherwise. */
  retryAfterSeconds: number;
}

interface LockoutEntry {
  failures: number;
  lastFailure: number;
  lockedUntil: number | null;
}

/**
 * Locks a key for `lockMs` after `maxFailures` consecutive failures; a success resets it. When the
 * lock ends the count starts again from zero.
 *
 * Usage at login: `check` first and refuse without verifying the password while locked (a password
 * check during the lock would let guessing continue); then `recordFailure` or `recordSuccess`. Key by
 * account and IP: keyed by account alone, anyone could lock any official out of the console.
 */
export class LoginLockout {
  readonly maxFailures: number;
  readonly lockMs: number;
  readonly forgetMs: number;
  private readonly entries: LruMap<LockoutEntry>;

  constructor(options: LoginLockoutOptions) {
    this.maxFailures = positiveInt(options.maxFailures, 'maxFailures');
    this.lockMs = positiveInt(options.lockMs, 'lockMs');
    this.forgetMs = positiveInt(options.forgetMs ?? 24 * 3600_000, 'forgetMs');
    this.entries = new LruMap(positiveInt(options.maxKeys ?? 100_000, 'maxKeys'));
  }

  check(key: string, now: number): LockoutState {
    return this.stateOf(this.live(key, now), now);
  }

  /** Counts a failed attempt. While locked it changes nothing: the lock is not extended. */
  recordFailure(key: string, now: number): LockoutState {
    const entry = this.live(key, now) ?? { failures: 0, lastFailure: now, lockedUntil: null };
    if (entry.lockedUntil === null) {
      entry.failures += 1;
      entry.lastFailure = now;
      if (entry.failures >= this.maxFailures) entry.lockedUntil = now + this.lockMs;
    }
    this.entries.set(key, entry);
    this.entries.prune((e) => this.isStale(e, now));
    return this.stateOf(entry, now);
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  get evictions(): number {
    return this.entries.evictions;
  }

  /** The entry for `key`, or undefined once its lock has ended or its failures are forgotten. */
  private live(key: string, now: number): LockoutEntry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.isStale(entry, now)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private isStale(entry: LockoutEntry, now: number): boolean {
    return entry.lockedUntil !== null ? entry.lockedUntil <= now : entry.lastFailure + this.forgetMs <= now;
  }

  private stateOf(entry: LockoutEntry | undefined, now: number): LockoutState {
    if (!entry) return { locked: false, failures: 0, lockedUntil: null, retryAfterSeconds: 0 };
    const locked = entry.lockedUntil !== null && entry.lockedUntil > now;
    return {
      locked,
      failures: entry.failures,
      lockedUntil: entry.lockedUntil,
      retryAfterSeconds: locked ? secondsUntil(entry.lockedUntil!, now) : 0,
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// Shared across API instances, in the database

const iso = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;
const interval = (ms: number) => sql`(${ms}::float8 * interval '1 millisecond')`;
const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

export interface SharedLimiterOptions {
  /** Names the limit in the table (`login:address`); instances with the same scope share counts. */
  scope: string;
  /** Hits allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

export interface SharedLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Counts one hit for `key` at `now` (epoch ms) if it is within the limit. */
  hit(key: string, now: number): Promise<RateLimitDecision>;
}

/**
 * `SlidingWindowLimiter`'s rule with its state in the `rate_limits` table: at most `limit` hits per key
 * in any sliding `windowMs`, refused hits not counted.
 *
 * A sliding log, not fixed time buckets: the limits here are small (60 sign-in attempts a minute, 30
 * uploads), so the log costs at most `limit` instants per key, and it keeps the exact answers and
 * Retry-After of the in-process limiter; a fixed window would let twice the limit through across a
 * bucket boundary and move Retry-After to the boundary. The whole decision is one
 * `insert … on conflict do update … returning`: the row lock serialises concurrent hits from every
 * instance, so none is lost and none is counted twice.
 */
export function createSharedLimiter(db: Db, options: SharedLimiterOptions): SharedLimiter {
  const limit = positiveInt(options.limit, 'limit');
  const windowMs = positiveInt(options.windowMs, 'windowMs');
  const scope = options.scope;
  return {
    limit,
    windowMs,
    async hit(key, now) {
      const at = iso(now);
      // The hits still in the window, oldest first.
      const live = sql`array(select h from unnest(r.hits) h where h > ${iso(now - windowMs)} order by h)`;
      const allowed = sql`(cardinality(${live}) < ${limit}::int)`;
      const result = await db.execute(sql`
        insert into rate_limits as r (scope, key, hits, last_allowed, expires_at)
        values (${scope}::text, ${key}::text, array[${at}], true, ${at} + ${interval(windowMs)})
        on conflict (scope, key) do update set
          hits = case when ${allowed} then ${live} || ${at} else ${live} end,
          last_allowed = ${allowed},
          expires_at = case when ${allowed} then greatest(r.expires_at, ${at} + ${interval(windowMs)}) else r.expires_at end
        returning last_allowed as "allowed", cardinality(hits) as "counted", ${epochMs('(select min(h) from unnest(hits) h)')} as "oldest"`);
      const [row] = rowsOf<{ allowed: boolean; counted: number; oldest: number }>(result);
      if (row.allowed) return { allowed: true, remaining: limit - row.counted, retryAfterSeconds: 0 };
      // The earliest counted hit leaving the window frees the next slot.
      return { allowed: false, remaining: 0, retryAfterSeconds: secondsUntil(row.oldest + windowMs, now) };
    },
  };
}

export interface SharedLockoutOptions {
  /** Names the lockout in the table (`login:account_address`, `mfa`). */
  scope: string;
  /** Consecutive failures that lock the key. */
  maxFailures: number;
  /** How long a lock lasts. */
  lockMs: number;
  /** Failures older than this (with no lock) are forgotten; default 24 h. */
  forgetMs?: number;
}

export interface SharedLockout {
  check(key: string, now: number): Promise<LockoutState>;
  /** Counts a failed attempt. While locked it changes nothing: the lock is not extended. */
  recordFailure(key: string, now: number): Promise<LockoutState>;
  recordSuccess(key: string): Promise<void>;
}

/**
 * `LoginLockout`'s rule with its state in the `lockouts` table. Exact: every failure is one upsert that
 * counts it under the row lock, so five failures split between two instances lock the key as five on
 * one would. A row is stale once `expires_at` has passed (the lock's end, or `forgetMs` after the last
 * failure without a lock); a stale row counts as absent and the count starts again from zero.
 */
export function createSharedLockout(db: Db, options: SharedLockoutOptions): SharedLockout {
  const maxFailures = positiveInt(options.maxFailures, 'maxFailures');
  const lockMs = positiveInt(options.lockMs, 'lockMs');
  const forgetMs = positiveInt(options.forgetMs ?? 24 * 3600_000, 'forgetMs');
  const scope = options.scope;

  const stateOf = (row: { failures: number; lockedUntil: number | null } | undefined, now: number): LockoutState => {
    if (!row) return { locked: false, failures: 0, lockedUntil: null, retryAfterSeconds: 0 };
    const locked = row.lockedUntil !== null && row.lockedUntil > now;
    return { locked, failures: row.failures, lockedUntil: row.lockedUntil, retryAfterSeconds: locked ? secondsUntil(row.lockedUntil!, now) : 0 };
  };
  type Row = { failures: number; lockedUntil: number | null };

  return {
    async check(key, now) {
      const result = await db.execute(sql`
        select failures, ${epochMs('locked_until')} as "lockedUntil" from lockouts
        where scope = ${scope}::text and key = ${key}::text and expires_at > ${iso(now)}`);
      return stateOf(rowsOf<Row>(result)[0], now);
    },

    async recordFailure(key, now) {
      const at = iso(now);
      const lockEnd = sql`${at} + ${interval(lockMs)}`;
      const forgetAt = sql`${at} + ${interval(forgetMs)}`;
      // A first failure (no row, or a stale one) and the one that reaches the limit.
      const first = maxFailures <= 1;
      const stale = sql`(l.expires_at <= ${at})`;
      const reaches = sql`(l.failures + 1 >= ${maxFailures}::int)`;
      const result = await db.execute(sql`
        insert into lockouts as l (scope, key, failures, last_failure_at, locked_until, expires_at)
        values (${scope}::text, ${key}::text, 1, ${at}, ${first ? lockEnd : sql`null`}, ${first ? lockEnd : forgetAt})
        on conflict (scope, key) do update set
          failures = case when ${stale} then 1 when l.locked_until is not null then l.failures else l.failures + 1 end,
          last_failure_at = case when ${stale} or l.locked_until is null then ${at} else l.last_failure_at end,
          locked_until = case when ${stale} then ${first ? lockEnd : sql`null`} when l.locked_until is not null then l.locked_until
                              when ${reaches} then ${lockEnd} else null end,
          expires_at = case when ${stale} then ${first ? lockEnd : forgetAt} when l.locked_until is not null then l.locked_until
                            when ${reaches} then ${lockEnd} else ${forgetAt} end
        returning failures, ${epochMs('locked_until')} as "lockedUntil"`);
      return stateOf(rowsOf<Row>(result)[0], now);
    },

    async recordSuccess(key) {
      await db.execute(sql`delete from lockouts where scope = ${scope}::text and key = ${key}::text`);
    },
  };
}

/** Housekeeping: deletes counters that no longer mean anything at `now`. Returns how many. */
export async function pruneRateLimits(db: Db, now: number): Promise<number> {
  const limits = await db.execute(sql`delete from rate_limits where expires_at <= ${iso(now)} returning 1`);
  const locks = await db.execute(sql`delete from lockouts where expires_at <= ${iso(now)} returning 1`);
  return rowsOf(limits).length + rowsOf(locks).length;
}
