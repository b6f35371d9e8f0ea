// Importing a roster (花名册) or a hardship list into the database, all or nothing.
//
// The file is read as a stream (formats/rows.ts), each row validated (domain/idNumber.ts,
// domain/hardship.ts) and the valid rows loaded with COPY, tagged with the import's id, in chunks that
// commit on their own. Nobody reads rows of an import that is not current, so the chunks are invisible
// until the swap: one transaction that moves the list's `current_lists` pointer to this import. Bad rows
// are written to `import_errors` (values masked) as they are met; duplicates within the file are found
// afterwards by SQL over the loaded rows, so no ID set is held in memory. Any error refuses the file:
// its rows are deleted and the current version of the list is untouched.
//
// Progress (the console shows it) and a checkpoint, the last line whose rows and errors are committed,
// go to the caller's `progress` callback (the activity heartbeats them). A retry after a worker restart
// passes the last checkpoint back as `resume`: what lies past it is deleted and the import carries on
// from there.
//
// Every import ends: what is wrong with the file is a row error (text the database cannot hold, such as
// a NUL character, included) or a refusal of the file; a database error caused by the data itself
// (SQLSTATE classes 22 and 23) would fail every attempt alike, so it is a ServiceError (ImportDataError,
// non-retryable in the activity); and whatever makes the workflow give up, `failImport` marks the import
// failed with a reason the console shows and deletes the uploaded file.
//
// Hardship lists may carry a 困难类别 column: a row naming a known category is stored under it (the
// ledger and the amounts follow), an empty cell takes the category chosen for the import, an unknown
// one is a row error. Rows hidden in Excel are stored like the others and named in the import's notices.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { isEmbedded, type Db } from '../../db/client';
import { openCopy, type CopyValue, type CopyWriter } from '../../db/copy';
import { campaigns, currentLists, hardshipRows, importErrors, listImports, paymentRows, rosterRows, uploads } from '../../db/schema';
import {
  categoryName,
  HARDSHIP_CATEGORIES,
  parseCategory,
  parseEnrolmentStatus,
  parseTier,
  parseYesNo,
  yuanToFen,
  type HardshipCategory,
} from '../../domain/hardship';
import { maskIdNumber, validateIdNumber } from '../../domain/idNumber';
import { parseChannel, parseDeductionStatus, parsePayYear, PAYMENT_CHANNEL_ZH, PAYMENT_CHANNELS, regionPrefix } from '../../domain/payments';
import { parseFeedDate } from '../../domain/taxFeed';
import { localDateOf } from '../../domain/time';
import { IMPORT_DATA_ERROR, IMPORT_FAILED, IMPORT_NOT_FOUND, type ImportHeartbeat, type ImportListInput, type ImportListResult } from '../../contracts/hardship';
import { normaliseCell, storableText, unstorableReason } from '../../formats/cells';
import { FIELD_LABELS, LIST_LIMITS, type ListKind, type StoredMapping } from '../../formats/lists';
import { ImportFileError, readRowBatches, type ImportRow } from '../../formats/rows';
import { ServiceError } from '../errors';
import { refreshPayments } from '../payments';
import { forgetUpload, type UploadStore } from './uploads';

/** Errors kept for the report; the count goes on. */
export const MAX_STORED_ERRORS = 10_000;
/** Rows per COPY statement (each commits on its own). */
const CHUNK_ROWS = { postgres: 200_000, pglite: 10_000 };
/** Rows handed to the COPY at a time: PostgreSQL streams them (small batches keep memory flat); PGlite commits each. */
const BATCH_ROWS = { postgres: 2_000, pglite: 10_000 };
const HEARTBEAT_EVERY = 5_000;

const ROSTER_COLUMNS = ['import_id', 'id_number', 'line', 'name', 'village_code', 'status', 'tier_fen', 'last_year_tier_fen', 'payment_status', 'drawing_pension', 'birth_date'];
const HARDSHIP_COLUMNS = ['import_id', 'id_number', 'line', 'name', 'category', 'birth_date'];
const PAYMENT_COLUMNS = ['import_id', 'line', 'id_number', 'name', 'pay_year', 'tier_fen', 'amount_fen', 'paid_on', 'channel', 'status', 'insured_region'];
const ERROR_COLUMNS = ['import_id', 'seq', 'line', 'column', 'value', 'reason', 'village_code'];

interface RowError {
  line: number;
  column: string;
  value: string;
  reason: string;
  /** The row's village when it names a valid one: a county is shown its own villages' errors only. */
  village: string | null;
}

const PLAIN_NAME = /^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z·]+$/;
const TWELVE_DIGITS = /^\d{12}$/;
const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

const CATEGORY_NAMES = HARDSHIP_CATEGORIES.map((c) => c.zh).join('、');

/** One row's checks: what `paymentRow` and the roster's checks need, made once per file (not per row). */
interface RowContext {
  importId: string;
  cell: (row: ImportRow, key: string) => string;
  /** Adds an error of the current row. */
  err: (key: string, value: string, reason: string) => void;
  /** The current row's errors so far. */
  hasErrors: () => boolean;
  year: number;
  today: string;
  tiersFen: Set<number> | null;
}

/**
 * Validates one data row into COPY values, or the row's errors (every failing field named).
 *
 * It runs for every row of files of millions of rows: no function or closure is made per row (the
 * `err` of a row writes to the reader's current error list), and the few-valued columns are memoised
 * in domain/ (measured: the closures alone were a quarter of the validation time, through esbuild's
 * `__name` wrapper that tsx adds to every function made).
 */
function makeRowReader(
  list: ListKind,
  importId: string,
  header: readonly string[],
  columns: Record<string, number>,
  ctx: { today: string; category: HardshipCategory | null; tiersFen: Set<number> | null; year: number },
) {
  const shownHeader = header.map((h) => storableText(h.trim()));
  const col = (key: string) => shownHeader[columns[key]] || FIELD_LABELS[key];
  const cell = (row: ImportRow, key: string) => (columns[key] === undefined ? '' : normaliseCell(row.cells[columns[key]] ?? ''));
  const chosen = ctx.category ? categoryName(ctx.category) : '';
  // The current row: its line, its village (for a county's view of the errors) and its errors.
  let line = 0;
  let errorVillage: string | null = null;
  let errors: RowError[] = [];
  const err = (key: string, value: string, reason: string) => {
    errors.push({ line, column: col(key), value, reason, village: errorVillage });
  };
  const refused = (): { errors: RowError[] } => {
    const out = errors;
    errors = [];
    return { errors: out };
  };
  const rc: RowContext = { importId, cell, err, hasErrors: () => errors.length > 0, year: ctx.year, today: ctx.today, tiersFen: ctx.tiersFen };
  return (row: ImportRow): { values: CopyValue[] } | { errors: RowError[] } => {
    line = row.line;
    const villageCell = list === 'roster' ? cell(row, 'villageCode').normalize('NFKC').replace(/\s/g, '') : '';
    errorVillage = TWELVE_DIGITS.test(villageCell) ? villageCell : null;
    // Text the database cannot hold, in any cell (mapped or not): the row is refused before anything is read from it.
    for (let c = 0; c < row.cells.length; c++) {
      const reason = unstorableReason(row.cells[c]);
      if (reason) errors.push({ line: row.line, column: shownHeader[c] || `第 ${c + 1} 列`, value: '', reason, village: null });
    }
    if (errors.length > 0) return refused();
    const rawId = cell(row, 'idNumber');
    const id = validateIdNumber(rawId, { today: ctx.today });
    if (!id.ok) err('idNumber', maskIdNumber(rawId), id.reason);
    const rawName = cell(row, 'name');
    // Plain Han or Latin names (nearly all) need no compatibility folding.
    const name = PLAIN_NAME.test(rawName) ? rawName : rawName.normalize('NFKC').replace(/\s+/g, ' ');
    if (name === '') err('name', '', '姓名为空');
    else if (name.length > 50) err('name', '', `姓名过长（${name.length} 个字符，上限 50）`);
    else if (/^\d{6,}[\dXx]*$/.test(name)) err('name', '', '姓名列是一串数字，可能与身份证号列错位；请检查列对应关系');

    if (list === 'payments') {
      const values = paymentRow(row, rc, id, name);
      return values ? { values } : refused();
    }

    if (list === 'hardship') {
      // A 困难类别 column: a known category is the row's own; empty means the one chosen for the import.
      const categoryText = cell(row, 'category');
      const category = categoryText === '' ? ctx.category : parseCategory(categoryText);
      if (!category) err('category', clip(categoryText), `困难类别“${clip(categoryText, 20)}”无法识别：应为 ${CATEGORY_NAMES} 之一${chosen ? `，或留空（按导入时选择的“${chosen}”）` : ''}`);
      if (errors.length > 0 || !id.ok) return refused();
      return { values: [importId, id.id, row.line, name, category, id.birthDate] };
    }

    const rawVillage = cell(row, 'villageCode');
    const village = TWELVE_DIGITS.test(rawVillage) ? rawVillage : rawVillage.normalize('NFKC').replace(/\s/g, '');
    if (!/^\d{12}$/.test(village)) err('villageCode', clip(village), '户籍地行政区划代码应为 12 位数字（村、社区级）');
    const statusText = cell(row, 'enrolmentStatus');
    const status = parseEnrolmentStatus(statusText);
    if (!status) err('enrolmentStatus', clip(statusText), '参保状态无法识别：应为 已参保、未参保、暂停/终止 或 死亡');
    const tierText = cell(row, 'tier');
    const tier = parseTier(tierText);
    if (tier === undefined) err('tier', clip(tierText), '缴费档次应为金额数字（元），如 180');
    else if (tier !== null && ctx.tiersFen && !ctx.tiersFen.has(yuanToFen(tier))) {
      err('tier', clip(tierText), `缴费档次 ${tier} 元不在本年方案的档次中`);
    }
    const lastText = cell(row, 'lastYearTier');
    const last = parseTier(lastText);
    if (last === undefined) err('lastYearTier', clip(lastText), '上年缴费档次应为金额数字（元）');
    const drawingText = cell(row, 'drawingPension');
    const drawing = parseYesNo(drawingText);
    if (drawing === null) err('drawingPension', clip(drawingText), '是否领取待遇应为 是 或 否');
    const payment = cell(row, 'paymentStatus');
    if (errors.length > 0 || !id.ok) return refused();
    return {
      values: [
        importId,
        id.id,
        row.line,
        name,
        village,
        status,
        tier === null || tier === undefined ? null : yuanToFen(tier),
        last === null || last === undefined ? null : yuanToFen(last),
        payment === '' ? null : clip(payment, 40),
        drawing,
        id.birthDate,
      ],
    };
  };
}

/**
 * One deduction of the per-person payment feed (domain/payments.ts): the year must be the campaign's,
 * the date real and not after today, 档次 or 金额 present (金额 wins; 档次 alone is the amount), the
 * channel and the status known. Its COPY values, or null when the row has errors (in `r.err`).
 */
function paymentRow(row: ImportRow, r: RowContext, id: ReturnType<typeof validateIdNumber>, name: string): CopyValue[] | null {
  const { cell, err } = r;
  const yearText = cell(row, 'payYear');
  const year = parsePayYear(yearText);
  if (year === null) err('payYear', clip(yearText), '缴费年度应为四位年份，如 2023');
  else if (year !== r.year) err('payYear', clip(yearText), `缴费年度 ${year} 不是本次征缴活动的年度 ${r.year}；请只提交本年度的缴费明细`);
  const dateText = cell(row, 'paidOn');
  const paidOn = parseFeedDate(dateText);
  if (!paidOn) err('paidOn', clip(dateText), '缴费日期无效；应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日 的真实日期');
  else if (paidOn > r.today) err('paidOn', clip(dateText), `缴费日期晚于今天（${r.today}）`);
  const channelText = cell(row, 'channel');
  const channel = parseChannel(channelText);
  if (!channel) err('channel', clip(channelText), `渠道无法识别：应为 ${PAYMENT_CHANNELS.map((c) => PAYMENT_CHANNEL_ZH[c]).join('、')} 之一`);
  const statusText = cell(row, 'payStatus');
  const status = parseDeductionStatus(statusText);
  if (!status) err('payStatus', clip(statusText), '状态无法识别：应为 扣费成功、扣费失败 或 退费');
  const tierText = cell(row, 'payTier');
  const tier = parseTier(tierText);
  if (tier === undefined) err('payTier', clip(tierText), '档次应为金额数字（元），如 360');
  else if (tier !== null && r.tiersFen && !r.tiersFen.has(yuanToFen(tier))) err('payTier', clip(tierText), `档次 ${tier} 元不在本年方案的档次中`);
  const amountText = cell(row, 'payAmount');
  const amount = parseTier(amountText);
  if (amount === undefined) err('payAmount', clip(amountText), '金额应为以元为单位的数字，最多两位小数，如 360.00');
  if (tier === null && amount === null) err('payAmount', '', '档次和金额均为空：每行至少填写其中一项');
  const regionRaw = cell(row, 'insuredRegion');
  const regionText = regionRaw === '' ? '' : regionRaw.replace(/\s/g, '');
  if (regionText !== '' && !/^\d{6}(\d{3}){0,2}$/.test(regionText)) err('insuredRegion', clip(regionText), '参保地应为 6、9 或 12 位数字的行政区划代码');
  if (r.hasErrors() || !id.ok) return null;
  const tierFen = tier === null || tier === undefined ? null : yuanToFen(tier);
  const amountFen = amount === null || amount === undefined ? tierFen! : yuanToFen(amount);
  return [r.importId, row.line, id.id, name, year, tierFen, amountFen, paidOn!, channel!, status!, regionText === '' ? null : regionPrefix(regionText)];
}

/** Hidden rows named one by one in a notice; the rest are counted. */
const HIDDEN_NAMED = 20;

/** The SQLSTATE of a database error, through the wrappers (drizzle's DrizzleQueryError keeps the driver's error as its cause). */
export function sqlStateOf(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * An error the data itself causes (22: data exception, such as a character the encoding cannot hold;
 * 23: integrity constraint) fails every attempt alike: an ImportDataError, with a reason for the
 * official. Anything else (the database unreachable, a worker stopping) is left to be retried.
 */
function dataError(e: unknown): ServiceError | null {
  if (e instanceof ServiceError) return null;
  const state = sqlStateOf(e);
  if (!state || !(state.startsWith('22') || state.startsWith('23'))) return null;
  // The driver's message may quote a value (a name, an ID number): only the code goes into the reason.
  return new ServiceError(IMPORT_DATA_ERROR, `文件中有数据库无法保存的内容（错误代码 ${state}）；请检查文件，用 Excel 打开后另存再上传`, 422);
}

const ID_LIKE = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])|(?<![0-9])[0-9]{15}(?![0-9])/g;
/** A reason shown to officials: ID-number-like digits masked, one line, at most 300 characters. */
export function safeReason(text: string): string {
  const one = storableText(text).replace(ID_LIKE, (m) => maskIdNumber(m)).replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 300)}…` : one;
}

/** How one attempt of an import runs: where the file is, the clock, and its link to the worker. */
export interface ImportAttempt extends UploadStore {
  /** The last progress of a previous attempt (its heartbeat): rows and errors up to its line are committed. */
  resume?: ImportHeartbeat;
  /** Progress and checkpoint, after every commit and every few thousand rows. */
  progress?: (p: ImportHeartbeat) => void;
  /** Aborted when the attempt must stop (the worker shuts down); its reason is thrown. */
  signal?: AbortSignal;
}

async function finish(db: Db, now: () => number, importId: string, patch: Partial<typeof listImports.$inferInsert>) {
  await db.update(listImports).set({ ...patch, finishedAt: new Date(now()) }).where(eq(listImports.id, importId));
}

/** Stored or refused are ends; a failed import is an end too, reported to the caller as an error. */
function failedAlready(imp: typeof listImports.$inferSelect): never {
  throw new ServiceError(IMPORT_FAILED, imp.message ?? `导入 ${imp.id} 已失败`, 409);
}

async function resultOf(db: Db, importId: string): Promise<ImportListResult> {
  const [row] = await db.select().from(listImports).where(eq(listImports.id, importId));
  return {
    importId,
    status: row.status === 'refused' ? 'refused' : 'stored',
    rowsTotal: row.rowsTotal,
    rowsStored: row.rowsStored,
    errorCount: row.errorCount,
    version: row.version,
    message: row.message,
  };
}

const rowsTable = (list: ListKind) => (list === 'roster' ? rosterRows : list === 'payments' ? paymentRows : hardshipRows);

async function dropRows(db: Db, list: ListKind, importId: string, afterLine = 0) {
  const table = rowsTable(list);
  await db.delete(table).where(and(eq(table.importId, importId), gt(table.line, afterLine)));
}

/**
 * Reads, validates and stores one uploaded file as the next version of its list, or refuses it
 * whole. Idempotent: an import already stored or refused returns its result. A failure the data
 * causes is an ImportDataError; an import that is not there an ImportNotFound; one already failed an
 * ImportFailed.
 */
export async function importList(db: Db, input: ImportListInput, run: ImportAttempt): Promise<ImportListResult> {
  try {
    return await importOnce(db, input, run);
  } catch (e) {
    throw dataError(e) ?? e;
  }
}

/**
 * The end of an import the workflow gave up on (a non-retryable failure, attempts exhausted, an
 * unexpected error, a cancellation): marked failed with the reason, its rows and errors removed,
 * the uploaded file deleted. Idempotent; an import already decided keeps its status.
 */
export async function failImport(db: Db, store: UploadStore, input: { importId: string; reason: string }): Promise<void> {
  const [imp] = await db.select().from(listImports).where(eq(listImports.id, input.importId));
  if (!imp) return;
  if (imp.status === 'pending' || imp.status === 'running') {
    await dropRows(db, imp.list as ListKind, imp.id);
    await db.delete(importErrors).where(eq(importErrors.importId, imp.id));
    await finish(db, store.now ?? Date.now, imp.id, {
      status: 'failed',
      rowsStored: 0,
      errorCount: 0,
      message: `${imp.fileName}：导入未能完成（${safeReason(input.reason)}）。整个文件未导入，现有名单未受影响；上传的文件已从服务器删除，请检查后重新上传`,
    });
  }
  await forgetUpload(db, store, imp.uploadId, imp.id);
}

/** Links the screening run an import started (for the console's import view). */
export async function linkScreeningRun(db: Db, input: { importId: string; runId: string }): Promise<void> {
  await db.update(listImports).set({ screeningRunId: input.runId }).where(eq(listImports.id, input.importId));
}

async function importOnce(db: Db, input: ImportListInput, run: ImportAttempt): Promise<ImportListResult> {
  const now = run.now ?? Date.now;
  const embedded = isEmbedded(db);
  const sizes = { chunk: embedded ? CHUNK_ROWS.pglite : CHUNK_ROWS.postgres, batch: embedded ? BATCH_ROWS.pglite : BATCH_ROWS.postgres };
  const [imp] = await db.select().from(listImports).where(eq(listImports.id, input.importId));
  if (!imp) throw new ServiceError(IMPORT_NOT_FOUND, `导入 ${input.importId} 不存在`, 404);
  if (imp.status === 'stored' || imp.status === 'refused' || imp.status === 'superseded') return resultOf(db, imp.id);
  if (imp.status === 'failed') failedAlready(imp);
  const list = imp.list as ListKind;
  const [campaign] = await db.select({ plan: campaigns.plan, timeZone: campaigns.timeZone, year: campaigns.year }).from(campaigns).where(eq(campaigns.id, imp.campaignId));
  const [upload] = await db.select().from(uploads).where(and(eq(uploads.campaignId, imp.campaignId), eq(uploads.id, imp.uploadId)));
  if (!campaign || !upload) throw new ServiceError(IMPORT_NOT_FOUND, `导入 ${imp.id} 的活动或上传文件记录不存在`, 404);
  const path = join(run.uploadDir, upload.id);
  const totalBytes = await stat(path).then(
    (st) => st.size,
    () => null,
  );
  if (totalBytes === null) {
    await finish(db, now, imp.id, { status: 'failed', message: `${imp.fileName}：上传的文件已不在服务器上（已导入过或已清理）；请重新上传` });
    throw new ServiceError(IMPORT_NOT_FOUND, `导入 ${imp.id} 的文件已不存在`, 404);
  }

  const plan = campaign.plan as { contributionPolicy?: { tiers?: number[]; hardship?: { minimum?: number } } };
  const tiers = plan.contributionPolicy?.tiers;
  const tiersFen = tiers ? new Set([...tiers, ...(plan.contributionPolicy?.hardship?.minimum ? [plan.contributionPolicy.hardship.minimum] : [])].map(yuanToFen)) : null;
  const today = localDateOf(now(), campaign.timeZone);

  // Resume from the last committed checkpoint, or start clean.
  const previous = run.resume;
  const checkpoint = previous && previous.stage === 'reading' ? previous : undefined;
  await dropRows(db, list, imp.id, checkpoint?.committedLine ?? 0);
  await db.delete(importErrors).where(and(eq(importErrors.importId, imp.id), gt(importErrors.seq, checkpoint?.committedErrors ?? 0)));
  await db.update(listImports).set({ status: 'running' }).where(eq(listImports.id, imp.id));

  const progress: ImportHeartbeat = {
    stage: 'reading',
    rowsRead: 0,
    bytesRead: 0,
    totalBytes,
    committedLine: checkpoint?.committedLine ?? 0,
    committedErrors: checkpoint?.committedErrors ?? 0,
    committedValid: checkpoint?.committedValid ?? 0,
  };
  const beat = () => run.progress?.({ ...progress });

  let errorCount = progress.committedErrors;
  let valid = progress.committedValid;
  // Valid rows stream into one COPY per chunk (committed at the chunk's end); errors are few and go in at the same moment.
  let writer: CopyWriter | null = null;
  let batch: CopyValue[][] = [];
  let inChunk = 0;
  let pendingErrors: CopyValue[][] = [];
  let lastLine = 0;
  const table = list === 'roster' ? 'roster_rows' : list === 'payments' ? 'payment_rows' : 'hardship_rows';
  const columns = list === 'roster' ? ROSTER_COLUMNS : list === 'payments' ? PAYMENT_COLUMNS : HARDSHIP_COLUMNS;

  const flushBatch = async () => {
    if (batch.length === 0) return;
    writer ??= await openCopy(db, table, columns);
    await writer.write(batch);
    inChunk += batch.length;
    batch = [];
  };
  const commit = async () => {
    await flushBatch();
    if (writer) {
      const w = writer;
      writer = null;
      await w.end();
    }
    if (pendingErrors.length > 0) {
      const copy = await openCopy(db, 'import_errors', ERROR_COLUMNS);
      await copy.write(pendingErrors);
      await copy.end();
    }
    valid += inChunk;
    inChunk = 0;
    pendingErrors = [];
    progress.committedLine = lastLine;
    progress.committedErrors = errorCount;
    progress.committedValid = valid;
    beat();
  };

  const source = (async function* () {
    for await (const chunk of createReadStream(path)) {
      progress.bytesRead += (chunk as Buffer).length;
      yield chunk as Uint8Array;
    }
  })();
  const mapping = imp.mapping as StoredMapping;
  let header: string[] | undefined;
  let seen = 0;
  let readRow: ReturnType<typeof makeRowReader> | undefined;
  let encoding: string | null = null;
  // Rows hidden in Excel are imported like the others; the official is told which (counted over every
  // row read, those before a checkpoint included, so a resumed import tells the same).
  const hidden: number[] = [];
  let hiddenCount = 0;
  try {
    const batches = readRowBatches(source, { fileName: imp.fileName, size: totalBytes, limits: LIST_LIMITS[list], sheet: mapping.sheet });
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        encoding = next.value.encoding ?? next.value.kind;
        break;
      }
      for (const row of next.value) {
        if (!header) {
          // Title rows above the header (“某某县低保对象名单”) are skipped.
          if (seen++ < mapping.headerRow) continue;
          header = row.cells;
          readRow = makeRowReader(list, imp.id, header, mapping.columns, { today, category: imp.category as HardshipCategory | null, tiersFen, year: campaign.year });
          continue;
        }
        progress.rowsRead++;
        if (row.hidden && hiddenCount++ < HIDDEN_NAMED) hidden.push(row.line);
        if (row.line <= progress.committedLine) continue;
        lastLine = row.line;
        const r = readRow!(row);
        if ('values' in r) batch.push(r.values);
        else {
          for (const e of r.errors) {
            errorCount++;
            if (errorCount <= MAX_STORED_ERRORS) pendingErrors.push([imp.id, errorCount, e.line, e.column, e.value, e.reason, e.village]);
          }
        }
        if (batch.length >= sizes.batch) {
          await flushBatch();
          if (inChunk >= sizes.chunk) await commit();
        }
        if (progress.rowsRead % HEARTBEAT_EVERY === 0) beat();
      }
      if (run.signal?.aborted) throw run.signal.reason ?? new Error('cancelled');
    }
    await commit();
  } catch (e) {
    if (writer) await (writer as CopyWriter).abort(e as Error);
    if (!(e instanceof ImportFileError)) throw e;
    // The file itself is refused (type, caps, encoding): nothing of it is kept.
    await dropRows(db, list, imp.id);
    await db.delete(importErrors).where(eq(importErrors.importId, imp.id));
    await finish(db, now, imp.id, { status: 'refused', rowsTotal: progress.rowsRead, rowsStored: 0, errorCount: 0, message: storableText(e.message), encoding });
    await forgetUpload(db, run, imp.uploadId, imp.id);
    return resultOf(db, imp.id);
  }
  const rowsTotal = progress.rowsRead;
  if (!header || rowsTotal === 0) {
    await dropRows(db, list, imp.id);
    await finish(db, now, imp.id, { status: 'refused', rowsTotal: 0, rowsStored: 0, errorCount: 0, message: `${imp.fileName}：文件没有数据行（只有表头或为空）`, encoding });
    await forgetUpload(db, run, imp.uploadId, imp.id);
    return resultOf(db, imp.id);
  }

  // The planner's figures for the rows just loaded: the duplicate check and the payments' match join
  // them by the million, and without fresh statistics it plans for a few hundred rows (measured with
  // `npm run bench:payments`: hash joins in 8 to 16 batches on disk instead of one in memory).
  await db.execute(sql.raw(`analyze ${table}`));

  // Duplicates within the file, found over the loaded rows (a payment feed has one row per deduction:
  // a person may appear several times).
  progress.stage = 'checking-duplicates';
  beat();
  const t = list === 'roster' ? rosterRows : hardshipRows;
  const idCol = header[mapping.columns.idNumber]?.trim() || '身份证号';
  // Two steps: the duplicated numbers by a hash aggregate over every row, then their lines and villages
  // (ordered aggregates over every group sorted each of a million groups: a second and more per 300,000 rows).
  const dups =
    list === 'payments'
      ? []
      : await db.transaction(async (tx) => {
          // A million numbers hashed in memory, not in batches on disk (this transaction only).
          await tx.execute(sql`set local work_mem = '256MB'`);
          return tx
            .select({
              idNumber: t.idNumber,
              lines: sql<number[]>`array_agg(${t.line} order by ${t.line})`,
              villages: list === 'roster' ? sql<(string | null)[]>`array_agg(${rosterRows.villageCode} order by ${t.line})` : sql<(string | null)[]>`array_agg(null::text)`,
            })
            .from(t)
            .where(
              and(
                eq(t.importId, imp.id),
                sql`${t.idNumber} in (select ${t.idNumber} from ${t} where ${t.importId} = ${imp.id} group by ${t.idNumber} having count(*) > 1)`,
              ),
            )
            .groupBy(t.idNumber);
        });
  if (dups.length > 0) {
    const dupErrors: CopyValue[][] = [];
    for (const d of dups) {
      d.lines.slice(1).forEach((line, i) => {
        errorCount++;
        if (errorCount <= MAX_STORED_ERRORS) dupErrors.push([imp.id, errorCount, line, idCol, maskIdNumber(d.idNumber), `身份证号与第 ${d.lines[0]} 行重复（同一名单中每人只能出现一次）`, d.villages[i + 1] ?? null]);
      });
    }
    const copy = await openCopy(db, 'import_errors', ERROR_COLUMNS);
    await copy.write(dupErrors);
    await copy.end();
  }

  if (errorCount > 0) {
    await dropRows(db, list, imp.id);
    await finish(db, now, imp.id, {
      status: 'refused',
      rowsTotal,
      rowsStored: 0,
      errorCount,
      encoding,
      message: `${imp.fileName}：${errorCount} 处错误，整个文件未导入；请按错误报告修改后重新上传（现有名单未受影响）`,
    });
    await forgetUpload(db, run, imp.uploadId, imp.id);
    return resultOf(db, imp.id);
  }

  const notices: string[] = [];
  if (hiddenCount > 0) {
    const named = hidden.map((l) => `第 ${l} 行`).join('、');
    notices.push(`${named}${hiddenCount > hidden.length ? ` 等 ${hiddenCount} 行` : ''}为 Excel 中的隐藏行，已与其他行一并导入；如这些行不应导入，请删除后重新上传`);
  }
  if (list === 'hardship' && mapping.columns.category !== undefined) {
    // Counted over the stored rows, so that a resumed import counts the same.
    const byCategory = await db
      .select({ category: hardshipRows.category, n: sql<number>`count(*)::int` })
      .from(hardshipRows)
      .where(eq(hardshipRows.importId, imp.id))
      .groupBy(hardshipRows.category);
    if (byCategory.some((c) => c.category !== imp.category)) {
      const order = (key: string) => HARDSHIP_CATEGORIES.findIndex((c) => c.key === key);
      const parts = byCategory.sort((a, b) => b.n - a.n || order(a.category) - order(b.category)).map((c) => `${categoryName(c.category)} ${c.n} 人`);
      notices.push(`按文件中的“${storableText(header[mapping.columns.category]?.trim() || '困难类别')}”列保存各行的类别：${parts.join('，')}（导入时选择的“${categoryName(imp.category ?? '')}”只用于该列为空的行）`);
    }
  }

  // The swap: one transaction moves the pointer; the old version is marked superseded.
  progress.stage = 'swapping';
  beat();
  let superseded: string | undefined;
  // The swap of a payment delivery matches it to the roster and rolls it up (a minute and more for
  // millions of rows, in SQL statements that cannot beat between rows): the attempt says it is alive
  // meanwhile, or the heartbeat timeout would start a second attempt beside it.
  const alive = setInterval(beat, 10_000);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${imp.campaignId}/${imp.listKey}`}))`);
    const [cur] = await tx.select().from(currentLists).where(and(eq(currentLists.campaignId, imp.campaignId), eq(currentLists.listKey, imp.listKey)));
    const [{ maxVersion }] = await tx
      .select({ maxVersion: sql<number>`coalesce(max(${listImports.version}), 0)::int` })
      .from(listImports)
      .where(and(eq(listImports.campaignId, imp.campaignId), eq(listImports.listKey, imp.listKey)));
    const version = maxVersion + 1;
    if (cur) {
      superseded = cur.importId;
      await tx.update(listImports).set({ status: 'superseded' }).where(eq(listImports.id, cur.importId));
    }
    await tx
      .insert(currentLists)
      .values({ campaignId: imp.campaignId, listKey: imp.listKey, importId: imp.id, version, storedAt: new Date(now()) })
      .onConflictDoUpdate({ target: [currentLists.campaignId, currentLists.listKey], set: { importId: imp.id, version, storedAt: new Date(now()) } });
    await tx
      .update(listImports)
      .set({ status: 'stored', version, rowsTotal, rowsStored: valid, errorCount: 0, message: null, notices, encoding, finishedAt: new Date(now()) })
      .where(eq(listImports.id, imp.id));
    // The feed matched against the roster and the verified figures rolled up with the pointer's move:
    // a delivery (or a new roster) is current with its figures, or not at all.
    if (list === 'payments' || list === 'roster') await refreshPayments(tx, imp.campaignId);
  }).finally(() => clearInterval(alive));
  // A superseded roster is not read again (results keep what they need); its rows only take space.
  if (superseded && (list === 'roster' || list === 'payments')) await dropRows(db, list, superseded);
  progress.stage = 'done';
  beat();
  await forgetUpload(db, run, imp.uploadId, imp.id);
  return resultOf(db, imp.id);
}

/** The latest stored version of each list of a campaign. */
export async function currentListsOf(db: Db, campaignId: string) {
  return db
    .select({
      importId: currentLists.importId,
      listKey: currentLists.listKey,
      version: currentLists.version,
      storedAt: currentLists.storedAt,
      list: listImports.list,
      category: listImports.category,
      department: listImports.department,
      listDate: listImports.listDate,
      rows: listImports.rowsStored,
    })
    .from(currentLists)
    .innerJoin(listImports, eq(listImports.id, currentLists.importId))
    .where(eq(currentLists.campaignId, campaignId))
    .orderBy(currentLists.listKey, desc(currentLists.storedAt));
}
