// The audit log: who did what, when, from where, with what result. Append-only in the database (see
// migration 0003_auth): this module only inserts, searches, and prunes through `audit_prune`.
//
// What goes in: logins and their failures, lockouts, second-factor failures, logouts, user management,
// authorization denials, launches, phase actions, reports, escalation answers, imports, exports and
// every unmasking of an ID number. What never goes in: a resident's ID number or name. `appendAudit`
// masks anything shaped like an ID number in `target` and `detail` before the insert, and a CHECK
// constraint refuses one that gets through; names are the caller's duty (pass codes and counts).
//
// Retention: `pruneAudit` deletes rows older than max(retentionDays, 180) days. The database refuses a
// younger bound by itself, so a misconfigured retention can never shorten the legal minimum.
import { and, desc, eq, gte, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf, type Db } from '../db/client';
import { auditLog } from '../db/schema';
import { isRegionCode, regionPrefix } from '../domain/access';
import { maskIdNumber } from '../domain/idNumber';

export const AUDIT_RESULTS = ['success', 'denied', 'failure'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/** The legal floor (issue 5; 网络安全法 Art. 21 asks for at least six months of logs). */
export const MIN_AUDIT_RETENTION_DAYS = 180;

/** Longest `detail` kept, as JSON text; a bigger one is replaced by a note, so no request can flood the log. */
const MAX_DETAIL_CHARS = 8_000;
const MAX_DETAIL_DEPTH = 6;

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export const AuditEntrySchema = z
  .object({
    actorId: z.number().int().positive().nullable().optional(),
    actorUsername: z.string().max(64).nullable().optional(),
    role: z.string().max(32).nullable().optional(),
    action: z.string().max(64).regex(ACTION, '审计动作名称格式不正确'),
    target: z.string().max(200).nullable().optional(),
    regionCode: z.string().refine(isRegionCode, '区划代码应为 6、9 或 12 位数字').nullable().optional(),
    result: z.enum(AUDIT_RESULTS),
    ip: z.string().max(64).nullable().optional(),
    detail: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .strict();
export type AuditEntry = z.input<typeof AuditEntrySchema>;

export interface AuditRow {
  id: number;
  at: Date;
  actorId: number | null;
  actorUsername: string | null;
  role: string | null;
  action: string;
  target: string | null;
  regionCode: string | null;
  result: AuditResult;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

// An 18-character ID number (or a legacy 15-digit one) standing alone, not part of a longer number or
// of a hex digest.
const ID_LIKE = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;

/** Masks anything shaped like a resident ID number in a string. */
export function maskIdNumbersIn(text: string): string {
  return text.replace(ID_LIKE, (m) => maskIdNumber(m));
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskIdNumbersIn(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return maskIdNumbersIn(value.toString());
  if (depth >= MAX_DETAIL_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [maskIdNumbersIn(k), scrub(v, depth + 1)]));
  }
  return undefined;
}

/** Appends one entry. Throws on a malformed entry: a lost audit record must be loud, never silent. */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  const e = AuditEntrySchema.parse(entry);
  let detail = e.detail ? (scrub(e.detail, 0) as Record<string, unknown>) : null;
  if (detail && JSON.stringify(detail).length > MAX_DETAIL_CHARS) detail = { truncated: true, keys: Object.keys(detail).slice(0, 20) };
  await db.insert(auditLog).values({
    actorId: e.actorId ?? null,
    // A login attempt's username is what was typed: it may be an ID number in the wrong field.
    actorUsername: e.actorUsername == null ? null : maskIdNumbersIn(e.actorUsername),
    role: e.role ?? null,
    action: e.action,
    target: e.target == null ? null : maskIdNumbersIn(e.target),
    regionCode: e.regionCode ?? null,
    result: e.result,
    ip: e.ip ?? null,
    detail,
  });
}

export const AuditSearchSchema = z
  .object({
    /** Inclusive. */
    from: z.coerce.date().optional(),
    /** Exclusive. */
    to: z.coerce.date().optional(),
    /** Exact username. */
    actor: z.string().trim().min(1).max(64).optional(),
    /** Exact action, or a family with a trailing `.*` (`login.*` matches `login` and `login.lockout`). */
    action: z
      .string()
      .trim()
      .max(64)
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$/, '审计动作名称格式不正确')
      .optional(),
    result: z.enum(AUDIT_RESULTS).optional(),
    /** Only entries whose target lies in this region's subtree (an auditor's own region). */
    region: z.string().refine(isRegionCode, '区划代码应为 6、9 或 12 位数字').optional(),
    /**
     * With `region`: also entries that have no region (failed logins on unknown accounts, command-line
     * actions). Meant for the top-level auditor, who would otherwise never see a password-guessing run.
     */
    includeUnscoped: z.boolean().default(false),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** Keyset paging: entries with an id below this (the previous page's `nextBefore`). */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();
export type AuditSearch = z.input<typeof AuditSearchSchema>;

export interface AuditPage {
  rows: AuditRow[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/** Newest first. Keyset paging on the id keeps deep pages cheap on a log of millions of rows. */
export async function searchAudit(db: Db, filters: AuditSearch = {}): Promise<AuditPage> {
  const f = AuditSearchSchema.parse(filters);
  const where: SQL[] = [];
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lt(auditLog.at, f.to));
  if (f.actor) where.push(eq(auditLog.actorUsername, f.actor.toLowerCase()));
  if (f.action?.endsWith('.*')) {
    const family = f.action.slice(0, -2);
    where.push(sql`(${auditLog.action} = ${family} or ${auditLog.action} like ${`${family}.%`})`);
  } else if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.result) where.push(eq(auditLog.result, f.result));
  if (f.region) {
    const inRegion = like(auditLog.regionCode, `${regionPrefix(f.region)}%`);
    where.push(f.includeUnscoped ? or(inRegion, isNull(auditLog.regionCode))! : inRegion);
  }
  if (f.before) where.push(lt(auditLog.id, f.before));
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit) as AuditRow[];
  return { rows: page, nextBefore: rows.length > f.limit ? page[page.length - 1].id : null };
}

export interface PruneOptions {
  /** Configured retention; anything under 180 is raised to 180. */
  retentionDays: number;
  now?: Date;
}

/**
 * Deletes entries older than max(retentionDays, 180) days through the database's `audit_prune`, the only
 * way past the append-only triggers. Returns the bound used and how many rows went.
 */
export async function pruneAudit(db: Db, opts: PruneOptions): Promise<{ before: Date; deleted: number }> {
  if (!Number.isFinite(opts.retentionDays) || opts.retentionDays < 0) throw new RangeError('retentionDays must be a non-negative number');
  const days = Math.max(opts.retentionDays, MIN_AUDIT_RETENTION_DAYS);
  const before = new Date((opts.now ?? new Date()).getTime() - days * 86_400_000);
  const result = await db.execute(sql`select audit_prune(${before.toISOString()}::timestamptz)::text as deleted`);
  const rows = rowsOf<{ deleted: string }>(result);
  return { before, deleted: Number(rows[0]?.deleted ?? 0) };
}
