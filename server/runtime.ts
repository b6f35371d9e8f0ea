import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { DataConverter } from '@temporalio/common';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
// Wires the parts together for a process: database, Temporal client and connection, worker, app.
import { dirname, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString, type Worker, type WorkerOptions } from '@temporalio/worker';
import { openDatabase, type Database } from '../db/client';
import { createApp } from './app';
import { createCampaignService } from './campaigns/service';
import type { Config } from './config';
import type { Health } from '../contracts/api/campaigns';
import { createWorker } from './worker';
import { ensureOutboxDispatcher } from './outbox';
import { createAuthService, type AuthService } from './auth/service';
import { EncryptionCodec, generatePayloadKey, parseKeyRing } from './security/payloadCodec';
import type { ScryptParams } from './security/password';
import { startHousekeeping } from './housekeeping';
import { ensureTaxFeedSchedule } from './taxFeed/schedule';
import { createReportingService } from './reporting/service';
import { temporalStatus, type TemporalStatus } from './temporalStatus';

export interface RuntimeOptions {
  workflowBundle?: WorkerOptions['workflowBundle'];
  workerOptions?: Partial<WorkerOptions>;
  now?: () => number;
  /** Give up connecting to Temporal after this long (the launcher starts it just before). */
  connectTimeoutMs?: number;
  /** scrypt cost of new password hashes (tests lower it). */
  passwordParams?: ScryptParams;
}

export interface AppRuntime {
  database: Database;
  client: Client;
  worker?: Worker;
  workerRun?: Promise<void>;
  app?: ReturnType<typeof createApp>;
  /** Accounts and sessions (API roles only). */
  auth?: AuthService;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;
/** Quiet SDK logs below the configured level (once per process). */
export function installRuntime(level: Config['LOG_LEVEL']): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const core = level === 'debug' ? 'INFO' : 'WARN';
  Runtime.install({
    logger: new (class {
      log(l: string, message: string, meta?: Record<string, unknown>) {
        const order = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
        if (order.indexOf(l) >= Math.max(order.indexOf(level.toUpperCase()), level === 'debug' ? 0 : order.indexOf('WARN'))) console.error(`[temporal ${l.toLowerCase()}] ${message}`, meta ?? '');
      }
      trace() {}
      debug() {}
      info(m: string, meta?: Record<string, unknown>) { this.log('INFO', m, meta); }
      warn(m: string, meta?: Record<string, unknown>) { this.log('WARN', m, meta); }
      error(m: string, meta?: Record<string, unknown>) { this.log('ERROR', m, meta); }
    })(),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core }) } },
  });
}

async function retrying<T>(what: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > until) throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
      if (attempt === 1) console.error(`[runtime] waiting for ${what}…`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function startRuntime(config: Config, opts: RuntimeOptions = {}): Promise<AppRuntime> {
  installRuntime(config.LOG_LEVEL);
  const database = await openDatabase({
    url: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
  });
  const timeout = opts.connectTimeoutMs ?? 60_000;
  const connection = await retrying(`Temporal at ${config.TEMPORAL_ADDRESS}`, () => Connection.connect({ address: config.TEMPORAL_ADDRESS }), timeout);
  const dataConverter = await payloadDataConverter(config);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...(dataConverter ? { dataConverter } : {}) });

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  if (config.ROLE !== 'api') {
    nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    worker = await createWorker({
      connection: nativeConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      db: database.db,
      uploadDir: config.UPLOAD_DIR,
      notify: config,
      workflowBundle: opts.workflowBundle,
      options: {
        ...(dataConverter ? { dataConverter } : {}),
        ...(config.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS } : {}),
        ...opts.workerOptions,
      },
    });
    workerRun = worker.run();
    // Singletons owned by the workers: starting them again is a no-op.
    await ensureOutboxDispatcher(client, config.TEMPORAL_TASK_QUEUE, config.OUTBOX_POLL_SECONDS);
    if (config.TAX_FEED_INBOX) {
      await ensureTaxFeedSchedule(client, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        dir: resolve(config.TAX_FEED_INBOX),
        cron: config.TAX_FEED_CRON,
        timeZone: config.TAX_FEED_TIME_ZONE,
      });
    }
  }

  let app: ReturnType<typeof createApp> | undefined;
  let authService: AuthService | undefined;
  let stopHousekeeping: (() => void) | undefined;
  let temporal: TemporalStatus | undefined;
  if (config.ROLE !== 'worker') {
    const campaigns = createCampaignService({
      db: database.db,
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      namespace: config.TEMPORAL_NAMESPACE,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      now: opts.now,
    });
    const status = (temporal = temporalStatus(connection));
    // Health answers within a second either way: each part gets a deadline, never the SDK's retries.
    const health = async (): Promise<Health> => {
      const [t, d] = await Promise.all([status.check(), withTimeout(database.ping(), 500, '数据库 500 ms 内无应答')]);
      const db = d.ok ? { ok: true, kind: database.kind } : { ok: false, kind: database.kind, error: d.error };
      return { status: t.ok && db.ok ? 'ok' : 'degraded', temporal: t.ok ? { ok: true } : { ok: false, error: t.error ?? '无法连接' }, database: db };
    };
    authService = createAuthService({
      db: database.db,
      secretKey: await authSecretKey(config),
      now: opts.now ? () => new Date(opts.now!()) : undefined,
      limits: { idleTimeoutMs: config.SESSION_IDLE_MINUTES * 60_000, absoluteTimeoutMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000 },
      ...(opts.passwordParams ? { passwordParams: opts.passwordParams } : {}),
    });
    stopHousekeeping = startHousekeeping(database.db, authService, {
      auditRetentionDays: config.AUDIT_RETENTION_DAYS,
      uploads: { dir: config.UPLOAD_DIR, retentionHours: config.UPLOAD_RETENTION_HOURS },
    });
    app = createApp({
      db: database.db,
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      uploadDir: config.UPLOAD_DIR,
      campaigns,
      reporting: createReportingService({ db: database.db, client, now: opts.now }),
      auth: { service: authService, cookieSecure: config.COOKIE_SECURE, trustProxy: config.TRUST_PROXY },
      codec: dataConverter?.payloadCodecs?.[0],
      health,
      temporal: status,
      config: { temporalUiUrl: config.TEMPORAL_UI_URL ?? null, namespace: config.TEMPORAL_NAMESPACE, defaultActor: '市人社局' },
      webDist: config.WEB_DIST,
      now: opts.now,
    });
  }

  return {
    database,
    client,
    worker,
    workerRun,
    app,
    auth: authService,
    async shutdown() {
      stopHousekeeping?.();
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun?.catch((e) => console.error('[runtime] worker stopped with', e));
      await nativeConnection?.close();
      // A probe's call left retrying against a stopped service would throw once the connection is closed.
      await temporal?.settled(5_000);
      await connection.close();
      await database.close();
    },
  };
}

/** Settles with the promise's outcome, or with a failure after `ms`. */
async function withTimeout(p: Promise<unknown>, ms: number, message: string): Promise<{ ok: true } | { ok: false; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: false; error: string }>((r) => (timer = setTimeout(() => r({ ok: false, error: message }), ms)));
  try {
    return await Promise.race([p.then(() => ({ ok: true as const }), (e: unknown) => ({ ok: false as const, error: String((e as Error).message) })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A secret kept in a file (owner-only), made there on the very first start. Several processes starting
 * at once on a shared volume agree: only one creation can succeed, and everyone reads the winner's.
 */
async function readOrMakeSecret(path: string, what: string, make: () => string): Promise<string> {
  const file = resolve(path);
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, `${make()}\n`, { flag: 'wx', mode: 0o600 });
    console.error(`[runtime] made a new ${what} in ${file} (keep it with the database backups)`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return (await readFile(file, 'utf8')).trim();
}

/** AUTH_SECRET_KEY, else the key in AUTH_SECRET_FILE. */
async function authSecretKey(config: Config): Promise<Buffer> {
  const text = config.AUTH_SECRET_KEY ?? (await readOrMakeSecret(config.AUTH_SECRET_FILE, 'AUTH_SECRET_KEY', () => randomBytes(32).toString('base64')));
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`AUTH_SECRET_KEY (or ${config.AUTH_SECRET_FILE}) must hold 32 bytes, base64`);
  return key;
}

/**
 * The data converter every client and worker of this app uses: payloads encrypted by the key ring
 * (PAYLOAD_KEYS, else PAYLOAD_KEY_FILE), and failure messages and stack traces encoded with them, so
 * nothing a workflow carries is stored in the clear. Undefined when PAYLOAD_ENCRYPTION=off.
 */
const FAILURE_CONVERTER_PATH = createRequire(import.meta.url).resolve('./security/failureConverter.ts');

export async function payloadDataConverter(config: Config): Promise<DataConverter | undefined> {
  if (config.PAYLOAD_ENCRYPTION === 'off') return undefined;
  const ring = parseKeyRing(config.PAYLOAD_KEYS ?? (await readOrMakeSecret(config.PAYLOAD_KEY_FILE, 'payload key ring', () => `k1:${generatePayloadKey()}`)));
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
