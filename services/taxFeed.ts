// The tax bureau's payment feed in the database: one CSV file imported all or nothing, and a campaign's
// past imports. The upload route and the inbox pickup (activities/taxFeed.ts) both import through here.
// The file's sha256 is the import's id, so a file delivered twice (a retried upload, an inbox re-scanned
// after a crash) is imported once. A refused file is a ServiceError of type TaxFeedInvalid whose details
// list every error (file, line, column, value, reason): the route answers it as a 400 naming them, the
// pickup writes them beside the file in failed/.
import { createHash } from 'node:crypto';
import { and, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { campaigns, taxFeedImports, taxFeedRows, units } from '../db/schema';
import { TAX_FEED_MAX_BYTES, type TaxFeedEncoding, type TaxFeedError } from '../domain/taxFeed';
import { TAX_FEED_INVALID, type ImportTaxFeedInput, type ImportTaxFeedResult, type TaxFeedImportSummary, type TaxFeedInvalidDetails } from '../contracts/taxFeed';
import { parseTaxFeed } from '../formats/taxFeed';
import { campaignNotFound, ServiceError } from './errors';

const INSERT_CHUNK = 1_000;

/** A refused file: every error in its details, nothing of it written. */
export function taxFeedInvalid(fileName: string, encoding: TaxFeedEncoding | null, errors: TaxFeedError[]): ServiceError {
  const details: TaxFeedInvalidDetails = { fileName, encoding, errors };
  return new ServiceError(TAX_FEED_INVALID, `税务数据文件 ${fileName} 有 ${errors.length} 处错误，未导入任何数据`, 400, details);
}

/** The details of a refused file, or null for any other error. */
export function taxFeedErrorsOf(e: unknown): TaxFeedInvalidDetails | null {
  return e instanceof ServiceError && e.type === TAX_FEED_INVALID ? (e.details as TaxFeedInvalidDetails) : null;
}

/** An error about the file as a whole (no line, no column). */
export const taxFeedFileError = (fileName: string, reason: string, value: string | null = null): TaxFeedError => ({ file: fileName, line: null, column: null, value, reason });

/** A file over the cap, refused before it is read. */
export const taxFeedTooLarge = (fileName: string, size: number) =>
  taxFeedInvalid(fileName, null, [taxFeedFileError(fileName, `文件大小 ${size} 字节，超过 5 MiB（${TAX_FEED_MAX_BYTES} 字节）上限；请按区县拆分后分别提交`)]);

/**
 * Imports one file: its rows, and the units' tax figures where the file is not older than what they
 * show, in one transaction. The same bytes again answer `duplicate` with the first import's facts.
 */
export async function importTaxFeed(db: Db, input: ImportTaxFeedInput): Promise<ImportTaxFeedResult> {
  const { bytes } = input;
  if (bytes.length > TAX_FEED_MAX_BYTES) throw taxFeedTooLarge(input.fileName, bytes.length);
  const importId = createHash('sha256').update(bytes).digest('hex');

  const [campaign] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, input.campaignId));
  if (!campaign) throw campaignNotFound(input.campaignId);

  const duplicate = async (): Promise<ImportTaxFeedResult | undefined> => {
    const [prior] = await db.select().from(taxFeedImports).where(eq(taxFeedImports.id, importId));
    if (!prior) return undefined;
    if (prior.campaignId !== input.campaignId) {
      throw taxFeedInvalid(input.fileName, null, [
        taxFeedFileError(input.fileName, `同一文件已于 ${prior.importedAt.toISOString()} 导入征缴活动 ${prior.campaignId}（文件名 ${prior.fileName}），不能再导入另一个活动`),
      ]);
    }
    return { importId, status: 'duplicate', rows: prior.rows, asOf: prior.asOf, encoding: prior.encoding as TaxFeedEncoding, unitsUpdated: 0 };
  };
  const prior = await duplicate();
  if (prior) return prior;

  const known = await db.select({ code: units.code, name: units.name }).from(units).where(eq(units.campaignId, input.campaignId));
  if (known.length === 0) {
    throw taxFeedInvalid(input.fileName, null, [taxFeedFileError(input.fileName, `征缴活动 ${input.campaignId} 还没有单位数据（活动尚未启动完成），请稍后再提交`)]);
  }
  const parsed = parseTaxFeed(bytes, { fileName: input.fileName, knownUnits: new Map(known.map((u) => [u.code, u.name])) });
  if (!parsed.ok) throw taxFeedInvalid(input.fileName, parsed.encoding, parsed.errors);

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

/** A campaign's imports, newest first. */
export async function listTaxFeedImports(db: Db, campaignId: string): Promise<TaxFeedImportSummary[]> {
  const [campaign] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (!campaign) throw campaignNotFound(campaignId);
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
