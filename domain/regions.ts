// The plan's region and its breakdown tree (任务分解): county → town → village, each with its targets.
// Pure helpers to walk the tree; the plan schema (domain/plan.ts) composes these.
import { z } from 'zod';
import { REGION_LEVELS, type RegionLevel } from './status';
import { TargetsSchema, inheritTargets, type Targets } from './targets';

/** 6 digits (county and above), 9 (town), 12 (village), as in the statistical division codes. */
export const regionCode = z.string().regex(/^\d{6}(\d{3}){0,2}$/, '区划代码应为 6、9 或 12 位数字');

export const RegionSchema = z
  .object({
    code: regionCode,
    name: z.string().trim().min(1, '名称不能为空'),
    level: z.enum(REGION_LEVELS),
  })
  .strict();
export type Region = z.infer<typeof RegionSchema>;

export interface RegionNode {
  code: string;
  name: string;
  level: RegionLevel;
  targets: Targets;
  children: RegionNode[];
}

export const RegionNodeSchema: z.ZodType<RegionNode, unknown> = z.lazy(() =>
  z
    .object({
      code: regionCode,
      name: z.string().trim().min(1, '名称不能为空'),
      level: z.enum(REGION_LEVELS),
      targets: TargetsSchema.default({}),
      children: z.array(RegionNodeSchema).default([]),
    })
    .strict(),
) as z.ZodType<RegionNode, unknown>;

/** What the tree helpers need of a plan. */
export interface PlanTree {
  region: { code: string; name: string; level: RegionLevel };
  targets: Targets;
  breakdown: RegionNode[];
}

export const LEVEL_RANK: Readonly<Record<RegionLevel, number>> = Object.fromEntries(REGION_LEVELS.map((l, i) => [l, i])) as Record<RegionLevel, number>;

/** Whether `level` lies below `above` (village is below town, town below county …). */
export const isBelow = (level: RegionLevel, above: RegionLevel) => LEVEL_RANK[level] > LEVEL_RANK[above];

/** Every region node in the tree, depth first, with its parent's code. */
export function flattenBreakdown(plan: Pick<PlanTree, 'region' | 'breakdown'>): Array<RegionNode & { parentCode: string; depth: number }> {
  const out: Array<RegionNode & { parentCode: string; depth: number }> = [];
  const walk = (nodes: RegionNode[], parentCode: string, depth: number) => {
    for (const n of nodes) {
      out.push({ ...n, parentCode, depth });
      walk(n.children, n.code, depth + 1);
    }
  };
  walk(plan.breakdown, plan.region.code, 1);
  return out;
}

/** A unit of the breakdown with where it sits: its JSON path (for errors) and its ancestors' codes, nearest first. */
export interface BreakdownUnit {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string;
  depth: number;
  /** `breakdown[0].children[3]` */
  path: string;
  /** Codes from the parent up to (not including) the plan's region. */
  ancestors: string[];
  /** The unit's targets with the thresholds it inherits from its ancestors and the plan. */
  targets: Targets;
  childCount: number;
}

/** Every unit, depth first, with its path, ancestors and effective targets. */
export function breakdownUnits(plan: PlanTree): BreakdownUnit[] {
  const out: BreakdownUnit[] = [];
  const walk = (nodes: RegionNode[], base: string, ancestors: string[], chain: Targets[]) => {
    nodes.forEach((n, i) => {
      const path = `${base}[${i}]`;
      const own = [...chain, n.targets];
      out.push({
        code: n.code,
        name: n.name,
        level: n.level,
        parentCode: ancestors[0] ?? plan.region.code,
        depth: ancestors.length + 1,
        path,
        ancestors,
        targets: inheritTargets(own),
        childCount: n.children.length,
      });
      walk(n.children, `${path}.children`, [n.code, ...ancestors], own);
    });
  };
  walk(plan.breakdown, 'breakdown', [], [plan.targets]);
  return out;
}

/** A unit's targets with inherited thresholds; the plan's own targets for the plan's region code. */
export function effectiveTargets(plan: PlanTree, code: string): Targets | null {
  if (code === plan.region.code) return { ...plan.targets };
  return breakdownUnits(plan).find((u) => u.code === code)?.targets ?? null;
}
