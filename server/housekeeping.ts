// Daily upkeep of the API's own tables: audit entries older than the retention (never under 180 days,
// through the database's own audit_prune), sessions past their timeouts, and rate-limit and lockout
// counters that have expired (server/security/rateLimit.ts). Runs once shortly after
// start and then every day; each API process may run it, the work is idempotent.
import type { Db } from '../db/client';
import { pruneAudit } from './audit';
import type { AuthService } from './auth/service';
import { pruneRateLimits } from './security/rateLimit';

export interface HousekeepingResult {
  auditDeleted: number;
  auditBefore: string;
  sessionsEnded: number;
  countersPruned: number;
}

export async function runHousekeeping(db: Db, auth: AuthService, retentionDays: number, now: Date = new Date()): Promise<HousekeepingResult> {
  const audit = await pruneAudit(db, { retentionDays, now });
  // On the auth service's own clock (the one that judged the sessions).
  const sessionsEnded = await auth.purgeExpiredSessions();
  const countersPruned = await pruneRateLimits(db, now.getTime());
  return { auditDeleted: audit.deleted, auditBefore: audit.before.toISOString(), sessionsEnded, countersPruned };
}

const DAY_MS = 86_400_000;

/** Starts the daily timer (unref'd: it never keeps the process alive); returns its stop function. */
export function startHousekeeping(db: Db, auth: AuthService, retentionDays: number, firstAfterMs = 60_000): () => void {
  const run = () =>
    runHousekeeping(db, auth, retentionDays).then(
      (r) => {
        if (r.auditDeleted > 0 || r.sessionsEnded > 0 || r.countersPruned > 0) {
          console.error(`[housekeeping] ${r.auditDeleted} audit entries before ${r.auditBefore} removed, ${r.sessionsEnded} sessions ended, ${r.countersPruned} expired rate-limit counters removed`);
        }
      },
      (e: unknown) => console.error('[housekeeping] failed:', (e as Error).message),
    );
  const first = setTimeout(run, firstAfterMs);
  const daily = setInterval(run, DAY_MS);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
