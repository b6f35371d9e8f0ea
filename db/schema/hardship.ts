// Hardship screening tables: uploaded files, list imports (roster and hardship lists) with their rows and
// errors, the pointer to each list's current version, screening runs with one result per person, the
// per-unit summaries, and refusals with their evidence.
//
// All or nothing: an import's rows are loaded tagged with its id and are invisible until the import is
// swapped in, which is one transaction moving the list's `current_lists` pointer. A refused or failed
// import deletes its own rows and never touches another import's.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * A file as uploaded to a campaign, kept on disk under UPLOAD_DIR by its sha256 (the id) until its import
 * is decided or UPLOAD_RETENTION_HOURS after its last upload (server/housekeeping.ts); the row stays, for
 * the record, with the moment its file was deleted.
 */
export const uploads = pgTable(
  'uploads',
  {
  id: text('id').notNull(),
  campaignId: text('campaign_id')
    .notNull()
    .references(() => campaigns.id, { onDelete: 'cascade' }),
  list: text('list').notNull(),
  fileName: text('file_name').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  fileKind: text('file_kind').notNull(),
  headers: jsonb('headers').notNull(),
  actor: text('actor').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** The last time these bytes were uploaded to this campaign: the file's lifetime counts from here. */
  uploadedAt: ts('uploaded_at').notNull().defaultNow(),
  /** When the file was deleted from UPLOAD_DIR (import decided, or its lifetime over); null while it is kept. */
  fileDeletedAt: ts('file_deleted_at'),
  },
  // The same file may be uploaded to several campaigns; on disk it is one file.
  (t) => [primaryKey({ columns: [t.campaignId, t.id] })],
);

export const listImports = pgTable(
  'list_imports',
  {
    /** `<campaign>:<list>:<category|->:<department hash>:<upload sha256 prefix>`-like id made by the server. */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    uploadId: text('upload_id').notNull(),
    list: text('list').notNull(),
    /** The list this import replaces when stored: 'roster', or `hardship:<category>:<department>`. */
    listKey: text('list_key').notNull(),
    category: text('category'),
    department: text('department'),
    listDate: date('list_date', { mode: 'string' }),
    fileName: text('file_name').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** Field -> column index used. */
    mapping: jsonb('mapping').notNull(),
    status: text('status').notNull().default('pending'),
    /** Per list key, assigned when stored. */
    version: integer('version'),
    rowsTotal: integer('rows_total').notNull().default(0),
    rowsStored: integer('rows_stored').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    message: text('message'),
    /** What the official should know of a stored list: rows hidden in Excel, rows of another category (Chinese sentences). */
    notices: jsonb('notices').notNull().default(sql`'[]'::jsonb`),
    encoding: text('encoding'),
    screenAfter: boolean('screen_after').notNull().default(false),
    screeningRunId: text('screening_run_id'),
    workflowId: text('workflow_id').notNull(),
    actor: text('actor').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('list_imports_campaign_idx').on(t.campaignId, t.createdAt)],
);

/**
 * Rows of roster imports (花名册). No unique key: duplicates within a file are found and reported by SQL.
 * No index either: a roster is written once in bulk and read whole (the duplicate check and the
 * screening's hash join), where maintaining an index would cost more than it saves.
 */
export const rosterRows = pgTable(
  'roster_rows',
  {
    importId: text('import_id').notNull(),
    idNumber: text('id_number').notNull(),
    line: integer('line').notNull(),
    name: text('name').notNull(),
    villageCode: text('village_code').notNull(),
    status: text('status').notNull(),
    tierFen: integer('tier_fen'),
    lastYearTierFen: integer('last_year_tier_fen'),
    paymentStatus: text('payment_status'),
    drawingPension: boolean('drawing_pension').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
  },
);

/** Rows of hardship-list imports, one file per category and department. */
export const hardshipRows = pgTable(
  'hardship_rows',
  {
    importId: text('import_id').notNull(),
    idNumber: text('id_number').notNull(),
    line: integer('line').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
  },
  (t) => [index('hardship_rows_id_idx').on(t.importId, t.idNumber)],
);

/** Rows refused by an import: what the downloadable error report lists (values already masked). */
export const importErrors = pgTable(
  'import_errors',
  {
    importId: text('import_id').notNull(),
    seq: integer('seq').notNull(),
    line: integer('line').notNull(),
    column: text('column').notNull(),
    value: text('value').notNull(),
    reason: text('reason').notNull(),
    /**
     * The row's village (a roster row's 12-digit code, when the cell holds one), so that a county sees
     * the errors of its own villages only; null when the row names none (hardship lists carry no village).
     */
    villageCode: text('village_code'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** The stored version of each list: moving this pointer is the swap. */
export const currentLists = pgTable(
  'current_lists',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    listKey: text('list_key').notNull(),
    importId: text('import_id').notNull(),
    version: integer('version').notNull(),
    storedAt: ts('stored_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.listKey] })],
);

export const screeningRuns = pgTable(
  'screening_runs',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    /** A county code, or null for the whole campaign. */
    scope: text('scope'),
    status: text('status').notNull().default('running'),
    /** The list imports screened ({importId, list, category, version}[]), fixed when the run starts. */
    lists: jsonb('lists').notNull().default(sql`'[]'::jsonb`),
    /** The resolved policy used (domain/hardship.ts ResolvedPolicy). */
    policy: jsonb('policy'),
    total: integer('total'),
    counts: jsonb('counts'),
    ineligibleByReason: jsonb('ineligible_by_reason'),
    changes: jsonb('changes'),
    previousRunId: text('previous_run_id'),
    workflowId: text('workflow_id').notNull(),
    actor: text('actor').notNull(),
    startedAt: ts('started_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('screening_runs_campaign_idx').on(t.campaignId, t.startedAt)],
);

/** One row per listed person per run. */
export const screeningResults = pgTable(
  'screening_results',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id').notNull(),
    idNumber: text('id_number').notNull(),
    name: text('name').notNull(),
    categories: text('categories').array().notNull(),
    villageCode: text('village_code'),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    tierFen: integer('tier_fen'),
    govPaidFen: integer('gov_paid_fen').notNull(),
    personalFen: integer('personal_fen').notNull(),
    subsidyFen: integer('subsidy_fen').notNull(),
    /** Against the previous run of the same scope: added, categories-changed, outcome-changed, or null. */
    change: text('change'),
    refusalId: integer('refusal_id'),
  },
  (t) => [
    index('screening_results_person_idx').on(t.runId, t.idNumber),
    index('screening_results_village_idx').on(t.runId, t.villageCode, t.outcome),
  ],
);

/** Per unit of the campaign (and the campaign's region itself): the run's counts under it. */
export const screeningSummaries = pgTable(
  'screening_summaries',
  {
    runId: text('run_id').notNull(),
    unitCode: text('unit_code').notNull(),
    listed: integer('listed').notNull(),
    covered: integer('covered').notNull(),
    toMobilise: integer('to_mobilise').notNull(),
    ineligible: integer('ineligible').notNull(),
    refused: integer('refused').notNull(),
    govPaidFen: bigint('gov_paid_fen', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.unitCode] })],
);

/** A refusal after repeated visits, with the written statement; later runs honour it. */
export const refusals = pgTable(
  'refusals',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    idNumber: text('id_number').notNull(),
    statementBy: text('statement_by').notNull(),
    visits: integer('visits').notNull(),
    note: text('note').notNull(),
    evidenceName: text('evidence_name').notNull(),
    evidenceType: text('evidence_type').notNull(),
    evidenceSha256: text('evidence_sha256').notNull(),
    evidence: bytea('evidence').notNull(),
    actor: text('actor').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('refusals_person_idx').on(t.campaignId, t.idNumber)],
);
