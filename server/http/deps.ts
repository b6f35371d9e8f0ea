// What route handlers are given: the database, the Temporal client, the API-side services and the
// configuration they need. Made once per app by `createApp`.
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { AppConfig, Health } from '../../contracts/api/campaigns';
import type { Db } from '../../db/client';
import type { AuthService } from '../auth/service';
import type { CampaignService } from '../campaigns/service';
import type { ReportingService } from '../reporting/service';
import type { SharedLimiter, SlidingWindowLimiter } from '../security/rateLimit';

export interface ApiDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  uploadDir: string;
  campaigns: CampaignService;
  reporting: ReportingService;
  auth: AuthService;
  cookieSecure: boolean;
  /** The payload codec, for Temporal UI's codec endpoint (identity when payloads are not encrypted). */
  codec?: PayloadCodec;
  health: () => Promise<Health>;
  config: AppConfig;
  now: () => number;
  limits: {
    /** Sign-in bodies per address, counted before they are read. */
    preLogin: SlidingWindowLimiter;
    /** Uploads per user, counted in the database (every API instance shares it). */
    upload: SharedLimiter;
  };
}
