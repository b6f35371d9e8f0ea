// The hardship workflows' contract: the list import and the screening run, their IDs and names, inputs,
// results and heartbeats, and the failure types that end them. Shared by the workflows, the activities,
// the services and the API (which starts the workflows and reads their heartbeats for progress).
// No runtime imports: the server starts the workflows through typed handles with the names below,
// never a string repeated. A shipped name (workflow, activity, failure type) never changes.

/** The workflows' exported names in workflows/index.ts (their Temporal workflow types). */
export const LIST_IMPORT_WORKFLOW = 'listImportWorkflow';
export const SCREENING_WORKFLOW = 'screeningWorkflow';

/** Business IDs only: an import's and a run's ids name the campaign, never a person. */
export const hardshipWorkflowIds = {
  import: (importId: string) => `hardship-import/${importId}`,
  screening: (runId: string) => `hardship-screening/${runId}`,
};

/** The activities whose heartbeats carry the progress the console shows (ImportHeartbeat, ScreeningHeartbeat). */
export const PROGRESS_ACTIVITIES = { import: 'importList', screening: 'screenPeople' } as const;

// ---- failure types: each fails every attempt alike, so the workflows do not retry them ----

/** The import (or its campaign, or its upload row) is not in the database. */
export const IMPORT_NOT_FOUND = 'ImportNotFound';
/** The file's data makes the database refuse it (SQLSTATE classes 22 and 23). */
export const IMPORT_DATA_ERROR = 'ImportDataError';
/** The import was already marked failed (by `failImport`, or the clean-up of old uploads). */
export const IMPORT_FAILED = 'ImportFailed';
/** No roster or no hardship list to screen, or the run or its campaign is not there. */
export const NOTHING_TO_SCREEN = 'NothingToScreen';
export const HARDSHIP_NON_RETRYABLE = [IMPORT_NOT_FOUND, IMPORT_DATA_ERROR, IMPORT_FAILED, NOTHING_TO_SCREEN];

// ---- the list import ----

export interface ListImportWorkflowInput {
  importId: string;
  campaignId: string;
  /** Screen the campaign as soon as the list is stored. */
  screenAfter: boolean;
  actor: string;
}
export interface ListImportWorkflowResult extends ImportListResult {
  screening: ScreeningResult | null;
}

export interface ImportListInput {
  importId: string;
}
export interface ImportListResult {
  importId: string;
  status: 'stored' | 'refused';
  rowsTotal: number;
  rowsStored: number;
  errorCount: number;
  version: number | null;
  message: string | null;
}
export interface ImportHeartbeat {
  stage: 'reading' | 'checking-duplicates' | 'swapping' | 'done';
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  /** Checkpoint: rows and errors up to this line are committed. */
  committedLine: number;
  committedErrors: number;
  committedValid: number;
}

// ---- the screening run ----

export interface ScreeningInput {
  runId: string;
  campaignId: string;
  /** A county code, or null for the whole campaign. */
  scope: string | null;
  actor: string;
  workflowId: string;
}
export interface ScreeningCounts {
  listed: number;
  covered: number;
  toMobilise: number;
  ineligible: number;
  refused: number;
  govPaidFen: number;
}
export interface ScreeningChanges {
  previousRunId: string | null;
  added: number;
  removed: number;
  categoriesChanged: number;
  outcomeChanged: number;
  newObligationsFen: number;
}
export interface ScreeningResult {
  runId: string;
  counts: ScreeningCounts;
  changes: ScreeningChanges;
}
export interface ScreeningHeartbeat {
  /** Results up to and including this ID number are committed. */
  after: string;
  done: number;
  total: number;
}
/** A list a run screens, fixed when the run begins. */
export interface RunList {
  importId: string;
  list: 'roster' | 'hardship';
  category: string | null;
  version: number;
}
