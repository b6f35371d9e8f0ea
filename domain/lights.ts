// The traffic light of a unit (issue 3): red when a report is overdue or a target was missed, yellow
// when behind pace (序时进度), blue when a report falls due within the plan's warning window, else green;
// rolled up the hierarchy as the worst light of the subtree.
export const LIGHTS = ['red', 'yellow', 'blue', 'green'] as const;
export type Light = (typeof LIGHTS)[number];

const LIGHT_RANK: Record<Light, number> = { green: 0, blue: 1, yellow: 2, red: 3 };

export interface LightRow {
  code: string;
  parentCode: string;
  overdue: boolean;
  targetMissed: boolean;
  paceBehind: boolean;
  /** Epoch ms of the next report due, or null. */
  nextDueAt: number | null;
}

/** Own light of every unit and the worst light of its subtree. */
export function computeLights(rows: LightRow[], now: number, warningWindowDays: number): Map<string, { self: Light; rolled: Light }> {
  const out = new Map<string, { self: Light; rolled: Light }>();
  const window = warningWindowDays * 86_400_000;
  for (const r of rows) {
    const due = r.nextDueAt ?? undefined;
    const self: Light =
      r.overdue || r.targetMissed ? 'red' : r.paceBehind ? 'yellow' : due !== undefined && due > now && due - now <= window ? 'blue' : 'green';
    out.set(r.code, { self, rolled: self });
  }
  // Children come after their parents in depth order: walk deepest first and push each light up.
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const depth = (code: string) => {
    let d = 0;
    for (let c = byCode.get(code); c && byCode.has(c.parentCode); c = byCode.get(c.parentCode)) d++;
    return d;
  };
  for (const r of [...rows].sort((a, b) => depth(b.code) - depth(a.code))) {
    const parent = out.get(r.parentCode);
    const mine = out.get(r.code)!;
    if (parent && LIGHT_RANK[mine.rolled] > LIGHT_RANK[parent.rolled]) parent.rolled = mine.rolled;
  }
  return out;
}
