// Columns such as 参保状态, 渠道 or 缴费日期 hold a handful of distinct texts over a million rows: each is
// read once. Bounded, so a file of all-different junk cannot grow it without limit. Pure; safe in
// workflow code.

/** `read` remembered for up to `max` distinct texts (past that, read each time). */
export function memo<T>(read: (text: string) => T, max = 256): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    const hit = seen.get(text);
    if (hit !== undefined || seen.has(text)) return hit as T;
    const value = read(text);
    if (seen.size < max) seen.set(text, value);
    return value;
  };
}
