// Uploaded rosters and hardship lists in UPLOAD_DIR, from the upload to the file's deletion: an upload
// stored under its sha256 (mode 600: it holds names and ID numbers) with its header found, an import
// recorded from the user's column choices, the file forgotten once its import is decided, and the
// clean-up of files left past their lifetime (server/housekeeping.ts runs it hourly).
//
// One advisory lock per file (`withUploadLock`) orders them: an upload of the same bytes, an import's
// start and the clean-up each decide and act under it, so a file is never deleted while it is being
// uploaded again or an import of it is being recorded.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { listImports, uploads } from '../../db/schema';
import type { StartImportRequest, UploadView } from '../../contracts/api/hardship';
import { hardshipWorkflowIds } from '../../contracts/hardship';
import { storableText } from '../../formats/cells';
import { FIELD_LABELS, findHeaderRow, HEADER_SEARCH_ROWS, LIST_FIELDS, LIST_LIMITS, mapListHeaders, type ListKind, type ListMapping, type StoredMapping } from '../../formats/lists';
import { DEFAULT_LIMITS, ImportFileError, readRows, type CsvDelimiter, type ReadInfo } from '../../formats/rows';
import { ServiceError } from '../errors';

/** Where uploaded files live, and the clock their rows are stamped with. */
export interface UploadStore {
  /** UPLOAD_DIR: the API writes it, the workers read it. */
  uploadDir: string;
  now?: () => number;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Uploads in progress are written under this prefix; the clean-up removes any a crash left behind. */
export const TMP_PREFIX = '.upload-';

export const UPLOAD_NOT_FOUND = 'UploadNotFound';
export const UPLOAD_GONE = 'UploadGone';
export const UPLOAD_INVALID = 'UploadInvalid';
export const UPLOAD_TOO_LARGE = 'UploadTooLarge';
export const UPLOAD_IS_FORM = 'UploadIsForm';

/** The error a route answers with 400, naming the fields (`errors`) to fix. */
const invalid = (message: string, errors?: { path: string; message: string }[]) => new ServiceError(UPLOAD_INVALID, message, 400, errors ? { errors } : undefined);

export const maxUploadBytes = (list: ListKind) => LIST_LIMITS[list].maxBytes ?? DEFAULT_LIMITS.maxBytes;
export const uploadTooLarge = (fileName: string, max: number) => new ServiceError(UPLOAD_TOO_LARGE, `${fileName}：超过 ${Math.round(max / 1024 / 1024)} MB 上限`, 413, undefined, '文件过大');
export const multipartRefused = () =>
  new ServiceError(
    UPLOAD_IS_FORM,
    '请把文件内容直接作为请求体发送（Content-Type: application/octet-stream，文件名放在 X-File-Name 头中，用 encodeURIComponent 编码），不要使用 multipart/form-data 表单方式',
    415,
    undefined,
    '不支持表单上传',
  );

/** Runs `work` in a transaction holding the file's advisory lock (uploads, an import's start and the clean-up take it). */
export async function withUploadLock<T>(db: Db, uploadId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`upload/${uploadId}`}))`);
    return work(tx);
  });
}

// ---- the upload ----

/** What an upload row keeps of its file (`uploads.headers`). */
interface StoredUploadLayout {
  headerRow: number;
  headers: string[];
  /** XLSX: the sheet read (from 0). Rows written before sheets were listed have none. */
  sheet?: number | null;
  sheets?: SheetView[];
  delimiter?: CsvDelimiter | null;
  suspectDelimiter?: SuspectDelimiter | null;
  hiddenRows?: number;
  warnings?: string[];
}
/** A CSV cell among the first rows holding several of another delimiter: the guess may have been wrong. */
interface SuspectDelimiter {
  delimiter: CsvDelimiter;
  cell: string;
}
type SheetView = UploadView['sheets'][number];

interface FileLayout {
  kind: 'csv' | 'xlsx';
  headerRow: number;
  headers: string[];
  sheets: SheetView[];
  sheet: SheetView | null;
  delimiter: CsvDelimiter | null;
  suspectDelimiter: SuspectDelimiter | null;
  hiddenRows: number;
  warnings: string[];
}

export interface NewUpload {
  campaignId: string;
  list: ListKind;
  fileName: string;
  /** The file's bytes as they arrive (a request body). */
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  actor?: string;
  /** XLSX: the sheet to read, by position from 0 or by name (default: the first visible one). */
  sheet?: number | string;
}

/**
 * Writes an uploaded file under UPLOAD_DIR by its sha256 (the same file twice is one upload; mode 600,
 * it holds names and ID numbers), refuses it if it is not a readable list, and finds its header among
 * the first rows of the sheet asked for (XLSX: the first visible sheet by default). A workbook's chosen
 * sheet is read to its end, so that the answer lists every sheet and the rows hidden in Excel, and a
 * broken workbook is refused now rather than at import. The file is checked under a temporary name and
 * only then given its final one, so a refused upload leaves nothing behind.
 */
export async function storeUpload(db: Db, store: UploadStore, upload: NewUpload): Promise<UploadView> {
  const { campaignId, list, fileName } = upload;
  const actor = upload.actor ?? '上传';
  const now = store.now ?? Date.now;
  const max = maxUploadBytes(list);
  await mkdir(store.uploadDir, { recursive: true, mode: 0o700 });
  const tmp = join(store.uploadDir, `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      upload.source as NodeJS.ReadableStream,
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > max) return done(uploadTooLarge(fileName, max));
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      createWriteStream(tmp, { mode: 0o600 }),
    );
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  let layout: FileLayout;
  try {
    if (size === 0) throw invalid(`${fileName}：文件为空`);
    if (await isMultipart(tmp)) throw multipartRefused();
    layout = await readLayout(tmp, fileName, list, size, upload.sheet, true);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const uploadId = hash.digest('hex');
  const row = {
    headerRow: layout.headerRow,
    headers: layout.headers,
    sheet: layout.sheet?.index ?? null,
    sheets: layout.sheets,
    delimiter: layout.delimiter,
    suspectDelimiter: layout.suspectDelimiter,
    hiddenRows: layout.hiddenRows,
    warnings: layout.warnings,
  } satisfies StoredUploadLayout;
  // Under the file's lock, as the clean-up of old uploads deletes it: the renamed file and its row's new lifetime go together.
  await withUploadLock(db, uploadId, async (tx) => {
    await rename(tmp, join(store.uploadDir, uploadId));
    const at = new Date(now());
    await tx
      .insert(uploads)
      .values({ id: uploadId, campaignId, list, fileName, sizeBytes: size, fileKind: layout.kind, headers: row, actor, createdAt: at, uploadedAt: at })
      .onConflictDoUpdate({ target: [uploads.campaignId, uploads.id], set: { fileName, list, headers: row, uploadedAt: at, fileDeletedAt: null } });
    // The same bytes uploaded to another campaign share the file: it lives again for them too.
    await tx.update(uploads).set({ fileDeletedAt: null }).where(eq(uploads.id, uploadId));
  }).catch(async (e: unknown) => {
    await rm(tmp, { force: true });
    throw e;
  });
  const mapping = mapListHeaders(list, layout.headers);
  return {
    uploadId,
    fileName,
    sizeBytes: size,
    list,
    fileKind: layout.kind,
    headers: layout.headers,
    fields: [...LIST_FIELDS[list].required.map((k) => ({ key: k, label: FIELD_LABELS[k], required: true })), ...LIST_FIELDS[list].optional.map((k) => ({ key: k, label: FIELD_LABELS[k], required: false }))],
    mapping: withHints(mapping, mappingHints(layout, upload.sheet !== undefined)),
    sheets: layout.sheets,
    sheet: layout.sheet,
    delimiter: layout.delimiter,
    hiddenRows: layout.hiddenRows,
    warnings: layout.warnings,
  };
}

/**
 * The header of a stored file's sheet, found among its first rows; with `wholeSheet`, the sheet of a
 * workbook is read to its end for its hidden rows (a CSV never is: it has neither). A file that is not a
 * readable list is refused (400) naming why.
 */
async function readLayout(path: string, fileName: string, list: ListKind, size: number, sheet: number | string | undefined, wholeSheet: boolean): Promise<FileLayout> {
  const first: string[][] = [];
  const info: ReadInfo = {};
  let hiddenRows = 0;
  const hiddenLines: number[] = [];
  try {
    for await (const row of readRows(createReadStream(path), { fileName, size, limits: LIST_LIMITS[list], sheet, info })) {
      if (first.length < HEADER_SEARCH_ROWS) first.push(row.cells.map(storableText));
      if (row.hidden && hiddenRows++ < 10) hiddenLines.push(row.line);
      if (first.length >= HEADER_SEARCH_ROWS && !(wholeSheet && info.kind === 'xlsx')) break;
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw invalid(e.message, [{ path: fileName, message: e.message }]);
    throw e;
  }
  const sheets = (info.sheets ?? []).map((s) => ({ ...s, name: storableText(s.name) }));
  const chosen = info.sheet ? (sheets[info.sheet.index] ?? null) : null;
  if (first.length === 0) {
    const others = sheets.filter((s) => s !== chosen).map(sheetLabel);
    throw invalid(`${fileName}：${chosen ? `工作表“${chosen.name}”中` : '文件中'}没有任何数据${others.length > 0 ? `；工作簿中还有工作表：${others.join('、')}，请选择名单所在的工作表` : ''}`);
  }
  const headerRow = findHeaderRow(list, first);
  const warnings: string[] = [];
  if (hiddenRows > 0) {
    warnings.push(`${hiddenLines.map((l) => `第 ${l} 行`).join('、')}${hiddenRows > hiddenLines.length ? ` 等 ${hiddenRows} 行` : ''}为 Excel 中的隐藏行，导入时将与其他行一并导入；如这些行不应导入，请删除后重新上传`);
  }
  if (chosen?.hidden) warnings.push(`工作表“${chosen.name}”在 Excel 中是隐藏的，请确认名单确实在这个工作表中`);
  return {
    kind: info.kind ?? 'csv',
    headerRow,
    headers: first[headerRow].map((h) => h.trim()),
    sheets,
    sheet: chosen,
    delimiter: info.delimiter ?? null,
    suspectDelimiter: info.delimiter ? suspectDelimiter(first, info.delimiter) : null,
    hiddenRows,
    warnings,
  };
}

function suspectDelimiter(rows: readonly (readonly string[])[], used: CsvDelimiter): SuspectDelimiter | null {
  for (const row of rows) {
    for (const cell of row) {
      for (const d of [',', ';', '\t'] as const) {
        if (d !== used && cell.split(d).length > 2) return { delimiter: d, cell: cell.length > 40 ? `${cell.slice(0, 40)}…` : cell };
      }
    }
  }
  return null;
}

/** The mapping as the upload answer gives it: with hints only when it failed and there are some. */
function withHints(mapping: ListMapping, hints: string[]): ListMapping & { hints?: string[] } {
  return mapping.ok || hints.length === 0 ? mapping : { ...mapping, hints };
}

const sheetLabel = (s: SheetView) => `“${s.name}”（第 ${s.index + 1} 个${s.hidden ? '，隐藏' : ''}${s.rows !== null ? `，${s.rows.toLocaleString('en-US')} 行` : ''}）`;
const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ',': '逗号', ';': '分号', '\t': '制表符' };

/** Why the columns may not have been found: the list is on another sheet, or the CSV delimiter was guessed wrong. */
function mappingHints(layout: Pick<FileLayout, 'sheets' | 'sheet' | 'delimiter' | 'suspectDelimiter'>, sheetChosen: boolean): string[] {
  const hints: string[] = [];
  const others = layout.sheets.filter((s) => s.index !== layout.sheet?.index);
  if (layout.sheet && others.length > 0) {
    hints.push(
      `${sheetChosen ? '' : '未指定工作表，'}只读取了工作表“${layout.sheet.name}”（第 ${layout.sheet.index + 1} 个）；工作簿中还有：${others.map(sheetLabel).join('、')}。如名单在其他工作表，请选择工作表（接口参数 sheet：工作表序号，从 0 起，或工作表名称）`,
    );
  }
  const suspect = layout.suspectDelimiter;
  if (layout.delimiter && suspect) {
    const [used, other] = [DELIMITER_NAMES[layout.delimiter], DELIMITER_NAMES[suspect.delimiter]];
    hints.push(`本文件按${used}分隔读取，但“${suspect.cell}”中含有多个${other}：文件可能以${other}分隔（第一行的${used}使系统误判）；请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”再上传`);
  }
  return hints;
}

/**
 * A browser form's body (multipart/form-data) sent where the raw file is expected: its first line is the
 * boundary, the next a Content-Disposition header. Stored as is, the boundary lines would become rows.
 */
async function isMultipart(path: string): Promise<boolean> {
  const fd = await open(path);
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fd.read(head, 0, head.length, 0);
    return /^--[^\r\n]{1,200}\r?\ncontent-disposition:\s*form-data/i.test(head.subarray(0, bytesRead).toString('latin1'));
  } finally {
    await fd.close();
  }
}

// ---- an import of an upload ----

export interface PreparedImport {
  importId: string;
  workflowId: string;
  /** False when the same upload with the same choices was recorded before. */
  created: boolean;
  screenAfter: boolean;
  actor: string;
}

/**
 * Records an import of an upload (idempotent: the same upload with the same choices is the same
 * import) and returns the id its workflow runs under. A mapping that still lacks a field is refused
 * (400) naming it (and, when the list may be on another sheet or the CSV delimiter looks wrong, saying so);
 * a file no longer kept is a 409.
 */
export async function prepareImport(
  db: Db,
  store: UploadStore,
  campaignId: string,
  body: Omit<StartImportRequest, 'list'> & { list: ListKind; actor: string },
): Promise<PreparedImport> {
  const now = store.now ?? Date.now;
  const [upload] = await db.select().from(uploads).where(and(eq(uploads.id, body.uploadId), eq(uploads.campaignId, campaignId)));
  if (!upload) throw new ServiceError(UPLOAD_NOT_FOUND, '上传的文件不存在或不属于该活动；请重新上传', 404);
  const path = join(store.uploadDir, upload.id);
  const gone = () => new ServiceError(UPLOAD_GONE, `${upload.fileName}：该文件已导入过或已超过保留期限，服务器不再保留；如需再次导入请重新上传`, 409, undefined, '请重新上传');
  const stored = upload.headers as StoredUploadLayout;
  const sheets = stored.sheets ?? [];
  let layout: Pick<FileLayout, 'headerRow' | 'headers' | 'sheets' | 'sheet' | 'delimiter' | 'suspectDelimiter'> = {
    headerRow: stored.headerRow,
    headers: stored.headers,
    sheets,
    sheet: stored.sheet === undefined || stored.sheet === null ? null : (sheets[stored.sheet] ?? null),
    delimiter: stored.delimiter ?? null,
    suspectDelimiter: stored.suspectDelimiter ?? null,
  };
  if (body.sheet !== undefined) {
    if (upload.fileKind !== 'xlsx') {
      if (body.sheet !== 0) throw invalid('CSV 文件没有工作表', [{ path: 'sheet', message: 'CSV 文件只有一张表，请不要指定 sheet' }]);
    } else {
      const want = body.sheet;
      const chosen = typeof want === 'number' ? sheets[want] : (sheets.find((s) => s.name === want) ?? sheets.find((s) => s.name.trim().toLowerCase() === want.trim().toLowerCase()));
      if (!chosen) {
        throw invalid('工作表不存在', [{ path: 'sheet', message: `工作簿中没有${typeof want === 'number' ? `第 ${want + 1} 个工作表` : `名为“${want}”的工作表`}；工作表依次为：${sheets.map(sheetLabel).join('、')}` }]);
      }
      if (chosen.index !== layout.sheet?.index) {
        if (upload.fileDeletedAt || !existsSync(path)) throw gone();
        const read = await readLayout(path, upload.fileName, body.list, upload.sizeBytes, chosen.index, false);
        layout = { ...read, sheets };
      }
    }
  }
  const mapping = mapListHeaders(body.list, layout.headers, body.override);
  if (!mapping.ok) {
    const errors = [
      ...(mapping.missing ?? []).map((k) => ({ path: `override.${k}`, message: `未找到“${FIELD_LABELS[k]}”列，请指定对应的列` })),
      ...(mapping.ambiguous ?? []).map((k) => ({ path: `override.${k}`, message: `“${FIELD_LABELS[k]}”可对应多列，请指定其中一列` })),
    ];
    const hints = mappingHints(layout, body.sheet !== undefined);
    throw invalid(['文件的列与名单字段对应不上', ...hints].join('。'), [...errors, ...hints.map((h) => ({ path: layout.sheet ? 'sheet' : 'file', message: h }))]);
  }
  const storedMapping: StoredMapping = { headerRow: layout.headerRow, columns: mapping.columns!, ...(layout.sheet ? { sheet: layout.sheet.index } : {}) };
  const listKey = body.list === 'hardship' ? `hardship:${body.category}:${body.department}` : body.list;
  const importId = `${campaignId}.${body.list === 'roster' ? 'r' : body.list === 'payments' ? 'p' : 'h'}${createHash('sha256')
    .update(JSON.stringify([body.uploadId, listKey, body.listDate ?? null, storedMapping, body.screenAfter]))
    .digest('hex')
    .slice(0, 16)}`;
  const workflowId = hardshipWorkflowIds.import(importId);
  const [existing] = await db.select({ id: listImports.id }).from(listImports).where(eq(listImports.id, importId));
  if (existing) return { importId, workflowId, created: false, screenAfter: body.screenAfter, actor: body.actor };
  // Under the file's lock: the clean-up of old uploads cannot delete it between this check and the pending import.
  const inserted = await withUploadLock(db, upload.id, async (tx) => {
    const [fresh] = await tx.select({ deleted: uploads.fileDeletedAt }).from(uploads).where(and(eq(uploads.id, upload.id), eq(uploads.campaignId, campaignId)));
    if (fresh?.deleted || !existsSync(path)) throw gone();
    return tx
      .insert(listImports)
      .values({
        id: importId,
        campaignId,
        uploadId: upload.id,
        list: body.list,
        listKey,
        category: body.category ?? null,
        department: body.department ?? null,
        listDate: body.listDate ?? null,
        fileName: upload.fileName,
        sizeBytes: upload.sizeBytes,
        mapping: storedMapping,
        screenAfter: body.screenAfter,
        workflowId,
        actor: body.actor,
        createdAt: new Date(now()),
      })
      .onConflictDoNothing()
      .returning({ id: listImports.id });
  });
  return { importId, workflowId, created: inserted.length > 0, screenAfter: body.screenAfter, actor: body.actor };
}

/**
 * The uploaded file holds names and ID numbers: once its import is decided it is deleted, unless
 * another import of the same file is still to run. (Uploading it again brings it back.)
 */
export async function forgetUpload(db: Db, store: UploadStore, uploadId: string, importId: string): Promise<void> {
  const now = store.now ?? Date.now;
  const others = await db
    .select({ id: listImports.id })
    .from(listImports)
    .where(and(eq(listImports.uploadId, uploadId), sql`${listImports.id} <> ${importId}`, sql`${listImports.status} in ('pending', 'running')`));
  if (others.length > 0) return;
  await rm(join(store.uploadDir, uploadId), { force: true });
  await db.update(uploads).set({ fileDeletedAt: new Date(now()) }).where(and(eq(uploads.id, uploadId), isNull(uploads.fileDeletedAt)));
}

// ---- the clean-up ----

export interface UploadLifetime {
  /** UPLOAD_DIR. */
  dir: string;
  /** UPLOAD_RETENTION_HOURS. */
  retentionHours: number;
}

export interface UploadCleanupResult {
  /** Files of `uploads` rows deleted (their rows marked). */
  filesDeleted: number;
  /** Files with no `uploads` row (an upload cut off before it was recorded) and temporary files. */
  strayFilesDeleted: number;
  /** Imports recorded but never started within the lifetime, marked failed. */
  importsFailed: number;
}

const SHA256_NAME = /^[a-f0-9]{64}$/;

/**
 * Deletes uploaded files past their lifetime: a file nobody imported, one whose columns could not be
 * mapped, a temporary file of an upload cut off, an import that never started. Each file is decided and
 * deleted under its lock (several processes sharing UPLOAD_DIR may run this at once; the second finds
 * nothing left to do). The `uploads` row stays, for the record, with the moment its file was deleted.
 */
export async function cleanUploads(db: Db, opts: UploadLifetime & { now?: Date }): Promise<UploadCleanupResult> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.retentionHours * 3_600_000);
  const result: UploadCleanupResult = { filesDeleted: 0, strayFilesDeleted: 0, importsFailed: 0 };

  // Imports recorded but never started (their workflow did not start, or no worker ran it): ended, so that their file can go.
  const stale = await db
    .update(listImports)
    .set({
      status: 'failed',
      finishedAt: now,
      message: sql`${listImports.fileName} || ${`：导入在 ${opts.retentionHours} 小时内没有开始（工作进程可能未运行），上传的文件已按保留期限从服务器删除；请重新上传后再导入`}`,
    })
    .where(and(eq(listImports.status, 'pending'), lt(listImports.createdAt, cutoff)))
    .returning({ id: listImports.id });
  result.importsFailed = stale.length;

  // Files whose every upload is older than the lifetime and still marked as kept.
  const candidates = await db
    .select({ id: uploads.id })
    .from(uploads)
    .groupBy(uploads.id)
    .having(sql`max(${uploads.uploadedAt}) < ${cutoff.toISOString()}::timestamptz and bool_or(${uploads.fileDeletedAt} is null)`);
  for (const { id } of candidates) {
    const deleted = await withUploadLock(db, id, async (tx) => {
      // Decided again under the lock: an upload of the same bytes or an import's start may have come in between.
      const [fresh] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(uploads)
        .where(and(eq(uploads.id, id), gte(uploads.uploadedAt, cutoff)));
      const [busy] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(listImports)
        .where(and(eq(listImports.uploadId, id), inArray(listImports.status, ['pending', 'running'])));
      if (fresh.n > 0 || busy.n > 0) return false;
      await rm(join(opts.dir, id), { force: true });
      await tx.update(uploads).set({ fileDeletedAt: now }).where(and(eq(uploads.id, id), isNull(uploads.fileDeletedAt)));
      return true;
    });
    if (deleted) result.filesDeleted++;
  }

  // Files no row knows (an upload cut off between writing and recording it) and temporary files, by their age on disk.
  let names: string[];
  try {
    names = await readdir(opts.dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw e;
  }
  const hashes = names.filter((n) => SHA256_NAME.test(n));
  const known = new Set(hashes.length === 0 ? [] : (await db.selectDistinct({ id: uploads.id }).from(uploads).where(inArray(uploads.id, hashes))).map((r) => r.id));
  for (const name of names) {
    if (!(name.startsWith(TMP_PREFIX) || (SHA256_NAME.test(name) && !known.has(name)))) continue;
    const path = join(opts.dir, name);
    const st = await stat(path).catch(() => null);
    if (!st?.isFile() || st.mtime >= cutoff) continue;
    const removed = SHA256_NAME.test(name)
      ? await withUploadLock(db, name, async (tx) => {
          const [row] = await tx.select({ id: uploads.id }).from(uploads).where(eq(uploads.id, name)).limit(1);
          if (row) return false;
          await rm(path, { force: true });
          return true;
        })
      : await rm(path, { force: true }).then(() => true);
    if (removed) result.strayFilesDeleted++;
  }
  return result;
}
