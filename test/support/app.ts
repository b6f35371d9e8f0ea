// The API app as tests mount it: the real app factory over a test database and a Temporal client,
// with the services built here unless a test brings its own (the workflow harness does), listening on a
// free port.
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Database } from '../../db/client';
import { createApp } from '../../server/app';
import type { AuthService } from '../../server/auth/service';
import { createCampaignService, type CampaignService } from '../../server/campaigns/service';
import { createReportingService, type ReportingService } from '../../server/reporting/service';
import { testAuthService } from './auth';

export interface TestAppOptions {
  database: Database;
  client: Client;
  taskQueue: string;
  campaigns?: CampaignService;
  reporting?: ReportingService;
  auth?: AuthService;
  uploadDir?: string;
  codec?: PayloadCodec;
  temporalUiUrl?: string | null;
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  auth: AuthService;
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

export async function startTestApp(o: TestAppOptions): Promise<TestApp> {
  const auth = o.auth ?? testAuthService(o.database.db);
  const app = createApp({
    db: o.database.db,
    client: o.client,
    taskQueue: o.taskQueue,
    uploadDir: o.uploadDir ?? '.data/test-uploads-unused',
    campaigns: o.campaigns ?? createCampaignService({ db: o.database.db, client: o.client, taskQueue: o.taskQueue, namespace: 'default', temporalUiUrl: undefined }),
    reporting: o.reporting ?? createReportingService({ db: o.database.db, client: o.client }),
    auth: { service: auth, cookieSecure: false },
    codec: o.codec,
    health: async () => ({ status: 'ok', temporal: { ok: true }, database: { ok: true, kind: o.database.kind } }),
    config: { temporalUiUrl: o.temporalUiUrl === undefined ? 'http://localhost:8233' : o.temporalUiUrl, namespace: 'default', defaultActor: '市人社局' },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { app, auth, server, origin, close: () => new Promise((r) => server.close(() => r())) };
}
