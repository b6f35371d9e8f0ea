// Accounts, sessions, the second factor and the audit log on both databases: the service with an
// injected clock against real PGlite and PostgreSQL, and the database itself refusing to rewrite history.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { sessions, users } from '../../db/schema';
import { MIN_AUDIT_RETENTION_DAYS, pruneAudit, searchAudit, appendAudit } from '../../services/audit';
import { createSecretBox, SecretBoxError } from '../../server/auth/secretBox';
import {
  actorAuditFields,
  actorOf,
  AuthError,
  createAuthService,
  SYSTEM_ACTOR,
  type Actor,
  type AuthLimits,
  type AuthService,
} from '../../server/auth/service';
import { verifyPassword, type ScryptParams } from '../../server/security/password';
import { totpCode } from '../../server/security/totp';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/** Cheap scrypt for tests; production uses the default 2^15. */
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 };
const KEY = randomBytes(32);
const PASSWORD = 'Qiao-Xiang#2031';
const START = Date.parse('2031-10-09T01:00:00Z');
const MIN = 60_000;

/** The whole chain of messages of a failed query (drizzle wraps the driver's error). */
const messages = (e: unknown): string => {
  const out: string[] = [];
  for (let x = e as { message?: string; cause?: unknown } | undefined, i = 0; x && i < 5; x = x.cause as typeof x, i++) out.push(String(x.message));
  return out.join(' | ');
};

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

async function authError(p: Promise<unknown>): Promise<AuthError> {
  const e = await rejection(p);
  expect(e).toBeInstanceOf(AuthError);
  return e as AuthError;
}

let seq = 0;
const uniqueName = (stem: string) => `${stem}${++seq}.${randomBytes(3).toString('hex')}`;

describe('secret box', () => {
  const box = createSecretBox(KEY);

  it('opens what it sealed, in the same context only', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'users.totp_secret:1');
    expect(sealed).toMatch(/^gcm1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'users.totp_secret:1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP', 'users.totp_secret:1')).not.toBe(sealed);
    expect(() => box.open(sealed, 'users.totp_secret:2')).toThrow(SecretBoxError);
  });

  it('refuses a wrong key, a changed byte and a malformed value', () => {
    const sealed = box.seal('secret', 'c');
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'c')).toThrow(SecretBoxError);
    const raw = Buffer.from(sealed.slice(5), 'base64url');
    raw[14] ^= 1;
    expect(() => box.open(`gcm1.${raw.toString('base64url')}`, 'c')).toThrow(SecretBoxError);
    expect(() => box.open('gcm1.', 'c')).toThrow(SecretBoxError);
    expect(() => box.open('plain', 'c')).toThrow(SecretBoxError);
    expect(() => createSecretBox(randomBytes(16))).toThrow(SecretBoxError);
  });
});

describe.each(['pglite', 'postgres'] as const)('accounts, sessions and audit on %s', (kind) => {
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

  const service = (limits: Partial<AuthLimits> = {}) =>
    createAuthService({ db: database.db, secretKey: KEY, now, limits, passwordParams: FAST });

  async function makeUser(auth: AuthService, role: 'admin' | 'official' | 'supervisor' | 'clerk' | 'auditor', regionCode = '440703', stem: string = role) {
    return auth.createUser(SYSTEM_ACTOR, { username: uniqueName(stem), displayName: '测试用户', role, regionCode, password: PASSWORD });
  }

  const trail = async (username: string) =>
    (await searchAudit(database.db, { actor: username, limit: 500 })).rows.reverse().map((r) => `${r.action}:${r.result}`);

  describe('accounts', () => {
    it('creates a user with a scrypt hash and a lower-case name, and refuses the same name twice', async () => {
      const auth = service();
      const name = uniqueName('Zhang.San');
      const user = await auth.createUser(SYSTEM_ACTOR, { username: `  ${name}  `, displayName: '张三', role: 'supervisor', regionCode: '440703', password: PASSWORD });
      expect(user).toMatchObject({ username: name.toLowerCase(), displayName: '张三', role: 'supervisor', regionCode: '440703', disabled: false, mfaEnrolled: false });
      const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
      expect(row.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(row.passwordHash).not.toContain(PASSWORD);
      expect(await verifyPassword(PASSWORD, row.passwordHash)).toBe(true);

      const dup = await authError(auth.createUser(SYSTEM_ACTOR, { username: name.toUpperCase(), displayName: '张三', role: 'clerk', regionCode: '440703', password: PASSWORD }));
      expect(dup).toMatchObject({ code: 'username_taken', status: 409 });
      expect(dup.detail).toContain('已被使用');
      expect(await trail('system')).toEqual(expect.arrayContaining(['user.create:success', 'user.create:failure']));
    });

    it('refuses a weak password with Chinese reasons, and malformed names, roles and regions', async () => {
      const auth = service();
      const weak = await authError(auth.createUser(SYSTEM_ACTOR, { username: uniqueName('li'), displayName: '李四', role: 'clerk', regionCode: '440703', password: 'password123' }));
      expect(weak).toMatchObject({ code: 'weak_password', status: 400 });
      expect(weak.errors?.length).toBeGreaterThan(0);
      expect(weak.errors!.every((e) => e.path === 'password' && /[\u4e00-\u9fff]/.test(e.message))).toBe(true);

      for (const bad of [
        { username: 'a', role: 'clerk', regionCode: '440703' },
        { username: '44070319900101123X', role: 'clerk', regionCode: '440703' },
        { username: uniqueName('ok'), role: 'root', regionCode: '440703' },
        { username: uniqueName('ok'), role: 'clerk', regionCode: '4407' },
      ]) {
        const e = await rejection(auth.createUser(SYSTEM_ACTOR, { ...bad, displayName: '王五', password: PASSWORD } as never));
        expect(e).toHaveProperty('issues');
      }
    });

    it('lets an admin manage accounts in their subtree only', async () => {
      const auth = service();
      const admin = await makeUser(auth, 'admin', '440703');
      const actor: Actor = { ...actorOf({ user: admin }), ip: '10.0.0.1' };
      const inside = await auth.createUser(actor, { username: uniqueName('town'), displayName: '赵六', role: 'clerk', regionCode: '440703001001', password: PASSWORD });
      expect(inside.regionCode).toBe('440703001001');

      const outside = await authError(auth.createUser(actor, { username: uniqueName('next'), displayName: '钱七', role: 'clerk', regionCode: '440704', password: PASSWORD }));
      expect(outside).toMatchObject({ code: 'not_found', status: 404 });

      const official = await makeUser(auth, 'official', '440700');
      const notAdmin = await authError(auth.createUser(actorOf({ user: official }), { username: uniqueName('x'), displayName: '孙八', role: 'clerk', regionCode: '440703', password: PASSWORD }));
      expect(notAdmin).toMatchObject({ code: 'forbidden', status: 403 });

      const neighbour = await makeUser(auth, 'clerk', '440704');
      expect(await authError(auth.getUser(actor, neighbour.id))).toMatchObject({ status: 404 });
      expect((await auth.listUsers(actor)).map((u) => u.regionCode).every((r) => r.startsWith('440703'))).toBe(true);
      expect(await authError(auth.updateUser(actor, admin.id, { disabled: true }))).toMatchObject({ code: 'forbidden' });

      const trailOfAdmin = await trail(admin.username);
      expect(trailOfAdmin).toEqual(['user.create:success', 'user.create:denied', 'user.read:denied']);
      expect(await trail(official.username)).toEqual(['user.create:denied']);
      const [denied] = (await searchAudit(database.db, { actor: admin.username, result: 'denied', action: 'user.create' })).rows;
      expect(denied).toMatchObject({ ip: '10.0.0.1', role: 'admin', regionCode: '440704', detail: { reason: 'region' } });
    });

    it('ends a user’s sessions when an admin changes their role or disables them', async () => {
      const auth = service();
      const admin = await makeUser(auth, 'admin', '440700');
      const actor = actorOf({ user: admin });
      const clerk = await makeUser(auth, 'clerk', '440703001001');
      const s = await auth.login(clerk.username, PASSWORD, '10.0.0.2', 'test');
      expect(await auth.authenticate(s.token)).not.toBeNull();

      const changed = await auth.updateUser(actor, clerk.id, { role: 'supervisor', regionCode: '440703' });
      expect(changed).toMatchObject({ role: 'supervisor', regionCode: '440703' });
      expect(await auth.authenticate(s.token)).toBeNull();

      const s2 = await auth.login(clerk.username, PASSWORD, '10.0.0.2', 'test');
      await auth.updateUser(actor, clerk.id, { disabled: true });
      expect(await auth.authenticate(s2.token)).toBeNull();
      expect(await authError(auth.login(clerk.username, PASSWORD, '10.0.0.2', 'test'))).toMatchObject({ code: 'disabled', status: 403 });

      const rows = (await searchAudit(database.db, { actor: admin.username, action: 'user.update' })).rows;
      expect(rows.map((r) => r.detail)).toEqual([
        expect.objectContaining({ disabled: true, sessionsEnded: 1 }),
        expect.objectContaining({ role: ['clerk', 'supervisor'], region: ['440703001001', '440703'], sessionsEnded: 1 }),
      ]);
      expect(await trail(clerk.username)).toEqual(['login:success', 'login:success', 'login:denied']);
    });
  });

  describe('login', () => {
    it('answers a wrong password and an unknown account alike, and stores only the token’s hash', async () => {
      const auth = service();
      const user = await makeUser(auth, 'supervisor');
      const wrong = await authError(auth.login(user.username, 'Wrong-Password-1', '10.1.0.1', 'ua'));
      const unknown = await authError(auth.login(uniqueName('nobody'), PASSWORD, '10.1.0.1', 'ua'));
      expect(wrong).toMatchObject({ code: 'invalid_credentials', status: 401, detail: '账号或密码错误' });
      expect(unknown).toMatchObject({ code: wrong.code, status: wrong.status, detail: wrong.detail });

      const s = await auth.login(user.username.toUpperCase(), PASSWORD, '10.1.0.1', 'Mozilla/5.0');
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(s.mfaRequired).toBe(false);
      expect(s.expiresAt.getTime()).toBe(START + 12 * 3600_000);
      const rows = await database.db.select().from(sessions).where(eq(sessions.userId, user.id));
      expect(rows).toHaveLength(1);
      expect(rows[0].id).toBe(createHash('sha256').update(s.token).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(s.token);
      expect(rows[0]).toMatchObject({ ip: '10.1.0.1', userAgent: 'Mozilla/5.0', mfaPassed: false });

      const a = await auth.authenticate(s.token);
      expect(a).toMatchObject({ user: { id: user.id }, mfaRequired: false, mfaSatisfied: true });
      expect(await trail(user.username)).toEqual(['login:failure', 'login:success']);
      const [failure] = (await searchAudit(database.db, { actor: user.username, result: 'failure' })).rows;
      expect(failure).toMatchObject({ ip: '10.1.0.1', role: 'supervisor', regionCode: '440703', detail: { reason: 'bad_password' } });
    });

    it('never writes an ID number typed as the account name into the audit log', async () => {
      const auth = service();
      await authError(auth.login('440703199001011234', PASSWORD, '10.1.0.9', 'ua'));
      const rows = (await searchAudit(database.db, { action: 'login', result: 'failure', limit: 500 })).rows;
      expect(rows.some((r) => r.actorUsername === '440703********1234')).toBe(true);
      expect(JSON.stringify(rows)).not.toContain('440703199001011234');
    });

    it('locks an account and address after repeated failures and lets it in again after the lock time', async () => {
      const auth = service({ maxFailures: 3, lockMs: 15 * MIN });
      const user = await makeUser(auth, 'clerk', '440703001001');
      for (let i = 0; i < 2; i++) {
        expect(await authError(auth.login(user.username, 'Wrong-Password-1', '10.2.0.1', 'ua'))).toMatchObject({ code: 'invalid_credentials' });
      }
      const third = await authError(auth.login(user.username, 'Wrong-Password-1', '10.2.0.1', 'ua'));
      expect(third).toMatchObject({ code: 'locked', status: 429, retryAfterSeconds: 900 });
      expect(third.detail).toContain('15 分钟');

      // The right password during the lock is refused without being checked.
      clock += 14 * MIN;
      expect(await authError(auth.login(user.username, PASSWORD, '10.2.0.1', 'ua'))).toMatchObject({ code: 'locked', retryAfterSeconds: 60 });
      // Another address is not locked out by this one's guessing.
      expect((await auth.login(user.username, PASSWORD, '10.2.0.2', 'ua')).token).toBeTruthy();

      clock += MIN;
      expect((await auth.login(user.username, PASSWORD, '10.2.0.1', 'ua')).token).toBeTruthy();
      expect(await trail(user.username)).toEqual([
        'login:failure',
        'login:failure',
        'login:failure',
        'login.lockout:denied',
        'login:denied',
        'login:success',
        'login:success',
      ]);
    });

    it('locks the account itself after failures from many addresses, in the users row', async () => {
      const auth = service({ maxFailures: 3, accountMaxFailures: 4, lockMs: 10 * MIN });
      const user = await makeUser(auth, 'supervisor');
      for (let i = 1; i <= 3; i++) await authError(auth.login(user.username, 'Wrong-Password-1', `10.3.0.${i}`, 'ua'));
      const fourth = await authError(auth.login(user.username, 'Wrong-Password-1', '10.3.0.4', 'ua'));
      expect(fourth).toMatchObject({ code: 'locked', retryAfterSeconds: 600 });
      const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
      expect(row.lockedUntil?.getTime()).toBe(START + 10 * MIN);

      // A new service (a restart) still knows: the lock is in the database.
      const restarted = service();
      expect(await authError(restarted.login(user.username, PASSWORD, '10.3.0.9', 'ua'))).toMatchObject({ code: 'locked' });
      clock += 10 * MIN;
      await restarted.login(user.username, PASSWORD, '10.3.0.9', 'ua');
      const [after] = await database.db.select().from(users).where(eq(users.id, user.id));
      expect(after).toMatchObject({ failedLogins: 0, lockedUntil: null });
      const lockouts = (await searchAudit(database.db, { actor: user.username, action: 'login.lockout' })).rows;
      expect(lockouts.map((r) => r.detail)).toEqual([expect.objectContaining({ scope: 'account' })]);
    });

    it('limits attempts per address and audits a flood once per window', async () => {
      const auth = service({ ipLimit: 3, ipWindowMs: MIN });
      const name = uniqueName('flood');
      for (let i = 0; i < 3; i++) await authError(auth.login(name, PASSWORD, '10.4.0.1', 'ua'));
      for (let i = 0; i < 3; i++) {
        expect(await authError(auth.login(name, PASSWORD, '10.4.0.1', 'ua'))).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 60 });
      }
      expect(await trail(name)).toEqual(['login:failure', 'login:failure', 'login:failure', 'login:denied']);
      clock += MIN;
      expect(await authError(auth.login(name, PASSWORD, '10.4.0.1', 'ua'))).toMatchObject({ code: 'invalid_credentials' });
    });
  });

  describe('sessions', () => {
    it('ends a session after 30 minutes without a request', async () => {
      const auth = service();
      const user = await makeUser(auth, 'clerk', '440703001001');
      const s = await auth.login(user.username, PASSWORD, '10.5.0.1', 'ua');
      clock += 29 * MIN;
      expect(await auth.authenticate(s.token)).not.toBeNull();
      clock += 29 * MIN;
      expect(await auth.authenticate(s.token)).not.toBeNull();
      clock += 30 * MIN;
      expect(await auth.authenticate(s.token)).toBeNull();
      expect(await database.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    });

    it('ends a session 12 hours after login however active it is', async () => {
      const auth = service();
      const user = await makeUser(auth, 'auditor');
      const s = await auth.login(user.username, PASSWORD, '10.5.0.2', 'ua');
      while (clock < START + 12 * 3600_000 - 20 * MIN) {
        clock += 20 * MIN;
        expect(await auth.authenticate(s.token)).not.toBeNull();
      }
      clock = START + 12 * 3600_000 - 1;
      expect(await auth.authenticate(s.token)).not.toBeNull();
      clock += 1;
      expect(await auth.authenticate(s.token)).toBeNull();
      // The clock argument overrides the service's, for callers that already read it.
      const s2 = await auth.login(user.username, PASSWORD, '10.5.0.2', 'ua');
      expect(await auth.authenticate(s2.token, new Date(clock + 31 * MIN))).toBeNull();
    });

    it('rotates the token at every login; a logged-out token stays invalid', async () => {
      const auth = service();
      const user = await makeUser(auth, 'supervisor');
      const first = await auth.login(user.username, PASSWORD, '10.5.0.3', 'ua');
      const second = await auth.login(user.username, PASSWORD, '10.5.0.3', 'ua', first.token);
      expect(second.token).not.toBe(first.token);
      expect(second.csrfToken).not.toBe(first.csrfToken);
      expect(await auth.authenticate(first.token)).toBeNull();
      expect(await auth.authenticate(second.token)).not.toBeNull();

      expect(await auth.logout(second.token, '10.5.0.3')).toBe(true);
      expect(await auth.authenticate(second.token)).toBeNull();
      expect(await auth.logout(second.token, '10.5.0.3')).toBe(false);
      const third = await auth.login(user.username, PASSWORD, '10.5.0.3', 'ua', second.token);
      expect(await auth.authenticate(second.token)).toBeNull();
      expect(await auth.authenticate(first.token)).toBeNull();
      expect(await auth.authenticate(third.token)).not.toBeNull();
      for (const junk of ['', 'x', 'a'.repeat(43) + '=', undefined, 42]) expect(await auth.authenticate(junk)).toBeNull();
      expect(await trail(user.username)).toEqual(['login:success', 'login:success', 'logout:success', 'login:success']);
    });

    it('checks the CSRF token of the session', async () => {
      const auth = service();
      const user = await makeUser(auth, 'clerk', '440703001001');
      const a = await auth.login(user.username, PASSWORD, '10.5.0.4', 'ua');
      const b = await auth.login(user.username, PASSWORD, '10.5.0.5', 'ua');
      const session = (await auth.authenticate(a.token))!.session;
      expect(auth.csrfOk(session, a.csrfToken)).toBe(true);
      expect(auth.csrfOk(session, b.csrfToken)).toBe(false);
      expect(auth.csrfOk(session, a.csrfToken.slice(1))).toBe(false);
      expect(auth.csrfOk(session, '')).toBe(false);
      expect(auth.csrfOk(session, undefined)).toBe(false);
      expect(auth.csrfOk(session, ['x'])).toBe(false);
    });

    it('removes expired sessions in housekeeping', async () => {
      const auth = service();
      const user = await makeUser(auth, 'clerk', '440703001001');
      await auth.login(user.username, PASSWORD, '10.5.0.6', 'ua');
      await auth.purgeExpiredSessions(new Date(clock + MIN));
      expect(await database.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);
      await auth.purgeExpiredSessions(new Date(clock + 31 * MIN));
      expect(await database.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
    });
  });

  describe('second factor', () => {
    it('makes an official enrol and pass TOTP, and refuses a replayed code', async () => {
      const auth = service();
      const user = await makeUser(auth, 'official', '440700');
      const s = await auth.login(user.username, PASSWORD, '10.6.0.1', 'ua');
      expect(s).toMatchObject({ mfaRequired: true, mfaEnrolled: false });
      expect(await auth.authenticate(s.token)).toMatchObject({ mfaRequired: true, mfaSatisfied: false });
      expect(await authError(auth.verifyMfa(s.token, '000000'))).toMatchObject({ code: 'mfa_not_enrolled', status: 409 });

      const enrol = await auth.beginTotpEnrolment(s.token);
      expect(enrol.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]+&issuer=/);
      expect(enrol.otpauthUri).toContain(encodeURIComponent(user.username));
      const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
      expect(row.totpSecret).toMatch(/^gcm1\./);
      expect(row.totpSecret).not.toContain(enrol.secret);
      expect(row.totpEnrolledAt).toBeNull();

      expect(await authError(auth.confirmTotpEnrolment(s.token, '000000'))).toMatchObject({ code: 'mfa_invalid', status: 401 });
      const code = totpCode(enrol.secret, clock);
      const enrolled = await auth.confirmTotpEnrolment(s.token, code, '10.6.0.1');
      expect(enrolled).toMatchObject({ mfaSatisfied: true, user: { mfaEnrolled: true } });
      expect(await auth.authenticate(s.token)).toMatchObject({ mfaSatisfied: true });
      expect(await authError(auth.beginTotpEnrolment(s.token))).toMatchObject({ code: 'mfa_already_enrolled' });
      await auth.logout(s.token);

      // Same 30-second step: the code just used is refused.
      clock += 5_000;
      const s2 = await auth.login(user.username, PASSWORD, '10.6.0.1', 'ua');
      expect(s2).toMatchObject({ mfaRequired: true, mfaEnrolled: true });
      expect(await authError(auth.verifyMfa(s2.token, code))).toMatchObject({ code: 'mfa_invalid' });
      expect(await auth.authenticate(s2.token)).toMatchObject({ mfaSatisfied: false });

      clock += 30_000;
      const fresh = totpCode(enrol.secret, clock);
      expect(await auth.verifyMfa(s2.token, fresh.slice(0, 3) + ' ' + fresh.slice(3), '10.6.0.1')).toMatchObject({ mfaSatisfied: true });
      expect(await auth.authenticate(s2.token)).toMatchObject({ mfaSatisfied: true, session: { mfaPassed: true } });
      // Once used, that code is spent for a second session too.
      const s3 = await auth.login(user.username, PASSWORD, '10.6.0.2', 'ua');
      expect(await authError(auth.verifyMfa(s3.token, fresh))).toMatchObject({ code: 'mfa_invalid' });

      expect(await trail(user.username)).toEqual([
        'login:success',
        'mfa.enrol:failure',
        'mfa.enrol:success',
        'logout:success',
        'login:success',
        'mfa.verify:failure',
        'mfa.verify:success',
        'login:success',
        'mfa.verify:failure',
      ]);
    });

    it('requires it of admins, not of supervisors, clerks or auditors', async () => {
      const auth = service();
      for (const [role, required] of [['admin', true], ['official', true], ['supervisor', false], ['clerk', false], ['auditor', false]] as const) {
        const user = await makeUser(auth, role, '440703');
        const s = await auth.login(user.username, PASSWORD, '10.6.1.1', 'ua');
        expect(s.mfaRequired, role).toBe(required);
        expect((await auth.authenticate(s.token))?.mfaSatisfied, role).toBe(!required);
      }
    });

    it('ends a session that does not pass the factor in time, and locks after repeated wrong codes', async () => {
      const auth = service({ mfaMaxFailures: 3, lockMs: 15 * MIN });
      const user = await makeUser(auth, 'admin', '440700');
      const s = await auth.login(user.username, PASSWORD, '10.6.2.1', 'ua');
      const { secret } = await auth.beginTotpEnrolment(s.token);
      await auth.confirmTotpEnrolment(s.token, totpCode(secret, clock));
      await auth.logout(s.token);

      clock += MIN;
      const pending = await auth.login(user.username, PASSWORD, '10.6.2.1', 'ua');
      clock += 10 * MIN;
      expect(await auth.authenticate(pending.token)).toBeNull();

      const s2 = await auth.login(user.username, PASSWORD, '10.6.2.1', 'ua');
      const bad = totpCode(secret, clock) === '123456' ? '654321' : '123456';
      await authError(auth.verifyMfa(s2.token, bad));
      await authError(auth.verifyMfa(s2.token, bad));
      expect(await authError(auth.verifyMfa(s2.token, bad))).toMatchObject({ code: 'locked', status: 429 });
      expect(await auth.authenticate(s2.token)).toBeNull();
      // Even with the right code, a new session waits for the lock to end.
      clock += MIN;
      const s3 = await auth.login(user.username, PASSWORD, '10.6.2.1', 'ua');
      expect(await authError(auth.verifyMfa(s3.token, totpCode(secret, clock)))).toMatchObject({ code: 'locked' });
      clock += 15 * MIN;
      const s4 = await auth.login(user.username, PASSWORD, '10.6.2.1', 'ua');
      expect(await auth.verifyMfa(s4.token, totpCode(secret, clock))).toMatchObject({ mfaSatisfied: true });
      expect(await trail(user.username)).toContain('mfa.lockout:denied');
    });

    it('lets an admin reset a lost factor; the user enrols again', async () => {
      const auth = service();
      const admin = await makeUser(auth, 'admin', '440700');
      const user = await makeUser(auth, 'official', '440700');
      const s = await auth.login(user.username, PASSWORD, '10.6.3.1', 'ua');
      const { secret } = await auth.beginTotpEnrolment(s.token);
      await auth.confirmTotpEnrolment(s.token, totpCode(secret, clock));
      await auth.resetMfa(actorOf({ user: admin }), user.id);
      expect(await auth.authenticate(s.token)).toBeNull();
      const again = await auth.login(user.username, PASSWORD, '10.6.3.1', 'ua');
      expect(again).toMatchObject({ mfaRequired: true, mfaEnrolled: false });
      expect(await trail(admin.username)).toEqual(['user.mfa_reset:success']);
    });

    it('cannot run TOTP without the key', async () => {
      const auth = createAuthService({ db: database.db, now, passwordParams: FAST });
      const user = await makeUser(auth, 'official', '440700');
      const s = await auth.login(user.username, PASSWORD, '10.6.4.1', 'ua');
      await expect(auth.beginTotpEnrolment(s.token)).rejects.toThrow(/密钥未配置/);
    });
  });

  describe('audit log', () => {
    it('searches by time, actor, action family and result, newest first, page by page', async () => {
      const auth = service();
      const user = await makeUser(auth, 'supervisor', '440703');
      const t0 = new Date(Date.now() - 1000);
      await authError(auth.login(user.username, 'Wrong-Password-1', '10.7.0.1', 'ua'));
      const s = await auth.login(user.username, PASSWORD, '10.7.0.1', 'ua');
      await auth.logout(s.token, '10.7.0.1');
      await appendAudit(database.db, { ...actorAuditFields(actorOf({ user }, '10.7.0.1')), action: 'hardship.export', target: 'campaign:test', regionCode: '440703001', result: 'success', detail: { rows: 12 } });

      const all = await searchAudit(database.db, { actor: user.username.toUpperCase(), from: t0 });
      expect(all.rows.map((r) => r.action)).toEqual(['hardship.export', 'logout', 'login', 'login']);
      expect(all.nextBefore).toBeNull();
      expect((await searchAudit(database.db, { actor: user.username, action: 'login.*' })).rows).toHaveLength(2);
      expect((await searchAudit(database.db, { actor: user.username, result: 'failure' })).rows.map((r) => r.action)).toEqual(['login']);
      expect((await searchAudit(database.db, { actor: user.username, to: t0 })).rows).toEqual([]);
      expect((await searchAudit(database.db, { actor: user.username, region: '440703001' })).rows.map((r) => r.action)).toEqual(['hardship.export']);
      expect((await searchAudit(database.db, { actor: user.username, region: '440704' })).rows).toEqual([]);
      // A failed login on an unknown account has no region: only `includeUnscoped` shows it.
      const ghost = uniqueName('ghost');
      await authError(auth.login(ghost, PASSWORD, '10.7.0.2', 'ua'));
      expect((await searchAudit(database.db, { actor: ghost, region: '440700' })).rows).toEqual([]);
      expect((await searchAudit(database.db, { actor: ghost, region: '440700', includeUnscoped: true })).rows.map((r) => r.detail)).toEqual([
        { reason: 'unknown_account' },
      ]);

      const p1 = await searchAudit(database.db, { actor: user.username, limit: 3 });
      expect(p1.rows).toHaveLength(3);
      const p2 = await searchAudit(database.db, { actor: user.username, limit: 3, before: p1.nextBefore! });
      expect(p2).toMatchObject({ nextBefore: null });
      expect([...p1.rows, ...p2.rows].map((r) => r.id)).toEqual(all.rows.map((r) => r.id));
      await expect(searchAudit(database.db, { limit: 10_000 })).rejects.toHaveProperty('issues');
    });

    it('masks ID numbers in the target and detail', async () => {
      const marker = uniqueName('mask');
      await appendAudit(database.db, {
        actorUsername: marker,
        action: 'pii.unmask',
        target: 'person:44070319900101123X',
        result: 'success',
        detail: { ids: ['440703199001011234'], digest: 'ab440703199001011234cd', big: '4407031990010112345' },
      });
      const [row] = (await searchAudit(database.db, { actor: marker })).rows;
      expect(row.target).toBe('person:440703********123X');
      expect(row.detail).toEqual({ ids: ['440703********1234'], digest: 'ab440703199001011234cd', big: '4407031990010112345' });
    });

    it('is append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused', async () => {
      await appendAudit(database.db, { action: 'test.row', result: 'success' });
      const [{ n: before }] = await database.db.execute(sql`select count(*)::int as n from audit_log`).then(rowsOf<{ n: number }>);
      for (const statement of [
        sql`update audit_log set action = 'x'`,
        sql`update audit_log set action = 'x' where false`,
        sql`delete from audit_log`,
        sql`delete from audit_log where action = 'test.row'`,
        sql`truncate audit_log`,
      ]) {
        expect(messages(await rejection(database.db.execute(statement)))).toContain('audit_log is append-only');
      }
      // A client setting the prune switch by hand still cannot delete a young row.
      const e = await rejection(
        database.db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('audit.prune_before', '2999-01-01', true)`);
          await tx.execute(sql`delete from audit_log where action = 'test.row'`);
        }),
      );
      expect(messages(e)).toContain('audit_log is append-only');
      const [{ n: after }] = await database.db.execute(sql`select count(*)::int as n from audit_log`).then(rowsOf<{ n: number }>);
      expect(after).toBe(before);
    });

    it('refuses an ID number that bypasses appendAudit', async () => {
      const e = await rejection(database.db.execute(sql`insert into audit_log (action, result, target) values ('t', 'success', 'x 440703199001011234')`));
      expect(messages(e)).toContain('audit_log_no_id_number');
    });

    it('prunes only rows older than max(retention, 180 days), and the database refuses a younger bound', async () => {
      const marker = uniqueName('old');
      for (const days of [400, 200, 100]) {
        await database.db.execute(sql`insert into audit_log (at, actor_username, action, result) values (now() - make_interval(days => ${days}), ${marker}, 'test.old', 'success')`);
      }
      const ages = async () => (await searchAudit(database.db, { actor: marker })).rows.length;
      expect(await ages()).toBe(3);

      expect(messages(await rejection(database.db.execute(sql`select audit_prune(now() - interval '179 days')`)))).toMatch(/younger than the 180-day minimum/);
      expect(messages(await rejection(database.db.execute(sql`select audit_prune(null)`)))).toMatch(/180-day minimum/);
      // An app clock running ahead cannot talk the database into a younger bound.
      await rejection(pruneAudit(database.db, { retentionDays: 180, now: new Date(Date.now() + 30 * 86_400_000) }));
      expect(await ages()).toBe(3);

      const r1 = await pruneAudit(database.db, { retentionDays: 365 });
      expect(r1.deleted).toBeGreaterThanOrEqual(1);
      expect(await ages()).toBe(2);
      const r2 = await pruneAudit(database.db, { retentionDays: 30 });
      expect(Date.now() - r2.before.getTime()).toBeGreaterThanOrEqual(MIN_AUDIT_RETENTION_DAYS * 86_400_000);
      expect(await ages()).toBe(1);
      await expect(pruneAudit(database.db, { retentionDays: -1 })).rejects.toThrow(RangeError);
    });
  });
});

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
