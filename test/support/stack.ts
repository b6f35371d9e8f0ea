// The whole product as `npm start` runs it, on free ports: a Temporal dev server, PGlite, the worker
// and the API serving the built console. For browser tests.
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../db/client';
import type { Role } from '../../domain/access';
import { SYSTEM_ACTOR, type PublicUser } from '../../server/auth/service';
import { loadConfig } from '../../server/config';
import { startRuntime } from '../../server/runtime';
import { enrolTotp, TEST_AUTH_SECRET_KEY, TEST_PASSWORD_PARAMS, TEST_PAYLOAD_KEYS } from './auth';
import { startDevServer } from './devServer';
import { workflowBundle } from './temporal';

export interface NewTestUser {
  username: string;
  password: string;
  role: Role;
  regionCode: string;
  displayName: string;
}

export interface TestUser extends PublicUser {
  password: string;
  /** Base32 seed of the enrolled second factor (officials and admins, or `enrolMfa: true`). */
  totpSecret?: string;
  /** The TOTP step the enrolment used: a sign-in must use a later one (replayed codes are refused). */
  totpLastStep?: number;
}

export interface Stack {
  baseUrl: string;
  /** The stack's database (PGlite in memory), for a test that sets up what no page can (verified figures). */
  db: Db;
  temporalAddress: string;
  /** An account made directly through the auth service; officials and admins come already enrolled in TOTP. */
  createUser(user: NewTestUser, options?: { enrolMfa?: boolean }): Promise<TestUser>;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dev = await startDevServer({ headless: true });
  const config = loadConfig({
    TEMPORAL_ADDRESS: dev.address,
    PGLITE_DIR: 'memory://',
    UPLOAD_DIR: mkdtempSync(path.join(tmpdir(), 'campaign-uploads-')),
    WEB_DIST: 'web/dist',
    TEMPORAL_UI_URL: '',
    LOG_LEVEL: 'warn',
    AUTH_SECRET_KEY: TEST_AUTH_SECRET_KEY,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  });
  const runtime = await startRuntime(config, { workflowBundle: await workflowBundle(), passwordParams: TEST_PASSWORD_PARAMS });
  const server: Server = runtime.app!.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const auth = runtime.auth!;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db: runtime.database.db,
    temporalAddress: dev.address,
    async createUser(input, options = {}) {
      const created = await auth.createUser(SYSTEM_ACTOR, input);
      const enrol = options.enrolMfa ?? (input.role === 'official' || input.role === 'admin');
      if (!enrol) return { ...created, password: input.password };
      const { secret, step } = await enrolTotp(auth, input.username, input.password);
      return { ...created, mfaEnrolled: true, password: input.password, totpSecret: secret, totpLastStep: step };
    },
    async stop() {
      await new Promise((r) => server.close(r));
      await runtime.shutdown();
      await dev.stop();
    },
  };
}
