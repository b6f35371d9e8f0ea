// The tax bureau's feed: the inbox pickup workflow and its Schedule, the import's input and result, and
// what the API shows of past imports and of the Schedule.
import type { TaxFeedEncoding, TaxFeedError } from '../domain/taxFeed';

/** ServiceError (and so ApplicationFailure) type of a refused file; its details are a TaxFeedInvalidDetails. */
export const TAX_FEED_INVALID = 'TaxFeedInvalid';
/** Same type as the read-model activities use for a campaign that is not in the database. */
export const CAMPAIGN_NOT_FOUND = 'CampaignNotFound';
/** The inbox pickup's Schedule (server/taxFeed/schedule.ts keeps it at the configured cron). */
export const TAX_FEED_SCHEDULE_ID = 'tax-feed-inbox';
/** The pickup workflow's exported name in workflows/index.ts (the Schedule's workflow type). */
export const TAX_FEED_INBOX_WORKFLOW = 'taxFeedInboxWorkflow';

/** One file to import (services/taxFeed.ts): the upload route's body, or a file the inbox pickup read. */
export interface ImportTaxFeedInput {
  campaignId: string;
  fileName: string;
  bytes: Uint8Array;
  source: 'upload' | 'inbox';
  actor: string;
}

export interface ImportTaxFeedResult {
  importId: string;
  status: 'imported' | 'duplicate';
  rows: number;
  asOf: string;
  encoding: TaxFeedEncoding;
  /** Units whose tax figures this import set (a row older than the unit's figures leaves them). */
  unitsUpdated: number;
}

export interface TaxFeedInvalidDetails {
  fileName: string;
  encoding: TaxFeedEncoding | null;
  errors: TaxFeedError[];
}

export interface TaxInboxScanInput {
  dir: string;
}

export interface TaxInboxScanResult {
  imported: Array<{ file: string; campaignId: string; importId: string; rows: number; asOf: string; unitsUpdated: number }>;
  duplicates: Array<{ file: string; campaignId: string; importId: string }>;
  failed: Array<{
    file: string;
    campaignId: string | null;
    errorCount: number;
    /** The first few errors (the whole list is in the errors file; workflow results stay small). */
    errors: TaxFeedError[];
    /** Path of `<name>.errors.txt` in `failed/`. */
    errorsFile: string;
  }>;
  /**
   * Per-person payment deliveries recorded as imports (absent in results of runs before they existed);
   * the pickup workflow runs each import's workflow, and fills `status` with its end.
   */
  payments?: Array<{ file: string; campaignId: string; importId: string; workflowId: string; created: boolean; status?: string }>;
}

export interface TaxFeedImportSummary {
  id: string;
  fileName: string;
  encoding: string;
  rows: number;
  asOf: string;
  source: string;
  actor: string;
  importedAt: Date;
}

export interface TaxFeedInboxStatus {
  scheduleId: string;
  paused: boolean;
  /** ISO instant of the next pickup, or null. */
  nextRunAt: string | null;
  lastRunAt: string | null;
}
