// The Jiangmen example plan moved to a test year, validated, and a campaign made from it directly in the
// read model (no campaign workflow): what activity, API and workflow tests start from.
import { createDbActivities } from '../../activities/db';
import type { Db } from '../../db/client';
import { campaigns } from '../../db/schema';
import { shiftPlanToStart, validatePlan, type Plan, type PlanInput } from '../../domain/plan';
import { newCampaignRow } from '../../server/campaigns/service';
import { loadExample } from '../../server/campaigns/examples';

/** Jiangmen 2023 starting on `start` (a Thursday in 2031 by default), under the id `id`. */
export function jiangmenPlan(id: string, start = '2031-09-28'): Plan {
  const shifted = shiftPlanToStart(loadExample('jiangmen-2023') as unknown as PlanInput, start, { id });
  const r = validatePlan(shifted, Date.parse('2026-01-01'));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

/** The campaign row and its units, as a launch would write them. */
export async function seedCampaign(db: Db, plan: Plan): Promise<void> {
  await db.insert(campaigns).values(newCampaignRow(plan, '测试'));
  await createDbActivities(db).materialiseCampaign(plan.id);
}
