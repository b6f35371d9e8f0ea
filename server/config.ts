// Configuration: one zod schema, parsed once at start. A bad variable is named and the process exits.
// Nothing else in the project reads process.env (scripts pass it in here).
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

export const ConfigSchema = z.object({
  /** HTTP port of the API and console. */
  PORT: port.default(3000),
  /** Interface to listen on; containers set 0.0.0.0. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Which parts this process runs: the API, the Temporal worker, or both (the embedded default). */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** PostgreSQL connection string. When unset, the embedded PGlite database is used. */
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  /** PostgreSQL: a statement running longer is cancelled, in ms (bulk COPY lifts it for itself). */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000),
  /** PostgreSQL: waiting longer than this for a row or table lock is an error, in ms. */
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** On SIGTERM/SIGINT, in-flight work gets this long to finish; then the process exits regardless. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** PGlite data directory (only without DATABASE_URL). */
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('campaigns'),
  /** Base URL of Temporal's web UI, for links from the console; empty to hide the links. */
  TEMPORAL_UI_URL: z.preprocess(emptyAsUndefined, z.url().optional()).default('http://localhost:8233'),
  /** Uploaded roster and hardship files (kept by their sha256); API and workers must share it. */
  UPLOAD_DIR: z.string().min(1).default('.data/uploads'),
  /**
   * Uploaded files (names and ID numbers) not imported within this many hours of their last upload are
   * deleted by the hourly clean-up (server/housekeeping.ts); an import deletes its own file once decided.
   */
  UPLOAD_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  /**
   * 32 random bytes, base64: seals the TOTP seeds at rest. When unset, the API reads AUTH_SECRET_FILE,
   * making it on first start. Generate: `openssl rand -base64 32`.
   */
  AUTH_SECRET_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64 (openssl rand -base64 32)')
      .optional(),
  ),
  /** Where the API keeps AUTH_SECRET_KEY when it is not set: read, or made (32 random bytes) on first start. */
  AUTH_SECRET_FILE: z.string().min(1).default('.data/auth-secret.key'),
  /**
   * Temporal payloads (workflow and activity inputs and results, signals, errors) are encrypted with
   * AES-256-GCM before they reach the Temporal service. Every client and worker must agree: `off` only
   * for a deployment whose histories must stay readable without this app.
   */
  PAYLOAD_ENCRYPTION: z.enum(['on', 'off']).default('on'),
  /** The key ring, `id:base64key,…`, newest first (new payloads use it; older ids still decode). */
  PAYLOAD_KEYS: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Where the ring is kept when PAYLOAD_KEYS is unset: read, or made on first start. Shared by API and workers. */
  PAYLOAD_KEY_FILE: z.string().min(1).default('.data/payload-keys'),
  /** Send the session cookie only over HTTPS (set it when the console is served over TLS). */
  COOKIE_SECURE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['true', 'false']).default('false')).transform((v) => v === 'true'),
  /** Sessions end after this many idle minutes, and this many hours after sign-in in any case. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  /** Audit entries are kept at least this long (never under 180 days). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180).default(365),
  /** Behind a reverse proxy, how many hops to trust for the client address (Express `trust proxy`). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(5).default(0),
  /** Built console assets served by the API. */
  WEB_DIST: z.string().min(1).default('web/dist'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Webhook that receives every notification as JSON (optional). */
  NOTIFY_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  /** SMTP server for notification e-mail, e.g. smtp://user:pass@mail.example.gov.cn:587 (optional). */
  SMTP_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
  SMTP_FROM: z.string().min(3).default('城乡居保征缴 <noreply@localhost>'),
  /** Comma-separated addresses that receive every notification by e-mail (with SMTP_URL). */
  NOTIFY_EMAIL_TO: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Workflows a worker keeps cached (unset: the SDK's default, sized from memory). Lower it to bound a worker's memory. */
  WORKER_MAX_CACHED_WORKFLOWS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).optional()),
  /** How often the outbox dispatcher looks for notifications to deliver, in seconds. */
  OUTBOX_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** Folder the weekly schedule scans for the tax bureau's payment-feed CSV files (optional). */
  TAX_FEED_INBOX: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Cron expression of the tax-feed pickup, in TAX_FEED_TIME_ZONE. Default: Mondays 06:00. */
  TAX_FEED_CRON: z.string().min(9).default('0 6 * * 1'),
  TAX_FEED_TIME_ZONE: z.string().min(1).default('Asia/Shanghai'),
});

/** The parsed variables; TEMPORAL_UI_URL is undefined when set empty (no Temporal UI). */
export type Config = Omit<z.infer<typeof ConfigSchema>, 'TEMPORAL_UI_URL'> & { TEMPORAL_UI_URL: string | undefined };

/** Variables the launcher (`npm start`) reads on top of the app's own. */
export const LauncherSchema = z.object({
  /** `auto` starts a local Temporal dev server unless TEMPORAL_ADDRESS answers; `off` never does. */
  TEMPORAL_DEV_SERVER: z.enum(['auto', 'off']).default('auto'),
  /** Folder for the dev server's database file and PGlite data. */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Folder where the toolchain (Temporal CLI, test server) is cached. */
  TOOLS_DIR: z.string().min(1).default('.tools'),
  TEMPORAL_UI_PORT: port.default(8233),
});
export type LauncherConfig = z.infer<typeof LauncherSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function parseWith<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${String(i.path[0] ?? '?')}=${JSON.stringify(env[String(i.path[0])] ?? '')}: ${i.message}`),
    );
  }
  return result.data;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // The launcher's TEMPORAL_UI_PORT moves the dev server's UI: links and the codec's allowed origin
  // follow it unless TEMPORAL_UI_URL says otherwise.
  const uiPort = env.TEMPORAL_UI_PORT?.trim();
  if (env.TEMPORAL_UI_URL === undefined && uiPort) env = { ...env, TEMPORAL_UI_URL: `http://localhost:${uiPort}` };
  const config = parseWith(ConfigSchema, env);
  // Set but empty: no Temporal UI (links hidden, no codec origin), as documented, not the default.
  return env.TEMPORAL_UI_URL?.trim() === '' ? { ...config, TEMPORAL_UI_URL: undefined } : config;
}

export function loadLauncherConfig(env: Record<string, string | undefined>): LauncherConfig {
  return parseWith(LauncherSchema, env);
}

/** For entry points: parse or print the named problems and exit. */
export function loadConfigOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
