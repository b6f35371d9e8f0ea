// Rate limits and lockouts shared by every API instance, on PGlite and PostgreSQL:
// - the shared counters give exactly the answers of the in-process rules they replace (the same
//   seeded sequences of hits, failures and successes through both);
// - two auth services over one database (two API instances) count the same sign-in failures and the
//   same attempts per address; the clock is injected;
// - concurrent hits are counted once each (one upsert per hit);
// - housekeeping prunes what has expired and nothing else.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../../db/client';
import { searchAudit } from '../../services/audit';
import { AuthError, createAuthService, SYSTEM_ACTOR, type AuthLimits } from '../../server/auth/service';
import { runHousekeeping } from '../../server/housekeeping';
import type { ScryptParams } from '../../server/security/password';
import { createSharedLimiter, createSharedLockout, LoginLockout, pruneRateLimits, SlidingWindowLimiter } from '../../server/security/rateLimit';
import { totpCode } from '../../server/security/totp';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { prng } from '../support/prng';

const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 };
const KEY = randomBytes(32);
const PASSWORD = 'Qiao-Xiang#2031';
const START = Date.parse('2031-10-09T01:00:00Z');
const MIN = 60_000;

async function authError(p: Promise<unknown>): Promise<AuthError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    return e as AuthError;
  }
  throw new Error('expected a rejection');
}

let seq = 0;
const unique = (stem: string) => `${stem}${++seq}-${randomBytes(3).toString('hex')}`;

describe.each(['pglite', 'postgres'] as const)('shared rate limits on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  let clock = START;
  const now = () => new Date(clock);

  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    expect(database.kind).toBe(kind);
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });
  beforeEach(() => {
    clock = START;
  });

  /** One API instance: its own auth service (and so its own limiters) over the shared database. */
  const instance = (limits: Partial<AuthLimits> = {}) => createAuthService({ db: database.db, secretKey: KEY, now, limits, passwordParams: FAST });
  const count = async (table: 'rate_limits' | 'lockouts') =>
    rowsOf<{ n: number }>(await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0].n;

  describe('the same answers as the in-process rules', () => {
    it('sliding window: seeded sequences of hits on a few keys, the clock moving by irregular steps', async () => {
      for (const seed of [1, 2, 3]) {
        const random = prng(seed);
        const scope = unique('test:window');
        const options = { limit: 1 + Math.floor(random() * 5), windowMs: 1000 + Math.floor(random() * 5000) };
        const reference = new SlidingWindowLimiter(options);
        const shared = createSharedLimiter(database.db, { scope, ...options });
        let t = START;
        const want: unknown[] = [];
        const got: unknown[] = [];
        for (let i = 0; i < 120; i++) {
          // Several hits at one instant, small steps, and now and then a pause longer than the window.
          const r = random();
          t += r < 0.3 ? 0 : r < 0.9 ? Math.floor(random() * 700) : options.windowMs + Math.floor(random() * 2000);
          const key = `k${Math.floor(random() * 3)}`;
          want.push({ i, key, ...reference.hit(key, t) });
          got.push({ i, key, ...(await shared.hit(key, t)) });
        }
        expect(got, `seed ${seed}`).toEqual(want);
        expect(want.some((d) => !(d as { allowed: boolean }).allowed)).toBe(true);
      }
    });

    it('lockout: seeded sequences of checks, failures and successes', async () => {
      for (const seed of [4, 5, 6]) {
        const random = prng(seed);
        const scope = unique('test:lockout');
        const options = { maxFailures: 1 + Math.floor(random() * 4), lockMs: 1000 + Math.floor(random() * 4000), forgetMs: 8000 };
        const reference = new LoginLockout(options);
        const shared = createSharedLockout(database.db, { scope, ...options });
        let t = START;
        const want: unknown[] = [];
        const got: unknown[] = [];
        for (let i = 0; i < 150; i++) {
          t += Math.floor(random() * (random() < 0.9 ? 1500 : 10_000));
          const key = `k${Math.floor(random() * 3)}`;
          const op = random();
          if (op < 0.6) {
            want.push({ i, key, failure: reference.recordFailure(key, t) });
            got.push({ i, key, failure: await shared.recordFailure(key, t) });
          } else if (op < 0.9) {
            want.push({ i, key, check: reference.check(key, t) });
            got.push({ i, key, check: await shared.check(key, t) });
          } else {
            reference.recordSuccess(key);
            await shared.recordSuccess(key);
          }
        }
        expect(got, `seed ${seed}`).toEqual(want);
        expect(want.some((d) => (d as { failure?: { locked: boolean } }).failure?.locked)).toBe(true);
      }
    });
  });

  describe('two API instances over one database', () => {
    it('lock an account and address after five failures split between them', async () => {
      const [a, b] = [instance(), instance()];
      const user = await a.createUser(SYSTEM_ACTOR, { username: unique('clerk'), displayName: '测试', role: 'clerk', regionCode: '440703001001', password: PASSWORD });
      const ip = '10.20.0.1';
      for (const service of [a, b, a, b]) {
        expect(await authError(service.login(user.username, 'Wrong-Password-1', ip, 'ua'))).toMatchObject({ code: 'invalid_credentials' });
      }
      const fifth = await authError(a.login(user.username, 'Wrong-Password-1', ip, 'ua'));
      expect(fifth).toMatchObject({ code: 'locked', status: 429, retryAfterSeconds: 900 });
      // The other instance refuses even the right password, without checking it.
      clock += MIN;
      expect(await authError(b.login(user.username, PASSWORD, ip, 'ua'))).toMatchObject({ code: 'locked', retryAfterSeconds: 840 });
      // A third instance started later knows too.
      expect(await authError(instance().login(user.username, PASSWORD, ip, 'ua'))).toMatchObject({ code: 'locked' });
      clock += 14 * MIN;
      expect((await b.login(user.username, PASSWORD, ip, 'ua')).token).toBeTruthy();
      const lockouts = (await searchAudit(database.db, { actor: user.username, action: 'login.lockout' })).rows;
      expect(lockouts.map((r) => r.detail)).toEqual([expect.objectContaining({ scope: 'account_address' })]);
    });

    it('count the attempts of one address together, and audit its flood once per window', async () => {
      const limits = { ipLimit: 4, ipWindowMs: MIN };
      const [a, b] = [instance(limits), instance(limits)];
      const name = unique('flood');
      const ip = '10.20.0.2';
      for (const service of [a, b, a, b]) expect(await authError(service.login(name, PASSWORD, ip, 'ua'))).toMatchObject({ code: 'invalid_credentials' });
      clock += 10_000;
      for (const service of [b, a]) {
        expect(await authError(service.login(name, PASSWORD, ip, 'ua'))).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 50 });
      }
      expect((await searchAudit(database.db, { actor: name, result: 'denied' })).rows).toHaveLength(1);
      // Another address is not held back by this one.
      expect(await authError(b.login(name, PASSWORD, '10.20.0.3', 'ua'))).toMatchObject({ code: 'invalid_credentials' });
      // A minute after the first attempt it has left the window: the address may try again.
      clock = START + MIN;
      expect(await authError(b.login(unique('flood'), PASSWORD, ip, 'ua'))).toMatchObject({ code: 'invalid_credentials' });
    });

    it('lock the second factor after wrong codes split between them', async () => {
      const limits = { mfaMaxFailures: 3 };
      const [a, b] = [instance(limits), instance(limits)];
      const user = await a.createUser(SYSTEM_ACTOR, { username: unique('admin'), displayName: '测试', role: 'admin', regionCode: '440700', password: PASSWORD });
      const s = await a.login(user.username, PASSWORD, '10.20.0.4', 'ua');
      const { secret } = await a.beginTotpEnrolment(s.token);
      await a.confirmTotpEnrolment(s.token, totpCode(secret, clock));
      await a.logout(s.token);
      clock += MIN;
      const pending = await b.login(user.username, PASSWORD, '10.20.0.4', 'ua');
      const bad = totpCode(secret, clock) === '123456' ? '654321' : '123456';
      expect(await authError(a.verifyMfa(pending.token, bad))).toMatchObject({ code: 'mfa_invalid' });
      expect(await authError(b.verifyMfa(pending.token, bad))).toMatchObject({ code: 'mfa_invalid' });
      expect(await authError(a.verifyMfa(pending.token, bad))).toMatchObject({ code: 'locked', status: 429 });
      const again = await a.login(user.username, PASSWORD, '10.20.0.4', 'ua');
      expect(await authError(b.verifyMfa(again.token, totpCode(secret, clock)))).toMatchObject({ code: 'locked' });
    });
  });

  it('counts concurrent hits once each', async () => {
    const scope = unique('test:concurrent');
    // Two limiters on the same scope: two instances racing on one key.
    const limiters = [createSharedLimiter(database.db, { scope, limit: 10, windowMs: MIN }), createSharedLimiter(database.db, { scope, limit: 10, windowMs: MIN })];
    const decisions = await Promise.all(Array.from({ length: 25 }, (_, i) => limiters[i % 2].hit('one-address', START + i)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const lockout = createSharedLockout(database.db, { scope, maxFailures: 5, lockMs: MIN });
    const failures = await Promise.all(Array.from({ length: 12 }, () => lockout.recordFailure('one-account', START)));
    expect(failures.map((f) => f.failures).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(failures.filter((f) => f.locked)).toHaveLength(8);
  });

  it('housekeeping removes expired counters and keeps live ones', async () => {
    // Real time here: the daily run also prunes the audit log, whose bound the database checks against its own clock.
    const t0 = Date.now();
    // What the other tests left (at 2031 instants) goes first.
    await pruneRateLimits(database.db, START + 3650 * 86_400_000);
    expect(await count('rate_limits')).toBe(0);
    expect(await count('lockouts')).toBe(0);
    const scope = unique('test:prune');
    const limiter = createSharedLimiter(database.db, { scope, limit: 2, windowMs: MIN });
    const lockout = createSharedLockout(database.db, { scope, maxFailures: 2, lockMs: 15 * MIN });
    await limiter.hit('a', t0);
    await limiter.hit('b', t0 + 5 * MIN);
    await lockout.recordFailure('locked', t0);
    await lockout.recordFailure('locked', t0);
    await lockout.recordFailure('one failure', t0);

    expect(await pruneRateLimits(database.db, t0 + 2 * MIN)).toBe(1);
    expect(await count('rate_limits')).toBe(1);
    expect(await pruneRateLimits(database.db, t0 + 15 * MIN)).toBe(2);
    expect(await count('lockouts')).toBe(1);
    // Unlocked failures are forgotten after a day; the daily run uses the clock it is given.
    const r = await runHousekeeping(database.db, instance(), 365, new Date(t0 + 25 * 3600_000));
    expect(r.countersPruned).toBe(1);
    expect(await count('lockouts')).toBe(0);
    expect((await lockout.check('one failure', t0 + 25 * 3600_000)).failures).toBe(0);
  });
});
