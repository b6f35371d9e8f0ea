// Request and response shapes of the hardship routes (uploads, imports, screening runs, results,
// refusals, exports): zod at the boundary, types for the console (web/src/types/api.ts re-exports them).
//
// Routes (all under /api/campaigns/:id/hardship):
//   POST   /uploads                      raw file body (CSV or XLSX; header X-File-Name: encodeURIComponent(name),
//                                        query ?list=roster|hardship[&sheet=]) -> UploadDto (sheets, headers
//                                        found, mapping, warnings); a multipart/form-data body is refused (415)
//   POST   /imports                      StartImportRequest -> 202 StartImportResultDto
//   GET    /imports                      -> { imports: ImportDto[] } (newest first)
//   GET    /imports/:importId            -> ImportDto (with up to 200 errors)
//   GET    /imports/:importId/errors.xlsx  the whole error report
//   POST   /screenings                   StartScreeningRequest -> 202 StartScreeningResultDto
//   GET    /                             -> HardshipOverviewDto (current lists, runs, latest summary)
//   GET    /runs/:runId                  -> RunDto (status, progress, counts, changes)
//   GET    /runs/:runId/summary?unit=    -> UnitSummariesDto (the unit and its children)
//   POST   /runs/:runId/results/search   ResultSearchRequest -> ResultPageDto (ID numbers masked)
//   POST   /refusals                     RecordRefusalRequest -> 201 RefusalDto
//   GET    /refusals/:refusalId/evidence   the uploaded statement
//   GET    /runs/:runId/ledger.xlsx?unit=        实名登记管理台账 of a county (or any unit)
//   GET    /runs/:runId/mobilisation.xlsx?unit=  待动员名单, one sheet per village under the unit
// `runId` may be `latest`. Nothing personal (ID number, name) ever travels in a URL: searches are POSTs.
import { z } from 'zod';
import { HARDSHIP_CATEGORY_KEYS, INELIGIBLE_REASONS, OUTCOMES, REFUSAL_STATEMENT_BY } from '../../domain/hardship';

const actor = z.string().trim().min(1, '请填写操作人').max(100).default('社保经办机构');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const LIST_KINDS = ['roster', 'hardship', 'payments'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
/** The lists uploaded through the hardship routes; the payment feed has its own (server/payments). */
export const HARDSHIP_LIST_KINDS = ['roster', 'hardship'] as const;

export const FieldDto = z.object({ key: z.string(), label: z.string(), required: z.boolean() });

/** A worksheet of an uploaded workbook. */
export const SheetDto = z.object({
  /** Position in the workbook (hidden sheets included), from 0: what `sheet` takes. */
  index: z.number(),
  name: z.string(),
  hidden: z.boolean(),
  /** Rows of the sheet's used range when the file declares it (title and header rows included). */
  rows: z.number().nullable(),
});

/** `sheet`: a worksheet's position from 0 (a number, or digits in a query) or its name. */
export const SheetChoice = z.union([z.number().int().nonnegative().max(10_000), z.string().trim().min(1).max(100)]);
export const UploadQuery = z.object({
  list: z.enum(HARDSHIP_LIST_KINDS, { error: '参数 list 应为 roster（花名册）或 hardship（困难群体名单）' }),
  sheet: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .transform((v) => (/^\d{1,5}$/.test(v) ? Number(v) : v))
    .optional(),
});

export const UploadDto = z.object({
  uploadId: z.string(),
  fileName: z.string(),
  sizeBytes: z.number(),
  list: z.enum(LIST_KINDS),
  fileKind: z.enum(['csv', 'xlsx']),
  /** The file's header row as written (cells), for the column picker. */
  headers: z.array(z.string()),
  /** Fields this list needs, with Chinese labels. */
  fields: z.array(FieldDto),
  /** Field key -> column index: every field when ok, else the fields that were found, with what is missing or ambiguous. */
  mapping: z.object({
    ok: z.boolean(),
    columns: z.record(z.string(), z.number()).optional(),
    missing: z.array(z.string()).optional(),
    ambiguous: z.array(z.string()).optional(),
    /** When not ok: what may be the cause (only the first sheet was read; the CSV delimiter looks wrong). */
    hints: z.array(z.string()).optional(),
  }),
  /** XLSX: every sheet of the workbook, and the one read (null for CSV). */
  sheets: z.array(SheetDto),
  sheet: SheetDto.nullable(),
  /** CSV: the delimiter the file was read with. */
  delimiter: z.enum([',', ';', '\t']).nullable(),
  /** Rows hidden in Excel on the sheet read (imported with the others). */
  hiddenRows: z.number(),
  /** What the official should know before importing (hidden rows, hidden sheet). */
  warnings: z.array(z.string()),
});

export const StartImportRequestSchema = z
  .object({
    uploadId: z.string().regex(/^[a-f0-9]{64}$/, 'uploadId 无效'),
    list: z.enum(HARDSHIP_LIST_KINDS),
    /** Hardship lists: the category (key), the issuing department and the list's date. */
    category: z.enum(HARDSHIP_CATEGORY_KEYS).optional(),
    department: z.string().trim().min(1).max(100).optional(),
    listDate: isoDate.optional(),
    /** The user's column choices (field -> column index), overriding the header matching. */
    override: z.record(z.string(), z.number().int().nonnegative()).optional(),
    /** XLSX: the worksheet to import, by position from 0 or by name (default: the sheet the upload read). */
    sheet: SheetChoice.optional(),
    /** Start a screening run as soon as the list is stored. */
    screenAfter: z.boolean().default(false),
    actor,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.list !== 'hardship') return;
    if (!v.category) ctx.addIssue({ code: 'custom', path: ['category'], message: '请选择困难群体类别' });
    if (!v.department) ctx.addIssue({ code: 'custom', path: ['department'], message: '请填写名单提供部门（如 民政局、残联、农业农村局）' });
    if (!v.listDate) ctx.addIssue({ code: 'custom', path: ['listDate'], message: '请填写名单日期' });
  });
export type StartImportRequest = z.infer<typeof StartImportRequestSchema>;
export const StartImportResultDto = z.object({ importId: z.string(), workflowId: z.string(), created: z.boolean() });

export const IMPORT_STATUSES = ['pending', 'running', 'stored', 'refused', 'failed', 'superseded'] as const;
export const IMPORT_STAGES = ['reading', 'checking-duplicates', 'swapping', 'done'] as const;
export const ImportErrorDto = z.object({
  line: z.number(),
  /** The column's header as written, or the field's label. */
  column: z.string(),
  /** Masked when it is (or looks like) an ID number. */
  value: z.string(),
  reason: z.string(),
});
export const ImportProgressDto = z.object({
  stage: z.enum(IMPORT_STAGES),
  rowsRead: z.number(),
  bytesRead: z.number(),
  totalBytes: z.number(),
  /** 0..1 */
  fraction: z.number(),
});
export const ImportDto = z.object({
  id: z.string(),
  list: z.enum(LIST_KINDS),
  category: z.string().nullable(),
  categoryName: z.string().nullable(),
  department: z.string().nullable(),
  listDate: z.string().nullable(),
  /** Per list (roster, or category + department): 1, 2, ... */
  version: z.number().nullable(),
  fileName: z.string(),
  sizeBytes: z.number(),
  status: z.enum(IMPORT_STATUSES),
  /** While running: from the activity's heartbeats. */
  progress: ImportProgressDto.nullable(),
  rowsTotal: z.number(),
  rowsStored: z.number(),
  errorCount: z.number(),
  /** Refused or failed: why, in one sentence (the rows are in `errors`). */
  message: z.string().nullable(),
  /** Stored: what the official should know (rows hidden in Excel, rows stored under another category). */
  notices: z.array(z.string()),
  /** While running: why the last attempt failed, when it is being retried (e.g. the database was unreachable). */
  lastError: z.string().nullable(),
  /** The first 200 error rows; for a user below the campaign's region, those of their own villages only. */
  errors: z.array(ImportErrorDto).optional(),
  actor: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  workflowId: z.string(),
  /** A screening run was asked for once the list is stored. */
  screenAfter: z.boolean(),
  /** The screening run started after this import (screenAfter); null until it exists. */
  screeningRunId: z.string().nullable(),
});

export const StartScreeningRequestSchema = z
  .object({
    /** Only people registered in this county (default: the whole campaign). */
    countyCode: z.string().regex(/^\d{6}$/, '区县代码应为 6 位数字').optional(),
    actor,
  })
  .strict();
export const StartScreeningResultDto = z.object({ runId: z.string(), workflowId: z.string() });

export const OutcomeCountsDto = z.object({
  listed: z.number(),
  covered: z.number(),
  toMobilise: z.number(),
  ineligible: z.number(),
  refused: z.number(),
  govPaidFen: z.number(),
});
export const RunChangesDto = z.object({
  previousRunId: z.string().nullable(),
  added: z.number(),
  removed: z.number(),
  categoriesChanged: z.number(),
  outcomeChanged: z.number(),
  /** Government payment owed for people new to the lists (covered or to mobilise). */
  newObligationsFen: z.number(),
});
export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export const RunDto = z.object({
  id: z.string(),
  scope: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  /**
   * People screened of people listed. For a user below the campaign's region, of a run that covers more
   * than their region, `done` and `total` are null (they count the whole run's people): the fraction only.
   */
  progress: z.object({ done: z.number().nullable(), total: z.number().nullable(), fraction: z.number() }).nullable(),
  /** Completed runs. A user below the campaign's region gets their own region's counts (its summary row). */
  counts: OutcomeCountsDto.nullable(),
  /** Of their own region for a user below the campaign's region (GET …/runs/:runId; null in the overview's list). */
  ineligibleByReason: z.record(z.string(), z.number()).nullable(),
  /** Of their own region for a user below the campaign's region (GET …/runs/:runId; null in the overview's list). */
  changes: RunChangesDto.nullable(),
  /** The list imports this run screened. */
  lists: z.array(z.object({ importId: z.string(), list: z.enum(LIST_KINDS), category: z.string().nullable(), version: z.number().nullable() })),
  actor: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  workflowId: z.string(),
});
export const UnitSummaryDto = OutcomeCountsDto.extend({ code: z.string(), name: z.string(), level: z.string() });
export const UnitSummariesDto = z.object({ runId: z.string(), unit: UnitSummaryDto, children: z.array(UnitSummaryDto) });

/** 财政资金测算 of a run under a unit: per unit of the breakdown, people counted and money in fen, per component and funding level. */
const FenByLevel = z.record(z.string(), z.number().int());
export const BudgetLineDto = z.object({
  code: z.string(),
  name: z.string(),
  level: z.string(),
  depth: z.number().int(),
  people: z.number().int(),
  withheld: z.number().int().describe('不缴差额、暂停代缴的人数'),
  govPaidFen: z.number().int(),
  subsidyFen: z.object({ basic: z.number().int(), extra: z.number().int(), uplift: z.number().int() }),
  byComponent: z.record(z.string(), FenByLevel).describe('分项（subsidy、extraSubsidy、uplift、govPaid）按级次（central、province、city、county、town）分担，单位分'),
  byLevel: FenByLevel,
  totalFen: z.number().int(),
});
export const BudgetDto = z.object({ runId: z.string(), basis: z.string(), rows: z.array(BudgetLineDto) });
export type Budget = z.infer<typeof BudgetDto>;

export const CurrentListDto = z.object({
  importId: z.string(),
  list: z.enum(LIST_KINDS),
  category: z.string().nullable(),
  categoryName: z.string().nullable(),
  department: z.string().nullable(),
  listDate: z.string().nullable(),
  version: z.number(),
  rows: z.number(),
  storedAt: z.string(),
});
export const HardshipOverviewDto = z.object({
  categories: z.array(z.object({ key: z.string(), name: z.string() })),
  policy: z.object({ mode: z.string(), minimumFen: z.number(), perCategoryFen: z.record(z.string(), z.number()), referenceDate: z.string() }),
  lists: z.array(CurrentListDto),
  runs: z.array(RunDto),
  latestRunId: z.string().nullable(),
});

export const ResultSearchRequestSchema = z
  .object({
    outcome: z.enum(OUTCOMES).optional(),
    /** Any unit code: results of people registered under it. */
    unitCode: z.string().regex(/^\d{6}(\d{3}){0,2}$/).optional(),
    change: z.enum(['added', 'categories-changed', 'outcome-changed']).optional(),
    /** A name (or part), a full ID number, or its last 4-6 characters. */
    query: z.string().trim().max(40).optional(),
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ResultSearchRequest = z.infer<typeof ResultSearchRequestSchema>;
export const ResultDto = z.object({
  /** Opaque row id: what a refusal refers to. */
  resultId: z.number(),
  idMasked: z.string(),
  name: z.string(),
  categories: z.array(z.string()),
  categoryNames: z.array(z.string()),
  villageCode: z.string().nullable(),
  villageName: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  outcomeName: z.string(),
  reason: z.enum(INELIGIBLE_REASONS).nullable(),
  reasonName: z.string().nullable(),
  tierFen: z.number().nullable(),
  govPaidFen: z.number(),
  personalFen: z.number(),
  subsidyFen: z.number(),
  change: z.enum(['added', 'categories-changed', 'outcome-changed']).nullable(),
  refusalId: z.number().nullable(),
});
export const ResultPageDto = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), rows: z.array(ResultDto) });

export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
export const EVIDENCE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const RecordRefusalRequestSchema = z
  .object({
    runId: z.string().min(1),
    resultId: z.number().int().positive(),
    statementBy: z.enum(REFUSAL_STATEMENT_BY),
    /** Visits made before the refusal (repeated visits: at least 2). */
    visits: z.number().int().min(2, '须经至少 2 次上门动员后方可登记拒绝参保'),
    note: z.string().trim().max(500).default(''),
    evidence: z
      .object({
        fileName: z.string().trim().min(1).max(200),
        contentType: z.enum(EVIDENCE_TYPES, { error: '证明材料应为 PDF、JPEG 或 PNG' }),
        dataBase64: z.string().min(1),
      })
      .strict(),
    actor,
  })
  .strict();
export type RecordRefusalRequest = z.infer<typeof RecordRefusalRequestSchema>;
export const RefusalDto = z.object({ refusalId: z.number(), resultId: z.number(), outcome: z.enum(OUTCOMES), recordedAt: z.string() });

export type UploadView = z.infer<typeof UploadDto>;
export type ImportView = z.infer<typeof ImportDto>;
export type RunView = z.infer<typeof RunDto>;
export type HardshipOverview = z.infer<typeof HardshipOverviewDto>;
export type UnitSummaries = z.infer<typeof UnitSummariesDto>;
export type ResultView = z.infer<typeof ResultDto>;
export type ResultPage = z.infer<typeof ResultPageDto>;
