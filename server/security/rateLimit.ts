// In-memory rate limiting and login lockout, keyed by strings the caller builds (e.g.
// `login:${account}|${ip}`). Time is always passed in (epoch milliseconds), so tests drive a fake clock
// and the server passes Date.now().
//
// Memory is bounded: keys are kept in least-recently-used order, stale ones are dropped as new hits
// arrive, and past `maxKeys` the least recently used key is evicted even if it still had hits. That
// eviction forgets a count, so an attacker who can create `maxKeys` fresh keys inside one window could
// reset someone else's counter; size `maxKeys` well above the honest key count of one window and put a
// coarser per-IP limit in front. The alternative (refuse new keys when full) would let the same flood
// lock every user out, which is worse for a campaign console used by thousands of township staff.
//
// State lives in one process: several API replicas each count separately (limit × replicas in the
// worst case). Good enough for logins; move to PostgreSQL if the API is ever scaled out for real.

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
