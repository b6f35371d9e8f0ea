// Upkeep of the API's own tables and of UPLOAD_DIR: audit entries older than the retention (never under
// 180 days, through the database's own audit_prune), sessions past their timeouts and rate-limit and
// lockout counters that have expired (server/security/rateLimit.ts) (daily), and uploaded
// files past their lifetime (hourly). Runs shortly after start and then on its intervals; every API
// process runs it, and the work is idempotent.
//
// Uploaded files hold names and ID numbers. An import deletes its file once decided; everything else —
// a file nobody imported, one whose columns could not be mapped, a temporary file of an upload cut off,
// an import that never started — is deleted here once UPLOAD_RETENTION_HOURS have passed since the last
// upload of those bytes. Why here rather than in a Temporal Schedule: deleting personal data must not
// wait for the Temporal service to be up, and every API process already has the database and
// UPLOAD_DIR. Several processes sharing UPLOAD_DIR may run it at once: each file is decided and deleted
// under the same advisory lock an upload and an import's start take (server/hardship.ts
// withUploadLock), so a file is never deleted while the same bytes are being uploaded again or an
// import of it is being recorded, and a second process finds nothing left to do. The `uploads` row
// stays, for the record, with the moment its file was deleted.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { listImports, uploads } from '../db/schema';
import { pruneAudit } from '../services/audit';
import type { AuthService } from './auth/service';
import { pruneRateLimits } from './security/rateLimit';
import { TMP_PREFIX, withUploadLock } from './hardship/handlers';

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

export interface HousekeepingResult {
  auditDeleted: number;
  auditBefore: string;
  sessionsEnded: number;
  countersPruned: number;
  uploads?: UploadCleanupResult;
}

export async function runHousekeeping(db: Db, auth: AuthService, retentionDays: number, now: Date = new Date(), lifetime?: UploadLifetime): Promise<HousekeepingResult> {
  const audit = await pruneAudit(db, { retentionDays, now });
  // On the auth service's own clock (the one that judged the sessions).
  const sessionsEnded = await auth.purgeExpiredSessions();
  const countersPruned = await pruneRateLimits(db, now.getTime());
  const result: HousekeepingResult = { auditDeleted: audit.deleted, auditBefore: audit.before.toISOString(), sessionsEnded, countersPruned };
  if (lifetime) result.uploads = await cleanUploads(db, { ...lifetime, now });
  return result;
}

const SHA256_NAME = /^[a-f0-9]{64}$/;

/** Deletes uploaded files past their lifetime (see the head of this file). */
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
      message: sql`${listImports.fileName} || ${`:导入在 ${opts.retentionHours} 小时内没有开始(工作进程可能未运行),上传的文件已按保留期限从服务器删除;请重新上传后再导入`}`,
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

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface HousekeepingOptions {
  /** AUDIT_RETENTION_DAYS. */
  auditRetentionDays: number;
  /** Uploaded files' lifetime; without it no file is cleaned. */
  uploads?: UploadLifetime;
  firstAfterMs?: number;
}

/** Starts the timers (unref'd: they never keep the process alive); returns their stop function. */
export function startHousekeeping(db: Db, auth: AuthService, opts: HousekeepingOptions): () => void {
  const daily = () =>
    runHousekeeping(db, auth, opts.auditRetentionDays).then(
      (r) => {
        if (r.auditDeleted > 0 || r.sessionsEnded > 0 || r.countersPruned > 0) {
          console.error(`[housekeeping] ${r.auditDeleted} audit entries before ${r.auditBefore} removed, ${r.sessionsEnded} sessions ended, ${r.countersPruned} expired rate-limit counters removed`);
        }
      },
      (e: unknown) => console.error('[housekeeping] failed:', (e as Error).message),
    );
  const hourly = () =>
    opts.uploads
      ? cleanUploads(db, opts.uploads).then(
          (r) => {
            if (r.filesDeleted + r.strayFilesDeleted + r.importsFailed > 0) {
              console.error(`[housekeeping] uploads: ${r.filesDeleted} files past their lifetime deleted, ${r.strayFilesDeleted} stray files deleted, ${r.importsFailed} imports that never started marked failed`);
            }
          },
          (e: unknown) => console.error('[housekeeping] upload clean-up failed:', (e as Error).message),
        )
      : Promise.resolve();
  const timers = [
    setTimeout(() => void daily().then(hourly), opts.firstAfterMs ?? 60_000),
    setInterval(daily, DAY_MS),
    setInterval(hourly, HOUR_MS),
  ];
  for (const t of timers) t.unref();
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}
