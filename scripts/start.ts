// `npm start`: the product on its embedded defaults. Obtains the Temporal CLI, starts the dev server
// (state in .data/temporal.db), builds the console, then runs the API and worker in one process on
// PGlite (.data/pglite). Ctrl-C stops all of it; the next start keeps every campaign.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdirSync } from 'node:fs';
import { openDatabase } from '../db/client';
import { users } from '../db/schema';
import path from 'node:path';
import { loadConfigOrExit, loadLauncherConfig } from '../server/config';
import { ensureTemporalCli, projectRoot, startDevServer, type DevServer } from './tools';

const env = process.env;
const launcher = loadLauncherConfig(env);
const config = loadConfigOrExit(env);
const dataDir = path.resolve(projectRoot, launcher.DATA_DIR);
mkdirSync(dataDir, { recursive: true });

function answers(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(port) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(cmd, args, { cwd: projectRoot, stdio: 'inherit', env: { ...env, ...extraEnv } });
}

let dev: DevServer | undefined;
if (launcher.TEMPORAL_DEV_SERVER === 'auto' && !(await answers(config.TEMPORAL_ADDRESS))) {
  const cli = await ensureTemporalCli(path.resolve(projectRoot, launcher.TOOLS_DIR));
  const port = Number(config.TEMPORAL_ADDRESS.split(':')[1] ?? 7233);
  console.error(`[start] Temporal dev server on ${config.TEMPORAL_ADDRESS}, UI http://localhost:${launcher.TEMPORAL_UI_PORT}`);
  dev = await startDevServer({
    temporalCli: cli,
    dbFile: path.join(dataDir, 'temporal.db'),
    port,
    uiPort: launcher.TEMPORAL_UI_PORT,
    // Payloads are encrypted: the UI shows them through the app's codec endpoint, to a signed-in official.
    extraArgs: ['--ui-codec-endpoint', `http://localhost:${config.PORT}/api/codec`],
  });
}

const pgliteDir = env.PGLITE_DIR ?? path.join(dataDir, 'pglite');

// Nobody can sign in before the first administrator exists: create one now (the embedded database is
// a single process, so this must happen before the app opens it).
{
  const database = await openDatabase({ url: config.DATABASE_URL, pgliteDir });
  const n = await database.db.$count(users);
  await database.close();
  if (n === 0) {
    if (process.stdin.isTTY || env.ADMIN_PASSWORD) {
      console.error('[start] 尚无任何账户：先创建管理员（账号 admin，区划 ' + (env.ADMIN_REGION ?? '440700') + '）');
      const created = run(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', '--username', env.ADMIN_USERNAME ?? 'admin', '--region', env.ADMIN_REGION ?? '440700', '--if-not-exists'], { PGLITE_DIR: pgliteDir });
      const code = await new Promise<number>((r) => created.once('exit', (c) => r(c ?? 1)));
      if (code !== 0) {
        await dev?.stop();
        process.exit(code);
      }
    } else {
      console.error('[start] 尚无任何账户：停止后运行 npm run create-admin -- --username admin --region 440700（或设置 ADMIN_PASSWORD 后再 npm start）');
    }
  }
}

console.error('[start] building the console (web/dist)…');
const build = run(process.execPath, [path.join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
const built = await new Promise<number>((r) => build.once('exit', (code) => r(code ?? 1)));
if (built !== 0) {
  await dev?.stop();
  process.exit(built);
}

// A young generation of 64 MB semispaces (V8's default is 16 MB): a million-row import makes short-lived
// rows and strings by the gigabyte, and the default's frequent scavenges slowed the reading (`npm run
// bench:payments`, read + load of 1.5 million rows, averages of 3 runs against 4: roster 8.2 s against
// 10.5 s, feed 7.8 s against 8.7 s; peak RSS 680–710 MB against 580–840 MB).
// The Dockerfile's CMD passes the same flag.
const app = run(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'server/main.ts'], {
  PGLITE_DIR: pgliteDir,
  // The key sealing second-factor seeds lives beside the data it protects (made on first start).
  AUTH_SECRET_FILE: env.AUTH_SECRET_FILE ?? path.join(dataDir, 'auth-secret.key'),
  UPLOAD_DIR: env.UPLOAD_DIR ?? path.join(dataDir, 'uploads'),
});
console.error(`[start] console: http://localhost:${config.PORT}  （首次使用：管理员登录后，按首页“首次使用”的三步创建业务主管账户；业务主管登录后启动演示活动）`);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  if (app.exitCode === null) {
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
  }
  await dev?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
app.once('exit', (code) => void stop(code ?? 0));
