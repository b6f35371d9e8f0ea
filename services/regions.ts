// 区划 by name: the regions of every campaign and their units, one per code (a code names the same place
// in every plan), inside
// the caller's region subtree only. Matches a name's part or a code's first digits; each answer carries
// the names above it so that 蓬江区 reads 广东省 › 江门市 › 蓬江区.
import { and, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { campaigns, units } from '../db/schema';
import { isRegionCode, regionContains, regionPrefix } from '../domain/access';
import type { RegionView, RegionsView } from '../contracts/api/regions';

export const REGION_MATCH_LIMIT = 50;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

interface Row {
  code: string;
  name: string;
  parentCode: string;
  level: string;
}

/** Units and the campaigns' own regions (the root of each plan is no unit) matching `where`, one per code. */
async function regionRows(db: Db, on: (code: typeof units.code | typeof campaigns.regionCode, name: typeof units.name | typeof campaigns.regionName) => SQL | undefined, limit?: number): Promise<Row[]> {
  // One row per code (the same code names the same place in every plan), shorter codes first: counties before their towns.
  const unitQuery = db
    .select({ code: units.code, name: sql<string>`min(${units.name})`, parentCode: sql<string>`min(${units.parentCode})`, level: sql<string>`min(${units.level})` })
    .from(units)
    .where(on(units.code, units.name))
    .groupBy(units.code)
    .orderBy(sql`length(${units.code})`, units.code);
  const rootQuery = db
    .selectDistinctOn([campaigns.regionCode], { code: campaigns.regionCode, name: campaigns.regionName, level: campaigns.regionLevel })
    .from(campaigns)
    .where(on(campaigns.regionCode, campaigns.regionName))
    .orderBy(campaigns.regionCode);
  const [unitRows, roots] = await Promise.all([limit ? unitQuery.limit(limit) : unitQuery, limit ? rootQuery.limit(limit) : rootQuery]);
  const out = new Map<string, Row>();
  for (const r of unitRows) out.set(r.code, r);
  for (const r of roots) if (!out.has(r.code)) out.set(r.code, { ...r, parentCode: '' });
  return [...out.values()];
}

async function byCodes(db: Db, codes: string[]): Promise<Map<string, Row>> {
  if (codes.length === 0) return new Map();
  return new Map((await regionRows(db, (code) => inArray(code, codes))).map((r) => [r.code, r]));
}

/** The names above each row, highest first, looked up level by level (a region tree is at most five deep). */
async function withPaths(db: Db, rows: Row[]): Promise<RegionView[]> {
  const known = new Map(rows.map((r) => [r.code, r]));
  let missing = [...new Set(rows.map((r) => r.parentCode))].filter((c) => c && !known.has(c));
  for (let depth = 0; depth < 5 && missing.length > 0; depth++) {
    const found = await byCodes(db, missing);
    for (const [code, r] of found) known.set(code, r);
    missing = [...new Set([...found.values()].map((r) => r.parentCode))].filter((c) => c && !known.has(c));
  }
  return rows.map((r) => {
    const path: string[] = [];
    const seen = new Set([r.code]);
    for (let p = known.get(r.parentCode); p && !seen.has(p.code); p = known.get(p.parentCode)) {
      seen.add(p.code);
      path.unshift(p.name);
    }
    return { code: r.code, name: r.name, level: r.level, path };
  });
}

export async function findRegions(db: Db, regionCode: string, query: { q?: string; codes?: string }): Promise<RegionsView> {
  const prefix = `${regionPrefix(regionCode)}%`;
  if (query.codes !== undefined) {
    const codes = [...new Set(query.codes.split(',').map((c) => c.trim()))].filter((c) => isRegionCode(c) && regionContains(regionCode, c)).slice(0, 200);
    const rows = [...(await byCodes(db, codes)).values()];
    return { items: await withPaths(db, rows), truncated: false };
  }
  const q = query.q?.trim() ?? '';
  const rows = (
    await regionRows(
      db,
      (code, name) => {
        // A shorter prefix never widens the subtree: 440700's scope is 4407…, the subtree check below keeps it exact.
        const match = q === '' ? undefined : /^\d+$/.test(q) ? like(code, `${escapeLike(q)}%`) : like(name, `%${escapeLike(q)}%`);
        return match ? and(like(code, prefix), match) : like(code, prefix);
      },
      REGION_MATCH_LIMIT + 1,
    )
  ).filter((r) => regionContains(regionCode, r.code));
  // Shorter codes (counties before their towns) first, then by code.
  const sorted = rows.sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code));
  return { items: await withPaths(db, sorted.slice(0, REGION_MATCH_LIMIT)), truncated: rows.length > REGION_MATCH_LIMIT };
}
