// 财政资金测算: what a screening run's people cost the government, per unit of the breakdown and per
// funding level. Counted: everyone the government pays for now or once mobilised (covered and
// to-mobilise); ineligible and refused people cost nothing. Each person's amounts are computed again
// with domain/policy.ts's contribution() under the policy the run recorded when it began, which is
// how the screening computed them (a conditional 代缴 the screening withheld stays withheld), then
// split per component between levels by the plan's costSplit and rolled up the breakdown.
import { regionContains } from '../../domain/access';
import { budgetEstimate, emptyBudgetLine, governmentPayment, mergeBudgetLine, rollUpBudget, type BudgetLine, type BudgetRow, type PersonInput, type ResolvedPolicy } from '../../domain/policy';
import type { PlanTree } from '../../domain/regions';
import type { Db } from '../../db/client';
import { resultPages, type ResultRow, type RunRow } from './reads';

const PAID_FOR = new Set(['covered', 'to-mobilise']);

export interface RunBudget {
  /** The unit asked for first, then every unit under it depth first, each with its subtree's sum. */
  rows: BudgetRow[];
  policy: ResolvedPolicy;
}

/** One result as the amounts need it, or null for someone who costs nothing. */
function personOf(policy: ResolvedPolicy, r: ResultRow): (PersonInput & { unitCode: string }) | null {
  if (!PAID_FOR.has(r.outcome) || r.tierFen === null || !r.villageCode) return null;
  // The screening withheld a conditional 代缴 (the person does not pay the balance): nothing was granted.
  const withheld = r.govPaidFen === 0 && r.subsidyFen === 0 && governmentPayment(policy, r.categories).conditional;
  return { tierFen: r.tierFen, categories: r.categories, regionCode: r.villageCode, unitCode: r.villageCode, ...(withheld ? { balancePaid: false } : {}) };
}

/** The run's budget estimate under `unitCode` (the campaign's region for all of it), read a page at a time. */
export async function runBudget(db: Db, campaign: { regionCode: string; plan: unknown }, run: RunRow, unitCode: string): Promise<RunBudget> {
  const policy = run.policy as ResolvedPolicy;
  const lines: Record<string, BudgetLine> = {};
  for await (const page of resultPages(db, { runId: run.id, campaignRegion: campaign.regionCode, unitCode })) {
    const people = page.map((r) => personOf(policy, r)).filter((p) => p !== null);
    for (const [code, line] of Object.entries(budgetEstimate(policy, people).units)) mergeBudgetLine((lines[code] ??= emptyBudgetLine()), line);
  }
  const all = rollUpBudget(campaign.plan as PlanTree, lines);
  const rows = unitCode === campaign.regionCode ? all : all.filter((r) => regionContains(unitCode, r.code));
  return { rows, policy };
}
