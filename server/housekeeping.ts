// Upkeep of the API's own tables and of UPLOAD_DIR: audit entries older than the retention (never under
// 180 days, through the database's own audit_prune), sessions past their timeouts and rate-limit and
// lockout counters that have expired (server/security/rateLimit.ts) (daily), and uploaded
// files past their lifetime (hourly). Runs shortly after start and then on its intervals; every API
// process runs it, and the work is idempotent.
//
// Uploaded files hold names and ID numbers. An import deletes its file once decided; everything else —
// a file nobody imported, one whose columns could not be mapped, a temporary file of an upload cut off,
// an import that never started — is deleted here once UPLOAD_RETENTION_HOURS have passed since the last
// upload of those bytes (services/hardship/uploads.ts cleanUploads). Why here rather than in a Temporal
// Schedule: deleting personal data must not wait for the Temporal service to be up, and every API
// process already has the database and UPLOAD_DIR. Several processes sharing UPLOAD_DIR may run it at
// once: each file is decided and deleted under the same advisory lock an upload and an import's start
// take (withUploadLock), so a file is never deleted while the same bytes are being uploaded again or an
// import of it is being recorded, and a second process finds nothing left to do. The `uploads` row
// stays, for the record, with the moment its file was deleted.
import type { Db } from '../db/client';
import { pruneAudit } from '../services/audit';
import { cleanUploads, type UploadCleanupResult, type UploadLifetime } from '../services/hardship/uploads';
import type { AuthService } from './auth/service';
import { pruneRateLimits } from './security/rateLimit';

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
