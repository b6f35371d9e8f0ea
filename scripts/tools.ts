// The project's own toolchain: the Temporal CLI (dev server), Java's time-skipping test server,
// PostgreSQL, Chromium and schemathesis (the API fuzzer), obtained once and cached under the tools dir
// (`.tools/`, git-ignored) so that `npm test` and `npm start` work on a fresh machine with nothing but
// Node and a package manager.
// Every `ensure*` is idempotent; a second run only checks what is already there.
//
//   tsx scripts/tools.ts [all|temporal|test-server|postgres|chromium|schemathesis]
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants, existsSync, realpathSync } from 'node:fs';
import { access, chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadLauncherConfig } from '../server/config';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEST_SERVER_VERSION = '1.38.0';
/** From PyPI, into its own venv; test/api/fuzz.test.ts relies on this version's CLI flags. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** A local role for tests only, reachable on loopback only (Debian's default `listen_addresses`). */
const PG_TEST_ROLE = 'campaigns_test';
const PG_TEST_PASSWORD = 'campaigns_test';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export function defaultToolsDir(): string {
  return path.join(projectRoot, '.tools');
}

/** Everything the tests need from the machine, as `test/globalSetup.ts` provides it. */
export interface Toolchain {
  toolsDir: string;
  /** `temporal` CLI, for `temporal server start-dev`. */
  temporalCli: string;
  /** Executable for `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`. */
  testServer: string;
  /** Role with CREATEDB on a local PostgreSQL; tests create their own databases from it. */
  postgresAdminUrl: string;
  /** Chromium for playwright-core's `chromium.launch({ executablePath })`. */
  chromium: string;
  /** schemathesis' `st` CLI, for the API fuzz test. */
  schemathesis: string;
}

export interface PostgresInfo {
  adminUrl: string;
}

function log(message: string): void {
  process.stderr.write(`[tools] ${message}\n`);
}

function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
}

// ---------------------------------------------------------------------------------------------------
// Processes

export class ToolError extends Error {}

interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolve with the exit code instead of throwing on failure. */
  allowFailure?: boolean;
  /** Let the child read the terminal (sudo may ask for a password). */
  interactive?: boolean;
  timeoutMs?: number;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref()
      : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      if (options.allowFailure) resolve({ code: 127, stdout, stderr: stderr + String(err) });
      else reject(new ToolError(`${command} ${args.join(' ')}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = { code: code ?? 128, stdout, stderr };
      if (code === 0 || options.allowFailure) resolve(result);
      else
        reject(
          new ToolError(
            `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail(stderr || stdout)}`,
          ),
        );
    });
  });
}

/** Absolute path of a command on PATH, as the shell would find it. */
async function which(name: string): Promise<string | undefined> {
  const { code, stdout } = await run('sh', ['-c', `command -v ${name}`], { allowFailure: true });
  const found = stdout.trim();
  return code === 0 && found.startsWith('/') ? found : undefined;
}

const isRoot = () => process.getuid?.() === 0;

/** System changes (apt, clusters) need root; elsewhere go through sudo, which may prompt. */
function asRoot(command: string, args: string[]): [string, string[]] {
  return isRoot() ? [command, args] : ['sudo', [command, ...args]];
}

function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : ['sudo', ['-u', 'postgres', command, ...args]];
}

let aptUpdated = false;

async function aptInstall(packages: string[]): Promise<void> {
  if (!(await which('apt-get'))) {
    throw new ToolError(`cannot install ${packages.join(', ')}: no apt-get here; install it with your system's package manager`);
  }
  // Through `env`, because sudo drops the caller's environment; another apt (or a parallel ensure) may
  // hold dpkg's lock for a while, so wait for it rather than fail.
  const aptGet = (...args: string[]) =>
    run(...asRoot('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=600', ...args]), {
      interactive: !isRoot(),
    });
  if (!aptUpdated) {
    log('apt-get update');
    await aptGet('update', '-q');
    aptUpdated = true;
  }
  log(`apt-get install ${packages.join(' ')}`);
  const started = Date.now();
  await aptGet('install', '-y', '-q', ...packages);
  log(`installed ${packages.join(' ')} in ${seconds(started)}`);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// A lock per tool, so that `npm start` and `npm test` started together do not build the same thing twice
// into the same folder. A lock whose owner died is taken over.

async function withLock<T>(toolsDir: string, name: string, fn: () => Promise<T>): Promise<T> {
  const lockDir = path.join(toolsDir, '.locks', `${name}.lock`);
  await mkdir(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => ''));
      if (owner && !processAlive(owner)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new ToolError(`timed out waiting for ${lockDir} (held by pid ${owner || '?'})`);
      if (!announced) {
        log(`waiting for another process (pid ${owner || '?'}) that is preparing ${name}`);
        announced = true;
      }
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function lockHeld(toolsDir: string, name: string): Promise<boolean> {
  const owner = Number(await readFile(path.join(toolsDir, '.locks', `${name}.lock`, 'pid'), 'utf8').catch(() => ''));
  return owner > 0 && processAlive(owner);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Prints a line now and then during a long step, so a first run does not look stuck. */
function heartbeat(what: string): () => void {
  const started = Date.now();
  const timer = setInterval(() => log(`${what}… ${seconds(started)}`), 30_000);
  return () => clearInterval(timer);
}

// ---------------------------------------------------------------------------------------------------
// Temporal CLI

async function cliVersion(binary: string): Promise<string | undefined> {
  const { code, stdout } = await run(binary, ['--version'], { allowFailure: true, timeoutMs: 30_000 });
  return code === 0 ? stdout.trim() : undefined;
}

/**
 * Path of a `temporal` CLI: the one on PATH if any, else the one cached in `<toolsDir>/bin`, else one
 * built with `go install` (or, without Go, the official release archive).
 */
export async function ensureTemporalCli(toolsDir: string = defaultToolsDir()): Promise<string> {
  toolsDir = path.resolve(toolsDir);
  // An installed CLI wins, unless it predates 1.0 (whose `server start-dev` flags differ).
  const onPath = await which('temporal');
  if (onPath) {
    const version = await cliVersion(onPath);
    const major = Number(/version (\d+)\./.exec(version ?? '')?.[1] ?? 0);
    if (major >= 1) {
      log(`temporal CLI: ${onPath} (${version})`);
      return onPath;
    }
    log(`ignoring ${onPath} (${version ?? 'does not answer --version'}): version 1 or later is needed`);
  }

  const binary = path.join(toolsDir, 'bin', 'temporal');
  // A cached binary from an older pin is replaced: the tests rely on this version's flags.
  const cached = async () => {
    if (!(await isExecutable(binary))) return undefined;
    const version = await cliVersion(binary);
    return version?.includes(TEMPORAL_CLI_VERSION) ? version : undefined;
  };
  let version = await cached();
  if (version) return binary;

  return withLock(toolsDir, 'temporal', async () => {
    version = await cached();
    if (version) return binary;
    await mkdir(path.dirname(binary), { recursive: true });
    const started = Date.now();
    if (await which('go')) await buildTemporalCli(toolsDir);
    else await downloadTemporalCli(toolsDir);
    version = await cliVersion(binary);
    if (!version) throw new ToolError(`${binary} was installed but does not answer --version`);
    log(`temporal CLI ready in ${seconds(started)}: ${binary} (${version})`);
    return binary;
  });
}

async function buildTemporalCli(toolsDir: string): Promise<void> {
  log(`building temporal CLI v${TEMPORAL_CLI_VERSION} with go install (the first build takes a few minutes)`);
  const done = heartbeat('still building the temporal CLI');
  try {
    await run(
      'go',
      [
        'install',
        // The release builds stamp the version this way; without it `--version` says 0.0.0-DEV.
        `-ldflags=-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
      ],
      {
        env: { ...process.env, GOBIN: path.join(toolsDir, 'bin'), GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
      },
    );
  } finally {
    done();
  }
}

/** Without Go: the official release archive (as temporal's install script fetches it). */
async function downloadTemporalCli(toolsDir: string): Promise<void> {
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform as string];
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  if (!platform || !arch) {
    throw new ToolError(`no temporal CLI release for ${process.platform}/${process.arch}; install Go or the CLI yourself`);
  }
  const url = `https://temporal.download/cli/archive/v${TEMPORAL_CLI_VERSION}?platform=${platform}&arch=${arch}`;
  log(`downloading temporal CLI v${TEMPORAL_CLI_VERSION} from ${url}`);
  const response = await fetch(url, { redirect: 'follow' }).catch((err: Error) => {
    throw new ToolError(`GET ${url}: ${err.message}${err.cause ? ` (${String(err.cause)})` : ''}; install Go or the temporal CLI and retry`);
  });
  if (!response.ok) throw new ToolError(`GET ${url}: HTTP ${response.status}`);
  const staging = path.join(toolsDir, `download-${process.pid}`);
  await mkdir(staging, { recursive: true });
  try {
    const archive = path.join(staging, 'temporal.tar.gz');
    await writeFile(archive, Buffer.from(await response.arrayBuffer()));
    await run('tar', ['-xzf', archive, '-C', staging]);
    const extracted = path.join(staging, 'temporal');
    await chmod(extracted, 0o755);
    await rename(extracted, path.join(toolsDir, 'bin', 'temporal'));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Time-skipping test server

function testServerPom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/tools.ts: only resolves Temporal's test server and its runtime jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.pension-campaigns</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <!-- A logging binding, so that every test server start does not print SLF4J's "no binding" warning. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
`;
}

const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k'];

function testServerWrapper(java: string, lib: string, classArchive?: string): string {
  // The SDK runs `<exe> <port> [extraArgs]`, gives it 5 seconds to answer, and later SIGKILLs the process
  // it started; `exec` makes that process the JVM itself. Time skipping starts locked, as with the SDK's
  // own download, and the SDK unlocks it. The flags and the class archive (AppCDS, made by a training
  // run) roughly halve the JVM's start, which keeps it well inside those 5 seconds on a busy machine;
  // an archive that no longer matches the JVM is ignored silently.
  const flags = [...JVM_FLAGS];
  if (classArchive) flags.push(`-XX:SharedArchiveFile=${shellQuote(classArchive)}`, '-Xshare:auto', '-Xlog:cds=off', '-Xlog:cds+dynamic=off');
  return `#!/usr/bin/env bash
# Generated by scripts/tools.ts: Temporal's time-skipping test server (io.temporal:temporal-test-server:${TEST_SERVER_VERSION}).
exec ${shellQuote(java)} ${flags.join(' ')} -cp ${shellQuote(`${lib}/*`)} io.temporal.testserver.TestServer "$@"
`;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Path of an executable that starts Temporal's time-skipping test server (the Java build from Maven
 * Central, wrapped in a script), for `TestWorkflowEnvironment.createTimeSkipping`.
 */
export async function ensureTestServer(toolsDir: string = defaultToolsDir()): Promise<string> {
  toolsDir = path.resolve(toolsDir);
  const dir = path.join(toolsDir, 'test-server');
  const lib = path.join(dir, 'lib');
  const stamp = path.join(dir, '.complete');
  const wrapper = path.join(dir, 'temporal-test-server');
  const archive = path.join(dir, 'classes.jsa');
  const archiveStamp = `${archive}.java`;
  const pom = testServerPom();

  const java = (await which('java')) ?? (await installJava());
  // The archive belongs to one JVM build; a different java (after an upgrade) gets a new one.
  const javaId = realpathSync(java);
  const libReady = async () => (await readFile(stamp, 'utf8').catch(() => '')).trim() === shortHash(pom);
  // `failed` is remembered too, so that a JVM that cannot make archives does not retrain on every run.
  const archiveState = async (): Promise<'ready' | 'failed' | 'missing'> => {
    const recorded = await readFile(archiveStamp, 'utf8').catch(() => '');
    if (recorded === `failed:${javaId}`) return 'failed';
    return recorded === javaId && existsSync(archive) ? 'ready' : 'missing';
  };
  const writeWrapper = async (withArchive: boolean) => {
    const wanted = testServerWrapper(java, lib, withArchive ? archive : undefined);
    if ((await readFile(wrapper, 'utf8').catch(() => '')) === wanted) return;
    // Replaced by rename, so that a test starting the server meanwhile never runs a half-written script.
    const staging = `${wrapper}.tmp-${process.pid}`;
    await writeFile(staging, wanted, { mode: 0o755 });
    await rename(staging, wrapper);
  };

  if ((await libReady()) && (await archiveState()) !== 'missing') {
    await writeWrapper((await archiveState()) === 'ready');
    return wrapper;
  }
  return withLock(toolsDir, 'test-server', async () => {
    if (!(await libReady())) {
      const mvn = (await which('mvn')) ?? (await installMaven());
      const started = Date.now();
      log(`resolving io.temporal:temporal-test-server:${TEST_SERVER_VERSION} with Maven`);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'pom.xml'), pom);
      // Copy into a fresh folder, then swap, so an interrupted run never leaves a half-filled lib/.
      const staging = path.join(dir, `lib.tmp-${process.pid}`);
      await rm(staging, { recursive: true, force: true });
      const done = heartbeat('still resolving the test server');
      try {
        await run(mvn, ['-q', '-B', '-f', path.join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`], {
          cwd: dir,
        });
      } finally {
        done();
      }
      const jars = (await readdir(staging)).filter((f) => f.endsWith('.jar'));
      if (!jars.includes(`temporal-test-server-${TEST_SERVER_VERSION}.jar`)) {
        throw new ToolError(`Maven did not produce temporal-test-server-${TEST_SERVER_VERSION}.jar in ${staging}`);
      }
      await rm(lib, { recursive: true, force: true });
      await rename(staging, lib);
      await rm(archive, { force: true });
      await rm(archiveStamp, { force: true });
      await writeFile(stamp, `${shortHash(pom)}\n`);
      log(`test server resolved in ${seconds(started)}: ${jars.length} jars in ${lib}`);
    }
    if ((await archiveState()) === 'missing') {
      try {
        await trainClassArchive(java, lib, archive);
        await writeFile(archiveStamp, javaId);
      } catch (err) {
        // Only start-up speed is lost; the server works without the archive.
        log(`no class archive for the test server (${(err as Error).message}); it will start more slowly`);
        await rm(archive, { force: true });
        await writeFile(archiveStamp, `failed:${javaId}`);
      }
    }
    await writeWrapper((await archiveState()) === 'ready');
    return wrapper;
  });
}

/** Starts the server once with -XX:ArchiveClassesAtExit, lets a client in, and stops it so the JVM dumps the classes it loaded. */
async function trainClassArchive(java: string, lib: string, archive: string): Promise<void> {
  const started = Date.now();
  await rm(archive, { force: true });
  const port = await freePort();
  const child = spawn(java, [...JVM_FLAGS, `-XX:ArchiveClassesAtExit=${archive}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off', '-cp', `${lib}/*`, 'io.temporal.testserver.TestServer', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  try {
    await waitForFrontend(`127.0.0.1:${port}`, 60_000, () => done);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message} ${tail(stderr, 5)}`, { cause: err });
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
  if (!existsSync(archive)) throw new Error(`the JVM wrote no archive ${tail(stderr, 5)}`);
  log(`test server class archive made in ${seconds(started)}`);
}

async function installJava(): Promise<string> {
  await aptInstall(['default-jre-headless']);
  const java = await which('java');
  if (!java) throw new ToolError('java is still missing after installing default-jre-headless');
  return java;
}

async function installMaven(): Promise<string> {
  await aptInstall(['maven']);
  const mvn = await which('mvn');
  if (!mvn) throw new ToolError('mvn is still missing after installing maven');
  return mvn;
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

interface Cluster {
  version: string;
  name: string;
  port: number;
  online: boolean;
}

async function listClusters(): Promise<Cluster[]> {
  const { stdout } = await run('pg_lsclusters', ['--no-header']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4 && /^\d+$/.test(cols[2]))
    .map(([version, name, port, status]) => ({ version, name, port: Number(port), online: status.startsWith('online') }));
}

async function installedPostgresVersions(): Promise<string[]> {
  const entries = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const versions: string[] = [];
  for (const v of entries) if (await isExecutable(`/usr/lib/postgresql/${v}/bin/postgres`)) versions.push(v);
  return versions.sort((a, b) => Number(b) - Number(a));
}

function pickCluster(clusters: Cluster[]): Cluster | undefined {
  const byPreference = [...clusters].sort(
    (a, b) =>
      Number(b.online) - Number(a.online) ||
      Number(b.name === 'main') - Number(a.name === 'main') ||
      Number(b.version) - Number(a.version),
  );
  return byPreference[0];
}

/**
 * A running local PostgreSQL (Debian's cluster tooling) with a login role that may create databases.
 * Installs the `postgresql` package and creates/starts a cluster when needed.
 */
export async function ensurePostgres(toolsDir: string = defaultToolsDir()): Promise<PostgresInfo> {
  toolsDir = path.resolve(toolsDir);
  return withLock(toolsDir, 'postgres', async () => {
    const started = Date.now();
    if (!(await which('pg_ctlcluster')) || (await installedPostgresVersions()).length === 0) {
      await aptInstall(['postgresql']);
    }
    let cluster = pickCluster(await listClusters());
    if (!cluster) {
      const [version] = await installedPostgresVersions();
      if (!version) throw new ToolError('PostgreSQL is installed but no server binaries were found under /usr/lib/postgresql');
      log(`creating PostgreSQL ${version} cluster "main"`);
      await run(...asRoot('pg_createcluster', [version, 'main']), { interactive: !isRoot() });
      cluster = pickCluster(await listClusters());
      if (!cluster) throw new ToolError('pg_createcluster ran but pg_lsclusters lists no cluster');
    }
    // The usual case on a second run: nothing to change, so do not touch the role.
    if (cluster.online) {
      const adminUrl = pgAdminUrl(cluster.port);
      if (await canLogIn(adminUrl)) return { adminUrl };
    }
    if (!cluster.online) {
      log(`starting PostgreSQL ${cluster.version}/${cluster.name} on port ${cluster.port}`);
      const result = await run(...asRoot('pg_ctlcluster', [cluster.version, cluster.name, 'start']), {
        allowFailure: true,
        interactive: !isRoot(),
      });
      // Someone else may have started it in the meantime; only a cluster that is still down is a failure.
      const now = (await listClusters()).find((c) => c.version === cluster!.version && c.name === cluster!.name);
      if (!now?.online) {
        throw new ToolError(`pg_ctlcluster ${cluster.version} ${cluster.name} start failed:\n${tail(result.stderr || result.stdout)}`);
      }
    }

    const sql = `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_TEST_ROLE}') THEN
    CREATE ROLE ${PG_TEST_ROLE} LOGIN CREATEDB PASSWORD '${PG_TEST_PASSWORD}';
  END IF;
END $$;
ALTER ROLE ${PG_TEST_ROLE} LOGIN CREATEDB PASSWORD '${PG_TEST_PASSWORD}';`;
    await run(...asPostgresUser('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-p', String(cluster.port), '-d', 'postgres', '-c', sql]), {
      // psql as the postgres user cannot read a cwd under /root.
      cwd: '/',
      interactive: !isRoot(),
    });

    const adminUrl = pgAdminUrl(cluster.port);
    await checkLogin(adminUrl);
    log(`PostgreSQL ${cluster.version} ready on 127.0.0.1:${cluster.port} (${seconds(started)})`);
    return { adminUrl };
  });
}

function pgAdminUrl(port: number): string {
  return `postgres://${PG_TEST_ROLE}:${PG_TEST_PASSWORD}@127.0.0.1:${port}/postgres`;
}

async function canLogIn(url: string): Promise<boolean> {
  return checkLogin(url).then(
    () => true,
    () => false,
  );
}

/** Proves the role logs in over TCP with its password and may create databases, as the tests will. */
async function checkLogin(url: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    const [role] = await sql<{ rolcreatedb: boolean }[]>`select rolcreatedb from pg_roles where rolname = current_user`;
    if (!role?.rolcreatedb) throw new Error(`${PG_TEST_ROLE} lacks CREATEDB`);
  } catch (err) {
    throw new ToolError(`cannot log in to ${url.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// ---------------------------------------------------------------------------------------------------
// Chromium

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** Path of a Chromium for playwright-core; installs Debian's `chromium` when none is present. */
export async function ensureChromium(toolsDir: string = defaultToolsDir()): Promise<string> {
  toolsDir = path.resolve(toolsDir);
  const find = async () => {
    for (const name of CHROMIUM_NAMES) {
      const found = await which(name);
      if (found) return found;
    }
    return undefined;
  };
  // dpkg unpacks the binary before the install has finished; while an install holds the lock, wait for it.
  const existing = await find();
  if (existing && !(await lockHeld(toolsDir, 'chromium'))) return existing;
  return withLock(toolsDir, 'chromium', async () => {
    const again = await find();
    if (again) return again;
    // CJK fonts so that screenshots of the zh-CN console show text, not boxes.
    await aptInstall(['chromium', 'fonts-noto-cjk']);
    const installed = await find();
    if (!installed) throw new ToolError('chromium is still missing after apt-get install chromium');
    const { stdout } = await run(installed, ['--version'], { allowFailure: true, timeoutMs: 30_000 });
    log(`chromium ready: ${installed} (${stdout.trim()})`);
    return installed;
  });
}

// ---------------------------------------------------------------------------------------------------
// schemathesis

/**
 * Path of schemathesis' `st` CLI, pip-installed at a pinned version into its own venv under
 * `<toolsDir>/schemathesis` (so nothing touches the system's Python). Needs `python3`; Debian's
 * `python3-venv` is installed when the venv module (or its bundled pip) is missing.
 */
export async function ensureSchemathesis(toolsDir: string = defaultToolsDir()): Promise<string> {
  toolsDir = path.resolve(toolsDir);
  const dir = path.join(toolsDir, 'schemathesis');
  const st = path.join(dir, 'bin', 'st');
  const stamp = path.join(dir, '.complete');
  // The stamp is written last and names the pin: a venv from an older pin, or half-made, is rebuilt.
  const ready = async () => (await readFile(stamp, 'utf8').catch(() => '')).trim() === SCHEMATHESIS_VERSION && (await isExecutable(st));
  if (await ready()) return st;

  return withLock(toolsDir, 'schemathesis', async () => {
    if (await ready()) return st;
    const started = Date.now();
    // Debian splits `venv`'s ensurepip into python3-venv; without it `python3 -m venv` makes a venv with no pip.
    const canMakeVenv = async () => (await run('python3', ['-c', 'import venv, ensurepip'], { allowFailure: true })).code === 0;
    if (!(await canMakeVenv())) {
      await aptInstall(['python3-venv']);
      if (!(await canMakeVenv())) throw new ToolError('python3 -m venv is still unusable after installing python3-venv');
    }
    // A venv is not relocatable (its scripts name their interpreter by absolute path), so it is made in
    // place; the stamp, not a rename, marks it complete.
    await rm(dir, { recursive: true, force: true });
    log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${dir}`);
    const done = heartbeat('still installing schemathesis');
    try {
      await run('python3', ['-m', 'venv', dir]);
      await run(path.join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '--no-input', `schemathesis==${SCHEMATHESIS_VERSION}`], {
        // The user's PYTHONPATH or pip settings must not leak into the venv.
        env: { ...process.env, PYTHONPATH: undefined, PIP_USER: undefined, PIP_REQUIRE_VIRTUALENV: undefined },
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    } finally {
      done();
    }
    const { code, stdout } = await run(st, ['--version'], { allowFailure: true, timeoutMs: 60_000 });
    if (code !== 0 || !stdout.includes(SCHEMATHESIS_VERSION)) throw new ToolError(`${st} was installed but \`st --version\` says ${stdout.trim() || `exit ${code}`}`);
    await writeFile(stamp, `${SCHEMATHESIS_VERSION}\n`);
    log(`schemathesis ready in ${seconds(started)}: ${st} (${stdout.trim()})`);
    return st;
  });
}

// ---------------------------------------------------------------------------------------------------
// Everything at once

export async function ensureToolchain(toolsDir: string = defaultToolsDir()): Promise<Toolchain> {
  toolsDir = path.resolve(toolsDir);
  const temporalCli = await ensureTemporalCli(toolsDir);
  const testServer = await ensureTestServer(toolsDir);
  const { adminUrl } = await ensurePostgres(toolsDir);
  const chromium = await ensureChromium(toolsDir);
  const schemathesis = await ensureSchemathesis(toolsDir);
  return { toolsDir, temporalCli, testServer, postgresAdminUrl: adminUrl, chromium, schemathesis };
}

// ---------------------------------------------------------------------------------------------------
// Dev server

export interface DevServerOptions {
  temporalCli: string;
  /** SQLite file that keeps the server's state across restarts; in memory when absent. */
  dbFile?: string;
  /** Frontend gRPC port; a free one when absent. */
  port?: number;
  /** Web UI port; a free one when absent. Ignored when headless. */
  uiPort?: number;
  headless?: boolean;
  /** Namespaces to create besides `default`. */
  namespaces?: string[];
  /** More `temporal server start-dev` flags (e.g. `--search-attribute`, `--dynamic-config-value`). */
  extraArgs?: string[];
  /** Milliseconds to wait for the server to answer; 60s by default. */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** host:port of the frontend, for `Connection.connect({ address })`. */
  address: string;
  /** Base URL of the web UI; absent when headless. */
  uiUrl: string | undefined;
  pid: number;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 and resolves once the `default` namespace answers.
 * `stop()` sends SIGTERM, then SIGKILL if the server has not exited within 10 seconds.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (uiPort !== undefined) args.push('--ui-port', String(uiPort));
  if (options.headless) args.push('--headless');
  if (options.dbFile) {
    await mkdir(path.dirname(path.resolve(options.dbFile)), { recursive: true });
    args.push('--db-filename', path.resolve(options.dbFile));
  }
  for (const ns of options.namespaces ?? []) args.push('--namespace', ns);
  args.push(...(options.extraArgs ?? []));

  const spawnOptions: SpawnOptions = { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] };
  const child: ChildProcess = spawn(options.temporalCli, args, spawnOptions);
  // Keep the latest output for error messages; reading it also keeps the pipes from filling up.
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let exited = child.exitCode !== null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (err) => {
      output += `\n${err.message}`;
      exited = true;
      resolve();
    });
  });
  // Never leave a server behind when the caller forgets stop() or crashes.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const address = `127.0.0.1:${port}`;
  try {
    await waitForDevServer(address, uiPort, options.startTimeoutMs ?? 60_000, () => exited);
  } catch (err) {
    await stop();
    throw new ToolError(`temporal dev server did not start (${(err as Error).message}); its output:\n${tail(output)}`);
  }
  return { address, uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`, pid: child.pid!, stop };
}

/** Resolves once the frontend at `address` answers DescribeNamespace for `default`. */
async function waitForFrontend(address: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  const deadline = Date.now() + timeoutMs;
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  let lastError = 'not listening yet';
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the process exited');
    if (await tcpAccepts(port)) {
      try {
        const connection = await Connection.connect({ address, connectTimeout: 2000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: 'default' });
          return;
        } finally {
          await connection.close();
        }
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs}ms: ${lastError}`);
}

async function waitForDevServer(address: string, uiPort: number | undefined, timeoutMs: number, exited: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  await waitForFrontend(address, timeoutMs, exited);
  while (uiPort !== undefined && !(await tcpAccepts(uiPort))) {
    if (exited()) throw new Error('the process exited');
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms: UI not listening on ${uiPort}`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------------
// CLI

const TARGETS = ['all', 'temporal', 'test-server', 'postgres', 'chromium', 'schemathesis'] as const;
type Target = (typeof TARGETS)[number];

async function main(argv: string[]): Promise<void> {
  const target = (argv[0] ?? 'all') as Target;
  if (!TARGETS.includes(target) || argv.length > 1) {
    process.stderr.write(`usage: tsx scripts/tools.ts [${TARGETS.join('|')}]\n`);
    process.exit(2);
  }
  const launcher = loadLauncherConfig(process.env);
  const toolsDir = path.resolve(projectRoot, launcher.TOOLS_DIR);
  const started = Date.now();
  const lines: string[] = [];
  if (target === 'all') {
    const t = await ensureToolchain(toolsDir);
    lines.push(`temporal: ${t.temporalCli}`, `test-server: ${t.testServer}`, `postgres: ${t.postgresAdminUrl}`, `chromium: ${t.chromium}`, `schemathesis: ${t.schemathesis}`);
  } else if (target === 'temporal') lines.push(`temporal: ${await ensureTemporalCli(toolsDir)}`);
  else if (target === 'test-server') lines.push(`test-server: ${await ensureTestServer(toolsDir)}`);
  else if (target === 'postgres') lines.push(`postgres: ${(await ensurePostgres(toolsDir)).adminUrl}`);
  else if (target === 'chromium') lines.push(`chromium: ${await ensureChromium(toolsDir)}`);
  else lines.push(`schemathesis: ${await ensureSchemathesis(toolsDir)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  log(`done in ${seconds(started)}`);
}

const invokedDirectly = (() => {
  const entry = process.argv[1];
  if (!entry || !existsSync(entry)) return false;
  return pathToFileURL(realpathSync(entry)).href === pathToFileURL(realpathSync(fileURLToPath(import.meta.url))).href;
})();

if (invokedDirectly) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`${err instanceof ToolError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  });
}

// Exported for tests of this module.
export const internals = { pickCluster, testServerWrapper };
