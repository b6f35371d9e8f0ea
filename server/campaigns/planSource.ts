// Plans arrive as objects (JSON bodies) or as pasted/uploaded JSON or YAML text.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { PlanIssue } from '../../domain/plan';

export type PlanSource = Record<string, unknown> | string;

export function readPlanSource(source: PlanSource): { ok: true; value: unknown } | { ok: false; errors: PlanIssue[] } {
  if (typeof source !== 'string') return { ok: true, value: source };
  const text = source.replace(/^\uFEFF/, '');
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    const value = parseYaml(text, { maxAliasCount: 100 });
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, errors: [{ path: '(plan)', message: '方案应为一个对象（JSON 或 YAML 映射）' }] };
    }
    return { ok: true, value };
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? `第 ${e.linePos[0].line} 行第 ${e.linePos[0].col} 列` : '(plan)';
    return { ok: false, errors: [{ path: where, message: `无法解析 JSON/YAML:${(e as Error).message.split('\n')[0]}` }] };
  }
}
