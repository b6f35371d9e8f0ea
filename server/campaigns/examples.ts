// The plans shipped in examples/plans, and the demo: Jiangmen 2023 shifted so that it starts today.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { shiftPlanToStart, type PlanInput } from '../../domain/plan';
import { DEFAULT_TIME_ZONE, localDateOf } from '../../domain/time';
import { notFound } from '../errors';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/plans', import.meta.url));
export const DEMO_SOURCE = 'jiangmen-2023';

const PLAN_FILE = /^([a-z0-9-]+)\.(ya?ml|json)$/;

export function listExamples(dir = EXAMPLES_DIR): Array<{ name: string; title: string; file: string }> {
  return readdirSync(dir)
    .filter((f) => PLAN_FILE.test(f))
    .sort()
    .map((file) => {
      const name = PLAN_FILE.exec(file)![1];
      const plan = loadExample(name, dir) as { title?: string };
      return { name, title: plan.title ?? name, file: `examples/plans/${file}` };
    });
}

export function loadExample(name: string, dir = EXAMPLES_DIR): Record<string, unknown> {
  const file = readdirSync(dir).find((f) => PLAN_FILE.exec(f)?.[1] === name);
  if (!file) throw notFound(`没有名为 ${name} 的示例方案`);
  return parseYaml(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
}

/** A Jiangmen-like campaign that starts today (in Beijing time), so a new user sees it live at once. */
export function demoPlan(now: number): PlanInput {
  const today = localDateOf(now, DEFAULT_TIME_ZONE);
  const plan = loadExample(DEMO_SOURCE) as unknown as PlanInput;
  const shifted = shiftPlanToStart(plan, today, { id: `demo-jiangmen-${today.replaceAll('-', '')}` });
  // The title names the campaign's year (江门市2026年…), not the source plan's 2023.
  const title = plan.title.replaceAll(`${plan.year}年`, `${shifted.year}年`);
  const [y, m, d] = today.split('-').map(Number);
  return { ...shifted, title: `【演示】${title}（自${y}年${m}月${d}日起）` };
}
