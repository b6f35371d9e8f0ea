// The tax bureau's payment feed: a CSV file imported all or nothing, and the inbox folder the weekly
// schedule empties. The file's sha256 is the import's id, so a file delivered twice (a retried upload,
// an inbox re-scanned after a crash) is imported once.
//
// Inbox file names: `<campaignId>__<anything>.csv`, e.g. `jiangmen-2023__税务缴费-2023-11-06.csv`.
// Campaign ids are lower-case letters, digits and hyphens, so the first `__` ends the id. Only `*.csv`
// files directly in the folder are picked up: a sender should write `name.csv.part` and rename it
// when complete, so that a half-copied file is never read. After the scan a file is in `processed/`
// (imported, or the same file imported before) or in `failed/` with `<name>.errors.txt` beside it.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { and, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { campaigns, taxFeedImports, taxFeedRows, units } from '../db/schema';
import {
  TAX_FEED_MAX_BYTES,
  formatTaxFeedError,
  type TaxFeedEncoding,
  type TaxFeedError,
} from '../domain/taxFeed';
import { CAMPAIGN_NOT_FOUND, TAX_FEED_INVALID, type ImportTaxFeedInput, type ImportTaxFeedResult, type TaxFeedImportSummary, type TaxFeedInvalidDetails, type TaxInboxScanInput, type TaxInboxScanResult } from '../contracts/taxFeed';

export { CAMPAIGN_NOT_FOUND, TAX_FEED_INVALID, type ImportTaxFeedInput, type ImportTaxFeedResult, type TaxFeedImportSummary, type TaxFeedInvalidDetails, type TaxInboxScanInput, type TaxInboxScanResult };
import { parseTaxFeed } from '../formats/taxFeed';

export const TAX_INBOX_ACTOR = '税务数据收件箱';
/** `<campaignId>__<anything>.csv`; the id pattern is the plan schema's. */
export const INBOX_FILE_NAME = /^([a-z0-9][a-z0-9-]{1,62})__.+\.csv$/i;

const INSERT_CHUNK = 1_000;
const ERRORS_IN_RESULT = 5;

export function invalidFile(fileName: string, encoding: TaxFeedEncoding | null, errors: TaxFeedError[]): ApplicationFailure {
  const details: TaxFeedInvalidDetails = { fileName, encoding, errors };
  return ApplicationFailure.create({
    type: TAX_FEED_INVALID,
    message: `税务数据文件 ${fileName} 有 ${errors.length} 处错误:${errors.slice(0, 3).map(formatTaxFeedError).join(';')}`,
    nonRetryable: true,
    details: [details],
  });
}

const fileError = (fileName: string, reason: string, value: string | null = null): TaxFeedError => ({ file: fileName, line: null, column: null, value, reason });

/** The error list of a refused file, from the failure the activity threw (or null for any other error). */
export function taxFeedErrorsOf(err: unknown): TaxFeedInvalidDetails | null {
  if (!(err instanceof ApplicationFailure) || err.type !== TAX_FEED_INVALID) return null;
  return (err.details?.[0] as TaxFeedInvalidDetails | undefined) ?? { fileName: '', encoding: null, errors: [] };
}

async function loadBytes(input: ImportTaxFeedInput): Promise<Uint8Array> {
  if (input.bytesBase64 !== undefined) {
    // Refuse before decoding: base64 is 4 characters per 3 bytes.
    if (Math.floor((input.bytesBase64.length * 3) / 4) > TAX_FEED_MAX_BYTES + 2) {
      throw invalidFile(input.fileName, null, [fileError(input.fileName, `文件超过 5 MiB(${TAX_FEED_MAX_BYTES} 字节)上限;请按区县拆分后分别提交`)]);
    }
    return Buffer.from(input.bytesBase64, 'base64');
  }
  if (input.path !== undefined) {
    const { size } = await stat(input.path);
    if (size > TAX_FEED_MAX_BYTES) {
      throw invalidFile(input.fileName, null, [fileError(input.fileName, `文件大小 ${size} 字节,超过 5 MiB(${TAX_FEED_MAX_BYTES} 字节)上限;请按区县拆分后分别提交`)]);
    }
    return readFile(input.path);
  }
  throw ApplicationFailure.nonRetryable('importTaxFeed needs bytesBase64 or path', 'BadInput');
}

/** A name in `folder` that does not overwrite an earlier file of the same name. */
async function freeName(folder: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${stem}.${n}${ext}`;
    try {
      await stat(join(folder, candidate));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
      throw e;
    }
  }
}

export function createTaxFeedActivities(db: Db) {
  async function importTaxFeed(input: ImportTaxFeedInput): Promise<ImportTaxFeedResult> {
    const bytes = await loadBytes(input);
    const importId = createHash('sha256').update(bytes).digest('hex');

    const [campaign] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, input.campaignId));
    if (!campaign) throw ApplicationFailure.nonRetryable(`征缴活动 ${input.campaignId} 不存在`, CAMPAIGN_NOT_FOUND);

    const duplicate = async (): Promise<ImportTaxFeedResult | undefined> => {
      const [prior] = await db.select().from(taxFeedImports).where(eq(taxFeedImports.id, importId));
      if (!prior) return undefined;
      if (prior.campaignId !== input.campaignId) {
        throw invalidFile(input.fileName, null, [
          fileError(input.fileName, `同一文件已于 ${prior.importedAt.toISOString()} 导入征缴活动 ${prior.campaignId}(文件名 ${prior.fileName}),不能再导入另一个活动`),
        ]);
      }
      return { importId, status: 'duplicate', rows: prior.rows, asOf: prior.asOf, encoding: prior.encoding as TaxFeedEncoding, unitsUpdated: 0 };
    };
    const prior = await duplicate();
    if (prior) return prior;

    const known = await db.select({ code: units.code, name: units.name }).from(units).where(eq(units.campaignId, input.campaignId));
    if (known.length === 0) {
      throw invalidFile(input.fileName, null, [fileError(input.fileName, `征缴活动 ${input.campaignId} 还没有单位数据(活动尚未启动完成),请稍后再提交`)]);
    }
    const parsed = parseTaxFeed(bytes, { fileName: input.fileName, knownUnits: new Map(known.map((u) => [u.code, u.name])) });
    if (!parsed.ok) throw invalidFile(input.fileName, parsed.encoding, parsed.errors);

    // All or nothing: the import, its rows and the units' figures commit together.
    const written = await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(taxFeedImports)
        .values({
          id: importId,
          campaignId: input.campaignId,
          fileName: input.fileName,
          encoding: parsed.encoding,
          rows: parsed.rows.length,
          asOf: parsed.asOf,
          source: input.source,
          actor: input.actor,
        })
        .onConflictDoNothing()
        .returning({ id: taxFeedImports.id });
      // The same file arriving concurrently: the other import won.
      if (inserted.length === 0) return undefined;
      for (let i = 0; i < parsed.rows.length; i += INSERT_CHUNK) {
        await tx.insert(taxFeedRows).values(
          parsed.rows.slice(i, i + INSERT_CHUNK).map((r) => ({
            importId,
            campaignId: input.campaignId,
            unitCode: r.unitCode,
            paid: r.paid,
            amountFen: r.amountFen,
            asOf: r.asOf,
          })),
        );
      }
      // A feed as of an earlier day (a late delivery) never overwrites newer figures; the same day
      // again is a correction and does. YYYY-MM-DD text compares in date order.
      const updated = await tx
        .update(units)
        .set({
          taxPaid: sql`${taxFeedRows.paid}`,
          taxAmountFen: sql`${taxFeedRows.amountFen}`,
          taxAsOf: sql`${taxFeedRows.asOf}`,
          updatedAt: sql`now()`,
        })
        .from(taxFeedRows)
        .where(
          and(
            eq(taxFeedRows.importId, importId),
            eq(units.campaignId, taxFeedRows.campaignId),
            eq(units.code, taxFeedRows.unitCode),
            or(isNull(units.taxAsOf), lte(units.taxAsOf, taxFeedRows.asOf)),
          ),
        )
        .returning({ code: units.code });
      return { unitsUpdated: updated.length };
    });
    if (!written) return (await duplicate())!;
    return { importId, status: 'imported', rows: parsed.rows.length, asOf: parsed.asOf, encoding: parsed.encoding, unitsUpdated: written.unitsUpdated };
  }

  async function scanTaxInbox(input: TaxInboxScanInput): Promise<TaxInboxScanResult> {
    const { dir } = input;
    const processed = join(dir, 'processed');
    const failedDir = join(dir, 'failed');
    const entries = await readdir(dir, { withFileTypes: true });
    // Name order: files named by date are applied oldest first (the asOf rule makes order safe anyway).
    const files = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv')).map((e) => e.name).sort();
    const result: TaxInboxScanResult = { imported: [], duplicates: [], failed: [] };
    if (files.length === 0) return result;
    await mkdir(processed, { recursive: true });
    await mkdir(failedDir, { recursive: true });

    for (const name of files) {
      const path = join(dir, name);
      const campaignId = INBOX_FILE_NAME.exec(name)?.[1]?.toLowerCase() ?? null;
      let errors: TaxFeedError[];
      if (!campaignId) {
        errors = [fileError(name, '文件名应为“<征缴活动编号>__<任意名称>.csv”(如 jiangmen-2023__税务缴费-2023-11-06.csv),无法确定所属征缴活动', name)];
      } else {
        try {
          const r = await importTaxFeed({ campaignId, fileName: name, path, source: 'inbox', actor: TAX_INBOX_ACTOR });
          // Moving is the last step: a crash before it leaves the file to be found again as a duplicate.
          await rename(path, join(processed, await freeName(processed, name)));
          if (r.status === 'imported') result.imported.push({ file: name, campaignId, importId: r.importId, rows: r.rows, asOf: r.asOf, unitsUpdated: r.unitsUpdated });
          else result.duplicates.push({ file: name, campaignId, importId: r.importId });
          continue;
        } catch (e) {
          const invalid = taxFeedErrorsOf(e);
          if (invalid) errors = invalid.errors;
          else if (e instanceof ApplicationFailure && e.type === CAMPAIGN_NOT_FOUND) {
            errors = [fileError(name, `征缴活动 ${campaignId} 不存在(取自文件名“__”之前的部分)`, campaignId)];
          } else {
            // The database or the disk: the activity is retried and the files not yet moved are found again.
            throw e;
          }
        }
      }
      const target = await freeName(failedDir, name);
      const errorsFile = join(failedDir, `${target}.errors.txt`);
      await writeFile(errorsFile, `${errors.map(formatTaxFeedError).join('\n')}\n`, 'utf8');
      await rename(path, join(failedDir, target));
      result.failed.push({ file: name, campaignId, errorCount: errors.length, errors: errors.slice(0, ERRORS_IN_RESULT), errorsFile });
    }
    return result;
  }

  /** A campaign's imports, newest first (for the console and the API). */
  async function listTaxFeedImports(campaignId: string): Promise<TaxFeedImportSummary[]> {
    return db
      .select({
        id: taxFeedImports.id,
        fileName: taxFeedImports.fileName,
        encoding: taxFeedImports.encoding,
        rows: taxFeedImports.rows,
        asOf: taxFeedImports.asOf,
        source: taxFeedImports.source,
        actor: taxFeedImports.actor,
        importedAt: taxFeedImports.importedAt,
      })
      .from(taxFeedImports)
      .where(eq(taxFeedImports.campaignId, campaignId))
      .orderBy(desc(taxFeedImports.importedAt), desc(taxFeedImports.asOf));
  }

  return { importTaxFeed, scanTaxInbox, listTaxFeedImports };
}

export type TaxFeedActivities = ReturnType<typeof createTaxFeedActivities>;
