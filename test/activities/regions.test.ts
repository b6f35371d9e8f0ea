// 区划 by name (GET /api/regions, services/regions.ts) on both databases: two Jiangmen campaigns give
// each code once; 蓬江 finds 蓬江区 with 江门市 above it; a county's caller sees only its own subtree,
// by name and by code; codes are named where known; a long answer says it was cut.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { openDatabase, type Database } from '../../db/client';
import { campaigns } from '../../db/schema';
import { newCampaignRow } from '../../server/campaigns/service';
import { findRegions, REGION_MATCH_LIMIT } from '../../services/regions';
import { jiangmenPlan } from '../support/plans';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

describe.each(['pglite', 'postgres'] as const)('regions on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    const acts = createDbActivities(database.db);
    for (const id of ['regions-a', 'regions-b']) {
      const plan = jiangmenPlan(id);
      await database.db.insert(campaigns).values(newCampaignRow(plan, '测试'));
      await acts.materialiseCampaign(plan.id);
    }
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });

  it('finds 蓬江区 by name, once, with the names above it', async () => {
    const r = await findRegions(database.db, '440700', { q: '蓬江' });
    expect(r.items[0]).toEqual({ code: '440703', name: '蓬江区', level: expect.any(String) as string, path: ['江门市'] });
    expect(new Set(r.items.map((i) => i.code)).size).toBe(r.items.length);
    expect(r.items.every((i) => i.name.includes('蓬江'))).toBe(true);
    const town = (await findRegions(database.db, '440700', { q: '440703001' })).items[0];
    expect(town.path).toEqual(['江门市', '蓬江区']);
  });

  it('stays inside the caller’s own region', async () => {
    expect((await findRegions(database.db, '440704', { q: '蓬江' })).items).toEqual([]);
    expect((await findRegions(database.db, '440704', { q: '4407' })).items.every((i) => i.code.startsWith('440704'))).toBe(true);
    const named = await findRegions(database.db, '440704', { codes: '440703,440704,440700' });
    expect(named.items.map((i) => i.code)).toEqual(['440704']);
    const city = await findRegions(database.db, '440700', { codes: '440703,440704,440799' });
    expect(Object.fromEntries(city.items.map((i) => [i.code, i.name]))).toEqual({ '440703': '蓬江区', '440704': '江海区' });
  });

  it('cuts a long answer at the limit and says so, counties first', async () => {
    const r = await findRegions(database.db, '440700', { q: '4407' });
    expect(r.items).toHaveLength(REGION_MATCH_LIMIT);
    expect(r.truncated).toBe(true);
    expect(r.items[0].code).toBe('440700');
    expect(r.items.slice(1, 8).map((i) => i.name)).toEqual(['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市']);
  });
});
