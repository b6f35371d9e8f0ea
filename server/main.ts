// The process entry point: parses configuration once, starts the parts its ROLE asks for, listens,
// and closes gracefully on SIGTERM/SIGINT.
import type { Server } from 'node:http';
import { loadConfigOrExit } from './config';
import { startRuntime } from './runtime';

const config = loadConfigOrExit(process.env);
const runtime = await startRuntime(config);

let server: Server | undefined;
if (runtime.app) {
  const app = runtime.app;
  server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  // The port actually bound (PORT=0 asks the system for a free one).
  const port = (server.address() as { port: number }).port;
  console.error(`[api] 控制台 http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`);
}
if (runtime.worker) console.error(`[worker] polling task queue ${config.TEMPORAL_TASK_QUEUE}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.error(`[main] ${signal}: shutting down (at most ${config.SHUTDOWN_GRACE_SECONDS} s)`);
  // Whatever hangs (a request stuck on the database, a worker that will not drain), the process still
  // ends within the grace: an orchestrator's SIGKILL must never be the only way out.
  setTimeout(() => {
    console.error(`[main] still busy after ${config.SHUTDOWN_GRACE_SECONDS} s: exiting now`);
    process.exit(1);
  }, config.SHUTDOWN_GRACE_SECONDS * 1000).unref();
  // Idle keep-alive connections would hold server.close open; requests in flight get the grace.
  server?.closeIdleConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await runtime.shutdown();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
runtime.workerRun?.catch((e) => {
  console.error('[worker] failed:', e);
  process.exit(1);
});
