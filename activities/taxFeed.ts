// The tax-feed inbox pickup: the folder the weekly Schedule empties, each file imported through
// services/taxFeed.ts (all or nothing, once per file) and then moved. The file moves stay here, in the
// worker: the folder is the worker's (TAX_FEED_INBOX, as it sees it), and the service knows only bytes
// and the database.
//
// Inbox file names: `<campaignId>__<anything>.csv`, e.g. `jiangmen-2023__税务缴费-2023-11-06.csv`.
// Campaign ids are lower-case letters, digits and hyphens, so the first `__` ends the id. Only `*.csv`
// files directly in the folder are picked up: a sender should write `name.csv.part` and rename it
// when complete, so that a half-copied file is never read. After the scan a file is in `processed/`
// (imported, or the same file imported before) or in `failed/` with `<name>.errors.txt` beside it.
//
// The per-person payment feed (逐人缴费明细, domain/payments.ts) arrives in the same folder, named
// `<campaignId>__payments__<anything>.csv` or `.xlsx`. Such a file is stored as an upload of the list
// machinery and an import of it recorded with the columns found by their headers; the pickup workflow
// then runs the list-import workflow for it (long, heartbeating, resumable), which stores the delivery
// whole or refuses it whole (its errors are the import's: GET /api/campaigns/:id/payments/imports/:importId).
// The file moves to processed/ once recorded (it is then kept under UPLOAD_DIR until its import ends);
// one whose columns cannot be found goes to failed/ with its reason. Once a campaign's deliveries are
// imported, the workflow has `watchDiscrepancies` start or poke the campaign's 核查差异 workflow, as the
// API does after an uploaded delivery (server/discrepancies/routes.ts): the import may have opened
// discrepancies whose answer deadlines must be watched.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Db } from '../db/client';
import { formatTaxFeedError, TAX_FEED_MAX_BYTES, type TaxFeedError } from '../domain/taxFeed';
import type { ImportTaxFeedResult, TaxInboxScanInput, TaxInboxScanResult } from '../contracts/taxFeed';
import { CAMPAIGN_NOT_FOUND, ServiceError } from '../services/errors';
import { importTaxFeed, taxFeedErrorsOf, taxFeedFileError, taxFeedTooLarge } from '../services/taxFeed';
import { FIELD_LABELS } from '../formats/lists';
import { prepareImport, storeUpload, type PreparedImport, type UploadStore } from '../services/hardship/uploads';
import { paymentsCampaign } from '../services/payments';
import { watchDiscrepancies } from '../services/discrepancies';
import { activityContext, serviceCall } from './context';

export const TAX_INBOX_ACTOR = '税务数据收件箱';
/** `<campaignId>__<anything>.csv`; the id pattern is the plan schema's. */
export const INBOX_FILE_NAME = /^([a-z0-9][a-z0-9-]{1,62})__.+\.csv$/i;
/** `<campaignId>__payments__<anything>.csv|xlsx`: a per-person payment delivery. */
export const PAYMENTS_FILE_NAME = /^([a-z0-9][a-z0-9-]{1,62})__payments__.+\.(csv|xlsx)$/i;

const ERRORS_IN_RESULT = 5;

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

/** `store`: UPLOAD_DIR, where payment deliveries are kept until imported (the worker passes it). */
export function createTaxFeedActivities(db: Db, store?: UploadStore) {
  /** A per-person payment delivery recorded as an upload and an import; its columns must be found by their headers. */
  async function recordPayments(path: string, name: string, campaignId: string): Promise<{ prepared: PreparedImport } | { errors: TaxFeedError[] }> {
    if (!store) return { errors: [taxFeedFileError(name, '本工作进程未配置上传目录（UPLOAD_DIR），无法接收逐人缴费明细')] };
    try {
      await paymentsCampaign(db, campaignId);
      const up = await storeUpload(db, store, { campaignId, list: 'payments', fileName: name, source: createReadStream(path), actor: TAX_INBOX_ACTOR });
      if (!up.mapping.ok) {
        const missing = (up.mapping.missing ?? []).map((k) => FIELD_LABELS[k]);
        const ambiguous = (up.mapping.ambiguous ?? []).map((k) => FIELD_LABELS[k]);
        return {
          errors: [
            taxFeedFileError(name, `找不到或无法确定以下列：${[...missing, ...ambiguous].join('、')}；文件中的表头为：${up.headers.join('、')}。请按 README 中“逐人缴费明细”的格式导出后重新放入收件箱`),
          ],
        };
      }
      return { prepared: await prepareImport(db, store, campaignId, { uploadId: up.uploadId, list: 'payments', screenAfter: false, actor: TAX_INBOX_ACTOR }) };
    } catch (e) {
      if (e instanceof ServiceError && e.status < 500 && e.type !== 'ImportDataError') {
        return { errors: [taxFeedFileError(name, e.type === CAMPAIGN_NOT_FOUND ? `征缴活动 ${campaignId} 不存在（取自文件名“__”之前的部分）` : e.message)] };
      }
      throw e;
    }
  }

  /** One inbox file, imported; refused (too large, invalid, no such campaign) as the list of its errors. */
  async function importFile(path: string, name: string, campaignId: string): Promise<{ imported: ImportTaxFeedResult } | { errors: TaxFeedError[] }> {
    try {
      // Refused before it is read: a sender's mistake must not cost the worker the memory of a huge file.
      const { size } = await stat(path);
      if (size > TAX_FEED_MAX_BYTES) throw taxFeedTooLarge(name, size);
      return { imported: await importTaxFeed(db, { campaignId, fileName: name, bytes: await readFile(path), source: 'inbox', actor: TAX_INBOX_ACTOR }) };
    } catch (e) {
      const invalid = taxFeedErrorsOf(e);
      if (invalid) return { errors: invalid.errors };
      if (e instanceof ServiceError && e.type === CAMPAIGN_NOT_FOUND) {
        return { errors: [taxFeedFileError(name, `征缴活动 ${campaignId} 不存在（取自文件名“__”之前的部分）`, campaignId)] };
      }
      // The database or the disk: the activity is retried and the files not yet moved are found again.
      throw e;
    }
  }

  return {
    /**
     * The campaign's 核查差异 workflow started or poked after inbox deliveries (services/discrepancies.ts
     * watchDiscrepancies), through the worker's own client on the worker's task queue. Idempotent.
     */
    async watchDiscrepancies(input: { campaignId: string }): Promise<{ watched: boolean }> {
      const ctx = activityContext();
      if (!ctx) throw new Error('watchDiscrepancies runs as an activity only (it needs the worker’s Temporal client)');
      const watched = await serviceCall(() => watchDiscrepancies(db, { client: ctx.client, taskQueue: ctx.info.taskQueue }, input.campaignId));
      return { watched };
    },

    async scanTaxInbox(input: TaxInboxScanInput): Promise<TaxInboxScanResult> {
      const { dir } = input;
      const processed = join(dir, 'processed');
      const failedDir = join(dir, 'failed');
      const entries = await readdir(dir, { withFileTypes: true });
      // Name order: files named by date are applied oldest first (the asOf rule makes order safe anyway).
      const files = entries.filter((e) => e.isFile() && (e.name.toLowerCase().endsWith('.csv') || PAYMENTS_FILE_NAME.test(e.name))).map((e) => e.name).sort();
      const result: TaxInboxScanResult = { imported: [], duplicates: [], failed: [] };
      if (files.length === 0) return result;
      await mkdir(processed, { recursive: true });
      await mkdir(failedDir, { recursive: true });

      for (const name of files) {
        const path = join(dir, name);
        const campaignId = INBOX_FILE_NAME.exec(name)?.[1]?.toLowerCase() ?? null;
        let errors: TaxFeedError[];
        const payments = PAYMENTS_FILE_NAME.exec(name);
        if (payments) {
          const recorded = await recordPayments(path, name, payments[1].toLowerCase());
          if ('prepared' in recorded) {
            const p = recorded.prepared;
            await rename(path, join(processed, await freeName(processed, name)));
            (result.payments ??= []).push({ file: name, campaignId: payments[1].toLowerCase(), importId: p.importId, workflowId: p.workflowId, created: p.created });
            continue;
          }
          errors = recorded.errors;
        } else if (!campaignId) {
          errors = [taxFeedFileError(name, '文件名应为“<征缴活动编号>__<任意名称>.csv”（如 jiangmen-2023__税务缴费-2023-11-06.csv），无法确定所属征缴活动', name)];
        } else {
          const outcome = await importFile(path, name, campaignId);
          if ('imported' in outcome) {
            const r = outcome.imported;
            // Moving is the last step: a crash before it leaves the file to be found again as a duplicate.
            await rename(path, join(processed, await freeName(processed, name)));
            if (r.status === 'imported') result.imported.push({ file: name, campaignId, importId: r.importId, rows: r.rows, asOf: r.asOf, unitsUpdated: r.unitsUpdated });
            else result.duplicates.push({ file: name, campaignId, importId: r.importId });
            continue;
          }
          errors = outcome.errors;
        }
        const target = await freeName(failedDir, name);
        const errorsFile = join(failedDir, `${target}.errors.txt`);
        await writeFile(errorsFile, `${errors.map(formatTaxFeedError).join('\n')}\n`, 'utf8');
        await rename(path, join(failedDir, target));
        result.failed.push({ file: name, campaignId, errorCount: errors.length, errors: errors.slice(0, ERRORS_IN_RESULT), errorsFile });
      }
      return result;
    },
  };
}

export type TaxFeedActivities = ReturnType<typeof createTaxFeedActivities>;
