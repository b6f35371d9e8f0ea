// The calendar editor's pure helpers: the new-year template (valid as it stands: no empty 文号 or link,
// which the schema refuses; the official adds them) and a JSON syntax error said in words with its line.

export function calendarTemplate(year: number): string {
  return JSON.stringify(
    {
      year,
      source: { title: `国务院办公厅关于${year}年部分节假日安排的通知`, issuer: '国务院办公厅', publishedOn: `${year - 1}-11-01` },
      holidays: [{ name: { zh: '元旦', en: "New Year's Day" }, from: `${year}-01-01`, to: `${year}-01-01` }],
      makeupWorkdays: [],
    },
    null,
    2,
  );
}

/** Where a JSON.parse error points, as line and column (from 1), when the engine says (`position 42`). */
export function jsonErrorAt(text: string, error: unknown): { line: number; column: number } | null {
  const m = /position (\d+)/.exec(error instanceof Error ? error.message : String(error));
  if (!m) return null;
  const before = text.slice(0, Number(m[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
