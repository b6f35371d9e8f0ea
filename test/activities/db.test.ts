// The read-model activities on both databases the product runs on: PGlite (embedded default) and
// PostgreSQL (production path), with the same committed migrations.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbActivities } from '../../activities/db';
import { openDatabase, type Database } from '../../db/client';
import { actions, campaigns, phases, units } from '../../db/schema';
import { newCampaignRow } from '../../server/campaigns/service';
import { jiangmenPlan, seedCampaign } from '../support/plans';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const plan = jiangmenPlan('db-test');

describe.each(['pglite', 'postgres'] as const)('read model on %s', (kind) => {
  let database: Database;
  let pg: TestDatabase | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ url: pg?.url });
    expect(database.kind).toBe(kind);
    await database.db.insert(campaigns).values(newCampaignRow(plan, '测试'));
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });

  it('materialises phases and units once, however often it is retried', async () => {
    const acts = createDbActivities(database.db);
    const first = await acts.materialiseCampaign(plan.id);
    await acts.materialiseCampaign(plan.id);
    expect(first.children.map((c) => c.name)).toEqual(['蓬江区', '江海区', '新会区', '台山市', '开平市', '鹤山市', '恩平市']);
    expect(first.phases[0]).toMatchObject({ key: 'deployment', startAt: Date.parse('2031-09-27T16:00:00Z') });
    const [{ n, distinct }] = await database.db
      .select({ n: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct ${units.code})::int` })
      .from(units)
      .where(eq(units.campaignId, plan.id));
    expect(n).toBe(distinct);
    expect(n).toBe(7 + 73 + 1300);
    const towns = await acts.listChildUnits(plan.id, '440703');
    expect(towns.length).toBeGreaterThan(0);
    expect(towns.every((t) => t.level === 'town' && t.parentCode === '440703')).toBe(true);
    // Villages are rows, never workflow children.
    expect(await acts.listChildUnits(plan.id, towns[0].code)).toEqual([]);
    await expect(acts.materialiseCampaign('no-such-campaign')).rejects.toMatchObject({ type: 'CampaignNotFound', nonRetryable: true });
  });

  it('keeps the newest transition when an older one arrives late, and records an action once', async () => {
    // Its own campaign: no test depends on another's rows.
    const plan = jiangmenPlan(`db-test-transitions-${kind}`);
    await seedCampaign(database.db, plan);
    const acts = createDbActivities(database.db);
    const action = { id: `${plan.id}/advance/1`, kind: 'advance' as const, actor: '张科长', reason: '提前', detail: {}, at: Date.parse('2031-09-29T00:00:00Z') };
    const newer = { campaignId: plan.id, version: 3, status: 'running' as const, currentPhaseKey: 'mobilisation', phases: [{ key: 'deployment', status: 'done' as const, endReason: 'advanced' as const }], action };
    const older = { campaignId: plan.id, version: 2, status: 'running' as const, currentPhaseKey: 'deployment', phases: [{ key: 'deployment', status: 'active' as const }] };
    await acts.recordCampaignTransition(newer);
    await acts.recordCampaignTransition(newer);
    await acts.recordCampaignTransition(older);
    const [c] = await database.db.select().from(campaigns).where(eq(campaigns.id, plan.id));
    expect(c).toMatchObject({ version: 3, currentPhaseKey: 'mobilisation' });
    const [p] = await database.db.select().from(phases).where(and(eq(phases.campaignId, plan.id), eq(phases.key, 'deployment')));
    expect(p).toMatchObject({ status: 'done', endReason: 'advanced' });
    const log = await database.db.select().from(actions).where(eq(actions.campaignId, plan.id));
    expect(log).toHaveLength(1);

    await acts.recordUnitState({ campaignId: plan.id, code: '440703', version: 2, status: 'active', phaseKey: 'mobilisation', workflowId: 'w' });
    await acts.recordUnitState({ campaignId: plan.id, code: '440703', version: 1, status: 'active', phaseKey: 'deployment', workflowId: 'w' });
    const [u] = await database.db.select().from(units).where(and(eq(units.campaignId, plan.id), eq(units.code, '440703')));
    expect(u).toMatchObject({ version: 2, phaseKey: 'mobilisation' });
  });
});
