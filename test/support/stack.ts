// The whole product as `npm start` runs it, on free ports: a Temporal dev server, PGlite, the worker
// and the API serving the built console. For browser tests.
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { startRuntime } from '../../server/runtime';
import { startDevServer } from './devServer';
import { workflowBundle } from './temporal';

export interface Stack {
  baseUrl: string;
  temporalAddress: string;
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
  });
  const runtime = await startRuntime(config, { workflowBundle: await workflowBundle() });
  const server: Server = runtime.app!.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    temporalAddress: dev.address,
    async stop() {
      await new Promise((r) => server.close(r));
      await runtime.shutdown();
      await dev.stop();
    },
  };
}
